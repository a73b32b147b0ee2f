"""The page as a reader meets it, in headless Chromium: panels that never overlap (wide and narrow),
a sources panel that scrolls itself, markers that keep the chat in view, the whole article with the
quote highlighted, the Documents table, filters that explain an empty result, a mixed upload.

One app for the module, over a small collection in section folders, with the fake (hashing)
encoder: the model is not the point here. Screenshots go to ``$NEWSQA_ARTIFACTS`` (the docs/ ones
were made with ``NEWSQA_ARTIFACTS=docs``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import BOT, SEED, ask_in_page, open_page, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FILLER = ("The council published the figures in its annual report, which runs to more than two hundred pages "
          "and covers roads, schools, water and the harbour, and which the mayor presented on the steps of the "
          "town hall to a crowd of residents, traders and visitors from the other islands.")


def _article(title: str, facts: list[str], filler: int = 6) -> str:
    paras = facts[:1] + [FILLER.replace("council", f"council ({i})") for i in range(filler)] + facts[1:]
    return title + "\n\n" + "\n\n".join(paras) + "\n"


ARTICLES = {
    "sport/rugby.txt": _article("Tavua rugby club wins the island cup", [
        "The Tavua rugby club won the island cup on Saturday, beating Nadi by 24 points to 10 in the final.",
        "The Tavua captain Josefa Ravai said the win was for the whole village."]),
    "sport/rowing.txt": _article("Lautoka rowers take the harbour regatta", [
        "Lautoka rowers finished the harbour regatta course in six minutes and forty seconds.",
        "The regatta drew eleven crews from four islands."]),
    "business/sugar.txt": _article("Sugar mill raises cane price for growers", [
        "The Rarawai sugar mill raised the cane price to 85 dollars a tonne for the new season.",
        "Growers had asked for 90 dollars a tonne."]),
    # the cited paragraph comes last, after 14 others: the article view must scroll to it
    "business/ferry.txt": _article("Ferry company orders two new boats", [
        "The first boat is due in March next year.",
        "The Patterson ferry company ordered two new boats from a shipyard in Suva for 12 million dollars."],
        filler=14),
}
QUESTIONS = ["Who did the Tavua rugby club beat in the island cup final?",
             "How long did the Lautoka rowers take for the harbour regatta course?",
             "What cane price did the Rarawai sugar mill set for growers?",
             "How many new boats did the Patterson ferry company order?"]




@pytest.fixture(scope="module")
def app(tmp_path_factory, fake_encoder):
    """The app on 127.0.0.1 over the collection (sport/, business/ and the seed page); stopped after."""
    from newsqa.embeddings.indexer import update_index
    from newsqa.qa import Engine

    root = tmp_path_factory.mktemp("layout")
    src = root / "articles"
    for rel, text in ARTICLES.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    shutil.copy(SEED, src / "seed.txt")
    update_index([src], root / "index", encoder=fake_encoder, progress=False)
    engine = Engine.open(root / "index", encoder=fake_encoder)
    with running_app(engine, root, examples=QUESTIONS[:2]) as url:
        yield url, engine, root / "uploads"


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = Path(os.environ["NEWSQA_ARTIFACTS"]) if os.environ.get("NEWSQA_ARTIFACTS") else tmp_path_factory.mktemp("shots")
    d.mkdir(parents=True, exist_ok=True)
    return d


def ask(page, question: str):
    return ask_in_page(page, question, sources=True)


PANELS = ["#nq-viewtabs", "#nq-chat", "#nq-question", "#nq-ask", "#nq-clear", "#nq-filters", "#nq-docs",
          "#nq-add", "#nq-sources-title", "#nq-sources-box", "#nq-index"]


def boxes(page) -> dict:
    """Bounding boxes (page coordinates) of the visible panels."""
    return page.evaluate("""(sels) => {
        const out = {};
        for (const s of sels) {
            const el = document.querySelector(s);
            if (!el) continue;
            const r = el.getBoundingClientRect();
            const st = getComputedStyle(el);
            if (r.width < 1 || r.height < 1 || st.display === "none" || st.visibility === "hidden") continue;
            out[s] = [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY];
        }
        return out;
    }""", PANELS)


def overlaps(b: dict) -> list:
    names = list(b)
    bad = []
    for i, a in enumerate(names):
        for c in names[i + 1:]:
            (l1, t1, r1, b1), (l2, t2, r2, b2) = b[a], b[c]
            if min(r1, r2) - max(l1, l2) > 1 and min(b1, b2) - max(t1, t2) > 1:
                bad.append((a, c))
    return bad


def test_panels_never_overlap_and_the_sources_panel_scrolls_itself(browser, app, shots):
    url, _, _ = app
    page = open_page(browser, url)
    for q in QUESTIONS * 2:
        ask(page, q)
    assert page.locator("#nq-summary").is_visible()  # the Index box (open) sits under the panel
    b = boxes(page)
    assert {"#nq-chat", "#nq-sources-box", "#nq-index", "#nq-filters"} <= set(b)
    assert overlaps(b) == []
    box = page.locator("#nq-sources-box")
    info = box.evaluate("el => ({sh: el.scrollHeight, ch: el.clientHeight, oy: getComputedStyle(el).overflowY})")
    assert info["oy"] == "auto" and info["sh"] > info["ch"] + 100  # 8 turns of cards: it must scroll
    # newest question first
    assert page.locator("#nq-sources-box .nq-turn").first.get_attribute("id") == "nq-t8"
    y0 = page.evaluate("scrollY")
    box.hover()
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(400)
    assert box.evaluate("el => el.scrollTop") > 0
    assert page.evaluate("scrollY") == y0  # the panel scrolled, not the page
    page.screenshot(path=str(shots / "ui-wide.png"))
    page.screenshot(path=str(shots / "screenshot.png"))

    page.set_viewport_size({"width": 400, "height": 800})
    page.wait_for_timeout(400)
    assert page.locator("#nq-viewtabs").is_visible()
    assert page.locator("#nq-chat").is_visible() and not page.locator("#nq-sources-box").is_visible()
    assert overlaps(boxes(page)) == []
    page.screenshot(path=str(shots / "ui-narrow-chat.png"))
    page.locator("#nq-viewtabs button[data-nq-view='sources']").click()
    page.wait_for_timeout(300)
    assert page.locator("#nq-sources-box").is_visible() and not page.locator("#nq-chat").is_visible()
    b = boxes(page)
    assert overlaps(b) == []
    top = page.locator("#nq-sources-box").evaluate("el => el.getBoundingClientRect().top")
    assert top < 400  # the sources are at the top of the phone screen, not 1,100 px below the chat
    page.screenshot(path=str(shots / "ui-narrow-sources.png"))
    page.context.close()


def test_a_marker_click_scrolls_only_the_sources_panel(browser, app, shots):
    url, _, _ = app
    page = open_page(browser, url)
    first = ask(page, QUESTIONS[0])
    for q in QUESTIONS[1:] * 2:
        ask(page, q)
    card = page.locator("#nq-t1-c1")
    box = page.locator("#nq-sources-box")
    box.evaluate("el => el.scrollTop = 0")
    page.evaluate("window.scrollTo(0, 0)")
    box_rect = box.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert card.evaluate("el => el.getBoundingClientRect().top") > box_rect[1]  # out of sight at first
    chat_top = page.locator("#nq-chat").evaluate("el => el.getBoundingClientRect().top")
    first.locator("a[href='#nq-t1-c1']").click()
    page.wait_for_function("document.getElementById('nq-t1-c1').classList.contains('nq-flash')", timeout=5_000)
    page.wait_for_timeout(900)  # smooth scrolling
    top = card.evaluate("el => el.getBoundingClientRect().top")
    assert box_rect[0] - 1 <= top < box_rect[1] - 20  # the card is in the panel's view
    assert page.evaluate("scrollY") == 0  # the page did not move
    assert page.locator("#nq-chat").evaluate("el => el.getBoundingClientRect().top") == chat_top
    assert len(page.context.pages) == 1
    page.screenshot(path=str(shots / "ui-marker.png"))

    # on a phone the marker switches to the Sources view and shows the card
    page.set_viewport_size({"width": 400, "height": 800})
    page.wait_for_timeout(300)
    first.locator("a[href='#nq-t1-c1']").click()
    page.wait_for_timeout(900)
    assert page.locator("#nq-sources-box").is_visible()
    top = card.evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 800
    page.context.close()


def test_the_article_view_opens_with_the_quote_highlighted(browser, app, shots):
    url, engine, _ = app
    page = open_page(browser, url)
    ask(page, QUESTIONS[3])
    card = page.locator("#nq-t1-c1")
    quote = card.locator("mark.nq-quote").inner_text()
    card.locator("a.nq-open").click()
    modal = page.locator("#nq-article-modal")
    modal.wait_for(state="visible", timeout=15_000)
    mark = page.locator("#nq-article-quote")
    mark.wait_for(timeout=10_000)
    assert mark.inner_text() == quote
    assert "Ferry company orders two new boats" in modal.locator(".nq-article-title").inner_text()
    assert "ferry.txt" in modal.inner_text() and "business" in modal.inner_text()
    # the whole article: every paragraph of the stored text, not just the cited one
    assert modal.locator(".nq-article-text").inner_text().count("annual report") == 14
    page.wait_for_timeout(500)
    m = modal.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    t = mark.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert m[0] <= t[0] and t[1] <= m[1]  # scrolled into view (it is the article's last paragraph)
    assert modal.evaluate("el => el.scrollTop") > 0
    # the cited paragraph is highlighted, holds the quote, and sits below the header, in view
    para = page.locator("#nq-article-para")
    assert para.inner_text().startswith("The Patterson ferry company") and quote in para.inner_text()
    assert para.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    head = modal.locator(".nq-article-head")
    h = head.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    p = para.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert abs(h[0] - m[0]) <= 2  # the header stuck to the top of the scrolled view ...
    assert h[1] <= p[0] and p[1] <= m[1]  # ... and the paragraph is under it, whole
    assert "Ferry company orders two new boats" in head.inner_text() and "undated" in head.inner_text()
    page.screenshot(path=str(shots / "ui-article.png"))
    page.keyboard.press("Escape")  # Escape closes it
    modal.wait_for(state="hidden", timeout=10_000)
    card.locator("a.nq-open").click()  # and so does the header's Close button, after opening it again
    modal.wait_for(state="visible", timeout=15_000)
    head.locator("button.nq-article-x").click()
    modal.wait_for(state="hidden", timeout=10_000)
    page.context.close()


def test_an_empty_filtered_result_explains_itself(browser, app, shots):
    url, _, _ = app
    page = open_page(browser, url)
    page.locator("#nq-filters").get_by_text("Filters").first.click()
    page.locator("#nq-date-from textarea, #nq-date-from input").first.fill("2004-01-01")
    page.locator("#nq-date-to textarea, #nq-date-to input").first.fill("2004-02-01")
    sec = page.locator("#nq-sections input").first
    sec.fill("sport")
    sec.press("Enter")
    page.keyboard.press("Escape")
    msg = ask(page, QUESTIONS[0]).inner_text()
    assert "No article from 2004-01-01 to 2004-02-01 in section sport" in msg
    assert "Without the filters" in msg and "Nadi" in msg
    unfilter = page.locator("#nq-unfilter")
    assert unfilter.is_visible()
    page.screenshot(path=str(shots / "ui-filtered.png"))
    unfilter.click()
    page.wait_for_function(f"document.querySelectorAll(\"{BOT}\").length >= 2", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('#nq-sources-box .nq-turn').length >= 2", timeout=60_000)
    again = page.locator(BOT).last.inner_text()
    assert "No article" not in again and "Nadi" in again
    assert page.locator("#nq-date-from textarea, #nq-date-from input").first.input_value() == ""
    page.context.close()


def _table_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#nq-docs-table .virtual-row [data-col='0']").all_inner_texts()]


def test_the_documents_table_lists_filters_scopes_and_deletes(browser, app, tmp_path, shots):
    url, engine, upload_dir = app
    page = open_page(browser, url)
    page.locator("#nq-docs").get_by_text("Documents").first.click()
    page.wait_for_function("document.querySelectorAll('#nq-docs-table .virtual-row').length >= 5", timeout=30_000)
    total = len(engine.snapshot.documents)
    assert len(_table_titles(page)) == total
    assert "Tavua rugby club wins the island cup" in " ".join(_table_titles(page))
    page.locator("#nq-docs-search textarea, #nq-docs-search input").first.fill("sport")
    page.wait_for_function("document.querySelectorAll('#nq-docs-table .virtual-row').length == 2", timeout=30_000)
    assert sorted(_table_titles(page)) == ["Lautoka rowers take the harbour regatta", "Tavua rugby club wins the island cup"]
    page.locator("#nq-scope-listed").click()
    page.locator("#nq-scope-note").wait_for(timeout=10_000)
    assert "Asking only 2 articles" in page.locator("#nq-scope-note").inner_text()
    msg = ask(page, QUESTIONS[3]).inner_text()  # about the ferry (business): outside the scope
    assert "Nothing in the 2 articles chosen in Documents answers it." in msg
    assert "12 million" not in msg.split("Without the filters")[0]
    page.screenshot(path=str(shots / "ui-documents.png"))
    page.locator("#nq-scope-all").click()
    page.wait_for_function("!document.getElementById('nq-scope-note')", timeout=10_000)

    # an uploaded article: listed, selected, deleted (from the index and the upload folder)
    f = tmp_path / "market.txt"
    f.write_text(_article("Night market opens at the wharf", ["The new night market at the wharf opened with "
                                                               "forty stalls on Friday."], filler=1))
    page.locator("#nq-add").get_by_text("Add articles").click()
    page.locator("#nq-upload input[type=file]").set_input_files(str(f))
    page.locator("#nq-upload").get_by_text(".txt").first.wait_for(timeout=60_000)
    page.locator("#nq-add-btn").click()
    page.locator("#nq-upload-status li").first.wait_for(timeout=60_000)
    page.locator("#nq-docs-search textarea, #nq-docs-search input").first.fill("night market")
    page.wait_for_function("document.querySelectorAll('#nq-docs-table .virtual-row').length == 1", timeout=30_000)
    assert len(engine.snapshot.documents) == total + 1
    page.locator("#nq-docs-table .virtual-row [data-col='0']").first.click()
    page.wait_for_function("document.getElementById('nq-docs-info').innerText.includes('Selected')", timeout=10_000)
    assert "can be deleted" in page.locator("#nq-docs-info").inner_text()
    page.locator("#nq-delete").click()
    page.wait_for_function("document.getElementById('nq-docs-info').innerText.includes('Deleted')", timeout=60_000)
    assert _table_titles(page) in ([], [""])
    engine.refresh()
    assert len(engine.snapshot.documents) == total
    assert not any(p.name.startswith("market-") for p in upload_dir.iterdir())
    # an indexed (not uploaded) article cannot be deleted from here
    page.locator("#nq-docs-search textarea, #nq-docs-search input").first.fill("ferry")
    page.wait_for_function("document.querySelectorAll('#nq-docs-table .virtual-row').length == 1", timeout=30_000)
    page.locator("#nq-docs-table .virtual-row [data-col='0']").first.click()
    page.wait_for_function("document.getElementById('nq-docs-info').innerText.includes('Selected')", timeout=10_000)
    page.locator("#nq-delete").click()
    page.wait_for_function("document.getElementById('nq-docs-info').innerText.includes('not uploaded')", timeout=30_000)
    assert len(engine.snapshot.documents) == total
    page.context.close()


def test_a_mixed_upload_accepts_the_good_file_and_names_the_bad_one(browser, app, tmp_path, shots):
    url, engine, upload_dir = app
    page = open_page(browser, url)
    good = tmp_path / "regatta-report.txt"
    good.write_text(_article("Regatta volunteers thanked", ["The regatta committee thanked its sixty volunteers."],
                             filler=1))
    bad = tmp_path / "report.docx"
    bad.write_bytes(b"PK\x03\x04 not really a docx")
    dup = tmp_path / "rugby again.txt"
    dup.write_text(ARTICLES["sport/rugby.txt"], encoding="utf-8")
    page.locator("#nq-add").get_by_text("Add articles").click()
    page.locator("#nq-upload input[type=file]").set_input_files([str(good), str(bad), str(dup)])
    page.locator("#nq-upload").get_by_text(".docx").first.wait_for(timeout=60_000)
    page.locator("#nq-add-btn").click()
    page.wait_for_function("document.querySelectorAll('#nq-upload-status li').length == 3", timeout=60_000)
    lines = page.locator("#nq-upload-status li").all_inner_texts()
    by_name = {ln.split(":", 1)[0]: ln for ln in lines}
    assert "added" in by_name["regatta-report.txt"] and "Regatta volunteers thanked" in by_name["regatta-report.txt"]
    assert ".docx is not a supported type; supported: " in by_name["report.docx"]
    assert "duplicate" in by_name["rugby again.txt"] and "Tavua rugby club" in by_name["rugby again.txt"]
    status = page.locator("#nq-upload-status")
    r = status.evaluate("el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert r[0] < 900  # the result is on screen, next to the button
    assert "error" not in page.locator("#nq-upload").inner_text().lower()
    assert not any(p.suffix == ".docx" for p in upload_dir.iterdir())
    page.screenshot(path=str(shots / "ui-upload.png"))
    page.context.close()


def platform_fonts(page, selector: str) -> list[tuple[str, bool]]:
    """The fonts Chromium drew the text of ``selector``'s first element with: (family, a web font?) (CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no element {selector}"
    return [(f["familyName"], f["isCustomFont"]) for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]


