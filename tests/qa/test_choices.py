"""Multiple-choice questions (qa.choices): the split into stem and choices, the pick among them, and
the engine reading the answer against the stem (fast, fake encoder)."""

import pytest
from helpers import tiny_engine

from newsqa.qa.choices import Choice, pick, split_choices, naming_first
from newsqa.qa.types import Answer, Citation


@pytest.mark.parametrize("question, stem, options", [
    ("Which firm bought IBM's PC unit: Lenovo, Dell or Acer?", "Which firm bought IBM's PC unit?", ("Lenovo", "Dell", "Acer")),
    ("Which firm bought IBM's PC unit? Was it Lenovo, Dell, or Acer?", "Which firm bought IBM's PC unit?",
     ("Lenovo", "Dell", "Acer")),
    ("Who won best actress - Hilary Swank or Annette Bening?", "Who won best actress?", ("Hilary Swank", "Annette Bening")),
    ("How much did the deal cost: (a) $1.25bn, (b) $2bn or (c) $5bn?", "How much did the deal cost?", ("$1.25bn", "$2bn", "$5bn")),
    ("Which country won the Grand Slam, Wales, Ireland or France?", "Which country won the Grand Slam?",
     ("Wales", "Ireland", "France")),
    ("Where did the summit take place: in a space centre or on a train?", "Where did the summit take place?",
     ("in a space centre", "on a train")),
])
def test_a_question_with_choices_splits_into_its_stem_and_choices(question, stem, options):
    c = split_choices(question)
    assert c == Choice(stem, options)


@pytest.mark.parametrize("question", [
    "Did Blair or Brown speak first?",  # no stem before the choices
    "What did the chancellor, Gordon Brown, say about tax or spending?",  # a comma, lower-case "choices"
    "Who won the Oscar for best actress in 2005?",  # no choices
    "Which firm bought IBM's PC unit: Lenovo, Dell, Acer?",  # no "or": a list, not choices
    "Is the Sony PSP more expensive than the Nintendo DS?",
    "What did Mr Brown say: that taxes would rise or that he was staying?",  # clauses, not answers
    "Who is the new boss: Lenovo or lenovo?",  # one choice twice
])
def test_other_questions_have_no_choices(question):
    assert split_choices(question) is None


def _cite(n, quote, mark=None):
    span = (100 + quote.index(mark), 100 + quote.index(mark) + len(mark)) if mark else None
    return Citation(n, quote, "d1", f"p{n}", "T", "", "", "", "paragraph", n, 100, 100 + len(quote), 0.5,
                    answer_span=span, answer_text=mark or "")


def _answer(citations, state="answered"):
    return Answer("q", "", False, tuple(citations), (), answer_state=state,
                  abstain_reason=None if state == "answered" else {"code": "low_match", "text": "x", "terms": []})


def _marks(a):
    return [c.answer_text for c in a.citations]


CHOICE = Choice("Which firm bought IBM's PC unit?", ("Lenovo", "Dell", "Acer"))


def test_the_stems_own_mark_on_a_choice_is_kept_on_that_choice():
    a = pick(_answer([_cite(1, "Dell said it had no plans, and Acer agreed."),
                      _cite(2, "IBM sold its PC unit to China's Lenovo Group.", mark="China's Lenovo Group")]), CHOICE)
    assert _marks(a) == ["", "Lenovo"] and a.state == "answered"
    assert a.signals["choice"]["picked"] == "Lenovo"
    c = a.citations[1]
    assert c.quote[c.answer_span[0] - c.start:c.answer_span[1] - c.start] == "Lenovo"  # offsets into the document


def test_a_mark_that_is_no_choice_is_dropped():
    a = pick(_answer([_cite(1, "IBM sold its PC unit to Lenovo and Dell watched.", mark="IBM")]), CHOICE)
    assert _marks(a) == [""] and a.state == "answered" and a.signals["choice"]["picked"] == ""


def test_a_sure_answer_whose_first_quote_names_one_choice_marks_it():
    a = pick(_answer([_cite(1, "IBM sold its PC unit to lenovo."), _cite(2, "Dell and Acer grew.")]), CHOICE)
    assert _marks(a) == ["lenovo", ""]


def test_an_unsure_answer_gets_no_mark_from_a_named_choice():
    a = pick(_answer([_cite(1, "IBM sold its PC unit to Lenovo.")], state="unsure"), CHOICE)
    assert _marks(a) == [""] and a.state == "unsure"


def test_quotes_naming_no_choice_are_unsure_and_say_so():
    a = pick(_answer([_cite(1, "IBM sold its PC unit to a Chinese firm.")]), CHOICE)
    assert a.state == "unsure" and a.abstain_reason["code"] == "not_clear"
    assert "none of the choices (Lenovo, Dell, Acer)" in a.abstain_reason["text"]


