"""The sentences a shape chooses from: the scored candidates of the top passages, plus (on demand)
the headlines of those passages and every sentence of one article, scored the same way."""

from __future__ import annotations

from dataclasses import dataclass, field
import numpy as np

from newsqa.embeddings.passage_table import doc_ids_of

from ..quotes import Candidate, IdfTable, QuoteSettings, score_candidates
from ..types import Hit


@dataclass
class Pool:
    question: str
    qvec: np.ndarray | None
    scored: list[Candidate]  # best first
    hits: list[Hit]
    snapshot: object
    vectors: object  # CandidateVectors of the snapshot
    idf: IdfTable
    settings: QuoteSettings
    _articles: dict = field(default_factory=dict, repr=False)  # doc_id -> its scored sentences
    _texts: dict = field(default_factory=dict, repr=False)  # doc_id -> its text (a lookup decodes the record)
    memo: dict = field(default_factory=dict, repr=False)  # a shape's results for this question (who-is descriptions)

    def text(self, doc_id: str) -> str:
        """The document's text, read once per question (a snapshot lookup decodes the whole record)."""
        t = self._texts.get(doc_id)
        if t is None:
            t = self._texts[doc_id] = self.snapshot.document_text(doc_id)
        return t

    def score(self, cands: list[Candidate]) -> list[Candidate]:
        """Score new candidates as the quote step scores its own (best first)."""
        return score_candidates(self.question, self.qvec, cands, self.vectors, self.idf, self.settings, self.hits)

    def titles(self) -> list[Candidate]:
        """The articles' own headlines among the top passages (scored; found once per question)."""
        if "titles" not in self.memo:
            self.memo["titles"] = self._titles()
        return self.memo["titles"]

    def _titles(self) -> list[Candidate]:
        seen = {(c.hit.passage.doc_id, c.start) for c in self.scored}
        out = []
        for h in self.hits[: self.settings.passages * 2]:
            p = h.passage
            if p.kind == "headline" and p.paragraph == 0 and (p.doc_id, p.start) not in seen:
                text = self.text(p.doc_id)
                out.extend(Candidate(h, s, e, text[s:e], index=i) for i, (s, e) in enumerate(p.sentences))
        return self.score(out) if out else []

    def article(self, doc_id: str) -> list[Candidate]:
        """Every sentence of article ``doc_id`` (its own headline left out), scored, in article order
        (scored once per pool)."""
        if doc_id not in self._articles:
            self._articles[doc_id] = self._read(doc_id)
        return self._articles[doc_id]

    def _read(self, doc_id: str) -> list[Candidate]:
        rows = rows_of_doc(self.snapshot).get(doc_id, [])
        known = {(c.hit.passage.doc_id, c.start): c for c in self.scored}
        text = self.text(doc_id)
        fresh, out = [], []
        for r in rows:
            p = self.snapshot.passages[r]
            if p.kind == "headline":
                continue
            for i, (s, e) in enumerate(p.sentences):
                c = known.get((doc_id, s))
                if c is None:
                    c = Candidate(Hit(p, r, 0.0), s, e, text[s:e], index=i)
                    fresh.append(c)
                out.append(c)
        if fresh:
            self.score(fresh)
        return sorted(out, key=lambda c: c.start)


def rows_of_doc(snapshot) -> dict[str, list[int]]:
    """Document id -> its passage rows (computed once per index generation)."""
    m = getattr(snapshot, "_rows_of_doc", None)
    if m is None:
        m = {}
        for r, d in enumerate(doc_ids_of(snapshot.passages)):
            m.setdefault(d, []).append(r)
        snapshot._rows_of_doc = m
    return m

