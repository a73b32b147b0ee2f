"""Fixtures of the evaluation tests: a tiny SQuAD v2.0-shaped file, a report without drawn plots."""

import json

import pytest


def _squad_v2():
    return {"version": "v2.0", "data": [
        {"title": "Normans", "paragraphs": [
            {"context": "The Normans gave their name to Normandy, a region in France.",
             "qas": [{"id": "n1", "question": "In what country is Normandy located?", "is_impossible": False,
                      "answers": [{"text": "France", "answer_start": 55}]},
                     {"id": "n2", "question": "Who gave their name to Normandy in the 1000s?", "is_impossible": True,
                      "answers": [], "plausible_answers": [{"text": "Normans", "answer_start": 4}]}]},
            {"context": "Rollo was the first ruler of Normandy.",
             "qas": [{"id": "n3", "question": "Who ruled Normandy first?", "is_impossible": False,
                      "answers": [{"text": "Rollo", "answer_start": 0}, {"text": "Rollo", "answer_start": 0}]}]}]}]}


@pytest.fixture
def squad_v2_file(tmp_path):
    p = tmp_path / "squad-v2-tiny.json"
    p.write_text(json.dumps(_squad_v2()), encoding="utf-8")
    return p


@pytest.fixture
def no_plots(monkeypatch):
    """The report's three PNGs written empty: drawing them (matplotlib's layout) is ~85% of an evaluate's
    CPU on a tiny set, and the tests using this read no plot (tests/eval/test_run.py's
    slow test_the_report_draws_its_plots draws and checks them)."""
    from newsqa.eval import report

    for name in ("plot_hit_curve", "plot_latency", "plot_tradeoff"):
        monkeypatch.setattr(report, name, lambda data, path: path.write_bytes(b""))
