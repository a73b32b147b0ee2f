"""Who is / what is X: the sentences that say what X is, best-described first.

A description is an appositive ("Mr Blunkett, the home secretary,"), a copula ("Yukos is Russia's
biggest oil firm"), a role before the name ("Home Secretary David Blunkett", "UKIP MEP Robert
Kilroy-Silk") or a headline with X as its subject ("Kilroy-Silk quits as UKIP member").
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsqa.embeddings.lexical import STOPWORDS

from ..lexicon import BODY_WORDS, DESCRIPTION_WORDS, MONTHS, NAME_TITLES, SAYING_VERBS, WEEKDAYS, is_nationality
from ..lexicon import ROLE_WORDS as PERSON_WORDS
from ..quotes import Candidate, near_duplicate
from ..roles import Roles, collection_roles
from .pool import Pool

ROLE_WORDS = tuple(sorted(DESCRIPTION_WORDS, key=lambda w: (-len(w), w)))  # longest first in the regex
_ROLE = "|".join(ROLE_WORDS)
MAX_QUOTES = 2
BONUS = {"appositive": 0.30, "copula": 0.25, "role": 0.20, "headline": 0.15, "lead": 0.15, "back": 0.15, "pronoun": 0.10,
         "career": 0.10}


def _name_forms(subject: str) -> list[str]:
    """ "David Blunkett" -> ["David Blunkett", "Mr Blunkett", "Blunkett"]; one word stays as is."""
    parts = subject.split()
    forms = [subject]
    if len(parts) > 1:
        forms += [f"{t} {parts[-1]}" for t in ("Mr", "Mrs", "Ms", "Dr")] + [parts[-1]]
    return forms


# "X, who is/was ..." says who X is only with a noun phrase after the verb ("who is the party's
# chairman", "who was chief executive"), not "who was upset to be dropped" (a state, an event)
# (or with a short attribute closed by a comma: "who is blind,")
_WHO_BE = (r"(?:is|was|has\s+been|had\s+been|became)\s+(?:(?:the|a|an|one|its|his|her|now|still)\b|(?:[\w'\u2019-]+\s+){{0,3}}?(?:"
           + _ROLE + r")s?\b|(?:[\w'\u2019-]+\s+)?[\w'\u2019-]+(?=\s*[,;)]))")
_WHO_VERB = ("heads|headed|runs|ran|leads|led|founded|owns|chairs|coaches|manages|"
             "plays|played|stars|starred|represents|won|has won").replace(" ", r"\s+")
_ROLE_VERB = "heads|headed|leads|led|founded|runs|ran|owns|chairs|chaired|coaches|manages|managed|represents"
_HEADLINE_VERB = ("quits|resigns|named|appointed|becomes|elected|steps down|to (?:quit|lead|head|join)|joins|leaves|"
                  "sacked|made|set to (?:lead|quit|head|join)")
# a role word after a modal or a negation is a verb: "Navratilova will partner Nathalie Dechy"
_MODALS = ("will", "would", "can", "could", "may", "might", "must", "shall", "should", "not", "did", "does", "to help")
# "n't" ends a word ("won't", "didn't"): no word boundary before it
_NOT_VERB = "".join(rf"(?<!\b{m}\s)" for m in _MODALS) + r"(?<!n't\s)(?<!n\u2019t\s)"
_NEGATION = r"n['\u2019]t"
# "{f}" is the name as matched; each pattern is (kind, template, case-insensitive)
_PATTERNS = (
    ("appositive", r"\b{f}(?:\u2019s|'s)?,\s+(?:the|a|an|former|now|once|formerly|(?:best\s+)?known|who\s+(?:" + _WHO_VERB
     + r"|" + _WHO_BE + r")|(?:[\w'\u2019-]+\s+){{0,3}}(?:" + _ROLE + r")s?)\b", True),
    # "Mr Blunkett, the home secretary,"
    ("appositive", r"\b{f}\s+[-\u2013\u2014]\s+(?:the|a|an|who|former|now|once)\b", True),  # "X - who has resigned as ... -"
    ("appositive", r"^(?:once|formerly|previously)?\s*(?:the|a|an)\b[^,]{{0,50}}\b(?:" + _ROLE + r"|man|woman)s?\b[^,]{{0,30}},"
     r"\s+(?:(?:Mr|Mrs|Ms|Dr)\s+)?{f}\b", True),  # "Once the country's richest man, Mr Khodorkovsky is ..."
    ("copula", r"\b{f}\s+(?:is|was|has been|became|remains|, who is)\s+(?:(?:the|a|an|now|still)\b|[A-Z]|one\s+of\s+"
     r"(?:[\w'\u2019-]+\s+){{0,4}}?(?:" + _ROLE + r")s?\b)", False),  # "one of the world's best players", not "one of the first to be approached"
    ("copula", r"\b{f}\s+(?:" + _ROLE_VERB + r")\s+(?:the|a|an|[A-Z])", False),  # "Mr Lebedev headed the Menatep group"
    ("role", _NOT_VERB + r"\b(?:" + _ROLE + r"|number\s+(?:one|two|three|\d+)|\d{{1,3}}-year-old)s?\s+(?-i:[A-Z][\w'-]*\s+)?{f}\b",
     True),
    # "Home Secretary David Blunkett", "Former world number one Juan Carlos Ferrero", "The 18-year-old Mirza"
    ("role", r"\b(?:" + _ROLE + r")s?,\s+{f},", True),  # a closed appositive only: "Ofsted chief, David Bell, said"
    ("role", r"\b[A-Z][\w&.-]*(?:\u2019s|'s)\s+{f}\b", False),  # whose: "Oxfam's Barbara Stocking said"
    ("appositive", r"\b{f}(?:\u2019s|'s)\s+(?:job|post|position|role|time|spell|tenure|term)\s+(?:as|of)\s+"
     r"(?:[\w'\u2019-]+\s+){{0,3}}?(?:" + _ROLE + r")s?\b", True),  # "Bill Conti's job of musical director"
    ("copula", r"\b{f}\s+(?:(?:will|would|has|have|had|is|was|be|been|being|also|now)\s+){{0,3}}(?:[a-z]+ed\s+)?as\s+"
     r"(?:(?:the|a|an|its|their)\s+)?(?:[\w'\u2019-]+\s+){{0,3}}?(?:" + _ROLE + r")s?\b", False),
    # "Glenn Hoddle will be unveiled as the new Wolves manager", "X served as finance minister"
    # (not "... his second term as US President, Tony Blair has said": a clause ending in a role)
)
_HEADLINE = r"^{f}\s+(?:" + _HEADLINE_VERB + r")\b"  # "Kilroy-Silk quits as UKIP member"


def description(subject: str, sentence: str, headline: bool = False, full_name: bool = False,
                roles: Roles = Roles()) -> str:
    """How ``sentence`` describes ``subject``: "appositive", "copula", "role", "headline" or "".
    ``full_name``: only the subject as asked counts ("Mario Paniccia", not "Mr Paniccia"); ``roles``:
    role words mined from the collection (``qa.roles``), read beside the word list's."""
    for form in _name_forms(subject)[:1] if full_name else _name_forms(subject):
        if not _name_rx(form, False).search(sentence):
            continue
        short = form != subject
        for kind, before, after, nocase in _split_patterns():
            if _around(sentence, form, before, after, nocase, subject if short else "", subject_only=kind == "copula"):
                return kind
        if headline:
            before, after = _headline_split()
            if _around(sentence, form, before, after, True, subject if short else ""):
                return "headline"
        kind = _mined_role(sentence, form, roles, subject, short)
        if kind:
            return kind
    return ""


