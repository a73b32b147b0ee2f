import json
from types import SimpleNamespace

import pytest

from newsqa.eval import synthetic
from newsqa.eval.run import excluding
from newsqa.eval.synthetic import NEAR_MISS, bbc_near_miss, squad_near_miss, split_of


def _squad(n_articles=6, n_paras=8):
    data = []
    for a in range(n_articles):
        paras = []
        for p in range(n_paras):
            ctx = f"Article {a} paragraph {p} says the answer is value{a}x{p}."
            paras.append({"context": ctx, "qas": [
                {"id": f"{a}.{p}.{i}", "question": f"What does paragraph {p} of article {a} say ({i})?",
                 "answers": [{"text": f"value{a}x{p}", "answer_start": ctx.index("value")}]} for i in range(3)]})
        data.append({"title": f"Topic_{a}", "paragraphs": paras})
    return {"version": "1.1", "data": data}


def test_removed_paragraphs_give_near_misses_and_leave_the_corpus():
    corpus, qs = squad_near_miss(_squad(), remove_every=3, max_per_paragraph=2)
    texts = {p for r in corpus for p in r["paragraphs"]}
    near = [q for q in qs if q["kind"] == NEAR_MISS]
    kept = [q for q in qs if q["kind"] == "answerable"]
    assert near and kept
    for q in near:
        assert q["answers"] == [] and q["removed_answers"]
        # the paragraph holding the removed answer is gone, the rest of its article stays
        assert not any(q["removed_answers"][0] in t for t in texts)
    for q in kept:
        assert any(q["answers"][0] in t for t in texts)
    assert all(len(r["paragraphs"]) >= 1 for r in corpus) and len(corpus) == 6
    assert max(sum(1 for q in qs if q["id"].startswith(f"synth-{a}.{p}.")) for a in range(6) for p in range(8)) == 2


def test_generation_is_deterministic_and_splits_by_article():
    a = squad_near_miss(_squad())
    b = squad_near_miss(_squad())
    assert a == b
    by_article = {}
    for q in a[1]:
        art = q["id"].split(".")[0]
        by_article.setdefault(art, set()).add(q["split"])
    assert all(len(s) == 1 for s in by_article.values())  # one article's questions on one side only
    assert {split_of(f"Topic_{i}") for i in range(40)} == {"dev", "test"}


def test_bbc_questions_are_asked_without_their_article():
    recs = [{"id": "b1", "question": "How much?", "answers": ["$5bn"], "file": "business/001.txt", "split": "dev"},
            {"id": "b2", "question": "Who won in 2031?", "answers": [], "kind": "off_corpus"}]
    out = bbc_near_miss(recs)
    assert len(out) == 1
    assert out[0]["answers"] == [] and out[0]["exclude_files"] == ["business/001.txt"] and out[0]["kind"] == NEAR_MISS


def test_excluding_filters_drop_only_the_named_article():
    snap = SimpleNamespace(documents={"d1": {"origin": "/data/bbc/business/001.txt"},
                                      "d2": {"origin": "/data/bbc/business/0011.txt"},
                                      "d3": {"origin": "/data/bbc/tech/001.txt"}})
    f = excluding(snap, ["business/001.txt"])
    assert set(f.doc_ids) == {"d2", "d3"}


def test_bbc_questions_whose_answer_another_article_states_are_left_out():
    from newsqa.eval.synthetic import stated_elsewhere

    recs = [{"id": "b1", "question": "Who is the chief executive of BT?", "answers": ["Ben Verwaayen"],
             "file": "business/001.txt", "split": "dev"},
            {"id": "b2", "question": "How many customers does LG Card have?", "answers": ["seven"],
             "file": "business/002.txt", "split": "dev"}]
    texts = {"business/001.txt": "BT chief executive Ben Verwaayen said so.",
             "business/002.txt": "LG Card has seven million customers.",
             "tech/003.txt": "Broadband is growing, said Ben Verwaayen, BT's chief executive. Seven days later...",
             "tech/004.txt": "Seven people won the lottery. LG Card was sold."}
    assert stated_elsewhere(recs[0], texts) == "tech/003.txt"
    assert stated_elsewhere(recs[1], texts) == ""  # "seven" elsewhere, never beside the question's words
    out = bbc_near_miss(recs, texts)
    assert [q["id"] for q in out] == ["synth-b2"]
    assert len(bbc_near_miss(recs)) == 2  # without the texts nothing is left out


def test_read_texts_names_files_as_the_questions_do(tmp_path):
    from newsqa.eval.synthetic import read_texts

    (tmp_path / "tech").mkdir()
    (tmp_path / "tech" / "001.txt").write_text("Price: \u00a3600m, said the chief executive.", encoding="utf-8")
    (tmp_path / "tech" / "002.txt").write_text("", encoding="utf-8")
    assert read_texts(tmp_path) == {"tech/001.txt": "Price: \u00a3600m, said the chief executive."}


