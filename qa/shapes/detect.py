"""Which kind of question this is, by rules on its wording (no model).

    >>> detect("Who is David Blunkett?").kind, detect("Who is David Blunkett?").subject
    ('who_is', 'David Blunkett')
    >>> detect("Is the Sony PSP more expensive than the Nintendo DS?").sides
    ('the Sony PSP', 'the Nintendo DS')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("fact", "who_is", "why", "overview", "compare", "list")
MAX_SHAPED_CHARS = 300


@dataclass(frozen=True)
class Shape:
    kind: str  # one of KINDS
    subject: str = ""  # who_is: X; overview: the topic
    sides: tuple[str, ...] = ()  # compare: the two things compared


_WHO_IS = re.compile(r"^(?:(?i:who|what)\s+(?i:is|was|are|were)\s+|(?i:who|what)['\u2019]s\s+)"
                     r"(?!the\b|a\b|an\b|it\b|this\b|that\b|there\b)"
                     r"([A-Z0-9][\w'\u2019.&-]*(?:\s+[A-Z0-9][\w'\u2019.&-]*)*)\s*\??$")
_WHO_IS_TELL = re.compile(r"^tell me who\s+(.+?)\s+(?:is|was)\??$", re.I)
_WHY = re.compile(r"^(?:why\b|how come\b|what (?:was|is|were|are) the reasons?\b|for what reason\b|"
                  r"what (?:caused|led to|prompted)\b|what (?:are|were) the (?:main )?reasons\b)", re.I)
_OVERVIEW = re.compile(r"^(?:what\s+(?:has\s+)?happened(?:\s+(?:to|at|in|with|on))?|tell me (?:more\s+)?about|"
                       r"what(?:'s|\s+is)\s+(?:the story|going on|the latest news)(?:\s+(?:with|about|on|at|in))?|"
                       r"what(?:'s|\s+is)\s+the latest (?:on|with|about)|"
                       r"give me an? (?:overview|summary|brief) of|summari[sz]e|overview of|"
                       r"what do (?:we|you) know about)\s+(.+?)\??$", re.I)
_COMPARATIVE = (r"more|less|bigger|smaller|higher|lower|faster|slower|cheaper|dearer|larger|better|worse|"
                r"greater|longer|shorter|older|younger|more expensive|less expensive|richer|stronger|weaker")
_COMPARE_THAN = re.compile(rf"^(?:is|was|are|were|did|does|do|has|have|will)\s+(.+?)\s+(?:{_COMPARATIVE})"
                           rf"(?:\s+\w+)?\s+than\s+(.+?)\??$", re.I)
_COMPARE_OR = re.compile(rf"^(?:which|who|what)\b.*?\b(?:{_COMPARATIVE}|most|least)\b.*?,?\s+(.+?)\s+or\s+(.+?)\??$", re.I)
# "How does X compare with Y?": the verb before "with" is no part of the first side ("Sony's PSP compare")
_COMPARE_AND = re.compile(r"^(?:compare|how do(?:es)?|what is the difference between|difference between)\s+(.+?)\s+"
                          r"(?:compared?\s+|stacks?\s+up\s+)?(?:and|with|to|versus|vs\.?|against)\s+(.+?)"
                          r"(?:\s+compare)?\??$", re.I)
_AUX = r"(?:is|was|are|were|do|does|did|has|have|had|will|can|could|would|should)\b"
_LIST = re.compile(r"^(?:(?i:in|on|at|for|from|to|of|with|against)\s+)?(?:(?i:which|what)\s+(?!" + _AUX + r")"
                   r"(?:(?:[a-z]+\s+)?(?P<noun>[a-z]+s)\b(?<!ss)|(?:[\w'-]+\s+){1,3}?(?P<noun2>[a-z]+s)\b(?<!ss)(?=\s+"
                   + _AUX + r"|\s+\w+ed\b))|"
                   r"(?i:name) (?:the|all|some)\b|(?i:list) (?:the|all)\b|(?i:who|what) (?:are|were) the\b|"
                   r"(?i:who) (?:is|are|was|were) (?:up for|nominated|shortlisted|in the running))")
_NOT_PLURAL = frozenset("is was does has its this us news series species means politics economics analysis "
                        "process status success loss crisis business".split())


def detect(question: str) -> Shape:
    """The shape of ``question``: who_is, why, overview, compare, list, or fact (the default)."""
    q = " ".join(question.split()).strip()
    if len(q) > MAX_SHAPED_CHARS:
        return Shape("fact")  # no shape question is this long; the rules stay linear in practice
    m = _WHO_IS.match(q) or _WHO_IS_TELL.match(q)
    if m:
        return Shape("who_is", subject=m.group(1).strip(" ?"))
    if _WHY.match(q):
        return Shape("why")
    for rx in (_COMPARE_THAN, _COMPARE_OR, _COMPARE_AND):
        m = rx.match(q)
        if m:
            a, b = (s.strip(" ,?") for s in m.groups()[-2:])
            a = _drop_verb(a) if rx is _COMPARE_THAN and re.match(r"(?:do|does|did)\b", q, re.I) else a
            if a and b and a.lower() != b.lower():
                return Shape("compare", sides=(_trim_side(a), _trim_side(b)))
    if _YES_NO_COMPARE.match(q) and (" or " in q or " than " in q):
        sides = or_pair(q) if " or " in q else than_pair(q)
        if sides:
            return Shape("compare", sides=sides)
    m = _OVERVIEW.match(q)
    if m:
        return Shape("overview", subject=m.group(1).strip())
    m = _LIST.match(q)
    if m and (m.group("noun") or m.group("noun2") or "").lower() not in _NOT_PLURAL:
        return Shape("list")
    return Shape("fact")


_YES_NO_COMPARE = re.compile(rf"^(?:(?:[^,]+,\s*)?(?:is|was|are|were|did|does|do|has|have|will)\b.*\b"
                             rf"(?:{_COMPARATIVE}|more|fewer)\b)", re.I)
_STOP = frozenset("in at on for from to of with by during this last the a an".split())
_PREP = frozenset("in at on for from to with by during".split())
_HALT = frozenset(f"{_COMPARATIVE}|fewer|sell|earn|win|sent|rise|grow|than|is|was|did|does|get|have|has".split("|"))


_THAN_PAIR = re.compile(rf"\b(?:{_COMPARATIVE}|fewer)\s+(?:\w+\s+)?(?P<a>(?P<prep>in|at|on|for|from|during|by|with)\s+.+?)"
                        r"\s+than\s+(?P<b>(?P=prep)\s+.+?)\??$", re.I)


def than_pair(q: str) -> tuple[str, str] | None:
    """Two phrases of one preposition around "than": "Did Shark Tale take more in its first week
    on DVD than in its opening week at the US box office?" -> ("in its first week on DVD", "in its
    opening week at the US box office"); "Did X grow faster in 2004 than in 2003?"."""
    m = _THAN_PAIR.search(q)
    return (m.group("a"), m.group("b")) if m else None