_WORD_BEFORE = re.compile(r"(?<![\w'\u2019-])([a-z][a-z-]{1,20}|[A-Z]{2,3})\s+$")
# the surname form may have its first name between ("Chancellor Gordon Brown" for "Brown"); the full
# name may not ("in east London Tony Blair": "east" is no title of his)
_WORD_BEFORE_SHORT = re.compile(r"(?<![\w'\u2019-])([a-z][a-z-]{1,20}|[A-Z]{2,3})\s+(?:[A-Z][\w'\u2019-]*\s+)?$")
_MODAL_BEFORE = re.compile(r"(?:\b(?:" + "|".join(_MODALS) + r")|" + _NEGATION + r")\s+$", re.I)
_APPOSED = re.compile(r"(?:\u2019s|'s)?,\s+(?:[\w'\u2019-]+\s+){0,3}?([a-z][a-z-]{1,20}|[A-Z]{2,3})"
                      r"(?=\s*[,.;]|\s+(?:of|at|for|in|and|with|who)\b)")


def _mined_role(sentence: str, form: str, roles: Roles, subject: str, short: bool) -> str:
    """A mined role word right before the name ("state bank VEB", "DJ Norman Cook"; before a surname
    one capitalised word may stand between, its first name), a noun after capitalised modifiers
    ("Iceland Under-21 international Emil Hallfredsson"; not "director Ron Howard chose Tautou":
    "chose" is no noun) or a role ending a short appositive after it ("Andrew Stoddart, chief
    scientist at 2d3"): "role", "appositive" or ""."""
    if not roles.titles:
        return ""
    own = {w.lower() for w in subject.split()}  # "van" of "Ruud van Nistelrooy" is his name, not a title
    for m in _name_rx(form, False).finditer(sentence):
        if short and _someone_else(sentence, m, subject):
            continue
        before = (_WORD_BEFORE_SHORT if short else _WORD_BEFORE).search(sentence, 0, m.start())
        if before and before.group(1).lower() not in own and not _MODAL_BEFORE.search(sentence, 0, before.start()):
            if _is_role(before.group(1), roles.titles) or (_is_role(before.group(1), roles.nouns)
                                                           and _modified(sentence[: before.start()])):
                return "role"
        after = _APPOSED.match(sentence, m.end())
        if after and _is_role(after.group(1), roles.titles):
            return "appositive"
    return ""


