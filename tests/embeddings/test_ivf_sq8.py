"""The compressed ANN kind ``ivf_sq8``: IVF over 8-bit codes whose candidates are re-scored exactly
from the memory-mapped float vectors; chosen by size, recorded in the manifest, tombstones inside."""

from __future__ import annotations

import json

import numpy as np

from newsqa.embeddings.faiss_index import FaissSettings, Reranked, build_faiss_index
from newsqa.embeddings.indexer import delete_documents, update_index
from newsqa.embeddings.reader import open_reader


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim)).astype(np.float32)
    x = centres[rng.integers(0, 40, n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _exact_top(x: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(q @ x.T), axis=1, kind="stable")[:, :k]


def test_auto_chooses_ivf_sq8_from_its_threshold_and_old_settings_still_read():
    s = FaissSettings(approx_threshold=10, ivf_threshold=100, sq8_threshold=1000)
    assert [s.resolved_kind(n) for n in (9, 10, 100, 999, 1000)] == ["flat", "hnsw", "ivf", "ivf", "ivf_sq8"]
    old = FaissSettings.from_dict({"kind": "auto", "ivf_threshold": 1_000_000, "ivf_nprobe": 32})  # no sq8 keys
    assert old.resolved_kind(1_000_000) == "ivf" and old.resolved_kind(4_000_000) == "ivf_sq8"


def test_reranked_sq8_recall_against_exact_and_exact_scores():
    import faiss

    x = _clustered(4000)
    q = _clustered(50, seed=1)
    raw = build_faiss_index(x, FaissSettings(kind="ivf_sq8", ivf_nprobe=64))
    assert isinstance(raw, faiss.IndexIVFScalarQuantizer) and raw.ntotal == 4000 and raw.code_size == 32
    index = Reranked(raw, x, rerank=100)
    D, I = index.search(q, 10)
    want = _exact_top(x, q, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, want)])
    assert recall >= 0.95
    _, I_flat = build_faiss_index(x, FaissSettings(kind="ivf", ivf_nprobe=64)).search(q, 10)  # same lists, float codes
    assert recall >= np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I_flat, want)]) - 0.01
    np.testing.assert_allclose(D, np.take_along_axis(q @ x.T, I, axis=1), rtol=1e-5)  # exact, not SQ8, scores
    assert np.all(np.diff(D, axis=1) <= 1e-6)
    _, I_raw = raw.search(q, 10)  # the codes alone rank worse than after the re-rank
    assert recall >= np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I_raw, want)])


def test_reranked_applies_the_id_selector_inside_the_search():
    import faiss

    x = _clustered(2000)
    raw = build_faiss_index(x, FaissSettings(kind="ivf_sq8", ivf_nprobe=64))
    index = Reranked(raw, x, rerank=50)
    banned = np.arange(0, 2000, 2)  # every even row deleted
    sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(banned.astype(np.int64)))
    D, I = index.search(x[:3], 10, params=faiss.SearchParametersIVF(sel=sel, nprobe=64))
    assert (I >= 0).all() and (I % 2 == 1).all()
    odd = np.arange(1, 2000, 2)
    want = odd[_exact_top(x[odd], x[:3], 10)]
    assert np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, want)]) >= 0.9


def test_an_ivf_sq8_segment_records_its_parameters_and_searches_without_tombstoned_rows(tmp_path, fake_encoder):
    from reliability.util import write_corpus

    idx = tmp_path / "idx"
    update_index([write_corpus(tmp_path / "c", 30)], idx, encoder=fake_encoder, progress=False,
                 faiss_settings=FaissSettings(kind="ivf_sq8", ivf_nprobe=500, ivf_rerank=40), compact=False)
    entry = json.loads((idx / "manifest.json").read_text())["segments"][0]
    assert entry["ann"] == "ivf_sq8" and entry["ann_params"]["codes"] == "sq8" and entry["ann_params"]["rerank"] == 40
    r = open_reader(idx)
    seg = r.segments[0]
    assert isinstance(seg.faiss, Reranked) and seg.faiss.rerank == 40 and seg.faiss.nprobe == seg.faiss.nlist
    assert seg.faiss.ntotal == len(seg) and seg.faiss.vectors is seg.vectors  # re-scored from the mapped file
    doc = next(iter(r.documents))
    delete_documents(idx, [doc], encoder=fake_encoder)
    r = open_reader(idx, previous=r)
    live = r.live_rows[0]
    vecs = np.asarray(r.vectors)
    for row in (3, 40, 77):
        rows, scores = r.dense_search(vecs[row], 10)
        assert len(rows) == 10 and all(live[rows]) and doc not in {r.passages[i].doc_id for i in rows}
        exact = np.flatnonzero(live)[np.argsort(-(vecs[live] @ vecs[row]), kind="stable")[:10]]
        assert rows.tolist() == exact.tolist()  # every list probed: the re-rank makes it exact
        np.testing.assert_allclose(scores, vecs[rows] @ vecs[row], rtol=1e-5)


def test_a_manifest_without_ann_params_still_reads(tmp_path, fake_encoder):
    from reliability.util import write_corpus

    idx = tmp_path / "idx"
    update_index([write_corpus(tmp_path / "c", 5)], idx, encoder=fake_encoder, progress=False,
                 faiss_settings=FaissSettings(kind="ivf_sq8"), compact=False)
    m = json.loads((idx / "manifest.json").read_text())
    del m["segments"][0]["ann_params"]  # as an older writer would have left it
    (idx / "manifest.json").write_text(json.dumps(m))
    r = open_reader(idx)
    assert r.segments[0].faiss.rerank == 200 and len(r.dense_search(np.asarray(r.vectors[0]), 3)[0]) == 3
    flat = tmp_path / "flat"
    update_index([write_corpus(tmp_path / "c2", 2)], flat, encoder=fake_encoder, progress=False, compact=False)
    assert "ann_params" not in json.loads((flat / "manifest.json").read_text())["segments"][0]  # flat: not written


def test_reranked_passes_attributes_through_and_copies():
    import copy

    import faiss

    v = np.eye(8, dtype="float32")
    quant = faiss.IndexFlatIP(8)
    ivf = faiss.IndexIVFScalarQuantizer(quant, 8, 2, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    ivf.train(np.tile(v, (8, 1)))
    r = Reranked(ivf, v, 4)
    r.nprobe = 2  # a write reaches the wrapped index
    assert ivf.nprobe == 2 and r.nprobe == 2 and "nprobe" not in r.__dict__
    assert copy.copy(r).index is ivf  # no KeyError from __getattr__ before __init__
