"""Updated stories: when several quotes answer with different values at different times, the answer is
the newest and the others become a short timeline of the same story.

A quote joins the timeline only when it tells the same fact about the same subject: it shares a name
with the answer (same entity), its numbers are of the same kind of quantity (a percentage with a
percentage, money with money, a count of the same thing), and most of its words. And only where its
place in time is known: a different article date, or a position in the same headline list. An
undated collection (the BBC set) gets no timeline: "earlier" would be a guess. Each entry is a full
citation (headline, date or list position, its own marker ``n`` after the answer's).

News updates a story: a site's headline list (newest first) carries "Morocco quake: death toll rises
to 2,901" above "Morocco earthquake toll passes 2,800"; articles of different dates report different
figures. Candidates that tell the same story (they share the question's words and most of their own
topic words) but carry different numbers are ordered by recency: the article date first, then the
position in a headline list (1 = newest); an article paragraph counts as its page's newest news.
A question that asks for the earlier state ("what was it in the earlier report?", "originally")
is answered with the oldest version instead, the newer ones in the timeline.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsqa.embeddings.reader import IndexReader as Snapshot

from .quotes import Candidate
from .spans import NUMBER
from .text import terms, words
from .types import TimelineEntry

PEER_SCORE_RATIO = 0.6  # a peer must score at least this share of the best candidate
MIN_STORY_OVERLAP = 0.2  # Jaccard overlap of content terms (numbers left out) to count as one story
MAX_TIMELINE = 5
EARLIER_WORDS = frozenset("earlier previous previously original originally initial initially".split())


def asks_for_earlier(question: str) -> bool:
    return any(w in EARLIER_WORDS for w in words(question.lower()))


def _numbers(text: str) -> frozenset[str]:
    return frozenset(m.group(0).lower().replace(",", "") for m in NUMBER.finditer(text) if any(ch.isdigit() for ch in m.group(0)))


@lru_cache(maxsize=4096)  # same_story compares each sentence with many others
def _story_terms(text: str) -> frozenset[str]:
    return frozenset(t for t in terms(text) if not any(ch.isdigit() for ch in t))


def recency(c: Candidate) -> tuple:
    p = c.hit.passage
    listed = p.kind == "headline" and p.paragraph > 0
    return (p.date or "", -(p.paragraph if listed else 0))


def when_label(c: Candidate) -> str:
    p = c.hit.passage
    date = p.date or "undated"
    if p.kind == "headline" and p.paragraph > 0:
        return f"on or before {date}, headline list position {p.paragraph}"
    return f"{date}, paragraph {p.paragraph}" if p.kind == "paragraph" else date


_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'\u2019-]+")
_MONEY = re.compile(r"[$£€¥]|\b(?:bn|billion|million|m)\b|dollars?|pounds?|euros?", re.I)
_PERCENT = re.compile(r"%|per ?cent|percent", re.I)


@lru_cache(maxsize=4096)  # a pure function of the sentence, read once per pair compared
def names(text: str) -> frozenset[str]:
    """Capitalised words not opening a sentence: the entities a quote is about."""
    return frozenset(m.group(0).lower() for m in _NAME.finditer(text))


@lru_cache(maxsize=4096)  # a pure function of the sentence, read once per pair compared
def quantity_kinds(text: str) -> frozenset[str]:
    """The kinds of quantity ``text`` states: "percent", "money" or "count"."""
    out = set()
    for m in NUMBER.finditer(text):
        t = m.group(0)
        if not any(ch.isdigit() for ch in t) or re.fullmatch(r"(?:19|20)\d{2}", t.strip()):
            continue
        around = text[max(0, m.start() - 1): m.end() + 9]
        if _PERCENT.search(around):
            out.add("percent")
        elif _MONEY.search(around):
            out.add("money")
        else:
            out.add("count")
    return frozenset(out)


def same_story(a: Candidate, b: Candidate) -> bool:
    """Same subject (a shared name), same kind of quantity, and most of the words of the story."""
    ta, tb = _story_terms(a.text), _story_terms(b.text)
    if not ta or not tb:
        return False
    shared_q = a.covered & b.covered
    if a.covered and len(shared_q) < 0.5 * len(a.covered):
        return False
    na, nb = names(a.text), names(b.text)
    if (na or nb) and not (na & nb):
        return False
    if not (quantity_kinds(a.text) & quantity_kinds(b.text)):
        return False
    return len(ta & tb) / len(ta | tb) >= MIN_STORY_OVERLAP


def ordered(a: Candidate, b: Candidate) -> bool:
    """Their order in time is known: different article dates, or places in one headline list."""
    pa, pb = a.hit.passage, b.hit.passage
    if pa.date and pb.date and pa.date != pb.date:
        return True
    listed = pa.kind == pb.kind == "headline" and pa.paragraph > 0 and pb.paragraph > 0
    return listed and pa.doc_id == pb.doc_id and pa.paragraph != pb.paragraph


def entry(c: Candidate, n: int) -> TimelineEntry:
    """A timeline entry: a full citation of ``c`` with its marker ``n``."""
    p = c.hit.passage
    return TimelineEntry(n=n, when=when_label(c), quote=c.text, title=p.title, date=p.date, source=p.source,
                         doc_id=p.doc_id, passage_id=p.passage_id, start=c.start, end=c.end, kind=p.kind,
                         paragraph=p.paragraph)


def newest_first(chosen: list[Candidate], scored: list[Candidate], snapshot: Snapshot,
                 question: str = "") -> tuple[list[Candidate], list[TimelineEntry]]:
    """Reorder ``chosen`` so an updated story is answered with its newest value (or, asked for the
    earlier one, its oldest); return the timeline of the other versions."""
    if not chosen:
        return chosen, []
    best = chosen[0]
    best_numbers = _numbers(best.text)
    if not best_numbers:
        return chosen, []
    group = [best]
    top = max([best.score] + [c.score for c in scored[:1]])  # the quote step may lead with a lower-scored filler
    for c in scored[:15]:
        if c.score < PEER_SCORE_RATIO * top:
            break
        if c.text == best.text or not same_story(best, c) or not ordered(best, c):
            continue
        nums = _numbers(c.text)
        if nums and nums != best_numbers:
            if all(_numbers(g.text) != nums for g in group):
                group.append(c)
    if len(group) == 1:
        return chosen, []
    group.sort(key=recency, reverse=not asks_for_earlier(question))
    newest = group[0]
    rest = [c for c in chosen[1:] if c not in group]
    answer = [newest] + rest
    first_n = len(answer) + 1  # markers continue after the answer's own citations
    timeline = [entry(c, first_n + i) for i, c in enumerate(group[1 : 1 + MAX_TIMELINE])]
    return answer, timeline
