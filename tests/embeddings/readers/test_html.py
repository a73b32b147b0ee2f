"""HTML pages: the article's date is the page's metadata date, never one guessed from its text."""

from __future__ import annotations

import pytest

from newsqa.embeddings.readers import read_file
from newsqa.embeddings.readers.html import UNDATED_NOTE, PageDate, page_date, parse_html

BODY = "".join(f"<p>The harbour master said ships would wait {i} more days before the storm passed the coast.</p>"
               for i in range(4))


def page(head: str = "", before: str = "", after: str = "") -> str:
    return (f"<html><head><title>Storm closes port</title>{head}</head><body><article><h1>Storm closes port</h1>"
            f"{before}{BODY}{after}</article></body></html>")


def read(tmp_path, html: str):
    f = tmp_path / "a.html"
    f.write_text(html, encoding="utf-8")
    r = read_file(f)
    assert not r.skipped and len(r.documents) == 1, r.skipped
    return r.documents[0], [n.text for n in r.notes]


@pytest.mark.parametrize("head,day", [
    ('<meta property="article:published_time" content="2023-09-14T23:30:00-05:00">', "2023-09-14"),
    ('<meta name="pubdate" content="20230914">', "2023-09-14"),
    ('<meta name="date" content="Thu, 14 Sep 2023 10:00:00 GMT">', "2023-09-14"),
    ('<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": "NewsArticle", '
     '"dateModified": "2023-09-20", "datePublished": "2023-09-14T08:00:00Z"}]}</script>', "2023-09-14"),
    # the publication date wins over a modification date that comes first
    ('<meta property="article:modified_time" content="2024-01-02"><meta property="og:published_time" '
     'content="2023-09-14">', "2023-09-14"),
])
def test_the_date_is_the_pages_metadata_date(tmp_path, head, day):
    d, notes = read(tmp_path, page(head))
    assert d.date == day and notes == []


@pytest.mark.parametrize("value,day", [
    ("September 14, 2023", "2023-09-14"), ("14 September 2023", "2023-09-14"), ("Sept. 14, 2023", "2023-09-14"),
    ("14/09/2023", "2023-09-14"), ("09/14/2023", "2023-09-14"), ("14.09.2023", "2023-09-14"),
    ("Thu, 14 Sep 2023 10:00:00 -1000", "2023-09-14"),
    ("03/04/2023", ""),  # the 3rd of April or the 4th of March: not guessed
    ("Thu, 14 Sep 23 10:00:00 GMT", ""), ("14 Sep 05", ""),  # a two-digit year: the century would be a guess
    ("September 2023", ""), ("2023", ""),  # no day
])
def test_a_metadata_date_written_in_words_or_one_order_of_numbers_is_read(tmp_path, value, day):
    """trafilatura read these before its date was dropped (session 9); the value alone is parsed."""
    d, notes = read(tmp_path, page(f'<meta name="date" content="{value}">'))
    assert d.date == day and d.published == value
    assert notes == ([] if day else [f"the publication date {value!r} of <meta name=\"date\"> is not a day "
                                     "(YYYY-MM-DD); stored undated"])


def test_microdata_date_published(tmp_path):
    d, notes = read(tmp_path, page(before='<time itemprop="datePublished" datetime="2017-03-04">4 March</time>'))
    assert d.date == "2017-03-04" and notes == []


@pytest.mark.parametrize("head,before,after", [
    ("", "", "<footer>\u00a9 2019 Example News</footer>"),  # trafilatura's guess: 2019-01-01
    ("", "", "<p>Last updated: 5 January 2025</p>"),  # an update, not the publication
    ("", "<p>Posted on 3 March 2021</p>", ""),  # a date in the text
    ('<link rel="canonical" href="https://news.example.com/2020/05/17/storm">', "", ""),  # the address
    ('<meta property="article:modified_time" content="2024-01-02T10:00:00Z">', "", ""),  # a modification
    ("", '<time datetime="2018-02-11">11 Feb</time>', ""),  # a <time> that does not say it is the publication
])
def test_no_date_is_guessed_when_the_metadata_has_none(tmp_path, head, before, after):
    d, notes = read(tmp_path, page(head, before, after))
    assert d.date == "" and notes == [UNDATED_NOTE]
    assert "stored undated" in UNDATED_NOTE


def test_an_unreadable_metadata_date_is_named_with_where_it_was(tmp_path):
    d, notes = read(tmp_path, page('<meta name="pubdate" content="sometime in spring">'))
    assert d.date == ""
    assert notes == ["the publication date 'sometime in spring' of <meta name=\"pubdate\"> is not a day (YYYY-MM-DD); "
                     "stored undated"]


def test_page_date_says_where_and_keeps_the_value_as_written():
    got = page_date(parse_html(page('<meta itemprop="datePublished" content="2023-02-30">')))
    assert got == PageDate("2023-02-30", '<meta itemprop="datePublished">')
    assert got.day == ""  # not a day
    assert page_date(parse_html(page())) is None
    assert page_date(parse_html('<?xml version="1.0" encoding="utf-8"?>\n' + page(
        '<meta property="article:published_time" content="2023-09-14">'))).day == "2023-09-14"


def test_hostile_metadata_reads_undated(tmp_path):
    """JSON-LD nested past the parser's depth, or not JSON at all, is no date and no failure."""
    deep = "[" * 100_000 + "]" * 100_000
    for bad in (deep, "{not json", ""):
        d, notes = read(tmp_path, page(f'<script type="application/ld+json">{bad}</script>'))
        assert d.date == "" and notes == [UNDATED_NOTE]


def test_a_page_is_parsed_once(tmp_path, monkeypatch):
    """The date is read from the tree the extractor reads: the page's text is parsed once, not twice
    (each parse of a page's text decodes it first)."""
    import trafilatura.utils  # here, not at the top: collecting the fast layer should not pay for it

    parses = []
    real = trafilatura.utils.decode_file
    monkeypatch.setattr(trafilatura.utils, "decode_file", lambda *a, **k: parses.append(1) or real(*a, **k))
    d, _ = read(tmp_path, page('<meta property="article:published_time" content="2023-09-14T10:00:00Z">'))
    assert d.date == "2023-09-14" and "harbour master" in d.text
    assert len(parses) == 1
