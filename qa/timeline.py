"""Updated stories: when several quotes answer with different values at different times, the answer is
the newest and the others become a short timeline.

News updates a story: a site's headline list (newest first) carries "Morocco quake: death toll rises
to 2,901" above "Morocco earthquake toll passes 2,800"; articles of different dates report different
figures. Candidates that tell the same story (they share the question's words and most of their own
topic words) but carry different numbers are ordered by recency: the article date first, then the
position in a headline list (1 = newest); an article paragraph counts as its page's newest news.
A question that asks for the earlier state ("what was it in the earlier report?", "originally")
is answered with the oldest version instead, the newer ones in the timeline.
"""

from __future__ import annotations

from embeddings.store import Snapshot

from .quotes import Candidate
from .spans import NUMBER
from .text import terms, words

PEER_SCORE_RATIO = 0.6  # a peer must score at least this share of the best candidate
MIN_STORY_OVERLAP = 0.2  # Jaccard overlap of content terms (numbers left out) to count as one story
MAX_TIMELINE = 5
EARLIER_WORDS = frozenset("earlier previous previously original originally initial initially".split())


def asks_for_earlier(question: str) -> bool:
    return any(w in EARLIER_WORDS for w in words(question.lower()))


def _numbers(text: str) -> frozenset[str]:
    return frozenset(m.group(0).lower().replace(",", "") for m in NUMBER.finditer(text) if any(ch.isdigit() for ch in m.group(0)))


def _story_terms(text: str) -> set[str]:
    return {t for t in terms(text) if not any(ch.isdigit() for ch in t)}


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


def same_story(a: Candidate, b: Candidate) -> bool:
    ta, tb = _story_terms(a.text), _story_terms(b.text)
    if not ta or not tb:
        return False
    shared_q = a.covered & b.covered
    if a.covered and len(shared_q) < 0.5 * len(a.covered):
        return False
    return len(ta & tb) / len(ta | tb) >= MIN_STORY_OVERLAP


def newest_first(chosen: list[Candidate], scored: list[Candidate], snapshot: Snapshot,
                 question: str = "") -> tuple[list[Candidate], list[dict]]:
    """Reorder ``chosen`` so an updated story is answered with its newest value (or, asked for the
    earlier one, its oldest); return the timeline of the other versions."""
    if not chosen:
        return chosen, []
    best = chosen[0]
    best_numbers = _numbers(best.text)
    if not best_numbers:
        return chosen, []
    group = [best]
    for c in scored[1:15]:
        if c.score < PEER_SCORE_RATIO * best.score:
            break
        if c.text == best.text or not same_story(best, c):
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
    timeline = [{"when": when_label(c), "quote": c.text, "doc_id": c.hit.passage.doc_id, "start": c.start,
                 "end": c.end, "date": c.hit.passage.date, "kind": c.hit.passage.kind,
                 "position": c.hit.passage.paragraph} for c in group[1 : 1 + MAX_TIMELINE]]
    return [newest] + rest, timeline
