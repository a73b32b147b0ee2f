"""Who is / what is X: the sentences that say what X is, best-described first.

A description is an appositive ("Mr Blunkett, the home secretary,"), a copula ("Yukos is Russia's
biggest oil firm"), a role before the name ("Home Secretary David Blunkett", "UKIP MEP Robert
Kilroy-Silk") or a headline with X as its subject ("Kilroy-Silk quits as UKIP member").
"""

from __future__ import annotations

import re

from ..lexicon import DESCRIPTION_WORDS
from ..quotes import Candidate
from .pool import Pool, near_duplicate

ROLE_WORDS = tuple(sorted(DESCRIPTION_WORDS, key=lambda w: (-len(w), w)))  # longest first in the regex
_ROLE = "|".join(ROLE_WORDS)
MAX_QUOTES = 2
BONUS = {"appositive": 0.30, "copula": 0.25, "role": 0.20, "headline": 0.15, "lead": 0.15}


def _name_forms(subject: str) -> list[str]:
    """ "David Blunkett" -> ["David Blunkett", "Mr Blunkett", "Blunkett"]; one word stays as is."""
    parts = subject.split()
    forms = [subject]
    if len(parts) > 1:
        forms += [f"{t} {parts[-1]}" for t in ("Mr", "Mrs", "Ms", "Dr")] + [parts[-1]]
    return forms


_WHO_VERB = ("is|was|has been|had been|became|heads|headed|runs|ran|leads|led|founded|owns|chairs|coaches|manages|"
             "plays|played|stars|starred|represents|won|has won").replace(" ", r"\s+")
_ROLE_VERB = "heads|headed|leads|led|founded|runs|ran|owns|chairs|chaired|coaches|manages|managed|represents"
_HEADLINE_VERB = ("quits|resigns|named|appointed|becomes|elected|steps down|to (?:quit|lead|head|join)|joins|leaves|"
                  "sacked|made|set to (?:lead|quit|head|join)")
# "{f}" is the name as matched; each pattern is (kind, template, case-insensitive)
_PATTERNS = (
    ("appositive", r"\b{f}(?:\u2019s|'s)?,\s+(?:the|a|an|former|now|once|formerly|(?:best\s+)?known|who\s+(?:" + _WHO_VERB
     + r")|(?:[\w'\u2019-]+\s+){{0,3}}(?:" + _ROLE + r")s?)\b", True),  # "Mr Blunkett, the home secretary,"
    ("appositive", r"\b{f}\s+[-\u2013\u2014]\s+(?:the|a|an|who|former|now|once)\b", True),  # "X - who has resigned as ... -"
    ("appositive", r"^(?:once|formerly|previously)?\s*(?:the|a|an)\b[^,]{{0,50}}\b(?:" + _ROLE + r"|man|woman)s?\b[^,]{{0,30}},"
     r"\s+(?:(?:Mr|Mrs|Ms|Dr)\s+)?{f}\b", True),  # "Once the country's richest man, Mr Khodorkovsky is ..."
    ("copula", r"\b{f}\s+(?:is|was|has been|became|remains|, who is)\s+(?:(?:the|a|an|now|one|still)\b|[A-Z])", False),
    ("copula", r"\b{f}\s+(?:" + _ROLE_VERB + r")\s+(?:the|a|an|[A-Z])", False),  # "Mr Lebedev headed the Menatep group"
    ("role", r"\b(?:" + _ROLE + r")s?\s+(?-i:[A-Z][\w'-]*\s+)?{f}\b", True),  # "Home Secretary David Blunkett"
)
_HEADLINE = r"^{f}\s+(?:" + _HEADLINE_VERB + r")\b"  # "Kilroy-Silk quits as UKIP member"


def description(subject: str, sentence: str, headline: bool = False, full_name: bool = False) -> str:
    """How ``sentence`` describes ``subject``: "appositive", "copula", "role", "headline" or "".
    ``full_name``: only the subject as asked counts ("Mario Paniccia", not "Mr Paniccia")."""
    for form in _name_forms(subject)[:1] if full_name else _name_forms(subject):
        f = re.escape(form)
        if not re.search(rf"\b{f}\b", sentence):
            continue
        for kind, template, nocase in _PATTERNS:
            if re.search(template.format(f=f), sentence, re.I if nocase else 0):
                return kind
        if headline and re.match(_HEADLINE.format(f=f), sentence, re.I):
            return "headline"
    return ""


ARTICLES = 2  # the first few articles naming the subject in full are read whole for descriptions


def _named_in_full(pool: Pool, subject: str) -> list[str]:
    """The articles among the candidates' that name ``subject`` in full, best first."""
    docs = dict.fromkeys(c.hit.passage.doc_id for c in pool.scored)
    rx = re.compile(rf"\b{re.escape(subject)}\b")
    return [d for d in docs if rx.search(pool.snapshot.document_text(d))]


def _described(pool: Pool, subject: str, whole: bool = True) -> list[tuple[float, Candidate]]:
    """(score with the description's bonus, candidate) of every describing sentence: the top
    passages' sentences, their headlines and (``whole``) every sentence of the articles naming the
    subject in full."""
    full = _named_in_full(pool, subject)[:ARTICLES] if whole else []
    seen: set = set()
    out = []
    for c in list(pool.scored) + pool.titles() + [c for d in full for c in pool.article(d)]:
        key = (c.hit.passage.doc_id, c.start)
        if key in seen:
            continue
        seen.add(key)
        kind = description(subject, c.text, headline=c.hit.passage.kind == "headline")
        if kind:
            out.append((c.score + BONUS[kind], c))
    out += [(c.score + BONUS["lead"], c) for d in full for c in _lead_description(pool.article(d), subject)]
    return sorted(out, key=lambda t: -t[0])


def _lead_description(sents: list[Candidate], subject: str) -> list[Candidate]:
    """The lead of an article that introduces the subject before naming it: "A close associate of
    former Yukos boss Mikhail Khodorkovsky has told a court ..." followed by "Platon Lebedev has ..."."""
    if len(sents) < 2 or not re.match(rf"{re.escape(subject)}\b", sents[1].text):
        return []
    lead = sents[0].text
    return [sents[0]] if re.match(rf"(?:A|An|The)\s+(?:[\w'\u2019-]+\s+){{0,5}}?(?:{_ROLE})s?\b", lead) else []


def choose_who_is(pool: Pool, subject: str) -> list[Candidate]:
    """Describing sentences of ``subject`` first (by kind of description, then score); [] if none."""
    out: list[Candidate] = []
    for _, c in _described(pool, subject, whole=False) + _described(pool, subject):
        if any(near_duplicate(c.text, o.text) or o.text == c.text for o in out):
            continue
        out.append(c)
        if len(out) >= MAX_QUOTES:
            break
    return out


def stated(pool: Pool, subject: str) -> bool:
    """Some sentence of an article naming ``subject`` in full describes it (a multi-word name, so
    that a surname alone does not stand for someone else)."""
    if len(subject.split()) < 2:
        return False
    full = set(_named_in_full(pool, subject))
    return any(c.hit.passage.doc_id in full for _, c in _described(pool, subject))
