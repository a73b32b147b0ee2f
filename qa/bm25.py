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
from dataclasses import dataclass

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


_PEAKS = PerReader()  # segment -> LockedLRU of term -> tf_peaks (a segment's postings never change)
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
        sorted local rows or None. Used by ``search`` and, per shard, by ``qa.shards``.

        Exact and pruned where it can be (``pruned_search``: MaxScore over the rarest terms, or only
        the allowed rows when they are few); otherwise every posting of the terms (``full_search``).
        Both give the same rows and the same float32 scores."""
        hits = self.term_spans(seg, qterms)
        return self.search_segment_spans(seg, hits, idf, k, live, allowed) if hits else _EMPTY

    def search_segment_spans(self, seg, hits, idf, k, live, allowed):
        """``search_segment`` of the query terms' spans in ``seg`` (``term_spans``)."""
        got = self.pruned_segment_search(seg, hits, idf, k, live, allowed)
        return got if got is not None else full_search(seg.postings, hits, idf, k, live, allowed, self.scoring())

    def pruned_segment_search(self, seg, hits, idf, k, live, allowed):
        """``pruned_search`` in ``seg`` with the tf peaks the segment keeps; None: not shown."""
        spans = dict(hits)
        kept = _PEAKS.get_or_make(seg, lambda _: LockedLRU(PEAKS_SIZE))
        peaks = lambda t: kept.get_or_make(t, lambda _: tf_peaks(seg.postings, spans[t]))  # noqa: E731
        return pruned_search(seg.postings, hits, idf, k, live, allowed, self.scoring(), peaks)

    def scoring(self) -> "Scoring":
        """This scorer's k1, b and mean length (what a term's weights need)."""
        return Scoring(self.k1, self.b, self.avgdl)

    def term_spans(self, seg, qterms) -> list[tuple[str, tuple[int, int]]]:
        """(term, its postings' span in ``seg``) for each query term that ``seg`` holds, in query
        order (a repeated term repeated: it counts again, as in bm25s)."""
        spans = {t: self._span(seg, t) for t in dict.fromkeys(qterms)}
        return [(t, spans[t]) for t in qterms if spans[t] and spans[t][0] < spans[t][1]]


@dataclass(frozen=True)
class Scoring:
    """BM25's length normalisation: ``k1``, ``b`` and the collection's mean passage length."""
    k1: float
    b: float
    avgdl: float

    def weights(self, idf: float, tf: np.ndarray, dl: np.ndarray) -> np.ndarray:
        """float32 contributions of one term to the passages of ``tf`` and ``dl`` (float32 arrays):
        each below ``idf`` (the bound ``pruned_search`` prunes with)."""
        return np.float32(idf) * tf / (tf + np.float32(self.k1) * (1 - self.b + self.b * dl / np.float32(self.avgdl)))


def full_search(post, hits, idf, k, live, allowed, scoring: Scoring):
    """Every posting of every term read and summed per row (in query-term order, float32). Each
    passage's length is read once per row, not once per posting (the same lengths; at 10M 4.2
    against 6.6 CPU-ms a headline question, docs/performance.md)."""
    parts_r = [np.asarray(post["lex_rows"][s:e]) for _, (s, e) in hits]
    cand, inverse = np.unique(np.concatenate(parts_r), return_inverse=True)
    dl = np.asarray(post["lex_doclen"][cand], dtype=np.float32)
    parts_s, at = [], 0
    for (t, (s, e)), r in zip(hits, parts_r):
        tf = np.asarray(post["lex_tf"][s:e], dtype=np.float32)
        parts_s.append(scoring.weights(idf[t], tf, dl[inverse[at:at + len(r)]]))
        at += len(r)
    scores = np.zeros(len(cand), dtype=np.float32)
    np.add.at(scores, inverse, np.concatenate(parts_s).astype(np.float32))  # row by row in the order of ``hits``
    return top_live(cand, scores, live, allowed, k)


