"""Per-kind figures of the hand-written shape sets: facts inside quotes, standalone-after checks."""

import pytest

from newsqa.eval.metrics import Outcome, facts_found, summarize
from newsqa.eval.question_sets import QuestionFileError, parse_jsonl


def test_facts_split_corpus_and_alone_are_read():
    qs = parse_jsonl('{"id": "c1", "question": "Which grew faster, the UK or the US?", "answers": ["3.1%"], '
                     '"kind": "compare", "split": "dev", "facts": [["3.1%"], ["4.4%", "4.4 per cent"]]}\n'
                     '{"id": "s1", "question": "Q?", "answers": ["x"], "history": ["P?"], "alone": true, "corpus": "bbc", '
                     '"split": "test", "facts": ["x"]}')
    c, s = qs.questions
    assert c.facts == (("3.1%",), ("4.4%", "4.4 per cent")) and c.split == "dev" and not c.alone
    assert s.alone and s.corpus == "bbc" and s.facts == (("x",),)
    assert [q.id for q in qs.only(split="dev").questions] == ["c1"]
    assert [q.id for q in qs.only(corpus="bbc").questions] == ["s1"]


def test_malformed_facts_are_refused():
    with pytest.raises(QuestionFileError, match="fact"):
        parse_jsonl('{"id": "c1", "question": "Q?", "answers": ["a"], "facts": [[]]}')


def test_facts_found_counts_each_fact_once_over_all_quotes():
    quotes = ["The UK economy grew by 3.1% in 2004.", "US growth came in at 4.4 per cent."]
    assert facts_found(quotes, [["3.1%"], ["4.4%", "4.4 per cent"], ["5%"]]) == 2


def _o(i, facts, found, alone=None, kind="compare", shape="compare"):
    return Outcome(system="newsqa", id=str(i), kind=kind, answerable=True, abstained=False, rank=1, quotes=("q",),
                   quote_hit=True, facts=facts, facts_found=found, same_as_alone=alone, shape=shape)


def test_fact_recall_all_facts_same_as_alone_and_shape_match():
    m = summarize([_o(1, 2, 2), _o(2, 2, 1, shape="fact"), _o(3, 0, 0, alone=True, kind="standalone_after"),
                   _o(4, 0, 0, alone=False, kind="standalone_after")], k=10)
    assert m["fact_recall"] == pytest.approx(0.75) and m["facts_all"] == pytest.approx(0.5)
    assert m["same_as_alone"] == pytest.approx(0.5) and m["shape_match"] == pytest.approx(0.5)
