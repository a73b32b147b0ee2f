"""Retrieval split by document across shards, each holding only its part, fused exactly as in one process.

A shard opens the index folder itself, without a model, and keeps in memory only its share: of a
flat segment, the rows of its documents (``shard_of(doc_id, n) == shard``): their vectors, BM25
postings, lengths, kinds and document metadata, copied out of the memory-mapped files, which are
then closed; an HNSW segment (>= ``faiss.approx_threshold`` passages) goes whole to one shard (the
j-th HNSW segment of the manifest to shard ``j % n``: a FAISS graph is not split). Sentence
vectors, passage texts and article texts stay on disk: the engine that composes answers reads them.

A query carries its vector and the collection-wide BM25 statistics (live N, mean length, document
frequency of its terms: ``bm25_statistics``), so each shard returns its dense and BM25 rankings
with global scores (global row numbers; cosine; BM25 as the whole index scores it). ``fan_out``
merges them and fuses with the same ``Retriever.fuse`` one process uses: the same passages in the
same order. Transport is the caller's: plain objects in one process (tests), Ray Serve deployments
in ``serve.ray_serve``.

    >>> shards = [Shard("INDEX", i, 2) for i in range(2)]                   # doctest: +SKIP
    >>> engine.search = fan_out(lambda req: [s.ranked(**req) for s in shards])  # doctest: +SKIP
"""

from __future__ import annotations

import ctypes
import gc
import threading
import zlib
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa

from newsqa.embeddings.errors import IndexFormatError
from newsqa.embeddings.faiss_index import ANN_KINDS, DEFAULT_EF_SEARCH, DEFAULT_NPROBE, index_nbytes
from newsqa.embeddings.lexical import joined_forms
from newsqa.embeddings.manifest import read_manifest
from newsqa.embeddings.npy import load as load_npy
from newsqa.embeddings.reader import manifest_stamp, search_segment
from newsqa.embeddings.segment import Segment

from .bm25 import B, K1, SegmentBM25, query_terms
from .errors import QuestionError
from .retrieve import TIE_MARGIN, RetrievalSettings, Retriever, allowed_rows_of_segment, exact_scores, merge_ranked
from .text import terms
from .types import Filters, Hit

Ranking = list[tuple[int, float]]
_META = ("doc_id", "title", "date", "source", "section")  # what filters read of a document
_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


def shard_of(doc_id: str, n: int) -> int:
    """Which of ``n`` shards holds document ``doc_id`` (stable across processes and generations)."""
    return zlib.crc32(doc_id.encode("utf-8")) % n


class ShardMismatchError(QuestionError):
    """A shard serves another index generation than the one asked for (retry after a refresh)."""


class _Info:
    def __init__(self, documents: int, tokenizer: int):
        self.documents = documents
        self.tokenizer = tokenizer  # the segment's: its postings' terms are the segment's


class SegmentPart:
    """The rows of one flat segment that belong to a shard, held in memory (no file stays open).

    Duck-types what the segment searches read (``vectors``, ``faiss``, ``postings``, ``documents``,
    ``doc_codes``, ``kind_column``, ``info.documents``, ``info.tokenizer``, ``non_ascii_terms``, ``len``); positions are 0..len-1 and
    ``rows[pos]`` is the row in the segment.
    """

    faiss = None

    def __init__(self, seg: Segment, shard: int, n: int):
        self.name = seg.name
        doc_ids = seg.documents.column("doc_id").to_pylist()
        mine_doc = np.fromiter((shard_of(d, n) == shard for d in doc_ids), dtype=bool, count=len(doc_ids))
        codes = np.asarray(seg.doc_codes)
        mine = mine_doc[codes]
        self.rows = np.flatnonzero(mine).astype(np.int64)
        take_docs = np.flatnonzero(mine_doc)
        new_doc = np.full(len(doc_ids), -1, np.int64)
        new_doc[take_docs] = np.arange(len(take_docs))
        self.doc_ids = [doc_ids[i] for i in take_docs.tolist()]
        self.documents = pa.table({k: seg.documents.column(k).take(pa.array(take_docs)).combine_chunks() for k in _META})
        self.info = _Info(len(take_docs), seg.info.tokenizer)
        # what BM25 maps a folded term through in postings from before accent folding (none after)
        self._accented = seg.non_ascii_terms() if seg.info.tokenizer < 2 else np.array([], dtype=str)
        self.doc_codes = new_doc[codes[self.rows]].astype(np.int32)
        self.kind_column = seg.kind_column.take(pa.array(self.rows)).combine_chunks()
        self.vectors = _rows_of_npy(seg.dir / "vectors.npy", self.rows)
        self.postings = _postings_of_rows(seg.postings, mine, self.rows)
        self._live: tuple[frozenset, np.ndarray | None] = (frozenset(), None)

    def __len__(self) -> int:
        return len(self.rows)

    def non_ascii_terms(self) -> np.ndarray:
        """The segment's accented terms (a superset of this part's: BM25 maps a folded term through them)."""
        return self._accented

    def live(self, tombstones: frozenset) -> np.ndarray | None:
        """Live-position mask under ``tombstones`` (None: all live)."""
        if not tombstones:
            return None
        if self._live[0] != tombstones:
            dead = np.array([d in tombstones for d in self.doc_ids], dtype=bool)
            self._live = (tombstones, ~dead[self.doc_codes] if len(dead) else np.ones(0, bool))
        return self._live[1]

    def nbytes(self) -> int:
        arrays = [self.rows, self.doc_codes, self.vectors, *self.postings.values()]
        return int(sum(a.nbytes for a in arrays) + self.documents.nbytes + self.kind_column.nbytes)