_MODIFIER = re.compile(r"(?:^|(?<=\s))([A-Z][\w'\u2019-]*)\s+$")
_CALENDAR = re.compile(rf"{WEEKDAYS}|{MONTHS}|Christmas|Easter|Last|Next|Every|Each|Early|Late")


def _modified(text: str) -> bool:
    """``text`` ends in a capitalised modifier of what follows: a name or a word like "Under-21",
    not a function word opening the sentence ("The", "If") or a time ("Monday night", "Last week")."""
    m = _MODIFIER.search(text)
    return bool(m) and m.group(1).lower() not in STOPWORDS and not _CALENDAR.fullmatch(m.group(1))


def _is_role(word: str, roles: frozenset) -> bool:
    return (word if word.isupper() else word.lower()) in roles


_PREP_BEFORE = re.compile(r"\b(?:of|for|to|with|by|from|on|at|in|into|about|against|over|under|between|after|before|"
                          r"behind|like|than|among|beside|without)\s+(?:(?:Mr|Mrs|Ms|Dr)\s+)?$", re.I)


def _around(sentence: str, form: str, before: re.Pattern, after: re.Pattern, nocase: bool, short_of: str = "",
            subject_only: bool = False) -> bool:
    """Some occurrence of the name has ``before`` ending right before it and ``after`` right after:
    the same match as the whole pattern with the name in its place, without compiling the long role
    patterns again for every name (that cost ~50 ms a name form). ``short_of``: the full subject when
    ``form`` is a short form of it; then an occurrence that is someone else's does not count.
    ``subject_only`` (a copula): the name must be the clause's subject, not a preposition's object
    ("a difficult year for Ferrero was the decision of ..." says nothing of Ferrero)."""
    for m in _name_rx(form, nocase).finditer(sentence):
        if subject_only and _PREP_BEFORE.search(sentence, 0, m.start()):
            continue
        if after.match(sentence, m.end()) and before.search(sentence[: m.start()]):
            if not short_of or not _someone_else(sentence, m, short_of):
                return True
    return False


