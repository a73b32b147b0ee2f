"""The terminal presenter: an answer's quotes, then one line per citation, in the order of the markers."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from helpers import SEED

from newsqa.embeddings.indexer import update_index
from newsqa.cli.present import count, format_answer
from newsqa.qa.engine import Engine
from newsqa.qa.types import Answer


@pytest.fixture(scope="module")
def engine(tmp_path_factory, fake_encoder):
    d = tmp_path_factory.mktemp("present-idx")
    update_index([SEED], d, encoder=fake_encoder, progress=False)
    return Engine.open(d, encoder=fake_encoder)


def test_citations_follow_the_quotes(engine):
    answer = engine.ask("Morocco quake death toll", k=5)
    assert answer.citations, "the seed page answers this question"
    text = format_answer(answer)
    assert " ".join(text.split()).startswith(" ".join(answer.answer.split()))
    lines = text.splitlines()
    heads = [line for line in lines if line.startswith("[")]
    assert [h.split("]")[0] for h in heads] == [f"[{c.n}" for c in answer.citations]
    for c, h in zip(answer.citations, heads):
        assert h.startswith(f"[{c.n}] {c.title} (") and (c.date or "undated") in h


def test_an_abstention_shows_related_passages_not_citations(engine):
    answer = engine.ask("Who won the 2031 World Cup final in Lisbon?", k=5)
    assert answer.abstained and answer.related, "with the fake encoder, this question finds only related passages"
    text = format_answer(answer)
    assert not any(line.startswith("[") for line in text.splitlines())
    assert "Related, not an answer:" in text  # the README's and the browser's words
    assert all(f"({h.passage.title}, {h.passage.date or 'undated'}, " in text for h in answer.related)


def test_unsure_answers_say_so_first():
    why = {"code": "low_match", "text": "no passage matches closely enough", "terms": []}
    text = format_answer(Answer("q", "\u201cA quote.\u201d [1]", False, (), (), answer_state="unsure", abstain_reason=why))
    assert text.splitlines()[0] == ("Unsure: these are the closest passages; they may not answer the question "
                                    "(no passage matches closely enough).")


def test_count():
    assert (count(1, "article"), count(0, "article"), count(2, "passage")) == ("1 article", "0 articles", "2 passages")


def _related_answer(n: int) -> Answer:
    from newsqa.embeddings.chunker import Passage
    from newsqa.qa.types import Hit

    long = "The port reopened on Monday after the storm, and ships that had queued outside for a week came in one by one. " * 2
    hits = tuple(Hit(Passage(passage_id=f"p{i}", doc_id=f"d{i}", kind="paragraph", paragraph=i, start=0, end=len(long),
                             text=long, sentences=(), title=f"Port story {i}", date="", source="", section="business"), i, 1.0)
                 for i in range(1, n + 1))
    return Answer("q", "Not found in the indexed articles.", True, (), (), related=hits)


def test_an_abstention_shows_three_related_passages_one_line_each():
    text = format_answer(_related_answer(9))
    lines = text.split("Related, not an answer:\n")[1].splitlines()
    assert len(lines) == 4 and lines[-1] == "  ... and 6 more (--all shows them, --json lists them)"
    for i, line in enumerate(lines[:3], 1):
        excerpt, meta = line[2:].split(" (", 1)
        assert line.startswith("- The port reopened") and excerpt.endswith("\u2026") and 90 <= len(excerpt) <= 101
        assert meta == f"Port story {i}, undated, business, paragraph {i})"
    every = format_answer(_related_answer(9), all_related=True)
    assert every.count("\n- ") == 9 and "more (" not in every
    assert "more (" not in format_answer(_related_answer(3))


def test_ask_all_and_json_give_every_related_passage(engine, capsys):
    from newsqa.cli import main

    q = "Who won the 2031 World Cup final in Lisbon?"
    index = str(engine.index_dir)
    assert main(["ask", q, "--index", index, "--model", "hashing", "--json"]) == 0
    related = json.loads(capsys.readouterr().out)["related"]
    assert len(related) == 5, "every passage retrieved (-k 5) is listed as related in --json"
    assert main(["ask", q, "--index", index, "--model", "hashing"]) == 0
    short = capsys.readouterr().out
    assert short.count("\n- ") == 3 and f"and {len(related) - 3} more" in short
    assert main(["ask", q, "--index", index, "--model", "hashing", "--all"]) == 0
    assert capsys.readouterr().out.count("\n- ") == len(related)


def test_chat_all_shows_every_related_passage_of_the_last_answer(engine, capsys, monkeypatch):
    from newsqa.cli import main

    lines = iter(["/all", "Who won the 2031 World Cup final in Lisbon?", "/all", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["chat", "--index", str(engine.index_dir), "--model", "hashing"]) == 0
    out = capsys.readouterr().out
    assert "(no answer yet)" in out and "and 2 more (/all shows them)" in out
    first, after_all = out.split("and 2 more (/all shows them)")
    assert first.count("\n- ") == 3 and after_all.count("\n- ") == 5


def _marked(n: int, quote: str, short: str):
    from newsqa.qa.types import Citation

    return Citation(n=n, quote=quote, doc_id="d1", passage_id=f"p{n}", title="Talks in Vladivostok", date="2023-09-14",
                    source="Reuters", section="World", kind="paragraph", paragraph=3, start=0, end=len(quote), score=0.5,
                    answer_span=(0, len(short)), answer_text=short)


def test_the_short_answer_is_said_first_and_bold_only_on_a_terminal(monkeypatch):
    """A new user's run: "short answer: ..." came last, under the citations, in plain text. It is the
    answer in a word: the first line of a sure answer, bold (ANSI) on a terminal, plain in a pipe."""
    from newsqa.cli.present import wants_bold

    c = _marked(1, "Kim went to the Vostochny cosmodrome.", "the Vostochny cosmodrome")
    answer = Answer("q", f"\u201c{c.quote}\u201d [1]", False, (c,), ())
    lines = format_answer(answer).splitlines()
    assert lines[0] == "Short answer: the Vostochny cosmodrome [1]"
    assert "short answer:" not in "\n".join(lines[1:]).lower()  # said once
    assert "\x1b[" not in format_answer(answer)
    assert format_answer(answer, bold=True).splitlines()[0] == "\x1b[1mShort answer: the Vostochny cosmodrome\x1b[0m [1]"
    two = Answer("q", "...", False, (c, _marked(2, "Putin came by train.", "train")), ())
    assert format_answer(two).splitlines()[0] == "Short answer: the Vostochny cosmodrome [1]; train [2]"
    unsure = Answer("q", "...", False, (replace(c, answer_span=None, answer_text=""),), (), answer_state="unsure",
                    abstain_reason={"code": "low_match", "text": "x", "terms": []})
    assert not any(line.lower().startswith("short answer") for line in format_answer(unsure).splitlines())

    class Tty:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_bold(Tty(True)) and not wants_bold(Tty(False))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_bold(Tty(True))
