"""eval/bench_bm25.py: the code before, the full path and the pruned-or-full path timed per question
and compared row for row and bit for bit."""

import json

from newsqa.eval import bench_bm25
from newsqa.qa import bm25 as mod


def test_every_search_is_compared_with_the_code_before_and_pruned_ones_are_counted(small_index_pristine, tmp_path, monkeypatch):
    monkeypatch.setattr(mod, "MIN_PRUNED_POSTINGS", 0)  # the small index is far below it
    qfile = tmp_path / "q.jsonl"
    questions = ["What did the minister say about the budget?", "Who won the match?", "zzzz qqqq"]
    qfile.write_text("".join(json.dumps({"question": q}) + "\n" for q in questions))
    out = tmp_path / "bm25.json"
    assert bench_bm25.main(["--index", str(small_index_pristine), "--questions", str(qfile), "--rounds", "2",
                            "--k", "3", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    assert res["differ"] == [] and res["questions"] == 3
    assert res["all"]["questions"] == res["pruned"]["questions"] + res["not_pruned"]["questions"] == 3
    assert set(res["all"]) == {"questions", "before_ms", "full_ms", "new_ms"} and res["all"]["before_ms"]["mean"] > 0


def test_a_search_that_differs_from_the_code_before_is_listed(small_index_pristine, tmp_path, monkeypatch):
    real = mod.full_search

    def off_by_one(*args):
        rows, scores = real(*args)
        return rows, scores * 1.0001  # one score bit is enough

    monkeypatch.setattr(bench_bm25, "full_search", off_by_one)
    res = bench_bm25.run(small_index_pristine, ["What did the minister say about the budget?"], 1, 3)
    assert res["differ"] == ["What did the minister say about the budget?"]
