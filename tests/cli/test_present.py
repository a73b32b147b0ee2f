"""The terminal presenter: an answer's quotes, then one line per citation, in the order of the markers."""

from __future__ import annotations

import json

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
    assert "Related, but not an answer:" in text
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
    lines = text.split("Related, but not an answer:\n")[1].splitlines()
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
