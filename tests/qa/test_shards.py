"""Retrieval split by document across shards gives exactly the one-process hits and answers."""

from __future__ import annotations

import pytest

from newsqa.qa import Engine
from newsqa.qa.shards import Shard, ShardMismatchError, fan_out, shard_of
from newsqa.qa.types import Filters
from newsqa.embeddings.indexer import update_index


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


@pytest.fixture(scope="module")
def engines(small_index_pristine, fake_encoder):
    one = Engine.open(small_index_pristine, encoder=fake_encoder)
    return one, fake_encoder, small_index_pristine


def _sharded(index, encoder, n):
    shards = [Shard(Engine.open(index, encoder=encoder), i, n) for i in range(n)]
    return Engine.open(index, encoder=encoder, search=fan_out(lambda req: [s.ranked(**req) for s in shards])), shards


@pytest.mark.parametrize("n", [2, 3])
def test_sharded_answers_equal_one_process(engines, n):
    one, enc, index = engines
    sharded, shards = _sharded(index, enc, n)
    assert sum(len(s.rows()) for s in shards) == len(one.snapshot.passages)
    assert all(len(s.rows()) for s in shards)  # every shard holds some documents
    for q in QUESTIONS:
        for f in (None, Filters(kinds=("paragraph",))):
            a, b = one.ask(q, k=10, filters=f).to_dict(), sharded.ask(q, k=10, filters=f).to_dict()
            assert [h["passage_id"] for h in a["retrieved"]] == [h["passage_id"] for h in b["retrieved"]]
            a.pop("timings_ms"), b.pop("timings_ms")
            assert a == b


def test_a_shard_holds_whole_documents(engines):
    one, enc, index = engines
    shard = Shard(one, 1, 2)
    docs = {one.snapshot.passages[int(r)].doc_id for r in shard.rows()}
    assert docs and all(shard_of(d, 2) == 1 for d in docs)
    assert all(shard_of(p.doc_id, 2) == 0 for i, p in enumerate(one.snapshot.passages) if i not in set(shard.rows().tolist()))


def test_a_shard_on_another_generation_refuses(engines):
    one, enc, index = engines
    shard = Shard(one, 0, 2)
    with pytest.raises(ShardMismatchError):
        shard.ranked("harbour", 10, None, None, {"mode": "bm25"}, "g999999")


def test_bm25_cuts_ties_at_the_depth_by_row():
    """A shard sees part of the rows; it must cut a run of equal scores where the whole index does."""
    import numpy as np

    from newsqa.qa.bm25 import BM25Index

    idx = BM25Index(["harbour storm", "harbour storm", "harbour storm", "harbour storm", "budget"])
    assert idx.search("harbour", 2)[0].tolist() == [0, 1]
    mask = np.array([0, 1, 1, 1, 1], dtype=np.float32)
    assert idx.search("harbour", 2, mask)[0].tolist() == [1, 2]
