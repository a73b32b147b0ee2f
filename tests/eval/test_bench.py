"""The benchmark's padded store: the real passages plus generated ones, opened and answered from."""

import shutil

from helpers import SEED

from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.store import load_snapshot
from newsqa.eval.bench import build_padded, markdown, parse_size
from newsqa.qa import Engine


def test_parse_size():
    assert [parse_size(s) for s in ("10k", "1m", "2500", "1.5k")] == [10_000, 1_000_000, 2500, 1500]


def test_padded_store_opens_and_answers(tmp_path, fake_encoder):
    _seed_base(tmp_path, fake_encoder)
    padded, info = build_padded(tmp_path / "base", 2000, tmp_path / "cache")
    assert info["real_passages"] == 233 and info["generated_passages"] == 1767
    snap = load_snapshot(padded)
    assert len(snap.segments) == 1 and len(snap.passages) == snap.live_passages == 2000  # one segment: one ANN kind
    base = load_snapshot(tmp_path / "base")
    ids = snap.segments[0].passages.column("passage_id").to_pylist()
    assert [p.passage_id for p in base.passages] == ids[:233]
    assert all(snap.document_text(p.doc_id)[p.start:p.end] == p.text for p in snap.passages[-30:])
    assert len(snap.documents) == len(base.documents) + info["generated_documents"]
    engine = Engine.open(padded, encoder=fake_encoder)
    a = engine.ask("What did Putin say when asked if Moscow would help Kim build satellites?")
    assert not a.abstained and a.citations[0].doc_id in base.documents
    assert build_padded(tmp_path / "base", 2000, tmp_path / "cache")[0] == padded  # cached
    md = markdown({"machine": {"cpu": "x", "cores": 2, "ram_gib": 1, "torch_threads": 2, "python": "3", "load_avg_at_start": []},
                   "serving": [{"passages": 2000, "padding": info, "faiss": "IndexFlatIP", "ask_ms_p50": 1, "ask_ms_p95": 2,
                                "embed_ms_p50": 1, "retrieve_ms_p50": 1, "answer_ms_p50": 1, "dense_ms_p50": 1,
                                "bm25_ms_p50": 1, "bm25_ms_p95": 1, "open_plus_first_answer_s": 1, "cold_with_model_s": 2,
                                "peak_rss_mb": 1, "bytes_per_passage": 1, "recall_at_10": None}]})
    assert "2,000 (padded)" in md and "random unit vectors" in md


