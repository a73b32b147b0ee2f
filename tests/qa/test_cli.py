"""The newsqa command with the fake encoder: help, ask output, chat with a follow-up, info."""

import json

import pytest
from helpers import SEED

from newsqa.embeddings.indexer import update_index
from newsqa.cli import main


@pytest.fixture(scope="module")
def index(tmp_path_factory, fake_encoder):
    d = tmp_path_factory.mktemp("cli-idx")
    update_index([SEED], d, encoder=fake_encoder, progress=False)
    return d


def test_help_teaches_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "newsqa index" in out and "newsqa ask" in out


def test_ask_text_and_json(index, capsys):
    assert main(["ask", "Morocco quake death toll", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "[1]" in out and "headline list, position" in out
    assert main(["ask", "Morocco quake death toll", "--index", str(index), "--json", "--kind", "headline"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["citations"] and all(r["kind"] == "headline" for r in obj["retrieved"])


def test_chat_follow_up_uses_the_previous_turn(index, capsys, monkeypatch):
    lines = iter(["Who did Kim Jong Un meet?", "Where did they meet?", "/clear", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    seen = []
    import newsqa.qa.engine as engine_mod

    real_ask = engine_mod.Engine.ask

    def spy(self, q, **kw):
        seen.append(list(kw.get("history") or []))  # a copy: /clear empties the live list
        return real_ask(self, q, **kw)

    monkeypatch.setattr(engine_mod.Engine, "ask", spy)
    assert main(["chat", "--index", str(index)]) == 0
    out = capsys.readouterr().out
    assert "(conversation cleared)" in out
    assert seen[0] == [] and seen[1][0]["question"] == "Who did Kim Jong Un meet?"


def test_info(index, capsys):
    assert main(["info", "--index", str(index), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["articles"] == 1 and s["passages"] == 233 and s["date_from"] == "2023-09-14"


def test_user_mistake_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["ask", "Who?", "--index", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]


def test_unsure_and_not_found_read_differently_in_the_terminal():
    from newsqa.cli import format_answer
    from newsqa.qa.types import Answer

    why = {"code": "low_match", "text": "no passage matches the question closely enough", "terms": []}
    unsure = format_answer(Answer("q", "\u201cA quote.\u201d [1]", False, (), (), answer_state="unsure", abstain_reason=why))
    assert unsure.startswith("Unsure: these are the closest passages; they may not answer the question")
    assert why["text"] in unsure
    sure = format_answer(Answer("q", "\u201cA quote.\u201d [1]", False, (), (), answer_state="answered"))
    assert "Unsure" not in sure
