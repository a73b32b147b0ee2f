"""Why: the sentence that carries the cause of the event asked about ("because", "after", "over",
"following", "due to", "amid", "the reason"), from the article about that event."""

from __future__ import annotations

import re

from ..quotes import Candidate
from .pool import Pool

CAUSE = re.compile(r"\b(because|after|over|following|due to|amid|the reason|reasons?|as a result of|owing to|"
                   r"thanks to|blamed|caused by|led to|prompted|in protest|sparked|forced|so that|since|saying)\b", re.I)
STRONG = re.compile(r"\b(because|due to|the reason|reasons? for|as a result of|owing to|blamed|caused by|in protest)\b", re.I)
MIN_RATIO = 0.75  # a cause sentence must score this close to the best sentence
ARTICLE_RATIO = 0.3  # further down the event's article, a cause sentence need score only this share


def cause_bonus(text: str) -> float:
    if STRONG.search(text):
        return 0.12
    return 0.06 if CAUSE.search(text) else 0.0


def choose_why(pool: Pool) -> list[Candidate]:
    """The best sentence and the best cause-bearing sentence of its article (or of the top sentences),
    in article order; [] if there is nothing to quote."""
    if not pool.scored:
        return []
    best = pool.scored[0]
    top_docs = {c.hit.passage.doc_id for c in pool.scored[:3]}
    cause = [c for c in pool.scored[:20] if cause_bonus(c.text) and c.score >= MIN_RATIO * best.score
             and c.hit.passage.doc_id in top_docs]
    if not cause:  # the cause is often further down the event's own article
        article = pool.article(best.hit.passage.doc_id) if best.hit.passage.kind != "headline" else []
        cause = [c for c in article if cause_bonus(c.text) and c.text != best.text and c.score >= ARTICLE_RATIO * best.score]
        if not cause:  # no cause word: the event's sentence and the article's next best, for context
            rest = sorted((c for c in article if c.text != best.text), key=lambda c: -c.score)[:1]
            return sorted([best] + rest, key=lambda c: c.start) if rest else []
    if not cause:
        return []
    ranked = sorted(cause, key=lambda c: -(c.score + cause_bonus(c.text)))
    lead = ranked[0]
    out = [lead]
    if best is not lead and best.text != lead.text:
        out.append(best)
    if len(ranked) > 1 and ranked[1].hit.passage.doc_id == lead.hit.passage.doc_id and ranked[1].text != best.text:
        out.append(ranked[1])  # a second cause of the same article ("after ..." and "because ...")
    if all(c.hit.passage.doc_id == out[0].hit.passage.doc_id for c in out):
        out.sort(key=lambda c: c.start)
    return out
