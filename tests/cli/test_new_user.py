"""What a new user meets in the terminal: progress in a log, plurals, flag names in errors, helps that teach."""

from __future__ import annotations

import argparse
import io
import sys

import pytest
from tqdm import tqdm

from newsqa.cli import build_parser, main
from newsqa.cli.present import count
from newsqa.cli.progress import PlainProgress, plain_line
from newsqa.embeddings.indexer import IndexReport


def _folder(tmp_path, n: int):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(n):
        (src / f"{i:03}.txt").write_text(f"Headline {i}\n\nA paragraph about the harbour number {i}.\n")
    return src


# --- progress as plain lines --------------------------------------------------------------------


def test_a_bar_becomes_a_line_every_10_percent_and_other_text_passes():
    out = io.StringIO()
    w = PlainProgress(out, clock=lambda: 0.0)
    for _ in tqdm(range(200), desc="reading", unit="file", file=w, mininterval=0, miniters=1, leave=False):
        pass
    w.write("skipped a.bin: not text\n")
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue() and "|" not in out.getvalue()
    assert [ln.split("(")[0].strip() for ln in lines[:-1]] == [f"reading: {p}%" for p in range(0, 101, 10)]
    assert "/200" in lines[1] and lines[-1] == "skipped a.bin: not text"


def test_a_second_bar_of_the_same_name_gets_its_lines_again():
    out = io.StringIO()
    w = PlainProgress(out, clock=lambda: 0.0)
    for _ in range(2):  # two encoding passes of one run
        for _ in tqdm(range(50), desc="Encoding", file=w, mininterval=0, miniters=1, leave=False):
            pass
    lines = [ln.split("(")[0].strip() for ln in out.getvalue().splitlines()]
    assert lines.count("Encoding: 100%") == 2 and lines.count("Encoding: 0%") == 2


def test_text_without_a_line_end_is_not_lost():
    import newsqa.cli.progress as progress

    real = sys.stderr
    sys.stderr = out = io.StringIO()
    try:
        with progress.plain_progress():
            sys.stderr.write("warning: no line end")
    finally:
        sys.stderr = real
    assert out.getvalue() == "warning: no line end"


def test_a_slow_bar_gets_a_line_every_30_seconds():
    out, now = io.StringIO(), [0.0]
    w = PlainProgress(out, clock=lambda: now[0])
    bar = tqdm(total=1000, desc="Encoding", file=w, mininterval=0, miniters=1)
    for _ in range(9):  # 0.9% in 4.5 minutes: no 10% step, but a line each 30 s
        now[0] += 30.0
        bar.update(1)
    bar.close()
    assert out.getvalue().count("Encoding: ") == 1 + 9  # the start, then one per 30 s


def test_plain_line_reads_the_encoder_bar_format():
    assert plain_line("Encoding:  12%|#2        | [01:10<08:30, 1024/13000 passages]") == (
        "Encoding: 12% (1024/13000 passages, 01:10 elapsed, 08:30 left)", 12)
    assert plain_line("read 3 documents") is None


def test_index_prints_plain_progress_when_stderr_is_not_a_terminal(tmp_path, capsys):
    src = _folder(tmp_path, 12)
    args = ["index", str(src), "--index", str(tmp_path / "idx"), "--model", "hashing"]
    assert main(args) == 0
    cap = capsys.readouterr()
    assert "reading: 0% (0/12)" in cap.err and "\r" not in cap.err
    assert "read 12 documents" in cap.out
    (src / "new.txt").write_text("One more\n\nA paragraph about a new ferry.\n")
    assert main(args + ["--no-progress"]) == 0
    cap = capsys.readouterr()
    assert "reading" not in cap.err and "%" not in cap.err
    assert cap.out.startswith("read 1 document, 12 files unchanged, skipped 0; passages: ")


def test_index_draws_bars_on_a_terminal(tmp_path, capsys, monkeypatch):
    src = _folder(tmp_path, 3)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["index", str(src), "--index", str(tmp_path / "idx"), "--model", "hashing"]) == 0
    err = capsys.readouterr().err
    assert "\rreading:" in err and "reading: 0% (0/3)" not in err  # tqdm's own bar, redrawn in place


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
