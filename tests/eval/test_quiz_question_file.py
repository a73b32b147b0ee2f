"""The BBC news-quiz question set (bbc-quiz.jsonl): fields, the per-section split, the choice format,
and gold answers verbatim in their articles."""

import json
import re
from collections import Counter

import pytest
from helpers import BBC, ROOT, WHERE_DATA

from newsqa.eval.question_sets import load_questions

QUIZ = ROOT / "eval" / "questions" / "bbc-quiz.jsonl"
SECTIONS = ("business", "entertainment", "politics", "sport", "tech")
QTYPES = {"who", "what", "when", "where", "how_many", "how_much", "how_old", "percent"}
FIELDS = {"id", "question", "answers", "kind", "split", "file", "qtype", "style"}


@pytest.fixture(scope="module")
def records():
    return [json.loads(line) for line in QUIZ.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_loads_and_has_the_fields_of_bbc_answerable_rows_plus_style(records):
    qs = load_questions(QUIZ)
    assert len(qs.questions) == len(records) == 60
    assert [r["id"] for r in records] == [f"quiz-{i:03d}" for i in range(1, 61)]
    for r in records:
        assert set(r) == FIELDS, r["id"]
        assert r["kind"] == "answerable" and r["answers"] and r["qtype"] in QTYPES, r["id"]
        assert r["style"] in ("clue", "choice"), r["id"]
    assert len({r["question"] for r in records}) == 60
    assert len({r["file"] for r in records}) == 60, "one question an article"


def test_twelve_a_section_first_eight_dev_last_four_test(records):
    seen = Counter()
    for r in records:
        section = r["file"].split("/")[0]
        seen[section] += 1
        assert r["split"] == ("dev" if seen[section] <= 8 else "test"), r["id"]
    assert seen == {s: 12 for s in SECTIONS}


def test_about_a_third_are_choice_with_exactly_one_right_option(records):
    styles = Counter(r["style"] for r in records)
    assert 15 <= styles["choice"] <= 25, styles
    for r in records:
        if r["style"] != "choice":
            continue
        head, _, tail = r["question"].rpartition(": ")
        assert head and tail.endswith("?"), r["id"]
        options = re.split(r", | or ", tail[:-1])
        assert 3 <= len(options) <= 4, (r["id"], options)
        right = [o for o in options if any(o == a or o.endswith(" " + a) for a in r["answers"])]
        assert len(right) == 1, (r["id"], options)


def test_gold_answers_are_verbatim_in_their_articles(records):
    articles = BBC / "articles"
    if not articles.is_dir():
        pytest.skip(f"the BBC articles ({articles}) are not here ({WHERE_DATA})")
    for r in records:
        text = (articles / r["file"]).read_text(encoding="utf-8")
        for a in r["answers"]:
            assert a in text, (r["id"], a, r["file"])
