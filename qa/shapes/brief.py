"""What happened / tell me about / overview: a short brief of 3-5 quotes from the best article (a
second article when the first is short), in article order, each cited."""

from __future__ import annotations

from ..quotes import Candidate
from .pool import Pool, near_duplicate

MIN_QUOTES, FIRST_ARTICLE = 3, 5  # a brief holds 3-5 quotes; the best article gives up to 5 sentences


def choose_brief(pool: Pool) -> list[Candidate]:
    """The article's lead sentence and its best-scoring others, in article order; [] if none."""
    if not pool.scored:
        return []
    docs = list(dict.fromkeys(c.hit.passage.doc_id for c in pool.scored[:10]))
    out: list[Candidate] = []
    for doc_id in docs[:2]:
        sents = pool.article(doc_id)
        if not sents:
            continue
        want = FIRST_ARTICLE if not out else MIN_QUOTES - len(out)
        if want <= 0:
            break
        lead = sents[0]
        picked = [lead] + sorted((c for c in sents[1:] if len(c.text) > 30), key=lambda c: -c.score)
        chosen: list[Candidate] = []
        for c in picked:
            if len(chosen) >= want:
                break
            if any(near_duplicate(c.text, o.text) for o in out + chosen):
                continue
            chosen.append(c)
        out.extend(sorted(chosen, key=lambda c: c.start))
        if len(out) >= MIN_QUOTES:
            break
    return out
