"""Encoder backends: the auto choice per CPU, the parity check and its fallback, the converted-model
cache's checksums, the manifest's mixing rule, and the runners' threads. Fast: a fake encoder
stands in for the model here (the real model is in test_backends_model.py)."""

import json
import threading
import warnings

import numpy as np
import pytest

from newsqa.embeddings.backends import choose, convert
from newsqa.embeddings.backends.choose import BackendFallbackWarning, auto_candidates, resolve
from newsqa.embeddings.backends.convert import BackendCacheWarning, converted, verify
from newsqa.embeddings.backends.manifest import check_mix, model_fields
from newsqa.embeddings.backends.parity import Parity, check_parity, min_cosine, probe_texts
from newsqa.embeddings.encoder import HashingEncoder
from newsqa.embeddings.errors import BackendCacheError, ModelMismatchError
from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.store import read_manifest

AVX2 = frozenset({"sse4_2", "avx", "avx2", "fma"})
XEON = AVX2 | {"avx512f", "avx512_bf16", "amx_bf16", "amx_tile"}


class FakeRunner:
    def __init__(self, backend, noise=0.0, precision="fp32"):
        self.backend, self.noise, self.precision = backend, noise, precision


class FakeBase(HashingEncoder):
    """A torch-fp32 stand-in: hashing vectors; a sibling on a runner adds that runner's noise."""

    pools_sentences = True

    def __init__(self, runner=None):
        super().__init__(64)
        self.runner = runner or FakeRunner("torch")
        self.backend, self.precision = self.runner.backend, self.runner.precision
        self.checksum, self.threads, self.note, self.parity = "fake-sha", "fake", "", None

    def with_runner(self, runner):
        return FakeBase(runner)

    def encode_documents(self, texts, *, progress=False):
        v = super().encode_documents(texts)
        if self.runner.noise:
            rng = np.random.default_rng(0)
            v = v + self.runner.noise * rng.standard_normal(v.shape).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
        return v


@pytest.fixture
def fake_backends(monkeypatch):
    """Every backend "installed", built as a FakeRunner with the noise given in ``noise``."""
    noise = {"openvino": 0.0, "onnx": 0.0, "torch-bf16": 0.0, "onnx-int8": 0.2}
    monkeypatch.setattr(choose, "installed", lambda b: True)
    monkeypatch.setattr(choose, "make_runner", lambda b, base, home=None: FakeRunner(b, noise[b]))
    return noise


def test_probe_set_is_shipped_news():
    texts = probe_texts()
    assert len(texts) >= 24 and max(len(t) for t in texts) > 1200  # one longer than the 256-token window


def test_auto_tries_bf16_only_where_the_cpu_has_it(monkeypatch):
    monkeypatch.setattr(choose, "installed", lambda b: True)
    assert auto_candidates(AVX2) == ["openvino", "onnx"]
    assert auto_candidates(XEON) == ["torch-bf16", "openvino", "onnx"]
    monkeypatch.setattr(choose, "installed", lambda b: b == "onnx")
    assert auto_candidates(AVX2) == ["onnx"]


def test_parity_pass_keeps_the_backend(fake_backends, tmp_path):
    enc = resolve(FakeBase(), "openvino", home=tmp_path)
    assert enc.backend == "openvino" and enc.parity.ok and enc.parity.worst >= 0.9999


def test_perturbed_backend_fails_parity_falls_back_and_says_so(fake_backends, tmp_path):
    base = FakeBase()
    with pytest.warns(BackendFallbackWarning, match="parity check failed"):
        enc = resolve(base, "onnx-int8", home=tmp_path)
    assert enc is base and enc.backend == "torch"
    assert "onnx-int8" in enc.note and "min cosine" in enc.note
    p = check_parity(base.with_runner(FakeRunner("onnx-int8", 0.2)), base)
    assert not p.ok and p.worst < 0.99


