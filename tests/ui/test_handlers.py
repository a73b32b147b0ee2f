"""The app's handlers without a browser (and without Gradio, but for the slow tests here): the "ask it
as a new question" button only after a rewritten follow-up, filters only for what the index holds, the
Documents rows by headline and folder and a clicked row's selection, and the article view's header
and cited paragraph."""

from __future__ import annotations

import json
import re

import pytest
from helpers import pre_folding_index
from markupsafe import escape

from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.migrations import stale_postings_note
from newsqa.qa import Engine
from newsqa.ui import documents as docs
from newsqa.ui import format as fmt
from newsqa.ui import updates
from newsqa.ui.app import build_app, parse_filters
from newsqa.ui.handlers import Handlers, filters_shown, new_documents_state, new_session, summary_box
from newsqa.ui.uploads import UploadLimits

RUGBY = ("Tavua rugby club wins the island cup\n\n"
         "The Tavua rugby club won the island cup on Saturday, beating Nadi by 24 points to 10 in the final.\n\n"
         "The Tavua captain Josefa Ravai said the win was for the whole village.\n")
FERRY = ("Ferry company orders two new boats\n\nThe first boat is due in March next year.\n\n"
         "The Patterson ferry company ordered two new boats from a shipyard in Suva for 12 million dollars.\n")
FIRST = "Who did the Tavua rugby club beat in the island cup final?"
FOLLOW = "Who was their captain?"  # read as a follow-up of FIRST (the fake encoder's engine rewrites it)
NO_FILTERS = ("", "", [], [], "any", 5)


@pytest.fixture
def engine(tmp_path, fake_encoder):
    """Undated articles in section folders, indexed without folder sections (like the BBC index)."""
    for rel, text in {"sport/077.txt": RUGBY, "business/012.txt": FERRY}.items():
        (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / rel).write_text(text)
    update_index([tmp_path / "src"], tmp_path / "idx", encoder=fake_encoder, progress=False, section_from_folder=False)
    return Engine.open(tmp_path / "idx", encoder=fake_encoder)


def _handlers(engine, tmp_path) -> Handlers:
    return Handlers(engine, tmp_path / "uploads", UploadLimits(), parse_filters)


def _visible(update) -> bool:
    return bool(update.get("visible"))


def test_ask_as_new_question_shows_only_after_a_rewritten_follow_up(engine, tmp_path):
    h = _handlers(engine, tmp_path)
    chat, session, _, _, _, alone = h.chat_turn(FIRST, [], new_session(), *NO_FILTERS)
    assert not _visible(alone) and "Read as a follow\\-up" not in chat[-1]["content"]
    chat, session, _, _, _, alone = h.chat_turn(FOLLOW, chat, session, *NO_FILTERS)
    assert "Read as a follow\\-up" in chat[-1]["content"] and _visible(alone)
    assert alone["value"] == "Ask \u201cWho was their captain?\u201d as a new question, not a follow-up"
    # the button asks the literal question, without the conversation
    chat, session, sources, _, _, alone = h.ask_alone(chat, session, *NO_FILTERS)
    assert chat[-2]["content"] == fmt.md_text(FOLLOW)
    assert "Read as a follow\\-up" not in chat[-1]["content"] and not _visible(alone)
    assert "Q3: Who was their captain?" in sources
    # an ordinary question hides it again; so does Clear
    *_, alone = h.chat_turn(FIRST, chat, session, *NO_FILTERS)
    assert not _visible(alone)
    chat, session, *_ = h.chat_turn(FIRST, [], new_session(), *NO_FILTERS)
    *_, alone = h.chat_turn(FOLLOW, chat, session, *NO_FILTERS)
    assert _visible(alone)
    *_, alone = h.clear(session)
    assert not _visible(alone)


def test_only_filters_with_values_are_shown(engine, tmp_path):
    s = engine.summary()
    assert filters_shown(s) == {"dates": False, "sections": False, "sources": False}
    summary, sections, sources, dates, note = _handlers(engine, tmp_path).refresh_summary()
    assert not (_visible(sections) or _visible(sources) or _visible(dates))
    assert "No date, section or source filter" in note["value"] and _visible(note)
    # an index with dates, a section and a source shows them all, and no note
    full = {"date_from": "2023-09-14", "sections": ["World"], "sources": ["Reuters"]}
    assert filters_shown(full) == {"dates": True, "sections": True, "sources": True}
    assert fmt.filters_note_html(filters_shown(full)) == ""
    assert "No source filter: no article of this index has a source." in fmt.filters_note_html(
        filters_shown({**full, "sources": []}))


