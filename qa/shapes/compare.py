"""Compare A and B / which is bigger: a quote for each side with its value marked, and a verdict
line ("the UK: 3.1% vs the US economy: 4.4%") only when both values are quoted.

Each side is searched on its own too (the engine merges those passages in), so a side reported in
another article than the other is still found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..lexicon import MONTHS
from ..quotes import Candidate, sentence_terms
from ..spans import NUMBER
from ..text import terms
from .pool import Pool

_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_DATE_NEAR = re.compile(rf"\b(?:{MONTHS})\b")
_UNIT = re.compile(r"[%$£€¥]|per ?cent|percent|\b(?:bn|billion|million|m)\b", re.I)
VALUE_BONUS = 0.2  # a sentence holding a value for its side
TIME_BONUS = 0.1  # a sentence of the year or month the question names
SAME_SCALE = 0.15  # both values of one kind and size word ("2.4 billion" with "2.3 billion", not with "133m")
SAME_ARTICLE = 0.1  # both sides' values from one report
PAIR_TOP = 6  # the best few sentences of each side are paired
_GENERIC = frozenset(terms("economy economies firm company price prices profit profits sales figure the"))


@dataclass(frozen=True)
class Value:
    start: int  # offsets inside the candidate's text
    end: int
    text: str


def side_terms(side: str, other: str) -> set[str]:
    """The words that tell this side from the other ("UK" for "the UK" against "the US economy")."""
    own, theirs = set(terms(side)), set(terms(other))
    key = own - theirs - _GENERIC
    return key or (own - theirs) or own


def side_queries(question: str, sides: tuple[str, ...]) -> list[str]:
    """One query per side: the side with the question's other words (the dimension compared)."""
    a, b = sides
    rest = question
    for s in sides:
        rest = rest.replace(s, " ")
    rest = " ".join(w for w in re.findall(r"[\w'%-]+", rest)
                    if w.lower() not in ("or", "and", "than", "which", "is", "was", "are", "the", "compare", "vs"))
    return [f"{a} {rest}".strip(), f"{b} {rest}".strip()]


def values(text: str, nouns: frozenset = frozenset()) -> list[Value]:
    """Quantities in ``text`` (percentages and money first), years left out; a number word counts
    only before one of ``nouns`` (the thing the question counts: "seven nominations")."""
    out = []
    for m in NUMBER.finditer(text):
        t = m.group(0).strip()
        if not any(ch.isdigit() for ch in t):
            after = re.match(r"\s+(?:[\w-]+\s+)?([\w-]+)", text[m.end():])
            if not (nouns and after and set(terms(after.group(0))) & nouns):
                continue
        elif _YEAR.match(t) or _DATE_NEAR.search(text[max(0, m.start() - 10): m.end() + 10]) and t.isdigit():
            continue
        out.append(Value(m.start(), m.start() + len(m.group(0).rstrip()), t))
    united = [v for v in out if _UNIT.search(v.text)]
    return united or out


def unit(value: str) -> str:
    """The kind of a value: "percent", "money" or "count" (a verdict compares like with like)."""
    if re.search(r"%|per ?cent|percent", value, re.I):
        return "percent"
    return "money" if re.search(r"[$£€¥]", value) else "count"


_CLAUSE = re.compile(r"\b(?:and|while|whereas|but|compared with|against)\b|,\s")


def _anchors(text: str, key: set[str]) -> list[int]:
    return [m.start() for m in re.finditer(r"[^\W_]+", text) if _word_terms(m.group(0)) & key]


@lru_cache(maxsize=16384)
def _word_terms(word: str) -> frozenset:
    return frozenset(terms(word))