_CAP_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")
_BODY_TAIL = re.compile(r"(?:['\u2019]s)?(?:,|\s+(?:is|was))\s+(?:the|a|an)\s+[^,.;:]*?\b(?:"
                        + "|".join(sorted(BODY_WORDS - {"band"})) + r")\b[^,.;:]*")  # ", the US car company"
_PERSON = re.compile(r"\b(?:" + "|".join(sorted(PERSON_WORDS, key=lambda w: (-len(w), w))) + r")s?\b", re.I)


def _someone_else(sentence: str, m: re.Match, subject: str) -> bool:
    """A short form's occurrence that is not the subject: another first name before the surname
    ("lawyer George Carman" asked "Who is Dominic Carman?"), or an organisation by the same name
    ("Ford, the US car company" asked "Who is Bill Ford?")."""
    before = _CAP_BEFORE.search(sentence[: m.start()])
    if before and before.group(1) not in subject.split() and before.group(1).lower() not in NAME_TITLES \
            and before.group(1).lower() not in DESCRIPTION_WORDS:
        return True
    tail = _BODY_TAIL.match(sentence, m.end())
    return bool(tail) and not _PERSON.search(tail.group(0))


@lru_cache(maxsize=1024)
def _name_rx(form: str, nocase: bool) -> re.Pattern:
    return re.compile(rf"\b{re.escape(form)}\b", re.I if nocase else 0)


def _split(template: str, nocase: bool) -> tuple[re.Pattern, re.Pattern]:
    """A template "P{f}S" as P anchored at the end of the text before the name and S anchored at its
    end (the name's own pattern gives the word boundaries)."""
    head, tail = (part.replace("{{", "{").replace("}}", "}") for part in template.split("{f}"))
    head, tail = head.removesuffix(r"\b"), tail.removeprefix(r"\b")
    flags = re.I if nocase else 0
    return re.compile(f"(?:{head})$", flags), re.compile(tail, flags)


@lru_cache(maxsize=1)
def _split_patterns() -> tuple:
    """(kind, before, after, case-insensitive) of each description pattern, compiled once."""
    return tuple((kind, *_split(t, nocase), nocase) for kind, t, nocase in _PATTERNS)


@lru_cache(maxsize=1)
def _headline_split() -> tuple[re.Pattern, re.Pattern]:
    return _split(_HEADLINE, True)


ARTICLES = 2  # the first few articles naming the subject in full are read whole for descriptions


def _names(pool: Pool, doc_id: str, subject: str, known: list[str]) -> bool:
    """Article ``doc_id`` names ``subject`` in full (``known``: the candidates' articles that do)."""
    return doc_id in known or bool(_name_rx(subject, False).search(pool.text(doc_id)))


def _named_in_full(pool: Pool, subject: str) -> list[str]:
    """The articles among the candidates' that name ``subject`` in full, best first."""
    docs = dict.fromkeys(c.hit.passage.doc_id for c in pool.scored)
    rx = _name_rx(subject, False)
    return [d for d in docs if rx.search(pool.text(d))]


def _described(pool: Pool, subject: str, whole: bool = True) -> list[tuple[float, Candidate, str]]:
    """(score with the description's bonus, candidate, kind) of every describing sentence: the top
    passages' sentences, their headlines and (``whole``) every sentence of the articles naming the
    subject in full. Found once per question (the answer and the abstention overrule both ask)."""
    key = ("described", subject, whole)
    if key not in pool.memo:
        pool.memo[key] = _find_described(pool, subject, whole)
    return pool.memo[key]