def _rows_of_npy(path: Path, rows: np.ndarray, chunk_bytes: int = 64 << 20) -> np.ndarray:
    """``rows`` (sorted) of a 2-D ``.npy`` file, read in chunks: never more of the file in memory at
    once than one chunk (a memory-mapped gather would map every page of the file into this process)."""
    head = load_npy(path, mmap_mode="r")
    n, dim = head.shape
    dtype, offset = head.dtype, head.offset
    del head
    out = np.empty((len(rows), dim), dtype)
    step = max(1, chunk_bytes // max(1, dim * dtype.itemsize))
    with open(path, "rb") as f:
        for a in range(0, n, step):
            i, j = np.searchsorted(rows, [a, a + step])
            if i == j:
                continue
            first, last = int(rows[i]), int(rows[j - 1]) + 1
            f.seek(offset + first * dim * dtype.itemsize)
            block = np.fromfile(f, dtype, count=(last - first) * dim).reshape(last - first, dim)
            out[i:j] = block[rows[i:j] - first]
    return out


def _postings_of_rows(post: dict, mine: np.ndarray, rows: np.ndarray) -> dict[str, np.ndarray]:
    """A segment's BM25 postings cut to ``rows`` (a row mask ``mine``), renumbered to positions."""
    indptr = np.asarray(post["lex_indptr"], np.int64)
    r = np.asarray(post["lex_rows"])
    keep = mine[r]
    # postings are sorted by term: the kept ones stay so, and each term's count gives the new indptr
    counts = np.bincount(np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))[keep],
                         minlength=len(indptr) - 1)
    used = np.flatnonzero(counts)
    pos = np.full(len(mine), -1, np.int32)
    pos[rows] = np.arange(len(rows), dtype=np.int32)
    return {"lex_terms": np.array(np.asarray(post["lex_terms"])[used]),
            "lex_indptr": np.concatenate([[0], np.cumsum(counts[used])]).astype(np.int64),
            "lex_rows": pos[r[keep]],
            "lex_tf": np.array(np.asarray(post["lex_tf"])[keep], dtype=np.float32),
            "lex_doclen": np.array(np.asarray(post["lex_doclen"])[rows], dtype=np.int32)}


class WholeSegment:
    """An HNSW or IVF segment a shard holds whole (its FAISS index loaded, its files memory-mapped)."""

    def __init__(self, seg: Segment):
        self.seg, self.name = seg, seg.name
        self.rows = np.arange(len(seg), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.seg)

    def __getattr__(self, name):
        return getattr(self.seg, name)

    def live(self, tombstones: frozenset) -> np.ndarray | None:
        return self.seg.live(tombstones)[0]

    def nbytes(self) -> int:
        """Its FAISS index's bytes (codes as stored: 1 a dimension for ``ivf_sq8``, 4 for float ones)."""
        return index_nbytes(self.seg.faiss) if self.seg.faiss is not None else 0


