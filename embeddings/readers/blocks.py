"""Shared helpers of the readers: blank-line blocks with offsets, and building a Document from them."""

from __future__ import annotations

import re
from typing import Iterator

from ..documents import KIND_HEADLINE, KIND_PARAGRAPH, Block, Document

_BLANK = re.compile(r"\n[ \t\r\f\v]*\n")


def split_blocks(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each blank-line-separated block of ``text[start:end]``, whitespace trimmed.

    >>> [("ab\\n\\n c "[s:e]) for s, e in split_blocks("ab\\n\\n c ")]
    ['ab', 'c']
    """
    end = len(text) if end is None else end
    pos = start
    for m in _BLANK.finditer(text, start, end):
        yield from _trimmed(text, pos, m.start())
        pos = m.end()
    yield from _trimmed(text, pos, end)


def _trimmed(text: str, s: int, e: int) -> Iterator[tuple[int, int]]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        yield s, e


def plain_document(text: str, *, origin: str, fmt: str, title_from_markdown: bool = False, **meta) -> Document:
    """A document whose first block is its title and whose other blocks are paragraphs.

    ``title_from_markdown`` takes the first ``# heading`` as the title (Markdown), and treats later
    ``#`` lines as subheadings of the paragraphs under them.
    """
    spans = list(split_blocks(text))
    blocks: list[Block] = []
    title = ""
    heading = ""
    n = 0
    for i, (s, e) in enumerate(spans):
        chunk = text[s:e]
        if title_from_markdown and chunk.startswith("#") and "\n" not in chunk:
            stripped = chunk.lstrip("#").strip()
            if not stripped:
                continue  # a bare "#": no heading text, nothing to index
            off = s + chunk.index(stripped)
            if not title:
                title = stripped
                blocks.append(Block(KIND_HEADLINE, off, off + len(stripped), stripped, 0))
            else:
                heading = stripped
            continue
        if not title and i == 0:
            first_line_end = chunk.find("\n")
            if first_line_end == -1 or not title_from_markdown:
                # The first line is the title; the rest of the first block (if any) is a paragraph.
                le = e if first_line_end == -1 else s + first_line_end
                title = text[s:le].strip()
                ts = s + text[s:le].index(title) if title else s
                if title:
                    blocks.append(Block(KIND_HEADLINE, ts, ts + len(title), title, 0))
                if first_line_end != -1:
                    for s2, e2 in _trimmed(text, le, e):
                        n += 1
                        blocks.append(Block(KIND_PARAGRAPH, s2, e2, text[s2:e2], n, heading))
                continue
        n += 1
        blocks.append(Block(KIND_PARAGRAPH, s, e, chunk, n, heading))
    return Document(
        doc_id=Document.make_id(text.strip()),
        text=text,
        title=meta.pop("title", "") or title,
        blocks=tuple(blocks),
        origin=origin,
        fmt=fmt,
        **meta,
    )
