"""The answer slot of a question: what kind of thing it asks for, and whether a sentence fills it.

A near miss (the articles cover the story, but no sentence states the asked fact) reads like an
answer to word and meaning overlap. What tells it apart is the slot: "How much do tickets cost?"
needs a sum of money in a sentence about tickets; "What share of the market..." a percentage;
"Which surgeon..." a name. ``asked_kind`` names the slot (finer than ``spans.question_type``:
money, percent and year are kinds of their own), ``kind_spans`` finds fillers of it in a sentence
(less what the question already says), ``focus_term`` the asked noun ("tickets", "members",
"surgeon") and ``slot_signals`` measures the best sentences against all three.

    >>> asked_kind("How much do tickets cost for the concert?"), focus_term("How many tickets were sold?")
    ('money', 'ticket')
    >>> kind_spans("money", "How much do tickets cost?", "Tickets are priced at £45.")
    [(22, 25)]
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import NamedTuple

from .spans import IRREGULAR, MONEY_Q, AGE, DURATION, NUMBER, WHEN, measure_spans, span_candidates, person_like, question_type, who_is_subject
from .lexicon import HEAD_NOUNS, ROLE_WORDS, is_nationality
from .text import ANSWER_TYPE_WORDS, QUESTION_WORDS, STOPWORDS, in_word_list, says_whole, terms

KINDS = ("money", "percent", "year", "date", "count", "age", "duration", "person", "name", "place", "role")
_COST = re.compile(r"\b(?:what|how much)\b(?:\s+[\w'\u2019-]+){0,8}?\s+(?:cost|costs|charge|charges|priced?|worth|paid|pay|fee|fine|salary|"
                   r"budget|value|bid|deal worth|prize money)\b", re.I)
# "What" asks a sum only when a money word stands within two words of it, no "of" between ("What fine
# did...?", "What US budget deficit...?"), or after an auxiliary (``_aux_asks_cost``): "What slogan of
# London's Olympic bid did Johnson wear?" asks for a slogan, "What type of value would..." for a type.
_WHAT_NEAR = re.compile(r"\bwhat\s+(?:(?!of\b)[\w'\u2019-]+\s+){0,2}?(?:cost|price|prices|fee|fees|fine|fines|salary|budget|"
                        r"value|bid|sum|amount|figure|compensation|damages|payment|payout|deal|wage|wages|pay|rent|tax)\b", re.I)
_COPULAS = frozenset("is was are were".split())
_DO_AUX = frozenset("did does do will would could can should has have had might".split())
_MONEY_VERBS = frozenset("cost costs charge charges pay paid priced worth value valued".split())


def _asks_cost(q: str) -> bool:
    """A cost word after "how much", or after "what" with a money word next (``_WHAT_NEAR``) or an
    auxiliary that makes the cost word its slot (``_aux_asks_cost``)."""
    m = _COST.search(q)
    if not m:
        return False
    if m.group(0).lower().startswith("how much") or _WHAT_NEAR.match(q, m.start()):
        return True
    return _aux_asks_cost(m.group(0).lower().split()[1:], q[m.end():])


def _aux_asks_cost(words: list[str], rest: str) -> bool:
    """After "what" and an auxiliary (``words``: the auxiliary first, the cost word last), a sum is
    asked by the copula's own noun, three words at most after it and no "of" between ("What was the
    UK price...?"), or "worth" ("What is the club now worth?"); after "did", "will"... by a money verb
    ("What did Glazer pay for United?", "What will it cost?") not after "a", "an", "the" ("accept a
    pay cut") and not "pay for" ending the question, which asks the thing bought ("What did Albrecht
    need the indulgences to pay for?"). A cost word deep in a clause asks no sum (review12: "What is
    the law named that defines a charge moving...?", SQuAD tuning, was unsure for want of a sum), nor
    a noun naming a team ("What did the Glazer bid team lose?" was refused)."""
    if len(words) < 2:
        return False
    aux, mid, word = words[0], words[1:-1], words[-1]
    if aux in _COPULAS:
        return word == "worth" or (len(mid) <= 3 and "of" not in mid)
    if aux in _DO_AUX:
        return word in _MONEY_VERBS and not (mid and mid[-1] in ("a", "an", "the")) \
            and not re.match(r"\s*for\s*\?*\s*$", rest)
    return False


_PERCENT = re.compile(r"\b(?:what|which)\s+(?:\w+\s+){0,2}?(?:share|percentage|proportion|per ?cent|rate)\b"
                      r"|\bwhat per ?cent\b|\bhow much of\b|\b(?:share|percentage|proportion) of\b", re.I)
_YEAR_Q = re.compile(r"\b(?:what|which|in what|in which) year\b", re.I)
_COUNT = re.compile(r"\bhow (?:many|much|far|big|large|tall|high|often|fast|heavy)\b"
                    r"|\bwhat (?:is|was|were|are) the (?:number|attendance|population|death toll|toll|total|score|size|"
                    r"turnout|crowd|audience|circulation|distance)\b", re.I)
_PERSON_Q = re.compile(r"^(?:who|whom|whose)\b|\bwhat (?:is|was) the name of the (?:man|woman|person|boy|girl|player|"
                       r"driver|officer|victim|suspect|judge|surgeon|doctor)\b", re.I)
_NAME_Q = re.compile(r"^(?:which|what)\s+(?!(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|kind|"
                     r"sort|type|happened|happens|caused|made|makes)\b)[a-z]+\b|\bwhat (?:is|was) the (?:name|title) of\b", re.I)
_CURRENCY = r"(?:pounds?|dollars?|euros?|yen|won|pence|kroner|francs?|roubles?|rupees?|yuan)"  # a sum's unit words
_MONEY_UNIT = re.compile(r"\s?(?:bn|m|million|billion|trillion)?\s?" + _CURRENCY + r"\b|(?<=\d)(?:bn|m)\b", re.I)
# "How many pounds did Chelsea pay?", "How many millions of dollars...": a sum of money in a unit, not a count;
# "How many per cent..." a percentage. The unit word is no asked noun either.
_HOW_MANY_MONEY = re.compile(r"\bhow many\s+(?:(?:thousands?|millions?|billions?|trillions?)\s+(?:of\s+)?)?"
                             + r"(?!won\b)" + _CURRENCY + r"\b", re.I)  # "How many won gold?" asks a count
_HOW_MANY = re.compile(r"\bhow many\b", re.I)
_HOW_MANY_PERCENT = re.compile(r"\bhow many\s+(?:per ?cent|percentage points?)\b", re.I)
_AGE_MORE = re.compile(r"\b(?:at|aged|age of|at age)\s+(\d{1,3})\b|\b(\d{1,3})\s+years?\s+(?:old|and\s+\d+\s+days)\b", re.I)
_AUX = frozenset("is was are were did does do has have had will would can could should may might".split())
_QUOTED = re.compile(r"[\u201c\"\u2018']([^\u201d\"\u2019']{2,60})[\u201d\"\u2019']")
# "What is his new party called?", "What was the album named?": asks for the name of the thing before the verb.
_CALLED_Q = re.compile(r"^what\s+(?:is|was|are|were|will be)\s+(.+?)\s+(?:called|named)\s*\??$", re.I)


@lru_cache(maxsize=4096)  # a pure function of the question, asked once per candidate sentence
def asked_kind(question: str) -> str:
    """The kind of thing the question asks for ("" when it asks for no single typed thing)."""
    q = " ".join(question.split())
    base = question_type(q)
    if base == "role" and re.search(r"['\u2019](?:s\b|\s)", who_is_subject(q)):
        return "person"  # "Who is Mike Tindall's agent?" asks for a name, not a role
    if base in ("age", "duration", "role"):
        return base
    if _YEAR_Q.search(q):
        return "year"
    if _HOW_MANY_MONEY.search(q):
        return "money"
    if _HOW_MANY_PERCENT.search(q):
        return "percent"
    if _PERCENT.search(q):
        return "percent"
    if MONEY_Q.search(q) or _asks_cost(q):
        return "money"
    if base == "number" or _COUNT.search(q):
        return "count"
    if base == "when":
        return "date"
    if _PERSON_Q.search(q):
        return "person"
    if base == "where":
        return "place"
    if base == "name" or _NAME_Q.search(q) or _CALLED_Q.match(q):
        return "name"
    return ""


def focus_term(question: str) -> str:
    """The asked noun's term: "tickets" in "How much do tickets cost", "members" in "How many members
    does Veritas have", "surgeon" in "Which surgeon...", "attendance" in "What was the attendance"."""
    return _focus(question).term


class _Focus(NamedTuple):
    term: str = ""
    modifiers: frozenset = frozenset()  # the plain describing words before it ("defence" of "defence minister")
    plain: bool = False  # a "Which/What <noun>" phrase with no "new", "former"... in it


@lru_cache(maxsize=4096)  # a pure function of the question, asked once per candidate sentence
def _focus(question: str) -> _Focus:
    if _HOW_MANY_MONEY.search(question) or _HOW_MANY_PERCENT.search(question):
        return _Focus()  # "How many pounds did Chelsea pay?": "pounds" is the unit of the sum, no asked noun
    called = _CALLED_Q.match(" ".join(question.split()))
    if called:  # "What is his new party called?": the named thing ("party")
        t = terms(called.group(1).split()[-1].lower())
        return _Focus(t[0] if len(t) == 1 else "")
    found = list(re.finditer(r"[A-Za-z][\w'-]*", question))
    ws = [m.group(0) for m in found]
    low = [w.lower() for w in ws]
    nxt, which = None, False
    for i, w in enumerate(low):
        if i + 1 < len(low) and w == "how" and low[i + 1] in ("many", "much"):
            nxt = i + 2
            break
        if w in ("which", "what") and i + 1 < len(low):
            which = True
            if low[i + 1] in _AUX and i + 2 < len(low) and low[i + 2] == "the":
                nxt = i + 3
            elif low[i + 1] not in _AUX:
                nxt = i + 1
            break
    if nxt is None:
        return _Focus()
    described = False  # a describing word ("new", "former") stood before the asked noun
    for i in range(nxt, min(nxt + 3, len(ws))):
        w, lw = ws[i], low[i]
        if lw in _AUX:
            break  # "How much did Rosneft pay": the word after is a verb's subject, no asked noun
        if lw in STOPWORDS or lw in QUESTION_WORDS or lw in ANSWER_TYPE_WORDS or lw in ("name", "title", "amount"):
            continue
        if w[0].isupper() and not (w.isupper() and lw in ROLE_WORDS):
            continue  # a name of the question ("How many Gizmondo handhelds"): its subject, not the asked noun
        if which and (lw in _PREMODIFIERS or lw in _COUNT_WORDS or is_nationality(w)):  # not after "how many":
            described = described or lw in _PREMODIFIERS
            continue  # "Which new Scotland manager": the noun comes after ("How many new casinos..." keeps "new":
            # read as the asked noun, it is missing from a near miss's quote; "casinos" turned two near misses sure)
        j = _phrase_head(found, low, i) if which else i  # "How many people live...": no phrase read after a count
        t = terms(low[j])
        mods = frozenset(m for k in range(i, j) if low[k] not in _PREMODIFIERS for m in terms(low[k]))
        plain = which and not described and not any(low[k] in _PREMODIFIERS for k in range(i, j))
        return _Focus(t[0], mods, plain) if len(t) == 1 else _Focus()
    return _Focus()


def focus_modifiers(question: str) -> frozenset:
    """The plain words before the asked noun that narrow it: "defence" of "Which Russian defence
    minister...?" (a foreign minister is no answer), "investment" of "Which private investment firm...?"."""
    return _focus(question).modifiers


def plain_which_noun(question: str) -> str:
    """The asked noun of a "Which/What <noun> ...?" question whose phrase holds no word like "new" or
    "former" ("Which US bank ...?": "bank"); "" otherwise. A name ending in such a noun is one of
    the kind asked for; for "Which new party ...?" the old party's name ends in it too."""
    f = _focus(question)
    return f.term if f.plain else ""


# Words before the asked noun that describe it ("Which new Scotland manager", "Which former minister").
_PREMODIFIERS = frozenset("new former ex current old young veteran first last next other same top leading "
                          "private public senior junior big major main".split())
# Verbs that may follow the asked noun and end its phrase ("Which team beat...", "Which firm owns...").
_PHRASE_VERBS = frozenset("beat beats win wins lose loses lost say says said get gets got become becomes came come "
                          "comes go goes went see sees saw put puts set sets hit hits run runs take takes make makes "
                          "give gives lead leads hold holds play plays own owns sell sells buy buys pay pays use uses "
                          "face faces want wants plan plans hope hopes".split())


def _phrase_head(found: list, low: list[str], i: int) -> int:
    """The asked noun of the phrase that starts at word ``i``: its last word that names a kind of
    person or body ("Which private investment firm offered..." asks for a firm, "Which civil
    liberties group joined..." for a group), else its first word ("Which England prop broke a
    bone...": "prop"; a verb is not always known). The phrase runs on over plain lower-case words
    with nothing but a space between them, up to a known verb ("offered", "won", "beat"), a function
    word or a name."""
    j = end = i
    while j + 1 < len(low) and j - i < 3:
        w, lw = found[j + 1].group(0), low[j + 1]
        if not _spaced(found, j) or not w[0].islower() or lw in STOPWORDS or lw in _AUX or lw in QUESTION_WORDS:
            break
        if lw in _PHRASE_VERBS or lw in IRREGULAR or (lw.endswith("ed") and len(lw) >= 4) or lw.endswith("ly"):
            break  # "offered", "won", "used"; "initially"
        if lw.endswith("s") and not lw.endswith("ss") and _verb_after(found, low, j + 1):
            break  # "Which country hosts the games": a verb; "Which civil liberties group", "What radio stations in": nouns
        j += 1
        if in_word_list(lw, HEAD_NOUNS):
            end = j
    return end


def _verb_after(found: list, low: list[str], j: int) -> bool:
    """Word ``j`` (ending in -s) is a verb: an article, a possessive, a name or a number follows it."""
    if j + 1 >= len(low) or not _spaced(found, j):
        return False
    w = found[j + 1].group(0)
    return low[j + 1] in _DETERMINERS or w[0].isupper() or w[0].isdigit()


def _spaced(found: list, j: int) -> bool:
    """Words ``j`` and ``j + 1`` of the question stand one space apart (no comma, dash or quote between)."""
    return found[j].string[found[j].end():found[j + 1].start()] == " "


_DETERMINERS = frozenset("the a an his her its their our this that these those".split())
_COUNT_WORDS = frozenset("two three four five six seven eight nine ten".split())


def _said(question: str, text: str) -> bool:
    """The question writes ``text`` (as whole words: "one" is not said by "phones") or all its terms."""
    t = set(terms(text))
    return says_whole(question.lower(), text.lower()) or bool(t and t <= set(terms(question)))


# "one" that pairs with "another" / "the other" names no count: "cannot travel from one phone to another"
_ONE_OF_TWO = re.compile(r"one(?:\s+another\b|(?:\s+[\w'-]+){1,2}\s+(?:to|or|and|after|from)\s+(?:another|the other)\b)",
                         re.I)


def kind_spans(kind: str, question: str, sentence: str) -> list[tuple[int, int]]:
    """Spans of ``sentence`` of the asked ``kind`` that the question does not already say."""
    if kind in ("money", "percent", "count"):
        spans = [m.span() for m in NUMBER.finditer(sentence)]
        if kind == "money":
            spans = [(s, e) for s, e in spans if _is_money(sentence, s, e)]
        elif kind == "percent":
            spans = [(s, e) for s, e in spans if _is_percent(sentence, s, e)] + [m.span() for m in _FRACTION.finditer(sentence)]
        else:  # a year is not a count; nor, for "how many", a sum of money or a percentage ("Priced at £229")
            spans = [(s, e) for s, e in spans if not re.fullmatch(r"(?:1[89]|20)\d\d", sentence[s:e])
                     and not _ONE_OF_TWO.match(sentence, s)]
            if _HOW_MANY.search(question):
                spans = [(s, e) for s, e in spans if not _is_money(sentence, s, e) and not _is_percent(sentence, s, e)]
            spans = measure_spans(question, sentence, spans)  # "How tall...?": a height, not "four times as fast"
    elif kind == "year":
        spans = [m.span() for m in re.finditer(r"\b(?:1[5-9]|20)\d{2}\b", sentence)] + _older_times(sentence)
    elif kind == "date":
        spans = [m.span() for m in WHEN.finditer(sentence)] + _older_times(sentence)
        spans += [m.span() for m in _CLOCK.finditer(sentence)] if _WHAT_TIME.search(question) else []
    elif kind == "age":
        spans = [m.span() for m in AGE.finditer(sentence)] + [m.span(1 if m.group(1) else 2) for m in _AGE_MORE.finditer(sentence)]
    elif kind == "duration":
        spans = [m.span() for m in DURATION.finditer(sentence)]
    elif kind == "person":  # a name, or the agent of a passive ("closed by the mayor" answers "Who closed...?")
        spans = [sp for sp in span_candidates("who", sentence) if person_like(sentence[sp[0]:sp[1]])]
        spans += [m.span(1) for m in _BY_AGENT.finditer(sentence)] + _one_word_names(sentence)
    elif kind == "place":
        spans = span_candidates("where", sentence)
    elif kind == "name":
        spans = span_candidates("name", sentence) + [m.span(1) for m in _QUOTED.finditer(sentence)]
    elif kind == "role":
        from .spans import role_span

        r = role_span(who_is_subject(question), sentence)
        spans = [r] if r else []
    else:
        return []
    return [(s, e) for s, e in spans if sentence[s:e].strip() and not _said(question, sentence[s:e])]


def _is_money(sentence: str, s: int, e: int) -> bool:
    return bool(re.search(r"[$£€¥]", sentence[max(0, s - 2):e]) or _MONEY_UNIT.match(sentence[e:e + 12]))


def _is_percent(sentence: str, s: int, e: int) -> bool:
    return bool("%" in sentence[s:e] or re.match(r"\s?(?:%|per ?cent)", sentence[e:e + 9], re.I)
                or re.search(r"per ?cent$", sentence[s:e], re.I))


# Times the news-style date pattern leaves out, common in history and science texts: a decade ("the
# late 1920s"), a year before 1500 after a preposition ("between 1268 and 1273"), an age of the earth
# ("3.5 billion years ago"), a century ("the 12th century").
_OLDER_TIME = re.compile(r"\b(?:1[0-9]|20)\d0s\b|\b(?:in|of|by|from|until|since|between|and|around)\s+(1[0-4]\d{2})\b"
                         r"|\b\d[\d.,]*\s+(?:thousand|million|billion)\s+years\s+ago\b|\b\d{1,2}(?:st|nd|rd|th)\s+century\b")


_FRACTION = re.compile(r"\b(?:a|one|two|three)[\s-](?:half|third|quarter|fourth|fifth|tenth)s?\b"
                       r"|\b(?:two|three|four)-(?:thirds|quarters|fourths|fifths)\b|\bhalf (?:of|the)\b", re.I)
_WHAT_TIME = re.compile(r"\bwhat time\b|\bat what time\b", re.I)
_CLOCK = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?\s*(?:o'clock|[ap]\.?m\.?)(?!\w)|\b(?:noon|midnight|dawn|dusk)\b", re.I)


def _older_times(sentence: str) -> list[tuple[int, int]]:
    return [m.span(1) if m.group(1) else m.span() for m in _OLDER_TIME.finditer(sentence)]


def _one_word_names(sentence: str) -> list[tuple[int, int]]:
    """A person named by the surname alone, as reference texts do, as an agent: "developed by
    Einstein", "Trevathan recovered the ball"; not a part of a longer name ("Bill Cosby", "van Gogh",
    "The Hague"), a possessive, a stop word or a nationality."""
    out = []
    for m in _ONE_NAME.finditer(sentence):
        i = 1 if m.group(1) else 2
        w, start = m.group(i), m.start(i)
        prev = re.search(r"(\S+)\s+$", sentence[:start])
        if prev and (prev.group(1)[:1].isupper() or prev.group(1).lower() in _NAME_PARTICLES) and i == 2:
            continue
        if w.lower() not in STOPWORDS and not is_nationality(w) and not WHEN.fullmatch(w):
            out.append(m.span(i))
    return out


_NAME_PARTICLES = frozenset("van von de der den da di du del della le la al el bin ibn ter dos das".split())
_ONE_NAME = re.compile(r"\bby\s+([A-Z][a-z\u00c0-\u024f-]{2,})(?![\w'\u2019-]|\s+[A-Z])"
                       r"|\b([A-Z][a-z\u00c0-\u024f-]{2,})(?=\s+(?:was|is|had|has|[a-z]+ed)\b)")


_BY_AGENT = re.compile(r"\bby ((?:the|its|their|his|her) (?!way\b|time\b|end\b)[a-z][\w-]+"
                       r"(?: (?!on\b|in\b|at\b|of\b|and\b|or\b|to\b|for\b|with\b|after\b|before\b)[a-z][\w-]+)?)")


@dataclass(frozen=True)
class Slot:
    """How the best sentences meet the question's answer slot."""

    kind: str = ""
    filled: bool = True  # one of the top sentences holds a span of the asked kind (True when untyped)
    slot_lexical: float = 0.0  # the best word share among the top sentences holding such a span
    focus: str = ""
    focus_missing: bool = False  # the counted or priced noun is in none of the top sentences


# Kinds whose asked noun a sentence that answers must name: "How many members...", "How much do
# tickets cost". The noun of "What venue / author / disease..." is the answer's category, which a
# sentence naming the answer need not repeat ("Mark Twain" for "What author..."): on a SQuAD sample
# its absence was 89 of 232 answerable name questions' signal, and it weighed against answering.
FOCUS_KINDS = ("count", "money")


def slot_signals(question: str, sentences: list[tuple[str, float]], top: int = 3) -> Slot:
    """The slot of ``question`` against its best ``sentences`` ((text, word share), best first)."""
    kind = asked_kind(question)
    focus = focus_term(question)
    best = sentences[:top]
    focus_missing = (kind in FOCUS_KINDS and bool(focus) and bool(best)
                     and not any(focus in set(terms(t)) for t, _ in best[:2]))
    if not kind:
        return Slot("", True, 0.0, focus, focus_missing)
    typed = [lex for t, lex in best if kind_spans(kind, question, t)]
    event = event_terms(question) if kind == "age" else ()
    if event and not any(_mentions(t, event) for t, _ in best):
        typed = []  # "Mr Jackson, 46, denies...": an age, but not at the asked event ("when he died")
    return Slot(kind, bool(typed), max(typed, default=0.0), focus, focus_missing)


_AT_EVENT = re.compile(r"\b(?:how old|what age)\b.*?\bwhen\s+(.+?)\s*\??\s*$", re.I)


@lru_cache(maxsize=4096)
def event_terms(question: str) -> tuple[str, ...]:
    """The content terms of the event of "How old was X when <event>?" ("die" of "when he died"):
    the age asked is the age at that event, which a sentence about something else does not give.

    >>> event_terms("How old was Michael Jackson when he died?"), event_terms("How old is Putin?")
    (('die',), ())
    """
    m = _AT_EVENT.search(question)
    return tuple(dict.fromkeys(terms(m.group(1)))) if m else ()


# Other words of the same event, by stem: "death at the age of 84" is when he died. The stems of one word's
# forms ("married", "marriage") already meet; a loose prefix would not ("elect" is no stem of "electricity").
_EVENT_GROUPS = (("die", "death", "dead", "kill"), ("marri", "marriag", "wed"), ("win", "won", "victori"),
                 ("born", "birth"), ("becam", "becom"), ("began", "begin", "start"))  # stems of one event
EVENT_FORMS = {t: tuple(o for o in group if o != t) for group in _EVENT_GROUPS for t in group}


def _mentions(sentence: str, event: tuple[str, ...]) -> bool:
    """Whether ``sentence`` names one of the event's terms or another form of it (``EVENT_FORMS``)."""
    have = set(terms(sentence))
    return any(t in have or have.intersection(EVENT_FORMS.get(t, ())) for t in event)
