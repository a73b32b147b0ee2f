"""Retrieval split by document across shards, fused exactly as in one process.

A shard searches only the passages of its documents (``shard_of(doc_id, n) == shard``) and returns
its dense and BM25 rankings with global scores (cosine; BM25 with the whole index's statistics).
``fan_out`` merges the shards' rankings and fuses them with the same ``Retriever.fuse`` one process
uses, so the hits are the same passages in the same order. Transport is the caller's: in one process
the shards are plain objects (tests), on Ray Serve each is a deployment (``serve.ray_serve``).

    >>> shards = [Shard(engine, i, 2) for i in range(2)]                    # doctest: +SKIP
    >>> engine.search = fan_out(lambda req: [s.ranked(**req) for s in shards])  # doctest: +SKIP
"""

from __future__ import annotations

import zlib
from typing import Callable

import numpy as np

from newsqa.embeddings.passage_table import doc_ids_of

from .errors import QuestionError
from .retrieve import RetrievalSettings, Retriever, _EXACT_SCAN_ROWS, merge_ranked
from .types import Filters, Hit

Ranking = list[tuple[int, float]]


def shard_of(doc_id: str, n: int) -> int:
    """Which of ``n`` shards holds document ``doc_id`` (stable across processes and generations)."""
    return zlib.crc32(doc_id.encode("utf-8")) % n


class ShardMismatchError(QuestionError):
    """A shard serves another index generation than the one asked for (retry after a refresh)."""


class Shard:
    """Shard ``shard`` of ``n`` over an open ``Engine`` (the same index folder as every other shard)."""

    def __init__(self, engine, shard: int, n: int):
        if not 0 <= shard < n:
            raise ValueError(f"shard must be in 0..{n - 1}, got {shard}")
        self.engine, self.shard, self.n = engine, shard, n
        self._rows: tuple[str, np.ndarray] | None = None  # (generation, rows of this shard)

    def rows(self) -> np.ndarray:
        snap = self.engine.snapshot
        if self._rows is None or self._rows[0] != snap.generation:
            doc_ids = doc_ids_of(snap.passages)
            mine = np.fromiter((shard_of(d, self.n) == self.shard for d in doc_ids), dtype=bool, count=len(doc_ids))
            self._rows = (snap.generation, np.flatnonzero(mine).astype(np.int64))
        return self._rows[1]

    def ranked(self, query: str, depth: int, filters: dict | None, qvec: list[float] | None, settings: dict,
               generation: str) -> tuple[Ranking, Ranking]:
        """This shard's dense and BM25 rankings (plain values: they cross process boundaries)."""
        self.engine.refresh()
        state = self.engine._state
        if state.snapshot.generation != generation:
            raise ShardMismatchError(f"shard {self.shard} serves generation {state.snapshot.generation}, "
                                     f"asked for {generation}")
        retriever = Retriever.with_settings(state.retriever, RetrievalSettings(**settings))
        f = Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in filters.items()}) if filters else None
        allowed = retriever.allowed_rows(f)
        rows = self.rows() if allowed is None else np.intersect1d(self.rows(), allowed, assume_unique=True)
        # Numpy scan or FAISS as the whole index would choose: the scores are then bit-identical.
        scan = allowed is not None and len(allowed) <= _EXACT_SCAN_ROWS
        q = None if qvec is None else np.asarray(qvec, dtype=np.float32)
        return retriever.ranked(query, depth, rows, q, scan)


def fan_out(call_shards: Callable[[dict], list[tuple[Ranking, Ranking]]]):
    """An ``Engine.search`` that asks every shard (``call_shards(request)``) and fuses their rankings."""

    def search(retriever: Retriever, query: str, k: int, filters: Filters | None, qvec) -> list[Hit]:
        depth = max(retriever.settings.depth, k)
        req = {"query": query, "depth": depth, "filters": _filters_dict(filters),
               "qvec": None if qvec is None else np.asarray(qvec, dtype=np.float32).tolist(),
               "settings": retriever.settings.__dict__.copy(), "generation": retriever.snapshot.generation}
        parts = call_shards(req)
        dense = merge_ranked([[(int(i), float(s)) for i, s in p[0]] for p in parts], depth)
        bm25 = merge_ranked([[(int(i), float(s)) for i, s in p[1]] for p in parts], depth)
        return retriever.fuse(dense, bm25, k, qvec)

    return search


def _filters_dict(f: Filters | None) -> dict | None:
    if f is None or f.is_empty():
        return None
    return {k: list(v) if isinstance(v, tuple) else v for k, v in f.__dict__.items()}