def test_score_counts_a_near_miss_answered_with_the_removed_answer_apart(tmp_path, capsys):
    qs = [{"id": "a", "split": "dev", "removed_answers": ["Clara Furse"]},
          {"id": "b", "split": "dev", "removed_answers": ["£5m"]},
          {"id": "c", "split": "dev", "removed_answers": ["1.41 million"]},
          {"id": "d", "split": "test", "removed_answers": ["12%"]}]
    rs = [{"id": "a", "answer_state": "unsure", "citations": [{"quote": "said LSE chief Clara Furse."}]},
          {"id": "b", "answer_state": "not_found", "citations": []},
          {"id": "c", "answer_state": "answered", "citations": [{"quote": "Five million people were unemployed."}]},
          {"id": "d", "answer_state": "not_found", "citations": []}]
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(q) for q in qs), encoding="utf-8")
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in rs), encoding="utf-8")
    assert synthetic.main(["score", str(tmp_path / "q.jsonl"), str(tmp_path / "r.jsonl"), "--split", "dev"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == {"n": 3, "abstained": 0.333, "gold_in_quotes": 1, "real_n": 2, "real_abstained": 0.5}


@pytest.mark.parametrize("argv", [["score", "{missing}", "{missing}"], ["bbc", "{missing}", "{out}"]])
def test_a_missing_question_file_is_one_error_line_not_a_traceback(tmp_path, argv):
    argv = [a.format(missing=tmp_path / "no.jsonl", out=tmp_path / "out") for a in argv]
    with pytest.raises(SystemExit) as e:
        synthetic.main(argv)
    assert str(e.value).startswith("error: cannot read") and "no.jsonl" in str(e.value)


def test_score_of_the_squad_kind_counts_only_near_misses_and_false_abstention_apart(tmp_path, capsys):
    """review10 #6: answerable rows of a SQuAD set counted as near misses (a perfect run scored 0.234)."""
    _, qs = squad_near_miss(_squad())
    misses = [q for q in qs if q["kind"] == NEAR_MISS]
    answerable = [q for q in qs if q["kind"] == "answerable"]
    assert misses and answerable
    # every near miss abstained; every answerable one answered but the first 3
    rs = [{"id": q["id"], "answer_state": "not_found", "citations": []} for q in misses + answerable[:3]]
    rs += [{"id": q["id"], "answer_state": "answered", "citations": [{"quote": q["answers"][0]}]} for q in answerable[3:]]
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(q) for q in qs), encoding="utf-8")
    (tmp_path / "r.jsonl").write_text("\n".join(json.dumps(r) for r in rs), encoding="utf-8")
    assert synthetic.main(["score", str(tmp_path / "q.jsonl"), str(tmp_path / "r.jsonl")]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == {"n": len(misses), "abstained": 1.0, "gold_in_quotes": 0, "real_n": len(misses), "real_abstained": 1.0,
                   "answerable_n": len(answerable), "false_abstention": round(3 / len(answerable), 3)}


def _tesla():
    ctx1 = "Nikola Tesla worked for Edison in New York. Later Tesla joined Westinghouse in Pittsburgh."
    ctx2 = "Tesla met Edison in Paris. Edison built a lab at Menlo Park."
    ctx3 = "Edison was born in Ohio. Later Westinghouse sold power, and then Westinghouse paid Tesla well."
    q1 = {"id": "t1", "question": "Where did Tesla meet Edison?", "answers": [{"text": "Paris", "answer_start": ctx2.index("Paris")}]}
    q2 = {"id": "t2", "question": "What did Edison build at Menlo Park?", "answers": [{"text": "a lab", "answer_start": ctx2.index("a lab")}]}
    return {"version": "1.1", "data": [{"title": "Tesla", "paragraphs": [
        {"context": ctx1, "qas": []}, {"context": ctx2, "qas": [q1, q2]}, {"context": ctx3, "qas": []}]}]}


def test_a_swap_puts_another_name_of_the_article_in_the_question_and_keeps_its_sort():
    qs = synthetic.squad_swap(_tesla(), every=1)
    assert len(qs) == 1  # one question a paragraph
    (q,) = qs
    old, new = q["swapped"]
    assert q["kind"] == synthetic.SWAP and q["answers"] == [] and q["original_answers"]
    assert old in ("Tesla", "Edison", "Menlo Park") and new not in _tesla()["data"][0]["paragraphs"][1]["context"]
    assert new in q["question"] and old not in q["question"].replace(new, "")
    assert new not in ("Nikola",)  # "Nikola Tesla" is one man: never swapped for "Tesla"


def test_a_swap_that_the_corpus_may_answer_is_dropped():
    data = _tesla()
    # a sentence writing the swap-in with the question's other words: "Where did Westinghouse meet Edison?" may be answered
    data["data"][0]["paragraphs"][2]["context"] += " Westinghouse met Edison in Buffalo."
    for q in synthetic.squad_swap(data, every=1):
        assert q["swapped"][1] != "Westinghouse" or "meet" not in q["question"]


def test_skipped_ids_are_never_swapped():
    assert synthetic.squad_swap(_tesla(), every=1, skip_ids=frozenset({"t1", "t2"})) == []


def test_a_month_or_day_of_the_question_is_never_swapped_out():
    data = _tesla()
    para = data["data"][0]["paragraphs"][1]
    para["context"] = "In March Tesla met Edison in Paris. Edison built a lab at Menlo Park."
    para["qas"] = [{"id": "t3", "question": "Whom did Tesla meet in March?",
                    "answers": [{"text": "Edison", "answer_start": para["context"].index("Edison")}]}]
    for q in synthetic.squad_swap(data, every=1):
        assert q["swapped"][0] != "March"  # review13: a month was swapped for a place
    assert not synthetic._NOT_NAMES.match("UK") and synthetic._NOT_NAMES.match("March") and synthetic._NOT_NAMES.match("Sunday")
