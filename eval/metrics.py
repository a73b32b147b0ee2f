"""Metrics: plain functions over answers and per-question outcomes.

Answer matching follows the SQuAD evaluation script: lowercase, punctuation removed, the articles
"a", "an", "the" removed, whitespace collapsed (EM and F1 use exactly this). A gold answer is *inside*
a text when its normalised tokens appear as a contiguous run of the text's normalised tokens; there
punctuation becomes a space instead of vanishing, so "18" is found in "18-karat" and "24–10" in
"won 24–10." (removing it would glue "18karat" into one token and miss the answer).

    >>> normalize_answer("The  Denver Broncos!")
    'denver broncos'
    >>> contains_answer("Denver Broncos defeated the Carolina Panthers.", ["the Carolina Panthers"])
    True
    >>> round(f1_score("Denver Broncos", "the Broncos"), 3)
    0.667
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

_PUNCT = set(string.punctuation) | set("\u2018\u2019\u201c\u201d\u2013\u2014\u2026")
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)


def normalize_answer(text: str, punct: str = "") -> str:
    """SQuAD normalisation: lowercase, no punctuation, no articles, single spaces.

    ``punct`` replaces each punctuation mark ("" removes it, as SQuAD does; " " splits tokens there).
    """
    text = "".join(punct if ch in _PUNCT else ch for ch in text.lower())
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised texts are equal, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1_score(prediction: str, gold: str) -> float:
    """Token F1 of the normalised texts (SQuAD): harmonic mean of token precision and recall."""
    p = normalize_answer(prediction).split()
    g = normalize_answer(gold).split()
    if not p or not g:
        return float(p == g)
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def best_over_golds(fn, prediction: str, golds: Sequence[str]) -> float:
    """The best score of ``prediction`` against any gold answer (SQuAD's ``metric_max_over_ground_truths``)."""
    return max((fn(prediction, g) for g in golds), default=0.0)


def contains_answer(text: str, golds: Iterable[str]) -> bool:
    """True when a gold answer's normalised tokens appear contiguously in the normalised ``text``."""
    hay = " " + normalize_answer(text, " ") + " "
    for g in golds:
        n = normalize_answer(g, " ")
        if n and f" {n} " in hay:
            return True
    return False


def first_hit_rank(texts: Sequence[str], golds: Sequence[str]) -> int:
    """1-based rank of the first text holding a gold answer; 0 when none does."""
    for r, t in enumerate(texts, start=1):
        if contains_answer(t, golds):
            return r
    return 0


def word_count(text: str) -> int:
    return len(text.split())


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100), linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return sum(vals) / len(vals) if vals else None


def hit_at(ranks: Sequence[int], k: int) -> float | None:
    """Share of questions whose first gold-holding passage is within the top ``k`` (rank 0 = none)."""
    if not ranks:
        return None
    return sum(1 for r in ranks if 0 < r <= k) / len(ranks)


def mrr(ranks: Sequence[int]) -> float | None:
    """Mean reciprocal rank of the first gold-holding passage (0 when none was retrieved)."""
    if not ranks:
        return None
    return sum(1.0 / r for r in ranks if r > 0) / len(ranks)


def abstention(abstained: Sequence[bool], answerable: Sequence[bool]) -> dict:
    """Precision and recall of abstaining on unanswerable questions; false abstention on answerable ones.

    ``abstain_precision``: of the abstentions, the share on unanswerable questions (None if none).
    ``abstain_recall``: of the unanswerable questions, the share abstained on (None if there are none).
    ``false_abstain``: of the answerable questions, the share abstained on (None if there are none).
    """
    pairs = list(zip(abstained, answerable))
    abst = [ans for a, ans in pairs if a]
    unans = [a for a, ans in pairs if not ans]
    ans_ = [a for a, ans in pairs if ans]
    return {
        "abstain_precision": (sum(1 for ans in abst if not ans) / len(abst)) if abst else None,
        "abstain_recall": (sum(unans) / len(unans)) if unans else None,
        "false_abstain": (sum(ans_) / len(ans_)) if ans_ else None,
    }


@dataclass(frozen=True)
class Outcome:
    """How one system did on one question: what every metric is computed from.

    Attributes:
        system: ``"newsqa"`` or a baseline's name (``"bm25"``, ``"dense"``).
        id, kind, answerable: the question's.
        abstained: no answer given.
        rank: 1-based rank of the first retrieved passage holding a gold answer (0: none in the top k,
            or the question is unanswerable).
        quotes: the quoted texts (a baseline quotes its top passage).
        quote_hit: a gold answer is inside a quote (False when unanswerable or abstained).
        short_answer: the marked short answer (``""`` when none).
        em, f1: of the short answer against the gold answers (None without a short answer or gold).
        citations, citations_valid: how many quotes, and how many equal their document text at their offsets.
        latency_ms: time to answer the question.
    """

    system: str
    id: str
    kind: str
    answerable: bool
    abstained: bool
    rank: int
    quotes: tuple[str, ...]
    quote_hit: bool
    short_answer: str = ""
    em: float | None = None
    f1: float | None = None
    citations: int = 0
    citations_valid: int = 0
    latency_ms: float = 0.0
    confidence: float = 0.0
    state: str = ""  # answered | unsure | not_found ("" for a baseline: answered unless abstained)
    split: str = ""
    facts: int = 0  # gold facts of the question (0: none given)
    facts_found: int = 0  # of them, inside a quote
    same_as_alone: bool | None = None  # a standalone-after question: same citations as asked alone
    shape: str = ""  # the answer shape the engine detected


