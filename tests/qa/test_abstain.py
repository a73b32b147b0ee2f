from newsqa.qa.abstain import AbstainSettings, confidence, should_abstain
from newsqa.qa.quotes import Candidate

S = AbstainSettings()


def cand(dense, lexical):
    return Candidate(hit=None, start=0, end=1, text="x", dense=dense, lexical=lexical)


def test_far_in_meaning_is_never_answered_even_with_shared_words():
    assert should_abstain(cand(S.min_dense - 0.05, 1.0), S)[0]


def test_close_in_meaning_is_answered_with_few_shared_words():
    assert not should_abstain(cand(S.confident_dense + 0.05, 0.0), S)[0]


def test_in_between_needs_the_question_words():
    between = (S.min_dense + S.confident_dense) / 2
    assert should_abstain(cand(between, S.min_lexical - 0.1), S)[0]
    assert not should_abstain(cand(between, S.min_lexical + 0.1), S)[0]


def test_confidence_is_monotone_and_bounded():
    grid = [(d / 20, l / 10) for d in range(0, 21) for l in range(0, 11)]
    for d, l in grid:
        c = confidence(cand(d, l), S)
        assert 0.0 <= c <= 1.0
        assert confidence(cand(min(1.0, d + 0.05), l), S) >= c - 1e-9
        assert confidence(cand(d, min(1.0, l + 0.1)), S) >= c - 1e-9


def test_nothing_retrieved_abstains():
    assert should_abstain(None, S) == (True, 0.0)


def test_headlines_are_judged_on_their_own_scale():
    from types import SimpleNamespace

    headline = Candidate(hit=SimpleNamespace(passage=SimpleNamespace(kind="headline")), start=0, end=1, text="x",
                         dense=(S.confident_dense + S.headline_confident_dense) / 2, lexical=0.0)
    paragraph = Candidate(hit=SimpleNamespace(passage=SimpleNamespace(kind="paragraph")), start=0, end=1, text="x",
                          dense=headline.dense, lexical=0.0)
    assert S.confident_dense < S.headline_confident_dense
    assert should_abstain(headline, S)[0] and not should_abstain(paragraph, S)[0]


# -- the three states and their reasons ---------------------------------------------------------

import json

import pytest

from newsqa.qa.abstain import MODEL_FILE, NOT_FOUND, UNSURE, ANSWERED, AbstainModel, decide, load_model
from newsqa.qa.signals import FEATURES, Signals


def _model(w_dense=4.0, lo=0.3, hi=0.6):
    weights = [w_dense if f == "dense" else 0.0 for f in FEATURES]
    return AbstainModel(FEATURES, tuple(weights), (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), lo, hi)


def test_a_name_no_passage_holds_is_not_found_with_its_reason():
    sig = Signals(dense=0.9, lexical=1.0, unknown_salient=("Norland Shipyards",))
    d = decide(cand(0.9, 1.0), sig, S, model=_model())
    assert d.state == NOT_FOUND and d.abstained
    assert d.reason == {"code": "unknown_terms", "text": "no article mentions Norland Shipyards",
                        "terms": ["Norland Shipyards"]}


def test_years_outside_the_collection_say_so():
    undated = decide(cand(0.9, 1.0), Signals(dense=0.9, years_out=("2022",)), S, model=_model())
    assert undated.reason["code"] == "out_of_time_range" and undated.reason["text"] == "no article mentions 2022"
    dated = decide(cand(0.9, 1.0), Signals(dense=0.9, years_out=("2019",),
                                           time_text="the articles run from 2023-08-01 to 2023-09-14"), S, model=_model())
    assert dated.reason["text"] == "the articles run from 2023-08-01 to 2023-09-14; the question asks about 2019"


