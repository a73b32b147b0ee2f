"""The page on an index like the BBC one (undated articles in section folders, no stored sections or
sources), in headless Chromium: only the filters it has values for, a Documents table by headline
and folder, and the "ask it as a new question" button only after a rewritten follow-up.

One app for the module, with the fake encoder (the model is not the point). Screenshots go to
``$NEWSQA_ARTIFACTS`` (docs/ with ``NEWSQA_ARTIFACTS=docs``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import BOT, ask_in_page, open_page, running_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTICLES = {
    "sport/077.txt": "Tavua rugby club wins the island cup\n\nThe Tavua rugby club won the island cup on Saturday, "
                     "beating Nadi by 24 points to 10 in the final.\n\nThe Tavua captain Josefa Ravai said the win "
                     "was for the whole village.\n",
    "sport/078.txt": "Lautoka rowers take the harbour regatta\n\nLautoka rowers finished the harbour regatta course "
                     "in six minutes and forty seconds.\n",
    "business/012.txt": "Ferry company orders two new boats\n\nThe Patterson ferry company ordered two new boats "
                        "from a shipyard in Suva for 12 million dollars.\n",
}
FIRST = "Who did the Tavua rugby club beat in the island cup final?"
FOLLOW = "Who was their captain?"  # read as a follow-up of FIRST ("Read as a follow-up to ...")


@pytest.fixture(scope="module")
def app(tmp_path_factory, fake_encoder):
    from newsqa.embeddings.indexer import update_index
    from newsqa.qa import Engine

    root = tmp_path_factory.mktemp("newuser")
    for rel, text in ARTICLES.items():
        (root / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / rel).write_text(text, encoding="utf-8")
    update_index([root / "src"], root / "index", encoder=fake_encoder, progress=False, section_from_folder=False)
    engine = Engine.open(root / "index", encoder=fake_encoder)
    with running_app(engine, root, examples=[FIRST]) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = Path(os.environ["NEWSQA_ARTIFACTS"]) if os.environ.get("NEWSQA_ARTIFACTS") else tmp_path_factory.mktemp("shots")
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_only_filters_with_values_are_shown(browser, app, shots):
    page = open_page(browser, app)
    page.locator("#nq-filters").get_by_text("Filters").first.click()
    page.locator("#nq-kind").wait_for(state="visible", timeout=10_000)
    for hidden in ("#nq-date-from", "#nq-date-to", "#nq-sections", "#nq-sources-filter"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("#nq-k").is_visible()
    note = page.locator("#nq-filters-note").inner_text()
    assert "No date, section or source filter" in note
    page.locator("#nq-filters").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "ui-filters-none.png"))
    page.context.close()


def test_documents_show_headline_and_folder_file_last(browser, app, shots):
    page = open_page(browser, app)
    page.locator("#nq-docs").get_by_text("Documents").first.click()
    page.wait_for_function("document.querySelectorAll('#nq-docs-table .virtual-row').length >= 3", timeout=30_000)
    heads = [t.strip() for t in page.locator("#nq-docs-table thead th").all_inner_texts() if t.strip()]
    assert heads[0].startswith("title") and heads[1].startswith("section") and heads[-2].startswith("file")
    rows = page.locator("#nq-docs-table .virtual-row")
    cells = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        cells[row.locator("[data-col='0']").inner_text().strip()] = (
            row.locator("[data-col='1']").inner_text().strip(), row.locator("[data-col='5']").inner_text().strip())
    assert cells["Tavua rugby club wins the island cup"] == ("sport/", "077.txt")
    assert cells["Ferry company orders two new boats"] == ("business/", "012.txt")
    page.locator("#nq-docs").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "ui-documents-folders.png"))
    page.context.close()


def test_ask_as_new_question_only_after_a_rewritten_follow_up(browser, app, shots):
    page = open_page(browser, app)
    again = page.locator("#nq-ask-new")
    assert not again.is_visible()
    ask_in_page(page, FIRST, sources=True)
    assert not again.is_visible()
    follow = ask_in_page(page, FOLLOW)
    assert "Read as a follow-up" in follow.inner_text()
    again.wait_for(state="visible", timeout=10_000)
    assert again.inner_text() == f"Ask \u201c{FOLLOW}\u201d as a new question, not a follow-up"
    page.wait_for_function("document.querySelectorAll('#nq-sources-box .nq-turn').length >= 2", timeout=30_000)
    page.wait_for_timeout(600)  # the page's "pending" fade
    page.screenshot(path=str(shots / "ui-follow-up.png"))
    again.click()
    page.wait_for_function(f"document.querySelectorAll(\"{BOT}\").length >= 3", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('#nq-sources-box .nq-turn').length >= 3", timeout=30_000)
    assert "Read as a follow-up" not in page.locator(BOT).last.inner_text()
    assert page.locator("#nq-t3 .nq-turn-q").inner_text() == f"Q3: {FOLLOW}"  # the literal question
    again.wait_for(state="hidden", timeout=10_000)
    page.context.close()
