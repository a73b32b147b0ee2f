"""End to end in headless Chromium: ask, follow up, jump to sources, upload, and untrusted text shown as text.

The app runs with the real model over a copy of the seed index (fixture ``ui_server``).
"""

from __future__ import annotations

import pytest
from helpers import BOT, ask_in_page, open_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SATELLITES = "What did Putin say when asked if Moscow would help Kim build satellites?"

BRIDGE = ("Tavua opens its new Wairoa river bridge\n\n"
          "The new bridge over the Wairoa river in Tavua was opened on Monday by the village elder Mere Tuilau.\n\n"
          "The bridge cost 3.2 million dollars and replaces a ford that flooded every wet season.\n")

PWN = "window.__pwned=(window.__pwned||0)+1;alert(1)"
INJECTED_TITLE = f"Harbour news <script>{PWN}</script> <img src=x onerror=\"{PWN}\"> [see](javascript:{PWN})"
INJECTED_PARA = (f"The Savusavu pontoon will reopen in March, the harbour master said <script>{PWN}</script> "
                 f"<img src=x onerror=\"{PWN}\"> [details](javascript:{PWN}) on Friday.")
INJECTED = f"{INJECTED_TITLE}\n\n{INJECTED_PARA}\n\nA second paragraph about fishing boats in the harbour.\n"


def new_page(browser, url, dialogs: list, height: int = 950):
    return open_page(browser, url, 1400, height, dialogs)


ask = ask_in_page


def articles_in_summary(page) -> int:
    row = page.locator("#nq-summary tr", has_text="articles").first
    return int(row.locator("td").text_content())  # the Index box may be closed


def upload(page, path):
    page.locator("#nq-add").get_by_text("Add articles").click()
    page.locator("#nq-upload input[type=file]").set_input_files(str(path))
    page.locator("#nq-upload").get_by_text(path.name).first.wait_for(timeout=90_000)
    page.locator("#nq-add-btn").click()
    page.locator("#nq-upload-status .nq-ok, #nq-upload-status .nq-refused").first.wait_for(timeout=90_000)
    return page.locator("#nq-upload-status").inner_text()


def test_ask_follow_up_sources_and_clear(browser, ui_server, artifacts_dir):
    url, _engine, _ = ui_server
    dialogs: list = []
    page = new_page(browser, url, dialogs)

    msg = ask(page, SATELLITES)
    marker = msg.locator("a[href='#nq-t1-c1']")
    assert marker.inner_text() == "[1]"
    assert "That\u2019s why we came here" in msg.inner_text()
    card = page.locator("#nq-sources-box #nq-t1-c1")
    quote = card.locator("mark.nq-quote")
    assert "That\u2019s why we came here" in quote.inner_text()
    assert "Kim Jong Un meets Putin" in card.locator(".nq-title").inner_text()
    meta = card.locator(".nq-meta").inner_text()
    assert "2023-09-14" in meta and "Reuters" in meta and "World" in meta and "paragraph" in meta

    shot = artifacts_dir / "newsqa-chat.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nscreenshot: {shot}")
    assert shot.stat().st_size > 10_000

    # a follow-up leaning on the first turn ("they" = Kim Jong Un and Putin): it abstains when asked alone
    ask(page, "Who did Kim Jong Un meet in Russia?")
    follow = ask(page, "Where did they meet?")
    assert "Not found" not in follow.inner_text()
    assert follow.locator("a[href='#nq-t3-c1']").count() == 1
    assert page.locator("#nq-sources-box .nq-turn").count() == 3
    assert "Q3: Where did they meet?" in page.locator("#nq-t3 .nq-turn-q").inner_text()

    # clicking the first answer's marker brings its card (now at the bottom of the panel) into view
    page.set_viewport_size({"width": 1400, "height": 520})
    box = page.locator("#nq-sources-box")
    box.evaluate("el => el.scrollTop = 0")
    page.evaluate("window.scrollTo(0, 0)")
    first = page.locator("#nq-t1-c1")
    top_before = first.evaluate("el => el.getBoundingClientRect().top")
    marker.click()
    page.wait_for_function("document.getElementById('nq-t1-c1').classList.contains('nq-flash')", timeout=5_000)
    page.wait_for_timeout(900)  # smooth scrolling
    top_after = first.evaluate("el => el.getBoundingClientRect().top")
    assert top_after < top_before
    assert 0 <= top_after < 520
    assert len(page.context.pages) == 1  # the in-page link opened no tab

    page.set_viewport_size({"width": 1400, "height": 950})
    page.locator("#nq-clear").click()
    page.wait_for_function(f"document.querySelectorAll(\"{BOT}\").length == 0", timeout=15_000)
    assert page.locator("#nq-sources-box .nq-turn").count() == 0
    # after clearing, the follow-up has nothing to lean on: it is answered exactly as a first question
    alone = _engine.ask("Where did they meet?")
    with_history = _engine.ask("Where did they meet?", history=["Who did Kim Jong Un meet in Russia?"])
    after = ask(page, "Where did they meet?").inner_text()
    first_alone = alone.citations[0].quote if alone.citations else "Not found"
    assert first_alone[:60] in after
    assert page.locator("#nq-sources-box .nq-turn").count() == 1
    assert alone.resolved_question == "Where did they meet?" != with_history.resolved_question
    assert dialogs == []
    page.context.close()