def top_live(cand, scores, live, allowed, k):
    """The top ``k`` of ascending rows ``cand`` and their ``scores``, kept only when the score is
    positive, the row live (``live`` mask or None) and allowed (sorted rows or None); ties go to
    the lower row, as in one index."""
    keep = scores > 0
    if live is not None:
        keep &= live[cand]
    if allowed is not None:
        keep &= np.isin(cand, allowed)
    cand, scores = cand[keep], scores[keep]
    top = top_k(scores, k)
    return cand[top].astype(np.int64), scores[top]


PRUNE_MARGIN = 1e-3  # relative slack on the bound: float32 rounding of the weights and sums is ~1e-6
# Give up pruning once the essential terms' rows times the terms pass this share of all postings:
# completing a candidate costs a binary search a term (~40-100 ns), a posting of the full path ~50 ns
ESSENTIAL_SHARE = 0.5
THETA_GROWTH = 1.1  # give up when the bound left at the most essential terms affordable is this far above theta
ALLOWED_SHARE = 0.05  # score only the allowed rows when they number below this share of the postings
MIN_PRUNED_POSTINGS = 20_000  # below this many postings (a 13k-passage index) the full path is cheaper
PEAKS_SIZE = 100_000  # terms whose tf peaks each segment keeps


def pruned_search(post, hits, idf, k, live, allowed, scoring: Scoring, peaks=None):
    """The rows and scores of ``full_search`` without reading every posting, or None when that
    cannot be shown (then the caller runs ``full_search``).

    MaxScore: the rarest terms are *essential*; their postings' rows are the candidates, each scored
    completely (the other terms' postings found by binary search, ``score_rows``). A row outside
    the candidates holds only the other terms, so it scores below the sum of their bounds
    (``TermBounds``); when that sum is below the k-th best candidate, no such row can enter the top
    ``k``. Otherwise the next rarest term becomes essential. Few allowed rows are scored directly.

    Args:
        peaks: term -> its ``tf_peaks`` in this segment (kept by the caller), for bounds tighter
            than the idf; None: the idf alone.
    """
    sizes = {t: e - s for t, (s, e) in hits}
    total = sum(sizes.values())
    if allowed is not None and len(allowed) * len(sizes) < ALLOWED_SHARE * total:
        rows = np.asarray(allowed).astype(post["lex_rows"].dtype)
        return _best(post, rows if live is None else rows[live[rows]], hits, idf, k, scoring)
    if total < MIN_PRUNED_POSTINGS:
        return None
    order = sorted(sizes, key=lambda t: (sizes[t], t))
    bounds, spans = TermBounds(hits, idf, scoring, peaks), dict(hits)
    reach, rest = bounds.reach(order, [sizes[t] * len(hits) for t in order], ESSENTIAL_SHARE * total)
    if not reach:
        return None
    cand, scores, held = np.zeros(0, post["lex_rows"].dtype), np.zeros(0, np.float32), 0
    for j, t in enumerate(order[:-1]):
        held += sizes[t]
        if held * len(hits) > ESSENTIAL_SHARE * total:
            return None
        new = np.asarray(post["lex_rows"][spans[t][0]:spans[t][1]])
        new = _allowed_rows(new[~np.isin(new, cand)], live, allowed)
        cand, scores = _merge(cand, scores, new, score_rows(post, new, hits, idf, scoring))
        if len(cand) < k:
            continue
        theta = np.partition(scores, len(scores) - k)[len(scores) - k]  # the k-th best candidate's score
        if bounds.below(order[j + 1:], theta):
            return _top(cand, scores, k)
        if rest >= THETA_GROWTH * theta:  # more candidates seldom raise theta that far: stop paying
            return None
    return None


