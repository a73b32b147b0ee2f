"""Sentence boundaries with character offsets (rule-based: fast, deterministic, no model).

    >>> text = 'Putin said: “That’s why we came here.” U.S. officials said so. Mr. Kim left.'
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Putin said: “That’s why we came here.”', 'U.S. officials said so.', 'Mr. Kim left.']
    >>> text = 'Sales rose 2% to $11.1bn from $10.9bn. Its profits grew.'
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Sales rose 2% to $11.1bn from $10.9bn.', 'Its profits grew.']
"""

from __future__ import annotations

import re

# Words after which a period does not end a sentence.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "cmdr",
    "gov", "sen", "rep", "rev", "hon", "pres", "vs", "etc", "inc", "ltd", "co", "corp", "no", "nos",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
    "fig", "e.g", "i.e", "cf", "al", "vol", "ed", "dept", "univ", "assn", "bros", "ft", "km", "p", "pp",
}
_CANDIDATE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9\u00C0-\u024F])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # not "$10.9bn" or "42.7": a number ends a sentence


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences of ``text[start:end]`` (whitespace trimmed)."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    s = start
    for m in _CANDIDATE.finditer(text, start, end):
        if m.group(0)[0] == "." and not _is_boundary(text, s, m.start()):
            continue
        _push(text, s, m.end(), out)
        s = m.end()
    _push(text, s, end, out)
    return out


def _is_boundary(text: str, s: int, dot: int) -> bool:
    w = _WORD_BEFORE.search(text, s, dot)
    if not w:
        return True
    word = w.group(1)
    low = word.lower().rstrip(".")
    if low in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "A. R. Rahman"
        return False
    if _DOTTED.fullmatch(word.rstrip(".")):  # U.S. / U.N. / e.g.: letters with inner periods
        return False
    return True


def _push(text: str, s: int, e: int, out: list) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))
