"""`newsqa eval` through the real CLI entry point: outputs on success, one error line and exit 2 on a user mistake."""

import json

import pytest
from helpers import SEED

from newsqa.cli import main


def test_eval_command_writes_the_report(tmp_path, capsys, no_plots):
    q = tmp_path / "q.jsonl"
    q.write_text('{"id": "q1", "question": "Who met Putin?", "answers": ["Kim Jong Un"]}\n'
                 '{"id": "q2", "question": "Who won the 2031 World Cup?", "answers": []}\n')
    out = tmp_path / "out"
    rc = main(["eval", str(q), "--corpus", str(SEED), "--model", "hashing", "--out", str(out), "--baselines",
               "--no-progress"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "2 questions (1 answerable)" in printed and "bm25" in printed and "index built in" in printed
    m = json.loads((out / "metrics.json").read_text())
    assert m["run"]["index_source"] == "corpus" and set(m["baselines"]) == {"bm25", "dense"}
    assert len((out / "results.jsonl").read_text().splitlines()) == 2


def test_malformed_question_file_is_one_line_and_exit_2(tmp_path, capsys):
    q = tmp_path / "bad.jsonl"
    q.write_text('{"id": "a", "question": "ok?", "answers": ["x"]}\n{"id": "b", "question": "bad"\n')
    rc = main(["eval", str(q), "--model", "hashing", "--corpus", str(SEED), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert rc == 2 and str(q) in err and "line 2: not valid JSON" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing ran


def test_index_and_corpus_together_are_refused(tmp_path):
    with pytest.raises(SystemExit) as e:
        main(["eval", "q.jsonl", "--index", "x", "--corpus", "y"])
    assert e.value.code == 2
