"""The approximate index against exact search (the faiss way: compare with brute force)."""

import numpy as np
import pytest

from newsqa.embeddings.errors import SettingsError
from newsqa.embeddings.faiss_index import FaissSettings, build_faiss_index


def test_hnsw_recall_against_flat():
    rng = np.random.default_rng(0)
    # Clustered unit vectors, like embeddings of a corpus (uniform random ones have no neighbours).
    centres = rng.standard_normal((50, 64)).astype(np.float32)
    x = centres[rng.integers(0, 50, 4000)] + 0.35 * rng.standard_normal((4000, 64)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.choice(4000, 100, replace=False)] + 0.1 * rng.standard_normal((100, 64)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    settings = FaissSettings(approx_threshold=1000)
    assert settings.resolved_kind(999) == "flat" and settings.resolved_kind(1000) == "hnsw"
    approx = build_faiss_index(x, settings)
    exact = build_faiss_index(x, FaissSettings(kind="flat"))
    assert hasattr(approx, "hnsw") and not hasattr(exact, "hnsw")
    _, got = approx.search(q, 10)
    _, want = exact.search(q, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, want)])
    assert recall >= 0.95, recall


def _clustered(n=4000, dim=64, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, dim)).astype(np.float32)
    x = centres[rng.integers(0, 50, n)] + 0.35 * rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    q = x[rng.choice(n, 100, replace=False)] + 0.1 * rng.standard_normal((100, dim)).astype(np.float32)
    return x, q / np.linalg.norm(q, axis=1, keepdims=True)


def test_ivf_recall_against_flat_and_its_settings():
    x, q = _clustered()
    settings = FaissSettings(approx_threshold=1000, ivf_threshold=3000)
    assert [settings.resolved_kind(n) for n in (999, 1000, 2999, 3000)] == ["flat", "hnsw", "hnsw", "ivf"]
    assert settings.nlist(4000) == 253 and settings.nlist(3) == 3 and FaissSettings(ivf_nlist=7).nlist(100) == 7
    approx = build_faiss_index(x, FaissSettings(kind="ivf", ivf_nprobe=16))
    assert approx.nlist == 253 and approx.nprobe == 16 and approx.ntotal == len(x) and approx.is_trained
    _, got = approx.search(q, 10)
    _, want = build_faiss_index(x, FaissSettings(kind="flat")).search(q, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, want)])
    assert recall >= 0.95, recall
    approx.nprobe = 1  # fewer lists scanned: recall drops (the setting is what is searched)
    _, few = approx.search(q, 10)
    assert np.mean([len(set(a) & set(b)) / 10 for a, b in zip(few, want)]) < recall


def test_settings_from_a_manifest_ignore_unknown_keys_and_default_the_new_ones():
    old = {"kind": "auto", "approx_threshold": 10, "hnsw_m": 16, "ef_construction": 64, "ef_search": 128, "built": "x"}
    s = FaissSettings.from_dict(old)
    assert s.approx_threshold == 10 and s.ivf_threshold == 1_000_000 and s.resolved_kind(50) == "hnsw"
    assert FaissSettings.from_dict(s.to_dict()) == s


def test_index_nbytes_follows_the_stored_codes():
    """Bytes held by each kind are about what FAISS writes of it: 8-bit codes count 1 a dimension,
    float ones 4 (a count of 4 bytes a dimension for every kind overstated ``ivf_sq8`` 4 x)."""
    import faiss

    from newsqa.embeddings.faiss_index import Reranked, index_nbytes

    rng = np.random.default_rng(0)
    x = rng.standard_normal((3000, 64), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    got = {}
    for kind in ("flat", "hnsw", "ivf", "ivf_sq8"):
        idx = build_faiss_index(x, FaissSettings(kind=kind, ivf_nlist=16))
        written = len(faiss.serialize_index(idx))
        got[kind] = index_nbytes(Reranked(idx, x) if kind == "ivf_sq8" else idx)
        assert 0.9 * written <= got[kind] <= 1.05 * written, (kind, got[kind], written)
    assert got["ivf_sq8"] < 0.35 * got["ivf"]


def test_ivf_with_an_hnsw_quantizer_keeps_recall_and_says_so():
    """``ivf_quantizer="hnsw"``: the lists are found through an HNSW graph over the centroids (kept
    in the written index), the recall of the flat quantizer's, and ``ann_params`` records it."""
    import faiss

    from newsqa.embeddings.faiss_index import ann_params

    x, q = _clustered()
    hnswq = FaissSettings(kind="ivf_sq8", ivf_quantizer="hnsw", ivf_nprobe=16)
    idx = build_faiss_index(x, hnswq)
    assert isinstance(faiss.downcast_index(idx.quantizer), faiss.IndexHNSWFlat)
    again = faiss.deserialize_index(faiss.serialize_index(idx))
    assert isinstance(faiss.downcast_index(again.quantizer), faiss.IndexHNSWFlat)
    _, want = build_faiss_index(x, FaissSettings(kind="flat")).search(q, 10)
    recall = {}
    for name, index in (("hnsw", again), ("flat", build_faiss_index(x, FaissSettings(kind="ivf_sq8", ivf_nprobe=16)))):
        _, got = index.search(q, 10)
        recall[name] = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, want)])
    assert recall["hnsw"] >= recall["flat"] - 0.02 and recall["hnsw"] >= 0.9, recall
    assert ann_params("ivf_sq8", len(x), hnswq)["quantizer"] == "hnsw"
    assert "quantizer" not in ann_params("ivf_sq8", len(x), FaissSettings())


def test_an_unknown_ivf_quantizer_is_refused_by_name():
    assert FaissSettings(ivf_quantizer="hnsw").ivf_quantizer == "hnsw"
    with pytest.raises(SettingsError, match=r"ivf_quantizer: 'hnws' is not one of flat, hnsw"):
        FaissSettings(ivf_quantizer="hnws")
