"""What a citation shows, once, for every presenter (the terminal, the browser): data, not markup.

The terminal (``newsqa.cli.present``) and the browser (``newsqa.ui.format``) both render a
``CitationView`` (a related passage's ``PassageView``, an earlier report's ``TimelineView``), never
a ``Citation`` field by field, so the two cannot show different fields or word a note differently.

    >>> from newsqa.qa.types import Citation
    >>> c = Citation(n=1, quote="He said yes.", doc_id="d", passage_id="p", title="Talks", date="",
    ...              source="Reuters", section="", kind="paragraph", paragraph=3, start=0, end=12, score=1.0,
    ...              context_before="Putin was asked.")
    >>> v = citation_view(c)
    >>> v.meta
    ('undated', 'Reuters', 'paragraph 3')
    >>> [(n.label, n.text) for n in v.notes]
    [('preceded by:', 'Putin was asked.')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from newsqa.embeddings.chunker import Passage

from .followup import topic_words
from .types import UNSURE_NOTE, Answer, Citation, Hit, TimelineEntry, Turn, location_label

UNTITLED = "(untitled)"
UNDATED = "undated"

# The words before a note's text, the same in every presenter ("date" notes read "“text” = resolved (basis)").
NOTE_LABELS = {"heading": "under the subheading", "context": "preceded by:", "answer": "short answer:", "date": ""}

# Fields of ``Citation`` that no presenter shows on a citation, and why (a test keeps this list whole:
# a new field must be shown by the view or named here).
NOT_SHOWN = {
    "passage_id": "an internal id (in --json)",
    "score": "a ranking detail (in --json)",
    "origin": "the browser's article view shows it from the stored document; in --json",
    "url": "the browser's article view shows it from the stored document; in --json",
}


@dataclass(frozen=True)
class Note:
    """One line under a citation. ``kind``: ``heading`` (the subheading it sits under), ``context``
    (the sentence before, where the quote alone would mislead), ``answer`` (the short answer) or
    ``date`` (a relative date resolved: ``text`` = ``resolved``, ``basis``)."""

    kind: str
    text: str
    resolved: str = ""
    basis: str = ""

    @property
    def label(self) -> str:
        """The words shown before ``text`` (``NOTE_LABELS``)."""
        return NOTE_LABELS[self.kind]


@dataclass(frozen=True)
class CitationView:
    """A citation as every presenter shows it.

    Attributes:
        n: the marker number.
        title: the headline, or ``(untitled)``.
        meta: date (or ``undated``), source, section, where in the page; empty ones left out.
        notes: the lines under it (subheading, context before, short answer, resolved dates).
        quote: the verbatim quote; ``doc_id``, ``start``, ``end``: where it is in the stored document.
        kind, number: ``paragraph`` and its number, or ``headline`` and its position in the page's
            list (0: the article's own headline).
        answer_span: document offsets of the short answer inside the quote, if any.
    """

    n: int
    title: str
    meta: tuple[str, ...]
    notes: tuple[Note, ...]
    quote: str = ""
    doc_id: str = ""
    kind: str = "paragraph"
    number: int = 0
    start: int = 0
    end: int = 0
    answer_span: tuple[int, int] | None = None


RELATED_SHOWN = 3  # related passages a terminal shows on an abstention (the rest: --all, --json)
EXCERPT_CHARS = 100  # a related passage's excerpt on its one line


@dataclass(frozen=True)
class PassageView:
    """A related passage (shown when abstaining): its headline, meta line (as ``CitationView.meta``)
    and text."""

    title: str
    meta: tuple[str, ...]
    text: str

    def excerpt(self, chars: int = EXCERPT_CHARS) -> str:
        """The text on one line, cut at a word to about ``chars`` characters, "…" where cut.

        >>> PassageView("T", (), "The port reopened on Monday after the storm.").excerpt(20)
        'The port reopened on…'
        """
        t = " ".join(self.text.split())
        if len(t) <= chars:
            return t
        cut = t[:chars + 1].rsplit(" ", 1)[0] or t[:chars]
        return cut.rstrip(",;:") + "\u2026"


@dataclass(frozen=True)
class TimelineView:
    """An earlier report of the story (``Answer.timeline``): its marker, quote, headline and meta
    (source, when; empty ones left out)."""

    n: str
    quote: str
    title: str
    meta: tuple[str, ...]


def meta_parts(date: str, source: str, section: str, kind: str, paragraph: int) -> tuple[str, ...]:
    """Date (or ``undated``), source, section, where in the page; empty ones left out."""
    return tuple(x for x in (date or UNDATED, source, section, location_label(kind, paragraph)) if x)


def citation_view(c: Citation) -> CitationView:
    """The headline, the meta line's parts, the notes and the quote's place of ``c``, in the order shown."""
    notes = []
    if c.heading:
        notes.append(Note("heading", c.heading))
    if c.context_before:
        notes.append(Note("context", c.context_before))
    if c.answer_text:
        notes.append(Note("answer", c.answer_text))
    notes += [Note("date", d.text, d.resolved, d.basis) for d in c.dates]
    span = tuple(c.answer_span) if c.answer_span else None
    return CitationView(int(c.n), c.title or UNTITLED, meta_parts(c.date, c.source, c.section, c.kind, c.paragraph),
                        tuple(notes), c.quote, c.doc_id, c.kind, int(c.paragraph), int(c.start), int(c.end), span)


def timeline_view(t: TimelineEntry) -> TimelineView:
    """One entry of ``Answer.timeline`` as every presenter shows it."""
    meta = tuple(x for x in (t.source, t.when) if x)
    return TimelineView(str(t.n), t.quote, t.title, meta)


def unsure_note(answer: Answer) -> str:
    """The line before an unsure answer's quotes, with the reason ("" unless it is unsure): ``Answer.note``,
    which the JSON forms carry as ``note``.

        >>> unsure_note(Answer("q", "", False, (), (), answer_state="unsure",
        ...                    abstain_reason={"code": "low_match", "text": "no passage matches", "terms": []}))
        'Unsure: these are the closest passages; they may not answer the question (no passage matches).'
    """
    return answer.note


def distinct_related(related: Sequence[Hit]) -> list[Hit]:
    """An abstention's related passages, each shown once: a passage that would show the same
    headline, meta line and text as an earlier one (the same story stored twice, as two BBC files
    are) is left out. Rendering only: ``Answer.related`` (and the JSON) keeps them all.

        >>> from dataclasses import replace
        >>> p = Passage("a", "d1", "paragraph", 1, 0, 19, "Budget on 16 March.", ((0, 19),), title="Budget")
        >>> len(distinct_related([Hit(p, 0, 1.0), Hit(replace(p, passage_id="b", doc_id="d2"), 1, 0.9)]))
        1
    """
    seen, out = set(), []
    for h in related:
        v = passage_view(h.passage)
        if (key := (v.title, v.meta, " ".join(v.text.split()))) not in seen:
            seen.add(key)
            out.append(h)
    return out


_SEARCH_CONTEXT = re.compile(r"^(.*\S)\s+\(([^()]*)\)$")  # "Why? (happened Yukos)": words searched beside


def reading_line(answer: Answer, history: Sequence = ()) -> str:
    """How a question was read as a follow-up, in a reader's words ("" when it was asked as typed).

    One form: "Read as a follow-up to “<the earlier question>”", then, when the question was
    rewritten, ": “<the question as read>”" (without the earlier turn's words the engine searches
    beside it, in brackets in ``resolved_question``, which the JSON keeps). The earlier question is
    the latest of ``history`` (as ``Engine.ask`` takes it) with a topic of its own, as ``qa.followup``
    picks it; "the question before" when no history is given.

        >>> a = Answer("Why?", "", False, (), (), resolved_question="Why? (happened Yukos)", rewritten=True)
        >>> reading_line(a, ["What happened to Yukos?"])
        'Read as a follow-up to \u201cWhat happened to Yukos?\u201d'
        >>> reading_line(Answer("Who did he beat?", "", False, (), (), rewritten=True,
        ...                     resolved_question="Who did Lleyton Hewitt beat? (Australian Open)"))
        'Read as a follow-up to the question before: \u201cWho did Lleyton Hewitt beat?\u201d'
    """
    if not answer.rewritten:
        return ""
    searched = answer.resolved_question or answer.question
    m = _SEARCH_CONTEXT.match(searched)
    core = m.group(1) if m else searched
    asked = [Turn.of(t).question for t in history]
    earlier = next((q for q in reversed(asked) if topic_words(q)), "")
    if core.strip() != answer.question.strip() and core in asked:  # an ellipsis re-asking an earlier question ("And Kim?": "How old is Putin? (Kim)")
        earlier = core
    line = f"Read as a follow-up to \u201c{earlier}\u201d" if earlier else "Read as a follow-up to the question before"
    return f"{line}: \u201c{core}\u201d" if core.strip() not in (answer.question.strip(), earlier) else line


def passage_view(p: Passage) -> PassageView:
    """A related passage's headline, meta line and text."""
    return PassageView(p.title or UNTITLED, meta_parts(p.date, p.source, p.section, p.kind, p.paragraph), p.text)
