"""The news page format of the seed corpus: an article followed by the site's list of other headlines.

Layout (see ../shared/corpus/README.md)::

     date 2023-09-14 World          <- header line: date and section
     <headline>
     <source line>                  e.g. Reuters
     <publication line>             e.g. September 14, 2023 9:14 am
     [Source: Reuters]
     <paragraphs ...>               with page furniture and ALL-CAPS subheadings among them
     <headline list ...>            one headline a block, newest first, no dates of their own

The headline list is found from the end of the page: the longest run of trailing one-line blocks that
read as headlines (short, no sentence-final punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..documents import KIND_HEADLINE, KIND_PARAGRAPH, Block, Document
from .blocks import split_blocks

HEADER = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]*([^\n]*)$", re.MULTILINE)
SOURCE_TAG = re.compile(r"^\[Source:\s*([^\]]*)\]$")
_PUBLISHED = re.compile(
    r"^(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4}(\s+\d{1,2}:\d{2}\s*(am|pm|AM|PM)?)?$"
)
# Page furniture: lines that belong to the web page, not to the article.
FURNITURE = re.compile(
    r"^(article continues after advertisement|advertisement|advert|sponsored|"
    r"read more:?.*|related:?.*|also read:?.*|share this( article)?|click here.*|"
    r"subscribe.*newsletter.*)$",
    re.IGNORECASE,
)
_SENTENCE_END = ("." , "!", "?", "\"", "\u201d", "\u2019", ":", ";", ")")
MIN_HEADLINE_LIST = 3  # fewer trailing headline-like blocks than this are read as paragraphs
MAX_HEADLINE_CHARS = 200
MAX_HEADLINE_WORDS = 30


def looks_like_newspage(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return HEADER.match(first) is not None


def is_subheading(s: str) -> bool:
    """An ALL-CAPS line of a few words, such as ``BALLISTIC MISSILES``."""
    letters = [c for c in s if c.isalpha()]
    return (
        "\n" not in s
        and len(letters) >= 3
        and all(c.isupper() for c in letters)
        and len(s.split()) <= 10
        and not s.endswith((".", "?", "!"))
    )


def is_headline_like(s: str) -> bool:
    return (
        "\n" not in s
        and len(s) <= MAX_HEADLINE_CHARS
        and len(s.split()) <= MAX_HEADLINE_WORDS
        and not s.endswith(_SENTENCE_END)
        and not FURNITURE.match(s)
    )


def _norm(s: str) -> str:
    return " ".join(s.replace("\u2019", "'").replace("\u2018", "'").lower().split())


def read_newspage(text: str, origin: str) -> Document:
    """Parse a news page into a Document of paragraph and headline blocks.

    Steps: the header line (date, section), the preamble (headline, source, publication line),
    the article's paragraphs, and the trailing list of other headlines.
    """
    first_nl = text.find("\n")
    header_end = len(text) if first_nl == -1 else first_nl
    m = HEADER.match(text.lstrip("\ufeff"), 0)
    date, section = (m.group(1), m.group(2).strip()) if m else ("", "")
    spans = list(split_blocks(text, header_end))
    pre = _preamble(text, spans)
    body = spans[pre.end:]
    j = _headline_list_start(text, body)
    blocks = pre.blocks + _paragraphs(text, body[:j]) + _listed_headlines(text, body[j:], pre.title)
    return Document(
        doc_id=Document.make_id(text.strip()),
        text=text,
        title=pre.title,
        blocks=tuple(blocks),
        date=date,
        source=pre.source,
        section=section,
        origin=origin,
        published=pre.published,
        fmt="newspage",
    )


@dataclass(frozen=True)
class _Preamble:
    title: str
    source: str
    published: str
    blocks: list[Block]  # the headline's block
    end: int  # the first span after the preamble


def _preamble(text: str, spans: list[tuple[int, int]]) -> _Preamble:
    """Headline, then source / publication / [Source: ...] lines, up to and including the tag."""
    title, source, published = "", "", ""
    blocks: list[Block] = []
    i = 0
    if spans:
        s, e = spans[0]
        title = text[s:e]
        blocks.append(Block(KIND_HEADLINE, s, e, title, 0))
        i = 1
    has_tag = any(SOURCE_TAG.match(text[s:e]) for s, e in spans[: min(len(spans), 6)])
    while i < len(spans) and i < 6:
        s, e = spans[i]
        line = text[s:e]
        tag = SOURCE_TAG.match(line)
        if tag:
            source = source or tag.group(1).strip()
            i += 1
            break
        if _PUBLISHED.match(line):
            published = line
        elif not source and "\n" not in line and len(line) < 60 and (has_tag or i == 1):
            source = line
        else:
            break
        i += 1
    return _Preamble(title, source, published, blocks, i)


def _headline_list_start(text: str, body: list[tuple[int, int]]) -> int:
    """Where the trailing headline list begins in ``body`` (``len(body)`` when there is none): the
    longest run of headline-like blocks at the end, past any subheading that opens it."""
    j = len(body)
    while j > 0 and is_headline_like(text[body[j - 1][0] : body[j - 1][1]]):
        j -= 1
    if len(body) - j < MIN_HEADLINE_LIST:
        j = len(body)
    # A headline-like block directly after the article could still be a short last paragraph; the
    # list starts at the first block that is not a subheading (subheadings are ALL CAPS).
    while j < len(body) and is_subheading(text[body[j][0] : body[j][1]]):
        j += 1
    return j


def _paragraphs(text: str, spans: list[tuple[int, int]]) -> list[Block]:
    """The article's paragraphs, numbered from 1, each under the last subheading before it."""
    blocks, heading, n = [], "", 0
    for s, e in spans:
        chunk = text[s:e]
        if FURNITURE.match(chunk.strip()):
            continue
        if is_subheading(chunk):
            heading = chunk
            continue
        n += 1
        blocks.append(Block(KIND_PARAGRAPH, s, e, chunk, n, heading))
    return blocks


def _listed_headlines(text: str, spans: list[tuple[int, int]], title: str) -> list[Block]:
    """The other stories' headlines, by their position in the list (the page's own one left out)."""
    own = _norm(title)
    return [Block(KIND_HEADLINE, s, e, text[s:e], pos) for pos, (s, e) in enumerate(spans, start=1)
            if _norm(text[s:e]) != own]