def test_bold_text_is_one_font_and_the_short_answer_a_highlight_of_the_text_size(browser, app, shots):
    """Gradio's weight-600 file of its font holds a few glyphs ("A", "B"): bold text fell back letter by
    letter to another, larger font; the chat's short answer is a highlight, headings plain bold."""
    url, _, _ = app
    page = open_page(browser, url)
    for q in QUESTIONS:
        ask(page, q)
    marked = page.locator(f"{BOT} em > strong")
    assert marked.count() >= 1, "no short answer marked in the chat"
    page.wait_for_timeout(300)  # the font files load on first use
    for sel in ("#nq-sources-box .nq-turn-q", "#nq-sources-box .nq-card-head .nq-title", f"{BOT} em > strong",
                "#nq-summary th"):
        fonts = platform_fonts(page, sel)  # one web font (the Bold file's own name is "Source Sans 3")
        assert len(fonts) == 1 and fonts[0][1] and fonts[0][0].startswith("Source Sans"), (sel, fonts)
    style = marked.first.evaluate("""el => { const s = getComputedStyle(el), p = getComputedStyle(el.closest('p'));
        return {size: s.fontSize, psize: p.fontSize, weight: s.fontWeight, pweight: p.fontWeight,
                style: getComputedStyle(el.parentElement).fontStyle, bg: s.backgroundColor}; }""")
    assert style["size"] == style["psize"] and style["weight"] == style["pweight"], style
    assert style["style"] == "normal" and style["bg"] not in ("rgba(0, 0, 0, 0)", "transparent"), style
    page.screenshot(path=str(shots / "ui-short-answer.png"))
    msg = ask(page, "What did the volcano on the moon erupt in 1850?")
    heading = msg.locator("p > strong").first
    assert "Not found" in heading.inner_text()
    assert heading.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert int(heading.evaluate("el => getComputedStyle(el).fontWeight")) >= 600
    # the Index table's first column keeps each word whole ("passages", not "passage / s")
    th = page.locator("#nq-summary th", has_text="passages")
    assert th.evaluate("el => { const r = document.createRange(); r.selectNodeContents(el); "
                       "return r.getClientRects().length; }") == 1
    page.context.close()


