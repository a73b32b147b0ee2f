"""Metric functions against hand-computed cases."""

import pytest

from newsqa.eval.metrics import (Outcome, abstention, best_over_golds, by_kind, contains_answer, exact_match, f1_score,
                          first_hit_rank, hit_at, hit_curve, mrr, normalize_answer, percentile, summarize)


@pytest.mark.parametrize("text, want", [
    ("The Quick, brown fox!", "quick brown fox"),
    ("  an  Apple a day ", "apple day"),
    ("That\u2019s why we came here.", "thats why we came here"),
    ("Theatre", "theatre"),  # "the" only as a whole word
])
def test_normalize_answer(text, want):
    assert normalize_answer(text) == want


def test_exact_match_and_f1_by_hand():
    assert exact_match("Denver Broncos.", "the denver broncos") == 1.0
    assert exact_match("Broncos", "Denver Broncos") == 0.0
    # pred [cat, sat], gold [cat, sat, down]: precision 1, recall 2/3 -> F1 0.8
    assert f1_score("the cat sat", "a cat sat down") == pytest.approx(0.8)
    assert f1_score("dog", "cat") == 0.0
    assert f1_score("", "") == 1.0 and f1_score("a", "cat") == 0.0  # "a" normalises to nothing
    # repeated tokens count once per match (Counter intersection): pred [x, x, y], gold [x, y]: P 2/3, R 1
    assert f1_score("x x y", "x y") == pytest.approx(0.8)
    assert best_over_golds(f1_score, "Denver", ["Carolina Panthers", "Denver Broncos"]) == pytest.approx(2 / 3)


def test_contains_answer_respects_token_boundaries():
    assert contains_answer("In 1999, Apple made it.", ["1999"])
    assert not contains_answer("In 1999, Apple made it.", ["199"])
    assert contains_answer("Super Bowl 50 was won by the Denver Broncos.", ["Nope", "denver broncos!"])
    assert not contains_answer("anything", [])
    assert contains_answer("a large, 18-karat gold-plated \"50\".", ["18"])  # punctuation splits tokens here
    assert contains_answer("Denver won 24\u201310.", ["24\u201310"]) and contains_answer("U.S. troops", ["U.S."])
    assert not contains_answer("In 2018 it grew.", ["18"])
    assert not contains_answer("the a an", ["the"])  # a gold answer that normalises to nothing never matches


def test_ranks_hits_and_mrr_by_hand():
    assert first_hit_rank(["no", "b Kim Jong Un", "Kim Jong Un"], ["kim jong un"]) == 2
    assert first_hit_rank(["no", "nothing"], ["kim"]) == 0
    ranks = [1, 3, 0, 6]
    assert hit_at(ranks, 1) == 0.25
    assert hit_at(ranks, 5) == 0.5
    assert hit_at(ranks, 10) == 0.75
    assert mrr(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 6) / 4)
    assert hit_at([], 5) is None and mrr([]) is None


def test_percentile_matches_numpy_linear():
    import numpy as np

    vals = [40.0, 10.0, 30.0, 20.0, 95.0]
    for q in (0, 50, 95, 100):
        assert percentile(vals, q) == pytest.approx(float(np.percentile(vals, q)))
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([], 50) is None


def test_abstention_by_hand():
    abstained = [True, True, False, False, True]
    answerable = [False, True, True, False, True]
    m = abstention(abstained, answerable)
    assert m["abstain_precision"] == pytest.approx(1 / 3)  # 3 abstentions, 1 on an unanswerable question
    assert m["abstain_recall"] == pytest.approx(1 / 2)  # 2 unanswerable, 1 abstained on
    assert m["false_abstain"] == pytest.approx(2 / 3)  # 3 answerable, 2 abstained on
    none = abstention([False, False], [True, True])
    assert none["abstain_precision"] is None and none["abstain_recall"] is None and none["false_abstain"] == 0.0


def _o(id, kind="", answerable=True, abstained=False, rank=1, quotes=("one two three",), quote_hit=True, em=None,
       f1=None, citations=1, valid=1, latency=10.0):
    return Outcome("newsqa", id, kind, answerable, abstained, rank, quotes if not abstained else (), quote_hit,
                   "x" if em is not None else "", em, f1, citations if not abstained else 0,
                   valid if not abstained else 0, latency)


def test_summarize_by_hand():
    outs = [
        _o("a", "who", rank=1, quotes=("one two three", "four"), em=1.0, f1=1.0, citations=2, valid=2, latency=10),
        _o("b", "who", rank=7, quote_hit=False, em=0.0, f1=0.5, valid=0, latency=20),
        _o("c", "when", rank=0, abstained=True, quote_hit=False, latency=30),
        _o("d", "when", answerable=False, rank=0, quote_hit=False, latency=40),  # answered an unanswerable one
    ]
    m = summarize(outs, k=5)
    assert (m["questions"], m["answerable"], m["unanswerable"]) == (4, 3, 1)
    assert m["hit@1"] == pytest.approx(1 / 3) and m["hit@5"] == pytest.approx(1 / 3)
    assert m["hit@10"] is None  # k=5: hit@10 is not measurable
    assert m["mrr"] == pytest.approx((1 + 1 / 7) / 3)
    assert m["quote_hit"] == pytest.approx(1 / 3)
    assert (m["em"], m["f1"], m["short_answers"]) == (0.5, 0.75, 2)  # over the two marked short answers only
    assert m["mean_quote_words"] == pytest.approx((4 + 3 + 3) / 3)  # a, b, d answered
    assert m["citations"] == 4 and m["citation_validity"] == pytest.approx(3 / 4)
    assert m["abstain_precision"] == 0.0 and m["abstain_recall"] == 0.0 and m["false_abstain"] == pytest.approx(1 / 3)
    assert m["p50"] == 25.0 and m["p95"] == pytest.approx(38.5)
    kinds = by_kind(outs, 5)
    assert list(kinds) == ["when", "who"] and kinds["who"]["hit@1"] == 0.5 and kinds["when"]["false_abstain"] == 1.0
    assert hit_curve(outs, 3) == pytest.approx([1 / 3, 1 / 3, 1 / 3])


def test_states_and_tradeoff_curve():
    from newsqa.eval.metrics import Outcome, states, summarize, tradeoff

    def o(ans, state, conf, em=None):
        return Outcome("newsqa", "x", "k", ans, state == "not_found", 1 if ans else 0, (), False, em=em, f1=em,
                       confidence=conf, state=state)

    outs = [o(True, "answered", 0.9, 1.0), o(True, "unsure", 0.4, None), o(True, "not_found", 0.1),
            o(False, "not_found", 0.0), o(False, "unsure", 0.35), o(False, "answered", 0.8)]
    st = states(outs)
    assert st["abstain_or_unsure"] == 2 / 3 and st["unsure_answerable"] == 1 / 3
    m = summarize(outs, 10)
    assert m["marked"] == 1 and m["marked_precision"] == 1.0 and m["marked_rate"] == 0.5
    c = tradeoff(outs, steps=11)
    assert c["false_abstain"][0] == 0.0 and c["abstain"][0] == 0.0  # threshold 0: nothing abstained
    assert c["false_abstain"][-1] == 1.0 and c["abstain"][-1] == 1.0
    assert all(a <= b for a, b in zip(c["abstain"], c["abstain"][1:]))  # moves one way
    assert c["operating_point"] == [1 / 3, 1 / 3]
    assert tradeoff([o(True, "answered", 0.9)]) == {}
