"""What a new user meets in the terminal: progress in a log, plurals, flag names in errors, helps that teach."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys

import pytest

from helpers import ROOT, need

from newsqa.cli import build_parser, chat, main
from newsqa.cli.present import count
from newsqa.cli.progress import PlainLines, progress_for
from newsqa.embeddings.indexer import IndexReport
from newsqa.embeddings.progress import ProgressEvent, TqdmBars


def _folder(tmp_path, n: int):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(n):
        (src / f"{i:03}.txt").write_text(f"Headline {i}\n\nA paragraph about the harbour number {i}.\n")
    return src


# --- progress as plain lines --------------------------------------------------------------------


def _events(stage, total, unit="files", work=False):
    return [ProgressEvent(stage, i, total, unit, work=(i / total) ** 0.5 if work else None) for i in range(total + 1)]


def test_a_stage_becomes_a_line_every_10_percent():
    out = io.StringIO()
    show = PlainLines(out, clock=lambda: 0.0)
    for e in _events("reading", 200):
        show(e)
    lines = out.getvalue().splitlines()
    assert [ln.split("(")[0].strip() for ln in lines] == [f"reading: {p}%" for p in range(0, 101, 10)]
    assert lines[1] == "reading: 10% (20/200 files)" and lines[-1] == "reading: 100% (200/200 files)"


def test_encoding_shows_the_share_of_the_work_and_the_time_left():
    out, now = io.StringIO(), [0.0]
    show = PlainLines(out, clock=lambda: now[0])
    for e in _events("encoding", 100, "passages", work=True):  # the longest passages first: work runs ahead
        now[0] += 1.0
        show(e)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("encoding: 10% (1/100 passages") and "left)" in lines[1]
    assert lines[-1].startswith("encoding: 100% (100/100 passages, 01:40 elapsed") and "left" not in lines[-1]


def test_a_second_pass_of_the_same_stage_gets_its_lines_again():
    out = io.StringIO()
    show = PlainLines(out, clock=lambda: 0.0)
    for _ in range(2):  # two encoding passes of one run
        for e in _events("encoding", 50, "passages"):
            show(e)
    lines = [ln.split("(")[0].strip() for ln in out.getvalue().splitlines()]
    assert lines.count("encoding: 100%") == 2 and lines.count("encoding: 0%") == 2


def test_a_slow_stage_gets_a_line_every_30_seconds():
    out, now = io.StringIO(), [0.0]
    show = PlainLines(out, clock=lambda: now[0])
    show(ProgressEvent("encoding", 0, 1000, "passages"))
    for i in range(1, 10):  # 0.9% in 4.5 minutes: no 10% step, but a line each 30 s
        now[0] += 30.0
        show(ProgressEvent("encoding", i, 1000, "passages"))
    assert out.getvalue().count("encoding: ") == 1 + 9  # the start, then one per 30 s
    assert "04:30 elapsed" in out.getvalue().splitlines()[-1]


def test_the_terminal_gets_tqdm_bars_and_a_pipe_plain_lines():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert progress_for(False) is False
    assert isinstance(progress_for(True, Tty()), TqdmBars) and isinstance(progress_for(True, io.StringIO()), PlainLines)
    out = Tty()
    bars = TqdmBars(out)
    for e in _events("encoding", 30, "passages", work=True):
        bars(e)
    assert "\rencoding:" in out.getvalue() and not bars._bars  # drawn in place, closed when done


@pytest.mark.slow  # the real model (the fake encoder has no batches to report)
def test_the_encoder_reports_encoding_events(real_encoder):
    seen = []
    texts = [f"The harbour reopened on day {i}." * (1 + i % 2) for i in range(70)]  # two batches of 64
    real_encoder.encode_passages(texts, [[(0, 10)]] * len(texts), progress=seen.append)
    assert [e.stage for e in seen] == ["encoding"] * len(seen) and seen[0].done == 0 and seen[-1].done == 70
    assert seen[-1].fraction == 1.0 and all(a.fraction <= b.fraction for a, b in zip(seen, seen[1:]))


def test_index_prints_plain_progress_when_stderr_is_not_a_terminal(tmp_path, capsys):
    src = _folder(tmp_path, 12)
    args = ["index", str(src), "--index", str(tmp_path / "idx"), "--model", "hashing"]
    assert main(args) == 0
    cap = capsys.readouterr()
    assert "reading: 0% (0/12 files)" in cap.err and "reading: 100% (12/12 files)" in cap.err and "\r" not in cap.err
    assert "read 12 documents" in cap.out
    # the model's load is a stage of its own: it was 36 s of nothing between reading and encoding
    err = cap.err
    assert err.index("reading: 100%") < err.index("loading model: 0% (0/1 model)") < err.index("loading model: 100%")
    (src / "new.txt").write_text("One more\n\nA paragraph about a new ferry.\n")
    assert main(args + ["--no-progress"]) == 0
    cap = capsys.readouterr()
    assert "reading" not in cap.err and "%" not in cap.err
    assert cap.out.startswith("read 1 document, 12 files unchanged, skipped 0; passages: ")


def test_an_update_given_its_encoder_reports_no_model_load(tmp_path, fake_encoder):
    from newsqa.embeddings.indexer import update_index

    seen = []
    update_index([_folder(tmp_path, 2)], tmp_path / "idx", encoder=fake_encoder, progress=seen.append)
    assert "loading model" not in {e.stage for e in seen} and "reading" in {e.stage for e in seen}


def test_the_ray_engine_gets_the_local_engines_progress(tmp_path, capsys, monkeypatch):
    """``--engine ray`` is shown as the local engine is: plain lines off a terminal, none with --no-progress."""
    import newsqa.cli.index as index_cmd

    given = []

    def fake_ray(paths, index_dir, **kwargs):
        given.append(kwargs["progress"])
        return index_cmd.update_index(paths, index_dir, **{k: v for k, v in kwargs.items() if k != "address"})

    monkeypatch.setattr(index_cmd, "update_index_ray", fake_ray)
    src = _folder(tmp_path, 3)
    args = ["index", str(src), "--index", str(tmp_path / "idx"), "--model", "hashing", "--engine", "ray"]
    assert main(args) == 0 and main(args + ["--no-progress"]) == 0
    assert isinstance(given[0], PlainLines) and given[1] is False
    assert "reading: 100% (3/3 files)" in capsys.readouterr().err


@pytest.mark.slow  # starts a local Ray
def test_the_ray_engine_prints_plain_progress_when_stderr_is_not_a_terminal(tmp_path):
    src = _folder(tmp_path, 12)
    r = subprocess.run([sys.executable, "-m", "newsqa.cli", "index", str(src), "--index", str(tmp_path / "idx"),
                        "--model", "hashing", "--engine", "ray"], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", "NEWSQA_HOME": str(tmp_path / "home")})
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stderr.splitlines()
    assert "reading: 0% (0/12 files)" in lines and any(line.startswith("reading: 100% (12/12 files") for line in lines)
    assert "encoding: 0% (0/" in r.stderr and any(line.startswith("encoding: 100% (") for line in lines)
    assert "\r" not in r.stderr and "read 12 documents" in r.stdout


def test_index_draws_bars_on_a_terminal(tmp_path, capsys, monkeypatch):
    src = _folder(tmp_path, 3)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["index", str(src), "--index", str(tmp_path / "idx"), "--model", "hashing"]) == 0
    err = capsys.readouterr().err
    assert "\rreading:" in err and "reading: 0% (0/3 files)" not in err  # a tqdm bar, redrawn in place


# --- plurals ------------------------------------------------------------------------------------


def test_count_and_the_index_line_say_1_document():
    assert [count(0, "article"), count(1, "article"), count(2, "match", "matches")] == [
        "0 articles", "1 article", "2 matches"]
    line = IndexReport("idx", documents_read=1, files_unchanged=1, added=1, documents_total=1,
                       passages_total=1, duplicates=1).summary_line()
    assert line == ("read 1 document (1 duplicate), 1 file unchanged, skipped 0; passages: 1 added, 0 unchanged, "
                    "0 removed; 0.0 s -> idx (1 document, 1 passage)")
    assert "1 documents" not in line and "1 files" not in line


def test_info_of_one_article_is_singular(tmp_path, capsys):
    one = tmp_path / "one.txt"
    one.write_text("Ferry company orders a boat\n\nThe ferry company ordered a boat.\n\nIt is due in May.\n")
    assert main(["index", str(one), "--index", str(tmp_path / "idx"), "--model", "hashing", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["info", "--index", str(tmp_path / "idx")]) == 0
    out = capsys.readouterr().out
    assert "articles: 1\n" in out
    kinds = next(ln for ln in out.splitlines() if ln.strip().startswith("kinds:"))
    assert kinds.split(":", 1)[1].strip() == "1 headline, 2 paragraphs"
    assert "date_from: none" in out and not any(ln.endswith(":") for ln in out.splitlines())  # undated: said


# --- errors name the flag -----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["ask", "chat"])
@pytest.mark.parametrize("flag, value, said", [
    ("--since", "2004-13-01", "--since must be a date as YYYY-MM-DD"),
    ("--until", "14/09/2023", "--until must be a date as YYYY-MM-DD"),
])
def test_a_bad_date_names_the_flag_typed(command, flag, value, said, capsys, tmp_path):
    argv = [command] + (["q"] if command == "ask" else []) + ["--index", str(tmp_path / "none"), flag, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said in err and "date_from" not in err and "date_to" not in err


def test_an_empty_date_range_names_both_flags(capsys, tmp_path):
    assert main(["ask", "q", "--index", str(tmp_path / "none"), "--since", "2005-02-01", "--until", "2005-01-01"]) == 2
    assert "--since 2005-02-01 is after --until 2005-01-01" in capsys.readouterr().err


# --- helps that teach ---------------------------------------------------------------------------


def _commands():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sub.choices


@pytest.mark.parametrize("name", list(_commands()))
def test_each_help_has_an_example_and_shows_defaults(name):
    p = _commands()[name]
    text = p.format_help()
    after = text.split("examples:\n", 1)
    assert len(after) == 2, f"newsqa {name} --help has no examples"
    assert after[1].lstrip().startswith(f"newsqa {name}")
    for a in p._actions:
        if isinstance(a, argparse._HelpAction) or a.default in (None, False, [], "", argparse.SUPPRESS):
            continue
        assert "default" in (a.help or ""), f"newsqa {name} {a.option_strings or a.dest}: default not shown"


def test_the_chat_example_is_a_conversation_the_bbc_collection_answers():
    """The help's BBC conversation is a labelled follow-up pair of eval/questions/bbc-followups.jsonl
    (its answer in the collection, once); "Who won the Mercury Prize?" was in no BBC article."""
    turns = re.findall(r"you> (.+?\?)", chat.EPILOG)
    labelled = [json.loads(line) for line in (ROOT / "eval" / "questions" / "bbc-followups.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(turns) == 2
    assert any(q["history"] == turns[:1] and q["question"] == turns[1] and q["answers"] for q in labelled), turns


def test_a_first_question_says_it_builds_the_sample_index(tmp_path, monkeypatch, capsys):
    from newsqa.cli.options import announce_sample_build
    from newsqa.qa.engine import sample_index_dir

    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path))
    announce_sample_build(None)
    assert "building one of the built-in sample corpus" in capsys.readouterr().err
    announce_sample_build(str(tmp_path / "mine"))  # an index named: nothing to build
    sample_index_dir().mkdir(parents=True)
    (sample_index_dir() / "manifest.json").write_text("{}")
    announce_sample_build(None)  # built already
    assert capsys.readouterr().err == ""
    assert sample_index_dir().name.startswith("sample-index-")  # one per installed copy of newsqa


def test_an_error_under_json_is_one_json_object_on_stdout_too(tmp_path, capsys):
    import json

    missing = str(tmp_path / "no-such-index")
    assert main(["ask", "Who won?", "--index", missing, "--json", "--model", "hashing"]) == 2
    cap = capsys.readouterr()
    obj = json.loads(cap.out)
    assert obj["command"] == "ask" and "does not exist" in obj["error"] and missing in obj["error"]
    assert "error:" in cap.err
    assert main(["ask", "Who won?", "--index", missing, "--model", "hashing"]) == 2
    assert capsys.readouterr().out == ""  # without --json: stderr only


def test_a_test_without_its_data_says_where_to_put_it(tmp_path):
    """A fresh clone elsewhere than the development layout skips the data tests: the reason names
    both ways to give the data (a new user's run saw only "../shared beside the clone")."""
    with pytest.raises(pytest.skip.Exception, match="NEWSQA_SHARED=DIR"):
        need(tmp_path / "no-such-corpus")
