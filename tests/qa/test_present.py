"""One citation view for every presenter: the terminal and the browser card show the same fields,
worded the same, and a field of ``Citation`` is either shown by both or named as shown by neither."""

from __future__ import annotations

import html
import re
from dataclasses import fields, replace

import pytest

from newsqa.cli.present import citation_lines, format_answer
from newsqa.embeddings.chunker import Passage
from newsqa.qa.present import NOT_SHOWN, UNSURE_NOTE, citation_view, passage_view, timeline_view, unsure_note
from newsqa.qa.types import Answer, Citation, Hit, ResolvedDate, TimelineEntry
from newsqa.ui import format as fmt

# Where the quote is: the browser highlights the quote in its paragraph and links to the article
# with these; the terminal prints the quote itself in the answer above the citations.
LOCATORS = {"quote", "doc_id", "start", "end", "answer_span"}

FULL = Citation(n=2, quote="He said yes.", doc_id="d1", passage_id="p1", title="Talks in Vladivostok",
                date="2023-09-14", source="Reuters", section="World", kind="paragraph", paragraph=3, start=10,
                end=22, score=0.5, heading="The visit", answer_span=(18, 21), answer_text="yes",
                dates=(ResolvedDate("yesterday", 30, 39, "2023-09-13", "published 2023-09-14 (Thursday)"),),
                context_before="Putin was asked about arms.", origin="news/a.txt", url="https://example.com/a")

# Another value for each field, to see which outputs depend on it.
OTHER = {"n": 5, "quote": "He said no.", "doc_id": "d2", "passage_id": "p2", "title": "Other headline",
         "date": "2023-09-15", "source": "AP", "section": "Asia", "kind": "headline", "paragraph": 4, "start": 11,
         "end": 23, "score": 0.9, "heading": "Another part", "answer_span": (19, 22), "answer_text": "no",
         "dates": (ResolvedDate("today", 30, 35, "2023-09-14", "published 2023-09-14 (Thursday)"),),
         "context_before": "Earlier, a sentence.", "origin": "news/b.txt", "url": "https://example.com/b"}