class _StatsBM25(SegmentBM25):
    """``SegmentBM25`` scoring with statistics given by the caller (those of the whole index)."""

    def __init__(self, stats: dict):
        self.k1, self.b = float(stats.get("k1", K1)), float(stats.get("b", B))
        self.n, self.avgdl = int(stats["n"]), float(stats["avgdl"])
        self._df_given = stats["df"]

    def df(self, term: str) -> int:
        return int(self._df_given.get(term, 0))


def bm25_statistics(bm25: SegmentBM25, query: str) -> dict:
    """What a shard needs to score ``query`` as the whole index does: N, mean length, df per term."""
    return {"n": bm25.n, "avgdl": bm25.avgdl, "k1": bm25.k1, "b": bm25.b,
            "df": {t: bm25.df(t) for t in set(terms(query)) | set(joined_forms(query))}}


class _View:
    """A shard's parts under one manifest: (part, first global row of its segment, live mask)."""

    def __init__(self, generation: str, parts: list[tuple], stamp):
        self.generation, self.parts, self.stamp = generation, parts, stamp


class Shard:
    """Shard ``shard`` of ``n`` of the index at ``index_dir``: opens and holds only its part."""

    def __init__(self, index_dir: str | Path, shard: int, n: int):
        if not 0 <= shard < n:
            raise ValueError(f"shard must be in 0..{n - 1}, got {shard}")
        self.index_dir, self.shard, self.n = Path(index_dir), shard, n
        self._lock = threading.Lock()
        self._cache: dict[str, SegmentPart | WholeSegment] = {}
        self._view = self._open()

    # -- opening -----------------------------------------------------------------------------------
    def _open(self) -> _View:
        for attempt in range(5):  # a compaction may retire a segment while this opens: take the newer manifest
            stamp = manifest_stamp(self.index_dir)
            info = read_manifest(self.index_dir)
            try:
                return self._view_of(info, stamp)
            except IndexFormatError:
                if attempt == 4 or read_manifest(self.index_dir).generation == info.generation:
                    raise
        raise AssertionError("unreachable")

    def _view_of(self, info, stamp) -> _View:
        depth = {"ef_search": int(info.faiss.get("ef_search", DEFAULT_EF_SEARCH)),
                 "nprobe": int(info.faiss.get("ivf_nprobe", DEFAULT_NPROBE))}
        whole_kind = [s.name for s in info.segments if s.ann in ANN_KINDS]  # dealt out whole, round robin
        parts, start, cache = [], 0, {}
        for s in info.segments:
            whole = s.ann in ANN_KINDS
            if not whole or whole_kind.index(s.name) % self.n == self.shard:
                part = self._cache.get(s.name)
                if part is None:  # segments are immutable: a part once cut is reused by every later view
                    seg = Segment(self.index_dir, s, info.model.dimension, ann=whole, **depth)
                    part = WholeSegment(seg) if whole else SegmentPart(seg, self.shard, self.n)
                    del seg  # a flat segment's files close here: the part holds copies of its rows
                cache[s.name] = part
                parts.append((part, start, part.live(frozenset(info.tombstones.get(s.name, ())))))
            start += s.passages
        if len(cache) != len(self._cache) or any(k not in self._cache for k in cache):
            _release_freed_memory()  # the cut's temporaries, kept by the allocators, go back to the system
        self._cache = cache
        return _View(info.generation, parts, stamp)

    def refresh(self) -> bool:
        """Open the newer manifest if a writer published one (parts already cut are reused)."""
        stamp = manifest_stamp(self.index_dir)
        if stamp is None or stamp == self._view.stamp:
            return False
        with self._lock:
            if stamp == self._view.stamp:
                return False
            old = self._view.generation
            self._view = self._open()
            return self._view.generation != old

    @property
    def generation(self) -> str:
        return self._view.generation

    @property
    def parts(self) -> list[tuple]:
        """What this shard holds now: ``(part, first global row of its segment, live mask)`` per
        segment (a ``SegmentPart`` of a flat one, or a ``WholeSegment``)."""
        return self._view.parts

    def rows(self) -> np.ndarray:
        """The global rows this shard holds (tombstoned ones included), ascending."""
        parts = [p.rows + start for p, start, _ in self._view.parts]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    def nbytes(self) -> int:
        """Bytes of the index this shard holds in memory (its parts' arrays and tables)."""
        return sum(p.nbytes() for p, _, _ in self._view.parts)

    # -- searching ---------------------------------------------------------------------------------
    def ranked(self, query: str, depth: int, filters: dict | None, qvec: list[float] | None, settings: dict,
               generation: str, stats: dict | None = None) -> tuple[Ranking, Ranking]:
        """This shard's dense and BM25 rankings, global rows and scores (plain values: they cross processes)."""
        self.refresh()
        view = self._view
        if view.generation != generation:
            raise ShardMismatchError(f"shard {self.shard} serves generation {view.generation}, asked for {generation}")
        s = RetrievalSettings(**settings)
        f = Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in filters.items()}) if filters else None
        allowed = [None if f is None or f.is_empty() else allowed_rows_of_segment(p, f) for p, _, _ in view.parts]
        dense: Ranking = []
        bm25: Ranking = []
        if s.mode in ("hybrid", "dense") and qvec is not None:
            dense = _dense(view.parts, allowed, np.asarray(qvec, dtype=np.float32), depth)
        if s.mode in ("hybrid", "bm25"):
            if stats is None:
                raise ValueError("a shard scores BM25 with the whole index's statistics: send stats (bm25_statistics)")
            bm25 = _bm25(view.parts, allowed, query, _StatsBM25(stats), depth)
        return dense, bm25


