"""The engine with the fake encoder: fast checks of the API, validation and offsets."""

from dataclasses import replace

import pytest
from helpers import SEED

from newsqa.embeddings.indexer import update_index
from newsqa.qa import Engine, Filters, QuestionError


@pytest.fixture(scope="module")
def engine(tmp_path_factory, fake_encoder):
    d = tmp_path_factory.mktemp("idx")
    update_index([SEED], d, encoder=fake_encoder, progress=False)
    return Engine.open(d, encoder=fake_encoder)


@pytest.mark.parametrize("q", ["", "   ", "?!...", "x" * 2001])
def test_bad_questions_raise_question_error(engine, q):
    with pytest.raises(QuestionError):
        engine.ask(q)


@pytest.mark.parametrize("k", [0, -3, 101])
def test_bad_k(engine, k):
    with pytest.raises(QuestionError, match="k must be"):
        engine.ask("Who met Putin?", k=k)


def test_every_citation_matches_its_document(engine):
    for q in ["Who met Putin?", "Morocco quake death toll", "Taylor Swift awards", "sanctions on North Korea"]:
        a = engine.ask(q)
        assert not a.abstained and a.citations, q  # each is answered on the seed page: an abstention fails
        for c in a.citations:
            assert engine.snapshot.document_text(c.doc_id)[c.start:c.end] == c.quote, (q, c.n)


def test_kind_filter_applies_inside_search(engine):
    a = engine.ask("Putin Kim summit", k=5, filters=Filters(kinds=("headline",)))
    assert a.retrieved and all(h.passage.kind == "headline" for h in a.retrieved)
    a = engine.ask("Putin Kim summit", k=5, filters=Filters(kinds=("paragraph",)))
    assert a.retrieved and all(h.passage.kind == "paragraph" for h in a.retrieved)


def test_date_filter_excluding_everything_gives_abstention(engine):
    a = engine.ask("Putin Kim summit", filters=Filters(date_to="2020-01-01"))
    assert a.abstained and not a.retrieved


def test_to_dict_shape(engine):
    d = engine.ask("Who met Putin?").to_dict()
    assert isinstance(d["abstained"], bool) and isinstance(d["timings_ms"]["total"], float)


def test_a_timeline_entry_that_does_not_match_its_article_is_not_shown(engine, monkeypatch):
    import newsqa.qa.answer as answer_mod
    from newsqa.qa.timeline import entry
    real = answer_mod.newest_first

    def with_entries(picked, scored, snapshot, question):
        chosen, _ = real(picked, scored, snapshot, question)
        c = chosen[0]
        good = entry(c, 9)
        bad = replace(good, quote=good.quote + " (edited)")
        return chosen, [bad, good]

    monkeypatch.setattr(answer_mod, "newest_first", with_entries)
    a = engine.ask("Who met Putin?")
    assert a.citations and len(a.timeline) == 1  # the edited entry is dropped, the verbatim one kept
    t = a.timeline[0]
    assert engine.snapshot.document_text(t.doc_id)[t.start:t.end] == t.quote
    assert t.n == len(a.citations) + 1


def test_a_near_tie_is_quoted_beside_a_lone_first_choice_and_the_verdict_stays(engine, monkeypatch):
    """``slot_choice.add_close_second`` runs in the answer (after the verdict's own choice): with
    every next sentence "close", a first choice that stood alone gets a second quote; with none close,
    it stays alone; the state and confidence are the same either way."""
    import newsqa.qa.slot_choice as slot_choice

    questions = ["Who met Putin?", "Morocco quake death toll", "Taylor Swift awards", "sanctions on North Korea",
                 "Where did Putin show Kim around?", "What did Kim say about the talks?"]
    monkeypatch.setattr(slot_choice, "TIE_RATIO", 2.0)  # never close
    alone = {q: engine.ask(q) for q in questions}
    lone = [q for q, a in alone.items() if not a.abstained and len(a.citations) == 1 and not a.shape.startswith(("list", "why"))]
    assert lone, "no question of the seed page was answered with one quote"
    monkeypatch.setattr(slot_choice, "TIE_RATIO", 0.0)  # every next sentence close
    for q in lone:
        a, b = alone[q], engine.ask(q)
        assert (b.answer_state, b.confidence) == (a.answer_state, a.confidence), q
        assert b.citations[0].start <= a.citations[0].start and len(" ".join(c.quote for c in b.citations)) > len(a.citations[0].quote), q


def test_a_they_followup_is_scored_on_its_own_words_not_the_bracketed_names(engine):
    """The bracketed names of a "they" follow-up ("What did Kim eat? (United States Ukraine)") are
    context: the abstention signals read the question's own words, as if it were asked resolved. When
    they counted as asked words, "eat" (in no passage) weighed a third as much and a sentence about
    artillery shells came back as sure (a new user's run, session 9)."""
    prev = {"question": "Why did Kim go to Russia?",
            "answer": "\u201cKim had shown interest in the United States and Ukraine.\u201d [1]"}
    a = engine.ask("What did they eat?", history=[prev])
    assert a.rewritten and a.resolved_question.startswith("What did Kim eat? (")
    alone = engine.ask("What did Kim eat?")
    # one article: every quote's article is the same, so its missing share depends on the asked words only
    assert a.signals["article_missing"] == pytest.approx(alone.signals["article_missing"])
