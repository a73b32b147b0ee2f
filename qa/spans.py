"""The short answer inside a quote, for questions that ask for a specific thing.

"How many/much" looks for a number, "when" for a date or time expression, "who" for a name, "where"
for a place after a locative preposition, "which/what <noun>" for a name. A span is marked only when
it can be found with confidence: after dropping what the question itself already says, exactly one
candidate is left, or one is clearly nearest to the words the question and the quote share.
Otherwise nothing is marked (better no mark than a wrong one).

    >>> q = "How many trips abroad had Kim made?"
    >>> s = "Kim had previously made just seven trips abroad in his 12 years in power, all in 2018 and 2019."
    >>> a, b = find_answer_span(q, s); s[a:b]
    'seven'
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsqa.embeddings.sentences import ABBREVIATIONS

from .lexicon import DESCRIPTION_WORDS, MONTHS, WEEKDAYS, is_nationality
from .text import STOPWORDS, in_word_list, question_terms, terms

_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                 r"hundred|thousand|dozens?|hundreds|thousands|millions?|billions?")
NUMBER = re.compile(
    r"(?:[$£€¥]\s?)?\b(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:%|per ?cent|percent|million|billion|bn|m|km|kg|metres?|meters?))?(?![\w])"
    r"|\b(?:" + _NUMBER_WORDS + r")(?:[- ](?:" + _NUMBER_WORDS + r"))*\b",
    re.I,
)
WHEN = re.compile(
    r"\b(?:(?:on|last|next|this)\s+)?" + WEEKDAYS + r"\b"
    r"|\b(?:\d{1,2}\s+)?(?:" + MONTHS + r")(?:\s+\d{1,2})?(?:,?\s+\d{4})?\b"
    r"|\b(?:1[5-9]|20)\d{2}\b"
    r"|\b(?:yesterday|today|tomorrow|tonight|last (?:week|month|year)|next (?:week|month|year)|"
    r"\d+|a|two|three|four|five|six|seven|eight|nine|ten)\s*(?:days?|weeks?|months?|years?)\s+ago\b"
    r"|\b(?:yesterday|today|tomorrow|tonight|last (?:week|month|year)|next (?:week|month|year))\b"
)
# A run of capitalised words (a name), allowing inner particles and initials: "Kim Jong Un", "A. R. Rahman";
# a particle of two words too ("Edwin van der Sar", "Jan van der Berg", "Fernando de la Rua": left13, an
# uploaded article's "mayor Jan van der Berg" was read as no name, and its question refused).
NAME = re.compile(
    r"(?:[A-Z][\w'\u2019.-]*|[A-Z]\.)(?:\s+(?:(?:of|de|da|van|von|bin|al)(?:\s+(?:der|den|la|las|los|le))?)?\s*"
    r"(?:[A-Z][\w'\u2019.-]*|[A-Z]\.))*"
)
_LOCATIVE = re.compile(r"\b(?:in|at|to|from|near|into|outside|inside|around|across|toward|towards|off)\s+(?:the\s+)?$", re.I)
_SENTENCE_START_WORDS = {"the", "a", "an", "it", "he", "she", "they", "this", "that", "but", "and", "in", "on", "at",
                         "after", "before", "as", "when", "asked", "for", "amid"}


DURATION = re.compile(
    r"\b(?:(?:more than|less than|about|around|nearly|almost|over|some|just|at least)\s+)?"
    r"(?:\d[\d,.]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|a few|many|dozens of)"
    r"(?:\s+and\s+a\s+half)?\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
    r"(?:\s+and\s+a\s+half)?\b",
    re.I,
)
# Ages in news style: "Putin, 70, and Kim, 39," / "aged 70" / "a 70-year-old".
AGE = re.compile(r"(?<=,\s)\d{1,3}(?=,)|\baged\s+\d{1,3}\b|\b\d{1,3}(?=-year-old\b)|(?<=\()\d{1,3}(?=\))")


# "Who is Tony Blair?": asks what the person is (a role), not for a name.
_WHO_IS = re.compile(r"^who\s+(?:is|was)\s+(?!(?:the|a|an|in|on|at|to|for|by|from|now|still|likely|expected|said|being)\b)"
                     r"((?:[\w'\u2019.-]+\s*){1,5}?)\s*\??$", re.I)
_APPOSITIVE = re.compile(r"^,\s+((?:the|a|an|former|then|now)\s+[^,.;:\u201c\"]{3,80}?)(?=[,.;]|\s+(?:said|says|has|had|is|was|will|told)\b)",
                         re.I)
_IS_A = re.compile(r"^\s+(?:is|was|has been|became)\s+((?:the|a|an)\s+[^,.;:]{3,80}?)(?=[,.;]|\s+(?:who|which|and|since|until)\b|$)")


@lru_cache(maxsize=4096)  # a pure function of the question, asked once per candidate sentence
def who_is_subject(question: str) -> str:
    """The name in "Who is <Name>?" ("" when the question is not of that shape: "Who is the chief
    executive of BT?" asks for a name, "Who is chief economist at Deloitte?" too)."""
    m = _WHO_IS.match(" ".join(question.split()))
    if not m:
        return ""
    name = m.group(1).strip()
    first = name.split()[0].lower()
    if first in DESCRIPTION_WORDS or any(w.lower() in ("of", "at", "for", "who", "in") for w in name.split()):
        return ""  # "Who is chief executive of BT?": a role asking for a name
    if name.split()[0].islower() and first.endswith("ing"):
        return ""  # "Who is directing The Da Vinci Code?": an act, asking for a name
    return name


def role_span(name: str, quote: str) -> tuple[int, int] | None:
    """The role or description of ``name`` in ``quote``: "Home Secretary" in "Home Secretary David
    Blunkett said", "the UKIP MEP" in "Kilroy-Silk, the UKIP MEP, said"; None when it has none."""
    words_ = name.split()
    for form in (name, words_[-1]) if len(words_) > 1 else (name,):
        for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", quote, re.I):
            after = quote[m.end():]
            a = _APPOSITIVE.match(after) or _IS_A.match(after)
            if a:
                return m.end() + a.start(1), m.end() + a.end(1)
            pre = re.search(r"((?:[A-Za-z][\w'\u2019-]*\s+){1,4})$", quote[:m.start()])
            if pre:
                cand = pre.group(1).split()
                # keep the run of words just before the name that ends in a role word
                while cand and cand[-1].lower() in {w.lower() for w in words_}:
                    cand.pop()
                cand = _role_run(cand)  # "to join Home Secretary" -> "Home Secretary"
                if form != name or len(words_) == 1:
                    cand = _before_first_names(cand)  # "US tycoon Malcolm" before "Glazer": "US tycoon"
                while cand and cand[0].lower() in _SENTENCE_START_WORDS | {"said", "says", "by", "with", "of", "to", "from"}:
                    cand.pop(0)
                if cand and in_word_list(cand[-1], DESCRIPTION_WORDS):
                    text = " ".join(cand)
                    start = quote.rfind(text, 0, m.start())
                    if start >= 0:
                        return start, start + len(text)
    return None


def _cut_role(quote: str, span: tuple[int, int]) -> bool:
    """A role of one plain word that a plain word before it describes ("jumper" of "British triple
    jumper", "runner" of "marathon runner"): only part of the description, so no mark."""
    role = quote[span[0]:span[1]]
    before = re.search(r"([A-Za-z][\w-]*)\s+$", quote[:span[0]])
    return (" " not in role and role.islower() and before is not None and before.group(1).islower()
            and before.group(1) not in STOPWORDS)


def _before_first_names(words_: list[str]) -> list[str]:
    """``words_`` without the one or two capitalised words at its end that are no role words (the
    first names of a surname asked alone: "US tycoon Malcolm" before "Glazer"), when a role word is
    then last; else ``words_`` unchanged."""
    for n in (1, 2):
        rest = words_[:-n]
        if (len(words_) > n and all(w[:1].isupper() and not in_word_list(w, DESCRIPTION_WORDS) for w in words_[-n:])
                and in_word_list(rest[-1], DESCRIPTION_WORDS)):
            return rest
    return words_


# Lower-case words that may stand inside a role before a name ("former home secretary").
_ROLE_MODIFIERS = frozenset("""former ex then acting deputy shadow home foreign prime junior senior new current interim
    vice general executive managing assistant fellow party club team national chief""".split())


def _role_run(words_: list[str]) -> list[str]:
    """The words at the end of ``words_`` that can be a role: capitalised, role words or role
    modifiers ("Home Secretary" of "to join Home Secretary"; "chief executive" of "said chief executive")."""
    i = len(words_)
    while i and (words_[i - 1][:1].isupper() or in_word_list(words_[i - 1], DESCRIPTION_WORDS)
                 or words_[i - 1].lower() in _ROLE_MODIFIERS or words_[i - 1].lower().startswith("ex-")):
        i -= 1
    return words_[i:]


_NAME_NOUNS = ("judge|footballer|player|minister|leader|company|firm|band|singer|actor|actress|team|club|country|city|"
               "director|executive|man|woman|person|chairman|journalist|adviser|newspaper|group|party|bank|airline|"
               "manager|coach|striker|star|network|secretary|president|official|agency|organisation|organization")


# "When extensive time is required to sort integers, this represents what case complexity?": a leading
# clause of time, then the asked part; its "when" is not what is asked (it typed the question as a date).
# Only "when": the rules below type no question by a leading "if/after/before" anyway.
_LEAD_CLAUSE = re.compile(r"^when\s+(?!(?:is|was|are|were|did|does|do|has|have|had|"
                          r"will|would|can|could)\b)[^?,]+,\s*(?=[^?]*\b(?:what|which|who|whom|whose|how|where|when)\b)",
                          re.I)


@lru_cache(maxsize=4096)  # a pure function of the question, asked once per candidate sentence
def question_type(question: str) -> str:
    lead = _LEAD_CLAUSE.match(question.strip())
    if lead:
        return question_type(question.strip()[lead.end():])
    q = question.lower().strip()
    if who_is_subject(question):
        return "role"
    if re.search(r"\b(how old|what age|what is the age|aged?)\b", q):
        return "age"
    if re.search(r"\bhow long\b", q):
        return "duration"
    if re.search(r"\bhow (many|much)\b", q) or re.search(r"\bwhat (is|was) the (number|death toll|toll|total|price|cost|age)\b", q):
        return "number"
    if re.search(r"\b(how (far|big|large|tall|high|often|fast)|what (percentage|share|amount))\b", q):
        return "number"
    if re.match(r"^(when|what (day|date|year|month|time))\b", q) or re.search(r"\b(on )?what (day|date)\b", q):
        return "when"
    if re.match(r"^(who|whom|whose)\b", q):
        return "who"
    if re.match(r"^where\b", q):
        return "where"
    if re.match(r"^(which|what)\s+(?!(is|was|are|were|did|does|do|has|have|had|will|would|can|could)\b)[a-z]+", q) and \
            re.match(r"^(which|what)\s+(\w+\s+){0,2}(" + _NAME_NOUNS + r")\b", q):
        return "name"
    return ""


MONEY_Q = re.compile(r"\bhow much\b.*\b(?:money|cost|costs|pay|paid|price|spend|spent|worth|fund|funding|sell|sold|buy|"
                      r"bought|fee|fine|fined|salary|earn|earned|raise|raised|charge|invest|invested|deal|bid)\b|"
                      r"\bwhat (?:is|was) the (?:price|cost)\b", re.I)
_MONEY = re.compile(r"[$£€¥]|\b(?:bn|m|million|billion|trillion|pounds?|dollars?|euros?|yen|won|pence|p)\b", re.I)
_YEAR_ONLY = re.compile(r"^(?:1[5-9]|20)\d{2}$")


def _fits_question(question: str, quote: str, span: tuple[int, int], qtype: str) -> bool:
    """Narrower kinds inside a type: "how much did it cost" wants money, "what year" a year."""
    text = quote[span[0]:span[1]]
    if qtype == "number" and MONEY_Q.search(question):
        return bool(_MONEY.search(text + quote[span[1]:span[1] + 9]))
    if qtype == "number" and re.search(r"\b(what (share|percentage|proportion)|what per ?cent|how much of)\b", question, re.I):
        return bool(re.search(r"%|per ?cent", text + quote[span[1]:span[1] + 9], re.I))
    if qtype == "number" and re.search(r"\bhow (many|big|large)\b", question, re.I):
        # "How big was the trade gap?", "How many people...": a percentage is a change or a share, not the size
        return not re.search(r"%|per ?cent", text + quote[span[1]:span[1] + 9], re.I)
    if qtype == "when" and re.search(r"\b(what|which|in what) year\b", question, re.I):
        return bool(_YEAR_ONLY.match(text))
    return True


def span_candidates(qtype: str, quote: str) -> list[tuple[int, int]]:
    if qtype == "age":
        spans = [m.span() for m in AGE.finditer(quote)]
    elif qtype == "duration":
        spans = [m.span() for m in DURATION.finditer(quote)]
    elif qtype == "number":
        spans = [m.span() for m in NUMBER.finditer(quote) if whole_number(quote, *m.span())]
    elif qtype == "when":
        spans = [m.span() for m in WHEN.finditer(quote)]
    elif qtype in ("who", "where", "name"):
        spans = []
        for m in NAME.finditer(quote):
            s, e = m.span()
            text = quote[s:e].rstrip(".")
            e = s + len(text)
            first = text.split()[0].lower() if text.split() else ""
            if s == 0 or quote[:s].rstrip().endswith((".", "\u201c", '"')):
                if first in _SENTENCE_START_WORDS:
                    continue  # a capital only because it starts the sentence
            if qtype == "where" and not _LOCATIVE.search(quote[max(0, s - 12):s]):
                continue
            if text.endswith(("\u2019s", "'s")):
                continue  # a possessive names the owner of something else, not the answer
            if len(text) >= 2:
                spans.append((s, e))
    else:
        return []
    return [(s, e) for s, e in spans if quote[s:e].strip()]


_CUT_NUMBER = re.compile(r"^(?:\.\d|[^\W_])")


def whole_number(quote: str, s: int, e: int) -> bool:
    """Not a piece of a longer token ("7" of "7.2MB") nor a number word inside a name ("Six Nations")."""
    if _CUT_NUMBER.match(quote[e:e + 2]):
        return False
    text = quote[s:e]
    return not (text[:1].isupper() and not text[:1].isdigit() and re.match(r"^[ -]?[A-Z]", quote[e:e + 2]))


def answer_candidates(question: str, quote: str, strict: bool = True) -> list[tuple[int, int]]:
    """Spans of ``quote`` of the kind the question asks for, less what the question already says.

    ``strict=False`` is the looser test the quote scorer uses for its small "holds the kind of thing
    asked for" bonus (kept as it was calibrated: any name for "who", no narrower kinds)."""
    qtype = question_type(question)
    if not strict:
        qtype = {"role": "who", "name": ""}.get(qtype, qtype)
        if not qtype:
            return []
        qterms, qlow = set(terms(question)), question.lower()
        return [(s, e) for s, e in span_candidates(qtype, quote)
                if not (quote[s:e].lower() in qlow or (set(terms(quote[s:e])) and set(terms(quote[s:e])) <= qterms))]
    if not qtype:
        return []
    if qtype == "role":
        r = role_span(who_is_subject(question), quote)
        return [r] if r and not _cut_role(quote, r) else []
    qterms = set(terms(question))
    qlow = question.lower()
    cands = []
    for s, e in span_candidates(qtype, quote):
        if _piece_of_number(quote, s, e):
            continue  # "28" of "11:28", "700 years ago" of "11,700 years ago"
        if qtype in ("who", "name", "where"):
            e = s + _one_sentence(quote[s:e])  # "United States of America. A" (the next sentence's "A")
        text = quote[s:e]
        if _short_form_of_question(text, question) or _not_of_the_asked_kind(question, qtype, text):
            continue
        t = set(terms(text))
        if text.lower() in qlow or (t and t <= qterms):
            continue  # the question already says it
        if not _fits_question(question, quote, (s, e), qtype):
            continue
        if qtype == "who" and (not person_like(text) or _where_from(text)):
            continue
        if qtype == "when" and RELATIVE.match(text):
            continue  # "last year" in an article of unknown date answers nothing
        if qtype in ("who", "name", "where") and t & qterms:
            trimmed = _without_question_words(question, text, qterms)
            if trimmed is None:
                continue  # a name sharing the question's words is its subject ("Rugby World Cup"), not the answer
            s, e = s + len(text) - len(trimmed), s + len(text)
        cands.append((s, e))
    if qtype == "when" and len(cands) > 1:
        # "the 2012 Olympic bid" for "When did the Olympic bid chiefs arrive?": a year that qualifies a
        # phrase the question names is part of its subject, not the time of the act, when the quote
        # gives another time ("arrived in London on Tuesday"); alone, it stays ("the 2004 Olympics").
        kept = [c for c in cands if not _names_question_phrase(quote, c, qterms)]
        cands = kept or cands
    return cands


def _without_question_words(question: str, text: str, qterms: set) -> str | None:
    """A name less its leading words up to the question's common noun, or None when it still shares
    the question's words ("Rugby World Cup" for "Who won the World Cup?" is the subject, not the answer).

    "Judge Letitia Clark", "Foreign Minister Sergei Lavrov" for "Which judge/minister...": the words up
    to the question's common noun go; a name of the question is never trimmed."""
    lower_q = set(terms(" ".join(w for w in question.split() if w[:1].islower())))
    last = None
    for m in re.finditer(r"\S+\s+", text):
        if set(terms(m.group(0))) & lower_q and _trimmable(m.group(0), question):
            last = m
    if last is not None:
        rest = text[last.end():]
        if rest and not (set(terms(rest)) & qterms):
            text = rest
    return None if set(terms(text)) & qterms else text


_BARE_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d$")


def _names_question_phrase(quote: str, span: tuple[int, int], qterms: set) -> bool:
    """A bare year directly before a word of the question: "2012" of "the 2012 Olympic bid"."""
    s, e = span
    if not _BARE_YEAR.match(quote[s:e]):
        return False
    nxt = re.match(r"\s+([^\W\d_][\w'\u2019-]*)", quote[e:])
    return bool(nxt and set(terms(nxt.group(1))) & qterms)


def _piece_of_number(quote: str, s: int, e: int) -> bool:
    """A number that is part of a longer one: after a digit and a separator ("700" of "11,700", "28"
    of "11:28") or before a colon or slash and a digit ("11" of "11:28")."""
    return bool(re.search(r"\d[:.,/]?$", quote[:s]) or (quote[s:s + 1].isdigit() and re.match(r"[:/]\d", quote[e:e + 2])))


def _one_sentence(text: str) -> int:
    """The length of a name run up to a sentence end inside it ("United States of America. A few"),
    where a word of two or more lower-case letters ends in a full stop ("St. Louis" and "E. Webb" stay),
    unless it is a title or other abbreviation that never ends a sentence ("Mrs. Margaret Thatcher",
    "Sen. John McCain": the sentence splitter's list)."""
    for m in _WORD_STOP.finditer(text):
        if m.group(1).lower() not in ABBREVIATIONS:
            return m.end(1)
    return len(text)


_WORD_STOP = re.compile(r"\b(\w*[a-z]{2})\.\s")


_CAPITALISED_RUN = re.compile(r"[A-Z][\w'-]*(?:\s+(?:of|the|and|for|&)?\s*[A-Z][\w'-]*)+")


def _short_form_of_question(text: str, question: str) -> bool:
    """"ABC" for "What company owns the American Broadcasting Company?": the initials of a name the
    question says are that name, the question's subject."""
    if not (text.isupper() and text.isalpha() and 2 <= len(text) <= 6):
        return False
    return any("".join(w[0] for w in run.split() if w[:1].isupper()) == text
               for run in _CAPITALISED_RUN.findall(question))


_WHAT_DAY = re.compile(r"\bwhat (?:day|date)\b", re.I)


def _not_of_the_asked_kind(question: str, qtype: str, text: str) -> bool:
    """A year for "how many" ("1962" for "How many variants...?") or for "what day/date"; a
    nationality for "where" ("Scottish" of "from Scottish rivers")."""
    if _YEAR_ONLY.match(text):
        return (qtype == "number" and bool(re.search(r"\bhow many\b", question, re.I))) or (
            qtype == "when" and bool(_WHAT_DAY.search(question)))
    return qtype == "where" and is_nationality(text)


def _trimmable(word: str, question: str) -> bool:
    """A leading word of a name that the question says and that may go from the mark: a role ("Judge"
    of "Judge Letitia Clark" for "Which judge...?") or the asked noun; never a word of the name itself
    ("New" of "New York" for "Where was Tesla's new lab?")."""
    w = word.strip()
    if in_word_list(w, DESCRIPTION_WORDS):
        return True
    m = re.match(r"^\s*(?:which|what)\s+(?:[\w-]+\s+){0,2}?(" + _NAME_NOUNS + r")\b", question, re.I)
    return bool(m) and set(terms(w)) <= set(terms(m.group(1)))


RELATIVE = re.compile(r"^(?:yesterday|today|tomorrow|tonight|last (?:week|month|year)|next (?:week|month|year))$", re.I)
def _where_from(text: str) -> bool:
    """"South Korean", "West Indian": says where someone is from, not who (no short answer to "who")."""
    return len(text.split()) == 2 and is_nationality(text)

NOT_PEOPLE = frozenset("reuters bbc ap afp itv uk us eu un nato fifa uefa".split())


def person_like(text: str) -> bool:
    """A who-answer: two or more words ("Noel Forgeard", "Mr Schweitzer"), not a demonym, an acronym,
    a news agency or a title with a possessive ("Who's Your Daddy")."""
    ws = text.split()
    if len(ws) < 2 or any(w.lower().endswith(("'s", "\u2019s")) for w in ws):
        return False
    return ws[0].lower() not in NOT_PEOPLE and not text.isupper()


IRREGULAR = {"won": "win", "sold": "sell", "bought": "buy", "paid": "pay", "took": "take", "made": "make",
              "left": "leav", "held": "hold", "led": "lead", "ran": "run", "gave": "give", "becam": "becom",
              "wrote": "write", "written": "write", "chose": "choos", "chosen": "choos", "met": "meet"}
MIN_SUBJECT_SHARE = 0.5  # share of the question's content words a marked quote must hold
MIN_NAME_SHARE = 0.75  # for a name: another person in a sentence about the topic is the common wrong mark


def about_subject(question: str, quote: str) -> bool:
    """The quote holds at least half of the question's content words (it is about what was asked)."""
    from .signals import salient_words  # not at the top: qa.signals imports this module

    qt = {IRREGULAR.get(t, t) for t in question_terms(question)}
    if not qt:
        return False
    have = {IRREGULAR.get(t, t) for t in terms(quote)}
    if any(set(terms(w)) - have for w in salient_words(question) if not is_nationality(w)):
        return False  # a name, number or year of the question is not in the quote
    need = MIN_NAME_SHARE if question_type(question) in ("who", "name") else MIN_SUBJECT_SHARE
    return len(qt & have) / len(qt) >= need




def _next_to_asked_noun(question: str, quote: str, cands: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """"Which minister..." keeps the names next to "minister" ("Defence Minister Sergei Shoigu");
    "how many people..." the numbers before "people". Other questions keep every candidate."""
    qtype = question_type(question)
    if qtype not in ("name", "number"):
        return cands
    noun = ""
    if qtype == "name":
        m = re.match(r"^(?:which|what)\s+(?:\w+\s+){0,2}?(" + _NAME_NOUNS + r")\b", question.strip(), re.I)
        noun = m.group(1) if m else ""
    else:
        m = re.match(r"^how many\s+(?:[a-z]+\s+)?([a-z]+)\b", question.strip(), re.I)
        noun = m.group(1) if m else ""
        if noun in ("have", "has", "had", "did", "do", "does", "were", "was", "are", "is", "will", "would"):
            m = re.match(r"^how many\s+([a-z]+)", question.strip(), re.I)
            noun = m.group(1) if m else ""
    target = set(terms(noun)) if noun else set()
    if not target:
        return cands
    near = []
    for s, e in cands:
        before = quote[max(0, s - 40):s].split()[-4:]
        after = quote[e:e + 40].split()[:3]
        window = before if qtype == "name" else after
        if qtype == "name":
            window = before + (after if quote[e:e + 2].startswith(",") else [])
        if set(terms(" ".join(window))) & target:
            near.append((s, e))
    if near:
        return near
    return cands if (qtype == "number" and len(cands) == 1) else []


WHO_VERB = re.compile(r"^(?:who|which \w+)\s+(?:(?:has|have|had|will|would|is|was)\s+(?:been\s+)?)?([a-z]+)\b", re.I)
NOT_VERBS = frozenset("is was are were did does do has have had will would can could the a an".split())


def states_the_act(question: str, quote: str) -> bool:
    """"Who scored for United?" is answered by a sentence that says who scored: the question's verb
    (the word after "who") must be in the quote, else the name there did something else."""
    qtype = question_type(question)
    if qtype == "when":
        return _states_when_act(question, quote)
    if qtype not in ("who", "name"):
        return True
    m = WHO_VERB.match(" ".join(question.split()))
    if not m or m.group(1).lower() in NOT_VERBS:
        return True
    t = terms(m.group(1).lower())
    if len(t) != 1:
        return True
    have = {IRREGULAR.get(x, x) for x in terms(quote)}
    return IRREGULAR.get(t[0], t[0]) in have


# "When did Tony Blair resign?", "When was Yukos sold?": the verb after a named (or pronoun) subject.
_WHEN_ACT = re.compile(r"^[Ww]hen\s+(?:did|does|do|will|would|was|were|is|has|have|had)\s+"
                       r"(?:he|she|it|they|(?:[A-Z][\w'\u2019.-]*\s+)*[A-Z][\w'\u2019.-]*)\s+([a-z]+)\b")


# "When will the election be held?", "When is the report to be published?": an event still to come
_FUTURE_WHEN = re.compile(r"^when\s+(?:will|would|is|are)\s+\S.*?\s+be\s+([a-z]+)\s*\?*$", re.I)


def past_occurrence(question: str, quote: str) -> bool:
    """A question about an event still to come, asked of a sentence that tells it only as past: "A
    British general election was last held in February in 1974" does not say when the next one will
    be held ("...if it is held, as expected, on 5 May" does).

        >>> past_occurrence("When will the election be held?", "An election was last held in 1974.")
        True
        >>> past_occurrence("When will the election be held?", "It will be held, as expected, on 5 May.")
        False
    """
    m = _FUTURE_WHEN.match(" ".join(question.split()))
    if not m:
        return False
    return _told_only_after(quote, m.group(1), _PAST_AUX)


_PAST_AUX = frozenset({"was", "were", "had"})  # "was (last) held", "were published", "had been announced"


def _states_when_act(question: str, quote: str) -> bool:
    """A date answers "When did X resign?" only from a sentence that says the resigning: "by
    November 2003 he had lost voters' trust" holds a date and no resignation."""
    if past_occurrence(question, quote):
        return False
    m = _WHEN_ACT.match(" ".join(question.split()))
    if not m or m.group(1) in NOT_VERBS or m.group(1) in STOPWORDS:
        return True
    t = terms(m.group(1))
    if len(t) != 1:
        return True
    have = {IRREGULAR.get(x, x) for x in terms(quote)}
    return IRREGULAR.get(t[0], t[0]) in have


# "Who won ...?", "Who beat ...?": the name just after a verb of defeating is the side that lost
_WIN_Q = re.compile(r"^(?:who|which \w+)\s+(?:(?:has|have|had|will)\s+)?(?:won|wins|win|beat|beats|defeated|defeats|"
                    r"triumphed|clinched|claimed|took|lifted|retained)\b", re.I)
_DEFEATED_BEFORE = re.compile(r"\b(?:beat|beats|beating|beaten|defeat|defeats|defeated|defeating|overcame|overcome|"
                              r"overcoming|thrashed|thrashing|edged|edging|outplayed|eliminated|knocked out|ousted|"
                              r"victory over|win over|wins over|won over|over|against|versus|vs)\s+(?:the\s+)?$", re.I)


def defeated_side(question: str, quote: str, span: tuple[int, int]) -> bool:
    """"...to beat Lindsay Davenport and win her second title": for "Who won...?" the name after the
    verb of defeating lost (the winner is the one who beat)."""
    return bool(_WIN_Q.match(question.strip())) and bool(_DEFEATED_BEFORE.search(quote[: span[0]]))


_MEN_Q = re.compile(r"\b(?:men|men's|mens|male)\b", re.I)
_WOMEN_Q = re.compile(r"\b(?:women|women's|womens|female|ladies|ladies')\b", re.I)
_HER = re.compile(r"\b(?:she|her|hers|herself|women|women's|female|ladies)\b", re.I)
_HIS = re.compile(r"\b(?:he|his|him|himself|men|men's|male)\b", re.I)


def other_gender_event(question: str, quote: str) -> bool:
    """"Who won the men's title?" asked of a sentence about a woman's title ("...win her second
    Australian Open title"): the quote tells the other competition, so no name in it answers.

        >>> other_gender_event("Who won the men's title?", "Serena Williams won her second title.")
        True
        >>> other_gender_event("Who won the men's title?", "Men's champion Marat Safin stays fourth.")
        False
    """
    men, women = bool(_MEN_Q.search(question)), bool(_WOMEN_Q.search(question))
    if men == women:
        return False
    asked, other = (_HIS, _HER) if men else (_HER, _HIS)
    return bool(other.search(quote)) and not asked.search(quote)


_FINAL = re.compile(r"(?<![\w-])finals?\b", re.I)  # "final", not "semi-final" / "quarter-final"
_EARLIER_ROUND = re.compile(r"\b(?:semi|quarter)[- ]?finals?\b|\bsemis\b|\b(?:first|second|third|fourth)[- ]round\b", re.I)


def other_round(question: str, quote: str) -> bool:
    """"Who did Hewitt beat in the final?" asked of "...a four-set win over Andy Roddick in Friday's
    second semi-final": the quote tells an earlier round only, so its name is not the final's.

        >>> other_round("Who did he beat in the final?", "He beat Andy Roddick in the semi-final.")
        True
        >>> other_round("Who did he beat in the final?", "He beat Ivo Minar in the final.")
        False
    """
    return bool(_FINAL.search(question)) and bool(_EARLIER_ROUND.search(quote)) and not _FINAL.search(quote)


# "How many copies did the single sell?": an act that happened, asked with "did" and its verb last
_DID_Q = re.compile(r"\bdid\s+\S.*?\s+([a-z]{3,})\s*\?*$", re.I)
_MODALS_BEFORE = frozenset({"will", "won't"})  # not "would": "the Huguenots would land in..." tells the past


def future_told(question: str, quote: str) -> bool:
    """A question about what happened, asked of a sentence that tells the act only as to come: "It is
    predicted that the Band Aid 20 song will sell 300,000 copies" does not say how many it sold (a
    question that asks the act after "will" itself, "How many jobs did the firm say it will cut?", is
    answered by it).

        >>> future_told("How many copies did the single sell?", "It is predicted the single will sell 300,000 copies.")
        True
        >>> future_told("How many copies did the single sell?", "The single was expected to sell well and sold 300,000.")
        False
    """
    q = " ".join(question.split())
    m = _DID_Q.search(q)
    if not m or _told_only_after(q, m.group(1), _MODALS_BEFORE):  # "did the firm say it will cut?" asks the plan
        return False
    return _told_only_after(quote, m.group(1), _MODALS_BEFORE)


def _told_only_after(quote: str, verb: str, words: frozenset) -> bool:
    """``verb`` occurs in ``quote`` and every time one of ``words`` is among the two words before it
    ("was (last) held", "will sell")."""
    low = quote.lower()
    told = [re.findall(r"[a-z']+", low[: v.start()])[-2:] for v in re.finditer(rf"\b{re.escape(verb.lower())}\b", low)]
    return bool(told) and all(any(w in words for w in before) for before in told)


# "How tall is Sony's Qrio robot?", "How much does Asimo weigh?": a measure, whose answer carries its
# unit. "almost four times as fast", "born five years ago" are numbers of another measure (offc12:
# both were marked). "How high", "how far", "how fast" are left out: they also ask a rise ("How fast
# did the economy grow?" is answered by "4.4%").
# "weigh" asks a weight only after "how much" or "what" ("What does Asimo weigh?"): "Who weighed into the
# debate?", "When did Blair weigh in?" ask a person, a date (review12: their short answers were dropped).
MEASURE_Q = re.compile(r"\bhow\s+(?:(?P<length>tall|wide|deep)|(?P<weight>heavy))\b|"
                       r"\b(?:how\s+much|what)\b(?:\s+[\w'\u2019-]+){0,8}?\s+(?P<weigh>weigh(?:s|ed)?)\b", re.I)
_UNITS = {"length": r"mm|cm|m|km|metres?|meters?|metre|feet|foot|ft|inches|inch|in|miles?|yards?",
          "weight": r"mg|g|kg|grams?|grammes?|kilos?|kilograms?|kilogrammes?|tonnes?|tons?|lb|lbs|pounds|stone|ounces?|oz"}


def measure_spans(question: str, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Of the number ``spans`` of ``text``, those a measure question (``MEASURE_Q``) can take: followed
    by (or ending in) a unit of its measure ("42.7-metre", "130cm", "66 lb"); all of them for other
    questions.

    >>> measure_spans("How tall is Qrio?", "four times as fast; Asimo is 130cm", [(0, 4), (29, 32)])
    [(29, 32)]
    """
    m = MEASURE_Q.search(question)
    if not m:
        return spans
    unit = _UNITS["length" if m.group("length") else "weight"]
    pat = re.compile(r"(?:\d|\b)(?:\s?-?\s?)(?:" + unit + r")\b", re.I)
    return [(a, b) for a, b in spans if pat.match(text, b - 1) or re.search(r"(?:" + unit + r")$", text[a:b], re.I)]


def find_answer_span(question: str, quote: str) -> tuple[int, int] | None:
    """Offsets of the short answer inside ``quote``, or None when it cannot be found with confidence."""
    cands = measure_spans(question, quote, answer_candidates(question, quote))
    qterms = set(terms(question))
    if not cands or not about_subject(question, quote) or not states_the_act(question, quote):
        return None
    if future_told(question, quote):
        return None
    if question_type(question) in ("who", "name") and (other_gender_event(question, quote)
                                                      or other_round(question, quote)):
        return None
    span = _chosen_span(question, quote, cands, qterms)
    if span and question_type(question) in ("who", "name") and defeated_side(question, quote, span):
        return None  # only ever removes a mark: the other name may have won a semi-final, not the title
    return span


def _chosen_span(question: str, quote: str, cands: list[tuple[int, int]], qterms: set) -> tuple[int, int] | None:
    """The one candidate left, or the one clearly nearest to the words the question and the quote share."""
    cands = _next_to_asked_noun(question, quote, cands)
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0]
    if question_type(question) == "age":
        # "Putin, 70, and Kim, 39": an age belongs to the name just before it.
        owned = [c for c in cands if set(terms(quote[max(0, c[0] - 40):c[0]].rstrip(" ,(").split(" ")[-1])) & qterms]
        if len(owned) == 1:
            return owned[0]
    # Several: the one nearest to the words the question and the quote share, if clearly nearest.
    anchors = [m.start() for m in re.finditer(r"[^\W_]+", quote) if set(terms(m.group(0))) & qterms]
    if not anchors:
        return None
    def dist(span):
        return min(abs((span[0] + span[1]) / 2 - a) for a in anchors)
    ranked = sorted(cands, key=dist)
    if dist(ranked[0]) * 1.8 < dist(ranked[1]):
        return ranked[0]
    return None
