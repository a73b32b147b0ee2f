"""``IndexReader``: the one read model of an index (what qa, eval and ui use).

A reader is a fixed view of one manifest: its live segments in order, their tombstones applied.
Rows are numbered across segments (segment 0's rows, then segment 1's, ...); a tombstoned row keeps
its number but no search returns it and no count includes it. Opening again after an update reuses
the segments already open (they are immutable), so a new segment costs only its own files.

    >>> r = open_reader("INDEX")                                           # doctest: +SKIP
    >>> r.passages[0].text, r.documents[r.passages[0].doc_id]["title"], len(r.documents)  # doctest: +SKIP
    >>> rows, scores = r.dense_search(query_vector, 10)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from .chunker import Passage
from .errors import IndexFormatError
from .faiss_index import ANN_KINDS, DEFAULT_EF_SEARCH, DEFAULT_NPROBE, search_params
from .manifest import MANIFEST, Manifest, read_manifest
from .segment import Segment

_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


class IndexReader:
    """A fixed, consistent view of an index: segments of one manifest, tombstones applied."""

    def __init__(self, path: Path, info: Manifest, segments: list[Segment]):
        self.path = Path(path)
        self.info = info
        self.manifest = info.to_dict()
        self.segments = segments
        self.starts = np.concatenate([[0], np.cumsum([len(s) for s in segments])]).astype(np.int64)
        self.tombstones = [frozenset(info.tombstones.get(s.name, ())) for s in segments]
        masks = [s.live(t) for s, t in zip(segments, self.tombstones)]
        self.live_rows = [m[0] for m in masks]  # per segment: None (all live) or a bool mask
        self.live_docs = [m[1] for m in masks]
        self.live_passages = sum(s.live_stats(t)[0] for s, t in zip(segments, self.tombstones))
        self.passages = PassageView(self)
        self.documents = DocumentView(self)
        self.vectors = RowView(self, "vectors")
        self.sentence_vectors = RowView(self, "sentence_vectors")
        self._files: dict | None = None

    # -- identity ----------------------------------------------------------------------------------
    @property
    def generation(self) -> str:
        return self.info.generation

    @property
    def dimension(self) -> int:
        return self.info.model.dimension

    def __len__(self) -> int:
        return int(self.starts[-1])

    @cached_property
    def sentence_rows(self) -> np.ndarray:
        """Global row -> first global sentence row (passages + 1), built on first use (not on open:
        it is as long as the index)."""
        shift = np.concatenate([[0], np.cumsum([s.info.sentences for s in self.segments])]).astype(np.int64)
        return np.concatenate([np.asarray(s.sentence_rows[:-1]) + shift[i] for i, s in enumerate(self.segments)]
                              + [shift[-1:]]).astype(np.int64)

    # -- rows --------------------------------------------------------------------------------------
    def locate(self, row: int) -> tuple[int, int]:
        """Global row -> (segment number, row inside it)."""
        row = int(row)
        if not 0 <= row < self.starts[-1]:
            raise IndexError(f"passage row {row} out of range (0..{int(self.starts[-1]) - 1})")
        s = int(np.searchsorted(self.starts, row, side="right")) - 1
        return s, row - int(self.starts[s])

    def split_rows(self, rows: np.ndarray) -> list[np.ndarray]:
        """Sorted global rows -> the local rows of each segment."""
        rows = np.asarray(rows, np.int64)
        cut = np.searchsorted(rows, self.starts)
        return [rows[cut[i]:cut[i + 1]] - self.starts[i] for i in range(len(self.segments))]

    def is_live(self, row: int) -> bool:
        s, r = self.locate(row)
        m = self.live_rows[s]
        return m is None or bool(m[r])

    def document_text(self, doc_id: str) -> str:
        """The text of live document ``doc_id`` (``KeyError`` if none): ``documents[doc_id]["text"]``,
        read from the text column alone (a whole row also decodes its blocks' JSON: ~20 us against ~2;
        an ask reads a few dozen texts)."""
        return self.documents.text(doc_id)

    def sentence_vectors_of(self, row: int) -> np.ndarray:
        """Passage ``row``'s stored sentence vectors (float32, one per sentence; zero rows: not pooled)."""
        s, r = self.locate(row)
        seg = self.segments[s]
        a, b = seg.sentence_rows[r], seg.sentence_rows[r + 1]
        return np.asarray(seg.sentence_vectors[a:b], dtype=np.float32)

    def document_columns(self, names: Sequence[str]) -> dict[str, list]:
        """Metadata columns (e.g. date, section) of the live documents, read from the Arrow columns."""
        out: dict[str, list] = {n: [] for n in names}
        for seg, live in zip(self.segments, self.live_docs):
            for n in names:
                col = seg.documents.column(n).to_pylist()
                out[n].extend(col if live.all() else [v for v, ok in zip(col, live) if ok])
        return out

    def date_range(self) -> tuple[str, str]:
        """(first, last) date of the live dated documents; ("", "") when none is dated (per segment, kept)."""
        got = [seg.date_range(t) for seg, t in zip(self.segments, self.tombstones)]
        got = [g for g in got if g[0]]
        return (min(g[0] for g in got), max(g[1] for g in got)) if got else ("", "")

    @property
    def files(self) -> dict[str, dict]:
        """Source file -> record (sha256, size, mtime_ns, doc_ids) over all segments, newest wins."""
        if self._files is None:
            out: dict[str, dict] = {}
            for s in self.segments:
                out.update(s.files())
            for key in self.info.deleted_files:
                out.pop(key, None)
            self._files = out
        return self._files

    # -- search ------------------------------------------------------------------------------------
    def dense_search(self, qvec: np.ndarray, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` live rows by inner product with ``qvec`` (within ``rows``, sorted, if given).

        Each segment is searched with tombstones (and ``rows``) applied inside the search: an exact
        masked scan of a flat segment's memory-mapped vectors, a FAISS ID selector for an HNSW one.
        """
        q = np.ascontiguousarray(np.asarray(qvec, np.float32).reshape(1, -1))
        local = self.split_rows(rows) if rows is not None else [None] * len(self.segments)
        found_rows, found_scores = [], []
        for i, seg in enumerate(self.segments):
            got = search_segment(seg, q, k, self.live_rows[i], local[i])
            if len(got[0]):
                found_rows.append(got[0] + self.starts[i])
                found_scores.append(got[1])
        if not found_rows:
            return _EMPTY
        r, s = np.concatenate(found_rows), np.concatenate(found_scores)
        order = np.lexsort((r, -s))[:k]
        return r[order], s[order]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` best scores, best first; ties (also at the cut) go to the lower position,
    so a merge that renumbers rows but keeps their order gives the same results."""
    if k >= len(scores):
        idx = np.arange(len(scores))
    else:
        kth = np.partition(-scores, k - 1)[k - 1]
        above = np.flatnonzero(-scores < kth)
        idx = np.concatenate([above, np.flatnonzero(-scores == kth)[: k - len(above)]])
    return idx[np.lexsort((idx, -scores[idx]))]


def search_segment(seg: Segment, q: np.ndarray, k: int, live: np.ndarray | None, rows: np.ndarray | None):
    """Top ``k`` local rows of one segment by inner product with ``q`` (shape ``(1, dim)``), and their scores.

    ``live``: the segment's live-row mask (None: no tombstones); ``rows``: sorted local rows allowed
    (None: all). A flat segment, or a few allowed rows, is scanned exactly; an HNSW or IVF segment
    is searched with the tombstones and ``rows`` as a FAISS ID selector. Used by ``dense_search`` and,
    per shard, by ``qa.shards``.
    """
    n = len(seg)
    if n == 0 or (rows is not None and len(rows) == 0):
        return _EMPTY
    if rows is not None and live is not None:
        rows = rows[live[rows]]
    if seg.faiss is None or (rows is not None and len(rows) <= 50_000):
        if rows is None:  # the whole segment, scanned in place (no copy of its live rows' vectors)
            scores = np.asarray(seg.vectors) @ q[0]
            cand = None if live is None else np.flatnonzero(live)
            if cand is not None:
                if not len(cand):
                    return _EMPTY
                scores = scores[cand]
        else:
            if not len(rows):
                return _EMPTY
            scores = np.asarray(seg.vectors[rows]) @ q[0]
            cand = rows
        top = top_k(scores, k)
        return (top if cand is None else cand[top]).astype(np.int64), scores[top].astype(np.float32)
    import faiss

    allowed = rows
    if allowed is None and live is not None:
        sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.flatnonzero(~live).astype(np.int64)))
    elif allowed is not None:
        sel = faiss.IDSelectorBatch(allowed.astype(np.int64))
    else:
        sel = None
    # One query on one OpenMP thread: waking a second one for a single query costs more than it saves.
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        if sel is None:
            D, I = seg.faiss.search(q, min(k, n))
        else:
            D, I = seg.faiss.search(q, min(k, n), params=search_params(seg.faiss, sel))
    finally:
        faiss.omp_set_num_threads(threads)
    keep = I[0] >= 0
    return I[0][keep].astype(np.int64), D[0][keep].astype(np.float32)


class PassageView(Sequence):
    """The passages of a reader by global row (tombstoned rows included: rows keep their numbers)."""

    def __init__(self, reader: IndexReader):
        self._r = reader

    def __len__(self) -> int:
        return len(self._r)

    def __getitem__(self, row) -> Passage:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        s, r = self._r.locate(row)
        return self._r.segments[s].passage(r)

    def __iter__(self):
        for s in self._r.segments:
            for r in range(len(s)):
                yield s.passage(r)

    def kind_counts(self) -> dict[str, int]:
        """Live passages of each kind."""
        out: dict[str, int] = {}
        for seg, live in zip(self._r.segments, self._r.live_rows):
            kinds = seg.kind_column.to_numpy(zero_copy_only=False)
            if live is not None:
                kinds = kinds[live]
            names, counts = np.unique(kinds, return_counts=True)
            for n, c in zip(names.tolist(), counts.tolist()):
                out[n] = out.get(n, 0) + c
        return out

    def doc_id_of_rows(self) -> np.ndarray:
        return np.concatenate([s.passages.column("doc_id").to_numpy(zero_copy_only=False) for s in self._r.segments]
                              or [np.zeros(0, str)])


class DocumentView(Mapping):
    """``doc_id -> document row`` over the live documents of every segment (read on demand)."""

    def __init__(self, reader: IndexReader):
        self._r = reader

    def _find(self, doc_id: str) -> tuple[int, int] | None:
        for i in range(len(self._r.segments) - 1, -1, -1):
            row = self._r.segments[i].find_document(doc_id)
            if row is not None and self._r.live_docs[i][row]:
                return i, row
        return None

    def __getitem__(self, doc_id: str) -> dict:
        at = self._find(doc_id)
        if at is None:
            raise KeyError(doc_id)
        return self._r.segments[at[0]].document(at[1])

    def text(self, doc_id: str) -> str:
        """``self[doc_id]["text"]`` without reading the row's other columns."""
        at = self._find(doc_id)
        if at is None:
            raise KeyError(doc_id)
        return self._r.segments[at[0]].documents.column("text")[at[1]].as_py()

    def __contains__(self, doc_id) -> bool:
        return isinstance(doc_id, str) and self._find(doc_id) is not None

    def __iter__(self):
        for seg, live in zip(self._r.segments, self._r.live_docs):
            for d, row in seg.doc_row.items():
                if live[row]:
                    yield d

    def __len__(self) -> int:
        return int(sum(live.sum() for live in self._r.live_docs))

    def values(self):
        return [self._r.segments[i].document(row) for i, (seg, live) in enumerate(zip(self._r.segments, self._r.live_docs))
                for row in np.flatnonzero(live).tolist()]

    def items(self):
        return [(d["doc_id"], d) for d in self.values()]


class RowView:
    """Rows of a per-segment array (vectors or sentence vectors) by global number."""

    def __init__(self, reader: IndexReader, attr: str):
        self._r, self._attr = reader, attr
        self.shape = (sum(getattr(s, attr).shape[0] for s in reader.segments), reader.dimension)
        self.dtype = np.float32 if attr == "vectors" else np.float16
        self._starts = np.concatenate([[0], np.cumsum([getattr(s, attr).shape[0] for s in reader.segments])]).astype(np.int64)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, idx) -> np.ndarray:
        if isinstance(idx, (int, np.integer)):
            s = int(np.searchsorted(self._starts, idx, side="right")) - 1
            return np.asarray(getattr(self._r.segments[s], self._attr)[int(idx) - self._starts[s]])
        idx = np.asarray(idx)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        out = np.zeros((len(idx), self.shape[1]), self.dtype)
        seg = np.searchsorted(self._starts, idx, side="right") - 1
        for s in np.unique(seg).tolist():
            at = seg == s
            out[at] = getattr(self._r.segments[s], self._attr)[idx[at] - self._starts[s]]
        return out

    def __array__(self, dtype=None, copy=None):
        parts = [np.asarray(getattr(s, self._attr)) for s in self._r.segments]
        out = np.concatenate(parts) if parts else np.zeros((0, self.shape[1]), self.dtype)
        return out.astype(dtype) if dtype is not None else out


