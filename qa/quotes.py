"""Passages to quotes: score every sentence of the top passages against the question, keep the best
one or two, and check each against the stored document text by its offsets.

A sentence's score mixes its own meaning match (cosine of the question vector and the sentence's
vector, pooled at index time from its passage's forward pass, so it carries the passage's context),
the share of the question's content words it holds (weighted by rarity, idf) and whether it holds
the kind of answer asked for; its passage's rank can be weighted in too (0 by default).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newsqa.embeddings.caching import LockedLRU
from newsqa.embeddings.encoder import Encoder

from .spans import answer_candidates, question_type
from .text import question_terms, terms
from .types import Hit

# Sentences that lean on the one before ("He said...", "But it..."): shown with that sentence as context.
_LEANS_BACK = re.compile(r"^[\"'\u201c\u2018]?(he|she|it|they|this|that|these|those|his|her|their|its|but|and|so|however|there)\b", re.I)


@dataclass(frozen=True)
class QuoteSettings:
    passages: int = 8  # how many top passages' sentences compete
    max_sentences: int = 2
    # Weights chosen by a grid search on the seed questions and 800 SQuAD dev questions with the
    # stored (context-pooled) sentence vectors (docs/answer-quality.md, "How an answer is made"):
    # meaning match leads; the passage rank adds nothing once a sentence's vector carries its
    # passage's context.
    w_dense: float = 0.8
    w_lexical: float = 0.2
    w_rank: float = 0.0
    w_type: float = 0.04  # bonus for holding the kind of thing asked for (a number for "how many"...)
    second_ratio: float = 0.7  # a second sentence must score this close to the first
    # Only for an index without stored sentence vectors (written before they were): the candidates
    # whose vectors are encoded at question time, best first by the cheap signals.
    encode_top: int = 8


@dataclass
class Candidate:
    hit: Hit
    start: int
    end: int
    text: str
    index: int = 0  # the sentence's number within its passage
    dense: float = 0.0
    lexical: float = 0.0
    rank_prior: float = 0.0
    score: float = 0.0
    covered: frozenset = frozenset()
    typed: bool = False


class SentenceVectors:
    """Vectors of candidate sentences: the index's stored ones, else encoded and kept (LRU).

    ``for_snapshot(snap)`` gives the callable the quote step uses on a list of candidates. A sentence
    without a stored vector (an index written before they were stored, or a sentence past the model's
    window) is encoded on its own at question time; the cache makes repeats free.
    """

    def __init__(self, encoder: Encoder, maxsize: int = 200_000):
        self.encoder = encoder
        self.maxsize = maxsize
        self._cache = LockedLRU(maxsize)

    def for_snapshot(self, snapshot) -> "CandidateVectors":
        return CandidateVectors(self, snapshot)

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Vectors of sentences encoded on their own (cached)."""
        found = self._cache.get_many(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            made = dict(zip(missing, self.encoder.encode_documents(missing)))
            self._cache.put_many(made.items())
            found.update(made)
        out = [found[t] for t in texts]
        return np.stack(out) if out else np.zeros((0, self.encoder.dimension), np.float32)


class CandidateVectors:
    """Candidate sentences -> vectors, for one index generation."""

    def __init__(self, parent: SentenceVectors, snapshot):
        self.parent = parent
        self.vectors = getattr(snapshot, "sentence_vectors", None)
        self.rows = getattr(snapshot, "sentence_rows", None)
        self.stored = self.vectors is not None

    def __call__(self, cands: list["Candidate"]) -> np.ndarray:
        if not cands:
            return np.zeros((0, self.parent.encoder.dimension), np.float32)
        if not self.stored:
            return self.parent.encode_texts([c.text for c in cands])
        first = np.array([self.rows[c.hit.row] for c in cands], dtype=np.int64)
        count = np.array([self.rows[c.hit.row + 1] for c in cands], dtype=np.int64) - first
        index = np.array([c.index for c in cands], dtype=np.int64)
        inside = index < count  # a passage's rows must hold its sentences (else: encode, never borrow)
        out = np.zeros((len(cands), self.vectors.shape[1]), dtype=np.float32)
        out[inside] = self.vectors[(first + index)[inside]]
        empty = np.flatnonzero(~out.any(axis=1))  # not pooled (cut by the model's window) or not stored
        if len(empty):
            out[empty] = self.parent.encode_texts([cands[i].text for i in empty])
        return out


class IdfTable:
    """Inverse document frequency of content terms over the indexed passages."""

    def __init__(self, texts: list[str]):
        df: dict[str, int] = {}
        for t in texts:
            for w in set(terms(t)):
                df[w] = df.get(w, 0) + 1
        self.n = max(1, len(texts))
        self.df = df

    @classmethod
    def from_counts(cls, n: int, df: dict[str, int]) -> "IdfTable":
        """From document frequencies already counted (the BM25 index's), without re-tokenising."""
        t = cls([])
        t.n, t.df = max(1, n), df
        return t

    def __call__(self, term: str) -> float:
        d = self.df.get(term, 0)
        return math.log(1.0 + (self.n - d + 0.5) / (d + 0.5))


def is_title(h: Hit) -> bool:
    """An article's own headline (not one of a page's listed headlines)."""
    return h.passage.kind == "headline" and h.passage.paragraph == 0


def candidates(hits: list[Hit], doc_text, settings: QuoteSettings) -> list[Candidate]:
    """The sentences of the top passages. An article's own headline names its topic rather than
    answering about it, so it is quoted only when no other passage came back."""
    top = hits[: settings.passages]
    body = [h for h in top if not is_title(h)] or top
    out = []
    for h in body:
        text = doc_text(h.passage.doc_id)
        for i, (s, e) in enumerate(h.passage.sentences):
            out.append(Candidate(h, s, e, text[s:e], index=i))
    return out


TITLE_ARTICLES = 3  # the articles of this many best sentences are "the matched articles"
_TITLE_WALK = 64  # how many rows back a headline may sit from its article's passage (an article's rows are contiguous)


def title_candidates(scored: list[Candidate], snapshot, hits: list[Hit]) -> list[Candidate]:
    """The own headlines of the articles of the best few sentences, which ``candidates`` leaves out:
    a headline may still fill the asked slot ("Kilroy launches 'Veritas' party" for "What is his new
    party called?"), see ``slot_choice.fill_slot``. A headline not retrieved is found by walking back
    from its article's passage to the row holding the article's headline."""
    docs = list(dict.fromkeys(c.hit.passage.doc_id for c in scored[:TITLE_ARTICLES]))
    out = []
    for doc in docs:
        h = next((x for x in hits if x.passage.doc_id == doc and is_title(x)), None) or _title_row(snapshot, scored, doc)
        if h is not None:
            text = snapshot.document_text(doc)
            out += [Candidate(h, s, e, text[s:e], index=i) for i, (s, e) in enumerate(h.passage.sentences)]
    return out


def _title_row(snapshot, scored: list[Candidate], doc: str) -> Hit | None:
    first = min((c.hit for c in scored[:TITLE_ARTICLES] if c.hit.passage.doc_id == doc), key=lambda h: h.row)
    passages = getattr(snapshot, "passages", None)
    if passages is None:
        return None
    row, guess = first.row, first.row - first.passage.paragraph  # one row a paragraph: the headline's row
    order = ([guess] if 0 <= guess < row else []) + [r for r in range(row - 1, max(-1, row - 1 - _TITLE_WALK), -1) if r != guess]
    for r in order:
        p = passages[r]
        if p.doc_id != doc:
            if r == guess:
                continue  # the guess overshot (a paragraph split in parts): walk back instead
            return None
        if p.kind == "headline" and p.paragraph == 0:
            return Hit(p, r, 0.0) if getattr(snapshot, "is_live", lambda _r: True)(r) else None
    return None


CARRIED_WEIGHT = 0.5  # words carried over from earlier turns count half in the word match


@lru_cache(maxsize=16384)
def sentence_terms(text: str) -> frozenset:
    """The content terms of a sentence, as a set (kept: shapes score the same sentences over and
    over, whole articles for a brief, and tokenising was most of their cost)."""
    return frozenset(terms(text))


def near_duplicate(a: str, b: str, threshold: float = 0.6) -> bool:
    """Two sentences telling the same thing (Jaccard overlap of their content terms)."""
    ta, tb = sentence_terms(a), sentence_terms(b)
    return bool(ta and tb) and len(ta & tb) / len(ta | tb) >= threshold


def score_candidates(question: str, qvec: np.ndarray, cands: list[Candidate], sentence_vectors, idf: IdfTable,
                     settings: QuoteSettings, hits: list[Hit], carried: str = "") -> list[Candidate]:
    """Fill in each candidate's scores; return them best first.

    ``carried`` holds the words a follow-up took from earlier turns: they count for less than the
    question's own words, so the new question decides which sentence answers it.
    """
    if not cands:
        return []
    qtype = question_type(question)
    own = list(dict.fromkeys(question_terms(question)))
    extra = [t for t in dict.fromkeys(question_terms(carried)) if t not in own] if carried else []
    weight = {t: idf(t) for t in own}
    weight.update({t: CARRIED_WEIGHT * idf(t) for t in extra})
    qt = own + extra
    total = sum(weight.values()) or 1.0
    rank_of = {h.row: r for r, h in enumerate(hits)}
    for c in cands:
        st = sentence_terms(c.text)
        cov = frozenset(t for t in qt if t in st)
        c.covered = cov
        c.lexical = sum(weight[t] for t in cov) / total if qt else 0.0
        c.rank_prior = 1.0 / (1.0 + rank_of.get(c.hit.row, 10))
        c.typed = bool(qtype) and _has_typed_answer(question, c.text)
        c.score = (settings.w_lexical * c.lexical + settings.w_rank * c.rank_prior
                   + (settings.w_type if c.typed else 0.0))
    if qvec is not None and not getattr(sentence_vectors, "stored", False):
        # Encoding sentences at question time would be most of its cost: only the best few by the
        # cheap signals are (on the dev sets, 8 of ~26 SQuAD candidates lost 0.1 point of quote_hit).
        cands = sorted(cands, key=lambda c: (-c.score, c.hit.row, c.start))[: settings.encode_top]
    vecs = sentence_vectors(cands) if qvec is not None else None
    for i, c in enumerate(cands):
        c.dense = float(vecs[i] @ qvec) if vecs is not None else 0.0
        c.score += settings.w_dense * c.dense
    return sorted(cands, key=lambda c: (-c.score, c.hit.row, c.start))


def _has_typed_answer(question: str, sentence: str) -> bool:
    return bool(answer_candidates(question, sentence, strict=False))


def _next_to(a: Candidate, b: Candidate) -> bool:
    spans = list(a.hit.passage.sentences)
    i = spans.index((a.start, a.end)) if (a.start, a.end) in spans else -1
    return i >= 0 and (b.start, b.end) in spans[max(0, i - 1) : i + 2]


def choose(scored: list[Candidate], settings: QuoteSettings) -> list[Candidate]:
    """The best sentence, and a second one only if it is nearly as good and adds question words."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    covered = set(best.covered)
    for c in scored[1 : 1 + 8]:
        if len(chosen) >= settings.max_sentences:
            break
        if c.score < settings.second_ratio * best.score:
            break
        adjacent = c.hit.row == best.hit.row and _next_to(best, c)
        if c.text == best.text or (c.covered <= covered and not (c.typed and not best.typed) and not adjacent):
            continue  # adds neither question words, nor the kind of thing asked for, nor the next sentence
        chosen.append(c)
        covered |= c.covered
    # The quote that holds the kind of thing asked for leads ("on Wednesday" for "when...").
    if len(chosen) > 1 and chosen[1].typed and not chosen[0].typed:
        chosen = [chosen[1], chosen[0]] + chosen[2:]
    return chosen


def context_before(c: Candidate, doc_text: str) -> str:
    """The previous sentence of the same passage, when the quote opens by leaning on it."""
    if not _LEANS_BACK.match(c.text):
        return ""
    prev = None
    for s, e in c.hit.passage.sentences:
        if s >= c.start:
            break
        prev = (s, e)
    return doc_text[prev[0] : prev[1]] if prev else ""
