"""Retrieval split by document across shards: each shard holds only its part, and the hits and
answers are exactly those of one process (also over several segments, tombstones and HNSW)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from newsqa.embeddings.faiss_index import FaissSettings
from newsqa.embeddings.indexer import delete_documents, update_index
from newsqa.qa import Engine
from newsqa.qa.shards import Shard, ShardMismatchError, WholeSegment, bm25_statistics, fan_out, shard_of
from newsqa.qa.types import Filters


@pytest.fixture(scope="module")
def fake_encoder():
    from helpers import jittered_hashing_encoder

    return jittered_hashing_encoder(256)


@pytest.fixture(scope="module")
def small_index_pristine(tmp_path_factory, small_corpus, fake_encoder):
    """The shared small corpus, indexed with this module's jittered encoder (no ties to cut)."""
    d = tmp_path_factory.mktemp("idx") / "index"
    update_index([small_corpus], d, encoder=fake_encoder, progress=False)
    return d


QUESTIONS = ["Who closed the harbour?", "What did the council say about the budget?", "When did the storm hit the port?",
             "minister election talks", "river bridge village mayor"]
FILTERS = (None, Filters(kinds=("paragraph",)))


@pytest.fixture(scope="module")
def engines(small_index_pristine, fake_encoder):
    one = Engine.open(small_index_pristine, encoder=fake_encoder)
    return one, fake_encoder, small_index_pristine


def _sharded(index, encoder, n):
    shards = [Shard(index, i, n) for i in range(n)]
    return Engine.open(index, encoder=encoder, search=fan_out(lambda req: [s.ranked(**req) for s in shards])), shards


def _same_answers(one, sharded, questions=QUESTIONS, filters=FILTERS):
    for q in questions:
        for f in filters:
            a, b = one.ask(q, k=10, filters=f).to_dict(), sharded.ask(q, k=10, filters=f).to_dict()
            assert [h["passage_id"] for h in a["retrieved"]] == [h["passage_id"] for h in b["retrieved"]]
            a.pop("timings_ms"), b.pop("timings_ms")
            assert a == b


@pytest.mark.parametrize("n", [2, 3])
def test_sharded_answers_equal_one_process(engines, n):
    one, enc, index = engines
    sharded, shards = _sharded(index, enc, n)
    assert sum(len(s.rows()) for s in shards) == len(one.snapshot.passages)
    assert all(len(s.rows()) for s in shards)  # every shard holds some documents
    _same_answers(one, sharded)


def test_a_shard_holds_only_its_rows(engines):
    """Its vectors are copies of its own rows only, and its postings only its rows' terms."""
    one, enc, index = engines
    shards = [Shard(index, i, 2) for i in range(2)]
    reader = one.snapshot
    whole = np.asarray(reader.vectors)
    for s in shards:
        (part, start, _), = s.parts
        assert part.vectors.shape == (len(s.rows()), whole.shape[1]) and len(s.rows()) < len(whole)
        np.testing.assert_array_equal(part.vectors, whole[s.rows()])
        seg = reader.segments[0]
        assert len(part.postings["lex_rows"]) < len(seg.postings["lex_rows"])
        assert part.postings["lex_doclen"].tolist() == np.asarray(seg.postings["lex_doclen"])[s.rows()].tolist()
    held = [s.nbytes() for s in shards]
    assert sum(held) < 1.1 * max(held) * 2 and all(h < 0.75 * sum(held) for h in held)  # about half each


def test_a_shard_holds_whole_documents(engines):
    one, enc, index = engines
    shard = Shard(index, 1, 2)
    rows = set(shard.rows().tolist())
    docs = {one.snapshot.passages[r].doc_id for r in rows}
    assert docs and all(shard_of(d, 2) == 1 for d in docs)
    assert all(shard_of(p.doc_id, 2) == 0 for i, p in enumerate(one.snapshot.passages) if i not in rows)


