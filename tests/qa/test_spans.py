import pytest

from qa.spans import find_answer_span, question_type

S_AGES = "After the tour, Putin, 70, and Kim, 39, held talks for several hours with their ministers."


def span(q, s):
    r = find_answer_span(q, s)
    return s[r[0]:r[1]] if r else None


@pytest.mark.parametrize("q,s,want", [
    ("How old is Putin?", S_AGES, "70"),
    ("How old is Kim?", S_AGES, "39"),
    ("How long did the talks last?", S_AGES, "several hours"),
    ("How many trips abroad had Kim made?",
     "Kim had previously made just seven trips abroad in his 12 years in power, all in 2018 and 2019.", "seven"),
    ("When did Kim and Putin meet?", "Kim Jong Un and Vladimir Putin met for a rare summit on Wednesday.", "on Wednesday"),
    ("Who attended the talks?", "Defence Minister Sergei Shoigu attended the talks.", "Defence Minister Sergei Shoigu"),
    ("What is the death toll of the Morocco quake?", "Morocco quake: death toll rises to 2,901", "2,901"),
    ("How much was spent on the residence?", "$3.5 million spent on former PM’s official residence", "$3.5 million"),
])
def test_marks_the_short_answer(q, s, want):
    assert span(q, s) == want


@pytest.mark.parametrize("q,s", [
    ("Why did they meet?", S_AGES),  # no specific thing asked for
    ("How many people attended?", "Several ministers attended the talks."),  # no number at all
    ("When did it happen?", "Storms hit the coast on Monday and the islands on Tuesday."),  # nothing to anchor on
])
def test_no_mark_without_confidence(q, s):
    assert span(q, s) is None


def test_what_the_question_says_is_not_the_answer():
    assert span("Who won the Mercury Prize?", "Jazz quintet Ezra Collective wins Mercury Prize") == "Ezra Collective"


def test_question_types():
    assert question_type("What age is the Russian president?") == "age"
    assert question_type("How long has the war lasted?") == "duration"
    assert question_type("How many people died?") == "number"
    assert question_type("Where did they meet?") == "where"
    assert question_type("What did Putin say?") == ""
