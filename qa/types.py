"""Typed values of the question side: Filters in; Hit, Citation and Answer out."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from newsqa.embeddings.chunker import Passage
from newsqa.embeddings.documents import is_day

from .errors import QuestionError


def check_date(value: str, name: str = "date") -> str:
    """``value`` if it is a day written ``YYYY-MM-DD`` ("" for none), by the one date rule
    (``embeddings.documents.is_day``, which readers use too): for ``Filters`` and the browser's date fields.

    Raises:
        QuestionError: not such a date.
    """
    if value and not is_day(value):
        raise QuestionError(f"{name} must be a date as YYYY-MM-DD (e.g. 2023-09-14), got {value!r}")
    return value or ""


def check_date_range(date_from: str, date_to: str, names: tuple[str, str] = ("date_from", "date_to")) -> None:
    """Both dates valid (``check_date``) and the range not empty.

    Raises:
        QuestionError: a bad date, or ``date_from`` after ``date_to``.
    """
    check_date(date_from, names[0])
    check_date(date_to, names[1])
    if date_from and date_to and date_from > date_to:
        raise QuestionError(f"the date range is empty: {names[0]} {date_from} is after {names[1]} {date_to}")


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval (applied inside the search, not by cutting a top-k afterwards).

    Dates are ISO ``YYYY-MM-DD`` and inclusive; documents without a date pass a date filter only when
    ``keep_undated`` is true. A stored date that is not a day (``is_day``; an index written before
    readers checked dates may hold ``yesterday``) counts as no date. Empty tuples mean "any".
    """

    date_from: str = ""
    date_to: str = ""
    sections: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    keep_undated: bool = False

    def __post_init__(self):
        check_date_range(self.date_from, self.date_to)

    def is_empty(self) -> bool:
        return not (self.date_from or self.date_to or self.sections or self.sources or self.kinds or self.doc_ids)

    def allows(self, p: Passage) -> bool:
        if self.kinds and p.kind not in self.kinds:
            return False
        if self.doc_ids and p.doc_id not in self.doc_ids:
            return False
        if self.sections and p.section.lower() not in {s.lower() for s in self.sections}:
            return False
        if self.sources and p.source.lower() not in {s.lower() for s in self.sources}:
            return False
        if self.date_from or self.date_to:
            if not is_day(p.date):
                return self.keep_undated
            if self.date_from and p.date < self.date_from:
                return False
            if self.date_to and p.date > self.date_to:
                return False
        return True


@dataclass(frozen=True)
class Turn:
    """One earlier turn of a conversation: its question and the answer's text ("" if not kept)."""

    question: str
    answer: str = ""

    @classmethod
    def of(cls, item) -> "Turn":
        """A turn from what callers pass as history: a ``Turn``, a question string, a
        ``{"question", "answer"}`` dict or a ``(question, answer)`` pair."""
        if isinstance(item, Turn):
            return item
        if isinstance(item, dict):
            return cls(str(item.get("question") or ""), str(item.get("answer") or ""))
        if isinstance(item, (tuple, list)):
            return cls(str(item[0]) if item else "", str(item[1]) if len(item) > 1 else "")
        return cls(str(item))