def _value_for(c: Candidate, key: set[str], other: set[str] = frozenset(), nouns: frozenset = frozenset(),
               currency: str = "", forecasts: bool = False) -> Value | None:
    """The value nearest to a word of ``key`` in the sentence, unless it stands nearer to a word of
    the other side (then it is theirs: "a second version ... will be sold for $599"). A forecast
    beside the figure ("less than the 47.3% forecast by analysts", "expectations of a 0.3% rise") is
    nobody's value unless the question asks for forecasts (``forecasts``)."""
    vals = values(c.text, nouns)
    if not forecasts:
        vals = [v for v in vals if not forecast(c.text, v)]
    anchors = _anchors(c.text, key)
    if not vals or not anchors:
        return None
    theirs = _anchors(c.text, set(other) - set(key)) if other else []

    def gap(v: Value, a: int) -> int:  # a value pairs with a word of its own clause, no other value between
        lo, hi = (v.end, a) if v.end <= a else (a, v.start)
        between = c.text[lo:hi]
        if ";" in between or any(lo <= w.start < hi for w in vals):
            return 10 ** 5
        if v.end <= a and _CLAUSE.search(between):
            return 10 ** 5  # "rose 0.8% in January and Nationwide ...": a new clause, another subject
        return abs(v.start - a)

    def dist(v: Value, at: list[int]) -> int:
        return min(gap(v, a) for a in at) if at else 10 ** 6

    paired = _respectively(c.text, vals, anchors, theirs)
    if paired is not None:
        return None if paired is UNPAIRED else paired
    mine = [v for v in vals if dist(v, anchors) < 10 ** 5 and dist(v, anchors) <= dist(v, theirs)]
    if not mine:
        return None
    mine.sort(key=lambda v: dist(v, anchors))
    if currency and any(_currency(v.text) == currency for v in mine):
        return next(v for v in mine if _currency(v.text) == currency)
    return mine[0]


_FORECAST_BEFORE = re.compile(r"(?<![\w-])(?:forecasts?|expectations?|predictions?|predicted|expected|consensus|estimates?)"
                              r"\s+(?:of|for|at)?\s*(?:a|an|about|around|some|just)?\s*$", re.I)
_FORECAST_AFTER = re.compile(r"^\s*(?:(?!(?:as|than)\b)[\w-]+\s+)?(?:forecasts?|predicted|expected)\b(?!\s+to\b)",
                             re.I)  # "the 47.3% forecast by", not "rose 5% as expected"
FORECAST_Q = re.compile(r"\b(?:forecasts?|predict\w*|expect\w*|projected|outlook|will|going to)\b", re.I)


def forecast(text: str, v: Value) -> bool:
    """``v`` is a forecast told beside the figure: "the 47.3% forecast by analysts", "economists'
    expectations of a 0.3% rise", "forecasts of 53.7"; not "grew by an estimated 3.1%" (an estimate of
    what happened) or "is expected to grow 2%" (the question may ask that: it is a clause of its own),
    nor a result measured against one: "a better-than-expected 8% jump", "rose 5% as expected"."""
    return bool(_FORECAST_BEFORE.search(text[max(0, v.start - 40): v.start])
                or _FORECAST_AFTER.match(text[v.end: v.end + 30]))


UNPAIRED = Value(-1, -1, "")  # a "respectively" list of three or more values: no value is surely this side's


def _respectively(text: str, vals: list[Value], mine: list[int], theirs: list[int]) -> Value | None:
    """ "Sales at GM and Ford fell 12.7% and 3% respectively": the sides named before the values pair
    with them in order (the nearest value is the other side's); ``UNPAIRED`` for a list of three or
    more values (which one is whose needs every side of the list); None when the sentence is not so."""
    m = re.search(r"\brespectively\b", text)
    if not m or not mine or not theirs:
        return None
    first_mine, first_theirs = min(mine), min(theirs)
    listed = [v for v in vals if max(first_mine, first_theirs) < v.start < m.start()]
    if len(listed) < 2:
        return None
    if len(listed) > 2:
        return UNPAIRED
    return listed[-2] if first_mine < first_theirs else listed[-1]


_SIZE = re.compile(r"\b(?:bn|billion|m|million|thousand|trillion|tn)\b", re.I)
_SIZE_WORD = {"bn": "billion", "m": "million", "tn": "trillion"}


def scale(value: str) -> tuple[str, str, str]:
    """A value's kind, currency and size word: ("count", "", "billion") for "2.4 billion",
    ("money", "$", "million") for "$12.2m"; two values compare like with like when these match."""
    m = _SIZE.search(value)
    size = _SIZE_WORD.get(m.group(0).lower(), m.group(0).lower()) if m else ""
    return unit(value), _currency(value), size


def _currency(value: str) -> str:
    m = re.search(r"[$£€¥]|\byen\b|\beuros?\b", value, re.I)
    return m.group(0).lower() if m else ""


_TIME = re.compile(rf"\b(?:(?:19|20)\d{{2}}|{MONTHS})\b")


def time_words(question: str, sides: tuple[str, ...]) -> set[str]:
    """Years and months the question names outside its two sides ("in 2004" of "Which grew faster in
    2004, the UK or the US economy?"): the sentences of that time are the ones compared."""
    rest = question
    for s in sides:
        rest = rest.replace(s, " ")
    return {m.group(0).lower() for m in _TIME.finditer(rest)}


