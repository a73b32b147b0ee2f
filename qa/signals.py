"""Signals that a question is not answered by the collection, from cheap checks on the best quote.

- unknown terms: names, numbers and years of the question that no passage holds (document
  frequency 0: the answer cannot be there);
- missing terms: the question's salient words (names, numbers) absent from every retrieved article,
  and the idf-weighted share of its content words absent from the best quote's own article;
- time scope: years the question names that fall outside the collection (a dated collection: after
  its last date, or before its first and never mentioned; an undated one: no text mentions it);
- answer type: the question asks for a kind of thing (a number, a date, a name) and the best quote
  holds none that the question does not already say;
- answer slot (``qa.asked``): the finer asked kind (money, percent, year, count...) in none of the
  top three sentences (and in none of the top eight), the word share of the best sentence that holds
  one, the asked noun ("members") absent from the best two; how far the best sentence's cosine stands
  above the fifth's; and the lowest ``article_missing`` over the top eight candidates' articles (the
  best candidate is often a headline or side sentence of another story);
- whose fact the lead quote (the one shown first) states: a sibling of the question's subject in it
  (``qa.subject``: "chief executive of Fiat Auto" for "Who is the chief executive of BT?"), and the
  summed idf of the question's terms its article lacks (another report of the story, not the one
  that states the fact);
- editions and successors (session 10): a name the question writes with a number after it ("Windows 7",
  "Xbox 360"; years are the time-scope rule's) that no retrieved article writes so, the name known (a later edition or
  version than the collection covers); a question asking who followed a named person ("Who replaced
  Jose Mourinho as Chelsea manager?") whose best sentences state no such succession (``qa.subject``);
  a past-tense question about a named event the articles mention only beside years after the ones
  they mostly cover ("How many gold medals did Britain win at the Beijing Olympics?": "ahead of the
  2008 Olympic Games"): the collection announces it, it cannot report it.

``Signals.features()`` is the vector the learned abstention model (``qa.abstain``) weighs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from newsqa.embeddings.lexical import fold

from .asked import slot_signals
from .caches import MENTIONED_YEARS, TIME_SCOPE, ArticleTerms
from .lexicon import COMPANY_WORDS, EVENT_WORDS, is_nationality
from .quotes import Candidate, IdfTable
from .spans import answer_candidates, question_type
from .subject import (CALENDAR, SHORT_FORM, TOKEN, YEAR as _YEAR, edition_pairs, name_runs, spelled_out,
                      subject_check, succession_stated, successor_asked, tokens)
from .text import QUESTION_WORDS, STOPWORDS, question_terms, terms, words
from .unstated import (departure_asked, departure_told, legal_forms, ordinal_missing, owner_asked, owner_told,
                       possessor_absent, possessors, unwritten_firms)

# A brand written with a small first letter ("iPhone", "eBay", "easyJet") is a name wherever it stands,
# the question's first word too; "pH", "mRNA", "kWh" are not (a capital followed by two small letters).
_CAMEL = re.compile(r"^[a-z]{1,4}[A-Z][a-z]{2,}")
FEATURES = ("dense", "lexical", "headline", "unknown", "unknown_salient", "missing_top", "article_missing",
            "year_out", "type_missing", "kind_missing", "slot_lexical", "focus_missing", "dense_margin",
            "article_missing_min", "wide_kind_missing", "sibling", "lead_missing_idf", "edition_missing",
            "successor_missing", "event_ahead", "bm25_gap", "bias")


@dataclass(frozen=True)
class Signals:
    """What the checks found for one question and its best quote."""

    dense: float = 0.0
    lexical: float = 0.0
    headline: bool = False
    unknown_terms: tuple[str, ...] = ()  # question words no passage holds (as the question spells them)
    unknown_salient: tuple[str, ...] = ()  # of those, names / numbers / years
    missing_top: tuple[str, ...] = ()  # salient words absent from every retrieved article
    article_missing: float = 0.0  # idf-weighted share of question terms absent from the best quote's article
    years_out: tuple[str, ...] = ()  # years the question names outside the collection
    type_missing: bool = False  # asks for a kind of thing the best quotes do not hold
    qtype: str = ""
    kind_missing: bool = False  # the asked kind (qa.asked: money, percent, year...) is in none of the top sentences
    slot_lexical: float = 0.0  # word share of the best top sentence holding the asked kind (untyped: the best's)
    focus_missing: bool = False  # the asked noun ("members", "tickets") is in neither of the two best sentences
    dense_margin: float = 0.0  # the best sentence's cosine above the fifth best's
    article_missing_min: float = 0.0  # ``article_missing`` of the WIDE_TOP candidates' articles, the lowest
    wide_kind_missing: bool = False  # the asked kind is in none of the WIDE_TOP best sentences
    sibling: str = ""  # in the lead quote, a name standing where a left-out name of the question stood (qa.subject)
    sibling_of: str = ""  # that left-out name
    lead_missing_idf: float = 0.0  # summed idf of the question's terms absent from the lead quote's article
    edition_missing: tuple[str, ...] = ()  # name + number of the question no retrieved article writes together
    successor_missing: str = ""  # the person whose successor is asked, when no best sentence states one
    event_ahead: str = ""  # a named event of a past-tense question the articles date only after their years
    unwritten: tuple[str, ...] = ()  # firms' names ("Red Valley Foods") no retrieved article writes (qa.unstated)
    departure_missing: str = ""  # the named person whose leaving is asked, no close sentence telling one
    owner_missing: str = ""  # the named thing whose owner or buyer is asked, no close sentence telling one
    possessor_missing: str = ""  # a possessor of the question ("Auckland's") the lead quote's article never names
    ordinal_missing: str = ""  # "seventh Grand Slam title" of a named person no close sentence counts
    bm25_gap: float = 0.0  # the top passage's BM25 score above the second's, as a share of the top's (passage_gap)
    asked: str = ""  # the asked kind (qa.asked.asked_kind)
    time_text: str = ""  # the collection's time scope, in words (for the reason)
    extra: dict = field(default_factory=dict, compare=False)

    def features(self) -> list[float]:
        """Numbers in the order of ``FEATURES``."""
        return [self.dense, self.lexical, float(self.headline), float(bool(self.unknown_terms)),
                float(bool(self.unknown_salient)), float(bool(self.missing_top)), self.article_missing,
                float(bool(self.years_out)), float(self.type_missing), float(self.kind_missing), self.slot_lexical,
                float(self.focus_missing), self.dense_margin, self.article_missing_min, float(self.wide_kind_missing),
                float(bool(self.sibling)), self.lead_missing_idf, float(bool(self.edition_missing)),
                float(bool(self.successor_missing)), float(bool(self.event_ahead)), self.bm25_gap, 1.0]

    def to_dict(self) -> dict:
        return {"dense": round(self.dense, 4), "lexical": round(self.lexical, 4), "headline": self.headline,
                "unknown_terms": list(self.unknown_terms), "unknown_salient": list(self.unknown_salient),
                "missing_top": list(self.missing_top), "article_missing": round(self.article_missing, 4),
                "years_out": list(self.years_out), "type_missing": self.type_missing, "qtype": self.qtype,
                "asked": self.asked, "kind_missing": self.kind_missing, "slot_lexical": round(self.slot_lexical, 4),
                "focus_missing": self.focus_missing, "dense_margin": round(self.dense_margin, 4),
                "article_missing_min": round(self.article_missing_min, 4), "wide_kind_missing": self.wide_kind_missing,
                "sibling": self.sibling, "sibling_of": self.sibling_of, "lead_missing_idf": round(self.lead_missing_idf, 4),
                "edition_missing": list(self.edition_missing), "successor_missing": self.successor_missing,
                "event_ahead": self.event_ahead, "unwritten": list(self.unwritten),
                "departure_missing": self.departure_missing, "owner_missing": self.owner_missing,
                "possessor_missing": self.possessor_missing, "ordinal_missing": self.ordinal_missing,
                "bm25_gap": round(self.bm25_gap, 4)}


def salient_words(question: str) -> list[str]:
    """Names, numbers and years of the question: capitalised words past its first, and digits."""
    return list(_salient(question))


@lru_cache(maxsize=1024)
def _salient(question: str) -> tuple[str, ...]:
    out = []
    for i, m in enumerate(TOKEN.finditer(question)):
        w = m.group(0).rstrip(".")
        low = w.lower().replace("\u2019", "'")
        if low.endswith("'s"):
            w, low = w[:-2], low[:-2]
        if not w or low in STOPWORDS or low in QUESTION_WORDS:
            continue
        if any(ch.isdigit() for ch in w) or (i > 0 and w[0].isupper()) or _CAMEL.match(w):
            out.append(w)
    return tuple(dict.fromkeys(out))




# Not looked for in the retrieved articles: a short form they may spell out ("UN", "TV") and an
# ordinal or a two-digit decade ("4th", "50s"), which are no names (on a SQuAD sample these weighed
# 5 answerable questions into "not found"; no BBC question's missing term is one).
_NO_NAME = re.compile(r"^(?:\d+(?:st|nd|rd|th)|\d\ds)$")
SLOT_TOP = 3  # sentences (best first) searched for a filler of the asked kind
WIDE_TOP = 8  # the wider look: the best candidate is often a headline or a side sentence
RARE_DF = 3  # a word in at most this many passages (or RARE_SHARE of them) names one thing
RARE_SHARE = 0.001




def is_demonym(word: str) -> bool:
    """"Russian", "Chinese": a word that says where someone is from (often absent from the answer)."""
    return word[:1].isupper() and is_nationality(word)


class _FoldedDf:
    """Document frequencies that also find a term written without its accents ("Gospic" for "Gospić"),
    by the index's own folding (``embeddings.lexical.fold``: accents of Latin letters; other scripts as
    written). An index tokenised with folding (tokenizer 2 on) holds no such term; one from before does.

    ``df`` is a ``term -> count`` mapping, or the BM25 index's per-term view (which lists its
    ``vocabulary()`` instead of holding every count): only terms that accents change are folded.
    """

    def __init__(self, df, n: int = 0):
        self.df = df
        self.n = n
        self.folded: dict[str, int] = {}
        accented = ((t, c) for t, c in df.items() if not t.isascii()) if isinstance(df, dict) else (
            (t, df.get(t, 0)) for t in (df.non_ascii_terms() if hasattr(df, "non_ascii_terms") else df.vocabulary())
            if not t.isascii())
        for t, c in accented:
            f = fold(t)
            if f != t:
                for key in {f, _term_of(f)} - {""}:  # "hervé" stems to itself, "herve" to "herv"
                    self.folded[key] = self.folded.get(key, 0) + c

    def get(self, key, default=None):
        got = self.df.get(key)
        if not got:
            got = self.folded.get(fold(key)) or got
        return default if got is None else got


def folded_df(idf: IdfTable) -> dict:
    """``idf.df`` with accent-free lookups (built once per table)."""
    got = getattr(idf, "_folded_df", None)
    if got is None or got[0] is not idf.df:
        got = (idf.df, _FoldedDf(idf.df, idf.n))
        idf._folded_df = got
    return got[1]


def _word_df(word: str, df) -> int:
    """Passages holding ``word``; a word of several terms ("Kilroy-Silk", "1-1") counts by its rarest part."""
    parts = terms(word) or [word.lower()]
    folded = terms(fold(word)) or parts
    return min(max(df.get(t, 0), df.get(f, 0)) for t, f in zip(parts, folded + parts[len(folded):]))


def unknown_names(question: str, df, context: str = "", forms: set[str] | None = None) -> list[str]:
    """Names (runs of capitalised words), numbers and years of the question of which no word is in any
    passage: "Norland Shipyards" when neither word is, but not "Simona Halep" when "Halep" is, nor
    "Juventus" when ``context`` (the retrieved passages) names it by a short form ("Juve's Pogba").
    ``forms``: the question's legal forms (``unstated.legal_forms``, read here when not given)."""
    groups: list[list[str]] = []
    prev_end = -2
    toks = list(TOKEN.finditer(question))
    sal = set(salient_words(question))
    for m in toks:
        w = m.group(0).rstrip(".")
        if w.lower().endswith(("'s", "\u2019s")):
            w = w[:-2]
        if w not in sal:
            prev_end = -2
            continue
        gap = question[prev_end:m.start()] if prev_end >= 0 else None
        digits = any(ch.isdigit() for ch in w) or (groups and any(ch.isdigit() for ch in groups[-1][-1]))
        if groups and gap is not None and gap.strip() == "" and not digits:
            groups[-1].append(w)
        else:
            groups.append([w])
        prev_end = m.end()
    out = []
    rare = max(RARE_DF, int(RARE_SHARE * getattr(df, "n", 0) or 0))
    forms = legal_forms(question) if forms is None else forms
    for g in groups:
        if len(g) == 1 and is_demonym(g[0]):
            continue
        g = [w for w in g if "." not in w]  # "U.S.": the index holds its letters, not the abbreviation
        read = [w for w in g if w not in forms]  # "Google Inc" is "Google" in news prose (unstated.LEGAL_FORMS)
        if not read:
            continue
        counts = [_word_df(w, df) or _short_form_df(w, df, rare, context) for w in read]
        if not any(c == 0 for c in counts):
            continue
        # "Norland Shipyards", "Nintendo Wii": a word no passage holds, beside only common ones. "Simona
        # Halep" is known when the rare "Halep" is (the first name just not printed); "Teverin
        # Pharmaceuticals" is not: a company's kind word is no surname.
        known_rare = [w for w, c in zip(read, counts) if 0 < c <= rare]
        if not known_rare or all(w.lower() in COMPANY_WORDS for w in known_rare):
            out.append(" ".join(g))
    return out


