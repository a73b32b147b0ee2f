"""Who is / what is X: the sentences that say what X is, best-described first.

A description is an appositive ("Mr Blunkett, the home secretary,"), a copula ("Yukos is Russia's
biggest oil firm"), a role before the name ("Home Secretary David Blunkett", "UKIP MEP Robert
Kilroy-Silk") or a headline with X as its subject ("Kilroy-Silk quits as UKIP member").
"""

from __future__ import annotations

import re

from ..quotes import Candidate
from .pool import Pool, near_duplicate

ROLE_WORDS = ("secretary minister leader chief chairman chairwoman president executive boss star singer actor actress "
              "director coach manager player champion mp mep founder head spokesman spokeswoman chancellor governor "
              "member presenter writer author firm company group giant maker band rapper captain striker winger "
              "editor analyst economist owner officer judge ambassador commissioner producer frontman designer").split()
_ROLE = "|".join(ROLE_WORDS)
MAX_QUOTES = 2
BONUS = {"appositive": 0.30, "copula": 0.25, "role": 0.20, "headline": 0.15}


def _name_forms(subject: str) -> list[str]:
    """ "David Blunkett" -> ["David Blunkett", "Mr Blunkett", "Blunkett"]; one word stays as is."""
    parts = subject.split()
    forms = [subject]
    if len(parts) > 1:
        forms += [f"{t} {parts[-1]}" for t in ("Mr", "Mrs", "Ms", "Dr")] + [parts[-1]]
    return forms


def description(subject: str, sentence: str, headline: bool = False) -> str:
    """How ``sentence`` describes ``subject``: "appositive", "copula", "role", "headline" or ""."""
    for form in _name_forms(subject):
        f = re.escape(form)
        if not re.search(rf"\b{f}\b", sentence):
            continue
        if re.search(rf"\b{f}(?:\u2019s|'s)?,\s+(?:the|a|an|who|former|now|[\w-]+\s+(?:{_ROLE}))\b", sentence, re.I):
            return "appositive"
        if re.search(rf"\b{f}\s+(?:is|was|has been|became|remains|, who is)\s+(?:the|a|an|now|one|still|Britain|Russia|[A-Z])",
                     sentence):
            return "copula"
        if re.search(rf"\b(?:{_ROLE})s?\s+(?-i:[A-Z][\w'-]*\s+)?{f}\b", sentence, re.I):
            return "role"
        if headline and re.match(rf"^{f}\s+(?:quits|resigns|named|appointed|becomes|elected|steps down|to (?:quit|lead|head|join)|"
                                 rf"joins|leaves|sacked|made|set to (?:lead|quit|head|join))\b", sentence, re.I):
            return "headline"
    return ""


def choose_who_is(pool: Pool, subject: str) -> list[Candidate]:
    """Describing sentences of ``subject`` first (by kind of description, then score); [] if none."""
    cands = list(pool.scored) + pool.titles()
    ranked = []
    for c in cands:
        kind = description(subject, c.text, headline=c.hit.passage.kind == "headline")
        if kind:
            ranked.append((c.score + BONUS[kind], c))
    ranked.sort(key=lambda t: -t[0])
    out: list[Candidate] = []
    for _, c in ranked:
        if any(near_duplicate(c.text, o.text) or o.text == c.text for o in out):
            continue
        out.append(c)
        if len(out) >= MAX_QUOTES:
            break
    return out
