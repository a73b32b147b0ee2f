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


def test_the_baselines_latency_of_two_identical_runs_is_no_change(tmp_path):
    """review10 #8: with --baselines each row holds baselines.<name>.latency_ms, which differs every run."""
    def row(ms):
        return {"id": "q1", "answer": "x", "latency_ms": ms, "citations": [{"quote": "x", "latency_ms": ms}],
                "baselines": {"bm25": {"rank": 1, "latency_ms": ms}, "dense": {"rank": 2, "timings_ms": {"a": ms}}}}
    a = _write(tmp_path / "a.jsonl", [row(0.53)])
    b = _write(tmp_path / "b.jsonl", [row(0.61)])
    assert diff(a, b)["changed"] == {} and main([str(a), str(b)]) == 0
    c = _write(tmp_path / "c.jsonl", [{**row(0.61), "baselines": {**row(0.61)["baselines"], "bm25": {"rank": 3}}}])
    assert diff(a, c)["changed"] == {"q1": ["baselines"]}
