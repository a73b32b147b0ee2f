"""Multiple-choice questions, as news quizzes ask them: the choices are answers to pick from, not
words the answer must hold.

    >>> c = split_choices("Which firm bought IBM's PC unit: Lenovo, Dell or Acer?")
    >>> c.stem, c.options
    ("Which firm bought IBM's PC unit?", ('Lenovo', 'Dell', 'Acer'))
    >>> split_choices("Which firm bought IBM's PC unit? Was it Lenovo or Dell?").options
    ('Lenovo', 'Dell')
    >>> split_choices("Did Blair or Brown speak first?") is None
    True

The engine searches with the whole question (a passage naming the right choice beside the stem's
words ranks high), but reads the answer against the stem alone: a choice is no word the quote must
hold (a made-up distractor is no "term no article mentions"), and the short answer may be a choice
although the question holds it. Then ``pick`` ties the answer to the choices:

- the stem's short answer is one of the choices: that choice is marked (two readings agree);
- a sure answer with no mark whose first quote names exactly one choice: that one is marked;
- quotes that name none of the choices: unsure, saying so (they do not answer the question asked);
- quotes that name several, none marked: no mark (the reader picks; nothing bold to mislead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .explain import NOT_CLEAR
from .lexicon import NAME_TITLES, ROLE_WORDS
from .types import Answer, Citation

MAX_OPTIONS = 6
MAX_OPTION_WORDS = 6
MAX_OPTION_CHARS = 60
MIN_STEM_WORDS = 3

# The stem, a separator (":", "?", a dash; a comma only before capitalised choices), an optional
# "was it" / "is it", then the choices ("A, B or C"; labels "a)", "(b)", "C." dropped).
_SPLIT = re.compile(r"^(?P<stem>.+?)(?P<sep>\?|:|\s[-\u2013\u2014]|,)\s*(?:(?i:was|is|were|are|did|does|do) (?i:it|they)\s+)?"
                    r"(?P<opts>[^?:]+?)\s*\??$")
_LABEL = re.compile(r"^(?:\(?[a-dA-D][).:]|\([a-dA-D]\))\s+")
_LAST_OR = re.compile(r",?\s+(?:or|OR)\s+")
_VERB_LIKE = re.compile(r"\b(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|said|says)\b", re.I)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


@dataclass(frozen=True)
class Choice:
    stem: str  # the question without its choices, ending in "?"
    options: tuple[str, ...]  # the choices, as written (labels and a final "?" dropped)


def split_choices(question: str) -> Choice | None:
    """The stem and the choices of a multiple-choice question, or None for any other question."""
    m = _SPLIT.match(" ".join(question.split()))  # the first separator after which only choices follow
    if not m:
        return None
    stem, options = m.group("stem").strip(), _options(m.group("opts"))
    if not options or len(stem.split()) < MIN_STEM_WORDS:
        return None
    if m.group("sep") == "," and not all(_capitalised(o) for o in options):
        return None  # "What did the chancellor, Gordon Brown, say about tax or spending?"
    return Choice(stem.rstrip(" ,;:-\u2013\u2014") + "?", options)


def _options(text: str) -> tuple[str, ...]:
    parts = _LAST_OR.split(text.strip())
    if len(parts) != 2:
        return ()  # exactly one "or": "A, B or C"
    options = [p.strip() for p in parts[0].split(",")] + [parts[1].strip()]
    options = [_LABEL.sub("", o).strip(" .;") for o in options]
    if not 2 <= len(options) <= MAX_OPTIONS:
        return ()
    for o in options:
        if not o or len(o.split()) > MAX_OPTION_WORDS or len(o) > MAX_OPTION_CHARS or _VERB_LIKE.search(o):
            return ()
    if len({o.lower() for o in options}) != len(options):
        return ()
    return tuple(options)


def _capitalised(option: str) -> bool:
    c = option[0]
    return c.isupper() or c.isdigit() or c in "$\u00a3\u20ac"


def _find(quote: str, option: str) -> tuple[int, int] | None:
    """Where ``option`` stands in ``quote`` as whole words, case ignored ("the" before it optional),
    or a person's surname alone ("Professor Etzioni" for "Amitai Etzioni": a news story names a
    person in full once, then by surname)."""
    for form in dict.fromkeys((option, _ARTICLE.sub("", option))):
        m = re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", quote, re.I)
        if m:
            return m.start(), m.end()
    words = option.split()
    if len(words) == 2 and all(w[:1].isupper() and w[1:].islower() and len(w) > 2 for w in words):
        for m in re.finditer(r"(?<!\w)" + re.escape(words[-1]) + r"(?!\w)", quote):  # in its capitals
            before = re.findall(r"[\w'\u2019]+", quote[:m.start()])[-1:]
            after = quote[m.end():].lstrip()
            titled = before and (before[0].lower() in NAME_TITLES or before[0].lower() in ROLE_WORDS)  # "Professor Etzioni"
            if before and (before[0] in ("the", "The") or before[0][:1].isupper() and not titled):
                continue  # "Riggs Bank", "the Bank": part of another name, or a thing
            if after[:1].isupper():
                continue
            return m.start(), m.end()
    return None



def named(citations: tuple[Citation, ...] | list[Citation], options: tuple[str, ...]) -> dict[str, tuple[int, int, int]]:
    """Each choice some quote names: choice -> (quote index, start, end in the quote), first place."""
    out: dict[str, tuple[int, int, int]] = {}
    for i, c in enumerate(citations):
        for o in options:
            if o not in out:
                at = _find(c.quote, o)
                if at:
                    out[o] = (i, *at)
    return out


CHOICE_RATIO = 0.6  # a sentence naming a choice may lead when it scores this close to the best (slot_choice's level-2 ratio)
CHOICE_DEPTH = 20  # how many of the best sentences are read for one


def naming_first(scored: list, picked: list, options: tuple[str, ...], max_sentences: int = 2) -> list:
    """``picked`` (the stem's quotes) led by the best close sentence that names exactly one of the
    choices, when none of ``picked`` names any. A quiz's stem restates the story's opening ("A US bank
    has said it will donate more than $8m to victims of ... Pinochet's regime"), and that sentence
    scores best while the one that names the bank (a choice) comes a little lower: the choices say
    what the answer sentence must hold. ``scored`` is best first (``quotes.Candidate`` values)."""
    if not picked or not scored or any(_find(c.text, o) for c in picked for o in options):
        return picked
    best = scored[0].score
    for c in scored[:CHOICE_DEPTH]:
        if c.score < CHOICE_RATIO * best:
            break
        if sum(1 for o in options if _find(c.text, o)) == 1:
            return ([c] + [p for p in picked if p.text != c.text])[:max_sentences]
    return picked


def _marked_choice(citations, options: tuple[str, ...]) -> tuple[str, int, tuple[int, int]] | None:
    """The choice the stem's own short answer is (or holds, or sits inside), with where to mark it."""
    for i, c in enumerate(citations):
        if not c.answer_span:
            continue
        mark = c.answer_text.lower()
        for o in options:
            bare = _ARTICLE.sub("", o).lower()
            if bare and (bare in mark or mark in o.lower()):
                at = _find(c.quote, o)
                if at:
                    return o, i, at
    return None


def _mark_only(citations, i: int, at: tuple[int, int]) -> tuple[Citation, ...]:
    out = []
    for j, c in enumerate(citations):
        if j == i:
            out.append(replace(c, answer_span=(c.start + at[0], c.start + at[1]), answer_text=c.quote[at[0]:at[1]]))
        else:
            out.append(replace(c, answer_span=None, answer_text=""))
    return tuple(out)


def pick(answer: Answer, choice: Choice) -> Answer:
    """``answer`` (to the stem) tied to the choices, as the module says; its signals gain ``choice``."""
    found = named(answer.citations, choice.options)
    info = {"options": list(choice.options), "named": [o for o in choice.options if o in found], "picked": ""}
    if answer.abstained or not answer.citations:
        return replace(answer, signals={**answer.signals, "choice": info})
    citations = answer.citations
    hit = _marked_choice(citations, choice.options)
    state, reason = answer.state, answer.abstain_reason
    if hit:
        citations = _mark_only(citations, hit[1], hit[2])
        info["picked"] = hit[0]
    elif state == "answered" and len(lead := named(citations[:1], choice.options)) == 1:
        (o, (i, s, e)), = lead.items()
        citations = _mark_only(citations, i, (s, e))
        info["picked"] = o
    else:
        citations = tuple(replace(c, answer_span=None, answer_text="") for c in citations)
        if not found:
            state, reason = "unsure", {"code": NOT_CLEAR, "terms": list(choice.options),
                                       "text": "the closest passages name none of the choices ("
                                               + ", ".join(choice.options) + ")"}
    return replace(answer, citations=citations, answer_state=state, abstain_reason=reason,
                   signals={**answer.signals, "choice": info})