def _seed_base(tmp_path, encoder):
    """An index of the seed page at ``tmp_path / "base"`` (what the padded stores grow from)."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    update_index([src], tmp_path / "base", encoder=encoder, progress=False)


def test_padded_store_is_streamed_in_chunks_of_whole_documents(tmp_path, fake_encoder):
    import numpy as np

    _seed_base(tmp_path, fake_encoder)
    padded, info = build_padded(tmp_path / "base", 2000, tmp_path / "cache", ann="ivf_sq8", chunk=505)
    assert info["chunk"] == 500 and info["faiss_kind"] == "ivf_sq8" and info["ann_params"]["codes"] == "sq8"
    snap = load_snapshot(padded)
    seg = snap.segments[0]
    assert len(seg) == 2000 and seg.info.ann == "ivf_sq8" and seg.info.sentences == seg.info.passages - 233 + \
        load_snapshot(tmp_path / "base").segments[0].info.sentences
    gen = [snap.passages[i] for i in (233, 732, 733, 1233, 1999)]  # on both sides of chunk borders
    assert all(snap.document_text(p.doc_id)[p.start:p.end] == p.text for p in gen)
    assert len({p.passage_id for p in snap.passages}) == 2000
    rows = np.asarray(seg.sentence_rows)
    assert np.all(np.diff(rows[233:]) == 1) and rows[-1] == seg.info.sentences
    np.testing.assert_allclose(np.asarray(seg.sentence_vectors[-1], np.float32), seg.vectors[-1], atol=2e-3)
    # a generated document's number is a term of its passages only: BM25 finds them across chunks
    last_doc = snap.documents[snap.passages[1999].doc_id]["title"].split()[-1]
    engine = Engine.open(padded, encoder=fake_encoder)
    hits = engine.retriever.bm25.search(f"filler article {last_doc}", 10)
    found = {snap.passages[int(r)].doc_id for r in hits[0][:3]}
    assert snap.passages[1999].doc_id in found
    q = np.asarray(seg.vectors[[5, 900, 1500]])
    D, I = seg.faiss.search(q, 10)
    # each row finds itself first, with its exact (re-ranked, not 8-bit) score; recall: tests/embeddings/test_ivf_sq8.py
    assert (I[:, 0] == [5, 900, 1500]).all() and np.allclose(D[:, 0], (q * q).sum(1), rtol=1e-5)


def test_ann_ab_compares_both_ivf_kinds_on_the_same_vectors():
    import numpy as np

    from newsqa.eval.bench_ann import ann_ab

    rng = np.random.default_rng(0)
    centres = rng.standard_normal((20, 16)).astype(np.float32)
    x = centres[rng.integers(0, 20, 1500)] + 0.5 * rng.standard_normal((1500, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    rows = ann_ab(x, x[:20], nprobes=(4, 1000), rounds=1)
    assert [(r["kind"], r["nprobe"]) for r in rows] == [("ivf", 4), ("ivf_sq8", 4), ("ivf", 1000), ("ivf_sq8", 1000)]
    by = {(r["kind"], r["nprobe"]): r for r in rows}
    assert by[("ivf", 1000)]["recall_at_10"] == 1.0 and by[("ivf_sq8", 1000)]["recall_at_10"] >= 0.99  # every list
    assert by[("ivf_sq8", 4)]["code_bytes"] * 4 == by[("ivf", 4)]["code_bytes"]


def test_ann_ab_variants_and_the_chunked_exact_search():
    """The cheaper builds are what they say (half the lists; an HNSW quantizer), and the exact
    search in blocks equals one product over all rows (blocks larger and smaller than k)."""
    import numpy as np

    from newsqa.eval.bench_ann import _settings, ann_ab, exact_top_k

    rng = np.random.default_rng(1)
    x = rng.standard_normal((1200, 16)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    want = np.argsort(-(x[:30] @ x.T), axis=1, kind="stable")[:, :10]
    np.testing.assert_array_equal(exact_top_k(x, x[:30], 10, step=100), want)
    np.testing.assert_array_equal(exact_top_k(x, x[:30], 10, step=7), want)
    assert _settings(10_000, {"kind": "ivf_sq8", "nlist_scale": 0.5}).nlist(10_000) == 200
    rows = ann_ab(x, x[:20], nprobes=(2000,), rounds=1, variants=("ivf_sq8", "ivf_sq8_half_nlist", "ivf_sq8_hnswq"))
    by = {r["kind"]: r for r in rows}
    assert by["ivf_sq8_half_nlist"]["nlist"] * 2 == by["ivf_sq8"]["nlist"] + (by["ivf_sq8"]["nlist"] % 2)
    assert all(r["recall_at_10"] >= 0.99 for r in rows)  # every list scanned: only the 8-bit codes differ


def test_padded_store_takes_the_number_of_lists(tmp_path, fake_encoder):
    _seed_base(tmp_path, fake_encoder)
    padded, info = build_padded(tmp_path / "base", 1500, tmp_path / "cache", ann="ivf_sq8", nlist=9)
    assert info["ann_params"]["nlist"] == 9 and load_snapshot(padded).segments[0].faiss.nlist == 9
    assert padded.name.endswith("-nlist9")


def test_ann_recall_reads_the_vectors_once_and_equals_a_scan_per_question(tmp_path, fake_encoder, monkeypatch):
    """At 10M the exact search behind recall@10 reads 15 GB: one pass for all questions, not one a
    question, with the recall the per-question scan gave."""
    import numpy as np

    from newsqa.eval import bench

    _seed_base(tmp_path, fake_encoder)
    padded, _ = build_padded(tmp_path / "base", 1500, tmp_path / "cache", ann="ivf_sq8", nlist=9)
    snap = load_snapshot(padded)
    seg = snap.segments[0]
    seg.faiss.nprobe = 2  # a few of 9 lists: recall below 1, so equal recalls say something
    qvecs = np.asarray(seg.vectors[:40]) + 0.8 * np.random.default_rng(3).standard_normal((40, seg.vectors.shape[1]),
                                                                                            dtype=np.float32)
    reads = []

    class CountedRows(bench.NpyRows):
        def __getitem__(self, key):
            out = super().__getitem__(key)
            reads.append(len(out))
            return out

    monkeypatch.setattr(bench, "NpyRows", CountedRows)
    got = bench._ann_recall(snap, qvecs)
    assert sum(reads) == len(seg)  # every stored row read once, for all 40 questions
    _, approx = seg.faiss.search(qvecs, 10)
    vecs = np.asarray(seg.vectors)
    want = np.mean([len(set(a) & set(np.argpartition(-(vecs @ q), 10)[:10])) / 10 for a, q in zip(approx.tolist(), qvecs)])
    assert got == want and 0 < got < 1
