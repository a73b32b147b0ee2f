"""Question to ranked passages: dense (FAISS) and BM25 searches fused by reciprocal rank.

Filters are applied inside both searches (a FAISS ID selector or a masked exact scan; a BM25 weight
mask), so a filter never empties a result that a bigger top-k would have filled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from embeddings.chunker import Passage
from embeddings.encoder import Encoder
from embeddings.indexer import embed_text
from embeddings.passage_table import PassageTable
from embeddings.store import Snapshot

from .bm25 import BM25Index
from .types import Filters, Hit

RRF_K = 10  # reciprocal-rank constant; 10 beat 20, 40 and the usual 60 on the seed set and 3,000 SQuAD questions (README)
# Below this many allowed rows, a filtered dense search scans them exactly with numpy.
_EXACT_SCAN_ROWS = 50_000
_TIE_MARGIN = 8


@dataclass(frozen=True)
class RetrievalSettings:
    depth: int = 50  # how deep each retriever goes before fusion
    rrf_k: int = RRF_K
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    mode: str = "hybrid"  # "hybrid", "dense" or "bm25"


class Retriever:
    """Hybrid search over one index snapshot."""

    def __init__(self, snapshot: Snapshot, encoder: Encoder, settings: RetrievalSettings = RetrievalSettings(),
                 texts: list[str] | None = None, bm25: BM25Index | None = None):
        self.snapshot = snapshot
        self.encoder = encoder
        self.settings = settings
        self.bm25 = bm25 or BM25Index(texts if texts is not None else [embed_text(p) for p in snapshot.passages])
        self._meta_cache: dict[Filters, np.ndarray] = {}

    @classmethod
    def with_settings(cls, other: "Retriever", settings: RetrievalSettings) -> "Retriever":
        """The same indexes searched with other settings (e.g. a baseline mode)."""
        r = cls(other.snapshot, other.encoder, settings, bm25=other.bm25)
        r._meta_cache = other._meta_cache
        return r

    def allowed_rows(self, filters: Filters | None) -> np.ndarray | None:
        """Row numbers that pass ``filters`` (None when there is no filter)."""
        if filters is None or filters.is_empty():
            return None
        rows = self._meta_cache.get(filters)
        if rows is None:
            passages = self.snapshot.passages
            if isinstance(passages, PassageTable):
                rows = _allowed_rows_by_columns(passages, self.snapshot.documents, filters)
            else:
                rows = np.fromiter((i for i, p in enumerate(passages) if filters.allows(p)), dtype=np.int64)
            if len(self._meta_cache) > 64:
                self._meta_cache.clear()
            self._meta_cache[filters] = rows
        return rows

    def dense_search(self, qvec: np.ndarray, k: int, rows: np.ndarray | None,
                     scan: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Best ``k`` rows (of ``rows``, else all) by inner product; ``scan``: numpy over the rows
        instead of FAISS (default: when the rows are few). A shard passes the whole index's choice,
        so its scores are computed exactly as one process computes them."""
        snap = self.snapshot
        n = len(snap.passages)
        if n == 0 or (rows is not None and len(rows) == 0):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = qvec.reshape(1, -1).astype(np.float32)
        if scan is None:
            scan = rows is not None and len(rows) <= _EXACT_SCAN_ROWS
        if scan and rows is not None:
            scores = np.asarray(snap.vectors[rows]) @ q[0]
            k = min(k, len(rows))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return rows[top], scores[top].astype(np.float32)
        k = min(k, n if rows is None else len(rows))
        import faiss

        # One query is searched on one OpenMP thread: FAISS parallelises over queries, and waking a
        # second thread for one query cost 88 ms against 0.3 ms (10k passages, flat) on the shared
        # 2-core machine. omp_set_num_threads only affects this thread's later parallel regions.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            if rows is not None:
                params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
                if hasattr(snap.faiss_index, "hnsw"):
                    params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBatch(rows), efSearch=snap.faiss_index.hnsw.efSearch)
                D, I = snap.faiss_index.search(q, k, params=params)
            else:
                D, I = snap.faiss_index.search(q, k)
        finally:
            faiss.omp_set_num_threads(threads)
        keep = I[0] >= 0
        return I[0][keep].astype(np.int64), D[0][keep].astype(np.float32)

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
            I, D = self.dense_search(qvec, depth + _TIE_MARGIN, rows, scan)
            dense = merge_ranked([list(zip(I.tolist(), D.tolist()))], depth)
        if s.mode in ("hybrid", "bm25"):
            mask = None
            if rows is not None:
                mask = np.zeros(self.bm25.n, dtype=np.float32)
                mask[rows] = 1.0
            I, D = self.bm25.search(question, depth, mask)
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
            hits.append(Hit(self.snapshot.passages[i], i, fused[i], dv, bv, dr, br))
        return hits


def merge_ranked(rankings: list[list[tuple[int, float]]], depth: int) -> list[tuple[int, float]]:
    """Rankings of disjoint rows merged into one: best ``depth`` by score, ties by row (deterministic)."""
    return sorted((x for r in rankings for x in r), key=lambda x: (-x[1], x[0]))[:depth]


def bm25_for_snapshot(snapshot: Snapshot, texts: list[str] | None = None) -> BM25Index:
    """The BM25 index of a snapshot: the one saved in its generation folder, else built (and saved)."""
    rel = Path(snapshot.manifest["files"]["passages"])
    passages_file = snapshot.path / rel
    return BM25Index.for_generation(
        passages_file.parent, len(snapshot.passages), passages_file.stat().st_size,
        lambda: texts if texts is not None else [embed_text(p) for p in snapshot.passages],
    )


def _allowed_rows_by_columns(table: PassageTable, documents: dict[str, dict], filters: Filters) -> np.ndarray:
    """``filters.allows`` over a passage table without parsing its rows.

    A passage carries its document's date, source and section, so those filters (and ``doc_ids``)
    are decided once per document, on a stand-in passage with the document's metadata; the kind is
    decided from the kind column.
    """
    by_doc = replace(filters, kinds=())
    ok_doc = np.zeros(len(table.doc_ids), dtype=bool)
    if by_doc.is_empty():
        ok_doc[:] = True
    else:
        for j, doc_id in enumerate(table.doc_ids.tolist()):
            d = documents.get(doc_id, {})
            stand_in = Passage(passage_id="", doc_id=doc_id, kind="", paragraph=0, start=0, end=0, text="", sentences=(),
                               title=d.get("title", ""), date=d.get("date", ""), source=d.get("source", ""),
                               section=d.get("section", ""))
            ok_doc[j] = by_doc.allows(stand_in)
    mask = ok_doc[table.doc]
    if filters.kinds:
        ok_kind = np.array([k in filters.kinds for k in table.kind_names], dtype=bool)
        mask &= ok_kind[table.kind_codes]
    return np.flatnonzero(mask).astype(np.int64)