def _find_described(pool: Pool, subject: str, whole: bool) -> list[tuple[float, Candidate, str]]:
    in_full = _named_in_full(pool, subject)
    full = in_full[:ARTICLES] if whole else []
    strict = len(subject.split()) > 1  # "Bell" alone is David Bell only in an article naming David Bell
    seen: set = set()
    out = []
    kinds = pool.memo.setdefault(("kinds", subject), {})  # a sentence's kind of description, found once
    roles = collection_roles(getattr(pool, "snapshot", None))  # a stand-in pool of a test has none
    for c in list(pool.scored) + pool.titles() + [c for d in full for c in pool.article(d)]:
        key = (c.hit.passage.doc_id, c.start)
        if key in seen:
            continue
        seen.add(key)
        kind = kinds.get(key)
        if kind is None:
            kind = kinds[key] = description(subject, c.text, headline=c.hit.passage.kind == "headline",
                                            full_name=strict and not _names(pool, key[0], subject, in_full), roles=roles)
        if kind:
            out.append((c.score + BONUS[kind], c, kind))
    for d in full:
        sents = pool.article(d)
        out += [(c.score + BONUS["lead"], c, "lead") for c in _lead_description(sents, subject)]
        out += [(c.score + BONUS["pronoun"], c, "pronoun") for c in _pronoun_description(sents, subject)]
        out += [(c.score + BONUS["back"], c, "back") for c in back_references(sents, subject)]
        out += [(c.score + BONUS["career"], c, "career") for c in career_sentences(sents, subject)]
    return sorted(out, key=lambda t: -t[0])


def _lead_description(sents: list[Candidate], subject: str) -> list[Candidate]:
    """An article's opening that describes the subject in the sentence before or after the one
    naming it: "A close associate of former Yukos boss Mikhail Khodorkovsky has told a court ..."
    (or "Shell is to pay $1m to the ex-finance chief who stepped down ...") followed by "Platon
    Lebedev has ..."; "Former world number one Juan Carlos Ferrero insists ..." followed by "The
    2003 French Open champion has slipped ..."."""
    if len(sents) < 2:
        return []
    first, second = sents[0].text, sents[1].text
    if re.match(rf"{re.escape(subject)}\b", second):
        return [sents[0]] if _INTRO.match(first) or _INTRO_WHO.search(first) or _someone(first, subject) else []
    named = re.search(rf"\b{re.escape(subject)}\b", first)
    if (named and len(first[: named.start()].split()) <= NAMED_EARLY and _INTRO_BACK.match(second)
            and _only_name(first, subject)):
        return [sents[1]]
    return []


_HE = re.compile(r"(?:He|She)\s+(?!(?:" + SAYING_VERBS + r"|also|will|would|could|can|may|might|did|does)\b"
                 r"|(?:is|was)\s+(?:\w+ing|not|never)\b)"
                 r"(?:is|was|has|had|made|makes|became|"
                 r"joined|founded|runs|ran|heads|headed|leads|led|played|plays|won|served|set|started|studied|"
                 r"worked|works)\b")
ABOUT = 2  # an article is about the subject when its first sentences name it


def _pronoun_description(sents: list[Candidate], subject: str) -> list[Candidate]:
    """In an article about the subject (named in full in its first two sentences), the first "He/She
    <verb> ..." sentence right after a sentence naming the subject: "He made his fortune from care
    homes and health clubs." after "Mr Bannatyne has previously given Labour £50,000."; "He was a
    student when he set up his napster.no site"."""
    if not any(re.search(rf"\b{re.escape(subject)}\b", c.text) for c in sents[:ABOUT]):
        return []
    forms = _name_forms(subject)
    for prev, c in zip(sents, sents[1:]):
        if _HE.match(c.text) and any(_name_rx(f, False).search(prev.text) for f in forms) \
                and not _someone_after(prev.text, subject):
            return [c]
    return []