def _dense(parts: list[tuple], allowed: list, qvec: np.ndarray, depth: int) -> Ranking:
    """The best ``depth`` by cosine: each part scanned (or its FAISS graph searched), a few past the
    depth, the candidates rescored row by row, as ``Retriever.ranked`` does in one process."""
    q = np.ascontiguousarray(qvec.reshape(1, -1))
    got = [search_segment(p, q, depth + TIE_MARGIN, live, a) for (p, _, live), a in zip(parts, allowed)]
    got = [(pos, exact_scores(p.vectors[pos], q)) if len(pos) else (pos, sc) for (p, _, _), (pos, sc) in zip(parts, got)]
    return merge_ranked([_global(parts, got)], depth)


def _bm25(parts: list[tuple], allowed: list, query: str, scorer: "_StatsBM25", depth: int) -> Ranking:
    qterms = query_terms(query, scorer.df)
    if not qterms or not scorer.n or depth < 1:
        return []
    idf = {t: scorer.idf(t) for t in set(qterms)}
    got = [_EMPTY if a is not None and not len(a) else scorer.search_segment(p, qterms, idf, depth, live, a)
           for (p, _, live), a in zip(parts, allowed)]
    return merge_ranked([_global(parts, got)], depth)


def _release_freed_memory() -> None:
    """Give freed heap memory back to the OS (glibc keeps large freed blocks; Arrow's pool its own)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass


def _global(parts: list[tuple], got: list[tuple[np.ndarray, np.ndarray]]) -> Ranking:
    """Per-part (positions, scores) -> [(global row, score)]."""
    out: Ranking = []
    for (p, start, _), (pos, sc) in zip(parts, got):
        if len(pos):
            out.extend(zip((p.rows[pos] + start).tolist(), sc.astype(np.float32).tolist()))
    return out


def fan_out(call_shards: Callable[[dict], list[tuple[Ranking, Ranking]]]):
    """An ``Engine.search`` that asks every shard (``call_shards(request)``) and fuses their rankings."""

    def search(retriever: Retriever, query: str, k: int, filters: Filters | None, qvec) -> list[Hit]:
        depth = max(retriever.settings.depth, k)
        req = {"query": query, "depth": depth, "filters": _filters_dict(filters),
               "qvec": None if qvec is None else np.asarray(qvec, dtype=np.float32).tolist(),
               "settings": retriever.settings.__dict__.copy(), "generation": retriever.snapshot.generation,
               "stats": bm25_statistics(retriever.bm25, query)}
        parts = call_shards(req)
        dense = merge_ranked([[(int(i), float(s)) for i, s in p[0]] for p in parts], depth)
        bm25 = merge_ranked([[(int(i), float(s)) for i, s in p[1]] for p in parts], depth)
        return retriever.fuse(dense, bm25, k, qvec)

    return search


def _filters_dict(f: Filters | None) -> dict | None:
    if f is None or f.is_empty():
        return None
    return {k: list(v) if isinstance(v, tuple) else v for k, v in f.__dict__.items()}
