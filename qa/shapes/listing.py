"""List questions ("Which countries...", "Name the..."): the sentences naming the items, across
articles (up to three from one article), near-duplicates dropped, from a deeper pool of passages than
a fact question reads."""

from __future__ import annotations

import re

from ..quotes import Candidate, near_duplicate
from .pool import Pool

MAX_ITEMS = 6
MIN_RATIO = 0.6  # an item's quote must score this share of the best
PASSAGES = 16  # passages whose sentences compete (a fact question reads 8)
PER_ARTICLE = 3  # the items are often listed over a few sentences of one article
ITEM_BONUS = 0.02  # per name in the sentence (up to 4)
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)*")


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
    ranked = sorted((c for c in cands if c.score >= MIN_RATIO * best), key=lambda c: -(c.score + _item_bonus(c.text)))
    out: list[Candidate] = []
    per_doc: dict[str, int] = {}
    for c in ranked:
        if len(out) >= MAX_ITEMS:
            break
        doc = c.hit.passage.doc_id
        if per_doc.get(doc, 0) >= PER_ARTICLE or any(near_duplicate(c.text, o.text, 0.5) for o in out):
            continue
        per_doc[doc] = per_doc.get(doc, 0) + 1
        out.append(c)
    return out


def _item_bonus(text: str) -> float:
    """Sentences naming several things (the items of a list: "Yamaha, General Motors and Toyota") first."""
    return ITEM_BONUS * min(4, len(_NAME.findall(text)))
