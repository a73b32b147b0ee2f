"""What a new user following the README hit: bad article dates, chat's slash commands, an index
written into a folder of articles, a closed pipe."""

from __future__ import annotations

import json

import pytest

from newsqa.cli import main
from newsqa.embeddings.chunker import Passage
from newsqa.embeddings.documents import is_day
from newsqa.embeddings.readers import read_file
from newsqa.qa.engine import Engine
from newsqa.qa.types import Filters

CSV = ("title,text,date\n"
       "Gold prices rise,Gold prices rose sharply on Monday as investors sought safety.,2005-01-03\n"
       "Gold prices fall,Gold prices fell on the news from the central bank.,yesterday\n"
       "Gold hits a record,Gold hit a record high in late trading.,2024-13-45\n")


# --- dates that are not dates -------------------------------------------------------------------


def test_the_one_date_rule():
    assert [is_day(v) for v in ("2024-02-29", "2023-02-29", "2024-13-45", "yesterday", "20230914", "")] == [
        True, False, False, False, False, False]


def test_a_csv_row_with_a_bad_date_is_kept_undated_with_a_note(tmp_path):
    f = tmp_path / "gold.csv"
    f.write_text(CSV)
    got = read_file(f)
    assert [d.date for d in got.documents] == ["2005-01-03", "", ""] and not got.skipped
    assert [(n.path, n.text) for n in got.notes] == [
        (f"{f}#L3", "date 'yesterday' is not a date (YYYY-MM-DD); stored undated"),
        (f"{f}#L4", "date '2024-13-45' is not a date (YYYY-MM-DD); stored undated")]


@pytest.mark.parametrize("name, text", [
    ("a.jsonl", '{"title": "Gold", "text": "Gold rose.", "date": "2024-13-45"}\n'),
    ("page.txt", " date 2024-13-45 Business\n\nGold rises\n\nGold rose on Monday.\n"),
])
def test_every_reader_that_takes_a_date_checks_it(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text)
    got = read_file(f)
    assert got.documents and got.documents[0].date == ""
    dated = [n for n in got.notes if "date" in n.text]  # the page's one block is its headline: a title-only note too
    assert len(dated) == 1 and "is not a date (YYYY-MM-DD); stored undated" in dated[0].text


