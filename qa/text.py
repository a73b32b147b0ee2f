"""Words for lexical matching: one tokenizer (lowercase, stop words out, Snowball stems) for BM25,
sentence scoring and abstention, so that they agree on what a "word of the question" is."""

from __future__ import annotations

import re
from functools import lru_cache

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
# Question words carry the question's shape, not its topic.
QUESTION_WORDS = frozenset("what when where which who whom whose why how many much".split())
# Nouns that name the kind of answer after "what"/"which" ("What age...", "In which year..."): like
# the word after "how", they say what to look for, and the answer sentence rarely repeats them.
ANSWER_TYPE_WORDS = frozenset("age year years day date month time number percentage amount price cost total".split())
# Words that point at the document rather than at its content ("quoted in the story").
META_WORDS = frozenset("article articles story stories report reports reported reporting quoted quote quotes "
                       "mentioned mention mentions news page text piece headline headlines write writes wrote".split())


@lru_cache(maxsize=1)
def _stemmer():
    # No silent fallback: BM25 indexes saved with stems must be searched with the same stems.
    try:
        import Stemmer
    except ImportError as e:
        raise ImportError("newsqa needs PyStemmer for its word stems: pip install PyStemmer") from e
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lowercased words of ``text`` (apostrophes normalised, possessive 's dropped)."""
    out = []
    for w in _WORD.findall(text.lower()):
        w = w.replace("\u2019", "'")
        if w.endswith("'s"):
            w = w[:-2]
        out.append(w)
    return out


def _stem_all(ws: list[str]) -> list[str]:
    return _stemmer().stemWords(ws)


def terms(text: str) -> list[str]:
    """Content terms: stop words removed, stemmed. Used by BM25 and by sentence scoring."""
    return _stem_all([w for w in words(text) if w not in STOPWORDS])


def _after_what(ws: list[str], i: int) -> bool:
    """``ws[i]`` follows "what"/"which", directly or as "what is the" / "what was the"."""
    before = ws[max(0, i - 3) : i]
    return bool(before) and (before[-1] in ("what", "which") or (len(before) == 3 and before[0] in ("what", "which")
                                                               and before[1] in ("is", "was", "are", "were") and before[2] == "the"))


def question_terms(text: str) -> list[str]:
    """Content terms of a question: without question words and words about the document itself."""
    ws = words(text)
    # "how old", "how long", "how far": the word after "how" asks for a kind of answer, not a topic.
    ws = [w for i, w in enumerate(ws) if not (i and ws[i - 1] == "how")]
    ws = [w for i, w in enumerate(ws) if not (w in ANSWER_TYPE_WORDS and _after_what(ws, i))]
    return _stem_all([w for w in ws if w not in STOPWORDS and w not in QUESTION_WORDS and w not in META_WORDS])
