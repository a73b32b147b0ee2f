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


def test_batches_tokenise_as_the_tokenizer_call(real_encoder):
    """Every batch is tokenised by the Rust backend copy (what a light load has): the same ids, type
    ids, mask and offsets as the tokenizer's own call, on the probe set (one past the window)."""
    from newsqa.embeddings.backends.parity import probe_texts

    texts = list(probe_texts()) + ["", "Qu'a dit M. Poutine à Pyongyang — et pourquoi ?"]
    got = real_encoder._unpadded(texts, offsets=True)
    want = real_encoder.model.tokenizer(texts, truncation=True, max_length=real_encoder.max_seq_length,
                                        return_offsets_mapping=True)
    assert sorted(got) == sorted(want.keys())
    for k in got:
        assert [list(map(tuple, r)) if k == "offset_mapping" else list(r) for r in got[k]] == \
            [list(map(tuple, r)) if k == "offset_mapping" else list(r) for r in want[k]], k
    assert max(len(r) for r in got["input_ids"]) == real_encoder.max_seq_length


LIGHT_START = """
import json, sys
from newsqa.qa import Engine
from newsqa.embeddings.backends.parity import probe_inputs
engine = Engine.open(sys.argv[1], backend=sys.argv[2])
enc = engine.encoder
answer = engine.ask(sys.argv[3])
passages, spans, _ = probe_inputs()
p, s = enc.encode_passages(passages[:6], spans[:6])
print(json.dumps({"heavy": sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules),
                  "backend": enc.backend, "note": enc.note, "quotes": [c.quote for c in answer.citations],
                  "q": enc.encode_queries([sys.argv[3]]).tolist(), "p": p.tolist(), "s": s.tolist()}))
"""


@pytest.mark.parametrize("backend", ["onnx", "openvino"])
def test_a_second_start_on_a_light_backend_needs_no_torch(backend, seed_index, seed_engine, home, monkeypatch):
    """The first load of a backend (full: torch, parity) records what the next needs; the next
    process answers without importing torch, transformers or sentence-transformers, with the same
    question, passage and sentence vectors as the full load and the same quotes as torch fp32."""
    import json
    import os
    import subprocess
    import sys

    from helpers import ROOT
    from newsqa.embeddings.backends.parity import probe_inputs
    from newsqa.embeddings.encoder import load_encoder

    if not installed(backend):
        pytest.skip(f"{backend} is not installed")
    monkeypatch.setenv("NEWSQA_HOME", str(home))
    full = load_encoder(None, backend=backend)  # converts (or reuses this module's conversion), checks, records
    assert full.backend == backend and full.parity.ok
    q = "Where did Putin take Kim on a tour of Russia's space facilities?"
    r = subprocess.run([sys.executable, "-c", LIGHT_START, str(seed_index), backend, q], cwd=ROOT, capture_output=True,
                       text=True, timeout=600, env={**os.environ, "NEWSQA_HOME": str(home), "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["heavy"] == [] and got["backend"] == backend and "earlier on this CPU" in got["note"]
    assert got["quotes"] == [c.quote for c in seed_engine.ask(q).citations] and got["quotes"]
    passages, spans, _ = probe_inputs()
    p, s = full.encode_passages(passages[:6], spans[:6])
    assert np.allclose(got["q"], full.encode_queries([q]), atol=1e-6)
    assert np.allclose(got["p"], p, atol=1e-6) and np.allclose(got["s"], s, atol=1e-6)


def test_exporting_an_encoder_logs_no_training_loss_warning(tmp_path, monkeypatch):
    """OpenVINO's converter checks its torch.jit trace, which reads every attribute, transformers' ``loss_function`` among them; for
    an encoder it logged "`loss_type=None` ... unrecognized" into a new user's install (``converted``
    gives the model no loss while it exports, and takes that away again)."""
    from transformers import BertConfig, BertModel
    from transformers import modeling_utils

    from newsqa.embeddings.backends import convert

    if not installed("openvino"):
        pytest.skip("openvino is not installed (pip install 'newsqa[backends]')")
    said = []
    monkeypatch.setattr(modeling_utils.logger, "warning_once", lambda msg, *a, **k: said.append(str(msg)))
    tiny = BertModel(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                intermediate_size=16)).eval()
    example = {"input_ids": np.ones((1, 6), dtype=np.int64), "attention_mask": np.ones((1, 6), dtype=np.int64)}
    (tmp_path / "bare").mkdir()
    convert._export_openvino(tiny, example, tmp_path / "bare")  # the bare export: what the install printed
    assert any("loss_type" in m for m in said)
    said.clear()
    folder = convert.converted("openvino", tiny, example, model_name="tiny", source_sha256="0" * 64, home=tmp_path)
    assert (folder / "model.xml").is_file()
    assert not [m for m in said if "loss_type" in m]
    assert "_loss_function" not in vars(tiny)  # the model is as it was
