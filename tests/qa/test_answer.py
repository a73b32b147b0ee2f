"""qa/answer.py: the last word on a sure answer before it is shown."""

from types import SimpleNamespace

from newsqa.qa.abstain import ANSWERED, UNSURE, Decision
from newsqa.qa.answer import _doer_named

_LEAD = [SimpleNamespace(text='"Manchester United fans can do nothing about it," he told the BBC.')]


def test_a_sure_who_answer_whose_lead_names_no_doer_becomes_unsure_with_a_reason():
    d = _doer_named("Who wants to take over Manchester United?", _LEAD, "fact", Decision(ANSWERED, 0.8))
    assert d.state == UNSURE and d.confidence == 0.8
    assert d.reason["text"] == "the closest sentence does not name who wants to take over Manchester United"


def test_a_named_doer_an_unsure_answer_and_other_shapes_are_kept():
    named = [SimpleNamespace(text="US tycoon Malcolm Glazer wants to take over the club.")]
    sure = Decision(ANSWERED, 0.8)
    assert _doer_named("Who wants to take over Manchester United?", named, "fact", sure) is sure
    unsure = Decision(UNSURE, 0.4, {"code": "low_match", "text": "x", "terms": []})
    assert _doer_named("Who wants to take over Manchester United?", _LEAD, "fact", unsure) is unsure
    assert _doer_named("Who wants to take over Manchester United?", _LEAD, "list", sure) is sure