def or_pair(q: str) -> tuple[str, str] | None:
    """ "...higher in Wales or in Scotland in the figures?" -> ("in Wales", "in Scotland")."""
    left_words, right_words = q[: q.index(" or ")].split(), q[q.index(" or ") + 4:].rstrip(" ?").split()
    left: list[str] = []
    for w in reversed(left_words):
        if w.lower() in _HALT or w.endswith(",") or len(left) >= 4:
            break
        left.insert(0, w)
        if w.lower() in _PREP:
            break
    right: list[str] = []
    for i, w in enumerate(right_words):
        if (i > 0 and w.lower() in _PREP) or len(right) >= 4 or w.lower() in ("this", "according"):
            break
        right.append(w)
    a, b = " ".join(left).strip(" ,"), " ".join(right).strip(" ,")
    return (a, b) if a and b and a.lower() != b.lower() else None


_VERBS = frozenset("cost costs sell sells sold earn earns earned grow grows grew rise rises rose score scores scored "
                   "win wins won make makes made take takes took spend spends spent pay pays paid get gets got "
                   "weigh weighs attract attracts attracted draw draws drew".split())


def _drop_verb(side: str) -> str:
    """ "the Sony PSP cost" (of "Does the Sony PSP cost more than ...") -> "the Sony PSP"."""
    words = side.split()
    if len(words) < 2 or words[-1].lower() not in _VERBS or re.search(r"(?:['\u2019]s|s['\u2019])$", words[-2]):
        return side  # "nurses' pay" is a side, not "nurses'" and a verb
    return " ".join(words[:-1])


def _trim_side(side: str) -> str:
    """ "2004, the UK" -> "the UK": a side is the last comma-separated part."""
    return side.split(",")[-1].strip()
