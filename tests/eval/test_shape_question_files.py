"""The question-shape and follow-up dev sets: they load, their counts and splits hold, and every gold
string is a verbatim quote of the article it names (see eval/questions/README.md)."""

import json
from collections import Counter

import pytest
from helpers import BBC, ROOT, SEED, need

from newsqa.eval.question_sets import load_questions

QDIR = ROOT / "eval" / "questions"
SHAPES = QDIR / "bbc-shapes.jsonl"
FOLLOWUPS = QDIR / "bbc-followups.jsonl"
SHAPE_KINDS = ("who_is", "why", "overview", "compare", "list")
FU_KINDS = ("followup", "standalone_after")
MIN_PER_SHAPE = 16
MIN_PAIRS = 44
MAX_SEED_PAIRS = 8
UNANSWERABLE = ("unnamed", "passing", "other_first_name")  # who-is kinds with no answer in the collection


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _split_rule_holds(records):
    """The i-th record of a kind (file order, from 1) is "test" exactly when i is a multiple of 3."""
    seen = Counter()
    for r in records:
        seen[r["kind"]] += 1
        want = "test" if seen[r["kind"]] % 3 == 0 else "dev"
        assert r["split"] == want, f"{r['id']}: split {r['split']!r}, the fixed rule says {want!r}"
    return seen


def _article(corpus, name):
    if corpus == "seed":
        return (SEED.parent / name).read_text(encoding="utf-8")
    return (BBC / "articles" / name).read_text(encoding="utf-8")


def test_both_files_load_with_the_project_loader():
    for path, n_min in ((SHAPES, MIN_PER_SHAPE * len(SHAPE_KINDS)), (FOLLOWUPS, MIN_PAIRS)):
        qs = load_questions(path)
        recs = _records(path)
        assert len(qs.questions) == len(recs) >= n_min
        assert len({q.id for q in qs.questions}) == len(recs), "ids must be unique"
        assert [q.id for q in qs.questions] == [r["id"] for r in recs]
        recs_by_id = {r["id"]: r for r in recs}
        assert all(q.answerable is recs_by_id[q.id].get("answerable", True) for q in qs.questions), \
            "a question has gold answers exactly when it is not marked answerable: false"


def test_shape_counts_splits_and_fact_shapes():
    recs = [r for r in _records(SHAPES) if r.get("answerable", True)]
    # questions added later over randomly drawn articles ("added": "dev" or "test") are of that split,
    # outside the rule; the test ones name the seed of their draw
    added = [r for r in recs if "added" in r]
    assert all(r["split"] == r["added"] for r in added)
    assert all(isinstance(r.get("seed"), int) for r in added if r["added"] == "test")
    counts = _split_rule_holds([r for r in recs if "added" not in r])
    assert set(counts) == set(SHAPE_KINDS)
    for kind in SHAPE_KINDS:
        assert counts[kind] >= MIN_PER_SHAPE, f"{kind}: only {counts[kind]} questions"
        n_test = sum(1 for r in recs if r["kind"] == kind and r["split"] == "test" and "added" not in r)
        assert n_test == counts[kind] // 3 >= 5
    for r in recs:
        short = {"who_is": "who"}.get(r["kind"], r["kind"])
        assert r["id"].startswith(f"shape-{short}-"), r["id"]
        assert r["files"] and r["answers"] and r["facts"], r["id"]
        assert all(isinstance(f, list) and f and all(isinstance(a, str) and a.strip() for a in f) for f in r["facts"])
        if r["kind"] == "compare":
            assert len(r["facts"]) == 2, f"{r['id']}: a compare question has exactly two values"
        elif r["kind"] == "list":
            assert len(r["facts"]) >= 3, f"{r['id']}: a list question has at least three items"
        elif r["kind"] == "overview":
            assert 3 <= len(r["facts"]) <= 5, r["id"]
        else:
            assert 1 <= len(r["facts"]) <= 2, r["id"]
    assert len({r["question"] for r in recs}) == len(recs), "no question asked twice"


