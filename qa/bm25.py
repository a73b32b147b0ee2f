"""BM25 over an index's segments, scored with collection-wide statistics, filters and tombstones inside.

Each segment stores term-frequency postings (``embeddings.segment``: terms, rows, tf, passage
lengths). A query looks up only its own terms in each segment and scores their postings with the
statistics of the whole live collection (N, document frequency, mean length; tombstoned rows
excluded), the Lucene BM25 that bm25s computes (k1=1.5, b=0.75): the same scores as one bm25s index
over all live passages, without a whole-collection index to rebuild when a segment is added.

Why not tantivy: its BM25 and segments would fit, but it would need its own copy of every text,
its own tokenizer pipeline fed our stems, and a second storage format beside the Arrow tables; the
postings here are ~12 bytes per (term, passage) pair in plain ``.npy`` files and score in
milliseconds (docs/index-format.md has the measurements).
"""

from __future__ import annotations

import math
import threading

import numpy as np

from newsqa.embeddings.caching import LockedLRU, PerReader
from newsqa.embeddings.lexical import TOKENIZER_VERSION, fold, joined_forms
from newsqa.embeddings.reader import top_k

from .text import terms

K1, B = 1.5, 0.75
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))


SEGMENT_DF_SIZE = 200_000  # terms whose live document frequency each segment keeps


