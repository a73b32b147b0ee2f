"""Follow-up questions resolved with the earlier turns, without a language model.

A follow-up ("Where did they meet?", "What about the second one?") leans on the conversation: it has a
pronoun or a demonstrative with no topic words of its own, or it is elliptic ("And Russia?"). Such a
question is searched together with the content words of the most recent earlier question that had
a topic, so "they" finds the people of the previous turn.

    >>> resolve_followup("Where did they meet?", ["Who did Kim Jong Un meet in Russia?"]).query
    'Where did they meet? (Kim Jong Un Russia)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import QUESTION_WORDS, STOPWORDS, words

_ANAPHORA = re.compile(
    r"\b(he|she|they|them|his|her|hers|their|theirs|it|its|this|that|these|those|there|the same|"
    r"the (first|second|third|last|other|latter|former)( one)?|what about|how about|and what|what else)\b",
    re.I,
)
_MIN_OWN_TOPIC_WORDS = 2
_ELLIPSIS = re.compile(r"^(and|what about|how about|and what about)\s+(.{1,60}?)\s*\??$", re.I)  # a question with fewer topic words of its own leans on the conversation


@dataclass(frozen=True)
class Resolved:
    question: str
    query: str  # what is searched
    carried: str = ""  # words carried over from the conversation ("" if none)

    @property
    def is_followup(self) -> bool:
        return bool(self.carried)


def topic_words(text: str) -> list[str]:
    """Words of ``text`` that name its topic (case kept), in order, without repeats."""
    out = []
    seen = set()
    for w in re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", text):
        lw = w.lower()
        if lw in STOPWORDS or lw in QUESTION_WORDS or lw in seen or _ANAPHORA.fullmatch(lw):
            continue
        seen.add(lw)
        out.append(w)
    return out


def _turn(item) -> tuple[str, str]:
    """A history item: a question string, or a dict/tuple with the question and its answer text."""
    if isinstance(item, dict):
        return str(item.get("question") or ""), str(item.get("answer") or "")
    if isinstance(item, (tuple, list)):
        return (str(item[0]) if item else ""), (str(item[1]) if len(item) > 1 else "")
    return str(item), ""


def answer_entities(answer: str, limit: int = 4) -> list[str]:
    """Names in an earlier answer (capitalised runs not at a sentence start), the likely referents."""
    from .spans import NAME

    out: list[str] = []
    for m in NAME.finditer(answer):
        name = m.group(0).strip(" .")
        before = answer[: m.start()].rstrip()
        at_start = not before or before.endswith((".", "\u201c", '"', "[", "?", "!"))
        if name.lower() in STOPWORDS or (at_start and name.split()[0].lower() in STOPWORDS):
            continue  # "The summit" at a sentence start is no name
        if name not in out:
            out.append(name)
        if len(out) >= limit:
            break
    return out


def resolve_followup(question: str, history: list) -> Resolved:
    """Resolve ``question`` against ``history``: earlier turns, oldest first, each a question string or
    ``{"question": ..., "answer": ...}`` (the answer's names are carried over too)."""
    if not history:
        return Resolved(question, question)
    own = topic_words(question)
    leans = bool(_ANAPHORA.search(question)) or len(own) < _MIN_OWN_TOPIC_WORDS
    if not leans:
        return Resolved(question, question)
    owned = {o.lower() for o in own}
    ell = _ELLIPSIS.match(question.strip())
    if ell and own and any(w[:1].isupper() for w in topic_words(ell.group(2))):
        # "And Kim?" after "How old is Putin?": ask the previous question again about Kim.
        for item in reversed(history):
            prev_q, _ = _turn(item)
            names = [m.group(0) for m in re.finditer(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)*", prev_q)]
            if names:
                target = max(names, key=len)
                return Resolved(question, prev_q.replace(target, ell.group(2).strip(), 1), target)
            if topic_words(prev_q):
                break
    for item in reversed(history):
        prev_q, prev_a = _turn(item)
        carried = [w for w in topic_words(prev_q) if w.lower() not in owned]
        for name in answer_entities(prev_a):
            if not any(part.lower() in owned or part in carried for part in name.split()):
                carried.append(name)
        if carried:
            c = " ".join(carried)
            return Resolved(question, f"{question} ({c})", c)
    return Resolved(question, question)


def content_words_count(text: str) -> int:
    return len([w for w in words(text) if w not in STOPWORDS])
