"""eval.diff_results: two eval runs compared answer by answer, timings aside."""

import json

from newsqa.eval.diff_results import diff, main


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_timings_alone_do_not_count_as_a_change(tmp_path):
    a = _write(tmp_path / "a.jsonl", [{"id": "q1", "answer": "x", "timings_ms": {"embed": 1.0}, "latency_ms": 3.0}])
    b = _write(tmp_path / "b.jsonl", [{"id": "q1", "answer": "x", "timings_ms": {"embed": 9.0}, "latency_ms": 7.0}])
    assert diff(a, b) == {"questions": 1, "changed": {}, "missing": []}
    assert main([str(a), str(b)]) == 0


def test_a_changed_answer_field_and_a_missing_question_are_reported(tmp_path, capsys):
    a = _write(tmp_path / "a.jsonl", [{"id": "q1", "answer": "x", "confidence": 0.5}, {"id": "q2", "answer": "y"}])
    b = _write(tmp_path / "b.jsonl", [{"id": "q1", "answer": "x", "confidence": 0.51}])
    d = diff(a, b)
    assert d["changed"] == {"q1": ["confidence"]} and d["missing"] == ["q2"]
    assert main([str(a), str(b)]) == 1
    assert "q1: confidence" in capsys.readouterr().out
