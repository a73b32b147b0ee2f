"""The /ask API endpoint through Gradio's Python client returns the `newsqa ask --json` object."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

SATELLITES = "What did Putin say when asked if Moscow would help Kim build satellites?"


def test_client_predict_ask_returns_the_json_answer(ui_server):
    from gradio_client import Client

    url, engine, _ = ui_server
    client = Client(url, verbose=False)
    got = client.predict(SATELLITES, api_name="/ask")
    want = engine.ask(SATELLITES).to_dict()
    assert set(got) == set(want)
    assert got["answer"] == want["answer"] and not got["abstained"]
    c = got["citations"][0]
    assert c["n"] == 1 and "That\u2019s why we came here" in c["quote"]
    text = engine.snapshot.document_text(c["doc_id"])
    assert text[c["start"]:c["end"]] == c["quote"]
    assert got["answer"].endswith("[1]")


def test_client_filters_history_and_errors(ui_server):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    url, _, _ = ui_server
    client = Client(url, verbose=False)
    got = client.predict("death toll floods Greece", k=3, kind="headline", api_name="/ask")
    assert got["citations"] and all(c["kind"] == "headline" for c in got["citations"])
    follow = client.predict("Where did they meet?", history=["Who did Kim Jong Un meet in Russia?"], api_name="/ask")
    assert "Kim Jong Un" in follow["resolved_question"] and not follow["abstained"]
    with pytest.raises(AppError, match="question is empty"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(AppError, match="YYYY-MM-DD"):
        client.predict("toll", since="14 Sept", api_name="/ask")