def choose_compare(pool: Pool, sides: tuple[str, ...]) -> tuple[list[Candidate], str, dict, tuple]:
    """A quote per side (the same quote when one sentence holds both), the verdict ("" unless both
    values are found, comparable), the marks ((doc_id, start) -> document offsets of the value) and
    the two values' places ((doc_id, start, end) each: the verdict is shown only if both are quoted)."""
    a, b = sides
    keys = (side_terms(a, b), side_terms(b, a))
    nouns = frozenset(terms(pool.question)) - keys[0] - keys[1]
    when = time_words(pool.question, sides)
    forecasts = bool(FORECAST_Q.search(pool.question))  # "Which is forecast to grow faster ...?" reads them
    ranked = []
    for key, other in (keys, keys[::-1]):
        side = []
        for c in pool.scored[:30]:
            if not sentence_terms(c.text) & key:
                continue
            v = _value_for(c, key, other, nouns, forecasts=forecasts)
            in_time = bool(when) and bool(when & {w.lower() for w in _TIME.findall(c.text)})
            side.append((c.score + (VALUE_BONUS if v else 0.0) + (TIME_BONUS if in_time else 0.0), c, v))
        ranked.append(sorted(side, key=lambda x: -x[0])[:PAIR_TOP])
    picked = _best_pair(*ranked)
    (ca, va), (cb, vb) = picked
    if va is not None and vb is not None and _currency(va.text) != _currency(vb.text):
        vb = _value_for(cb, keys[1], keys[0], nouns, currency=_currency(va.text), forecasts=forecasts) or vb  # "$188 vs $150", not "$188 vs £78"
        picked[1] = (cb, vb)
    chosen: list[Candidate] = []
    marks: dict = {}
    for c, v in picked:
        if c is None:
            continue
        if c not in chosen:
            chosen.append(c)
        if v is not None:
            marks.setdefault((c.hit.passage.doc_id, c.start), (c.start + v.start, c.start + v.end))
    verdict = ""
    if va is not None and vb is not None and not (ca is cb and va == vb) and comparable(va.text, vb.text):
        verdict = f"{a}: {va.text} vs {b}: {vb.text}"
    return chosen, verdict, marks, tuple(_doc_span(c, v) for c, v in picked if c is not None and v is not None)


def comparable(x: str, y: str) -> bool:
    """Two values a verdict may set side by side: one kind (percent, money, count) and, for money,
    one currency ("$188 vs $150"; never "$188 vs £78")."""
    return unit(x) == unit(y) and _currency(x) == _currency(y)


def _doc_span(c: Candidate, v: Value) -> tuple[str, int, int]:
    """Where a compared value stands in its document: (doc_id, start, end)."""
    return c.hit.passage.doc_id, c.start + v.start, c.start + v.end


def verdict_shown(verdict: str, values: tuple, citations: list) -> str:
    """The verdict when both compared values stand inside the shown (checked) quotes, else ""."""
    def inside(doc_id: str, s: int, e: int) -> bool:
        return any(c.doc_id == doc_id and c.start <= s < e <= c.end for c in citations)

    return verdict if verdict and len(values) == 2 and all(inside(*v) for v in values) else ""


def _best_pair(side_a: list, side_b: list) -> list[tuple]:
    """The quote of each side, best together: one report giving both sides counts more
    (SAME_ARTICLE), and so does a value for each."""
    if not side_a or not side_b:
        return [(x[0][1], x[0][2]) if x else (None, None) for x in (side_a, side_b)]
    def together(ca, va, cb, vb) -> float:
        if not (va and vb):
            return 0.0
        return ((SAME_ARTICLE if ca.hit.passage.doc_id == cb.hit.passage.doc_id else 0.0)
                + (SAME_SCALE if scale(va.text) == scale(vb.text) else 0.0))

    best = max(((ra + rb + together(ca, va, cb, vb), (ca, va), (cb, vb))
                for ra, ca, va in side_a for rb, cb, vb in side_b), key=lambda x: x[0])
    return [best[1], best[2]]


def apply_marks(citations: list, marks: dict) -> list:
    """Citations with a compared value marked as their short answer (a mark inside the quote)."""
    from dataclasses import replace

    if not marks:
        return citations
    out = []
    for c in citations:
        span = next(((s, e) for (doc, _), (s, e) in marks.items() if doc == c.doc_id and c.start <= s < e <= c.end), None)
        if span:
            c = replace(c, answer_span=span, answer_text=c.quote[span[0] - c.start : span[1] - c.start])
        out.append(c)
    return out
