"""No citation twice: quotes from the same paragraph are merged into one verbatim quote (the
document text from the first one's start to the last one's end)."""

from __future__ import annotations

from dataclasses import replace

from ..quotes import Candidate


def merge_same_paragraph(chosen: list[Candidate], doc_text) -> list[Candidate]:
    """``chosen`` with candidates of one passage joined, at the place of the first of them."""
    out: list[Candidate] = []
    where: dict[str, int] = {}
    for c in chosen:
        pid = c.hit.passage.passage_id
        if pid not in where:
            where[pid] = len(out)
            out.append(c)
            continue
        i = where[pid]
        o = out[i]
        s, e = min(o.start, c.start), max(o.end, c.end)
        text = doc_text(c.hit.passage.doc_id)[s:e]
        out[i] = replace(o, start=s, end=e, text=text, score=max(o.score, c.score), covered=o.covered | c.covered,
                         typed=o.typed or c.typed)
    return out
