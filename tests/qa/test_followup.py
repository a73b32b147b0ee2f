from qa.followup import answer_entities, resolve_followup


def test_pronoun_followup_carries_topic_of_previous_question():
    r = resolve_followup("Where did they meet?", ["Who did Kim Jong Un meet in Russia?"])
    assert r.is_followup and "Kim Jong Un" in r.query and "Russia" in r.query
    assert r.query.startswith("Where did Kim Jong Un meet?") and r.rewritten


def test_followup_carries_names_from_previous_answer():
    prev = {"question": "Who met for a summit?",
            "answer": "“North Korean leader Kim Jong Un and Russian President Vladimir Putin met on Wednesday.” [1]"}
    r = resolve_followup("Where did they go next?", [prev])
    assert "Vladimir Putin" in r.query


def test_elliptic_followup_reasks_about_the_new_name():
    r = resolve_followup("And Kim?", ["How old is Putin?"])
    assert r.query == "How old is Kim?"


def test_self_contained_question_is_left_alone():
    r = resolve_followup("What did Putin say about satellites?", ["Who met Kim?"])
    assert not r.is_followup and r.query == "What did Putin say about satellites?"


def test_no_history_no_change():
    assert resolve_followup("Where did they meet?", []).query == "Where did they meet?"


def test_answer_entities_skip_sentence_starts():
    assert answer_entities("“The summit began. Russian President Vladimir Putin spoke.”") == ["Russian President Vladimir Putin"]