@pytest.mark.slow
def test_the_built_app_hides_the_filters_without_values(engine, tmp_path):
    demo = build_app(engine, upload_dir=tmp_path / "uploads", examples=[])
    by_id = {getattr(b, "elem_id", None): b for b in demo.blocks.values()}
    assert not by_id["nq-dates"].visible and not by_id["nq-sections"].visible and not by_id["nq-sources-filter"].visible
    assert by_id["nq-kind"].visible and by_id["nq-k"].visible  # every index has kinds and k


@pytest.mark.slow
def test_the_handlers_updates_are_gradios():
    """``ui.updates`` builds what ``gr.update`` / ``gr.skip`` return (imported here: Gradio costs seconds)."""
    import gradio as gr

    assert updates.skip() == gr.skip()
    for props in ({"visible": False}, {"visible": True, "value": "x"}, {"choices": ["a", "b"], "visible": True},
                  {"value": [[1, "b"]]}):
        assert updates.update(**props) == gr.update(**props), props


def test_a_clicked_documents_row_selects_its_article(engine, tmp_path):
    h = _handlers(engine, tmp_path)
    table, state, info = h.docs_table("", new_documents_state())
    assert len(table["value"]) == 2 and "2 articles listed of 2." in info
    row = next(r for r in table["value"] if r[0].startswith("Ferry"))
    state, info = h.docs_select(state, row)  # the row as Gradio hands it over: its cells, short id last
    assert state["selected"].startswith(row[-1]) and "Selected: \u201cFerry company orders two new boats\u201d" in info
    state, info = h.docs_select(state, None)  # a click that carries no row keeps the selection
    assert state["selected"].startswith(row[-1])


def test_the_documents_panel_never_holds_the_conversation(engine, tmp_path):
    """The table filled at page load ended after a first question and wrote back the session it had
    read before it: that question's sources were gone, the next one numbered Q1 (BBC index, a question
    asked as the page opened). The panel's state is its own; the chat reads only its scope."""
    h = _handlers(engine, tmp_path)
    docs_state = new_documents_state()
    _, docs_state, _ = h.docs_table("ferry", docs_state)
    assert set(docs_state) == {"listed", "selected", "scope"} and len(docs_state["listed"]) == 1
    docs_state, note = h.scope_listed(docs_state)
    assert "Asking only 1 article" in note
    # limited to the ferry article, the rugby question finds nothing ("Ask without filters" shows)
    chat, session, _, _, unfilter, _ = h.chat_turn(FIRST, [], new_session(), *NO_FILTERS, docs_state)
    assert _visible(unfilter) and set(session) == set(new_session())
    chat, session, _, _, unfilter, _ = h.chat_turn(FIRST, [], new_session(), *NO_FILTERS, new_documents_state())
    assert not _visible(unfilter) and session["count"] == 1
    _, fresh, *_ = h.clear(session)
    assert fresh == new_session() and docs_state["scope"]  # clearing the chat keeps the panel's scope
    *filters, docs_after, question, note = h.unfilter(session, docs_state)
    assert docs_after["scope"] == [] and question == FIRST and note == ""


@pytest.mark.slow
def test_no_documents_event_writes_the_conversation(engine, tmp_path):
    demo = build_app(engine, upload_dir=tmp_path / "uploads", examples=[])
    session = next(b for b in demo.blocks.values() if isinstance(getattr(b, "value", None), dict)
                   and "questions" in b.value)
    names = {"docs_table", "docs_select", "scope_listed", "scope_selected", "scope_all", "delete_selected",
             "refresh_summary", "add", "unfilter"}
    fns = [f for f in demo.fns.values() if getattr(f, "name", "") in names]
    assert {f.name for f in fns} == names, {f.name for f in fns}
    for f in fns:
        assert session not in f.outputs, f.name


def test_documents_rows_show_the_headline_and_folder_file_last(engine):
    rows = {r.file: r.cells() for r in docs.document_rows(engine.snapshot)}
    doc = next(r.doc_id for r in docs.document_rows(engine.snapshot) if r.file == "077.txt")
    table = engine.snapshot.passages
    passages = sum(table[i].doc_id == doc for i in range(len(table)))  # counted passage by passage
    assert passages > 0
    assert rows["077.txt"] == ["Tavua rugby club wins the island cup", "sport/", "", "", passages, "077.txt"]
    assert rows["012.txt"][:2] == ["Ferry company orders two new boats", "business/"]
    assert docs.COLUMNS[0] == "title" and docs.COLUMNS[-1] == "file"
    assert [r.file for r in docs.search(docs.document_rows(engine.snapshot), "sport")] == ["077.txt"]
    # no title from the reader: the first line of the text
    assert docs.title_of({"title": "", "text": "\n\nA first line\nmore"}) == "A first line"
    assert docs.title_of({"title": "", "text": "x " * 200}).endswith("\u2026")


