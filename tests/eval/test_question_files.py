"""The hand-written BBC question set: counts per kind and split, fields, and gold answers verbatim in their articles."""

import json
from collections import Counter

import pytest
from helpers import BBC, ROOT, WHERE_DATA

from newsqa.eval.question_sets import load_questions

BBC_QUESTIONS = ROOT / "eval" / "questions" / "bbc.jsonl"
KINDS = {"answerable": 100, "near_miss": 35, "off_corpus": 35}  # kind -> least number of questions
QTYPES = {"who", "what", "when", "where", "how_many", "how_much", "how_old", "percent"}


@pytest.fixture(scope="module")
def records():
    return [json.loads(line) for line in BBC_QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_loads_with_the_eval_loader_and_counts_per_kind(records):
    qs = load_questions(BBC_QUESTIONS)  # raises on malformed lines and duplicate ids
    assert len(qs.questions) == len(records)
    assert len({q.id for q in qs.questions}) == len(records)
    kinds = Counter(q.kind for q in qs.questions)
    assert set(kinds) == set(KINDS)
    for kind, least in KINDS.items():
        assert kinds[kind] >= least, (kind, kinds[kind])
    for q in qs.questions:
        assert q.answerable == (q.kind == "answerable"), q.id


def test_fields_and_qtype_mix(records):
    for r in records:
        assert r["id"].startswith("bbc-") and r["qtype"] in QTYPES, r["id"]
        assert r["split"] in ("dev", "test"), r["id"]
        if r["kind"] != "answerable":
            assert r["answers"] == [] and r["checked"].strip(), r["id"]
        if r["kind"] != "off_corpus":
            assert r["file"], r["id"]
    qtypes = Counter(r["qtype"] for r in records if r["kind"] == "answerable")
    assert set(qtypes) == QTYPES and min(qtypes.values()) >= 8, qtypes
    sections = Counter(r["file"].split("/")[0] for r in records if r["kind"] == "answerable")
    assert len(sections) == 5 and min(sections.values()) >= 20, sections
    assert len({r["question"] for r in records}) == len(records), "a question is repeated"


def test_split_is_every_third_question_of_each_kind(records):
    # a block added later ("added": "dev", session 9: 20 off-corpus questions written before any change
    # of that pass) is of its split; the rule holds for the questions of the first draw
    added = [r for r in records if "added" in r]
    assert all(r["split"] == r["added"] == "dev" for r in added)
    records = [r for r in records if "added" not in r]
    seen = Counter()
    for r in records:
        expected = "test" if seen[r["kind"]] % 3 == 2 else "dev"
        seen[r["kind"]] += 1
        assert r["split"] == expected, (r["id"], r["split"])
    for kind in KINDS:
        n = seen[kind]
        tests = sum(1 for r in records if r["kind"] == kind and r["split"] == "test")
        assert tests == n // 3, (kind, tests, n)


def test_gold_answers_are_verbatim_in_their_articles(records):
    articles = BBC / "articles"
    if not articles.is_dir():
        pytest.skip(f"the BBC articles ({articles}) are not here ({WHERE_DATA})")
    texts = {}
    for r in records:
        if not r.get("file"):
            continue
        path = articles / r["file"]
        assert path.is_file(), (r["id"], r["file"])
        text = texts.setdefault(r["file"], path.read_text(encoding="utf-8"))
        for a in r["answers"]:
            assert a in text, (r["id"], a, r["file"])
        if r["kind"] == "answerable":
            assert r["answers"], r["id"]
