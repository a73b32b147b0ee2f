"""Each installed backend against torch fp32 with the real packaged model (slow: each converts the
model once, into this session's temporary NEWSQA_HOME), and the encoder's threads under concurrency."""

import threading

import numpy as np
import pytest

from newsqa.embeddings.backends.choose import installed, resolve
from newsqa.embeddings.backends.parity import min_cosine

pytestmark = pytest.mark.slow
TEXTS = ["Putin met Kim at the Vostochny cosmodrome. They talked about rockets.",
         "Shares fell 3% on Monday.", "word " * 300 + "Past the window."]
SPANS = [[(0, 42), (43, 70)], [(0, 25)], [(0, 20), (1500, 1516)]]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("backends-home")


@pytest.mark.parametrize("backend", ["openvino", "onnx"])
def test_backend_vectors_match_torch(backend, real_encoder, home):
    if not installed(backend):
        pytest.skip(f"{backend} is not installed (pip install 'newsqa[backends]')")
    enc = resolve(real_encoder, backend, home=home)
    assert enc.backend == backend and enc.parity.ok, enc.note
    assert enc.model is real_encoder.model  # one loaded model, another forward pass
    p, s = enc.encode_passages(TEXTS, SPANS)
    rp, rs = real_encoder.encode_passages(TEXTS, SPANS)
    assert min_cosine(p, rp) >= 0.9999 and min_cosine(s, rs) >= 0.9999
    assert [bool(r.any()) for r in s] == [bool(r.any()) for r in rs]  # the same sentences pooled
    q = enc.encode_queries(["Who met Putin?"])
    assert float(q[0] @ real_encoder.encode_queries(["Who met Putin?"])[0]) >= 0.9999
    again = resolve(real_encoder, backend, home=home)  # the cached conversion, checksums verified
    assert again.backend == backend and np.allclose(again.encode_documents(TEXTS[:1]), p[:1], atol=1e-5)


def test_engine_answers_alike_on_another_backend(seed_index, seed_engine, home, monkeypatch):
    if not installed("onnx"):
        pytest.skip("onnxruntime is not installed")
    from newsqa.qa import Engine

    monkeypatch.setenv("NEWSQA_HOME", str(home))
    engine = Engine.open(seed_index, backend="onnx")
    assert engine.encoder.backend == "onnx"
    q = "Where did Putin take Kim on a tour of Russia's space facilities?"
    want, got = seed_engine.ask(q), engine.ask(q)
    assert not want.abstained and [c.quote for c in got.citations] == [c.quote for c in want.citations]


def test_concurrent_encodes_are_exact_and_leave_torch_threads_alone(real_encoder):
    import torch

    questions = [f"What did the minister say about question {i}?" for i in range(24)]
    serial = real_encoder.encode_documents(questions[:1])
    bulk_texts = ["A longer passage about the economy, rates and jobs. " * 8] * 66  # > 64: a bulk encode
    want_bulk = real_encoder.encode_documents(bulk_texts)
    errors, results = [], {}

    def ask(i):
        try:
            results[i] = real_encoder.encode_queries([questions[i]])[0]
        except Exception as e:  # pragma: no cover - the failure this test looks for
            errors.append(e)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    bulk = threading.Thread(target=lambda: results.setdefault("bulk", real_encoder.encode_documents(bulk_texts)))
    for t in [bulk, *threads]:
        t.start()
    for t in [bulk, *threads]:
        t.join()
    assert not errors and len(results) == len(questions) + 1
    assert np.allclose(results[0], serial[0], atol=1e-5) and np.allclose(results["bulk"], want_bulk, atol=1e-5)
    assert torch.get_num_threads() == real_encoder.threads.bulk


def test_small_encodes_tokenise_and_pool_as_the_batch_path(real_encoder):
    """A question skips the tokenizer's Python wrapper (a private copy of its Rust backend): the same
    ids, type ids and mask as ``tokenize`` (truncated at the window, padded to the longest), and the
    same vector as the sorted, pipelined batch path."""
    texts = ["Who met Putin?", "", "Qu'a dit M. Poutine à Pyongyang — et pourquoi ?", "word " * 300 + "cut",
             "Shares fell 3.5% on Monday, traders said."]
    for t in texts:
        got, want = real_encoder._small_feeds([t]), real_encoder.tokenize([t])
        assert sorted(got) == sorted(want) and all(np.array_equal(got[k], want[k]) for k in want), t
    got, want = real_encoder._small_feeds(texts), real_encoder.tokenize(texts)
    assert all(np.array_equal(got[k], want[k]) for k in want) and got["input_ids"].shape[1] == 256
    batch = np.zeros((len(texts), real_encoder.dimension), np.float32)
    for idx, _, _, _, pooled in real_encoder._batches(texts, offsets=False, progress=False, desc=""):
        batch[idx] = pooled
    batch /= np.linalg.norm(batch, axis=1, keepdims=True)
    one = real_encoder.encode_queries(texts[:1])
    assert np.allclose(one[0], batch[0], atol=1e-6) and np.allclose(real_encoder.encode_documents(texts), batch, atol=1e-5)
