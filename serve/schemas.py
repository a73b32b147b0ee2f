"""The wire shapes of the HTTP API as pydantic models, derived from the engine's dataclasses.

One source for the shape: a response model's fields are the keys of the dataclass's own
``to_dict()`` (the ``newsqa ask --json`` object), typed from the dataclass's annotations (or, for a
key that comes from a nested dataclass such as ``Hit.passage``, from that one's). A field added to
``Answer`` and its ``to_dict`` appears here and in ``/openapi.json`` with no edit in this module.
Request models for ``Filters`` are derived from its fields the same way.

    >>> AnswerModel.model_validate(engine.ask("Who met Putin?").to_dict())   # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from newsqa.embeddings.documents import KIND_HEADLINE, KIND_PARAGRAPH, Skipped
from newsqa.embeddings.indexer import IndexReport
from newsqa.qa.engine import MAX_K, MAX_QUESTION_CHARS
from newsqa.qa.types import Answer, Citation, Filters, Hit, ResolvedDate, TimelineEntry

_EMPTY = {str: "", int: 0, float: 0.0, bool: False}


def _wire_type(tp, nested: dict[type, type[BaseModel]]):
    """The JSON-side type of a dataclass annotation: tuples become lists, dataclasses their models."""
    if tp in nested:
        return nested[tp]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return list[_wire_type(args[0], nested)]
        inner = {_wire_type(a, nested) for a in args}
        return list[inner.pop()] if len(inner) == 1 else list[Any]
    if origin in (Union, types.UnionType):
        return Union[tuple(_wire_type(a, nested) for a in args)]
    if tp is dict or origin is dict:
        return dict[str, Any]
    if tp is list or origin is list:
        return list[_wire_type(args[0], nested)] if args else list[Any]
    return tp


def _sample(cls):
    """An instance of dataclass ``cls`` with empty values in its required fields (to read its ``to_dict`` keys)."""
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            continue
        tp = hints[f.name]
        origin = typing.get_origin(tp)
        if dataclasses.is_dataclass(tp):
            kwargs[f.name] = _sample(tp)
        elif origin is tuple or tp is tuple:
            kwargs[f.name] = ()
        elif tp is dict or origin is dict:
            kwargs[f.name] = {}
        else:
            kwargs[f.name] = _EMPTY.get(tp)
    return cls(**kwargs)


def _property_type(cls, key: str):
    """The return annotation of property ``key`` of ``cls`` (``TimelineEntry.position``), else ``Any``."""
    prop = getattr(cls, key, None)
    if isinstance(prop, property) and prop.fget is not None:
        return typing.get_type_hints(prop.fget).get("return", Any)
    return Any


def model_from_to_dict(cls, nested: dict[type, type[BaseModel]], *, name: str | None = None) -> type[BaseModel]:
    """A pydantic model whose fields are the keys of ``cls(...).to_dict()``, typed from annotations."""
    hints = typing.get_type_hints(cls)
    inner = [typing.get_type_hints(t) for t in hints.values() if dataclasses.is_dataclass(t)]
    fields = {}
    for key in _sample(cls).to_dict():
        tp = hints.get(key) or next((h[key] for h in inner if key in h), None) or _property_type(cls, key)
        fields[key] = (_wire_type(tp, nested), ...)
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    return create_model(name or f"{cls.__name__}Model", __config__=ConfigDict(extra="allow"), __doc__=doc, **fields)


def model_from_fields(cls, nested: dict[type, type[BaseModel]], *, name: str | None = None,
                      extra: str = "forbid", narrow: dict[str, Any] | None = None) -> type[BaseModel]:
    """A pydantic model of the dataclass's fields, with its defaults (request bodies); ``narrow``
    gives some fields a stricter wire type than their annotation (``kinds``: the two passage kinds)."""
    hints = typing.get_type_hints(cls)
    fields = {}
    for f in dataclasses.fields(cls):
        default = (f.default if f.default is not dataclasses.MISSING else
                   f.default_factory() if f.default_factory is not dataclasses.MISSING else ...)
        if isinstance(default, tuple):
            default = list(default)
        fields[f.name] = ((narrow or {}).get(f.name) or _wire_type(hints[f.name], nested), default)
    doc = (cls.__doc__ or "").strip().split("\n\n")[0]
    return create_model(name or f"{cls.__name__}Model", __config__=ConfigDict(extra=extra), __doc__=doc, **fields)


ResolvedDateModel = model_from_to_dict(ResolvedDate, {}, name="ResolvedDate")
TimelineEntryModel = model_from_to_dict(TimelineEntry, {}, name="TimelineEntry")
CitationModel = model_from_to_dict(Citation, {ResolvedDate: ResolvedDateModel}, name="Citation")
HitModel = model_from_to_dict(Hit, {}, name="Hit")
AnswerModel = model_from_to_dict(Answer, {Citation: CitationModel, Hit: HitModel, TimelineEntry: TimelineEntryModel},
                                 name="Answer")
# A kind the index cannot hold is a 422, not an answer "not found" (``newsqa ask --kind`` refuses it too).
PassageKind = Literal[KIND_PARAGRAPH, KIND_HEADLINE]
FiltersModel = model_from_fields(Filters, {}, name="Filters", narrow={"kinds": list[PassageKind]})
AskAnswerModel = create_model(
    "AskAnswer", __base__=AnswerModel, __doc__="An answer of /v1/ask and /v1/ask/batch: the `newsqa ask --json` "
    "object, and why the filters left the question unanswered.",
    filter_note=(str, Field("", description="for a question not answered under filters, why, as the browser "
                                            "chat says it (\"No article in section sport.\", \"Nothing in the 3 "
                                            "articles in section sport answers it.\"); absent otherwise")))
SkippedModel = model_from_fields(Skipped, {}, name="Skipped", extra="allow")
IndexReportModel = model_from_fields(IndexReport, {Skipped: SkippedModel}, name="IndexReport", extra="allow")


class HistoryTurn(BaseModel):
    """An earlier turn: its question and (for follow-ups that refer to what it said) its answer."""

    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str = ""


Question = typing.Annotated[str, Field(min_length=1, max_length=4 * MAX_QUESTION_CHARS)]
K = typing.Annotated[int, Field(ge=1, le=MAX_K, description=f"passages to retrieve (1-{MAX_K})")]


class AskRequest(BaseModel):
    """One question, as ``newsqa ask`` takes it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"question": "Where did Putin show Kim around?", "k": 5}]})
    question: Question
    k: K = 5
    history: list[Union[str, HistoryTurn]] = Field(default_factory=list, max_length=50,
                                                   description="earlier turns, oldest first (for follow-ups)")
    filters: Optional[FiltersModel] = None  # type: ignore[valid-type]

    def history_list(self) -> list:
        return [h if isinstance(h, str) else h.model_dump() for h in self.history]


