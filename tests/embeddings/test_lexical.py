"""Accent folding in the index terms (tokenizer 2) and migration 2, which re-tokenises the postings of
segments written by tokenizer 1 on the next write; an old index opened read-only still answers, with
a one-line note."""

import json

import numpy as np
import pytest
from helpers import ACCENTED_ARTICLE, PLAIN_ARTICLE, pre_folding_index, tokenizer_1

from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.lexical import TOKENIZER_VERSION, fold, terms, words
from newsqa.embeddings.migrations import stale_postings_note
from newsqa.embeddings.reader import open_reader

ARTICLE, OTHER = ACCENTED_ARTICLE, PLAIN_ARTICLE


def test_latin_accents_fold_other_scripts_stay():
    assert terms("café") == terms("cafe") == ["cafe"]
    assert terms("Müller") == terms("Muller") and terms("Hervé") == terms("Herve")
    assert words("Zürich's NAÏVE") == ["zurich", "naive"]
    for text in ("Москва й", "हिन्दी", "ガイド", "東京", "straße"):  # other scripts (й, ガ, matras) as written
        assert fold(text) == text and words(text)
    assert fold("Łódź") == "Łodz" and fold("ﬁne") == "ﬁne"  # Ł has no decomposition; ligatures kept
    assert TOKENIZER_VERSION == 3


def test_decomposed_accents_are_one_word():
    """NFD text (a letter, then its combining mark: some macOS exports) reads as the composed one."""
    assert words("Mu\u0308ller") == words("Müller") == ["muller"]
    assert terms("Cafe\u0301 Mu\u0308ller") == terms("cafe Muller")


_tokenizer_1, _old_index = tokenizer_1, pre_folding_index


def _bm25_titles(idx, encoder, question):
    from newsqa.qa.engine import Engine

    engine = Engine.open(idx, encoder=encoder)
    rows, _ = engine.retriever.bm25.search(question, 5)
    return [engine.reader.passages[int(r)].title for r in rows]


def test_old_postings_answer_read_only_with_a_note(tmp_path, fake_encoder, monkeypatch, capsys):
    _, idx = _old_index(tmp_path, fake_encoder, monkeypatch)
    reader = open_reader(idx)
    assert [s.info.tokenizer for s in reader.segments] == [1] and "café" in reader.segments[0].postings["lex_terms"]
    note = stale_postings_note(idx, reader.info)
    assert note and "accent" in note and f"newsqa compact --index {idx}" in note and "\n" not in note
    for p in idx.rglob("*"):  # read-only: nothing may write
        p.chmod(p.stat().st_mode & ~0o222)
    try:
        from newsqa.qa.engine import Engine

        answer = Engine.open(idx, encoder=fake_encoder).ask("Where did the Café Müller win the city prize?")
        assert not answer.abstained and answer.citations
        text = open_reader(idx).document_text(answer.citations[0].doc_id)
        assert all(text[c.start:c.end] == c.quote for c in answer.citations)
        from newsqa.cli.options import announce_index_notes

        announce_index_notes(Engine.open(idx, encoder=fake_encoder))
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "before accent folding" in err[0]
    finally:
        for p in idx.rglob("*"):
            p.chmod(p.stat().st_mode | 0o200)


@pytest.mark.parametrize("batch", [None, 2], ids=["one-batch", "batches-of-2"])
def test_next_update_retokenises_old_postings_and_keeps_everything(tmp_path, fake_encoder, monkeypatch, batch):
    """Also streamed (postings of 2 passages at a time, spilled and merged): the same postings."""
    src, idx = _old_index(tmp_path, fake_encoder, monkeypatch)
    if batch:
        from newsqa.embeddings import migrations

        monkeypatch.setattr(migrations, "RETOKENISE_BATCH", batch)
    before = open_reader(idx)
    passages, vectors = list(before.passages), np.asarray(before.vectors).copy()
    assert "café" in before.segments[0].postings["lex_terms"]  # tokenizer 1 wrote "café", "müller"
    for q in ("cafe Muller", "café Müller"):  # found before the upgrade through the old segment's accented terms
        assert set(_bm25_titles(idx, fake_encoder, q)) == {"Café wins the city prize"}
    r = update_index([src], idx, encoder=fake_encoder, progress=False)  # nothing new: only the migration
    assert (r.added, r.removed, r.encoded) == (0, 0, 0)
    after = open_reader(idx)
    m = json.loads((idx / "manifest.json").read_text())
    assert 2 in m["migrations"] and [s["tokenizer"] for s in m["segments"]] == [TOKENIZER_VERSION]
    assert stale_postings_note(idx, after.info) is None
    assert list(after.passages) == passages and np.array_equal(np.asarray(after.vectors), vectors)
    assert after.info.counts == before.info.counts
    lex = after.segments[0].postings["lex_terms"]
    assert "cafe" in lex and "café" not in lex and "muller" in lex
    assert set(_bm25_titles(idx, fake_encoder, "cafe Muller")) == {"Café wins the city prize"}
    assert set(_bm25_titles(idx, fake_encoder, "café Müller")) == {"Café wins the city prize"}
    from newsqa.qa.engine import Engine

    answer = Engine.open(idx, encoder=fake_encoder).ask("Where did the Cafe Muller win the city prize?")
    assert not answer.abstained and any("Café Müller" in c.quote for c in answer.citations)  # the text as written
    text = after.document_text(answer.citations[0].doc_id)
    assert all(text[c.start:c.end] == c.quote for c in answer.citations)
    # the postings equal those a fresh index of the same files gets
    fresh = tmp_path / "fresh"
    update_index([src], fresh, encoder=fake_encoder, progress=False)
    got, want = after.segments[0].postings, open_reader(fresh).segments[0].postings
    assert all(np.array_equal(np.asarray(got[k]), np.asarray(want[k])) for k in want)