def open_reader(index_dir: str | Path, *, previous: IndexReader | None = None, ann: bool = True) -> IndexReader:
    """Open the index's current manifest as a reader.

    Args:
        previous: a reader of the same index whose open segments are reused (an Engine's refresh).
        ann: load the FAISS indexes of HNSW and IVF segments (a writer does not search, so it passes False).

    A writer or a compaction may retire segments while this opens: if opening fails and the manifest
    meanwhile changed, the newer one is opened instead, so a reader never fails because of a writer.

    Raises:
        IndexFormatError: no index, an old format (with the command that upgrades it), or damage.
    """
    index_dir = Path(index_dir)
    info = read_manifest(index_dir)
    reuse = {s.name: s for s in previous.segments} if previous is not None else {}
    for attempt in range(5):
        try:
            depth = {"ef_search": int(info.faiss.get("ef_search", DEFAULT_EF_SEARCH)),
                     "nprobe": int(info.faiss.get("ivf_nprobe", DEFAULT_NPROBE))}
            segs = [reuse[s.name] if s.name in reuse and reuse[s.name].info == s and reuse[s.name].still_on_disk()
                    and (reuse[s.name].faiss is not None or not ann or s.ann not in ANN_KINDS)
                    else Segment(index_dir, s, info.model.dimension, ann=ann, **depth) for s in info.segments]
            return IndexReader(index_dir, info, segs)
        except IndexFormatError:
            newer = read_manifest(index_dir)
            if attempt == 4 or newer.generation == info.generation:
                raise
            info = newer
    raise AssertionError("unreachable")


def manifest_stamp(index_dir: Path) -> tuple | None:
    """A cheap identity of the current manifest file (changes whenever a writer publishes)."""
    try:
        st = (Path(index_dir) / MANIFEST).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