CHAT_VIEW = """(el) => {
    const wrap = el.closest('.bubble-wrap');
    const r = el.getBoundingClientRect(), v = wrap.getBoundingClientRect();
    return {top: r.top - v.top, bottom: r.bottom - v.top, view: wrap.clientHeight,
            tall: r.height > wrap.clientHeight};
}"""


def test_a_new_answer_taller_than_the_chat_shows_its_first_line(browser, app, shots):
    """The chat scrolled to the bottom of each new message, so an answer taller than the chat showed its
    end (the related list of a refusal) and not its first line, where the state and the reason are."""
    url, _, _ = app
    page = open_page(browser, url, 400, 800)
    ask(page, QUESTIONS[0])
    msg = ask(page, "Who won the 2022 World Cup?")
    page.wait_for_timeout(700)  # any scrolling of the chat is over
    assert "Not found" in msg.inner_text()
    where = msg.evaluate(CHAT_VIEW)
    assert where["tall"]  # at 400 px the refusal with its related passages is taller than the chat
    assert 0 <= where["top"] < 60, where  # its first line ("Not found ...") is at the top of the chat's view
    page.screenshot(path=str(shots / "ui-narrow-long-answer.png"))
    # the reader scrolls down into the next one as soon as it shows its first line: nothing scrolls it back
    msg = ask(page, "Who won the 2018 World Cup?")
    msg.wait_for(state="visible")
    page.wait_for_function(f"(el) => ({CHAT_VIEW})(el).top < 60", arg=msg.element_handle())
    box = page.locator("#nq-chat .bubble-wrap").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(700)
    assert msg.evaluate(CHAT_VIEW)["top"] < -100
    # a short answer still ends at the bottom of the chat's view, all of it in sight
    msg = ask(page, QUESTIONS[2])
    page.wait_for_timeout(700)
    where = msg.evaluate(CHAT_VIEW)
    assert not where["tall"] and 0 <= where["top"] and where["bottom"] <= where["view"] + 1, where
    page.context.close()
