"""What a citation shows, once, for every presenter (the terminal, the browser): data, not markup.

    >>> from newsqa.qa.types import Citation
    >>> c = Citation(n=1, quote="He said yes.", doc_id="d", passage_id="p", title="Talks", date="",
    ...              source="Reuters", section="", kind="paragraph", paragraph=3, start=0, end=12, score=1.0,
    ...              context_before="Putin was asked.")
    >>> v = citation_view(c)
    >>> v.meta
    ('undated', 'Reuters', 'paragraph 3')
    >>> [(n.kind, n.text) for n in v.notes]
    [('context', 'Putin was asked.')]
"""

from __future__ import annotations

from dataclasses import dataclass

from .types import Citation, location_label

UNTITLED = "(untitled)"


@dataclass(frozen=True)
class Note:
    """One line under a citation. ``kind``: ``heading`` (the subheading it sits under), ``context``
    (the sentence before, where the quote alone would mislead), ``answer`` (the short answer) or
    ``date`` (a relative date resolved: ``text`` = ``resolved``, ``basis``)."""

    kind: str
    text: str
    resolved: str = ""
    basis: str = ""


@dataclass(frozen=True)
class CitationView:
    n: int
    title: str  # the headline, or "(untitled)"
    meta: tuple[str, ...]  # date (or "undated"), source, section, where in the page; empty ones left out
    notes: tuple[Note, ...]


def citation_view(c: Citation) -> CitationView:
    """The headline, the meta line's parts and the notes of ``c``, in the order they are shown."""
    notes = []
    if c.heading:
        notes.append(Note("heading", c.heading))
    if c.context_before:
        notes.append(Note("context", c.context_before))
    if c.answer_text:
        notes.append(Note("answer", c.answer_text))
    notes += [Note("date", d.get("text", ""), d.get("resolved", ""), d.get("basis", "")) for d in c.dates]
    meta = tuple(x for x in (c.date or "undated", c.source, c.section, location_label(c.kind, c.paragraph)) if x)
    return CitationView(int(c.n), c.title or UNTITLED, meta, tuple(notes))