class AskBatchRequest(BaseModel):
    """Many questions with the same k and filters; their embeddings are computed in one batch."""

    model_config = ConfigDict(extra="forbid")
    questions: list[Question] = Field(min_length=1, max_length=100)
    k: K = 5
    filters: Optional[FiltersModel] = None  # type: ignore[valid-type]


class AskBatchResponse(BaseModel):
    answers: list[AskAnswerModel]  # type: ignore[valid-type]


class Refused(BaseModel):
    """One uploaded file, by the name the client gave it, and why it added no article."""

    name: str
    reason: str


class DocumentsResponse(BaseModel):
    """What an upload did, per file, by the client's file names (matched by where each was saved, so
    two files of one name are told apart; no server path): ``saved`` added articles, ``duplicates``
    added none (the same file was uploaded before, or the index holds its articles already),
    ``refused`` were refused by the checks or held no readable article. ``report.skipped`` names a
    left-out record of a JSONL/CSV file as ``news.jsonl#L2``."""

    saved: list[str] = Field(description="files that added articles to the index")
    duplicates: list[Refused] = Field(default_factory=list, description="files saved but adding nothing new")
    refused: list[Refused] = Field(description="files refused, or with no article that could be read")
    report: Optional[IndexReportModel] = None  # type: ignore[valid-type]


class DeleteResponse(BaseModel):
    """What ``DELETE /v1/documents/{doc_id}`` did."""

    model_config = ConfigDict(extra="allow")
    deleted: str = Field(description="the document id removed")
    upload_deleted: bool = Field(description="the article was an upload's only one: the saved file and its "
                                             "record went too, so uploading the same file again indexes it again")
    others_kept: int = Field(description="articles of the same file that stay (a JSONL or CSV file holds many)")
    report: IndexReportModel  # type: ignore[valid-type]


class ErrorBody(BaseModel):
    message: str
    type: str
    code: int


class ErrorResponse(BaseModel):
    """Every 4xx/5xx: one readable message (the OpenAI error shape, so chat clients show it)."""

    error: ErrorBody
