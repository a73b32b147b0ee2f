"""HTML news pages, through trafilatura (a maintained article extractor), not hand-written regexes."""

from __future__ import annotations

from ..documents import Document
from ..errors import ReadError
from .blocks import plain_document


def read_html(html: str, origin: str) -> Document:
    """Extract the article (title, date, site, paragraphs) of an HTML page.

    Scripts, styles, navigation and comments are dropped by the extractor; the document text is the
    title followed by the extracted paragraphs, one per blank-line block.
    """
    try:
        import trafilatura
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError("HTML needs trafilatura: pip install trafilatura lxml_html_clean") from e

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
    )
    if doc is None:
        raise ReadError(origin, "no article text found in the HTML page")
    get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
    body = (get("text") or "").strip()
    if not body:
        raise ReadError(origin, "no article text found in the HTML page")
    title = " ".join((get("title") or "").split())
    paragraphs = [" ".join(p.split()) for p in body.split("\n") if p.strip()]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    text = "\n\n".join(([title] if title else []) + paragraphs) + "\n"
    if not title:
        # No title in the page: the first paragraph stands as title, as for plain text.
        pass
    cats = get("categories") or []
    return plain_document(
        text,
        origin=origin,
        fmt="html",
        date=(get("date") or "")[:10],
        source=get("sitename") or get("hostname") or "",
        section=(cats[0] if isinstance(cats, list) and cats else ""),
        url=get("url") or "",
    )
