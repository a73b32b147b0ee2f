"""Compare A and B / which is bigger: a quote for each side with its value marked, and a verdict
line ("the UK: 3.1% vs the US economy: 4.4%") only when both values are quoted.

Each side is searched on its own too (the engine merges those passages in), so a side reported in
another article than the other is still found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..quotes import Candidate
from ..spans import NUMBER
from ..text import terms
from .pool import Pool

_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_DATE_NEAR = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_UNIT = re.compile(r"[%$£€¥]|per ?cent|percent|\b(?:bn|billion|million|m)\b", re.I)
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


def values(text: str) -> list[Value]:
    """Quantities in ``text`` (percentages and money first), years and bare number words left out."""
    out = []
    for m in NUMBER.finditer(text):
        t = m.group(0).strip()
        if not any(ch.isdigit() for ch in t) or _YEAR.match(t) or _DATE_NEAR.search(text[max(0, m.start() - 10): m.end() + 10]) and t.isdigit():
            continue
        out.append(Value(m.start(), m.start() + len(m.group(0).rstrip()), t))
    united = [v for v in out if _UNIT.search(v.text)]
    return united or out


def unit(value: str) -> str:
    """The kind of a value: "percent", "money" or "count" (a verdict compares like with like)."""
    if re.search(r"%|per ?cent|percent", value, re.I):
        return "percent"
    return "money" if re.search(r"[$£€¥]", value) else "count"


def _value_for(c: Candidate, key: set[str]) -> Value | None:
    """The value nearest to a word of ``key`` in the sentence."""
    vals = values(c.text)
    if not vals:
        return None
    anchors = [m.start() for m in re.finditer(r"[^\W_]+", c.text) if set(terms(m.group(0))) & key]
    if not anchors:
        return None
    return min(vals, key=lambda v: min(abs(v.start - a) for a in anchors))


def choose_compare(pool: Pool, sides: tuple[str, ...]) -> tuple[list[Candidate], str, dict]:
    """A quote per side (the same quote when one sentence holds both), the verdict ("" unless both
    values are quoted) and the marks: (doc_id, start) -> document offsets of the value."""
    a, b = sides
    keys = (side_terms(a, b), side_terms(b, a))
    picked: list[tuple[Candidate, Value | None]] = []
    for key in keys:
        best = None
        for c in pool.scored[:30]:
            st = set(terms(c.text))
            if not st & key:
                continue
            v = _value_for(c, key)
            rank = c.score + (0.2 if v else 0.0)
            if best is None or rank > best[0]:
                best = (rank, c, v)
        picked.append((best[1], best[2]) if best else (None, None))
    chosen: list[Candidate] = []
    marks: dict = {}
    for c, v in picked:
        if c is None:
            continue
        if c not in chosen:
            chosen.append(c)
        if v is not None:
            marks.setdefault((c.hit.passage.doc_id, c.start), (c.start + v.start, c.start + v.end))
    (ca, va), (cb, vb) = picked
    verdict = ""
    if va is not None and vb is not None and not (ca is cb and va == vb) and unit(va.text) == unit(vb.text):
        verdict = f"{a}: {va.text} vs {b}: {vb.text}"
    return chosen, verdict, marks


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
