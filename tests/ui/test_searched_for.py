"""The reading of a follow-up is shown under its answer (browser and terminal), and only then, in
words a reader follows: the resolved question without the words searched beside it, or the earlier
question it follows when only such words were added."""

from newsqa.cli import format_answer
from newsqa.qa.types import Answer
from newsqa.ui.format import answer_markdown, md_text


def _answer(rewritten: bool, verdict: str = "", question: str = "Why did he resign?",
            resolved: str = "Why did David Blunkett resign?") -> Answer:
    return Answer(question, "Not found in the indexed articles.", True, (), (),
                  resolved_question=resolved if rewritten else question, rewritten=rewritten, verdict=verdict)


def test_rewritten_question_is_shown_in_the_browser_and_the_terminal():
    line = "Read as a follow-up to the question before: \u201cWhy did David Blunkett resign?\u201d"
    assert md_text(line) in answer_markdown(_answer(True), 1)
    assert f"({line})" in format_answer(_answer(True))
    history = ["Who is David Blunkett?"]
    line = "Read as a follow-up to \u201cWho is David Blunkett?\u201d: \u201cWhy did David Blunkett resign?\u201d"
    assert md_text(line) in answer_markdown(_answer(True), 2, history) and f"({line})" in format_answer(_answer(True), history=history)


def test_the_reading_has_one_form():
    """A new user saw two: "Read as a follow-up to ..." and "Read as a follow-up: ..."."""
    from newsqa.qa.present import reading_line

    cases = [(_answer(True), []), (_answer(True), ["Who is David Blunkett?"]),
             (_answer(True, question="Why?", resolved="Why? (happened Yukos)"), ["What happened to Yukos?"]),
             (_answer(True, question="And Kim?", resolved="How old is Putin? (Kim)"), ["How old is Putin?"])]
    for a, history in cases:
        assert reading_line(a, history).startswith("Read as a follow-up to "), (a.question, reading_line(a, history))


def test_question_asked_as_is_shows_no_reading():
    assert "Read as" not in answer_markdown(_answer(False), 1) and "follow" not in answer_markdown(_answer(False), 1)
    assert "Read as" not in format_answer(_answer(False))


def test_words_searched_beside_the_question_are_not_shown_as_the_question():
    a = _answer(True, question="Who did he beat in the final?",
                resolved="Who did Lleyton Hewitt beat in the final? (Australian Open)")
    for shown in (answer_markdown(a, 2), format_answer(a)):
        assert "Lleyton Hewitt beat in the final" in shown and "Australian Open" not in shown


def test_a_question_only_searched_with_earlier_words_names_the_question_it_follows():
    a = _answer(True, question="Why?", resolved="Why? (happened Yukos Russian US Chapter)")
    history = [{"question": "What happened to Yukos?", "answer": "\u201cYukos filed for US Chapter 11.\u201d [1]"}]
    assert md_text("Read as a follow-up to \u201cWhat happened to Yukos?\u201d") in answer_markdown(a, 2, history)
    assert "(Read as a follow-up to \u201cWhat happened to Yukos?\u201d)" in format_answer(a, history=history)
    for shown in (answer_markdown(a, 2, history), format_answer(a, history=history), format_answer(a)):
        assert "happened Yukos" not in shown and "Chapter" not in shown
    assert "(Read as a follow-up to the question before)" in format_answer(a)  # no history given
    # the earlier question with a topic of its own, not a bare "Why?" between
    assert "to \u201cWhat happened to Yukos?\u201d" in format_answer(a, history=history + ["Why?"])