_CAREER = (r"(?:(?:has|had|later|first|then)\s+)?(?:entered|joined|founded|co-founded|studied|trained|"
           r"received\s+(?:an?|the|his|her)\s+(?:[\w-]+\s+)?(?:Oscar|Grammy|Bafta|Emmy|award|prize|medal|honour|"
           r"knighthood|title|degree|OBE|MBE|CBE)s?|"
           r"was\s+born|grew\s+up|made\s+(?:his|her)\s+(?:name|fortune)|(?:started|began)\s+(?:his|her)\s+career|"
           r"served\s+as|was\s+elected)\b")


def career_sentences(sents: list[Candidate], subject: str) -> list[Candidate]:
    """In an article about the subject (named in full in its first two sentences), a sentence whose
    subject is the name and whose verb tells a life or a career: "Mr Blunkett entered Parliament for
    Sheffield Brightside in 1987", "Conti received an Oscar in 1983 for the original score of The
    Right Stuff" (not "Conti said ...", not "Conti's most nerve-wracking moment ...", not "Grady
    received a pass from Crawford"). It adds to a description, but does not by itself make the
    subject described (``stated``)."""
    if not any(re.search(rf"\b{re.escape(subject)}\b", c.text) for c in sents[:ABOUT]):
        return []
    rx = _career_rx(subject)
    return [c for c in sents if rx.match(c.text)]


@lru_cache(maxsize=256)
def _career_rx(subject: str) -> re.Pattern:
    forms = "|".join(re.escape(f) for f in _name_forms(subject))
    return re.compile(rf"[\"'\u201c]?(?:{forms})\s+{_CAREER}")


def _only_name(sentence: str, subject: str) -> bool:
    """No capitalised word of ``sentence`` after its first is outside the subject's name: "The Lib
    Dem leader said ..." after an opening that names Charles Clarke and Charles Kennedy is about
    neither for sure."""
    own = set(subject.split())
    return all(w in own for w in re.findall(r"(?<!^)\b[A-Z][\w'\u2019-]*", sentence.strip()))


_BACK_VERB = "has|have|had|is|was|will|would|can|could|" + SAYING_VERBS
NAMED_EARLY = 8  # the lead is about the subject when it names it among its first words
_INTRO = re.compile(rf"(?:A|An|The)\s+(?:[\w'\u2019-]+\s+){{0,5}}?(?:{_ROLE})s?\b(?!['\u2019]s)")
# "A close associate of ... boss"; not a possessor ("The first minister's statement ...": the statement is its head)
_INTRO_BACK = re.compile(rf"The\s+(?:(?!of\b)[\w-]+\s+){{0,5}}?(?:{_ROLE})s?\s+(?:{_BACK_VERB})\b")
# definite, the role its head noun and the sentence's subject: "The 2003 French Open champion has slipped",
# not "The identity of the artist remains", "The actor's friend Budd Schulberg told", "The film-maker, who ..."
_SOMEONE = re.compile(r"\b(?:[Aa]n?)\s+(?!lot\b|few\b|number\b|series\b|bid\b)[\w'\u2019-]+")
_PERSONAL = re.compile(r"\b(?:who|he|she|his|her)\b")


def _someone(first: str, subject: str) -> bool:
    """A news lead introducing someone unnamed, whom the next sentence names in full: an indefinite
    phrase with a person's pronoun or a nationality ("... has prompted a Labour donor to say he ...",
    "A Norwegian student who ran a website ..."; not "A week of talks ended on Friday.")."""
    if len(subject.split()) < 2 or subject in first or not _SOMEONE.search(first):
        return False
    return bool(_PERSONAL.search(first)) or any(is_nationality(w) for w in re.findall(r"[A-Z][a-z]+", first))


_INTRO_WHO = re.compile(rf"\b(?:the|a|an)\s+(?:[\w'\u2019-]+\s+){{0,3}}?(?:{_ROLE})s?\s+(?:who|whose)\b")  # "the ex-finance chief who"