def _card_text(card: str) -> str:
    """The text a reader sees on a card: tags dropped, entities read, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", card)).split())


def _cli(c: Citation) -> str:
    return "\n".join(citation_lines(citation_view(c)))


def _ui(c: Citation) -> str:
    return fmt.citation_card(c, None, turn=1)


def test_other_covers_every_field():
    assert set(OTHER) == {f.name for f in fields(Citation)}


@pytest.mark.parametrize("name", [f.name for f in fields(Citation)])
def test_each_field_is_shown_by_both_presenters_or_by_neither(name):
    """Changing one field of a citation changes the terminal's lines and the card alike (or, for a
    field in ``NOT_SHOWN``, neither); the quote's place is the card's alone (``LOCATORS``)."""
    changed = replace(FULL, **{name: OTHER[name]})
    cli_changed, ui_changed = _cli(changed) != _cli(FULL), _ui(changed) != _ui(FULL)
    if name in NOT_SHOWN:
        assert (cli_changed, ui_changed) == (False, False), f"{name} is listed as not shown, but it shows"
    elif name in LOCATORS:
        assert ui_changed and not cli_changed
    else:
        assert (cli_changed, ui_changed) == (True, True), f"{name}: terminal changed {cli_changed}, card {ui_changed}"


def test_terminal_and_card_show_the_same_words():
    v = citation_view(FULL)
    cli, card = _cli(FULL), _card_text(_ui(FULL))
    pieces = [f"[{v.n}]", v.title, *v.meta]
    for note in v.notes:
        pieces += [x for x in (note.label, note.text, note.resolved, note.basis) if x]
    assert "preceded by:" in pieces and FULL.context_before in pieces  # the terminal used to leave it out
    missing = {p: (p in cli, p in card) for p in pieces if p not in cli or p not in card}
    assert not missing, f"(in terminal, in card) for each piece shown by only one: {missing}"
    # in the same order in both (last occurrence: the card's paragraph above the notes holds the quote)
    assert sorted(pieces, key=cli.rindex) == sorted(pieces, key=card.rindex)


def test_an_untitled_undated_headline_reads_the_same_in_both():
    c = replace(FULL, title="", date="", source="", section="", kind="headline", paragraph=4, heading="",
                context_before="", answer_text="", answer_span=None, dates=())
    v = citation_view(c)
    assert v.title == "(untitled)" and v.meta == ("undated", "headline list, position 4")
    assert _cli(c) == "[2] (untitled) (undated, headline list, position 4)"
    assert "[2] (untitled) undated \u00b7 headline list, position 4" in _card_text(_ui(c))


def test_related_passages_show_the_same_meta_in_both():
    p = Passage(passage_id="p", doc_id="d", kind="headline", paragraph=0, start=0, end=5, text="Kim meets Putin",
                sentences=(), title="Kim meets Putin", date="2023-09-14", source="Reuters", section="World")
    v = passage_view(p)
    assert v.meta == ("2023-09-14", "Reuters", "World", "headline")
    answer = Answer("q", "Not found.", True, (), (), related=(Hit(p, 0, 1.0),))
    cli, card = format_answer(answer), _card_text(fmt.related_card(answer.related[0], 1, 1))
    assert f"- {v.title} ({', '.join(v.meta)})" in cli  # a headline: its text is its title, said once
    assert " \u00b7 ".join(v.meta) in card and v.title in card and v.text in card



def test_a_related_headline_of_a_pages_list_says_so_in_both():
    """The chat said "India in Asia Cup final ..." - *Kim Jong Un meets Putin ...*, as if that were the
    article's story; the terminal (and the card) said "headline list, position 97"."""
    p = Passage(passage_id="p", doc_id="d", kind="headline", paragraph=97, start=0, end=5,
                text="India in Asia Cup final", sentences=(), title="Kim meets Putin", date="2023-09-14",
                source="Reuters", section="World")
    v = passage_view(p)
    answer = Answer("q", "Not found.", True, (), (), related=(Hit(p, 0, 1.0),))
    cli, chat = format_answer(answer), fmt.answer_markdown(answer, turn=1)
    assert f"({', '.join((v.title, *v.meta))})" in cli and "headline list, position 97" in v.meta
    assert fmt.md_text(", ".join((v.title, *v.meta))) in chat


def test_an_earlier_report_shows_the_same_in_both():
    entry = TimelineEntry(n=3, when="2023-09-12", quote="The toll rose to 2,000.", title="Quake toll rises",
                          date="2023-09-12", source="AP", doc_id="d9", passage_id="p9", start=0, end=23,
                          kind="paragraph", paragraph=1)
    v = timeline_view(entry)
    assert (v.n, v.meta) == ("3", ("AP", "2023-09-12"))
    answer = Answer("q", "\u201cThe toll is 2,900.\u201d [1]", False, (FULL,), (), timeline=(entry,))
    cli, chat = format_answer(answer), fmt.answer_markdown(answer, turn=1)
    for piece in (v.quote, v.title, *v.meta):
        assert piece in cli and fmt.md_text(piece) in chat, piece  # the chat used to leave out the source


def test_an_unsure_answer_is_worded_the_same_in_both():
    why = {"code": "not_stated", "text": "the articles about the toll do not give the date", "terms": []}
    answer = Answer("q", "\u201cHe said yes.\u201d [2]", False, (FULL,), (), answer_state="unsure", abstain_reason=why)
    note = unsure_note(answer)
    assert note.startswith(UNSURE_NOTE) and why["text"] in note
    cli, chat = format_answer(answer), fmt.answer_markdown(answer, turn=1)
    assert cli.splitlines()[0] == note
    assert chat.startswith(f"*{fmt.md_text(note)}*")
    assert answer.note == note and answer.to_dict()["note"] == note  # --json, the HTTP API, the app's /ask
    assert answer.to_dict()["answer"] == answer.answer  # the quotes alone
    sure = replace(answer, answer_state="answered")
    assert unsure_note(sure) == "" and sure.to_dict()["note"] == ""
    assert UNSURE_NOTE not in format_answer(sure) and fmt.md_text(UNSURE_NOTE) not in fmt.answer_markdown(sure, turn=1)
