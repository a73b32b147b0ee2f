"""What the closest articles leave out: a name they never write, a departure or an owner they never tell.

Off-corpus questions often share every word with the collection and differ in how the words go
together (session 12, offc12, on BBC dev rows):

- ``unwritten_firms``: a firm's name of common words ("Northern Star Energy") that no retrieved
  article writes as a phrase (its words stemmed, in order, nothing between), although each word is
  in the articles: an invented firm;
- ``departure_asked`` / ``departure_told``: the question asks when or where a named person left,
  quit, resigned, retired or stepped down ("When did Kofi Annan step down as UN secretary
  general?") and no sentence of the retrieved articles that names the person tells a departure;
- ``owner_asked`` / ``owner_told``: the question asks who owns or bought a named thing ("Which
  company bought Skype?") and no sentence naming it tells an owner, a sale or a stake.

Each reads the texts of the retrieved articles (the 8 best), not the whole collection: a rule
that says "no article close to the question ...".
"""

from __future__ import annotations

import re

from .lexicon import COMPANY_WORDS, countries, country_of
from .subject import TITLES, name_runs, name_word, tokens, word_spans
from .text import QUESTION_WORDS, STOPWORDS, says_whole, terms

_SENTENCE = re.compile(r"[^.!?\n]+")


def _term_seq(text: str) -> list[str]:
    return [t for w in tokens(text) for t in terms(w)]


def _written(seq: list[str], texts_terms: list[list[str]]) -> bool:
    n = len(seq)
    return any(ts[i:i + n] == seq for ts in texts_terms for i in range(len(ts) - n + 1) if ts[i] == seq[0])


# A firm's legal form ("Google Inc", "Suzuki Motor Corp", "Tesco plc"): news prose names the firm without it,
# so after a name it is never a word the articles must hold (left13: "How much profit did Google Inc make?"
# was refused, "no article close to the question mentions Inc", though BBC writes "Google said it made a net
# profit of $52m"). The short forms are also written in small letters ("Tesco plc"); the others need a capital.
LEGAL_FORMS = frozenset("inc incorporated corp corporation co ltd limited plc llc llp gmbh ag nv bv".split())
_SMALL_LEGAL_FORMS = frozenset("inc plc ltd llc llp gmbh".split())

# Kind words news prose leaves out of a name it knows: a legal form ("Google Inc", "BT Group" are written
# "Google", "BT") and a label's Records ("signed with independent label Domino"). The name is read without
# them (review12: each was refused). So are the Games of a sporting event after its event word: "the Athens
# Olympic Games" are written "the Athens Olympics" (left13; review12 had dropped every "Games", and "Who won
# silver in the 100m at the Athens Olympic Games?" was answered sure from the Sydney Olympics' 100m silver:
# the answer step now makes that unsure, ``subject.other_event``). "Red Kite Games", a studio, is still read whole.
DROPPED_KIND_WORDS = LEGAL_FORMS | frozenset("group holdings records".split())


def legal_forms(question: str) -> set[str]:
    """The words of ``question`` that are a legal form (``LEGAL_FORMS``) ending a name: right after a
    word of a name (``subject.name_word``) with only spaces or a comma between ("Google Inc", "Apple,
    Inc.", "Tesco plc's"), capitalised or one of the short forms written small, never the name's own
    first word. Words as ``subject.word_spans`` reads them.

    >>> sorted(legal_forms("How much profit did Google Inc make?")), sorted(legal_forms("Did Tesco plc's sales rise?"))
    (['Inc'], ['plc'])
    >>> sorted(legal_forms("Is Corp a word?")), sorted(legal_forms("Was Sky limited by the ruling?"))
    ([], [])
    """
    spans = word_spans(question)
    return {w for (p, _, p_end, _), (w, a, _, _) in zip(spans, spans[1:])
            if w.lower() in LEGAL_FORMS and (w[:1].isupper() or w in _SMALL_LEGAL_FORMS) and name_word(p)
            and question[p_end:a].strip() in ("", ",")}