class TermBounds:
    """Upper bounds of one query's term weights in one segment: ``idf`` times the times the term
    is asked (a weight ``idf*tf/(tf+K)`` is below its idf), or, tighter, that times the largest
    ``tf/(tf+K)`` the term's postings can reach: tf 1 at length 0, or a tf above 1 at the shortest
    length it has (``tf_peaks``)."""

    def __init__(self, hits, idf, scoring: Scoring, peaks):
        self.idf, self.scoring, self.peaks = idf, scoring, peaks
        self.times: dict[str, int] = {}
        for t, _ in hits:
            self.times[t] = self.times.get(t, 0) + 1

    def below(self, terms_: list[str], theta: float) -> bool:
        """Whether a row holding only ``terms_`` scores below ``theta`` (float32 slack included)."""
        if sum(self.idf[t] * self.times[t] for t in terms_) * (1 + PRUNE_MARGIN) < theta:
            return True
        return self.peaks is not None and sum(self.tight(t) for t in terms_) * (1 + PRUNE_MARGIN) < theta

    def reach(self, order: list[str], costs: list[float], budget: float) -> tuple[int, float]:
        """How many of ``order`` can be essential within ``budget`` (their ``costs`` summed), and
        the bound of the others then; (0, ...) when pruning cannot pay: none can, or the others'
        bounds sum past the essential ones' (the k-th best candidate seldom scores above the
        essential terms' bounds). A choice of path only: the result is exact either way."""
        j = 0
        while j < len(order) - 1 and sum(costs[:j + 1]) <= budget:
            j += 1
        bound = self.tight if self.peaks is not None else (lambda t: self.idf[t] * self.times[t])
        rest = sum(bound(t) for t in order[j:])
        return (j if j and rest < sum(bound(t) for t in order[:j]) else 0), rest

    def tight(self, term: str) -> float:
        """``term``'s bound from its tf peaks (at most its idf times the times it is asked)."""
        s = self.scoring
        norm = s.k1 * (1 - s.b)  # K at length 0: tf 1 weighs at most 1 / (1 + norm) of the idf
        ratio = 1 / (1 + norm)
        for v, dl in self.peaks(term):
            ratio = max(ratio, v / (v + norm + s.k1 * s.b * dl / s.avgdl))
        return self.idf[term] * self.times[term] * ratio


def tf_peaks(post, span: tuple[int, int]) -> np.ndarray:
    """(tf, the shortest passage length with that tf) of each tf above 1 in a term's postings,
    as float64 rows: what ``TermBounds.tight`` needs for any mean length and idf. Reads the
    posting's tf in order and the lengths of its few rows with tf above 1."""
    s, e = span
    hi = np.flatnonzero(np.asarray(post["lex_tf"][s:e]) > 1)
    if not len(hi):
        return np.zeros((0, 2))
    v = np.asarray(post["lex_tf"][s + hi], dtype=np.float64)
    dl = np.asarray(post["lex_doclen"][np.asarray(post["lex_rows"][s + hi])], dtype=np.float64)
    order = np.lexsort((dl, v))
    v, dl = v[order], dl[order]
    first = np.concatenate([[True], v[1:] != v[:-1]])
    return np.stack([v[first], dl[first]], axis=1)


def _allowed_rows(rows, live, allowed):
    if live is not None:
        rows = rows[live[rows]]
    return rows if allowed is None else rows[np.isin(rows, allowed)]


def _merge(cand, scores, new, new_scores):
    rows = np.concatenate([cand, new])
    order = np.argsort(rows, kind="stable")
    return rows[order], np.concatenate([scores, new_scores])[order]


def _best(post, rows, hits, idf, k, scoring):
    return _top(rows, score_rows(post, rows, hits, idf, scoring), k)


def _top(rows, scores, k):
    keep = scores > 0
    rows, scores = rows[keep], scores[keep]
    top = top_k(scores, k)  # rows ascend: ties go to the lower row, as in full_search
    return rows[top].astype(np.int64), scores[top]


def score_rows(post, rows, hits, idf, scoring: Scoring) -> np.ndarray:
    """The complete BM25 scores of ``rows`` (sorted, distinct), each term's postings searched for
    them (binary search: a long posting is never read whole), summed in the order of ``hits`` as
    ``full_search`` sums them, so every score is the same float32."""
    scores = np.zeros(len(rows), dtype=np.float32)
    if not len(rows):
        return scores
    dl = np.asarray(post["lex_doclen"][rows], dtype=np.float32)
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for t, (s, e) in hits:
        if t not in found:
            posting = post["lex_rows"][s:e]
            at = np.minimum(np.searchsorted(posting, rows), e - s - 1)
            there = np.asarray(posting[at]) == rows
            tf = np.asarray(post["lex_tf"][s + at[there]], dtype=np.float32)
            found[t] = there, scoring.weights(idf[t], tf, dl[there])
        there, w = found[t]
        scores[there] += w
    return scores


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
