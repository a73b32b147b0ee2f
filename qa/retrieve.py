"""Question to ranked passages: dense and BM25 searches over the index's segments, fused by reciprocal rank.

Filters and tombstones are applied inside both searches (a FAISS ID selector or a masked exact scan;
a row mask on the BM25 postings), so neither ever empties a result that a bigger top-k would have filled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from newsqa.embeddings.caching import LockedLRU
from newsqa.embeddings.chunker import Passage
from newsqa.embeddings.encoder import Encoder
from newsqa.embeddings.reader import IndexReader

from .bm25 import SegmentBM25
from .caches import CacheSizes
from .types import Filters, Hit

RRF_K = 10  # reciprocal-rank constant; 10 beat 20, 40 and the usual 60 on the seed set and 3,000 SQuAD questions (docs/answer-quality.md)
# Rows the dense search fetches past the depth, so passages tied with the last one are cut by row (as
# ``merge_ranked`` does) the same way in one process and across shards (``qa.shards``).
TIE_MARGIN = 8
# Passages kept built per generation (row -> Passage, CacheSizes.passages): building one reads a dozen Arrow columns
# (~0.1 ms), and the passages of a topic come back question after question.


@dataclass(frozen=True)
class RetrievalSettings:
    depth: int = 50  # how deep each retriever goes before fusion
    rrf_k: int = RRF_K
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    mode: str = "hybrid"  # "hybrid", "dense" or "bm25"


class Retriever:
    """Hybrid search over one ``IndexReader`` (a fixed view of the index)."""

    def __init__(self, snapshot: IndexReader, encoder: Encoder, settings: RetrievalSettings = RetrievalSettings(),
                 bm25: SegmentBM25 | None = None, caches: CacheSizes = CacheSizes()):
        self.snapshot = snapshot
        self.encoder = encoder
        self.settings = settings
        self.bm25 = bm25 or SegmentBM25(snapshot, cache_size=caches.terms)
        self._rows_cache = LockedLRU(caches.filters)  # Filters -> allowed rows (this generation)
        self._passages = LockedLRU(caches.passages)  # row -> Passage (this generation; passages are immutable)

    @classmethod
    def with_settings(cls, other: "Retriever", settings: RetrievalSettings) -> "Retriever":
        """The same indexes searched with other settings (e.g. a baseline mode)."""
        r = cls(other.snapshot, other.encoder, settings, bm25=other.bm25)
        r._rows_cache, r._passages = other._rows_cache, other._passages
        return r

    def allowed_rows(self, filters: Filters | None) -> np.ndarray | None:
        """Sorted global rows that pass ``filters`` (None when there is no filter)."""
        if filters is None or filters.is_empty():
            return None
        return self._rows_cache.get_or_make(filters, self._rows_of)

    def _rows_of(self, filters: Filters) -> np.ndarray:
        reader = self.snapshot
        parts = [allowed_rows_of_segment(seg, filters) + reader.starts[i] for i, seg in enumerate(reader.segments)]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    def dense_search(self, qvec: np.ndarray, k: int, rows: np.ndarray | None,
                     scan: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` live rows (within ``rows``) by inner product: see ``IndexReader.dense_search``
        (flat segments are always scanned exactly; ``scan`` is accepted for shards and ignored)."""
        return self.snapshot.dense_search(qvec, k, rows)

    def search(self, question: str, k: int = 10, filters: Filters | None = None, qvec: np.ndarray | None = None) -> list[Hit]:
        """Top ``k`` passages for ``question``, fused from dense and BM25 rankings."""
        if qvec is None and self.settings.mode in ("hybrid", "dense"):
            qvec = self.encoder.encode_queries([question])[0]
        depth = max(self.settings.depth, k)
        dense, bm25 = self.ranked(question, depth, self.allowed_rows(filters), qvec)
        return self.fuse(dense, bm25, k, qvec)

    def ranked(self, question: str, depth: int, rows: np.ndarray | None, qvec: np.ndarray | None,
               scan: bool | None = None) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The dense and the BM25 ranking, each its best ``depth`` ``(row, score)``, best first.

        Both scores are global (cosine; BM25 with the whole index's statistics), so the rankings of
        disjoint ``rows`` (shards) merged by ``merge_ranked`` equal the ranking of their union.
        """
        s = self.settings
        dense: list[tuple[int, float]] = []
        bm25: list[tuple[int, float]] = []
        if s.mode in ("hybrid", "dense"):
            # A few past the depth, so passages tied with the last one are cut by row, as merge_ranked does.
            I, D = self.dense_search(qvec, depth + TIE_MARGIN, rows, scan)
            D = exact_scores(self.snapshot.vectors[I], qvec) if len(I) else D
            dense = merge_ranked([list(zip(I.tolist(), D.tolist()))], depth)
        if s.mode in ("hybrid", "bm25"):
            I, D = self.bm25.search(question, depth, rows)
            bm25 = merge_ranked([list(zip(I.tolist(), D.tolist()))], depth)
        return dense, bm25

    def fuse(self, dense: list[tuple[int, float]], bm25: list[tuple[int, float]], k: int,
             qvec: np.ndarray | None) -> list[Hit]:
        """Reciprocal-rank fusion of two rankings (from ``ranked``) into the top ``k`` hits."""
        s = self.settings
        dense_rank = {int(i): (r, float(d)) for r, (i, d) in enumerate(dense, start=1)}
        bm25_rank = {int(i): (r, float(d)) for r, (i, d) in enumerate(bm25, start=1)}
        fused: dict[int, float] = {}
        for i, (r, _) in dense_rank.items():
            fused[i] = fused.get(i, 0.0) + s.dense_weight / (s.rrf_k + r)
        for i, (r, _) in bm25_rank.items():
            fused[i] = fused.get(i, 0.0) + s.bm25_weight / (s.rrf_k + r)
        order = sorted(fused, key=lambda i: (-fused[i], i))[:k]
        hits = []
        for i in order:
            dr, dv = dense_rank.get(i, (0, 0.0))
            br, bv = bm25_rank.get(i, (0, 0.0))
            if not dr and qvec is not None:
                dv = float(np.asarray(self.snapshot.vectors[i]) @ qvec)
            hits.append(Hit(self.passage(i), i, fused[i], dv, bv, dr, br))
        return hits

    def passage(self, row: int) -> Passage:
        """The passage at global ``row`` of this generation (built once, then kept)."""
        return self._passages.get_or_make(row, self.snapshot.passages.__getitem__)


def exact_scores(vectors: np.ndarray, qvec) -> np.ndarray:
    """Inner products of ``vectors`` (rows) with ``qvec``, each row summed in one fixed order (numpy's
    einsum loop), so a row scores bit-identically whichever other rows it is computed with. A BLAS
    gemv does not: a row's last bit depends on where it falls in the matrix, so a shard scanning its
    rows and one process scanning all would rank near-ties differently."""
    return np.einsum("ij,j->i", np.asarray(vectors, np.float32), np.asarray(qvec, np.float32).reshape(-1))


def merge_ranked(rankings: list[list[tuple[int, float]]], depth: int) -> list[tuple[int, float]]:
    """Rankings of disjoint rows merged into one: best ``depth`` by score, ties by row (deterministic)."""
    return sorted((x for r in rankings for x in r), key=lambda x: (-x[1], x[0]))[:depth]


def allowed_rows_of_segment(seg, filters: Filters) -> np.ndarray:
    """Sorted local rows of ``seg`` that pass ``filters`` (``filters.allows`` over the segment's rows, from its columns, without building its passages). Used per shard by ``qa.shards``.

    A passage carries its document's date, source and section, so those filters (and ``doc_ids``)
    are decided once per document, on a stand-in passage with the document's metadata; the kind is
    decided from the kind column.
    """
    by_doc = replace(filters, kinds=())
    n_docs = seg.info.documents
    ok_doc = np.ones(n_docs, dtype=bool)
    if not by_doc.is_empty():
        d = seg.documents
        cols = {k: d.column(k).to_pylist() for k in ("doc_id", "title", "date", "source", "section")}
        for j in range(n_docs):
            stand_in = Passage(passage_id="", doc_id=cols["doc_id"][j], kind="", paragraph=0, start=0, end=0, text="",
                               sentences=(), title=cols["title"][j], date=cols["date"][j], source=cols["source"][j],
                               section=cols["section"][j])
            ok_doc[j] = by_doc.allows(stand_in)
    mask = ok_doc[seg.doc_codes] if len(seg) else np.zeros(0, bool)
    if filters.kinds:
        kinds = seg.kind_column.to_numpy(zero_copy_only=False)
        mask &= np.isin(kinds, list(filters.kinds))
    return np.flatnonzero(mask).astype(np.int64)