def _short_form_df(word: str, df, rare: int, context: str) -> int:
    """Passages holding a rare short form of a name, "Juve" for "Juventus": a prefix of at least four
    letters and half the word, written as a name in ``context`` (capitalised, not first in a sentence;
    passages joined by " | " may start with it); 0 when none ("Bright" is no short form of "Brightwater")."""
    w = word.lower()
    if not context or not w.isalpha() or len(w) < 6:
        return 0
    for n in range(max(4, (len(w) + 1) // 2), len(w)):
        t = _term_of(w[:n])
        c = df.get(t, 0) if t else 0
        if 0 < c <= rare and re.search(r"(?:[\w,;:|]\s+|^)" + re.escape(word[0].upper() + w[1:n]) + r"(?![\w-])", context):
            return c
    return 0


@lru_cache(maxsize=8192)
def _term_of(word: str) -> str:
    t = terms(word)
    return t[0] if len(t) == 1 else ""


EDITION_GAP = 2  # words that may stand between the name and its number in an article ("Windows XP Service Pack 2")


_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen twenty").split()
_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
          "XVII", "XVIII", "XIX", "XX")


def number_forms(num: str) -> str:
    """``num`` as a regex alternation of the ways a text writes it after a name: its digits, and up to
    20 its word and Roman numeral, the numeral in capitals only ("Formula One" for "Formula 1",
    "World War II" for "World War 2"; "i" is no numeral).

    >>> number_forms("2"), number_forms("360")
    ('2|two|(?-i:II)', '360')
    """
    n = int(num)
    if n > 20 or num != str(n):
        return num
    return "|".join([num, _NUMBER_WORDS[n]] + ([f"(?-i:{_ROMAN[n]})"] if n else []))


def edition_missing(question: str, texts: list[str]) -> list[str]:
    """The name-number pairs of the question ("Windows 7") no text writes within ``EDITION_GAP``
    words of each other (the number in digits or as ``number_forms`` writes it) while some text holds
    the name: a later version or edition than the articles know. A pair whose name no text holds is
    left to ``missing_top``.

    >>> edition_missing("When did Microsoft release Windows 7?", ["Windows XP ran on 7 of 10 PCs."])
    ['Windows 7']
    >>> edition_missing("When does the Xbox 360 go on sale?", ["The Xbox 360, as it is called, was shown."])
    []
    """
    out = []
    for name, num in edition_pairs(question):
        word = re.compile(r"\b" + re.escape(name) + r"\b", re.I)
        if not any(word.search(t) for t in texts):
            continue
        near = re.compile(r"\b%s\W+(?:[\w'-]+\W+){0,%d}(?:%s)\b" % (re.escape(name), EDITION_GAP, number_forms(num)),
                          re.I)
        if any(near.search(t) for t in texts):
            continue
        # a model number of 3+ digits is its own name: "their 7610 phone" in an article naming Nokia
        # writes the "Nokia 7610" asked about (a small one, "Windows 7", is any count: "7 of 10 PCs")
        alone = re.compile(r"(?<![\w.,])%s(?![\w]|[.,]\d)" % re.escape(num))
        if len(num) >= 3 and num.isdigit() and any(word.search(t) and alone.search(t) for t in texts):
            continue
        out.append(f"{name} {num}")
    return out


def time_scope(snapshot) -> tuple[str, str]:
    """(first date, last date) of the collection's dated articles; ("", "") when none is dated.

    Computed once per reader (``caches.TIME_SCOPE``, dropped with it)."""
    return TIME_SCOPE.get_or_make(snapshot, _time_scope)


def _time_scope(snapshot) -> tuple[str, str]:
    if hasattr(snapshot, "date_range"):  # per segment, kept: no scan of every document per new reader
        return snapshot.date_range()
    dates = sorted(d["date"] for d in snapshot.documents.values() if d.get("date"))
    return (dates[0], dates[-1]) if dates else ("", "")


_PAST = re.compile(r"\b(?:did|was|were|had|won|became|held|paid|took|beat|sold|made|left|died|\w+ed)\b", re.I)
MAIN_YEAR_SHARE = 0.25  # years mentioned at least this often relative to the most mentioned one


def mentioned_years(idf: IdfTable) -> tuple[str, str]:
    """For an undated collection, the span of the years its texts mention most ("2004", "2005"):
    the years whose passage count is at least a quarter of the most mentioned year's (once per
    table, ``caches.MENTIONED_YEARS``: a generation has one)."""
    return MENTIONED_YEARS.get_or_make(idf, _mentioned_years)


def _mentioned_years(idf: IdfTable) -> tuple[str, str]:
    # looked up year by year: the BM25 index's df view holds no whole vocabulary to scan
    counts = {t: n for t in map(str, range(1800, 2100)) if (n := idf.df.get(t, 0))}
    top = max(counts.values(), default=0)
    main = sorted(t for t, n in counts.items() if top and n >= MAIN_YEAR_SHARE * top)
    return (main[0], main[-1]) if main else ("", "")


def years_outside(years: list[str], snapshot, idf: IdfTable, question: str = "") -> tuple[list[str], str]:
    """Years of the question the collection cannot be about, and the collection's scope in words.

    Dated collection: after its last date, or before its first and never mentioned. Undated: never
    mentioned, or asked about in the past tense ("Who won in 2010?") while after the years its texts
    mention most (a 2005 article can announce a 2010 event, not report its result)."""
    lo, hi = time_scope(snapshot)
    out = []
    main_lo, main_hi = ("", "") if (lo and hi) else mentioned_years(idf)
    past = bool(_PAST.search(question))
    # "pledged in 2000 to ... by 2010": a year inside the collection's own years makes the later one a plan
    past = past and not any(main_lo and y <= main_hi for y in years)
    for y in years:
        mentioned = idf.df.get(y, 0) > 0
        if hi and lo:
            if y > hi[:4] or (y < lo[:4] and not mentioned):
                out.append(y)
        elif not mentioned or (past and main_hi and y > main_hi):
            out.append(y)
    if lo and hi:
        text = f"the articles run from {lo} to {hi}"
    elif out and all(idf.df.get(y, 0) > 0 for y in out) and main_hi:
        span = main_lo if main_lo == main_hi else f"{main_lo}-{main_hi}"
        text = f"the articles are undated; the years they mention most are {span}"
    else:
        text = ""
    return out, text


_PAST_EVENT = re.compile(r"\b(?:did|was|were|won|had|became|beat|took|held|scored|finished|came)\b", re.I)
_AHEAD = re.compile(r"\b(?:will|going|expected|due|next|upcoming|future)\b", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+")
_YEARS = re.compile(r"\b(?:19|20)\d\d\b")
# What comes before an event and is reported before it: a question about the bid or the qualifiers
# ("What slogan of London's Olympic bid did Johnson wear?") asks what the articles can tell
_RUN_UP = re.compile(r"\b(?:bids?|bidding|qualifiers?|qualifying|qualification|preparations?|build-up|tickets?|"
                     r"organisers?|organizers?|venues?|hosting|ambassadors?|campaign)\b", re.I)


def event_ahead(question: str, texts: list[str], main_hi: str) -> str:
    """A name of a past-tense question ("the Beijing Olympics" in "How many gold medals did Britain
    win at the Beijing Olympics?") whose sentences in ``texts`` that give a year give only years after
    ``main_hi`` (the collection's last year, or the last it mentions most): an event the articles
    look ahead to, whose outcome they cannot report; the name, or the word after it, says it is an
    event (``EVENT_WORDS``). Failing that, the event with all the question's other names: the
    sentences naming every one ("Wembley Stadium ... will officially open for the 2006 FA Cup Final"
    for "the first FA Cup final at the new Wembley Stadium": the FA Cup alone has past years). "" when
    none, or the question looks ahead too, or asks about the run-up the articles report (``_RUN_UP``:
    "the Olympic bid", "a World Cup qualifier").

    >>> event_ahead("Who won gold at the Beijing Olympics?", ["Beijing is ready for the 2008 Olympic Games."], "2005")
    'Beijing Olympics'
    >>> event_ahead("Who won gold at the Athens Olympics?", ["Athens held the 2004 Olympics."], "2005")
    ''
    """
    if not main_hi or not _PAST_EVENT.search(question) or _AHEAD.search(question) or _RUN_UP.search(question):
        return ""
    dated = [(set(terms(m.group(0))), years) for t in texts for m in _SENTENCE.finditer(t)
             if (years := _YEARS.findall(m.group(0)))]  # only sentences that give a year are read
    toks = [w.lower() for w in tokens(question)]
    runs = name_runs(question)
    events = [run for run in runs
              if any(w in EVENT_WORDS for w in [v.lower() for v in run.words] + toks[run.last + 1:run.last + 2])]
    for run in events:
        years = [y for ts, ys in dated if run.terms <= ts for y in ys]
        if years and min(years) > main_hi[:4]:
            return " ".join(run.words)
    if events and len(runs) > 1:  # "the first FA Cup final at the new Wembley Stadium": the event at that place
        every = frozenset().union(*(run.terms for run in runs))
        years = [y for ts, ys in dated if every <= ts for y in ys]
        if years and min(years) > main_hi[:4]:
            return " at ".join(" ".join(run.words) for run in runs)
    return ""


def compute_signals(question: str, scored: list[Candidate], chosen_n: int, hits, snapshot, idf: IdfTable,
                    article_terms: ArticleTerms, shown: list[Candidate] | None = None) -> Signals:
    """The signals of ``question`` against its scored candidates (best first) and retrieved hits;
    ``shown``: the quotes as they will be shown (the slot step's lead first), else the first choice."""
    best = scored[0] if scored else None
    content = list(dict.fromkeys(question_terms(question)))
    # A question word that is a stop word or a question word is not a term: only content terms count.
    surface = {}
    for w in words(question):
        t = _term_of(w)
        if t and t in content:
            surface.setdefault(t, w)
    forms = legal_forms(question)  # "Inc" of "Google Inc": a legal form the articles leave out of the name
    form_terms = {t for w in forms for t in terms(w)}
    unknown_t = [t for t in content if folded_df(idf).get(t, 0) == 0 and t not in form_terms]
    sal = salient_words(question)
    sal_terms = {w: _term_of(w) for w in sal}
    df = folded_df(idf)
    unknown_sal = unknown_names(question, df, " | ".join(getattr(h.passage, "text", "") for h in hits[:8]), forms)
    top_docs = list(dict.fromkeys(h.passage.doc_id for h in hits[:8]))
    top_sets = [article_terms(snapshot, d) for d in top_docs]
    missing_top = [w for w, t in sal_terms.items() if t and idf.df.get(t, 0) > 0 and not _NO_NAME.match(w)
                   and w not in forms and not any(t in s for s in top_sets)]
    missing_top = [w for w in missing_top if not SHORT_FORM.match(w)
                   or not spelled_out(w, [snapshot.document_text(d) for d in top_docs])]
    art_missing = _article_missing(content, [best] if best else [], snapshot, idf, article_terms)
    art_missing_min = _article_missing(content, scored[:WIDE_TOP], snapshot, idf, article_terms)
    years = [w for w in sal if _YEAR.match(w)]
    years_out, time_text = years_outside(years, snapshot, idf, question)
    qtype = question_type(question)
    type_missing = bool(qtype) and best is not None and not any(
        answer_candidates(question, c.text) for c in scored[: max(1, chosen_n)])
    slot = slot_signals(question, [(c.text, c.lexical) for c in scored[:SLOT_TOP]], top=SLOT_TOP)
    wide = slot_signals(question, [(c.text, c.lexical) for c in scored[:WIDE_TOP]], top=WIDE_TOP)
    dense = [c.dense for c in scored[:5]]
    lead = (shown or scored)[:1]  # the sentence that gives the fact: whose fact is it?
    subj = subject_check(question, [c.text for c in lead])
    lead_idf = _lead_missing_idf(content, lead[0] if lead else None, snapshot, idf, article_terms)
    top_texts = [snapshot.document_text(d) for d in top_docs]
    editions = edition_missing(question, top_texts) if edition_pairs(question) else []
    person = successor_asked(question)
    successor = person if person and not succession_stated(person, [c.text for c in lead + scored[:WIDE_TOP]]) else ""
    last_year = time_scope(snapshot)[1][:4] or mentioned_years(idf)[1]
    ahead = event_ahead(question, top_texts, last_year) if best else ""
    left_out = _left_out(question, top_texts, lead[0].hit.passage.doc_id if lead else "", snapshot, article_terms)
    return Signals(
        dense=best.dense if best else 0.0, lexical=best.lexical if best else 0.0,
        headline=bool(best and best.hit.passage.kind == "headline"),
        unknown_terms=tuple(surface.get(t, t) for t in unknown_t), unknown_salient=tuple(unknown_sal),
        missing_top=tuple(missing_top), article_missing=art_missing, years_out=tuple(years_out),
        type_missing=type_missing, qtype=qtype, time_text=time_text,
        kind_missing=bool(slot.kind) and best is not None and not slot.filled,
        slot_lexical=slot.slot_lexical if slot.kind else (best.lexical if best else 0.0),
        focus_missing=slot.focus_missing, dense_margin=(dense[0] - dense[-1]) if dense else 0.0, asked=slot.kind,
        article_missing_min=art_missing_min, wide_kind_missing=bool(wide.kind) and best is not None and not wide.filled,
        sibling=subj.sibling, sibling_of=subj.absent, lead_missing_idf=lead_idf, edition_missing=tuple(editions),
        successor_missing=successor, event_ahead=ahead, bm25_gap=passage_gap(hits), **left_out,
    )


def _left_out(question: str, texts: list[str], lead_doc: str, snapshot, article_terms) -> dict:
    """The ``qa.unstated`` checks against the retrieved articles' texts (and the lead quote's article,
    ``lead_doc``), as ``Signals`` fields."""
    if not lead_doc:
        return {}
    person = departure_asked(question)
    thing = owner_asked(question)
    owner = (possessor_absent(question, article_terms(snapshot, lead_doc), snapshot.document_text(lead_doc))
             if possessors(question) else "")
    return {"unwritten": tuple(unwritten_firms(question, texts)), "possessor_missing": owner,
            "ordinal_missing": ordinal_missing(question, texts),
            "departure_missing": person if person and not departure_told(person, texts) else "",
            "owner_missing": thing if thing and not owner_told(thing, texts) else ""}


def passage_gap(hits) -> float:
    """How far the top passage stands out from the next, by BM25: the top BM25 score among ``hits``
    above the second's, as a share of the top's (0 without a second, or no BM25 score).

    A question whose own paragraph is gone (a SQuAD question asked with its paragraph removed, the
    rest of its article kept) finds several passages sharing its topic words about equally; the
    paragraph that states the fact stands out. Synthetic SQuAD dev: answerables' median 0.29,
    near misses' AUC 0.74 (the best sentence's cosine: 0.72); BBC dev off-corpus 0.67, but its
    hand-written near misses 0.44 (written to share the words of their story's article). Recorded in
    the signals for refits; the shipped model does not weigh it (docs/answer-quality.md, "What was
    tried"; the runs: docs/history/answer-quality-log.md, synsq12): a refit with it refused more
    near misses and cost hand-written ones.

    >>> from types import SimpleNamespace as N
    >>> passage_gap([N(bm25=10.0), N(bm25=4.0), N(bm25=0.0)]), passage_gap([N(bm25=10.0)])
    (0.6, 0.0)
    """
    top = sorted((getattr(h, "bm25", 0.0) for h in hits), reverse=True)[:2]
    return round((top[0] - top[1]) / top[0], 6) if len(top) > 1 and top[0] > 0 else 0.0


def _article_missing(content: list[str], cands: list[Candidate], snapshot, idf: IdfTable, article_terms) -> float:
    """The idf-weighted share of the question's terms absent from the article of a candidate, the
    lowest over ``cands`` (0 when there is no candidate or no term)."""
    if not cands or not content:
        return 0.0
    weight = {t: idf(t) for t in content}
    total = sum(weight.values()) or 1.0
    docs = dict.fromkeys(c.hit.passage.doc_id for c in cands)
    return min(sum(w for t, w in weight.items() if t not in article_terms(snapshot, d)) / total for d in docs)


def _lead_missing_idf(content: list[str], lead: Candidate | None, snapshot, idf: IdfTable, article_terms) -> float:
    """The summed idf of the question's terms absent from the lead quote's article (0 without one).

    A sum, not a share: a near miss whose own article is gone is answered from another report of the
    story, which lacks a few of the question's rarest words ("Yuganskneftegas", "Hansard"); a long
    answerable question loses common ones. BBC dev answerables: median 0; synthetic near misses left
    answered: 5.5."""
    if lead is None or not content:
        return 0.0
    art = article_terms(snapshot, lead.hit.passage.doc_id)
    return sum(idf(t) for t in dict.fromkeys(content) if t not in art)


def subject_of(question: str, best: Candidate | None) -> str:
    """What the question is about, in its own words: its names that the best quote holds, else the
    question words the quote shares (for "the articles about X do not give...")."""
    if best is None:
        return ""
    have = set(terms(best.text))
    names = [w for w in salient_words(question) if _term_of(w) in have and not _YEAR.match(w)]
    if names:
        return " ".join(names[:3])
    shared = [w for w in words(question) if w not in STOPWORDS and w not in QUESTION_WORDS and _term_of(w) in have]
    return " ".join(list(dict.fromkeys(shared))[:3])