HIT_KS = (1, 5, 10)
SHAPE_KINDS = frozenset(("who_is", "why", "overview", "compare", "list"))  # kinds named like qa.shapes


def facts_found(quotes: Sequence[str], facts: Sequence[Sequence[str]]) -> int:
    """How many facts have one of their alternatives inside one of the quotes."""
    return sum(1 for alts in facts if any(contains_answer(q, alts) for q in quotes))


def states(outcomes: Sequence[Outcome]) -> dict:
    """Shares of the three answer states: ``unsure_rate`` over all questions, ``abstain_or_unsure``
    over the unanswerable ones, ``unsure_answerable`` over the answerable ones."""
    def st(o):
        return o.state or ("not_found" if o.abstained else "answered")

    unans = [o for o in outcomes if not o.answerable]
    ans = [o for o in outcomes if o.answerable]
    return {
        "unsure_rate": mean(float(st(o) == "unsure") for o in outcomes),
        "abstain_or_unsure": mean(float(st(o) != "answered") for o in unans),
        "unsure_answerable": mean(float(st(o) == "unsure") for o in ans),
    }


def summarize(outcomes: Sequence[Outcome], k: int) -> dict:
    """Every figure of one system over ``outcomes`` (retrieval depth ``k``); None where undefined.

    Retrieval and answer figures are over answerable questions; hit@n is None when n > k.
    """
    ans = [o for o in outcomes if o.answerable]
    ranks = [o.rank for o in ans]
    answered = [o for o in outcomes if not o.abstained]
    short = [o for o in ans if o.em is not None]
    cites = sum(o.citations for o in outcomes)
    lat = [o.latency_ms for o in outcomes]
    out = {"questions": len(outcomes), "answerable": len(ans), "unanswerable": len(outcomes) - len(ans)}
    for n in HIT_KS:
        out[f"hit@{n}"] = hit_at(ranks, n) if n <= k else None
    out["mrr"] = mrr(ranks)
    out["quote_hit"] = mean(float(o.quote_hit) for o in ans)
    out["em"] = mean(o.em for o in short)
    out["f1"] = mean(o.f1 for o in short)
    out["short_answers"] = len(short)
    out["mean_quote_words"] = mean(sum(word_count(q) for q in o.quotes) for o in answered)
    out["citations"] = cites
    out["citation_validity"] = (sum(o.citations_valid for o in outcomes) / cites) if cites else None
    out["answered"] = len(answered)
    out.update(abstention([o.abstained for o in outcomes], [o.answerable for o in outcomes]))
    out.update(states(outcomes))
    # A marked short answer reads as vouched for: its precision (EM over the marked ones) beside how many.
    out["marked_precision"] = out["em"]
    out["marked"] = len(short)
    out["marked_rate"] = (len(short) / len([o for o in ans if not o.abstained])) if any(not o.abstained for o in ans) else None
    with_facts = [o for o in outcomes if o.facts]
    out["fact_recall"] = mean(o.facts_found / o.facts for o in with_facts)  # share of gold facts inside the quotes
    out["facts_all"] = mean(float(o.facts_found == o.facts) for o in with_facts)  # every fact (compare: both values)
    alone = [o.same_as_alone for o in outcomes if o.same_as_alone is not None]
    out["same_as_alone"] = mean(float(a) for a in alone)
    shaped = [o for o in outcomes if o.kind in SHAPE_KINDS]
    out["shape_match"] = mean(float(o.shape == o.kind) for o in shaped)
    out["p50"] = percentile(lat, 50)
    out["p95"] = percentile(lat, 95)
    return out


def hit_curve(outcomes: Sequence[Outcome], k: int) -> list[float]:
    """hit@1 .. hit@k over the answerable questions (empty when there are none)."""
    ranks = [o.rank for o in outcomes if o.answerable]
    return [hit_at(ranks, n) for n in range(1, k + 1)] if ranks else []


def by_kind(outcomes: Sequence[Outcome], k: int) -> dict[str, dict]:
    """``summarize`` for each question kind (kinds sorted; ``""`` shown as ``"(none)"``)."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.kind or "(none)", []).append(o)
    return {kind: summarize(groups[kind], k) for kind in sorted(groups)}


def tradeoff(outcomes: Sequence[Outcome], steps: int = 41) -> dict:
    """Abstention on unanswerable vs false abstention on answerable as the confidence threshold moves.

    At threshold t a question is abstained on when its confidence is below t (an abstention by rule
    has confidence 0, so it stays abstained). ``operating_point`` is what the run itself did.
    """
    ans = [o for o in outcomes if o.answerable]
    un = [o for o in outcomes if not o.answerable]
    if not ans or not un:
        return {}
    ts = [i / (steps - 1) for i in range(steps)]
    fa = [sum(o.confidence < t for o in ans) / len(ans) for t in ts]
    ab = [sum(o.confidence < t for o in un) / len(un) for t in ts]
    op = [sum(o.abstained for o in ans) / len(ans), sum(o.abstained for o in un) / len(un)]
    return {"thresholds": ts, "false_abstain": fa, "abstain": ab, "operating_point": op}