def _event_games(ws: list[str]) -> bool:
    """"Olympic Games", "Commonwealth Games": the Games of an event, named by the word before them."""
    return len(ws) >= 2 and ws[-1].lower() == "games" and ws[-2].lower() in _GAMES_OF


_GAMES_OF = frozenset("olympic olympics paralympic commonwealth asian".split())


def unwritten_firms(question: str, texts: list[str]) -> list[str]:
    """The firms' names of the question (two or more capitalised words, a firm's kind word last:
    "Red Valley Foods", ``lexicon.COMPANY_WORDS``; titles left out, no digits) that none of ``texts``
    writes: their stemmed words in order with nothing between, a last word of ``DROPPED_KIND_WORDS``
    left out ("Google Inc": "Google", one word, is unknown_terms' to read). A firm's name the articles
    would write whole if they knew it; other names are left alone (SQuAD's "French King" is "the King of France"
    in its article, "UN Security Council" the seed page's "U.N. Security Council").

    >>> unwritten_firms("Who is the chief executive of Northern Star Energy?", ["Star players of northern clubs; energy prices."])
    ['Northern Star Energy']
    >>> unwritten_firms("What did Time Warner's Irish Son video show?", ["Time Warner said an Irish son sang."])
    []
    """
    out = []
    texts_terms = None
    for ws in (list(r.words) for r in name_runs(question, split_possessive=True)):  # "Brian McFadden's Irish Son": two
        name = " ".join(ws)
        if len(ws) < 2 or ws[-1].lower() not in COMPANY_WORDS or any(ch.isdigit() for ch in name):
            continue
        if ws[-1].lower() in DROPPED_KIND_WORDS or _event_games(ws):  # "Google Inc" is "Google": the rest must be written
            ws = ws[:-1]
        seq = [t for w in ws for t in terms(w)]
        if texts_terms is None:
            texts_terms = [_term_seq(t) for t in texts]
        if len(seq) >= 2 and not _written(seq, texts_terms):
            out.append(name)
    return out


# "When did X retire?", "Which club did X leave Arsenal to join?", "... when he left Manchester United?"
_LEAVE_Q = re.compile(r"\b(?:leave|leaves|left|leaving|quit|quits|resign(?:s|ed)?|retire(?:s|d)?|"
                      r"(?:step|steps|stepped|stand|stands|stood)\s+down|depart(?:s|ed)?)\b", re.I)
# In an article: a departure told ("resigned", "his retirement", "Kluivert left Newcastle", "left the
# club", "joined City from Feyenoord"). "left" and "leave" only after the person and before a name or a post: "was left ruing",
# "left-foot", "leave of absence" and "the result leaves Ferguson's side fourth" tell none.
_LEAVE_TOLD = re.compile(r"\b(?:quit(?:s|ting)?|resign(?:s|ed|ing|ation)?|retire(?:s|d|ment)?|retiring|"
                         r"(?:step|steps|stepped|stepping|stand|stands|standing|stood)\s+down|depart(?:s|ed|ure)?|"
                         r"exits?|exited|sacked|fired|ousted|axed|dismiss(?:ed|al)|part(?:s|ed)?\s+(?:company|ways)|"
                         r"walked\s+out|successor|replaced|replacement|"
                         r"(?:leave|leaves|leaving|left)\s+(?:the|his|her|their)\s+(?:office|post|job|club|firm|"
                         r"company|party|government|band|group|side|team)\b|"
                         # a move from a named place: a transfer is told as the arrival ("a £2.2m move from Chelsea
                         # in July", "Bosvelt joined City from Feyenoord in 2003"; review12: both were refused)
                         r"(?:move|moved|moving|switch|switched|transfer|transferred|joined|joins|signed|arrived)"
                         r"(?:\s+[\w'\u2019£$.,-]+){0,3}?\s+from\s+(?=(?-i:[A-Z])))", re.I)
