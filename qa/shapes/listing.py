"""List questions ("Which countries...", "Name the..."): one quote per item across articles,
deduplicated, from a deeper pool of passages than a fact question reads."""

from __future__ import annotations

from ..quotes import Candidate
from .pool import Pool, near_duplicate

MAX_ITEMS = 6
MIN_RATIO = 0.6  # an item's quote must score this share of the best
PASSAGES = 16  # passages whose sentences compete (a fact question reads 8)


def choose_list(pool: Pool) -> list[Candidate]:
    """The best sentence of each article that answers well enough, near-duplicates dropped."""
    cands = list(pool.scored)
    seen = {(c.hit.passage.doc_id, c.start) for c in cands}
    extra = []
    text_of = pool.snapshot.document_text
    for h in pool.hits[pool.settings.passages : PASSAGES]:
        if h.passage.kind == "headline" and h.passage.paragraph == 0:
            continue
        text = text_of(h.passage.doc_id)
        for i, (s, e) in enumerate(h.passage.sentences):
            if (h.passage.doc_id, s) not in seen:
                extra.append(Candidate(h, s, e, text[s:e], index=i))
    if extra:
        cands = sorted(cands + pool.score(extra), key=lambda c: (-c.score, c.hit.row, c.start))
    if not cands:
        return []
    best = cands[0].score
    out: list[Candidate] = []
    docs: set[str] = set()
    for c in cands:
        if c.score < MIN_RATIO * best or len(out) >= MAX_ITEMS:
            break
        if c.hit.passage.doc_id in docs or any(near_duplicate(c.text, o.text, 0.5) for o in out):
            continue
        docs.add(c.hit.passage.doc_id)
        out.append(c)
    return out
