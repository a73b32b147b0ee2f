"""newsqa.ui.format: chat Markdown with markers, source cards with the quote highlighted, and escaping."""

from __future__ import annotations

import re

import pytest

from newsqa.embeddings.chunker import Passage
from newsqa.qa.present import UNSURE_NOTE
from newsqa.qa.types import Answer, Citation, Hit
from newsqa.ui import format as fmt

PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "[click me](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "$$\\alert$$ **bold** _it_ `code` # h",
]

PARA = "First sentence of the paragraph. The toll rose to 15 on Tuesday. A last sentence."


def _doc(text: str, blocks: list) -> dict:
    return {"doc_id": "d1", "text": text, "blocks": blocks}


def _citation(text: str, start: int, end: int, *, n=1, kind="paragraph", paragraph=2, title="A headline",
              answer_span=None, **kw) -> Citation:
    return Citation(n=n, quote=text[start:end], doc_id="d1", passage_id="p1", title=title, date="2023-09-14",
                    source="Reuters", section="World", kind=kind, paragraph=paragraph, start=start, end=end,
                    score=0.8, answer_span=answer_span, **kw)


def _visible_text(markup: str) -> str:
    """What a browser shows for escaped HTML text (tags dropped, entities decoded)."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_md_text_escapes_every_markdown_and_html_character():
    for s in PAYLOADS:
        out = fmt.md_text(s)
        assert "<" not in out and ">" not in out
        # every ASCII punctuation character is either an entity or backslash-escaped
        unescaped = re.sub(r"\\[!-/:-@\[-`{-~]|&(amp|lt|gt|quot|#x27);", "", out)
        assert not re.search(r"[!-/:-@\[-`{-~]", unescaped), (s, out)


def test_md_text_of_a_link_renders_as_its_text():
    md = fmt.md_text("[x](javascript:alert(1))")
    assert md == r"\[x\]\(javascript\:alert\(1\)\)"
    # undoing the escapes gives back the text a reader sees
    assert re.sub(r"\\(.)", r"\1", md) == "[x](javascript:alert(1))"


def test_answer_markdown_has_numbered_markers_linking_to_cards():
    text = "Alpha said yes. Beta said no."
    c1 = _citation(text, 0, 15, n=1)
    c2 = _citation(text, 16, 29, n=2)
    a = Answer("q", "", False, (c1, c2), ())
    md = fmt.answer_markdown(a, turn=3)
    assert "[\\[1\\]](#nq-t3-c1)" in md and "[\\[2\\]](#nq-t3-c2)" in md
    assert md.index("Alpha") < md.index("#nq-t3-c1") < md.index("Beta") < md.index("#nq-t3-c2")


def test_answer_markdown_marks_the_short_answer_apart_from_headings():
    s = PARA.index("The toll")
    c = _citation(PARA, s, PARA.index(" A last"), answer_span=(PARA.index("15"), PARA.index("15") + 2))
    md = fmt.answer_markdown(Answer("q", "", False, (c,), (), verdict="A: 15 vs B: 9"), 1)
    # ***x*** (<em><strong>: the page's highlight), never the **x** of a heading
    assert "\u201cThe toll rose to ***15*** on Tuesday\\.\u201d" in md
    assert "**Compared:** " + fmt.md_text("A: 15 vs B: 9") in md and "***Compared" not in md


def test_a_passage_stored_twice_is_listed_once_among_the_related():
    p = Passage("p1", "d1", "paragraph", 1, 0, 24, "Budget day is 16 March.", ((0, 24),), title="Brown names the day")
    twin = Passage("p2", "d2", "paragraph", 1, 0, 24, "Budget day is 16 March.", ((0, 24),), title="Brown names the day")
    other = Passage("p3", "d3", "paragraph", 1, 0, 24, "Blair backs the budget.", ((0, 24),), title="Blair backs")
    a = Answer("q", "Not found in the indexed articles.", True, (), (),
               related=(Hit(p, 0, 0.3), Hit(twin, 1, 0.2), Hit(other, 2, 0.1)))
    md, html_ = fmt.answer_markdown(a, 1), fmt.turn_html(a, 1, {})
    assert md.count("Budget day is 16 March") == 1 and html_.count("Budget day is 16 March") == 1
    # numbered alike in the chat and the panel: the second shown is the other story
    assert "Blair backs the budget" in md and "#nq-t1-r2" in md and 'id="nq-t1-r2"' in html_
    assert "#nq-t1-r3" not in md and 'id="nq-t1-r3"' not in html_
    from newsqa.cli import format_answer
    assert format_answer(a).count("Budget day is 16 March") == 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_answer_markdown_escapes_untrusted_quotes(payload):
    text = f"Intro. {payload} tail."
    c = _citation(text, 7, len(text), title=payload)
    md = fmt.answer_markdown(Answer("q", "", False, (c,), ()), 1)
    assert "<script" not in md and "<img" not in md and "](javascript" not in md


def test_abstention_says_coverage_and_lists_related_not_an_answer():
    p = Passage("p9", "d1", "paragraph", 4, 0, 20, "<img src=x onerror=alert(1)> nearby", ((0, 20),),
                title="[t](javascript:alert(1))", date="2023-09-14")
    cov = "The collection holds 1 article dated 2023-09-14 (3 passages, 0 of them headlines)."
    a = Answer("q", f"Not found in the indexed articles. {cov}", True, (), (), related=(Hit(p, 0, 0.1),), coverage=cov)
    md = fmt.answer_markdown(a, 2)
    assert "Not found in the indexed articles" in md
    assert fmt.md_text(cov) in md
    assert fmt.md_text("Related, not an answer") in md and "#nq-t2-r1" in md
    assert "<img" not in md and "](javascript" not in md
    html_ = fmt.turn_html(a, 2, {})
    assert 'id="nq-t2-r1"' in html_ and "related, not an answer" in html_
    assert "<img" not in html_ and "&lt;img src=x onerror=alert(1)&gt;" in html_


def test_citation_card_shows_whole_paragraph_with_quote_and_answer_marked():
    text = "Title line\n\n" + PARA
    base = text.index(PARA)
    s, e = text.index("The toll"), text.index(" A last")
    c = _citation(text, s, e, answer_span=(text.index("15"), text.index("15") + 2), answer_text="15")
    card = fmt.citation_card(c, _doc(text, [["paragraph", base, len(text), 2, ""]]), turn=1)
    assert 'id="nq-t1-c1"' in card
    assert "First sentence of the paragraph." in card and "A last sentence." in card
    mark = re.search(r'<mark class="nq-quote">(.*?)</mark>', card).group(1)
    assert _visible_text(mark) == "The toll rose to 15 on Tuesday."
    assert re.search(r'<strong class="nq-answer"[^>]*>15</strong>', mark)
    for bit in ("A headline", "2023-09-14", "Reuters", "World", "paragraph 2"):
        assert bit in card


def test_headline_card_shows_the_list_around_the_cited_headline():
    heads = [f"Headline number {i}" for i in range(1, 11)]
    text = "Own title\n\n" + "\n\n".join(heads)
    blocks, pos = [["headline", 0, 9, 0, ""]], 11
    for i, h in enumerate(heads, 1):
        blocks.append(["headline", pos, pos + len(h), i, ""])
        pos += len(h) + 2
    b = blocks[6]  # position 6
    c = _citation(text, b[1], b[2], kind="headline", paragraph=6)
    card = fmt.citation_card(c, _doc(text, blocks), 1)
    assert '<ol class="nq-headlines" start="3">' in card
    items = re.findall(r"<li[^>]*>(.*?)</li>", card)
    assert [_visible_text(i) for i in items] == [f"Headline number {i}" for i in range(3, 10)]
    assert '<li class="nq-hit"><mark class="nq-quote">Headline number 6</mark></li>' in card
    assert "headline list, position 6" in card


@pytest.mark.parametrize("payload", PAYLOADS)
def test_citation_card_escapes_title_paragraph_and_metadata(payload):
    text = f"{payload} Then a quoted sentence {payload}. End."
    s = text.index("Then")
    c = _citation(text, s, text.index("End") - 1, title=payload, heading=payload, context_before=payload)
    card = fmt.citation_card(c, _doc(text, [["paragraph", 0, len(text), 1, ""]]), 1)
    own = re.findall(r'<a class="nq-open" [^>]*>[^<]*</a>', card)
    assert len(own) == 1 and 'data-doc="d1"' in own[0]  # the app's one link: "Open the article"
    card = card.replace(own[0], "")
    assert "<script" not in card and "<img" not in card and "<a " not in card
    assert fmt.escape(payload) in card
    # the text a reader sees is exactly the payload
    assert payload in _visible_text(card)


def test_card_without_stored_document_shows_the_quote_alone():
    c = _citation("x <b>bold</b> y", 0, 15)
    card = fmt.citation_card(c, None, 4)
    assert '<mark class="nq-quote">x &lt;b&gt;bold&lt;/b&gt; y</mark>' in card


def test_sources_html_newest_turn_first_and_question_escaped():
    c = _citation(PARA, 0, 32)
    t1 = fmt.turn_html(Answer("<script>first</script>", "", False, (c,), ()), 1, {})
    t2 = fmt.turn_html(Answer("second?", "", False, (c,), ()), 2, {})
    panel = fmt.sources_html([t1, t2])
    assert panel.index('id="nq-t2"') < panel.index('id="nq-t1"')
    assert "&lt;script&gt;first&lt;/script&gt;" in panel and "<script>" not in panel


def test_upload_report_escapes_file_names():
    out = fmt.upload_report_html(["<img src=x onerror=alert(1)>.txt"], [("<script>x</script>.exe", "unsupported")])
    assert "<img" not in out and "<script>" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in out and "Refused &lt;script&gt;" in out


def test_summary_html_lists_counts_dates_sections_and_model():
    s = {"articles": 2, "passages": 9, "kinds": {"paragraph": 7, "headline": 2}, "date_from": "2023-09-01",
         "date_to": "2023-09-14", "undated": 0, "sections": ["World", "<b>x</b>"], "sources": ["Reuters"],
         "model": "all-MiniLM-L6-v2", "updated": ""}
    out = fmt.summary_html(s)
    for bit in ("2023-09-01 to 2023-09-14", "7 paragraphs", "2 headlines", "all-MiniLM-L6-v2", "&lt;b&gt;x&lt;/b&gt;"):
        assert bit in out


def test_an_unsure_answer_is_labelled_and_never_bolded():
    c = _citation(PARA, 33, 64, answer_span=(50, 52))
    reason = {"code": "not_stated", "text": "the articles about the toll do not give the date", "terms": []}
    a = Answer("q", "", False, (c,), (), answer_state="unsure", abstain_reason=reason)
    md = fmt.answer_markdown(a, 1)
    assert md.startswith("*" + fmt.md_text(UNSURE_NOTE))
    assert fmt.md_text(reason["text"]) in md
    sure = fmt.answer_markdown(Answer("q", "", False, (c,), (), answer_state="answered"), 1)
    assert fmt.md_text(UNSURE_NOTE) not in sure


@pytest.mark.parametrize("payload", PAYLOADS)
def test_article_view_highlights_the_quote_and_escapes_everything(payload):
    text = f"{payload} headline\n\nFirst paragraph {payload}.\n\nThen a quoted sentence here. End."
    s, e = text.index("Then"), text.index(" End")
    doc = {"text": text, "title": payload, "date": "", "source": payload, "section": "sport",
           "origin": f"/up/{payload}.txt", "url": f"javascript:{payload}"}
    page = fmt.article_html(doc, s, e)
    assert "<script" not in page and "<img" not in page and "<a " not in page  # javascript: url dropped
    assert re.search(r'<mark class="nq-quote" id="nq-article-quote">Then a quoted sentence here\.</mark>', page)
    assert _visible_text(page).count(payload) == 5  # title, source, file, twice in the text
    assert "undated" in page and "sport" in page


def test_article_view_links_a_plain_url_and_says_when_the_article_is_gone():
    doc = {"text": "Title\n\nBody text.", "title": "Title", "url": "https://example.org/a?b=1&c=2"}
    page = fmt.article_html(doc, 7, 17)
    assert '<a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow">' in page
    assert "no longer in the index" in fmt.article_html(None, 0, 5)


def test_upload_lines_one_per_file_with_status():
    html = fmt.upload_lines_html([("a.txt", "ok", "1 article"), ("b.docx", "refused", ".docx is not read"),
                                  ("c.txt", "duplicate", "the index already holds this article")], "now 3")
    items = re.findall(r"<li class=\"(nq-\w+)\"><strong>([^<]*)</strong>: (\w+)", html)
    assert items == [("nq-ok", "a.txt", "added"), ("nq-refused", "b.docx", "refused"), ("nq-dup", "c.txt", "duplicate")]
