"""Whose fact a sentence states: the question's subject, or a sibling of it.

A near miss often reads like an answer because a sentence gives the same kind of fact about another
thing of the same sort: "How big was the UK trade gap?" answered by "the US trade gap narrowed by
4.9% ...", "Who is the chief executive of BT?" by "... as chief executive of Fiat Auto". The
question's name (UK, BT) is absent from the sentence, and another name stands where it stood: next
to a word the question has next to its name ("trade gap", "executive").

- ``name_runs``: runs of capitalised words (names) of a text, with their token positions;
- ``subject_check``: of the question's names, the share the sentences leave out, and the sibling
  found, if any: a name of the sentence that stands to a word of the question as a left-out name
  stands to it in the question (same side, same words between: "chief executive of Fiat" for
  "chief executive of BT", but not "chief executive Gail Berman", who holds the role). A name the
  sentences write in another form of the same country is not left out ("Britain's" or "British"
  for "UK": ``qa.lexicon.COUNTRY_FORMS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import EVENT_WORDS, MONTHS, NAME_TITLES, WEEKDAYS, countries, country_of, is_nationality
from .text import ANSWER_TYPE_WORDS, QUESTION_WORDS, STOPWORDS, terms

# A word: letters and digits, with inner apostrophes, dots and hyphens ("O'Neill", "U.S", "Wal-Mart",
# "Tesco's"). The sure-answer checks (here, ``signals``, ``unstated``) read words with this one pattern.
TOKEN = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")
YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")  # a year token (not a model or edition number)
_NUMBER = re.compile(r"^\d+$")
SHORT_FORM = re.compile(r"^[A-Z]{2,3}$")  # an initialism ("UN", "IMF"), which an article may write out
TITLES = NAME_TITLES | {"st"}  # part of a name ("St" too), never what tells two apart
NEAR = 3  # tokens: how close a word must stand to a name to be "its" word ("chief executive of BT")


@dataclass(frozen=True)
class Run:
    """A name in a text: its words (titles left out), its first and last token positions, its terms."""

    words: tuple[str, ...]
    first: int
    last: int
    terms: frozenset


@dataclass(frozen=True)
class SubjectCheck:
    missing: float = 0.0  # share of the question's names of which no word is in the sentences
    sibling: str = ""  # a name of the sentences standing where a left-out name of the question stood
    absent: str = ""  # that left-out name of the question


CALENDAR = re.compile(rf"{WEEKDAYS}|{MONTHS}")  # fullmatch: a day or month name


def name_word(w: str) -> bool:
    """A word of a name: capitalised ("BBC1" too), not a stop or question word, not a day or month
    ("May" is the month more often than the name)."""
    low = w.lower()
    return w[:1].isupper() and low not in STOPWORDS and low not in QUESTION_WORDS and not CALENDAR.fullmatch(w)


@lru_cache(maxsize=8192)
def word_spans(text: str) -> tuple[tuple[str, int, int, bool], ...]:
    """(word, start, end, a possessive) of each word of ``text`` (``TOKEN``), "'s" and a final "." cut
    off.

    >>> word_spans("Tesco plc's")
    (('Tesco', 0, 5, False), ('plc', 6, 11, True))
    """
    out = []
    for m in TOKEN.finditer(text):
        w = m.group(0).rstrip(".")
        possessive = w.lower().endswith(("'s", "\u2019s"))
        out.append((w[:-2] if possessive else w, m.start(), m.end(), possessive))
    return tuple(out)


@lru_cache(maxsize=8192)
def _spans(text: str) -> tuple[tuple[str, bool, bool], ...]:
    """(word, joined to the word before by spaces alone, a possessive) for each word of ``text``,
    "'s" cut off."""
    spans = word_spans(text)
    return tuple((w, k > 0 and not text[spans[k - 1][2]:a].strip(), pos) for k, (w, a, _, pos) in enumerate(spans))


def tokens(text: str) -> tuple[str, ...]:
    return tuple(w for w, _, _ in _spans(text))


@lru_cache(maxsize=8192)
def name_runs(text: str, split_possessive: bool = False) -> tuple[Run, ...]:
    """The names of ``text``: runs of capitalised tokens (or letter-digit ones: "BBC1") with only
    spaces between, not stop or question words, days or months. The first token counts only when
    the next one is capitalised too ("Sergio Marchionne has...", not "However, Mr ..."). With
    ``split_possessive`` a run ends at a possessive ("Brian McFadden's Irish Son": two names;
    a plural one, "Foods' chief", always ends it: the apostrophe stands between).

    >>> [r.words for r in name_runs("However, the US trade gap with Mr Wen Jiabao's China grew")]
    [('US',), ('Wen', 'Jiabao', 'China')]
    >>> [r.words for r in name_runs("Mr Wen Jiabao's China grew", split_possessive=True)]
    [('Wen', 'Jiabao'), ('China',)]
    """
    spans = _spans(text)
    toks = tuple(w for w, _, _ in spans)
    flags = [bool(w) and name_word(w) for w in toks]
    joined = [j and not (split_possessive and spans[k - 1][2]) for k, (_, j, _) in enumerate(spans)]
    if flags and flags[0] and not (len(flags) > 1 and flags[1] and joined[1]):
        flags[0] = False
    runs, i = [], 0
    while i < len(toks):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and flags[j + 1] and joined[j + 1]:
            j += 1
        ws = tuple(w for w in toks[i:j + 1] if w.lower() not in TITLES)
        ts = frozenset(t for w in ws for t in terms(w))
        if ws and ts:
            runs.append(Run(ws, i, j, ts))
        i = j + 1
    return tuple(runs)


def _relations(toks: tuple[str, ...], run: Run, skip: frozenset) -> set[tuple[str, int, tuple[str, ...]]]:
    """How ``run`` stands to the content words within ``NEAR`` tokens of it: (term, side, the words
    between). "chief executive of BT" gives ("execut", -1, ("of",)): the owner of the role stands
    after it, behind "of"; "Chief executive Gail Berman" gives ("execut", -1, ()), its holder."""
    out: set[tuple[str, int, tuple[str, ...]]] = set()
    for k in range(max(0, run.first - NEAR), min(len(toks), run.last + NEAR + 1)):
        if run.first <= k <= run.last:
            continue
        low = toks[k].lower()
        if low in ANSWER_TYPE_WORDS or low in QUESTION_WORDS or CALENDAR.fullmatch(toks[k]):
            continue
        side, gap = (-1, toks[k + 1:run.first]) if k < run.first else (1, toks[run.last + 1:k])
        gap = tuple(w.lower() for w in gap)
        out.update((t, side, gap) for t in terms(toks[k]) if t not in skip)
    return out


def _capital_terms(text: str) -> set[str]:
    """Terms of the capitalised tokens of ``text``, its first one too: a name of the question is
    there only as a name ("BBC Two" is not in "the two main channels")."""
    return {t for w in tokens(text) if w[:1].isupper() or w[:1].isdigit() for t in terms(w)}


def subject_check(question: str, sentences: list[str]) -> SubjectCheck:
    """The question's names against ``sentences`` (the quote's): the share left out, and a sibling.

    >>> subject_check("How big was the UK trade gap in November?",
    ...               ["On a monthly basis the US trade gap narrowed by 4.9% in December."])
    SubjectCheck(missing=1.0, sibling='US', absent='UK')
    >>> subject_check("Who is the chief executive of BT?", ["BT chief executive Ben Verwaayen said so."])
    SubjectCheck(missing=0.0, sibling='', absent='')
    """
    q_runs = name_runs(question)
    if not q_runs or not sentences:
        return SubjectCheck()
    q_terms = frozenset(t for r in q_runs for t in r.terms)
    s_terms = set().union(*(_capital_terms(s) for s in sentences))
    s_countries = countries(" ".join(sentences))
    absent = [r for r in q_runs if not (r.terms & s_terms) and country_of(" ".join(r.words)) not in s_countries]
    missing = len(absent) / len(q_runs)
    q_toks = tokens(question)
    for r in absent:
        near = _relations(q_toks, r, q_terms)
        if not near:
            continue
        for s in sentences:
            s_toks = tokens(s)
            for o in name_runs(s):
                if o.terms & q_terms:
                    continue  # a form of a name the question has ("Mr Blair" for "Tony Blair")
                if near & _relations(s_toks, o, o.terms):
                    return SubjectCheck(missing, " ".join(o.words), " ".join(r.words))
    return SubjectCheck(missing)


def _event_parts(run: Run) -> tuple[frozenset, frozenset]:
    """(the event's terms, its qualifier's) of a name that ends in an event word ("Athens Olympic Games":
    olymp, game; athen), or two empty sets ("World Bank", "Tony Blair"). "World" before the event word is
    a qualifier, its scope ("World Indoor Championships": championship; world, indoor); "World Cup" is
    then qualified too."""
    low = [w.lower() for w in run.words]
    if low[-1] not in EVENT_WORDS or low[-1] == "world":
        return frozenset(), frozenset()
    is_event = [lw in EVENT_WORDS and lw != "world" for lw in low]
    event = frozenset(t for w, e in zip(run.words, is_event) if e for t in terms(w))
    return event, frozenset(t for w, e in zip(run.words, is_event) if not e for t in terms(w))


# A qualifier that names the kind of an event, not where it was ("the Commonwealth Games", "the Winter
# Olympics"): its place is another qualifier of the same event ("Edwards kept Idowu off top spot at the
# Manchester Games", the 2002 Commonwealth Games; review13: that answer was made unsure). Two qualifiers
# tell two events apart only when both are kinds ("Asian Games", "Commonwealth Games") or both are not.
# Of the kinds, a scope (``EVENT_SCOPES``: World, European...) tells two apart beside a kind they share
# (left15: the "World Indoor Championships" were answered sure from the "European Indoor Championships").
EVENT_SCOPES = frozenset(t for w in "world european asian commonwealth".split() for t in terms(w))
EVENT_KINDS = EVENT_SCOPES | frozenset(t for w in """winter summer paralympic paralympics youth junior
    indoor""".split() for t in terms(w))


def _two_events(qualifier: frozenset, other: frozenset) -> bool:
    """Whether two qualifiers of one event word name two events: both kinds or both not (a kind and a
    place may be one event), none shared; or two scopes, whatever else they share ("World Indoor",
    "European Indoor")."""
    if (qualifier & EVENT_SCOPES) and (other & EVENT_SCOPES) and not qualifier & other & EVENT_SCOPES:
        return True
    return bool(other) and not other & qualifier and bool(other & EVENT_KINDS) == bool(qualifier & EVENT_KINDS)


def _qualifier_written(qualifier: frozenset, s_terms: set) -> bool:
    """Whether the sentence writes the question's qualifier: any word of it; of one with a scope, the
    scope or a place ("Indoor" of "World Indoor Championships" is written in "European Indoor ...")."""
    scopes = qualifier & EVENT_SCOPES
    return bool(((qualifier - EVENT_KINDS) | scopes if scopes else qualifier) & s_terms)


def other_event(question: str, sentence: str) -> tuple[str, str]:
    """(the sentence's event, the question's) when ``sentence`` names an event of the question ("the
    Athens Olympics") only by another place or name before the same event word ("won silver in the
    100m at the Sydney Olympics"), or by another scope ("European" for "World Indoor Championships"):
    its fact is another event's. The question's qualifier written anywhere in the sentence ("Athens"),
    or as another form of the same country ("the Australian Open" beside "Australia"), makes it none:
    ("", "").

    >>> other_event("Who won silver in the 100m at the Athens Olympic Games?",
    ...             "Kenteris won gold in the 200m at the Sydney Olympics, where Thanou won silver in the 100m.")
    ('Sydney Olympics', 'Athens Olympic Games')
    >>> other_event("Who won silver in the 100m at the Athens Olympics?", "Athens Olympic 100m silver medallist Francis Obikwelu and Sydney Olympic champion Maurice Greene")
    ('', '')
    """
    s_terms, s_countries = _capital_terms(sentence), countries(sentence)
    for r in name_runs(question):
        event, qualifier = _event_parts(r)
        place = " ".join(w for w in r.words if w.lower() not in EVENT_WORDS)
        if not qualifier or _qualifier_written(qualifier, s_terms) or (country_of(place) is not None and country_of(place) in s_countries):
            continue
        for o in name_runs(sentence):
            o_event, o_qualifier = _event_parts(o)
            if o_event & event and _two_events(qualifier, o_qualifier):
                return " ".join(o.words), " ".join(r.words)
    return "", ""


def edition_pairs(question: str) -> list[tuple[str, str]]:
    """(name word, number) of a name the question writes with a number after it: "Windows 7", "Xbox
    360", "Super Bowl 50". Not a year (the time-scope rule reads those: "Euro 2016"), not a possessive
    ("Jacksonville's 30 studios"), not a month or day ("May 5").

    >>> edition_pairs("Who was the Super Bowl 50 MVP in Euro 2016 and Jacksonville's 30 studios?")
    [('Bowl', '50')]
    """
    spans = [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(question)]
    out = []
    for (name, _, a_end), (num, b_start, _) in zip(spans, spans[1:]):
        low = name.lower()
        if (question[a_end:b_start].strip() or not _NUMBER.match(num) or YEAR.match(num) or not name[:1].isupper()
                or low.endswith(("'s", "\u2019s")) or low in STOPWORDS or low in QUESTION_WORDS
                or CALENDAR.fullmatch(name)):
            continue
        out.append((name.rstrip("."), num))
    return out


# The lead sentence of a sure answer may state the asked relation for another thing of the same kind
# (session 13, sib13: synthetic SQuAD near misses). Three forms a reader can check in the sentence:
# the question's numbered name written with another number ("Apollo 15" for "Which lunar probe was
# near the Apollo 12 crew's landing site?"), its year replaced by another ("In
# 1882, Tesla began working for..." for "Where did Tesla work in 1888?"), and the asked thing of a
# named owner held by another ("Morgan finally replied through his secretary" for "Who was Tesla's
# secretary?").
_NOT_A_YEAR_OF = re.compile(r"(?:\b(?:before|after|prior\s+to|since|until|till|by|from|between|around|circa|"
                            r"about|than|as\s+of)|[-\u2013])\s*$", re.I)  # the answer's year is another by design
_IN_YEAR = re.compile(r"\b[Ii]n\s+((?:1\d|20)\d\d)\b(?![s'\u2019\d])")
_RANGE = re.compile(r"\b((?:1\d|20)\d\d)\s*(?:[-\u2013/]|to|until)\s*((?:1\d|20)?\d\d)\b")  # "2006-2008", "2004-05"


def _word_in(word: str, text: str) -> bool:
    return re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w])", text) is not None


def _numbered_other(question: str, lead: str) -> tuple[str, str]:
    """A numbered name of the question the lead writes with another number, its own number absent."""
    for name, num in edition_pairs(question):
        m = re.search(r"\b" + re.escape(name) + r"\s+(\d+)\b", lead)
        if m and m.group(1) != num and not _word_in(num, lead):
            return f"{name} {num}", f"{name} {m.group(1)}"
    return "", ""


def _year_other(question: str, lead: str) -> tuple[str, str]:
    """A year the question dates its fact by (not "before 1900", "since 2001", "the 1970s") that the
    lead neither writes nor spans ("2006-2008" holds 2007), while the lead dates its own by another
    ("in 1882")."""
    years = [m.group(1) for m in re.finditer(r"\b((?:1\d|20)\d\d)\b(?![s'\u2019\d])", question)
             if not _NOT_A_YEAR_OF.search(question[:m.start()])]
    spans = [(int(a), int(a[:2] + b if len(b) == 2 else b)) for a, b in _RANGE.findall(lead)]  # "2004-05": 2004-2005
    for y in years:
        if _word_in(y, lead) or any(a <= int(y) <= b for a, b in spans):
            return "", ""
    m = _IN_YEAR.search(lead)
    return (years[0], m.group(1)) if years and m else ("", "")


def replaced_qualifier(question: str, lead: str) -> tuple[str, str]:
    """(the question's qualifier, the other one the lead sentence writes in its place), or ("", ""):
    a numbered name ("Apollo 12" / "Apollo 15"), then a year ("1888" / "1882").

    >>> replaced_qualifier("Which probe was near the Apollo 12 landing site?", "SELENE saw the Apollo 15 crater.")
    ('Apollo 12', 'Apollo 15')
    >>> replaced_qualifier("Where did Tesla work in 1888?", "In 1882, Tesla began working for Edison.")
    ('1888', '1882')
    >>> replaced_qualifier("Where did Tesla work in 1888?", "In 1888 Tesla went to Pittsburgh, not as in 1882.")
    ('', '')
    """
    own, other = _numbered_other(question, lead)
    return (own, other) if own else _year_other(question, lead)


_OWNED = re.compile(r"(?<![\w'\u2019])((?:[A-Z][\w.-]*\s+){0,3}(?:[A-Z][\w.-]*|\d+))['\u2019]s\s+((?:[a-z][\w-]*\s*){1,3})")
_PRONOUNS = frozenset("his her its their".split())
OWNED_GAP = 2  # words that may stand between the pronoun and the owned noun ("their monthly audience share")


def _owned(question: str) -> list[tuple[str, str]]:
    """(owner, the owned noun's term) of "X's <noun>" in the question past its first word: ("Tesla",
    "secretari") in "Who was Tesla's secretary?"; the noun is the last word before a stop word."""
    out = []
    for m in _OWNED.finditer(question):
        head = []
        for w in m.group(2).split():
            if w.lower() in STOPWORDS or w.lower() in QUESTION_WORDS:
                break
            head.append(w)
        t = terms(head[-1]) if head and m.start() > 0 else []
        if t:
            out.append((m.group(1), t[-1]))
    return out


def pronoun_holder(question: str, lead: str) -> tuple[str, str]:
    """(the question's owner, the name the lead gives the owned thing to), or ("", ""): the question
    asks for a named owner's thing ("Who was Tesla's secretary?"), the lead writes that noun after
    "his", "her", "its" or "their" (``OWNED_GAP`` words between at most), and the nearest name before
    the pronoun is no name of the question, none of which stands before it either.

    >>> pronoun_holder("Who was Tesla's secretary?", "In 1904 Morgan finally replied through his secretary, after Tesla wrote.")
    ('Tesla', 'Morgan')
    >>> pronoun_holder("Who was Tesla's secretary?", "In 1900 Tesla hired George Scherff as his secretary.")
    ('', '')
    """
    owned = _owned(question)
    if not owned:
        return "", ""
    q_terms = frozenset(t for r in name_runs(question) for t in r.terms) | {t for o, _ in owned for t in terms(o)}
    toks = tokens(lead)
    runs = name_runs(lead)
    for owner, noun in owned:
        for i, w in enumerate(toks):
            if noun not in terms(w):
                continue
            k = next((j for j in range(i - 1, max(-1, i - 2 - OWNED_GAP), -1) if toks[j].lower() in _PRONOUNS), -1)
            before = [r for r in runs if r.last < k]
            named = {t for v in toks[:max(k, 0)] if v[:1].isupper() for t in terms(v)}  # the first word too
            after_of = toks[i + 2:i + 2 + OWNED_GAP] if toks[i + 1:i + 2] == ("of",) else ()
            of_owner = [t for v in after_of for t in terms(v)]
            if k < 0 or not before or named & q_terms or set(of_owner) & set(terms(owner)):
                continue  # "its valuation of WMC" is WMC's valuation (review13)
            return owner, " ".join(before[-1].words)
    return "", ""


# A short form an article writes as lower-case words that its initials do not give (SQuAD's "TV"; BBC writes
# "prime minister" and "chief executive" mostly in lower case).
SPELLED_AS = {"TV": "television", "PM": "prime minister", "CEO": "chief executive"}
_LINK_WORDS = frozenset("of for and the on in de".split())


def spelled_out(short: str, texts: list[str], capitals: bool = False) -> bool:
    """Whether one of ``texts`` writes the short form ``short`` out: capitalised words whose initials
    it is ("United Nations" for "UN", "Office for National Statistics" for "ONS": link words such as
    "for" are passed over), or its listed word ("television" for "TV"). From three letters on the words
    may be lower case (BBC writes "gross domestic product", never capitalised); two-letter forms need
    capitals ("United States" for "US", not "up sharply"), and so do all with ``capitals``.

    >>> spelled_out("ONS", ["figures from the Office for National Statistics show"]), spelled_out("UK", ["the US trade gap"])
    (True, False)
    """
    word = SPELLED_AS.get(short)
    if word and any(re.search(r"\b" + word.replace(" ", r"\s+") + r"\b", t, re.I) for t in texts):
        return True
    gap = r"\s+(?:(?:" + "|".join(sorted(_LINK_WORDS)) + r")\s+)*"
    initial = (lambda ch: "[" + ch + ch.lower() + "]") if len(short) >= 3 and not capitals else (lambda ch: ch)
    pattern = re.compile(r"\b" + gap.join(initial(ch) + r"[a-z]+" for ch in short) + r"\b")
    return any(pattern.search(t) for t in texts)


_LEDE_CHARS = 80  # the opening runs to the first block of at least this many characters: the first paragraph


def unplaced_name(question: str, doc_text: str, start: int) -> str:
    r"""A name of the question (``name_runs``) that neither the paragraph of ``doc_text`` holding
    ``start`` (the lead quote's), nor the paragraph before it, nor the article's opening (its blocks
    up to the first paragraph: headline, dateline, lede) writes: in no word of it, in any case ("the
    earth" for "Earth"), no other form of the same country, no short form ("Juve" for "Juventus",
    "Lib Dems" for "Liberal Democrats": a capitalised word of three letters or more that begins a
    word of the name, or that one begins); a demonym alone is no such name ("English"). "" when
    every name is there.

    That is where a news sentence's context is: the speaker of a quote stands in the paragraph before,
    the story's subject in its opening. A question that names someone the article meets only further
    off is often answered from a paragraph about another ("What did Edison establish after his
    Colorado experiments?" from "The Colorado experiments had prepared Tesla for the establishment
    of ...": SQuAD 2.0's entity swaps); an answerable one seldom is.

    >>> doc = "Tesla's life\n\nTesla was born in Smiljan in 1856 and later met Edison in Paris.\n\nThe Colorado experiments had prepared Tesla."
    >>> unplaced_name("What did Edison establish after his Colorado experiments?", doc, doc.index("The Colorado"))
    ''
    >>> unplaced_name("What did Westinghouse establish after his Colorado experiments?", doc, doc.index("The Colorado"))
    'Westinghouse'
    """
    runs = name_runs(question)
    if not runs:
        return ""
    blocks = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", doc_text)]
    k = next((i for i, (a, b) in enumerate(blocks) if a <= start < b), None)
    near = [doc_text[a:b] for a, b in blocks[max(0, k - 1):k + 1]] if k is not None else []
    for a, b in blocks:  # the opening
        near.append(doc_text[a:b])
        if b - a >= _LEDE_CHARS:
            break
    region = " ".join(near)
    have, forms = set(terms(region)), countries(region)  # any case: "the earth", "this treatise"
    caps = None  # the region's capitalised words, read only when a name is not written as it is
    for r in runs:
        if r.terms & have or country_of(" ".join(r.words)) in forms or (len(r.words) == 1 and is_nationality(r.words[0])):
            continue  # written, a form of a country written, or a demonym ("English": often absent from the answer)
        if caps is None:
            caps = {w.lower() for w in tokens(region) if w[:1].isupper() and len(w) >= 3} - STOPWORDS  # "The" is no "Theresa"
        if any(c.startswith(w) or w.startswith(c) for w in (x.lower() for x in r.words if len(x) >= 3) for c in caps):
            continue  # a short form of the name
        if len(r.words) == 1 and SHORT_FORM.match(r.words[0]) and spelled_out(r.words[0], [region], capitals=True):
            continue  # "UN" written "the United Nations"; in capitals only: "cement production industry" is no "CPI" (review13)
        return " ".join(r.words)
    return ""


# "Who replaced Jose Mourinho as Chelsea manager?": the question asks who followed a named person.
# The sentence that answers states that succession; one that names the person as the successor
# ("replaced at Chelsea by Jose Mourinho") or another predecessor ("likely to succeed Mr Blair" for
# "Who succeeded Gordon Brown?") does not.
_NAME = r"((?:[A-Z][\w'\u2019.-]*\s+){0,3}[A-Z][\w'\u2019.-]*)"
_SUCC_VERB = r"(?:replac(?:e|es|ed|ing)|succeed(?:s|ed|ing)?|(?:took|take|takes|taking|taken)\s+over\s+from)"
_ASKS_SUCCESSOR = (re.compile(r"\b" + _SUCC_VERB + r"\s+" + _NAME),
                   re.compile(_NAME + r"(?:'s|\u2019s)\s+(?:successor|replacement)\b"),
                   re.compile(r"\b(?:successor|replacement)\s+(?:to|of|for)\s+" + _NAME))
_SUCC_WORD = re.compile(r"\b(?:" + _SUCC_VERB + r"|successors?|replacements?|in\s+place\s+of|(?:steps?|stepped|stepping)\s+down"
                        r"|quit|quits|resign(?:s|ed|ation)?|departure|sacked|ousted)\b", re.I)
_OBJECT_WORDS = 4  # a succession verb's object: a name within this many words after it ("replaced Sir Alex Ferguson")


def successor_asked(question: str) -> str:
    """The person whose successor the question asks for ("Jose Mourinho" in "Who replaced Jose
    Mourinho as Chelsea manager?"), or "" (also for "Who did John Toshack succeed?", which asks the
    predecessor: the name stands before the verb).

    >>> successor_asked("Who replaced Jose Mourinho as Chelsea manager?"), successor_asked("Who did Toshack succeed?")
    ('Jose Mourinho', '')
    """
    if not re.match(r"\s*(?:who|which|what)\b", question, re.I):
        return ""
    for pat in _ASKS_SUCCESSOR:
        m = pat.search(question)
        if m:
            ws = [w for w in m.group(1).split() if w.lower().rstrip(".") not in TITLES and w.lower() not in STOPWORDS]
            if ws:
                return " ".join(ws)
    return ""


def _names_person(name: str, own: frozenset) -> bool:
    return bool(frozenset(terms(name)) & own)


def _other_predecessor(word: str, before: str, after: str, own: frozenset) -> bool:
    """Whether the succession ``word`` is tied to a predecessor other than the asked one: its owner
    ("Mr Blair's successor"), its object ("to succeed Mr Blair", "successor to Henry")."""
    owner = re.search(_NAME + r"(?:'s|\u2019s)\s+$", before)
    if owner and not _names_person(owner.group(1), own):
        return True
    noun = re.match(r"successor|replacement", word, re.I)
    lead = r"\s+(?:to|of|for)" if noun else r""
    obj = re.match(lead + r"(?:\s+(?:the|Mr|Mrs|Ms|Sir|Dr))?\s+" + _NAME, after)
    return bool(obj) and obj.group(1).split()[0].lower() not in STOPWORDS and not _names_person(obj.group(1), own)


def succession_stated(person: str, sentences: list[str]) -> bool:
    """Whether one of ``sentences`` states that ``person`` was followed by someone: a succession word
    tied neither to another predecessor ("to succeed Mr Blair", "Mr Blair's successor") nor to
    ``person`` as the one who followed ("replaced at Chelsea by Jose Mourinho"); a departure word
    ("resigned", "stepped down") in a sentence naming ``person``. A successor with no predecessor
    named counts ("Ogedei was appointed as successor", in a paragraph about Genghis Khan).

    >>> succession_stated("Jose Mourinho", ["Ranieri was replaced at Chelsea by Jose Mourinho."])
    False
    >>> succession_stated("Dick Clark", ["hosted by Dick Clark, and later by his successor Ryan Seacrest"])
    True
    """
    surname = person.split()[-1]
    own = frozenset(terms(person))
    for s in sentences:
        for m in _SUCC_WORD.finditer(s):
            before, after = s[:m.start()], s[m.end():]
            by = re.match(r"(?:\s+(?!by\b)[\w'\u2019.-]+){0,%d}?\s+by\s+%s" % (_OBJECT_WORDS, _NAME), after)
            if by and _names_person(by.group(1), own):
                continue  # the person followed someone
            if _other_predecessor(m.group(0), before, after, own):
                continue
            departure = not re.match(_SUCC_VERB + r"|successor|replacement|in\s+place", m.group(0), re.I)
            if surname in s or not departure:
                return True
    return False
