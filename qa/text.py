"""Words for lexical matching: one tokenizer (lowercase, stop words out, Snowball stems) for BM25,
sentence scoring and abstention, so that they agree on what a "word of the question" is."""

from __future__ import annotations

import re

from newsqa.embeddings.lexical import STOPWORDS, stem_all, terms, words  # noqa: F401 (re-exported)

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