def test_unavailable_backend_falls_back(monkeypatch, tmp_path):
    monkeypatch.setattr(choose, "installed", lambda b: False)
    with pytest.warns(BackendFallbackWarning, match="cannot run here"):
        enc = resolve(FakeBase(), "openvino", home=tmp_path)
    assert enc.backend == "torch"


def _timings(seconds):
    return lambda encs, rounds=3, **k: {"cpu_seconds": {e.backend: seconds[e.backend] for e in encs}}


def test_auto_picks_the_fastest_passing_backend_and_caches_it(fake_backends, monkeypatch, tmp_path):
    fake_backends["openvino"] = 0.3  # fastest, but fails parity: never chosen
    monkeypatch.setattr(choose, "measure_encoders", _timings({"torch": 1.0, "openvino": 0.2, "onnx": 0.5, "torch-bf16": 0.6}))
    with pytest.warns(BackendFallbackWarning, match="openvino"):
        enc = resolve(FakeBase(), "auto", flags=XEON, home=tmp_path)
    assert enc.backend == "onnx" and enc.parity.ok
    monkeypatch.setattr(choose, "measure_encoders", lambda *a, **k: pytest.fail("a cached choice times nothing"))
    real_check = choose.check_parity
    monkeypatch.setattr(choose, "check_parity", lambda *a: pytest.fail("a cached choice reuses its parity"))
    again = resolve(FakeBase(), "auto", flags=XEON, home=tmp_path)
    assert again.backend == "onnx" and "chosen earlier" in again.note
    assert again.parity.ok and again.parity == enc.parity
    cache_file = tmp_path / "backends" / "auto.json"
    cache = json.loads(cache_file.read_text())
    assert [v["backend"] for v in cache.values()] == ["onnx"]
    for v in cache.values():  # a cached choice without a parity that held: checked again
        v["parity"] = {}
    cache_file.write_text(json.dumps(cache))
    calls = []
    monkeypatch.setattr(choose, "check_parity", lambda *a: calls.append(1) or real_check(*a))
    third = resolve(FakeBase(), "auto", flags=XEON, home=tmp_path)
    assert third.backend == "onnx" and third.parity.ok and calls == [1]


def test_the_default_reuses_a_choice_but_never_makes_one(fake_backends, monkeypatch, tmp_path):
    """Nobody asked for a backend (no --backend, no NEWSQA_BACKEND): no minutes of timing as a side
    effect of a first ``newsqa ask``; torch fp32 until ``auto`` is asked for, then its choice."""
    real_try = choose._try
    monkeypatch.setattr(choose, "measure_encoders", lambda *a, **k: pytest.fail("the default times nothing"))
    monkeypatch.setattr(choose, "_try", lambda *a, **k: pytest.fail("the default converts nothing"))
    enc = resolve(FakeBase(), "auto", flags=AVX2, home=tmp_path, choose=False)
    assert enc.backend == "torch" and "no backend chosen" in enc.note and "warm" in enc.note
    assert not (tmp_path / "backends" / "auto.json").exists()
    monkeypatch.setattr(choose, "_try", real_try)
    monkeypatch.setattr(choose, "measure_encoders", _timings({"torch": 1.0, "openvino": 0.5, "onnx": 1.3}))
    assert resolve(FakeBase(), "auto", flags=AVX2, home=tmp_path).backend == "openvino"  # asked: chosen
    monkeypatch.setattr(choose, "measure_encoders", lambda *a, **k: pytest.fail("the default times nothing"))
    assert resolve(FakeBase(), "auto", flags=AVX2, home=tmp_path, choose=False).backend == "openvino"


def test_auto_keeps_torch_when_nothing_is_clearly_faster(fake_backends, monkeypatch, tmp_path):
    monkeypatch.setattr(choose, "measure_encoders", _timings({"torch": 1.0, "openvino": 0.95, "onnx": 1.3}))
    enc = resolve(FakeBase(), "auto", flags=AVX2, home=tmp_path)
    assert enc.backend == "torch" and "openvino 1.05x" in enc.note and "CPU time" in enc.note