def test_unanswerable_who_is_rows():
    """At least 12 dev + 12 test, a third of each split per category, no gold, the search recorded."""
    recs = [r for r in _records(SHAPES) if not r.get("answerable", True)]
    assert all(r["kind"] == "who_is" and r["id"].startswith("shape-who-") for r in recs)
    assert all(r["answers"] == [] and r["facts"] == [] and r["checked"].strip() for r in recs)
    assert all(r["split"] == r["added"] and isinstance(r["seed"], int) for r in recs)
    per = Counter((r["unanswerable"], r["split"]) for r in recs)
    assert set(per) == {(c, s) for c in UNANSWERABLE for s in ("dev", "test")}
    for split in ("dev", "test"):
        n = sum(per[(c, split)] for c in UNANSWERABLE)
        assert n >= 12 and all(per[(c, split)] == n // 3 for c in UNANSWERABLE), per


def test_unanswerable_who_is_names_are_not_described_by_name():
    """(a) and (c) names occur in no article; (b) names occur in exactly their one file."""
    need(BBC / "articles")
    texts = {f"{d.name}/{p.name}": p.read_text(encoding="utf-8", errors="replace")
             for d in (BBC / "articles").iterdir() if d.is_dir() for p in d.glob("*.txt")}
    for r in (r for r in _records(SHAPES) if not r.get("answerable", True)):
        name = r["question"].removeprefix("Who is ").rstrip("?")
        holders = sorted(f for f, t in texts.items() if name in t)
        assert holders == (r["files"] if r["unanswerable"] == "passing" else []), r["id"]
        if r["unanswerable"] == "other_first_name":
            assert all(name.split()[-1] in texts[f] for f in r["files"]) and r["files"], r["id"]


def test_followup_counts_splits_and_fields():
    recs = _records(FOLLOWUPS)
    # pairs added later ("added": "dev": session 10's user-session block) are of that split, outside the rule
    added = [r for r in recs if "added" in r]
    assert all(r["split"] == r["added"] == "dev" for r in added)
    drawn = [r for r in recs if "added" not in r]
    counts = _split_rule_holds(drawn)
    assert set(counts) == set(FU_KINDS) and sum(counts.values()) >= MIN_PAIRS
    assert abs(counts["followup"] - counts["standalone_after"]) <= 2, "about half of each kind"
    for kind in FU_KINDS:
        assert sum(1 for r in drawn if r["kind"] == kind and r["split"] == "test") == counts[kind] // 3
    corpora = Counter(r["corpus"] for r in recs)
    assert set(corpora) <= {"bbc", "seed"} and 1 <= corpora["seed"] <= MAX_SEED_PAIRS
    for r in recs:
        assert r["history"] and all(isinstance(h, str) and h.strip() for h in r["history"]), r["id"]
        assert r["question"] not in r["history"], r["id"]
        assert r.get("alone", False) is (r["kind"] == "standalone_after"), r["id"]
        if r["kind"] == "followup":
            assert len(r["history_answers"]) == len(r["history"]) and all(r["history_answers"]), r["id"]


def test_every_shape_gold_string_is_verbatim_in_its_files():
    need(BBC / "articles")
    missing = []
    for r in _records(SHAPES):
        texts = [_article("bbc", f) for f in r["files"]]
        for s in [*r["answers"], *(a for fact in r["facts"] for a in fact)]:
            if not any(s in t for t in texts):
                missing.append(f"{r['id']}: {s!r}")
    assert not missing, "not verbatim in the listed files: " + "; ".join(missing)


@pytest.mark.parametrize("corpus", ["bbc", "seed"])
def test_every_followup_answer_is_verbatim_in_its_file(corpus):
    if corpus == "bbc":
        need(BBC / "articles")
    missing = []
    for r in _records(FOLLOWUPS):
        if r["corpus"] != corpus:
            continue
        text = _article(corpus, r["file"])
        gold = [*r["answers"], *(a for turn in r.get("history_answers", []) for a in turn)]
        missing += [f"{r['id']}: {a!r}" for a in gold if a not in text]
    assert not missing, "not verbatim in the named file: " + "; ".join(missing)