def test_retokenising_keeps_tombstones_and_runs_once(tmp_path, fake_encoder, monkeypatch):
    src, idx = _old_index(tmp_path, fake_encoder, monkeypatch)
    with monkeypatch.context() as m:  # a second old segment, then a deletion in the first
        _tokenizer_1(m)
        (src / "late.txt").write_text("Late news\n\nA late café opened.\n", encoding="utf-8")
        update_index([src], idx, encoder=fake_encoder, progress=False, compact=False)
        (src / "port.txt").unlink()
        update_index([src], idx, encoder=fake_encoder, progress=False, prune=True, compact=False)
    before = open_reader(idx)
    assert [s.info.tokenizer for s in before.segments] == [1, 1] and before.info.tombstones
    live = before.live_passages
    update_index([src], idx, encoder=fake_encoder, progress=False, compact=False)
    after = open_reader(idx)
    assert [s.info.tokenizer for s in after.segments] == [TOKENIZER_VERSION] * 2 and after.live_passages == live
    assert sorted(map(len, after.info.tombstones.values())) == sorted(map(len, before.info.tombstones.values()))
    assert not set(after.info.segment_names()) & set(before.info.segment_names())
    assert sorted(p.name for p in (idx / "segments").iterdir()) == after.info.segment_names()
    gen = after.info.generation
    update_index([src], idx, encoder=fake_encoder, progress=False, compact=False)
    assert open_reader(idx).info.generation == gen  # nothing to migrate, nothing changed: no publish


@pytest.mark.parametrize("question", ["Which cafe won a prize?"])
def test_a_new_index_matches_unaccented_questions(tmp_path, fake_encoder, question):
    src = tmp_path / "src"
    src.mkdir()
    (src / "cafe.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "port.txt").write_text(OTHER, encoding="utf-8")
    update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False)
    assert _bm25_titles(tmp_path / "idx", fake_encoder, question)[0] == "Café wins the city prize"
    assert set(_bm25_titles(tmp_path / "idx", fake_encoder, "cafe")) == {"Café wins the city prize"}


def test_postings_in_batches_equal_one_build(tmp_path):
    """Postings built a batch at a time, spilled and merged, are the arrays of one build over all."""
    from newsqa.embeddings.lexical import terms
    from newsqa.embeddings.segment import build_postings, postings_in_batches

    texts = ["Café Müller wins", "", "the city prize prize", "Müller again", "zebra", "city city city", "wins"]
    want = build_postings(texts, terms)
    for size in (1, 3, 7):
        got = postings_in_batches((texts[i:i + size] for i in range(0, len(texts), size)), terms, tmp_path / f"s{size}")
        assert set(got) == set(want) and not (tmp_path / f"s{size}").exists()
        for k in want:
            assert np.asarray(got[k]).dtype == want[k].dtype and np.array_equal(np.asarray(got[k]), want[k]), (size, k)


def test_joined_forms_of_spaced_hyphenated_and_dotted_compounds():
    from newsqa.embeddings.lexical import joined_forms

    assert joined_forms("Did Time Warner e-mail the U.K. office?") == ["timewarn", "email", "uk"]
    assert joined_forms("Deutsche Börse") == terms("DeutscheBorse")  # folded like every term
    assert joined_forms("Warner e said") == []  # a one-letter part joins only across a hyphen or a dot
    assert joined_forms("the talks of Kim") == []  # stop words never join
    assert joined_forms("TimeWarner") == []  # already one word: nothing to join
    assert joined_forms("2.5 million, a 1-1 draw, Apollo 13") == []  # numbers are no compounds


def test_joined_forms_of_a_possessive_and_of_a_long_dotted_initialism():
    from newsqa.embeddings.lexical import joined_forms

    assert joined_forms("What were Time Warner's profits?") == ["timewarn"]  # the 's does not stop the join
    assert joined_forms("Time Warner\u2019s profits") == ["timewarn"]
    assert joined_forms("Was the C.E.O. paid?") == ["ceo"]  # one run, not "ce" and "eo"
    assert joined_forms("Did the U.S.A win?") == terms("usa")
    assert joined_forms("the U.K. office") == ["uk"]  # two letters: the pair is the run
    assert joined_forms("Warner's profits") == []  # a possessive first part is no compound