def location_label(kind: str, paragraph: int) -> str:
    """Where a passage sits in its page: "paragraph 9", "headline", "headline list, position 78"."""
    if kind == "headline":
        return f"headline list, position {paragraph}" if paragraph else "headline"
    return f"paragraph {paragraph}"


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score and the ranks it had in each retriever (0 = absent)."""

    passage: Passage
    row: int
    score: float
    dense: float = 0.0
    bm25: float = 0.0
    dense_rank: int = 0
    bm25_rank: int = 0

    def to_dict(self) -> dict:
        p = self.passage
        return {"passage_id": p.passage_id, "doc_id": p.doc_id, "kind": p.kind, "text": p.text,
                "score": round(self.score, 6), "dense": round(self.dense, 6), "bm25": round(self.bm25, 6),
                "title": p.title, "date": p.date, "paragraph": p.paragraph}


@dataclass(frozen=True)
class ResolvedDate:
    """A relative date of a quote ("on Wednesday") resolved against its article's date (``qa.dates``).

    Attributes:
        text: the words as written; ``start``/``end``: their offsets in the document.
        resolved: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a ``YYYY-MM-DD/YYYY-MM-DD`` week.
        basis: what it was resolved against ("published 2023-09-14 (Thursday)").
    """

    text: str
    start: int
    end: int
    resolved: str
    basis: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TimelineEntry:
    """An earlier (or, asked for the earlier one, a later) report of an updated story (``qa.timeline``):
    a full citation of the quote, with its marker ``n`` after the answer's own.

    Attributes:
        when: its place in time as shown ("2023-09-12, paragraph 3", "on or before 2023-09-14,
            headline list position 4").
        start, end: the quote's offsets in the document; ``kind``/``paragraph`` as in ``Passage``.
    """

    n: int
    when: str
    quote: str
    title: str
    date: str
    source: str
    doc_id: str
    passage_id: str
    start: int
    end: int
    kind: str
    paragraph: int

    @property
    def position(self) -> int:
        """The place in the page (a headline list's position; 1 = newest)."""
        return self.paragraph

    def to_dict(self) -> dict:
        return {**asdict(self), "position": self.position}


@dataclass(frozen=True)
class Citation:
    """One verbatim quote: ``quote == document_text[start:end]`` (checked before it is returned)."""

    n: int
    quote: str
    doc_id: str
    passage_id: str
    title: str
    date: str
    source: str
    section: str
    kind: str
    paragraph: int
    start: int
    end: int
    score: float
    heading: str = ""
    answer_span: tuple[int, int] | None = None  # document offsets of the short answer inside the quote
    answer_text: str = ""
    dates: tuple[ResolvedDate, ...] = ()  # relative dates resolved against the article's date
    context_before: str = ""  # the sentence before, where the quote alone would mislead
    origin: str = ""  # the file (or file#line of a record) the article was read from
    url: str = ""  # the article's address, when its file gave one

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = round(self.score, 6)
        d["answer_span"] = list(self.answer_span) if self.answer_span else None
        d["dates"] = [x.to_dict() for x in self.dates]
        return d


# The line before an unsure answer's quotes (``Answer.note``), in every presenter and every JSON form.
UNSURE_NOTE = "Unsure: these are the closest passages; they may not answer the question"


@dataclass(frozen=True)
class Answer:
    """What ``Engine.ask`` returns; ``to_dict()`` is the ``newsqa ask --json`` object."""

    question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...]
    retrieved: tuple[Hit, ...]
    timings_ms: dict = field(default_factory=dict)
    related: tuple[Hit, ...] = ()  # when abstaining: nearest passages, "related, not an answer"
    coverage: str = ""  # when abstaining: what the collection covers
    timeline: tuple[TimelineEntry, ...] = ()  # other values of an updated story, newest first
    resolved_question: str = ""  # the question after follow-up resolution (= question if none)
    confidence: float = 0.0
    rewritten: bool = False  # the question was read as a follow-up and searched as resolved_question
    shape: str = ""  # the kind of question detected (qa.shapes): fact, who_is, why, overview, compare, list
    verdict: str = ""  # compare: "3.1% vs 4.4%", only when both values are quoted (never inside a quote)
    # answered | unsure (closest passages, may not answer) | not_found; see qa.abstain
    answer_state: str = ""
    abstain_reason: dict | None = None  # {"code", "text", "terms"} unless answered
    signals: dict = field(default_factory=dict)  # what qa.signals found (for evaluation and debugging)

    @property
    def state(self) -> str:
        return self.answer_state or ("not_found" if self.abstained else "answered")

    @property
    def note(self) -> str:
        """The line every presenter shows before the quotes, with the reason: ``UNSURE_NOTE`` for an
        unsure answer, "" otherwise (``answer`` stays the quotes alone; ``answer_state`` is the state).

            >>> Answer("q", "He said yes.", False, (), (), answer_state="unsure",
            ...        abstain_reason={"code": "low_match", "text": "no passage matches", "terms": []}).note
            'Unsure: these are the closest passages; they may not answer the question (no passage matches).'
        """
        if self.state != "unsure":
            return ""
        why = (self.abstain_reason or {}).get("text", "")
        return UNSURE_NOTE + (f" ({why})." if why else ".")

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "note": self.note,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [h.to_dict() for h in self.retrieved],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "related": [h.to_dict() for h in self.related],
            "coverage": self.coverage,
            "timeline": [t.to_dict() for t in self.timeline],
            "resolved_question": self.resolved_question or self.question,
            "confidence": round(self.confidence, 4),
            "answer_state": self.state,
            "abstain_reason": dict(self.abstain_reason) if self.abstain_reason else None,
            "signals": dict(self.signals),
            "rewritten": self.rewritten,
            "shape": self.shape,
            "verdict": self.verdict,
        }
