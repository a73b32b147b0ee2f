"""The API's models follow the engine's typed values: a timeline entry and a resolved date are typed
objects in the schema, with the keys of their ``to_dict`` (fast: no server, no model)."""

from __future__ import annotations

from newsqa.qa.types import Answer, Citation, ResolvedDate, TimelineEntry
from newsqa.serve.schemas import AnswerModel, ResolvedDateModel, TimelineEntryModel

DATE = ResolvedDate("on Wednesday", 4, 16, "2023-09-13", "published 2023-09-14 (Thursday)")
ENTRY = TimelineEntry(n=2, when="on or before 2023-09-14, headline list position 4", quote="Toll passes 2,800",
                      title="Headlines", date="2023-09-14", source="BBC", doc_id="d1", passage_id="p9", start=40,
                      end=57, kind="headline", paragraph=4)
CITATION = Citation(n=1, quote="Met on Wednesday.", doc_id="d1", passage_id="p1", title="Talks", date="2023-09-14",
                    source="AP", section="", kind="paragraph", paragraph=2, start=0, end=17, score=0.5, dates=(DATE,))


def test_the_wire_keys_are_the_ones_clients_read():
    """The JSON of an entry and a date as it was when they were dicts (same keys, same order)."""
    assert list(ENTRY.to_dict()) == ["n", "when", "quote", "title", "date", "source", "doc_id", "passage_id",
                                     "start", "end", "kind", "paragraph", "position"]
    assert list(DATE.to_dict()) == ["text", "start", "end", "resolved", "basis"]


def test_models_have_the_keys_of_to_dict_typed():
    assert list(TimelineEntryModel.model_fields) == list(ENTRY.to_dict())
    assert list(ResolvedDateModel.model_fields) == list(DATE.to_dict())
    props = TimelineEntryModel.model_json_schema()["properties"]
    assert props["position"]["type"] == "integer" and props["when"]["type"] == "string"


def test_an_answer_with_a_timeline_and_dates_validates_and_round_trips():
    d = Answer("q", "\u201cMet on Wednesday.\u201d [1]", False, (CITATION,), (), timeline=(ENTRY,)).to_dict()
    assert d["timeline"][0]["position"] == 4 and d["citations"][0]["dates"][0]["resolved"] == "2023-09-13"
    assert AnswerModel.model_validate(d).model_dump() == d
    schema = AnswerModel.model_json_schema()
    assert schema["properties"]["timeline"]["items"] == {"$ref": "#/$defs/TimelineEntry"}
    assert schema["$defs"]["Citation"]["properties"]["dates"]["items"] == {"$ref": "#/$defs/ResolvedDate"}
