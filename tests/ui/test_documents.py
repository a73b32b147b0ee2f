"""The Documents panel's rows and search, deleting an upload, and example questions made from headlines."""

import pytest

from newsqa.embeddings.errors import NewsqaError
from newsqa.embeddings.indexer import update_index
from newsqa.qa import Engine
from newsqa.ui import documents as docs
from newsqa.ui.examples import checked_examples, headline_question
from newsqa.ui.uploads import index_uploads, save_uploads

RUGBY = "Tavua rugby club wins the island cup\n\nThe Tavua rugby club won the island cup, beating Nadi 24 to 10.\n"
FERRY = "Ferry company orders two new boats\n\nThe Patterson ferry company ordered two new boats for 12 million dollars.\n"


@pytest.fixture
def engine(tmp_path, fake_encoder):
    (tmp_path / "src" / "sport").mkdir(parents=True)
    (tmp_path / "src" / "sport" / "rugby.txt").write_text(RUGBY)
    update_index([tmp_path / "src"], tmp_path / "idx", encoder=fake_encoder, progress=False)
    return Engine.open(tmp_path / "idx", encoder=fake_encoder)


def test_rows_search_and_delete_an_upload(engine, tmp_path):
    up = tmp_path / "uploads"
    f = tmp_path / "ferry.txt"
    f.write_text(FERRY)
    index_uploads([p for _, p in save_uploads([f], up).saved], engine)
    rows = docs.document_rows(engine.snapshot)
    assert sorted((r.title, r.section, r.passages > 0) for r in rows) == [
        ("Ferry company orders two new boats", "", True), ("Tavua rugby club wins the island cup", "sport", True)]
    assert [r.title for r in docs.search(rows, "SPORT rugby")] == ["Tavua rugby club wins the island cup"]
    assert docs.search(rows, "ferry nothing-like-this") == []
    ferry = next(r for r in rows if r.title.startswith("Ferry"))
    rugby = next(r for r in rows if r.title.startswith("Tavua"))
    assert docs.is_upload(ferry, up) and not docs.is_upload(rugby, up)
    with pytest.raises(NewsqaError, match="was not uploaded in the app"):
        docs.delete_upload(rugby, engine, up)
    docs.delete_upload(ferry, engine, up)
    assert [r.title for r in docs.document_rows(engine.snapshot)] == ["Tavua rugby club wins the island cup"]
    assert list(up.iterdir()) == []
    assert all(p.doc_id != ferry.doc_id for p in engine.snapshot.passages)


@pytest.mark.parametrize("headline, question", [
    ("Ad sales boost Time Warner profit", "What boosted Time Warner profit?"),
    ("G7 backs Africa debt relief plan", "Who backed Africa debt relief plan?"),
    ("Foxx and Swank win US awards", "Who won US awards?"),
    ("Dollar falls 2% against the euro", "How much did the dollar fall against the euro?"),
    ("Diageo to buy US wine firm", ""),
    ("Why the euro matters", ""),
    ("Brown: the budget is fair", ""),
])
def test_headline_questions(headline, question):
    assert headline_question(headline) == question


def test_checked_examples_are_answered_from_their_own_article(engine):
    # "Who won the island cup?" comes from the rugby headline; the engine must answer it from that article
    got = checked_examples(engine, n=3, min_confidence=0.0)
    assert got == ["What won the island cup?"] or got == ["Who won the island cup?"]
    for q in got:
        a = engine.ask(q)
        assert not a.abstained and a.citations[0].title.startswith("Tavua")
    assert checked_examples(engine, min_confidence=1.01) == []  # nothing is that confident: none shown
