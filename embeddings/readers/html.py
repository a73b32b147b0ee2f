"""HTML news pages, through trafilatura (a maintained article extractor), not hand-written regexes.

The article's date is the page's own metadata only (``page_date``): a ``<meta>`` publication date
(``article:published_time`` and the like), else ``datePublished`` in JSON-LD or microdata. The
extractor's own date is not used: when the metadata has none it guesses one from the text, the
address or ``<time>`` elements, and the guess can be a copyright year ("© 2019" becomes
2019-01-01), an update ("Last updated: 5 January 2025") or a crawl date. A page without a metadata
date is stored undated, and the reading notes say so. A page is parsed once (``parse_html``): the
date is read from the tree the extractor then reads.

    >>> page_date(parse_html('<html><head><meta property="article:published_time" content="2023-09-14T10:00:00Z">'
    ...                      '</head><body><p>Text.</p></body></html>'))
    PageDate(value='2023-09-14T10:00:00Z', where='<meta property="article:published_time">')
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections import deque
from dataclasses import dataclass

from dateutil import parser as dateutil_parser

from ..documents import Document, is_day
from ..errors import ReadError
from .blocks import plain_document

# ``<meta>`` names and properties that hold a publication date (lower case), in the order tried.
# Modification dates (``article:modified_time``, ``dateModified``) are not publication dates: not taken.
META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "article.published", "publish-date", "publish_date", "publishdate", "pubdate", "publication_date",
    "citation_publication_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date",
    "parsely-pub-date", "sailthru.date", "originalpublicationdate",
)
_DAY = re.compile(r"(\d{4})[-/]?(\d{2})[-/]?(\d{2})(?!\d)")
_YEAR = re.compile(r"(?<![\d+])(?<!\s-)[12]\d{3}(?!\d)")  # not a zone offset ("+0100", " -1000")
_NUMERIC_DAY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.]\d{4}(?!\d)")
_DEFAULTS = (_dt.datetime(1, 1, 1), _dt.datetime(4, 2, 2))
UNDATED_NOTE = ("no publication date in the page's metadata (a <meta> such as article:published_time, or "
                "datePublished); stored undated: a date in its text or address is not guessed (it may be a "
                "copyright year, an update or a crawl date)")


@dataclass(frozen=True)
class PageDate:
    """The publication date a page's metadata gives: ``value`` as written, ``where`` it was found."""

    value: str
    where: str

    @property
    def day(self) -> str:
        """``value`` as ``YYYY-MM-DD`` (the day as the page writes it, in its own time zone), or "".

        ISO forms first ("2023-09-14T10:00:00Z", "20230914"); then the value alone (never the page's
        text) through dateutil's parser: "September 14, 2023", "14 September 2023", RFC 2822 "Thu, 14
        Sep 2023 10:00:00 GMT". It must name a day, a month and a four-digit year ("Sep 23" or "14
        Sep 05" is no year: the century would be a guess). All-number dates are read only when one
        order is possible: "14/09/2023" (day first), "09/14/2023" (month first), "03/04/2023" is not.

            >>> [PageDate(v, "").day for v in ("14 September 2023", "14/09/2023", "03/04/2023", "Thu, 14 Sep 23")]
            ['2023-09-14', '2023-09-14', '', '']
        """
        value = self.value.strip()
        m = _DAY.match(value)
        if m:
            day = "-".join(m.groups())
            return day if is_day(day) else ""
        return _written_day(value)


def _written_day(value: str) -> str:
    """A day written in words or numbers ("September 14, 2023", "14/09/2023"), or "" (see ``PageDate.day``)."""
    years = _YEAR.findall(value)
    numeric = _NUMERIC_DAY.match(value)
    if len(years) != 1 or (numeric and _both_orders(int(numeric[1]), int(numeric[2]))):
        return ""
    try:  # two defaults: a part the value does not give (a day, a month) comes out different
        a, b = (dateutil_parser.parse(value, default=d, dayfirst=True) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return ""
    if a.date() != b.date() or a.year != int(years[0]):
        return ""
    return a.date().isoformat()


def _both_orders(first: int, second: int) -> bool:
    """Both a day-month and a month-day reading of "03/04" (not of "14/09", "09/14" or "04/04")."""
    return first != second and first <= 12 and second <= 12


def _trafilatura():
    try:
        import trafilatura  # imported here: reading no HTML page costs nothing
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError("HTML needs trafilatura: pip install trafilatura lxml_html_clean") from e
    return trafilatura


def parse_html(html: str):
    """The page's lxml tree as trafilatura parses it (its repairs of faulty HTML), or None."""
    return _trafilatura().load_html(html)


def page_date(tree) -> PageDate | None:
    """The publication date of the parsed page's metadata (``parse_html``), or None when it gives none
    (never a guess)."""
    if tree is None:
        return None
    metas = {}
    for m in tree.iter("meta"):
        for attr in ("property", "name", "itemprop"):
            key = (m.get(attr) or "").strip().lower()
            if key in META_DATE_KEYS and (m.get("content") or "").strip():
                metas.setdefault(key, PageDate(m.get("content").strip(), f'<meta {attr}="{m.get(attr).strip()}">'))
    for key in META_DATE_KEYS:
        if key in metas:
            return metas[key]
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        if value := _json_ld_date(script.text or ""):
            return PageDate(value, "JSON-LD datePublished")
    for el in tree.iterfind('.//*[@itemprop="datePublished"]'):
        if value := (el.get("datetime") or el.get("content") or "").strip():
            return PageDate(value, f'<{el.tag} itemprop="datePublished">')
    return None


def _json_ld_date(text: str) -> str:
    """The first ``datePublished`` of a JSON-LD block (its ``@graph`` and nested objects searched), or ""."""
    try:
        queue = deque([json.loads(text)])
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth (a hostile page)
        return ""
    while queue:
        node = queue.popleft()
        if isinstance(node, dict):
            if isinstance(node.get("datePublished"), str) and node["datePublished"].strip():
                return node["datePublished"].strip()
            queue.extend(node.values())
        elif isinstance(node, list):
            queue.extend(node)
    return ""


def read_html(html: str, origin: str) -> tuple[Document, str]:
    """Extract the article (title, date, site, paragraphs) of an HTML page.

    Scripts, styles, navigation and comments are dropped by the extractor; the document text is the
    title followed by the extracted paragraphs, one per blank-line block.

    Returns:
        The document, and a note about its date ("" when the metadata gave one): why it is undated.
    """
    tree = parse_html(html)
    if tree is None:
        raise ReadError(origin, "no article text found in the HTML page")
    date = page_date(tree)  # before the extraction, which reads (a copy of) the same tree
    doc = _trafilatura().bare_extraction(  # its date is not used (see the module's docstring): no search for one
        tree, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
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
    text = "\n\n".join(([title] if title else []) + paragraphs) + "\n"  # no title: the first paragraph stands as one
    day = date.day if date else ""
    note = ("" if day else UNDATED_NOTE if date is None else
            f"the publication date {date.value!r} of {date.where} is not a day (YYYY-MM-DD); stored undated")
    cats = get("categories") or []
    document = plain_document(
        text,
        origin=origin,
        fmt="html",
        date=day,
        source=get("sitename") or get("hostname") or "",
        section=(cats[0] if isinstance(cats, list) and cats else ""),
        url=get("url") or "",
        published=date.value if date else "",
    )
    return document, note