class _SegmentDF:
    """One segment's ``term -> live df`` for its current tombstones (a reader with other tombstones
    starts it afresh): a ``LockedLRU``, like every cache here."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tombstones: frozenset | None = None
        self._cache = LockedLRU(SEGMENT_DF_SIZE)

    def get_or_make(self, tombstones: frozenset, term: str, make) -> int:
        with self._lock:
            if self._tombstones != tombstones:
                self._tombstones, self._cache = tombstones, LockedLRU(SEGMENT_DF_SIZE)
            cache = self._cache
        return cache.get_or_make(term, make)


FOLDING_TOKENIZER = 2  # the first tokenizer that folds accents (embeddings.lexical, migration 2)
assert TOKENIZER_VERSION >= FOLDING_TOKENIZER
_ACCENTED = PerReader()  # a pre-folding segment -> {folded term: the term as its postings hold it}


def _accented_terms(seg) -> dict[str, str]:
    """How a question's folded term reads in a segment tokenised before accent folding: "cafe" ->
    "café" (and its stem, "herv" -> "hervé"), so an index not yet migrated still finds accented words
    by BM25 (the first spelling when several fold alike)."""
    got: dict[str, str] = {}
    for t in seg.non_ascii_terms().tolist():
        f = fold(t)
        for key in {f, *terms(f)} - {t}:
            got.setdefault(key, t)
    return got


def query_terms(query: str, df) -> list[str]:
    """The terms BM25 searches ``query`` with: its own (``terms``), and each compound it writes
    spaced, hyphenated or dotted in the joined form, when the index holds that form (``df(term) >
    0``): "Time Warner" also finds "TimeWarner", "e-mail" "email", "U.K." "UK"
    (``embeddings.lexical.joined_forms``). A query-side expansion: the postings keep their tokens."""
    return terms(query) + [t for t in joined_forms(query) if df(t) > 0]


_SEGMENT_DF = PerReader()  # segment -> its _SegmentDF, dropped with the segment (segments are shared by readers)


class SegmentBM25:
    """BM25 search over the live passages of an ``IndexReader``.

        >>> bm25 = SegmentBM25(reader)                                      # doctest: +SKIP
        >>> rows, scores = bm25.search("earthquake toll in Morocco", 10)  # doctest: +SKIP
    """

    def __init__(self, reader, k1: float = K1, b: float = B, cache_size: int = 100_000):
        self.reader = reader
        self.k1, self.b = k1, b
        self.n = reader.live_passages
        total = sum(seg.live_stats(t)[1] for seg, t in zip(reader.segments, reader.tombstones))  # kept per segment
        self.avgdl = total / self.n if self.n else 1.0
        self._df_cache = LockedLRU(cache_size)  # term -> df over this reader's live passages

    def _span(self, seg, term: str) -> tuple[int, int] | None:
        names = seg.postings["lex_terms"]
        i = int(np.searchsorted(names, term))
        if i < len(names) and names[i] == term:
            ptr = seg.postings["lex_indptr"]
            return int(ptr[i]), int(ptr[i + 1])
        if seg.info.tokenizer < FOLDING_TOKENIZER:  # postings from before accent folding: "cafe" was "café"
            old = _ACCENTED.get_or_make(seg, _accented_terms).get(term)
            return self._span(seg, old) if old else None
        return None

    def df(self, term: str) -> int:
        """How many live passages hold ``term``."""
        return self._df_cache.get_or_make(term, self._count)

    def _count(self, term: str) -> int:
        got = 0
        for seg, live, tomb in zip(self.reader.segments, self.reader.live_rows, self.reader.tombstones):
            got += self._segment_df(seg, term, live, tomb)
        return got

    def _segment_df(self, seg, term: str, live, tombstones: frozenset) -> int:
        """Live passages of ``seg`` holding ``term``, kept per segment (a new reader after an
        update looks terms up again only in the new segment)."""
        def count(t: str) -> int:
            span = self._span(seg, t)
            return 0 if not span else (span[1] - span[0] if live is None else
                                       int(live[np.asarray(seg.postings["lex_rows"][span[0]:span[1]])].sum()))

        return _SEGMENT_DF.get_or_make(seg, lambda _: _SegmentDF()).get_or_make(tombstones, term, count)

    def idf(self, term: str) -> float:
        d = self.df(term)
        return math.log(1 + (self.n - d + 0.5) / (d + 0.5))

    def document_frequencies(self) -> "DocumentFrequencies":
        """``term -> df`` for ``qa.quotes.IdfTable`` (looked up per term, never built whole)."""
        return DocumentFrequencies(self)

    def search(self, query: str, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` live rows and scores (score 0 dropped); ``rows``: sorted global rows allowed."""
        qterms = query_terms(query, self.df)
        if not qterms or not self.n or k < 1:
            return _EMPTY
        idf = {t: self.idf(t) for t in set(qterms)}
        local = self.reader.split_rows(rows) if rows is not None else None
        out_rows, out_scores = [], []
        for i, seg in enumerate(self.reader.segments):
            if local is not None and not len(local[i]):
                continue
            got = self.search_segment(seg, qterms, idf, k, self.reader.live_rows[i], None if local is None else local[i])
            if len(got[0]):
                out_rows.append(got[0] + self.reader.starts[i])
                out_scores.append(got[1])
        if not out_rows:
            return _EMPTY
        r, s = np.concatenate(out_rows), np.concatenate(out_scores)
        order = np.lexsort((r, -s))[:k]  # best first; ties by row, so results are deterministic
        return r[order].astype(np.int64), s[order]

    def search_segment(self, seg, qterms, idf, k, live, allowed):
        """Top ``k`` local rows of one segment and their BM25 scores for ``qterms`` (``idf``: term ->
        idf, from the statistics this scorer holds); ``live``: live-row mask or None; ``allowed``:
        sorted local rows or None. Used by ``search`` and, per shard, by ``qa.shards``."""
        parts_r, parts_s = [], []
        doclen = seg.postings["lex_doclen"]
        for t in qterms:  # a repeated query term counts again, as in bm25s
            span = self._span(seg, t)
            if not span or span[0] == span[1]:
                continue
            r = np.asarray(seg.postings["lex_rows"][span[0]:span[1]])
            tf = np.asarray(seg.postings["lex_tf"][span[0]:span[1]], dtype=np.float32)
            dl = np.asarray(doclen[r], dtype=np.float32)
            parts_r.append(r)
            parts_s.append(np.float32(idf[t]) * tf / (tf + np.float32(self.k1) * (1 - self.b + self.b * dl / np.float32(self.avgdl))))
        if not parts_r:
            return _EMPTY
        rows, vals = np.concatenate(parts_r), np.concatenate(parts_s).astype(np.float32)
        cand, inverse = np.unique(rows, return_inverse=True)
        scores = np.zeros(len(cand), dtype=np.float32)
        np.add.at(scores, inverse, vals)
        keep = scores > 0
        if live is not None:
            keep &= live[cand]
        if allowed is not None:
            keep &= np.isin(cand, allowed)
        cand, scores = cand[keep], scores[keep]
        top = top_k(scores, k)  # cand ascends: ties go to the lower row, as in one index
        return cand[top].astype(np.int64), scores[top]


