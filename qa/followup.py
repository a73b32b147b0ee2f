"""Follow-up questions resolved with the earlier turns, without a language model.

A question is read as a follow-up only when it cannot stand alone:

- a pronoun (he, she, his, their, it...) with no antecedent in the question itself ("Why did he
  resign?"), the question naming no subject of its own;
- an ellipsis ("And the second quarter?", "What about Kim?"), which re-asks the previous question
  about the new thing;
- "the second one" / "the third" (no noun after it), pointing at an item of the previous answer.

A question that names its own subject (a proper name, or a noun before the pronoun: "Did Blunkett
say he would go?") is never rewritten. Where the reading is uncertain ("it", a demonstrative, with
some topic words of the question's own) the result is marked ``unsure``: the engine then searches
both readings and keeps the rewritten one only if its evidence is clearly better.

    >>> resolve_followup("Why did he resign?", ["Who is David Blunkett?"]).query
    'Why did David Blunkett resign?'
    >>> resolve_followup("How fast did the US economy grow in the third quarter?", ["Who won the Whitbread prize?"]).rewritten
    False
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from .asked import asked_kind
from .lexicon import ROLE_WORDS, SAYING_VERBS, is_nationality
from .slot_choice import slot_filler
from .spans import NAME, NOT_PEOPLE
from .text import QUESTION_WORDS, STOPWORDS, in_word_list, words
from .types import Turn

_PERSONAL = r"he|she|him|they|them"
_POSSESSIVE = r"his|her|their|its"
_ANAPHORA = re.compile(
    rf"\b({_PERSONAL}|{_POSSESSIVE}|hers|theirs|it|this|that|these|those|there|the same|"
    r"the (first|second|third|last|other|latter|former)( one)?|what about|how about|and what|what else)\b",
    re.I,
)
_PRONOUN = re.compile(rf"\b({_PERSONAL}|{_POSSESSIVE}|it|there(?!\s+(?:is|are|was|were|been|be|will|have|has)\b))\b", re.I)
_SURE_PRONOUN = re.compile(rf"^({_PERSONAL}|{_POSSESSIVE})$", re.I)
_DEMONSTRATIVE = re.compile(r"\b(this|that|these|those)\b(?!\s+(year|week|month|season|time|morning|weekend|summer|winter|spring|autumn|quarter)\b)", re.I)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_ORDINAL_ONE = re.compile(r"\bthe (first|second|third|fourth|fifth|last)(?: one| item| article| story| quote)?\b(?!\s+[a-z])", re.I)
_ELLIPSIS = re.compile(r"^(?:and|what about|how about|and what about|and how about)\s+(.{1,60}?)\s*[?.!]*$", re.I)
_FULL_QUESTION = re.compile(r"^(?:who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|has|have|"
                            r"will|can|could|should|would)\b", re.I)
_ORDINAL_WORD = re.compile(r"\b(first|second|third|fourth|fifth|last|next|previous)\b", re.I)
_NAME_RUN = re.compile(r"\b[A-Z][\w'\u2019-]*(?:\s+(?:of\s+)?[A-Z][\w'\u2019-]*)*")
_QUOTE_ITEM = re.compile(r"\u201c(.+?)\u201d\s*\[(\d+)\]", re.S)
_PERSON_NOUNS = ("man|woman|person|people|actor|actress|star|singer|rapper|player|prop|coach|manager|minister|leader|"
                 "boss|chief|director|captain|striker|winger|presenter|author|writer|artist|band|champion|mp|mep|"
                 "chairman|executive|secretary|spokesman|politician|judge|president|official|winner|host")
# asks for someone ("Who won...", "Which coach was sacked..."): the answer names them
_WHO_ASKS = re.compile(rf"^\s*(?:who|whom|(?:which|what)(?:\s+[\w'-]+){{0,3}}?\s+(?:{_PERSON_NOUNS})s?)\b", re.I)
_MIN_OWN_TOPIC_WORDS = 2


@dataclass(frozen=True)
class Resolved:
    question: str
    query: str  # what is searched
    carried: str = ""  # words carried over from the conversation ("" if none)
    unsure: bool = False  # both readings should be searched; keep the rewrite only if clearly better
    context: str = ""  # the previous turn's other topic words, searched in brackets after a rewritten question

    def scoring(self) -> tuple[str, str]:
        """The question whose words decide the quote, and the carried words that count half."""
        if self.is_followup and self.query.startswith(self.question):
            return self.question, self.carried
        if self.context and self.query.endswith(f" ({self.context})"):
            return self.query[: -len(self.context) - 3], self.context
        return self.query, ""

    @property
    def is_followup(self) -> bool:
        return bool(self.carried)

    @property
    def rewritten(self) -> bool:
        return self.query != self.question


def topic_words(text: str) -> list[str]:
    """Words of ``text`` that name its topic (case kept), in order, without repeats."""
    out = []
    seen = set()
    for w in re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", text):
        lw = w.lower()
        if lw in STOPWORDS or lw in QUESTION_WORDS or lw in seen or _ANAPHORA.fullmatch(lw):
            continue
        seen.add(lw)
        out.append(w)
    return out


def own_names(question: str) -> list[str]:
    """Proper names the question itself holds (capitalised runs, the first word only if not a
    question or stop word): "US", "David Blunkett", "Whitbread"."""
    out = []
    for m in _NAME_RUN.finditer(question):
        name = m.group(0)
        parts = name.split()
        if m.start() == 0 or question[: m.start()].rstrip().endswith(("?", ".", "!")):
            while parts and (parts[0].lower() in STOPWORDS or parts[0].lower() in QUESTION_WORDS
                             or _ANAPHORA.fullmatch(parts[0])):
                parts = parts[1:]
        if parts and not (len(parts) == 1 and parts[0].lower() in ("i",)):
            out.append(" ".join(parts))
    return out


def as_turns(history: Sequence) -> list[Turn]:
    """The conversation as ``Turn`` values; each item a ``Turn``, a question string, a
    ``{"question": ..., "answer": ...}`` dict or a ``(question, answer)`` pair (``Turn.of``)."""
    return [Turn.of(item) for item in history]


def answer_entities(answer: str, limit: int = 4) -> list[str]:
    """Names in an earlier answer (capitalised runs not at a sentence start), the likely referents."""
    out: list[str] = []
    for m in NAME.finditer(answer):
        name = m.group(0).strip(" .")
        before = answer[: m.start()].rstrip()
        at_start = not before or before.endswith((".", "\u201c", '"', "[", "?", "!"))
        if name.lower() in STOPWORDS or (at_start and name.split()[0].lower() in STOPWORDS):
            continue  # "The summit" at a sentence start is no name
        if name not in out:
            out.append(name)
        if len(out) >= limit:
            break
    return out


_NOUN_PHRASE = re.compile(r"\b(the|a|an)\s+[a-z][\w-]+", re.I)


def _has_antecedent(question: str, at: int) -> bool:
    """A name or a noun phrase ("the company") stands before position ``at``: the pronoun refers to it."""
    return bool(own_names(question[:at]) or _NOUN_PHRASE.search(question[:at]))


def _reading(question: str) -> str:
    """How ``question`` leans on the conversation: "ellipsis", "ordinal", "sure", "unsure" or ""."""
    q = question.strip()
    m = _ELLIPSIS.match(q)
    if m and not _FULL_QUESTION.match(m.group(1)):
        return "ellipsis"
    if _ORDINAL_ONE.search(q):
        return "ordinal"
    names = own_names(q)
    for m in _PRONOUN.finditer(q):
        if _has_antecedent(q, m.start()):
            continue
        word = m.group(0).lower()
        if (_SURE_PRONOUN.match(word) or word == "there") and not names:
            return "sure"
        if not names:
            after = q[m.end():].lower()
            expletive = word == "it" and re.match(r"\s+(?:take|takes|took|true|possible|likely|like|worth|matter|mean|is|was)\b", after)
            return "unsure" if expletive else "sure"  # "How long does it take...": maybe no referent at all
        if word in ("he", "she", "they", "him", "them"):
            return "unsure"  # "What did he say the U.S. would do?": a name, but not the pronoun's
    if not names and _DEMONSTRATIVE.search(q) and len(topic_words(q)) < 3:
        return "unsure"
    if not names:
        return "unsure"  # no name of its own ("Which province is the offer aimed at?"): maybe the last subject's
    return ""


def unbound_pronoun(question: str) -> str:
    """The pronoun of a question that can only lean on an earlier turn ("Who replaced him?", "Why did
    she resign?": no name, no noun before it), "" when it has none. Asked alone (no conversation, or
    none that resolves it) such a question names no one, and any answer to it is a guess.

    >>> unbound_pronoun("Who replaced him?"), unbound_pronoun("Who replaced Ranieri?")
    ('him', '')
    >>> unbound_pronoun("What was the price of oil a barrel at its peak?")
    ''
    """
    q = question.strip()
    if _reading(q) != "sure":
        return ""
    for m in _PRONOUN.finditer(q):
        if _SURE_PRONOUN.match(m.group(0)) and not _has_antecedent(q, m.start()):
            return m.group(0)
    return ""


def resolve_followup(question: str, history: Sequence) -> Resolved:
    """Resolve ``question`` against ``history``: earlier turns, oldest first, each a question string,
    ``{"question": ..., "answer": ...}`` or a ``Turn`` (the answer's names and quotes are used too)."""
    if not history:
        return Resolved(question, question)
    history = as_turns(history)
    kind = _reading(question)
    if not kind:
        return Resolved(question, question)
    if kind == "ellipsis":
        r = _resolve_ellipsis(question, history)
        if r is not None:
            return r
    if kind == "ordinal":
        r = _resolve_ordinal(question, history)
        if r is not None:
            return r
    r = _resolve_pronoun(question, history)
    if r is None:
        return Resolved(question, question)
    return replace(r, unsure=(kind == "unsure"))


def _previous(history: list[Turn]) -> tuple[str, str] | None:
    """The most recent earlier turn whose question has a topic of its own, as (question, answer)."""
    for t in reversed(history):
        if topic_words(t.question):
            return t.question, t.answer
    return None


def _resolve_ellipsis(question: str, history: list[Turn]) -> Resolved | None:
    """ "And Kim?" after "How old is Putin?" -> "How old is Kim?"; "And the second quarter?" after
    "...in the third quarter?" -> "...in the second quarter?"."""
    prev = _previous(history)
    if prev is None:
        return None
    prev_q, _ = prev
    new = _ELLIPSIS.match(question.strip()).group(1).strip()
    target = ""
    om = _ORDINAL_WORD.search(new)
    if om:  # "the second quarter" replaces "the third quarter": same phrase, another ordinal
        tail = new[om.end():].strip().lower()
        for pm in _ORDINAL_WORD.finditer(prev_q):
            after = prev_q[pm.end():].strip().lower()
            if tail and after.startswith(tail.split()[0]):
                target = prev_q[pm.start(): pm.end() + 1 + len(tail)].strip()
                new = new[om.start():].strip()
                break
    if not target:
        target = _same_slot(prev_q, new)
    if target and target in prev_q:
        return Resolved(question, prev_q.replace(target, new, 1), target)
    carried = " ".join(w for w in topic_words(prev_q) if w.lower() not in {t.lower() for t in topic_words(new)})
    return Resolved(question, f"{prev_q} ({new})", carried or prev_q) if carried else None


_TIME_WORD = re.compile(r"^(?:january|february|march|april|may|june|july|august|september|october|november|december|"
                        r"(?:19|20)\d\d|(?:the )?(?:first|second|third|fourth|last|final) (?:quarter|half))\b", re.I)
_PREPOSITION = re.compile(r"^(in|at|for|from|to|on|by|of)\s+(.+)$", re.I)


def _same_slot(prev_q: str, new: str) -> str:
    """The phrase of ``prev_q`` that ``new`` takes the place of ("" if none is clear): "in Wales" for
    "in England", "in December" for "in 2004", "Brent crude" for "US crude", "Kim" for "Putin"."""
    pm = _PREPOSITION.match(new)
    if pm:
        prep, rest = pm.group(1).lower(), pm.group(2)
        if _TIME_WORD.match(rest):
            slot = re.search(rf"\b{prep}\s+(?:the\s+)?{_TIME_WORD.pattern[1:]}(?:\s+(?:of\s+)?(?:19|20)\d\d)?", prev_q, re.I)
        else:
            slot = re.search(rf"\b{prep}\s+(?:the\s+)?[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*", prev_q)
        return slot.group(0) if slot else ""
    words_ = new.split()
    if len(words_) > 1 and words_[-1].islower():  # "Brent crude" takes the place of "US crude"
        slot = re.search(rf"\b[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*\s+{re.escape(words_[-1])}\b", prev_q)
        if slot:
            return slot.group(0)
    names = own_names(prev_q)
    if names and any(w[:1].isupper() for w in words_):
        return names[0]
    return ""


def _resolve_ordinal(question: str, history: list[Turn]) -> Resolved | None:
    """ "the second one" -> the second of the names the previous question offered ("A or B"), else
    the names of the previous answer's second quote."""
    m = _ORDINAL_ONE.search(question)
    n = _ORDINALS[m.group(1).lower()]
    prev = _previous(history)
    if prev is not None:
        names = own_names(prev[0])
        pair = re.search(r"(\S.*?)\s+(?:or|and|vs\.?|versus)\s+(.+)", prev[0])
        if pair and len(names) >= 2:
            offered = [x for x in names if x in prev[0][pair.start(): pair.end()]]
            if len(offered) >= 2 and n <= len(offered):
                ref = offered[n - 1 if n > 0 else -1]
                r = Resolved(question, question[: m.start()] + ref + question[m.end():], ref)
                return with_context(r, prev[0], leave_out=tuple(x for x in offered[: max(2, n)] if x != ref))
    for turn in reversed(history):
        prev_a = turn.answer
        items = [t for t, _n in _QUOTE_ITEM.findall(prev_a)]
        if not items:
            continue
        if n > len(items):
            return None
        text = items[n - 1 if n > 0 else -1]
        ref = " ".join(answer_entities(f"\u201c{text}\u201d", limit=3)) or " ".join(topic_words(text)[:6])
        if not ref:
            return None
        return Resolved(question, question[: m.start()] + ref + question[m.end():], ref)
    return None


_DEFINED = re.compile(r"^\s*(?:what|what's)\s+(?:is|was|are|were|'s)?\s*((?:an?\s+|the\s+)?[a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,3})\s*\?\s*$", re.I)
_NATIONALITY = re.compile(r"^[A-Z][a-z]+(?:ian|ese|ish|ean|can|ic|i)$")


def _referent(prev_q: str, prev_a: str, pronoun: str) -> str:
    """Who or what a pronoun of the next question most likely means ("" when unclear: then the
    previous turn's topic words are carried instead)."""
    q_names = [n for n in own_names(prev_q) if not _NATIONALITY.match(n)]
    a_names = [n for n in (answer_entities(prev_a) if prev_a else []) if not n.endswith(("\u2019s", "'s"))]
    a_names = [n for n in a_names if " " in n] + [n for n in a_names if " " not in n]  # full names first
    person = pronoun.lower() in ("he", "she", "him", "his", "her")
    who_is = re.match(r"^\s*(?i:who|what)\s+(?i:is|was)\s+[A-Z]", prev_q)
    plural = pronoun.lower() in ("they", "them", "their")
    pair = _named_pair(prev_q, q_names) if plural else ""
    if pair:
        return pair  # "Why did Kim and Putin meet?" -> "What did they eat?": both
    if plural and re.search(r"\b[a-z]{3,}[^s\W]s\b", prev_q) and not who_is:
        return ""  # "they" may be the missiles of "How many missiles did North Korea launch?": carry
    person = person or plural
    if person and _WHO_ASKS.match(prev_q) and not who_is:
        # "Which coach was sacked?" -> "Who replaced him?": the answer's name, but not one the question
        # already says ("Who wants to take over Manchester United?" -> "his bid": not the club's)
        # nor one its sentence calls "her" when the pronoun is "his"
        asked = {w.lower() for w in words(prev_q)}
        given = [n for n in a_names if not {w.lower() for w in words(n)} <= asked and _maybe_person(n)
                 and not _other_gender(n, prev_a, pronoun)]
        return given[0] if given else ""
    defined = _DEFINED.match(prev_q)
    if (pronoun.lower() in ("it", "its") and defined and not own_names(defined.group(1))
            and not _ANAPHORA.search(defined.group(1)) and not re.search(r"(?:ed|own)$", defined.group(1))):
        return defined.group(1)  # "What is card-not-present fraud?" -> "How much has it risen?": the thing defined
    if pronoun.lower() in ("it", "its") and asked_kind(prev_q) == "name":
        given = slot_filler(prev_q, _first_quote(prev_a))
        if given:
            return given  # "What is his new party called?" -> "Who is its deputy leader?": the name the answer gave
    if pronoun.lower() in ("it", "its") and len(q_names) > 1:
        return ""  # a thing: carry the previous topic instead of guessing which name
    if q_names:
        multi = [n for n in q_names if " " in n]
        return (multi or q_names)[0]  # a person's full name before a place's ("Northampton coach Budge Pountney")
    return a_names[0] if a_names else ""


def _maybe_person(name: str) -> bool:
    """Not plainly a thing: "told the BBC", "The Black Album", "Def Jam's" are no one a "he" can mean."""
    first = name.split()[0].lower()
    return not name.isupper() and first not in NOT_PEOPLE and first != "the"


_HE, _SHE = frozenset("he him his himself".split()), frozenset("she her hers herself".split())


def _other_gender(name: str, text: str, pronoun: str) -> bool:
    """The sentences of ``text`` naming ``name`` use only the other gender's pronouns ("Serena Williams
    ... win her second title" for "he"); False when they use none or both.

        >>> _other_gender("Serena Williams", "Serena Williams won her second title.", "he")
        True
        >>> _other_gender("Marat Safin", "Marat Safin won his first title.", "he")
        False
    """
    p = pronoun.lower()
    want, other = (_HE, _SHE) if p in _HE else (_SHE, _HE) if p in _SHE else (frozenset(), frozenset())
    if not want:
        return False
    words = {w.lower() for sent in re.split(r"(?<=[.!?\u201d])\s+", text) if name in sent
             for w in re.findall(r"[A-Za-z]+", sent)}
    return bool(words & other) and not words & want


def _named_pair(prev_q: str, names: list[str]) -> str:
    """Two names of ``prev_q`` joined by "and" ("Kim and Putin"), the subject a plural "they" takes; "" if none."""
    for a, b in zip(names, names[1:]):
        m = re.search(rf"(?<![\w-]){re.escape(a)}\s+and\s+{re.escape(b)}(?![\w-])", prev_q)
        if m:
            return m.group(0)
    return ""


_ACTS = rf"(?:(?:had|has|have|was|is)\s+)?(?:{SAYING_VERBS}|shown|showed|met|meets|visited|arrived)"


def _is_person(name: str, text: str) -> bool:
    """``text`` writes ``name`` as a person: with an age ("Putin, 70,"), before a verb of saying or
    meeting ("Putin said", "Kim had shown"), or after a role word ("President Vladimir Putin")."""
    n = re.escape(name)
    if re.search(rf"(?<![\w-]){n},\s+\d{{1,3}},|(?<![\w-]){n}\s+{_ACTS}\b", text):
        return True
    return any(in_word_list(w, ROLE_WORDS) for w in re.findall(rf"([\w-]+)\s+{n}(?![\w-])", text))


def _partner(ref: str, prev_q: str, prev_a: str) -> str:
    """The other person a plural "they" takes with ``ref`` ("Putin" for "Kim" when the previous
    answer writes both as people); "" when ``ref`` is no person or no other person is named."""
    text = f"{prev_q} {prev_a}"
    if not _is_person(ref, text):
        return ""
    own = {w.lower() for w in ref.split()}
    for name in answer_entities(prev_a, limit=12):
        parts = name.split()
        roles = [i for i, w in enumerate(parts) if in_word_list(w, ROLE_WORDS)]
        name = " ".join(parts[roles[-1] + 1:] if roles else parts)  # "Russian President Vladimir Putin"
        if (name and not is_nationality(name) and not own & {w.lower() for w in name.split()}
                and _is_person(name, prev_a)):
            return name
    return ""


def _first_quote(answer: str) -> str:
    """The first quote of an answer's text (“...” [1] “...” [2])."""
    m = re.match(r"\s*\u201c(.*?)\u201d\s*\[\d+\]", answer, re.S)
    return m.group(1) if m else ""


def _resolve_pronoun(question: str, history: list[Turn]) -> Resolved | None:
    prev = _previous(history)
    if prev is None:
        return None
    prev_q, prev_a = prev
    m = None
    for pm in _PRONOUN.finditer(question):
        if not _has_antecedent(question, pm.start()):
            m = pm
            break
    ref = _referent(prev_q, prev_a, m.group(0)) if m and m.group(0).lower() != "there" else ""
    plural = bool(m) and m.group(0).lower() in ("they", "them", "their")
    if plural and ref and " and " not in ref:
        partner = _partner(ref, prev_q, prev_a)
        ref = f"{ref} and {partner}" if partner else ref  # "they" after "Why did Kim go to Russia?": Kim and Putin
    if m and ref:
        possessive = m.group(0).lower() in ("his", "her", "their", "its")
        sub = f"{ref}\u2019s" if possessive and not ref.endswith("s") else (f"{ref}\u2019" if possessive else ref)
        query = question[: m.start()] + sub + question[m.end():]
        others = [n for n in own_names(prev_q) + answer_entities(prev_a) if n not in query]
        if plural and others and " and " not in ref:
            # "they": the others of the previous turn, searched in brackets; as context they count half
            # when the quote is chosen and weigh nothing in the abstention signals (they are not asked)
            c = " ".join(dict.fromkeys(others[:2]))
            return Resolved(question, f"{query} ({c})", ref, context=c)
        r = Resolved(question, query, ref)
        if not (plural and " and " in ref):  # both people named: the previous question's places would drown "eat"
            r = with_context(r, prev_q)
        return with_event(r, prev_a)
    owned = {o.lower() for o in topic_words(question)}
    carried = [w for w in topic_words(prev_q) if w.lower() not in owned]
    for name in answer_entities(prev_a) + _older_names(history, prev_q):
        if not any(part.lower() in owned or part in carried for part in name.split()):
            carried.append(name)
    if carried:
        c = " ".join(carried)
        return Resolved(question, f"{question} ({c})", c)
    return None


def with_context(r: Resolved, prev_q: str, leave_out: tuple = ()) -> Resolved:
    """``r`` searched with the previous question's names it lacks ("Davis Cup" for "How many of Tim
    Henman's matches did he win?" after "When did Tim Henman make his Davis Cup debut?"), in brackets;
    they count half when the quote is chosen. Only names: the previous question's other words would
    pull the search back to the previous answer. ``leave_out``: names not meant (the other side of
    an "A or B")."""
    def bare(w: str) -> str:
        return re.sub(r"['\u2019]s$", "", w.lower())

    have = {bare(w) for w in topic_words(r.query)}
    skip = {bare(w) for name in leave_out for w in name.split()}
    extra = [n for n in own_names(prev_q) if not _NATIONALITY.match(n) and not _ORDINAL_WORD.search(n)
             and not any(bare(w) in have or bare(w) in skip for w in n.split())]
    if not extra:
        return r
    c = " ".join(dict.fromkeys(extra))
    return Resolved(r.question, f"{r.query} ({c})", r.carried, r.unsure, context=c)


_WHY_Q = re.compile(r"^\s*(?:why|how come)\b", re.I)
_EVENT_STOP = re.compile(r"[,.;:!?()\[\]\u201c\u201d\"]|\s[-\u2013\u2014]\s")
_FRAME_WORDS = frozenset("come does did why what when".split())  # "How come he left?": the frame, not the event
EVENT_WORDS = 4  # the event phrase: the matched word and up to three after it, within its clause


def event_phrase(question: str, prev_a: str) -> str:
    """The previous answer's words for the event a why follow-up asks about ("resigned as home
    secretary" for "Why did he resign?" after a quote "David Blunkett - who has resigned as home
    secretary - built ..."): a word sharing the stem of one of the question's own words, and the
    words after it in its clause ("" when none)."""
    own = [w.lower() for w in topic_words(question) if len(w) >= 4 and not _PRONOUN.fullmatch(w)
           and w.lower() not in _FRAME_WORDS]
    for w in own:
        stem = w[:-1] if w.endswith("e") else w  # inflections only: resign(ed), leav(ing), not comedy or sellers
        m = re.search(rf"\b{re.escape(stem)}(?:e|es|s|ed|d|ing)?\b", prev_a, re.I)
        if m is None:
            continue
        clause = _EVENT_STOP.split(prev_a[m.start():], maxsplit=1)[0]
        return " ".join(clause.split()[:EVENT_WORDS])
    return ""


def with_event(r: Resolved, prev_a: str) -> Resolved:
    """A why follow-up also searches for the event as the previous answer told it: the cause is
    said beside the event ("resigned as Home Secretary on Wednesday after an inquiry ..."), in the
    article about it, which the bare question ("Why did David Blunkett resign?") does not find."""
    if not _WHY_Q.match(r.question) or not prev_a:
        return r
    event = event_phrase(r.question, prev_a)
    if not event or event.lower() in r.query.lower():
        return r
    base = r.query[: -len(r.context) - 3] if r.context and r.query.endswith(f" ({r.context})") else r.query
    context = f"{r.context} {event}".strip()
    return Resolved(r.question, f"{base} ({context})", r.carried, r.unsure, context=context)


def _older_names(history: list[Turn], prev_q: str) -> list[str]:
    """Names of the turn before the previous one (a two-turn conversation keeps its subject)."""
    qs = [t.question for t in history]
    i = max((j for j, q in enumerate(qs) if q == prev_q), default=-1)
    return own_names(qs[i - 1]) if i >= 1 else []


def content_words_count(text: str) -> int:
    return len([w for w in words(text) if w not in STOPWORDS])