def test_abstention_shows_coverage_and_related(browser, ui_server):
    url, _, _ = ui_server
    dialogs: list = []
    page = new_page(browser, url, dialogs)
    msg = ask(page, "Who won the football world cup in 1966?")
    text = msg.inner_text()
    assert "Not found in the indexed articles" in text and "The collection holds" in text
    assert "Related, not an answer" in text
    assert msg.locator("a[href='#nq-t1-r1']").count() == 1
    related = page.locator("#nq-sources-box #nq-t1-r1.nq-related")
    assert "related, not an answer" in related.inner_text().lower()
    assert related.locator(".nq-para").inner_text().strip()
    assert page.locator("#nq-sources-box mark.nq-quote").count() == 0  # nothing is presented as a quote

    # filters: a date range after the corpus finds nothing; a malformed date is refused in words
    page.locator("#nq-filters").get_by_text("Filters").first.click()
    page.locator("#nq-date-from input, #nq-date-from textarea").first.fill("2024-01-01")
    assert "No article from 2024-01-01 on" in ask(page, SATELLITES).inner_text()  # the filter says it did it
    page.locator("#nq-date-from input, #nq-date-from textarea").first.fill("14/09/2023")
    assert "YYYY-MM-DD" in ask(page, SATELLITES).inner_text()
    page.locator("#nq-date-from input, #nq-date-from textarea").first.fill("2023-09-14")
    assert "That\u2019s why we came here" in ask(page, SATELLITES).inner_text()
    page.context.close()


def test_upload_then_answerable_in_other_sessions(browser, ui_server, tmp_path):
    url, _, upload_dir = ui_server
    dialogs: list = []
    page = new_page(browser, url, dialogs)
    other = new_page(browser, url, dialogs)  # another session, open before the upload
    question = "Who opened the new bridge over the Wairoa river in Tavua?"
    assert "Mere Tuilau" not in ask(other, question).inner_text()

    f = tmp_path / "tavua bridge.txt"
    f.write_text(BRIDGE, encoding="utf-8")
    articles_before = articles_in_summary(page)
    status = upload(page, f)
    assert "tavua bridge.txt: added" in status
    saved = list(upload_dir.iterdir())
    assert any(p.name.startswith("tavua_bridge-") and p.suffix == ".txt" for p in saved)
    assert articles_in_summary(page) == articles_before + 1

    msg = ask(page, question)
    assert "Mere Tuilau" in msg.inner_text()
    assert "Tavua opens its new Wairoa river bridge" in page.locator("#nq-sources-box .nq-card .nq-title").first.inner_text()
    assert "Mere Tuilau" in ask(other, question).inner_text()  # the other session sees it on its next question
    # each session has its own conversation: one turn here, two in the other
    assert page.locator("#nq-sources-box .nq-turn").count() == 1
    assert other.locator("#nq-sources-box .nq-turn").count() == 2

    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ\x00\x01")
    page.locator("#nq-upload input[type=file]").set_input_files(str(bad))
    page.wait_for_timeout(500)
    # Gradio's own type filter may refuse it in the browser; if it reaches the app, the app refuses it
    if page.locator("#nq-upload").get_by_text("notes.exe").count():
        page.locator("#nq-add-btn").click()
        page.locator("#nq-upload-status .nq-refused").first.wait_for(timeout=30_000)
        assert ".exe is not a supported type" in page.locator("#nq-upload-status").inner_text()
    assert not any(p.suffix == ".exe" for p in upload_dir.iterdir())
    assert dialogs == []
    page.context.close()
    other.context.close()


def test_injection_document_shows_literally_and_runs_nothing(browser, ui_server, tmp_path, artifacts_dir):
    url, _, _ = ui_server
    dialogs: list = []
    page = new_page(browser, url, dialogs)
    # Gradio drops "<" and ">" from uploaded file names; entities show whether the name is escaped
    f = tmp_path / "&lt;img src=x onerror=alert(1)&gt;[y](javascript:alert(1)).txt"
    f.write_text(INJECTED, encoding="utf-8")
    status = upload(page, f)
    assert "&lt;img src=x onerror=alert(1)&gt;[y](javascript" in status and ".txt: added" in status

    msg = ask(page, "When will the Savusavu pontoon reopen?")
    chat_text = msg.inner_text()
    assert "<script>" in chat_text and "<img src=x onerror=" in chat_text and "](javascript:" in chat_text
    card = page.locator("#nq-sources-box .nq-card").first
    assert card.locator(".nq-title").inner_text() == INJECTED_TITLE
    assert INJECTED_PARA in card.locator(".nq-para").inner_text()
    page.wait_for_timeout(500)  # give any injected handler the chance to fire

    for where in ("#nq-chat", "#nq-sources-box", "#nq-upload-status"):
        assert page.locator(f"{where} script").count() == 0
        assert page.locator(f"{where} img[src='x']").count() == 0
        assert page.locator(f"{where} [onerror]").count() == 0
        assert page.locator(f"{where} a[href^='javascript']").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []
    page.screenshot(path=str(artifacts_dir / "newsqa-injection.png"), full_page=True)
    page.context.close()