_LEFT_TOLD = re.compile(r"\b(?:leave|leaves|leaving|left)\s+(?=(?-i:[A-Z]))", re.I)
NEAR_SENTENCES = 2  # a departure told this many sentences from the person's name ("ask their bassist to leave")


def departure_asked(question: str) -> str:
    """The named person whose leaving the question asks about ("Kofi Annan" in "When did Kofi Annan
    step down as UN secretary general?"), or "" ("Who resigned as chairman?" names nobody who left).

    >>> departure_asked("Which club did Wayne Rooney join when he left Manchester United?")
    'Wayne Rooney'
    >>> departure_asked("Who resigned as chairman of the BBC?")
    ''
    """
    m = _LEAVE_Q.search(question)
    if not m or not re.match(r"\s*(?:when|where|which|what|who|whom)\b", question, re.I):
        return ""  # "Why did X resign?" asks the cause: the why shape reads it
    before = tokens(question[:m.start()])
    k = len(before)
    runs = [r for r in name_runs(question) if r.last < k]
    pronoun = bool(before) and before[-1].lower() in ("he", "she", "they")
    if not runs or not (pronoun or k - 1 - runs[-1].last <= 1):  # "Kofi Annan step down", "Rooney ... he left"
        return ""  # "with 11 seconds left", "Tesla go upon leaving": no named person leaves
    return " ".join(w for w in runs[-1].words if w.lower() not in TITLES and w.lower() not in STOPWORDS)


ORDINAL_NEAR = 1  # sentences from the name: the next one may call the person "the 20-year-old Swede" or "he"


def _sentences_near(word: str, texts: list[str], near: int = ORDINAL_NEAR):
    """The sentences of ``texts`` within ``near`` sentences of one naming ``word`` (0: the naming ones;
    the departure, owner and ordinal checks read these). (review12: "his second
    tour title" was told of "the 20-year-old Swede" after "Robin Soderling took the Milan title", and
    "Who did Robin Soderling beat to win his second tour title?" was refused)."""
    pat = re.compile(r"\b" + re.escape(word) + r"\b")
    for t in texts:
        if not pat.search(t):
            continue
        sents = [m.group(0) for m in _SENTENCE.finditer(t)]
        hits = [i for i, s in enumerate(sents) if pat.search(s)]
        yield from (s for i, s in enumerate(sents) if any(abs(i - h) <= near for h in hits))


def departure_told(person: str, texts: list[str]) -> bool:
    """Whether a text naming ``person``'s surname tells a departure (``_LEAVE_TOLD``) in its headline
    or within ``NEAR_SENTENCES`` sentences of the surname ("Snow Patrol bassist exits group", "ask
    their co-founder and bassist to leave the band", then "Mark McClelland had been in the band..."),
    or in the surname's own sentence "left" a name after it ("Kluivert left Newcastle").

    >>> departure_told("Kofi Annan", ["UN Secretary General Kofi Annan will attend."])
    False
    >>> departure_told("Mark McClelland", ["Bassist exits group\\n\\nThey asked their bassist to leave the band. Mark McClelland was a founder."])
    True
    """
    surname = person.split()[-1]
    pat = re.compile(r"\b" + re.escape(surname) + r"\b")
    if any(pat.search(t) and _LEAVE_TOLD.search(t.split("\n", 1)[0]) for t in texts):
        return True  # the headline of an article naming the person
    if any(_LEAVE_TOLD.search(s) for s in _sentences_near(surname, texts, NEAR_SENTENCES)):
        return True
    return any(m.start() > pat.search(s).start() for s in _sentences_near(surname, texts, 0)
               for m in _LEFT_TOLD.finditer(s))


_OWNER_Q = re.compile(r"^\s*(?:who\s+|which\s+(?:[\w-]+\s+){0,2}?|what\s+(?:[\w-]+\s+){0,2}?)"
                      r"(?:owns|owned|has\s+bought|bought|buys|acquired|purchased|took\s+over|is\s+the\s+owner\s+of|"
                      r"was\s+the\s+owner\s+of|are\s+the\s+owners\s+of)\s+(.+?)\s*\??$", re.I)