def test_several_choices_in_the_first_quote_and_no_mark_leave_it_to_the_reader():
    a = pick(_answer([_cite(1, "Lenovo beat Dell and Acer to IBM's PC unit.")]), CHOICE)
    assert _marks(a) == [""] and a.state == "answered"


ARTICLES = {
    "ibm.txt": "IBM sells PC arm\n\nIBM has sold its PC hardware division to China's Lenovo for $1.25bn.\n\n"
               "The deal makes Lenovo the third biggest maker of PCs.\n",
    "dell.txt": "Dell profits rise\n\nDell said its profits rose by 25% in the quarter.\n\n"
                "Rival Acer also grew strongly in Europe.\n",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory, fake_encoder):
    return tiny_engine(tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("idx"), ARTICLES, fake_encoder)


def test_the_engine_reads_a_choice_question_against_its_stem(engine):
    a = engine.ask("Which firm bought IBM's PC hardware division: Lenovo, Dell or Acer?")
    assert "Lenovo" in a.citations[0].quote and a.signals["choice"]["options"] == ["Lenovo", "Dell", "Acer"]
    marked = [c.answer_text for c in a.citations if c.answer_span]
    assert marked in ([], ["Lenovo"])  # never a distractor, and the choice is no "term no article mentions"
    assert a.resolved_question.endswith("Lenovo, Dell or Acer?")


def test_a_made_up_choice_is_no_reason_to_refuse(engine):
    a = engine.ask("Which firm bought IBM's PC hardware division: Lenovo, Zorblax or Acer?")
    assert not a.abstained
    assert "Zorblax" not in str(a.abstain_reason or "")


def _cands(*pairs):
    from types import SimpleNamespace as N
    return [N(text=t, score=s) for t, s in pairs]


def test_a_close_sentence_naming_one_choice_leads_when_the_best_quotes_name_none():
    """The stem restates the story's opening, which scores best; the sentence naming the bank (one of
    the choices) comes a little lower and is the one that answers."""
    scored = _cands(("A US bank has said it will donate more than $8m to victims.", 0.9),
                    ("The bank had been accused of concealing assets.", 0.85),
                    ("Riggs Bank pleaded guilty last month.", 0.8))
    options = ("Riggs Bank", "Citibank", "Wachovia")
    picked = naming_first(scored, scored[:2], options)
    assert [c.text for c in picked] == [scored[2].text, scored[0].text]
    assert naming_first(scored, [scored[2]], options) == [scored[2]]  # already named: kept


def test_no_sentence_far_below_the_best_nor_one_naming_several_choices_leads():
    far = _cands(("A US bank has said it will donate.", 0.9), ("Riggs Bank pleaded guilty.", 0.4))
    assert naming_first(far, far[:1], ("Riggs Bank", "Citibank")) == far[:1]
    both = _cands(("A US bank has said it will donate.", 0.9), ("Riggs Bank and Citibank were asked.", 0.8))
    assert naming_first(both, both[:1], ("Riggs Bank", "Citibank")) == both[:1]


def test_a_person_named_by_surname_alone_names_the_choice():
    assert naming_first(_cands(("A guru of the Third Way spoke.", 0.9), ("Professor Etzioni was an adviser.", 0.8)),
                        _cands(("Professor Etzioni was an adviser.", 0.8)), ("Amitai Etzioni", "Anthony Giddens"))[0].text \
        == "Professor Etzioni was an adviser."
    from newsqa.qa.choices import _find
    assert _find("Professor Etzioni was an adviser.", "Amitai Etzioni") == (10, 17)
    assert _find("A US bank said; Riggs Bank pleaded.", "Citi Bank") is None  # "Bank" of another name
    assert _find("The Bank said so.", "Riggs Bank") is None


def test_an_answer_led_by_a_choice_naming_sentence_it_moved_up_is_unsure():
    """Quizzes take distractors from the same story: the moved-up sentence may name a wrong choice,
    so it is shown unsure and never marked."""
    from newsqa.qa.abstain import ANSWERED, UNSURE, Decision
    from newsqa.qa.answer import _choice_named
    scored = _cands(("A US bank has said it will donate.", 0.9), ("Riggs Bank pleaded guilty.", 0.8))
    sure = Decision(ANSWERED, 0.8, None)
    picked, verdict = _choice_named(scored, scored[:1], ("Riggs Bank", "Citibank"), sure, 2)
    assert picked[0].text == "Riggs Bank pleaded guilty." and verdict.state == UNSURE
    assert "names one of the choices" in verdict.reason["text"]
    picked, verdict = _choice_named(scored, scored[1:], ("Riggs Bank", "Citibank"), sure, 2)
    assert verdict is sure  # the best quotes name a choice: nothing moved, the verdict stands
