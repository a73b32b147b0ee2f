"""The approximate index against exact search (the faiss way: compare with brute force)."""

import numpy as np

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