def test_model_thresholds_give_three_states():
    m = _model()
    states = [decide(cand(d, 0.5), Signals(dense=d), S, model=m).state for d in (-1.0, 0.1, 1.0)]
    # p = sigmoid(4 d): 0.018 < 0.3, 0.599 in [0.3, 0.6), 0.982 >= 0.6
    assert states == [NOT_FOUND, UNSURE, ANSWERED]


def test_not_stated_names_the_subject_and_what_is_missing():
    sig = Signals(dense=-1.0, type_missing=True, qtype="number")
    d = decide(cand(-1.0, 0.5), sig, S, subject="Alpha Beta", model=_model())
    assert d.reason["code"] == "not_stated" and d.reason["text"] == "the articles about Alpha Beta do not give the number asked for"


def test_the_rules_can_be_switched_off():
    from dataclasses import replace

    sig = Signals(dense=1.0, unknown_salient=("Zorblat",))
    assert decide(cand(1.0, 1.0), sig, replace(S, unknown_rule=False), model=_model()).state == ANSWERED


def test_malformed_model_file_is_refused():
    from newsqa.qa.errors import NewsqaError

    with pytest.raises(NewsqaError, match="malformed"):
        AbstainModel.from_dict({"features": ["dense"]})
    with pytest.raises(NewsqaError, match="unknown features"):
        AbstainModel.from_dict({"features": ["nope"], "weights": [1], "mean": [0], "scale": [1],
                                "abstain_below": 0.1, "unsure_below": 0.2})


def test_the_shipped_model_is_plain_json_over_known_features():
    assert MODEL_FILE.is_file(), f"{MODEL_FILE} is shipped with the package (eval/calibrate.py writes it)"
    d = json.loads(MODEL_FILE.read_text())
    load_model.cache_clear()
    m = load_model()
    assert set(m.features) <= set(FEATURES) and 0.0 <= m.abstain_below <= m.unsure_below <= 1.0
    assert d["fitted_on"]["budget"] <= 0.05


def test_an_unfilled_answer_slot_says_which_kind_is_missing():
    sig = Signals(dense=-1.0, kind_missing=True, asked="money", qtype="number")
    d = decide(cand(-1.0, 0.5), sig, S, subject="Parken", model=_model())
    assert d.reason == {"code": "not_stated", "text": "the articles about Parken do not give the sum of money asked for",
                        "terms": []}


def test_the_slot_features_move_the_probability():
    w = {"kind_missing": -3.0, "focus_missing": -1.0, "slot_lexical": 2.0}
    m = AbstainModel(FEATURES, tuple(w.get(f, 0.0) for f in FEATURES), (0.0,) * len(FEATURES),
                     (1.0,) * len(FEATURES), 0.3, 0.6)
    filled = m.probability(Signals(slot_lexical=0.8))
    empty = m.probability(Signals(kind_missing=True, focus_missing=True, slot_lexical=0.0))
    assert filled > 0.8 and empty < 0.05
    assert decide(cand(0.9, 1.0), Signals(dense=0.9, kind_missing=True, focus_missing=True), S, model=m).state == NOT_FOUND


def test_not_stated_is_not_claimed_when_the_finer_slot_check_found_the_kind():
    # "How old is Tony Blair?": the best quote holds no age, but "The 51-year-old premier" among the
    # close sentences does: the articles do give it, so the reason must not say they do not
    sig = Signals(dense=-1.0, type_missing=True, qtype="age", asked="age", kind_missing=False, wide_kind_missing=False)
    d = decide(cand(-1.0, 0.5), sig, S, subject="Tony Blair", model=_model())
    assert d.reason == {"code": "not_clear", "text": "no sentence about Tony Blair clearly gives the age", "terms": []}
    sig = Signals(dense=-1.0, type_missing=True, qtype="age", asked="age", kind_missing=False, wide_kind_missing=True)
    assert decide(cand(-1.0, 0.5), sig, S, subject="Tony Blair", model=_model()).reason["code"] == "not_stated"


