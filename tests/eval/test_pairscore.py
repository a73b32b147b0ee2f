import json

import numpy as np

from newsqa.eval.pairscore import article_folds, auc, load_table, refused_at, stacked


def _line(i, kind, answerable, split="dev", hit=True, doc="d1", q=None):
    return json.dumps({"id": f"r{i}", "kind": kind, "split": split, "answerable": answerable,
                       "question": q or f"question {i}?", "quote_hit": hit,
                       "citations": [{"quote": f"quote {i}", "doc_id": doc}], "signals": {"dense": 0.5}})


def test_table_reads_dev_rows_only_and_leaves_out_answerables_without_their_gold(tmp_path):
    p = tmp_path / "synsq" / "results.jsonl"
    p.parent.mkdir()
    p.write_text("\n".join([_line(1, "answerable", True), _line(2, "synthetic_near_miss", False),
                            _line(3, "answerable", True, split="test"), _line(4, "answerable", True, hit=False)]))
    rows = load_table([str(p)])
    assert [(r["id"], r["label"]) for r in rows] == [("r1", 1), ("r2", 0)]


def test_folds_keep_an_article_and_a_question_text_on_one_side():
    rows = [{"set": "s", "doc": "a", "question": "Who?"}, {"set": "s", "doc": "b", "question": "who?"},
            {"set": "s", "doc": "b", "question": "When?"}] + [{"set": "s", "doc": f"x{i}", "question": f"q{i}"} for i in range(40)]
    f = article_folds(rows, 5)
    assert f[0] == f[1] == f[2]  # the same question (twin) joins a and b; b joins the third
    assert len(set(f.tolist())) > 1


def test_auc_and_refusal_at_a_false_abstention():
    y = np.array([1, 1, 1, 1, 0, 0])
    assert auc(np.array([4, 3, 2, 1, 0, -1.0]), y) == 1.0
    assert auc(np.array([1, 1, 1, 1, 1, 1.0]), y) == 0.5
    s = np.array([0.9, 0.8, 0.7, 0.2, 0.5, 0.1])
    assert refused_at(s, y, fa=0.25) == 1.0  # threshold 0.7 keeps 3 of 4 answerables, refuses 0.5 and 0.1
    assert refused_at(s, y, fa=0.0) == 0.5  # threshold 0.2 keeps all four, refuses 0.1 only


def test_stack_scores_every_row_out_of_fold():
    rng = np.random.default_rng(0)
    y = (np.arange(200) % 2).astype(float)
    xc = rng.normal(y[:, None], 1.0, (200, 2))
    xh = rng.normal(y[:, None] * 0.5, 1.0, (200, 4))
    s = stacked(xc, xh, y, np.arange(200) // 50, 1.0, 10.0, None)
    assert auc(s, y) > 0.7