def test_shard_bm25_scores_equal_the_whole_index(engines):
    """Given the global statistics, a shard's BM25 scores are bit-equal to one process's."""
    one, enc, index = engines
    bm25 = one.retriever.bm25
    shards = [Shard(index, i, 2) for i in range(2)]  # opened once (each open reads the index)
    for q in QUESTIONS:
        want = dict(zip(*[a.tolist() for a in bm25.search(q, 1000)]))
        got = {}
        for shard in shards:
            got.update(dict(shard.ranked(q, 1000, None, None, {"mode": "bm25"},
                                         one.snapshot.generation, bm25_statistics(bm25, q))[1]))
        assert got == want and got


def test_a_shard_on_another_generation_refuses(engines):
    one, enc, index = engines
    shard = Shard(index, 0, 2)
    with pytest.raises(ShardMismatchError):
        shard.ranked("harbour", 10, None, None, {"mode": "bm25"}, "g999999", bm25_statistics(one.retriever.bm25, "harbour"))


@pytest.mark.parametrize("ann", [FaissSettings(approx_threshold=10), FaissSettings(kind="ivf")], ids=["hnsw", "ivf"])
def test_segments_tombstones_and_ann_split_as_one_process(tmp_path, small_index_pristine, small_corpus, fake_encoder,
                                                          ann):
    """A second (HNSW or IVF) segment, a replaced and a deleted document: shards follow every generation."""
    from reliability.util import write_corpus

    index = tmp_path / "index"
    shutil.copytree(small_index_pristine, index)
    shards = [Shard(index, i, 2) for i in range(2)]
    sharded = Engine.open(index, encoder=fake_encoder, search=fan_out(lambda req: [s.ranked(**req) for s in shards]))
    update_index([write_corpus(tmp_path / "more", 12, seed=9, start=100)], index, encoder=fake_encoder, progress=False,
                 faiss_settings=ann)  # the new segment gets a FAISS index of that kind
    one = Engine.open(index, encoder=fake_encoder)
    victim = sorted(one.snapshot.documents)[3]
    delete_documents(index, [victim], encoder=fake_encoder)
    one.refresh()
    assert len(one.snapshot.segments) >= 2 and sum(s.faiss is not None for s in one.snapshot.segments) == 1
    sharded.refresh()
    _same_answers(one, sharded, QUESTIONS[:3])
    wholes = [sum(isinstance(p, WholeSegment) for p, _, _ in s.parts) for s in shards]
    assert sorted(wholes) == [0, 1]  # the HNSW / IVF segment went whole to one shard
    assert all(s.generation == one.snapshot.generation for s in shards)
    assert not any(victim == one.snapshot.passages[r].doc_id for r in
                   [r for s in shards for r, _ in s.ranked("harbour", 50, None, None, {"mode": "bm25"},
                                                          one.snapshot.generation,
                                                          bm25_statistics(one.retriever.bm25, "harbour"))[1]])


def test_bm25_cuts_ties_at_the_depth_by_row():
    """A shard sees part of the rows; it must cut a run of equal scores where the whole index does."""
    from newsqa.qa.bm25 import BM25Index

    idx = BM25Index(["harbour storm", "harbour storm", "harbour storm", "harbour storm", "budget"])
    assert idx.search("harbour", 2)[0].tolist() == [0, 1]
    mask = np.array([0, 1, 1, 1, 1], dtype=np.float32)
    assert idx.search("harbour", 2, mask)[0].tolist() == [1, 2]


def test_a_whole_ivf_sq8_segment_counts_its_8_bit_codes(tmp_path, small_index_pristine, small_corpus, fake_encoder):
    """``nbytes`` of a shard holding an ``ivf_sq8`` segment counts 1 byte a dimension, not 4."""
    import faiss

    from reliability.util import write_corpus

    index = tmp_path / "index"
    shutil.copytree(small_index_pristine, index)
    update_index([write_corpus(tmp_path / "more", 12, seed=9, start=100)], index, encoder=fake_encoder, progress=False,
                 faiss_settings=FaissSettings(kind="ivf_sq8"))
    whole = [p for i in range(2) for p, _, _ in Shard(index, i, 2).parts if isinstance(p, WholeSegment)]
    assert len(whole) == 1
    inner = whole[0].seg.faiss.index
    assert inner.code_size == inner.d  # 8-bit codes
    written = len(faiss.serialize_index(inner))
    assert 0.9 * written <= whole[0].nbytes() <= 1.05 * written < inner.ntotal * inner.d * 4