def test_a_sibling_is_named_in_the_reason_and_weighs_against_answering():
    w = {"sibling": -3.0, "lead_missing_idf": -1.0}
    m = AbstainModel(FEATURES, tuple(w.get(f, 0.0) for f in FEATURES), (0.0,) * len(FEATURES),
                     (1.0,) * len(FEATURES), 0.3, 0.6)
    sib = Signals(dense=0.9, sibling="Fiat Auto", sibling_of="BT", lead_missing_idf=1.0)
    d = decide(cand(0.9, 1.0), sib, S, subject="BT", model=m)
    assert d.state == NOT_FOUND
    assert d.reason == {"code": "not_clear", "text": "the closest sentence is about Fiat Auto, not BT", "terms": ["BT"]}
    assert decide(cand(0.9, 1.0), Signals(dense=0.9), S, subject="BT", model=m).state != NOT_FOUND


def test_an_edition_a_successor_or_an_event_the_articles_lack_is_not_found_with_its_reason():
    from dataclasses import replace

    m = _model()
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, edition_missing=("Windows 7",)), S, subject="Windows", model=m)
    assert d.state == NOT_FOUND
    assert d.reason == {"code": "unknown_terms", "text": "no article close to the question mentions Windows 7",
                        "terms": ["Windows 7"]}
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, successor_missing="Jose Mourinho"), S, subject="Chelsea", model=m)
    assert d.state == NOT_FOUND
    assert d.reason["code"] == "not_stated" and d.reason["text"].endswith("says who followed Jose Mourinho")
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, event_ahead="Beijing Olympics"), S, subject="Britain", model=m)
    assert d.state == NOT_FOUND and d.reason["code"] == "out_of_time_range"
    assert d.reason["text"] == "the articles speak of Beijing Olympics only as ahead of them"
    assert decide(cand(0.9, 1.0), Signals(dense=0.9), S, subject="Chelsea", model=m).state != NOT_FOUND
    off = replace(S, edition_rule=False)
    assert decide(cand(0.9, 1.0), Signals(dense=0.9, event_ahead="Beijing Olympics"), off, model=m).state != NOT_FOUND


def test_a_firm_a_departure_or_an_owner_the_close_articles_leave_out_is_not_found_with_its_reason():
    # offc12: bbc-280 (Northern Star Energy), bbc-350 (Kofi Annan), bbc-351 (Skype) were answered or unsure
    from dataclasses import replace

    m = _model()
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, unwritten=("Northern Star Energy",)), S, subject="Energy", model=m)
    assert d.state == NOT_FOUND
    assert d.reason == {"code": "unknown_terms", "text": "no article close to the question mentions Northern Star Energy",
                        "terms": ["Northern Star Energy"]}
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, departure_missing="Kofi Annan"), S, subject="Annan", model=m)
    assert d.state == NOT_FOUND and d.reason["code"] == "not_stated"
    assert d.reason["text"] == "no article close to the question tells of Kofi Annan leaving"
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, owner_missing="Skype"), S, subject="Skype", model=m)
    assert d.state == NOT_FOUND and d.reason["text"] == "no article close to the question says who owns or bought Skype"
    off = replace(S, edition_rule=False)
    assert decide(cand(0.9, 1.0), Signals(dense=0.9, owner_missing="Skype"), off, model=m).state != NOT_FOUND


def test_a_possessor_the_lead_article_lacks_is_not_found():
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, possessor_missing="Auckland"), S, subject="rail", model=_model())
    assert d.state == NOT_FOUND
    assert d.reason == {"code": "not_clear", "text": "the closest article does not mention Auckland", "terms": ["Auckland"]}


def test_a_count_of_titles_the_close_articles_never_reach_is_not_found():
    d = decide(cand(0.9, 1.0), Signals(dense=0.9, ordinal_missing="seventh Grand Slam title"), S, model=_model())
    assert d.state == NOT_FOUND and d.reason["code"] == "not_stated"
    assert d.reason["text"] == "no article close to the question tells of a seventh Grand Slam title"
