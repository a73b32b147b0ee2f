"""Documents to passages: one passage per paragraph or headline; long paragraphs split at sentences.

Each ``Passage`` has a content-hash id, its document's id and metadata, its kind, paragraph number and
character offsets into the document text, and the offsets of its sentences (answers quote sentences).

    >>> from newsqa.embeddings.readers import read_file
    >>> doc = read_file("embeddings/sample_corpus/2023-09-14-kim-putin-summit.txt").documents[0]
    >>> ps = chunk_document(doc)
    >>> all(doc.text[p.start:p.end] == p.text for p in ps)
    True
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .documents import KIND_HEADLINE, Document, content_hash
from .sentences import split_sentences

_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass(frozen=True)
class ChunkerSettings:
    """Settings recorded in the index manifest (a change of them re-chunks everything).

    ``max_tokens`` is an estimate of word pieces (words and punctuation, a little under the model's
    count); 200 leaves room inside all-MiniLM-L6-v2's 256-token window.
    """

    max_tokens: int = 200
    version: int = 2  # 2: a sentence may end after a number ("$10.9bn.")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """A unit of retrieval: one paragraph (or a sentence-aligned part of a long one), or one headline."""

    passage_id: str
    doc_id: str
    kind: str
    paragraph: int
    start: int
    end: int
    text: str
    sentences: tuple[tuple[int, int], ...]  # absolute offsets into the document text
    heading: str = ""
    part: int = 0  # 0 for a whole paragraph, 1.. for the parts of a split one
    title: str = ""
    date: str = ""
    source: str = ""
    section: str = ""
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def to_row(self) -> dict:
        row = asdict(self)
        row["sentences"] = [list(s) for s in self.sentences]
        row.pop("meta")
        return row

    @staticmethod
    def from_row(row: dict) -> "Passage":
        row = dict(row)
        row["sentences"] = tuple(tuple(s) for s in row["sentences"])
        return Passage(**row)


def estimate_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def chunk_document(doc: Document, settings: ChunkerSettings = ChunkerSettings()) -> list[Passage]:
    """Split a document into passages (see the module docstring)."""
    out: list[Passage] = []
    for b in doc.blocks:
        if b.kind == KIND_HEADLINE:
            spans = [(b.start, b.end)]
            groups = [[(b.start, b.end)]]
        else:
            spans = split_sentences(doc.text, b.start, b.end) or [(b.start, b.end)]
            groups = _pack(doc.text, spans, settings.max_tokens)
        for part, group in enumerate(groups, start=1 if len(groups) > 1 else 0):
            s, e = group[0][0], group[-1][1]
            text = doc.text[s:e]
            pid = content_hash(doc.doc_id, b.kind, str(s), str(e), text)
            out.append(
                Passage(
                    passage_id=pid,
                    doc_id=doc.doc_id,
                    kind=b.kind,
                    paragraph=b.paragraph,
                    start=s,
                    end=e,
                    text=text,
                    sentences=tuple(group),
                    heading=b.heading,
                    part=part,
                    title=doc.title,
                    date=doc.date,
                    source=doc.source,
                    section=doc.section,
                )
            )
    return out


def _pack(text: str, spans: list[tuple[int, int]], max_tokens: int) -> list[list[tuple[int, int]]]:
    """Group consecutive sentences into parts of at most ``max_tokens`` (a longer sentence stands alone)."""
    groups: list[list[tuple[int, int]]] = []
    cur: list[tuple[int, int]] = []
    n = 0
    for s, e in spans:
        t = estimate_tokens(text[s:e])
        if cur and n + t > max_tokens:
            groups.append(cur)
            cur, n = [], 0
        cur.append((s, e))
        n += t
    if cur:
        groups.append(cur)
    return groups


def embed_text(p: Passage) -> str:
    """The text a passage is embedded as: a paragraph with its headline in front, a headline alone.

    The headline gives a paragraph the context its sentences leave implicit ("the summit" of which
    story); listed headlines are separate stories, so they are embedded alone. The index writer and
    every reader of stored vectors (compaction, benchmarks) use this one function.
    """
    return embed_text_of(p.kind, p.title, p.text)


def embed_text_of(kind: str, title: str, text: str) -> str:
    """``embed_text`` from a passage's stored columns (migrations read tables, not ``Passage`` objects)."""
    return text if kind == KIND_HEADLINE or not title else f"{title}\n{text}"
