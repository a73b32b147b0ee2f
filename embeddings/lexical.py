"""Index terms: one tokenizer (lowercase, Latin accents folded, stop words out, Snowball stems) for
the lexical postings written into every segment and for everything in ``qa`` that matches words
(BM25, sentence scoring, abstention), so that they agree on what a "word" is. Bump
``TOKENIZER_VERSION`` when it changes: segments record the version they were tokenised with, and
the next writer re-tokenises older ones (``migrations``: migration 2).

Versions: 1 lowercase + stems; 2 also folds accents of Latin letters ("café" = "cafe"); 3 composes
a decomposed text first (NFC: "Mu\u0308ller", as some macOS exports write it, is "Müller", one word).
Folding is for matching only: passages, quotes and their offsets keep the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TOKENIZER_VERSION = 3

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say tell told did does according
    """.split()
)
@lru_cache(maxsize=1)
def _stemmer():
    # No silent fallback: BM25 indexes saved with stems must be searched with the same stems.
    try:
        import Stemmer
    except ImportError as e:
        raise ImportError("newsqa needs PyStemmer for its word stems: pip install PyStemmer") from e
    return Stemmer.Stemmer("english")


class _FoldTable(dict):
    """``str.translate`` table, filled on first sight of each character: a Latin letter with
    combining marks becomes its base letter; every other character (other scripts too) maps to itself."""

    def __missing__(self, code: int) -> int:
        parts = unicodedata.normalize("NFKD", chr(code))
        base = parts[:1]
        latin = base.isalpha() and ord(base) < 0x250 and len(parts) > 1
        self[code] = ord(base) if latin and all(unicodedata.combining(c) for c in parts[1:]) else code
        return self[code]


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """``text`` with the accents of Latin letters dropped (NFKD, combining marks out); other
    scripts kept as written.

    >>> fold("Café Müller, Łódź, Москва й"), fold("naïve")
    ('Cafe Muller, Łodz, Москва й', 'naive')
    """
    return text if text.isascii() else text.translate(_FOLD)


def words(text: str) -> list[str]:
    """Lowercased, accent-folded words of ``text`` (apostrophes normalised, possessive 's dropped).

    >>> words("Mu\u0308ller's café"), words("Müller's cafe")  # decomposed or not, one word
    (['muller', 'cafe'], ['muller', 'cafe'])
    """
    if not text.isascii():  # a combining mark would split the word: compose it with its letter first
        text = unicodedata.normalize("NFC", text)
    out = []
    for w in _WORD.findall(text.lower()):
        if not w.isascii():  # folded word by word: most words of most texts need none
            w = fold(w).replace("\u2019", "'")
        if w.endswith("'s"):
            w = w[:-2]
        out.append(w)
    return out


def stem_all(ws: list[str]) -> list[str]:
    """``ws`` stemmed, in order (the stemmer BM25 and sentence scoring use)."""
    return _stemmer().stemWords(ws)


def terms(text: str) -> list[str]:
    """Content terms: stop words removed, stemmed. Used by BM25 and by sentence scoring."""
    return stem_all([w for w in words(text) if w not in STOPWORDS])


_JOINS = re.compile(r"\s|-|\.")  # what may stand between the parts of a compound: "Time Warner", "e-mail", "U.K."
_POSSESSIVE = re.compile(r"['\u2019]s$")
_INITIALISM = re.compile(r"(?<![\w.])(?:[^\W\d_]\.){2,}(?:[^\W\d_](?!\w))?")  # "c.e.o.", "u.s.a", "u.k."


def joined_forms(text: str) -> list[str]:
    """Terms of adjacent word pairs of ``text`` written as one word: "Time Warner" -> "timewarn",
    "e-mail" -> "email", "U.K." -> "uk" (stemmed; never a stop word, nor a term ``text`` already
    has). A question may write a compound spaced, hyphenated or dotted where an article writes it
    joined: a search adds the ones the index holds (``qa.bm25.query_terms``). A one-letter part
    joins only across a hyphen or a dot ("e-mail", "U.K."; not "Warner e"); numbers never join; a
    possessive second part joins without its 's ("Time Warner's"); a dotted initialism of three or
    more letters joins as one ("C.E.O." -> "ceo", not "ce" and "eo").

    >>> joined_forms("Did Time Warner's C.E.O. e-mail the U.K. office?")
    ['timewarn', 'ceo', 'email', 'uk']
    """
    low = text.lower()
    toks = list(_WORD.finditer(low))
    runs = [m for m in _INITIALISM.finditer(low) if sum(ch.isalpha() for ch in m.group(0)) >= 3]
    pairs = []
    for a, b in zip(toks, toks[1:]):
        run = next((r for r in runs if r.start() <= a.start() and b.end() <= r.end()), None)
        if run is not None:
            if a.start() == run.start():
                pairs.append(fold("".join(ch for ch in run.group(0) if ch.isalpha())))
            continue  # the letters of one initialism join as one, never two by two
        x, y, sep = a.group(0), _POSSESSIVE.sub("", b.group(0)), low[a.end():b.start()]
        if not _JOINS.fullmatch(sep) or x in STOPWORDS or y in STOPWORDS or not (x + y).isalpha():
            continue  # "2.5", "1-1", "Apollo 13", "Warner's profits" are no compounds
        if (len(x) == 1 or len(y) == 1) and sep not in ("-", "."):
            continue
        pairs.append(fold(x + y))
    have = set(terms(text))
    return [t for t in dict.fromkeys(stem_all(pairs)) if t not in have]