def choose_who_is(pool: Pool, subject: str) -> list[Candidate]:
    """Describing sentences of ``subject`` first (by kind of description, then score); [] if none.
    The articles naming the subject are read whole only when the top passages give too few. A
    sentence repeating a description already chosen is kept only for a slot nothing new fills, and
    then before a "He ..." sentence (a repeated role tells more than "He has some old dogs ...").
    A career sentence ("X entered Parliament for ...") only adds to a description: alone it is none."""
    out: list[Candidate] = []
    repeats: list[Candidate] = []
    later: list[Candidate] = []  # career sentences met before any description: they only add to one
    for whole in (False, True):
        for _, c, kind in _described(pool, subject, whole=whole):
            if any(near_duplicate(c.text, o.text) or o.text == c.text for o in out + repeats + later):
                continue
            if kind == "career" and not out:
                later.append(c)
            elif _told_already(subject, c.text, kind, out):
                repeats.append(c)
            elif kind != "pronoun" or not repeats:
                out.append(c)
                if len(out) >= MAX_QUOTES:
                    return out
    return (out + later + repeats)[:MAX_QUOTES] if out else []


def stated(pool: Pool, subject: str) -> bool:
    """Some sentence of an article naming ``subject`` in full describes it (a multi-word name, so
    that a surname alone does not stand for someone else)."""
    if len(subject.split()) < 2:
        return False
    full = set(_named_in_full(pool, subject))
    # a career sentence ("X joined the firm in 1990") adds to a description but does not say who X is
    return any(c.hit.passage.doc_id in full for _, c, kind in _described(pool, subject) if kind != "career")


_NEAR = 4  # words of a role before the name, or of an appositive or copula after it, that make its description


def _told_already(subject: str, text: str, kind: str, chosen: list[Candidate]) -> bool:
    """The description ``text`` gives is already in a chosen quote: every content word of the words
    describing the subject (the role before the name, the appositive or copula after it) stands in
    one of them ("He was replaced by former world number one Ferrero" after "Former world number one
    Juan Carlos Ferrero insists ..."): a second quote should tell something more."""
    if not chosen or kind not in ("role", "appositive", "copula", "back", "lead"):
        return False
    words = _back_words(text) if kind in ("back", "lead") else _describing_words(subject, text, kind)
    if not words:
        return False
    told = [set(re.findall(r"[\w'\u2019-]+", o.text.lower())) for o in chosen]
    return any(words <= t for t in told)


def _describing_words(subject: str, text: str, kind: str) -> set[str]:
    own = {w.lower() for w in subject.split()} | {"mr", "mrs", "ms", "dr"}
    for form in _name_forms(subject):
        m = _name_rx(form, False).search(text)
        if m:
            before = re.sub(r"(?:(?:Mr|Mrs|Ms|Dr)\s+)?$", "", text[: m.start()]).rstrip()
            # a role, or an appositive before the name ("Once the country's richest man, Mr X"), is told before it
            if kind == "role":
                return _content(_role_phrase(before.split()), own)
            # an appositive before the name ("Once the country's richest man, Mr X") is told before it
            side = before.split()[-_NEAR:] if before.endswith(",") else text[m.end():].split()[:_NEAR + 1]
            return _content(side, own)
    return set()


_RANK = frozenset("number one two three former ex new".split())


def _role_phrase(before: list[str]) -> list[str]:
    """The words of a role right before a name: the word next to it, then back over capitalised words,
    role words and ranks ("Venezuelan President", "former world number one"; not "claim" of "Critics
    ... claim president Hugo Chavez")."""
    out = before[-1:]
    for w in reversed(before[:-1][-_NEAR:]):
        bare = w.strip(".,;:\"'()\u2019").lower()
        if not (w[:1].isupper() or bare in DESCRIPTION_WORDS or bare in _RANK or bare.endswith("-year-old")):
            break
        out.insert(0, w)
    return out


