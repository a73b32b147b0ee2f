"""The terminal presenter: an answer's quotes, then one line per citation, in the order of the markers."""

from __future__ import annotations

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