_OWNER_TOLD = re.compile(r"\b(?:own|owns|owned|owner|owners|ownership|bought|buy|buys|buying|buyer|acquir\w*|"
                         r"acquisition|takeover|take\s+over|took\s+over|taken\s+over|purchas\w*|sold|sell|sells|selling|"
                         r"sale|stake|stakes|shareholder\w*|bid|bids|merger|merge[sd]?|subsidiary|parent|unit|"
                         r"division|arm|part\s+of|backed|controlled|controls)\b", re.I)


def owner_asked(question: str) -> str:
    """The named thing whose owner or buyer the question asks for ("Skype" in "Which company bought
    Skype?", "Body Shop" in "Who bought the Body Shop?"), or "" (a thing the question does not
    name: "Who bought the club?").

    >>> owner_asked("Which company bought Skype?"), owner_asked("Who owns the club?")
    ('Skype', '')
    """
    m = _OWNER_Q.match(" ".join(question.split()))
    if not m:
        return ""
    obj = m.group(1)
    runs = name_runs("x " + obj)  # the object may begin with its name: no first-word exception
    if not runs or runs[0].first != 1 + (1 if obj.lower().startswith("the ") else 0):
        return ""
    return " ".join(runs[0].words)


def owner_told(thing: str, texts: list[str]) -> bool:
    """Whether a sentence of ``texts`` naming ``thing`` (its last word) tells an owner, a sale, a
    bid or a stake (``_OWNER_TOLD``: read widely, so that an owner a sentence gives is not missed).

    >>> owner_told("Skype", ["Skype allows free calls."]), owner_told("Body Shop", ["L'Oreal bought the Body Shop."])
    (False, True)

    Each word of ``thing`` is enough apart: "IBM's PC business" is named "IBM PC" and told as "IBM
    ... sold its PC hardware division to Lenovo" (review12: "Which company bought IBM's PC business?"
    was refused when the whole phrase was required).
    """
    words = [w.lower() for w in thing.split()]
    return any(_OWNER_TOLD.search(s) and all(says_whole(s.lower(), w) for w in words)
               for s in _sentences_near(thing.split()[-1], texts, 0))


# "Who is the chief executive of LG Card?", "Who is the coach of Hearts of Oak?": the holder of an
# office of a named body. A sentence that names no such office ("said Yoo Ji-chang, governor of Korean
# Development Bank") may be about the body, not about who holds the office.
_OFFICE_Q = re.compile(r"^\s*who\s+(?:is|was|are|were)\s+(?:the\s+)?(?:current\s+|new\s+|former\s+)?"
                       r"((?:[a-z][a-z-]*\s+){0,2}?[a-z][a-z-]*)\s+(?:of|at|for)\s+\S", re.I)
# An adjective before "for" or "of" is no office: "Who was responsible for designing the Oscar trophy?" asks
# a doer, whom an article states by any verb ("The trophy was designed by MGM art director Cedric Gibbons",
# "Mr Wang, who is in charge of collecting car parking fees"; left13: both unsure, "the closest sentence does
# not name the responsible asked for", as were two synthetic SQuAD dev answerables with the gold quoted).
_NO_OFFICE = re.compile(r"(?:ible|able)$|^(?:famous|known|guilty|aware|afraid|proud|present|due|likely|ready|keen)$")
# What a sentence may call any head of a body ("BT boss", "chief", "head"), besides the office's own word.
_HEAD_WORDS = frozenset("boss chief head leader".split())