def test_article_view_header_and_cited_paragraph(engine):
    doc_id, doc = next((i, d) for i, d in engine.snapshot.documents.items() if d["title"].startswith("Ferry"))
    text = doc["text"]
    start = text.index("ordered two new boats")
    end = start + len("ordered two new boats")
    page = fmt.article_html(doc, start, end)
    head = re.search(r'<header class="nq-article-head">(.*?)</header>', page, re.S).group(1)
    assert "Ferry company orders two new boats" in head and "undated" in head and 'class="nq-article-x"' in head
    para = re.search(r'<span class="nq-cited-para" id="nq-article-para">(.*?)</span>', page, re.S).group(1)
    assert para.startswith("The Patterson ferry company") and para.endswith("12 million dollars.")
    assert '<mark class="nq-quote" id="nq-article-quote">ordered two new boats</mark>' in para
    assert "The first boat is due in March" not in para  # only the cited paragraph


def test_the_index_box_carries_the_note_of_an_index_from_before_accent_folding(tmp_path, fake_encoder, monkeypatch):
    """The line ``newsqa ask`` prints on stderr for such an index (``stale_postings_note``), in the Index
    box when the app opens and after each refresh; gone once an update has re-tokenised the postings."""
    src, idx = pre_folding_index(tmp_path, fake_encoder, monkeypatch)
    engine = Engine.open(idx, encoder=fake_encoder)
    note = stale_postings_note(idx, engine.reader.info)
    assert note and "before accent folding" in note
    box = summary_box(engine, engine.summary())
    assert "<table class=\"nq-summary\">" in box and f"<div class='nq-note' id='nq-index-note'>{escape(note)}</div>" in box
    summary, *_ = _handlers(engine, tmp_path).refresh_summary()
    assert summary == box
    update_index([src], idx, encoder=fake_encoder, progress=False)  # the next write migrates the postings
    summary, *_ = _handlers(engine, tmp_path).refresh_summary()
    assert "nq-summary" in summary and "nq-index-note" not in summary and "accent" not in summary


def test_an_upload_says_which_record_date_was_stored_undated(engine, tmp_path):
    csv = tmp_path / "gold.csv"
    csv.write_text("title,text,date\nGold climbs,Gold prices climbed sharply on Monday.,yesterday\n", encoding="utf-8")
    html = _handlers(engine, tmp_path).add_files([str(csv)])[0]
    assert "gold.csv" in html and "added" in html
    assert "line 2: date &#39;yesterday&#39; is not a date" in html or "line 2: date 'yesterday' is not a date" in html


def _select(h: Handlers, title: str) -> dict:
    _, ds, _ = h.docs_table(title, new_documents_state())
    doc = next(r for r in docs.document_rows(h.engine.snapshot) if r.title == title)
    ds, _ = h.docs_select(ds, [title, doc.doc_id[:8]])
    assert ds["selected"] == doc.doc_id
    return ds


def test_deleting_one_article_of_an_uploaded_jsonl_keeps_the_others_and_the_file(engine, tmp_path):
    """The review's scenario (review10 #2): a 3-record upload, "Delete" on one of them."""
    three = tmp_path / "three.jsonl"
    three.write_text("".join(json.dumps(r) + "\n" for r in [
        {"title": "Port reopens", "text": "The port reopened on Monday after a strike."},
        {"title": "Bank raises rates", "text": "The central bank raised rates by half a point."},
        {"title": "Mayor quits", "text": "The mayor resigned on Friday."}]))
    h = _handlers(engine, tmp_path)
    h.add_files([str(three)])
    before = {d["title"] for d in engine.snapshot.documents.values()}
    assert {"Port reopens", "Bank raises rates", "Mayor quits"} <= before
    saved = list((tmp_path / "uploads").iterdir())
    assert len(saved) == 1
    _, ds, info, *_ = h.delete_selected("", _select(h, "Mayor quits"))
    assert {d["title"] for d in engine.snapshot.documents.values()} == before - {"Mayor quits"}
    assert saved[0].exists() and ds["selected"] == ""
    assert "Deleted \u201cMayor quits\u201d" in info and "its other 2 articles stay" in info
    # the file's last article takes the file with it
    h.delete_selected("", _select(h, "Port reopens"))
    assert saved[0].exists()
    _, _, info, *_ = h.delete_selected("", _select(h, "Bank raises rates"))
    assert {d["title"] for d in engine.snapshot.documents.values()} == before - {
        "Mayor quits", "Port reopens", "Bank raises rates"}
    assert not saved[0].exists() and "stay" not in info
