"""What happened / tell me about / overview: a short brief of 3-5 quotes: the best article's lead and
best sentences in article order, then the next article's best sentence when it scores near the best."""

from __future__ import annotations

from ..quotes import Candidate
from .pool import Pool, near_duplicate

MIN_QUOTES, FIRST_ARTICLE = 3, 4  # a brief holds 3-5 quotes; the best article gives up to 4 sentences
SECOND_ARTICLE, SECOND_RATIO = 1, 0.8  # the next article adds its best sentence if it scores near the best


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
        if out:  # a second article: its best sentence when it scores near the best, more if the first was short
            want = max(MIN_QUOTES - len(out), SECOND_ARTICLE)
            picked = sorted((c for c in sents if len(c.text) > 30 and c.score >= SECOND_RATIO * pool.scored[0].score),
                            key=lambda c: -c.score)
        else:
            want = FIRST_ARTICLE
            picked = [sents[0]] + sorted((c for c in sents[1:] if len(c.text) > 30), key=lambda c: -c.score)
        chosen: list[Candidate] = []
        for c in picked:
            if len(chosen) >= want:
                break
            if any(near_duplicate(c.text, o.text) for o in out + chosen):
                continue
            chosen.append(c)
        out.extend(sorted(chosen, key=lambda c: c.start))
    return out