def unheld_office(question: str, texts: list[str]) -> str:
    """The office the question asks the holder of ("chief executive" in "Who is the chief executive
    of LG Card?") when none of ``texts`` (the sentences shown) names it: its last word (stemmed), or
    a word for any head of a body (``_HEAD_WORDS``: "BT boss Ben Verwaayen"); "" when the question
    asks no office of a body or a sentence names it.

    >>> unheld_office("Who is the chief executive of LG Card?", ['"We will act," said Yoo Ji-chang, governor of KDB.'])
    'chief executive'
    >>> unheld_office("Who is the chief executive of BT?", ["BT boss Ben Verwaayen said so."])
    ''
    """
    m = _OFFICE_Q.match(question)
    if not m:
        return ""
    office = m.group(1).lower().split()
    if office[0] in STOPWORDS or office[-1] in STOPWORDS or _NO_OFFICE.search(office[-1]):
        return ""  # "Who was responsible for ...?" asks a doer, not an office (below)
    want = set(terms(office[-1])) | _HEAD_WORDS
    have = {t for s in texts for t in _term_seq(s)}
    return "" if want & have else " ".join(office)


# "How much will Auckland's new city rail link cost?": the question's thing belongs to a named owner.
_POSSESSOR = re.compile(r"(?<![\w'\u2019])((?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)"
                        r"(?:\s+(?:%s))?['\u2019]s\b" % "|".join(sorted(_SMALL_LEGAL_FORMS)))  # "Tesco plc's": Tesco


def possessors(question: str) -> list[str]:
    """The names the question writes with a possessive, past its first word ("Auckland" in "How much
    will Auckland's new rail link cost?"; not "Chu'Tsai", whose apostrophe is inside the name).

    >>> possessors("How much will Auckland's new city rail link cost?"), possessors("Who were Chu'Tsai's forefathers?")
    (['Auckland'], [])
    """
    return [m.group(1) for m in _POSSESSOR.finditer(question) if m.start() > 0]


def possessor_absent(question: str, lead_terms, lead_text: str) -> str:
    """A possessor of the question (``possessors``) no word of which the lead quote's article holds
    (``lead_terms``: its content terms; a longer word that begins with one, "European" for "Europe",
    counts), nor as another form of the same country ("Britain's" for
    "the UK"): the quote tells of another owner's thing (a UK rail link for Auckland's). "" when none.

    >>> possessor_absent("How much will Auckland's rail link cost?", {"crossrail", "london"}, "Crossrail in London")
    'Auckland'
    """
    lead_terms = set(lead_terms)
    for name in possessors(question):
        ts = set(terms(name))
        if not ts or ts & lead_terms or any(a.startswith(t) for t in ts if len(t) >= 4 for a in lead_terms):
            continue  # "Europe's" is named by "European" (review12: refused beside "the EU's ... European")
        country = country_of(name)
        if country is not None and country in countries(lead_text):
            continue
        return name
    return ""


# "Whom did Roger Federer beat ... to win his seventh Grand Slam title?": a count of a named person's
# titles, wins or nominations that the articles, written earlier, may not have reached.
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_ORDINAL_Q = re.compile(r"\b(?:his|her|their)\s+(" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))\s+"
                        r"((?:[\w-]+\s+){0,3}?)([a-z][\w-]*)(?=\s*(?:[?,.]|$|\b(?:of|in|at|for|on|with|since|after|"
                        r"before|when|as|and|to|against|over|versus|during)\b))", re.I)
# A part of one match or contest, counted inside it ("their first goal against Exeter City", "his first set
# against Tim Henman"): an article tells it in its own words ("Cristiano Ronaldo scored the opener", "broke in
# the ninth game to take a tight opening set"), and it is no career count the articles may not have reached
# (left13: five such BBC questions were refused, the noun read as the opponent's name).
MATCH_PARTS = frozenset("""goal goals set sets game games match half round rounds point points shot try tries serve
    drive drives lap laps innings inning quarter period leg break frame over kick penalty ace possession""".split())
ORDINAL_GAP = 3  # words that may stand between the ordinal and its noun in an article ("third personal nomination")


def _ordinal_forms(word: str) -> str:
    low = word.lower()
    if low in _ORDINALS:
        n = _ORDINALS.index(low) + 1
        return rf"{low}|{n}(?:st|nd|rd|th)"
    n = int(re.match(r"\d+", low).group(0))
    return rf"{low}|{_ORDINALS[n - 1]}" if 0 < n <= len(_ORDINALS) else low


