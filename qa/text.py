"""Words for lexical matching: one tokenizer (lowercase, stop words out, Snowball stems) for BM25,
sentence scoring and abstention, so that they agree on what a "word of the question" is."""

from __future__ import annotations

import re
from functools import lru_cache

from newsqa.embeddings.lexical import STOPWORDS, stem_all, words  # noqa: F401 (re-exported)

MEMO_CHARS = 600  # texts up to this long (questions, sentences, spans) are tokenised once per process
MEMO_SIZE = 32_768  # of them, least recently used dropped first (~18 MB full, measured on BBC sentences)
STEM_MEMO_SIZE = 200_000  # word -> stem entries (~20 MB), least recently used dropped first (BBC: 30k words)


def terms(text: str) -> list[str]:
    """Content terms of ``text``, exactly ``embeddings.lexical.terms`` (the index's tokenizer: stop
    words out, Snowball stems; ``tests/qa/test_text.py`` checks it on the BBC corpus). A short
    text is tokenised once per process (an ask asks for the same question, sentence and span terms
    many times); a new list each call, so callers may change it."""
    if len(text) <= MEMO_CHARS:
        return list(_memo_terms(text))
    return _terms(text)


@lru_cache(maxsize=MEMO_SIZE)
def _memo_terms(text: str) -> tuple[str, ...]:
    return tuple(_terms(text))


def _terms(text: str) -> list[str]:
    """``lexical.terms`` with each distinct word stemmed once per process (``stem_of``): the same
    ``words``, then one memo lookup a word."""
    return [s for s in map(stem_of, words(text)) if s is not None]


def says_whole(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text`` as whole words: with no word character (``\\w``: a letter, digit or
    "_") right before or after it; the same as ``re.search(r"(?<!\\w)" + re.escape(phrase) + r"(?!\\w)",
    text)``, without compiling a pattern for each new phrase (an ask checks thousands of spans:
    the regex form was ~3 ms of its CPU time, missing ``re``'s cache every time)."""
    if not phrase:
        return re.search(r"(?<!\w)(?!\w)", text) is not None
    n, i = len(phrase), text.find(phrase)
    while i >= 0:
        j = i + n
        if (i == 0 or not _word_char(text[i - 1])) and (j == len(text) or not _word_char(text[j])):
            return True
        i = text.find(phrase, i + 1)
    return False


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"  # what re's \w matches in a str pattern


@lru_cache(maxsize=STEM_MEMO_SIZE)
def stem_of(word: str) -> str | None:
    """The Snowball stem of a lowercased ``word`` (``lexical.stem_all``), None for a stop word; kept for
    the ``STEM_MEMO_SIZE`` words used last (a pure function: the caches' rule for those,
    ``functools.lru_cache``, bounded and thread-safe)."""
    return None if word in STOPWORDS else stem_all([word])[0]


# Question words carry the question's shape, not its topic.
QUESTION_WORDS = frozenset("what when where which who whom whose why how many much".split())
# Nouns that name the kind of answer after "what"/"which" ("What age...", "In which year..."): like
# the word after "how", they say what to look for, and the answer sentence rarely repeats them.
ANSWER_TYPE_WORDS = frozenset("age year years day date month time number percentage amount price cost total".split())
# Words that point at the document rather than at its content ("quoted in the story").
META_WORDS = frozenset("article articles story stories report reports reported reporting quoted quote quotes "
                       "mentioned mention mentions news page text piece headline headlines write writes wrote".split())


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
    return stem_all([w for w in ws if w not in STOPWORDS and w not in QUESTION_WORDS and w not in META_WORDS])


_POSSESSIVE = re.compile(r"['\u2019]s?$")


def in_word_list(word: str, words_: frozenset[str]) -> bool:
    """``word`` is in ``words_``, read without a possessive or one plural ``s`` ("chief's", "bosses'").

    >>> in_word_list("boss", frozenset({"boss"})), in_word_list("Chiefs'", frozenset({"chief"}))
    (True, True)
    """
    w = _POSSESSIVE.sub("", word.lower())
    return w in words_ or (w.endswith("s") and w[:-1] in words_) or (w.endswith("es") and w[:-2] in words_)
