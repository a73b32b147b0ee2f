"""Typed values of the indexing pipeline: Document (what a reader returns) and Block (a span of it).

A reader turns a file into ``Document`` values. Each document holds its full ``text`` and a list of
``Block`` spans into that text: article paragraphs and the site's headline list. Offsets are character
offsets into ``text``, so ``text[block.start:block.end] == block.text`` always holds, and every later
stage (passages, sentences, quotes) can be checked against the document by its offsets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

KIND_PARAGRAPH = "paragraph"
KIND_HEADLINE = "headline"


def is_day(value: str) -> bool:
    """True if ``value`` is a real day written ``YYYY-MM-DD``: the one date rule of the project (stored
    dates of readers, and the date filters of ``qa.types``). Dates are compared as strings, so any
    other spelling that ``date.fromisoformat`` accepts (``20230914``) would sort and filter wrongly.

    >>> [is_day(v) for v in ("2023-09-14", "2024-13-45", "yesterday", "20230914", "")]
    [True, False, False, False, False]
    """
    if not (isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-"):
        return False
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def content_hash(*parts: str, n: int = 16) -> str:
    """A short sha256 hex id of the given strings (joined unambiguously)."""
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()[:n]


def file_sha256(path) -> str:
    """sha256 hex of a file's bytes, read in 1 MiB pieces (never whole into memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Block:
    """One paragraph or one headline of a document.

    Attributes:
        kind: ``"paragraph"`` or ``"headline"``.
        start, end: character offsets into the document text.
        text: ``document.text[start:end]``.
        paragraph: 1-based number among the document's paragraphs (or position in the headline list,
            1 = newest, for headlines).
        heading: the ALL-CAPS subheading above the paragraph, if any.
    """

    kind: str
    start: int
    end: int
    text: str
    paragraph: int
    heading: str = ""

    def to_row(self) -> list:
        """The block as a stored document row keeps it: ``[kind, start, end, paragraph, heading]``."""
        return [self.kind, self.start, self.end, self.paragraph, self.heading]


def stored_blocks(row: dict) -> tuple[Block, ...]:
    """The blocks of a stored document row (``text`` and ``blocks`` rows from ``Block.to_row``), typed."""
    text = row.get("text", "")
    return tuple(Block(b[0], b[1], b[2], text[b[1]:b[2]], b[3], b[4] if len(b) > 4 else "")
                 for b in row.get("blocks", []))


@dataclass(frozen=True)
class Document:
    """An article as read from a file.

    Attributes:
        doc_id: sha256 of the text (16 hex): the same article met twice gets the same id.
        text: the document text the offsets point into.
        title, date (ISO ``YYYY-MM-DD`` or ""), source, section, url: metadata.
        blocks: paragraphs and headlines, in document order.
        origin: the file (and, for records, ``#line``) it was read from.
        published: the publication line as printed, if any.
    """

    doc_id: str
    text: str
    title: str
    blocks: tuple[Block, ...]
    date: str = ""
    source: str = ""
    section: str = ""
    url: str = ""
    origin: str = ""
    published: str = ""
    fmt: str = ""

    @staticmethod
    def make_id(text: str) -> str:
        return content_hash(text)

    def meta(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "section": self.section,
            "url": self.url,
            "origin": self.origin,
            "published": self.published,
            "format": self.fmt,
        }


@dataclass(frozen=True)
class Skipped:
    """A file (or record) that was not indexed, with the reason in words."""

    path: str
    reason: str


@dataclass(frozen=True)
class Note:
    """Something said about a file (or record) that was indexed all the same, in words."""

    path: str
    text: str


@dataclass
class ReadResult:
    """What reading a set of paths produced."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of its bytes