def _content(side: list[str], own: set = frozenset()) -> set[str]:
    words = {w.strip(".,;:\"'()\u2019").lower() for w in side}
    return {w for w in words if len(w) > 2 and w not in STOPWORDS and w not in own}


def _back_words(text: str) -> set[str]:
    m = _back_rx(True).search(text) or _back_rx(False).search(text)
    return _content(m.group(0).split()) if m else set()


_MOD = r"(?!(?:that|which|who|whom|of|to|in|for|and|or|but|as|at|on|by|with|from|after|before)\b)[\w'\u2019-]+"
_BACK_HEAD = r"(?:" + _MOD + r"\s+){{0,4}}?(?:{heads})s?"  # modifiers, never across a clause or a preposition
_BACK_AFTER = (r"(?:,\s+who\b|\s+(?:has|had|have|is|was|will|would|could|can|may|must|should|now|also|insists|"
               r"says|said|admits|admitted|believes|[a-z]+ed)\b)")
_AGE = r"\d{1,3}-year-old"
_FULL_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+\s+[A-Z][\w'\u2019-]+")


@lru_cache(maxsize=2)
def _back_rx(person: bool) -> re.Pattern:
    heads = sorted(PERSON_WORDS if person else DESCRIPTION_WORDS, key=lambda w: (-len(w), w))
    head = _BACK_HEAD.format(heads="|".join(heads)).replace("{{", "{").replace("}}", "}")
    # at least one word before the head: "the former England coach", not "the company said"
    return re.compile(rf"\b(?:the|The)\s+(?:(?!(?:{'|'.join(heads)})s?\b){_MOD}\s+(?:{head})|{_AGE}(?:\s+{head})?)"
                      rf"(?={_BACK_AFTER})")


_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|Lord|Lady)\s+([A-Z][\w'\u2019-]+)")
_PLACE_BEFORE = re.compile(r"\b(?:at|in|on|from|to|of|for|near|into)\s+(?:the\s+)?$")


def _someone_after(prev: str, subject: str) -> bool:
    """``prev`` names someone else after its last mention of the subject, who would be the nearer
    referent of a following "the home secretary": "Mr Blunkett", or a full name not standing after a
    place's preposition ("at White Hart Lane")."""
    own = set(subject.split())
    last = max((m.end() for f in _name_forms(subject) for m in _name_rx(f, False).finditer(prev)), default=0)
    if any(m.group(1) not in own for m in _TITLED.finditer(prev, last)):
        return True
    return any(not (set(m.group(0).split()) & own) and not _PLACE_BEFORE.search(prev, 0, m.start())
               for m in _FULL_NAME.finditer(prev, last))


def back_references(sents: list[Candidate], subject: str) -> list[Candidate]:
    """In an article naming the subject, a sentence right after one naming it that refers back to it
    by a description as the clause's subject: "The 18-year-old, who has played in 13 of the club's
    last 14 games, ..." after "Middlesbrough midfielder James Morrison has been ruled out ...";
    "The club have confirmed that the former England coach will be unveiled ..." after "Glenn
    Hoddle has been unveiled ...". The head is a person's role or an age for a multi-word name (a
    person), also a body ("the Bristol band will play") for a one-word one; no other full name
    stands before it in the sentence, nor after the subject in the sentence before (it would be the
    nearer referent), and the sentence does not name the subject itself (then the name's own
    description rules read it)."""
    forms = _name_forms(subject)
    rx = _back_rx(len(subject.split()) > 1)
    out = []
    for prev, c in zip(sents, sents[1:]):
        if not any(_name_rx(f, False).search(prev.text) for f in forms) or any(
                _name_rx(f, False).search(c.text) for f in forms) or _someone_after(prev.text, subject):
            continue
        m = rx.search(c.text)
        if m and not _FULL_NAME.search(c.text, 0, m.start()):
            out.append(c)
    return out