def test_auto_choice_is_per_cpu(fake_backends, monkeypatch, tmp_path):
    monkeypatch.setattr(choose, "measure_encoders", _timings({"torch": 1.0, "openvino": 0.5, "onnx": 0.9, "torch-bf16": 0.4}))
    assert resolve(FakeBase(), "auto", flags=XEON, home=tmp_path).backend == "torch-bf16"
    assert resolve(FakeBase(), "auto", flags=AVX2, home=tmp_path).backend == "openvino"


def test_min_cosine_skips_rows_the_reference_did_not_pool():
    want = np.array([[1.0, 0.0], [0.0, 0.0]], np.float32)
    assert min_cosine(np.array([[1.0, 0.0], [0.0, 1.0]], np.float32), want) == 1.0
    assert min_cosine(np.array([[0.0, 0.0], [0.0, 1.0]], np.float32), want) == 0.0  # a row lost: fails


def _fake_export(calls):
    def export(hf_model, example, out):
        calls.append(out)
        (out / "model.onnx").write_bytes(b"onnx bytes " + json.dumps(sorted(example)).encode())
    return export


def test_cache_is_made_once_then_reused(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setitem(convert._EXPORT, "onnx", _fake_export(calls))
    a = converted("onnx", None, {"input_ids": 0}, model_name="m", source_sha256="ab" * 32, home=tmp_path)
    b = converted("onnx", None, {"input_ids": 0}, model_name="m", source_sha256="ab" * 32, home=tmp_path)
    assert a == b and len(calls) == 1
    meta = json.loads((a / "meta.json").read_text())
    assert meta["source_sha256"] == "ab" * 32 and len(meta["files"]["model.onnx"]) == 64


def test_cache_with_a_wrong_checksum_is_refused_and_rebuilt(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setitem(convert._EXPORT, "onnx", _fake_export(calls))
    folder = converted("onnx", None, {"input_ids": 0}, model_name="m", source_sha256="ab" * 32, home=tmp_path)
    (folder / "model.onnx").write_bytes(b"tampered")
    with pytest.raises(BackendCacheError, match="sha256"):
        verify(folder, "onnx", "ab" * 32)
    with pytest.warns(BackendCacheWarning, match="refused"):
        again = converted("onnx", None, {"input_ids": 0}, model_name="m", source_sha256="ab" * 32, home=tmp_path)
    assert len(calls) == 2 and (again / "model.onnx").read_bytes().startswith(b"onnx bytes")
    verify(again, "onnx", "ab" * 32)


def test_cache_of_other_source_weights_is_refused(monkeypatch, tmp_path):
    monkeypatch.setitem(convert._EXPORT, "onnx", _fake_export([]))
    folder = converted("onnx", None, {"input_ids": 0}, model_name="m", source_sha256="ab" * 32, home=tmp_path)
    meta = json.loads((folder / "meta.json").read_text())
    meta["source_sha256"] = "cd" * 32
    (folder / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(BackendCacheError, match="converted from weights"):
        verify(folder, "onnx", "ab" * 32)


def _encoder(backend, parity_worst=None):
    e = FakeBase(FakeRunner(backend))
    if parity_worst is not None:
        e.parity = Parity(backend, "fp32", parity_worst, parity_worst, parity_worst)
    return e


def test_mixing_backends_only_when_parity_holds():
    torch_index = {"backend": "torch"}
    check_mix(torch_index, _encoder("openvino", 0.99999), "idx")
    check_mix({"backend": "openvino"}, _encoder("torch"), "idx")  # the reference joins anything
    check_mix({}, _encoder("torch"), "idx")  # an index older than the field: torch fp32
    with pytest.raises(ModelMismatchError, match="no parity check"):
        check_mix(torch_index, _encoder("onnx"), "idx")
    with pytest.raises(ModelMismatchError, match="min cosine 0.93"):
        check_mix(torch_index, _encoder("onnx-int8", 0.93), "idx")


def test_manifest_records_backend_precision_and_every_backend_used(tmp_path, fake_encoder):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("# Port reopens\n\nThe port reopened on Monday.\n")
    update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False)
    m = read_manifest(tmp_path / "idx")["model"]
    assert (m["backend"], m["precision"], m["backends"]) == ("hashing", "fp32", ["hashing"])
    fields = model_fields(_encoder("openvino", 0.99998), {"backend": "torch"})
    assert fields["backends"] == ["openvino", "torch"] and fields["parity_min_cosine"] == 0.99998


@pytest.fixture(scope="module")
def tiny_bert():
    """A two-layer random BERT made from a config (no weights downloaded): fast to export."""
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=48, max_position_embeddings=40)
    model = BertModel(cfg).eval()
    ids = np.array([[2, 5, 9, 11, 3, 0], [2, 7, 3, 0, 0, 0]], np.int64)
    feeds = {"input_ids": ids, "token_type_ids": np.zeros_like(ids), "attention_mask": (ids > 0).astype(np.int64)}
    return model, feeds


@pytest.fixture(scope="module")
def converted_runner(tiny_bert, tmp_path_factory):
    """``converted_runner(backend)``: ``_converted_runner``'s result, converted once per backend per module
    (the runner and pipelined-encode tests used to convert the same model each)."""
    made = {}

    def get(backend: str):
        if backend not in made:
            made[backend] = _converted_runner(backend, tiny_bert, tmp_path_factory.mktemp(f"home-{backend}"))
        return made[backend]

    return get


def _converted_runner(backend: str, tiny_bert, tmp_path):
    """The tiny model converted for ``backend`` and its runner: (runner, torch model, feeds, threads)."""
    from newsqa.embeddings.backends.choose import installed
    from newsqa.embeddings.backends.runners import OnnxRunner, OpenVINORunner, Threads

    if not installed(backend):
        pytest.skip(f"{backend} is not installed")
    model, feeds = tiny_bert
    folder = converted(backend, model, feeds, model_name="tiny", source_sha256="ef" * 32, home=tmp_path)
    threads = Threads(bulk=2, small=1)
    runner = OpenVINORunner(folder / "model.xml", threads) if backend == "openvino" else OnnxRunner(folder / "model.onnx", threads)
    return runner, model, feeds, threads


@pytest.mark.slow  # exports a BERT to OpenVINO / ONNX (torch, transformers and the converter: minutes on a busy machine)
@pytest.mark.parametrize("backend", ["openvino", "onnx"])
def test_runner_gives_torchs_token_vectors(backend, converted_runner):
    from newsqa.embeddings.backends.runners import TorchRunner

    runner, model, feeds, threads = converted_runner(backend)
    want = TorchRunner(model, threads).forward(feeds)
    longer = {k: np.concatenate([v, v[:, :2]], axis=1) for k, v in feeds.items()}  # dynamic length
    for small in (False, True):
        got = runner.forward(feeds, small=small)
        # float32 kernels differ: OpenVINO 2026.4 on an AVX2-only EPYC gave max |diff| 1.9e-4 on values up to ~2
        # (every token's cosine 0.99999994); a wrong graph or weights miss by orders of magnitude more
        assert got.shape == want.shape and np.allclose(got, want, rtol=1e-3, atol=5e-4)
        cos = (got * want).sum(-1) / np.linalg.norm(got, axis=-1) / np.linalg.norm(want, axis=-1)
        assert cos.min() > 0.99999
    assert runner.forward(longer).shape == (2, 8, 32)


@pytest.mark.slow  # converts a model with OpenVINO and ONNX (torch + transformers imports)
@pytest.mark.parametrize("backend", ["openvino", "onnx"])
def test_pipelined_bulk_encode_keeps_order_and_values(backend, converted_runner):
    """forward_many (several requests / runs in flight, one thread each) gives each batch's own
    token vectors in the order fed, as forward does one at a time; a consumer may stop early."""
    from newsqa.embeddings.backends.runners import forward_many

    runner, model, feeds, _ = converted_runner(backend)
    batches = [{k: v[:, : 3 + i % 4] for k, v in feeds.items()} for i in range(7)]  # lengths differ
    got = list(forward_many(runner, ((i, f) for i, f in enumerate(batches))))
    assert [k for k, _ in got] == list(range(7))
    for (_, tokens), f in zip(got, batches):
        assert tokens.shape == (2, f["input_ids"].shape[1], 32) and np.allclose(tokens, runner.forward(f), atol=1e-5)
    first = next(iter(forward_many(runner, ((i, f) for i, f in enumerate(batches)))))
    assert first[0] == 0 and np.allclose(first[1], got[0][1], atol=1e-5)


def test_forward_many_of_a_plain_runner_is_forward_in_order():
    from newsqa.embeddings.backends.runners import forward_many

    class Plain:
        def forward(self, feeds, *, small=False):
            return feeds["x"] * 2

    out = list(forward_many(Plain(), ((k, {"x": np.full(2, k)}) for k in (3, 1, 2))))
    assert [k for k, _ in out] == [3, 1, 2] and [int(v[0]) for _, v in out] == [6, 2, 4]


@pytest.mark.slow  # the only fast-layer user of torch + transformers (their import is most of a minute on a busy machine)
def test_torch_threads_switch_only_under_the_lock(tiny_bert):
    import torch

    from newsqa.embeddings.backends.runners import Threads, TorchRunner

    model, feeds = tiny_bert
    bulk = torch.get_num_threads()
    runner = TorchRunner(model, Threads(bulk=bulk, small=1))
    want = runner.forward(feeds)
    out, errors = [], []

    def go(small):
        try:
            for _ in range(20):
                out.append(np.allclose(runner.forward(feeds, small=small), want, atol=1e-6))
        except Exception as e:  # pragma: no cover - the failure this test looks for
            errors.append(e)

    ts = [threading.Thread(target=go, args=(i % 2 == 0,)) for i in range(6)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors and len(out) == 120 and all(out)
    assert torch.get_num_threads() == bulk


@pytest.mark.slow  # the real model's tokenizer through transformers (its import, with torch's, ~8 CPU-s)
@pytest.mark.parametrize("offsets", [False, True])
def test_unpadded_rows_padded_per_batch_as_the_tokenizer_pads(offsets):
    """The encoder tokenises once unpadded (to sort by token count), then pads each batch itself:
    exactly what the tokenizer's own padding gives for those rows, right- or left-padded."""
    from transformers import AutoTokenizer

    from newsqa.embeddings.encoder import _padded, default_model_dir

    tok = AutoTokenizer.from_pretrained(str(default_model_dir()))
    texts = ["Shares fell 3% on Monday, traders said.", "Hi", "", "Putin met Kim at the cosmodrome on Wednesday."]
    idx = np.array([3, 0, 1, 2])
    for side in ("right", "left"):
        tok.padding_side = side
        enc = tok(texts, truncation=True, max_length=256, return_offsets_mapping=offsets)
        got = _padded({k: enc[k] for k in enc.keys()}, idx, tok.pad_token_id, side == "left")
        want = tok([texts[i] for i in idx], padding=True, truncation=True, max_length=256,
                   return_tensors="np", return_offsets_mapping=offsets)
        assert sorted(got) == sorted(want.keys())
        for k in want.keys():
            assert np.array_equal(got[k], np.asarray(want[k], dtype=np.int64)), (side, k)


def test_the_auto_choice_is_shared_by_processes_with_other_thread_counts():
    """A Ray replica (one thread) and the front process (two) must encode alike: same cached choice."""
    from types import SimpleNamespace

    from newsqa.embeddings.backends.choose import _choice_key

    one, two = SimpleNamespace(checksum="ab" * 32, threads=1), SimpleNamespace(checksum="ab" * 32, threads=2)
    flags = frozenset({"avx2"})
    assert _choice_key(one, flags) == _choice_key(two, flags)
    assert _choice_key(one, flags) != _choice_key(SimpleNamespace(checksum="cd" * 32, threads=1), flags)


class FakeClocks:
    """A thread and a process CPU clock that only fake encoders move; ``spike`` adds CPU to one
    backend's bulk call in one round (another process's work counted against it, once)."""

    def __init__(self):
        self.thread = self.process = 0.0

    def clocks(self):
        return (lambda: self.thread), (lambda: self.process)


class CostlyEncoder:
    """Spends ``bulk`` process-CPU seconds per bulk call, ``query`` thread-CPU seconds per query."""

    def __init__(self, backend, clock, bulk, query, spikes=()):
        self.backend, self.clock, self.bulk, self.query, self.spikes, self.calls = backend, clock, bulk, query, spikes, 0

    def encode_passages(self, texts, spans):
        self.calls += 1
        self.clock.process += self.bulk + (5.0 if self.calls in self.spikes else 0.0)

    def encode_documents(self, texts):
        self.clock.thread += self.query
        self.clock.process += self.query


def test_auto_timing_is_cpu_time_median_of_interleaved_rounds():
    clock = FakeClocks()
    encs = [CostlyEncoder("torch", clock, 1.0, 0.03), CostlyEncoder("onnx", clock, 0.5, 0.015, spikes=(2,)),
            CostlyEncoder("openvino", clock, 0.6, 0.02)]
    got = choose.measure_encoders(encs, rounds=3, clocks=clock.clocks())
    assert got["cpu_seconds"] == {"torch": 1.24, "onnx": 0.62, "openvino": 0.76}  # onnx's spiked round is not its median
    assert got["rounds"]["onnx"] == [0.62, 5.62, 0.62] and got["queries"]["torch"] == [0.24] * 3
    assert len(got["load"]) == 3 and "thread_time" in got["clock"]
    backend, why = choose.decide(got["cpu_seconds"], ["onnx", "openvino"])
    assert backend == "onnx" and "onnx 2.00x" in why and "openvino 1.63x" in why


def test_auto_timing_rotates_the_order_each_round():
    order = []

    class Recorder(CostlyEncoder):
        def encode_passages(self, texts, spans):
            order.append(self.backend)

    clock = FakeClocks()
    encs = [Recorder(b, clock, 0, 0) for b in ("torch", "onnx", "openvino")]
    choose.measure_encoders(encs, rounds=3, clocks=clock.clocks())
    assert order == ["torch", "onnx", "openvino", "onnx", "openvino", "torch", "openvino", "torch", "onnx"]


def test_auto_decision_needs_the_minimum_speedup_and_a_passing_backend():
    assert choose.decide({"torch": 1.0, "onnx": 0.95}, ["onnx"])[0] == "torch"  # 1.05x < 1.10x
    assert choose.decide({"torch": 1.0, "onnx": 0.5}, [])[0] == "torch"  # onnx failed parity: not passing
    assert choose.decide({"torch": 1.0, "onnx": 0.9, "openvino": 0.8}, ["onnx", "openvino"])[0] == "openvino"


def test_auto_caches_what_it_measured(fake_backends, monkeypatch, tmp_path):
    clock = FakeClocks()
    cost = {"torch": 1.0, "openvino": 0.8, "onnx": 0.4}
    real = choose.measure_encoders

    def measured(encs, rounds=choose.TIMING_ROUNDS, **k):  # the real measurement on fake-cost encoders
        return real([CostlyEncoder(e.backend, clock, cost[e.backend], 0.0) for e in encs], rounds, clocks=clock.clocks())

    monkeypatch.setattr(choose, "measure_encoders", measured)
    enc = resolve(FakeBase(), "auto", flags=AVX2, home=tmp_path)
    assert enc.backend == "onnx"
    (entry,) = json.loads((tmp_path / "backends" / "auto.json").read_text()).values()
    assert entry["backend"] == "onnx" and entry["measured"]["cpu_seconds"] == cost
    assert entry["measured"]["rounds"]["onnx"] == [0.4] * choose.TIMING_ROUNDS and "2.50x" in entry["why"]