def test_index_reports_the_bad_dates_and_info_and_filters_ignore_them(tmp_path, capsys):
    f = tmp_path / "gold.csv"
    f.write_text(CSV)
    idx = str(tmp_path / "idx")
    assert main(["index", str(f), "--index", idx, "--model", "hashing", "--no-progress"]) == 0
    cap = capsys.readouterr()
    assert f"note {f}#L3: date 'yesterday' is not a date (YYYY-MM-DD); stored undated" in cap.err.splitlines()
    assert "skipped 0" in cap.out  # a note is not a skip: the article is indexed
    assert main(["info", "--index", idx]) == 0
    out = capsys.readouterr().out
    assert "date_to: 2005-01-03" in out and "yesterday" not in out
    assert main(["ask", "Gold prices", "--index", idx, "--since", "2030-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["citations"] == []
    assert main(["index", str(f), "--index", str(tmp_path / "idx2"), "--model", "hashing", "--no-progress",
                 "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["notes"]) == 2


def test_a_date_filter_never_passes_a_stored_date_that_is_not_a_day():
    """An index written before readers checked dates may hold "yesterday": it counts as undated."""
    def p(date):
        return Passage(passage_id="", doc_id="d", kind="paragraph", paragraph=0, start=0, end=0, text="",
                       sentences=(), title="", date=date, source="", section="")
    since = Filters(date_from="2030-01-01")
    assert not since.allows(p("yesterday")) and not since.allows(p("2024-13-45")) and not since.allows(p(""))
    assert since.allows(p("2031-01-01")) and not Filters(date_to="2000-01-01").allows(p("yesterday"))
    assert Filters(date_from="2030-01-01", keep_undated=True).allows(p("yesterday"))


# --- chat's slash commands ----------------------------------------------------------------------


@pytest.fixture
def chat_index(tmp_path, capsys):
    f = tmp_path / "gold.csv"
    f.write_text(CSV)
    assert main(["index", str(f), "--index", str(tmp_path / "idx"), "--model", "hashing", "--no-progress"]) == 0
    capsys.readouterr()
    return str(tmp_path / "idx")


def _chat(index, monkeypatch, capsys, typed: list[str]) -> tuple[str, list[str]]:
    asked = []
    lines = iter(typed + ["/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    real_ask = Engine.ask
    monkeypatch.setattr(Engine, "ask", lambda self, q, **kw: asked.append(q) or real_ask(self, q, **kw))
    assert main(["chat", "--index", index, "--model", "hashing"]) == 0
    return capsys.readouterr().out, asked


def test_chat_help_lists_the_commands_and_searches_nothing(chat_index, monkeypatch, capsys):
    out, asked = _chat(chat_index, monkeypatch, capsys, ["/help"])
    assert asked == [] and all(f"  {c}" in out for c in ("/all", "/clear", "/help", "/quit"))


def test_an_unknown_command_is_named_and_not_asked(chat_index, monkeypatch, capsys):
    out, asked = _chat(chat_index, monkeypatch, capsys, ["/halp", "/Clear"])
    assert asked == [] and "unknown command /halp; commands: /all, /clear, /help, /quit" in out
    assert "(conversation cleared)" in out  # commands are read in any case


def test_a_question_that_starts_with_a_slash_is_still_a_question(chat_index, monkeypatch, capsys):
    out, asked = _chat(chat_index, monkeypatch, capsys, ["/ 5 m for what?", "/2 of them won?"])
    assert asked == ["/ 5 m for what?", "/2 of them won?"] and "unknown command" not in out


# --- a closed pipe ------------------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly(chat_index):
    import subprocess
    import sys

    cmd = f"{sys.executable} -m newsqa.cli info --index {chat_index} | head -c 0"
    r = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert r.stderr == "" and r.returncode == 1


# --- an index written into a folder of articles -------------------------------------------------


def test_a_folder_of_articles_given_as_index_says_to_index_it_elsewhere(tmp_path, capsys):
    """It said "build one with newsqa index PATH --index articles/", which that command refuses."""
    src = tmp_path / "articles"
    src.mkdir()
    (src / "a.txt").write_text("Port reopens\n\nThe port reopened on Monday.\n")
    assert main(["info", "--index", str(src)]) == 2
    err = capsys.readouterr().err
    assert f"newsqa index {src} --index NEW-FOLDER" in err and f"PATH --index {src}" not in err
    (tmp_path / "empty").mkdir()
    assert main(["info", "--index", str(tmp_path / "empty")]) == 2
    assert f"build one with newsqa index PATH --index {tmp_path / 'empty'}" in capsys.readouterr().err



def test_index_refuses_a_folder_of_articles_as_index_and_changes_nothing(tmp_path, capsys):
    src = tmp_path / "articles"
    src.mkdir()
    (src / "gold.csv").write_text(CSV)
    before = sorted(p.name for p in src.iterdir())
    assert main(["index", str(src), "--index", str(src), "--model", "hashing", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{src} is not empty and is not a newsqa index" in err
    assert sorted(p.name for p in src.iterdir()) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    for target in (empty, tmp_path / "new", empty):  # empty, missing, then an existing index
        assert main(["index", str(src), "--index", str(target), "--model", "hashing", "--no-progress"]) == 0


def test_info_names_the_encoder_backend_the_index_was_built_with(tmp_path, capsys):
    """A new user could not see which backend an index's vectors came from (the manifest records it)."""
    from newsqa.embeddings.store import read_manifest

    f = tmp_path / "a.txt"
    f.write_text("Port reopens\n\nThe port reopened on Monday.\n")
    idx = tmp_path / "idx"
    assert main(["index", str(f), "--index", str(idx), "--model", "hashing", "--no-progress"]) == 0
    model = read_manifest(idx)["model"]
    capsys.readouterr()
    assert main(["info", "--index", str(idx)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"  backend: {model['backend']} {model['precision']}" in lines
    assert main(["info", "--index", str(idx), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["backend"] == f"{model['backend']} {model['precision']}"
