"""The reading of a follow-up is shown under its answer (browser and terminal), and only then."""

from newsqa.cli import format_answer
from newsqa.qa.types import Answer
from newsqa.ui.format import answer_markdown


def _answer(rewritten: bool, verdict: str = "") -> Answer:
    return Answer("Why did he resign?", "Not found in the indexed articles.", True, (), (),
                  resolved_question="Why did David Blunkett resign?" if rewritten else "Why did he resign?",
                  rewritten=rewritten, verdict=verdict)


def test_rewritten_question_is_shown_in_the_browser_and_the_terminal():
    assert "Searched for: Why did David Blunkett resign\\?" in answer_markdown(_answer(True), 1)  # Markdown-escaped
    assert "Searched for: Why did David Blunkett resign?" in format_answer(_answer(True))


def test_question_asked_as_is_shows_no_reading():
    assert "Searched for" not in answer_markdown(_answer(False), 1)
    assert "Searched for" not in format_answer(_answer(False))