def _ordinal_told(ordinal: str, noun: str, sentence: str, pronoun: str = "") -> bool:
    """Whether ``sentence`` writes ``ordinal`` (any form: "3rd", "third") with the term ``noun`` at most
    ``ORDINAL_GAP`` words after it ("his third personal nomination"), right after ``pronoun`` if given."""
    form = re.compile(r"(?:%s)$" % _ordinal_forms(ordinal), re.I)
    toks = tokens(sentence)
    return any(form.match(w) and (not pronoun or (i > 0 and toks[i - 1].lower() == pronoun))
               and any(noun in terms(v) or v.lower() == noun for v in toks[i + 1:i + 2 + ORDINAL_GAP])
               for i, w in enumerate(toks))


def match_part_asked(question: str, lead: str = "") -> tuple[str, str]:
    """(ordinal, part) when the question counts a part of one match (``MATCH_PARTS``, the word right after
    the ordinal: "their first goal against Exeter City", "his first set against Tim Henman"), else ("", "").
    Which goal or set a sentence tells ("scored the opener", "Gravesen scored his first goal for Real" of
    a player's career) is not read, so such an answer is shown unsure (``qa.answer``), never refused by
    ``ordinal_missing``; a ``lead`` that writes the same ordinal part ("Gravesen scored his first goal for
    Real" for "Who scored his first goal for Real ...?", the same pronoun before it: "his first goal" is
    not "their first goal") tells it: ("", "") (review13).

    >>> match_part_asked("Who scored when Manchester United got their first goal against Exeter City?")
    ('first', 'goal')
    >>> match_part_asked("Who did Andy Murray beat to win his first Wimbledon title?")
    ('', '')
    """
    m = _ORDINAL_Q.search(question)
    part = (m.group(2).split() or [m.group(3)])[0].lower() if m else ""
    if part not in MATCH_PARTS:
        return "", ""
    noun = terms(part) or [part]  # "over" may be no term
    if lead and _ordinal_told(m.group(1), noun[0], lead, m.group(0).split()[0].lower()):
        return "", ""
    return m.group(1).lower(), part


def ordinal_missing(question: str, texts: list[str]) -> str:
    """The "<ordinal> ... <noun>" of a named person the question counts ("seventh Grand Slam title"
    in "Whom did Roger Federer beat ... to win his seventh Grand Slam title?") when no sentence of
    ``texts`` naming the person (a name before the pronoun, by its last word), or next to one
    (``_sentences_near``), writes that ordinal within
    ``ORDINAL_GAP`` words of the noun
    ("her seventh Grand Slam title" is Serena Williams's); "" when none is asked, or one is written
    ("Clint Eastwood get his third personal nomination").

    >>> ordinal_missing("Whom did Roger Federer beat to win his seventh Grand Slam title?",
    ...                 ["Williams claimed her seventh Grand Slam title.", "Federer won three Grand Slams."])
    'seventh Grand Slam title'
    >>> ordinal_missing("Which film gave Clint Eastwood his third personal Oscar nomination?",
    ...                 ["Clint Eastwood get his third personal nomination for Million Dollar Baby."])
    ''
    """
    m = _ORDINAL_Q.search(question)
    if not m or match_part_asked(question)[1]:
        return ""  # "their first goal against ...": a part of one match, the answer step's (match_part_asked)
    k = len(tokens(question[:m.start()]))
    runs = [r for r in name_runs(question) if r.last < k]
    noun = terms(m.group(3))
    if not runs or not noun:
        return ""
    named = (s for run in runs for s in _sentences_near(run.words[-1], texts))  # any name before: the person's
    if any(_ordinal_told(m.group(1), noun[0], s) for s in named):
        return ""
    return " ".join([m.group(1)] + m.group(2).split() + [m.group(3)])