class DocumentFrequencies:
    """A read-only ``term -> df`` view over a ``SegmentBM25`` (what ``IdfTable`` looks terms up in)."""

    def __init__(self, bm25: SegmentBM25):
        self._bm25 = bm25

    def get(self, term: str, default: int = 0) -> int:
        return self._bm25.df(term) or default

    def vocabulary(self):
        """Every term of the live segments' postings (each once)."""
        seen: set[str] = set()
        for seg in self._bm25.reader.segments:
            for t in seg.postings["lex_terms"]:
                t = str(t)
                if t not in seen:
                    seen.add(t)
                    yield t

    def non_ascii_terms(self):
        """The terms with a non-ASCII letter (each once): what accent folding needs, without the
        whole vocabulary (kept per segment)."""
        seen: set[str] = set()
        for seg in self._bm25.reader.segments:
            for t in seg.non_ascii_terms().tolist():
                if t not in seen:
                    seen.add(t)
                    yield t

    def __getitem__(self, term: str) -> int:
        d = self._bm25.df(term)
        if not d:
            raise KeyError(term)
        return d

    def __contains__(self, term) -> bool:
        return bool(self._bm25.df(term))


class BM25Index:
    """bm25s over texts held in memory: the reference ``SegmentBM25`` is measured against (tests, eval).

        >>> idx = BM25Index(["Putin met Kim", "Morocco quake toll rises"])
        >>> idx.search("earthquake toll in Morocco", 1)[0].tolist()
        [1]
    """

    def __init__(self, texts: list[str] | None = None, *, model=None):
        import bm25s

        if model is None:
            model = bm25s.BM25()
            if texts:
                model.index([terms(t) or [""] for t in texts], show_progress=False)
        self._bm25 = model
        scores = getattr(model, "scores", None) or {}
        self.n = int(scores.get("num_docs", 0))
        self._data = scores.get("data")
        self._indices = scores.get("indices")
        self._indptr = scores.get("indptr")
        self._vocab: dict[str, int] = getattr(model, "vocab_dict", None) or {}

    # -- search ------------------------------------------------------------------------------------

    def document_frequencies(self) -> dict[str, int]:
        """How many passages hold each term (the same terms as ``qa.text.terms``)."""
        if not self.n:
            return {}
        df = np.diff(np.asarray(self._indptr))
        return {t: int(df[i]) for t, i in self._vocab.items() if t and df[i]}

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows and scores (rows with score 0 dropped). ``mask`` is 1.0 for allowed rows."""
        ids = [self._vocab[t] for t in terms(query) if t in self._vocab]
        if not ids or not self.n or k < 1:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        indptr = self._indptr
        spans = [(int(indptr[i]), int(indptr[i + 1])) for i in ids]
        rows = np.concatenate([np.asarray(self._indices[s:e]) for s, e in spans])
        vals = np.concatenate([np.asarray(self._data[s:e]) for s, e in spans]).astype(np.float32)
        if not len(rows):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # Sum the postings per passage: only passages holding a query term are ever scored.
        cand, inverse = np.unique(rows, return_inverse=True)
        scores = np.zeros(len(cand), dtype=np.float32)
        np.add.at(scores, inverse, vals)
        if mask is not None:
            scores = scores * np.asarray(mask, dtype=np.float32)[cand]
        keep = scores > 0
        cand, scores = cand[keep], scores[keep]
        if len(cand) > k:
            # The best k; of passages tied with the k-th, the lowest rows (cand ascends), so a
            # search over part of the rows (a shard) cuts exactly where the whole index does.
            kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
            above, tied = np.flatnonzero(scores > kth), np.flatnonzero(scores == kth)
            part = np.concatenate([above, tied[: k - len(above)]])
            cand, scores = cand[part], scores[part]
        order = np.lexsort((cand, -scores))  # best first; ties by row, so results are deterministic
        return cand[order].astype(np.int64), scores[order]
