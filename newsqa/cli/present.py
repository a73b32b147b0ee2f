"""Answers as a person reads them in a terminal (formatting only: the data comes from ``qa``; a
citation and a related passage are rendered from ``qa.present``'s views, as the browser's cards are)."""

from __future__ import annotations

import os
import textwrap

from newsqa.embeddings.plural import count  # noqa: F401  (the CLI's plurals; re-exported)
from newsqa.qa.present import (RELATED_SHOWN, CitationView, Note, citation_view, distinct_related, passage_view,
                               reading_line, timeline_view, unsure_note)

WIDTH = 100


MORE_RELATED = "--all shows them, --json lists them"
BOLD, PLAIN = "\x1b[1m", "\x1b[0m"  # ANSI bold and reset: the one emphasis the terminal output uses


def wants_bold(stream) -> bool:
    """Bold (ANSI) only on a terminal, and not when ``NO_COLOR`` is set: a pipe or a log gets plain text."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def format_answer(answer, all_related: bool = False, more: str = MORE_RELATED, history=(), bold: bool = False) -> str:
    """The answer as a person reads it in a terminal: the short answer (``bold``: in ANSI bold), the
    quotes with markers, then the citations (an abstention: the first ``RELATED_SHOWN`` related
    passages, one line each, and ``more`` saying how to see the rest; ``all_related``: all of them).
    ``history``: the earlier turns it was asked with (the follow-up's reading line names the question
    it follows)."""
    lines = _head(answer, history, bold)
    if answer.abstained:
        return "\n".join(lines + _related(answer, None if all_related else RELATED_SHOWN, more))
    lines.append("")
    for c in answer.citations:  # the short answer is said above, not again under its citation
        lines += citation_lines(citation_view(c), short_answer=False)
    return "\n".join(lines + _timeline(answer))


def short_answer_line(answer, bold: bool = False) -> str:
    """ "Short answer: X [1]" (several marked quotes: "X [1]; Y [2]"), "" when no quote marks one."""
    marked = [(c.answer_text, c.n) for c in answer.citations if c.answer_text]
    if not marked:
        return ""
    (text, n), rest = marked[0], marked[1:]
    head = f"{BOLD}Short answer: {text}{PLAIN}" if bold else f"Short answer: {text}"
    return "; ".join([f"{head} [{n}]", *(f"{t} [{m}]" for t, m in rest)])


def _head(answer, history=(), bold: bool = False) -> list[str]:
    """The answer's state (the unsure note) and short answer, its text, how a follow-up was read and
    the comparison's verdict."""
    lines = [textwrap.fill(answer.answer, width=WIDTH)]
    if short := short_answer_line(answer, bold):
        lines.insert(0, short)
    if note := unsure_note(answer):
        lines.insert(0, note)
    if reading := reading_line(answer, history):
        lines.append(f"({reading})")
    if getattr(answer, "verdict", ""):
        lines.append(f"Compared: {answer.verdict}")
    return lines


def _related(answer, shown: int | None, hint: str) -> list[str]:
    """An abstention's related passages (not an answer): one line each, an excerpt then
    ``(headline, date, source, section, paragraph)``; the first ``shown`` of them (None: all)."""
    if not answer.related:
        return []
    related = distinct_related(answer.related)  # the same story stored twice is listed once
    lines = ["\nRelated, not an answer:"]
    for h in related[:shown]:
        v = passage_view(h.passage)
        meta = v.meta if v.text == v.title else (v.title, *v.meta)  # a headline is not said twice
        lines.append(f"- {v.excerpt()} ({', '.join(meta)})")
    more = len(related) - len(lines) + 1
    if more > 0:
        lines.append(f"  ... and {more} more ({hint})")
    return lines


def citation_lines(v: CitationView, short_answer: bool = True) -> list[str]:
    """One citation: ``[n] title (date, source, section, where)``, then a line per note
    (``short_answer=False``: not the short answer's, which ``format_answer`` says first)."""
    notes = [n for n in v.notes if short_answer or n.kind != "answer"]
    return [f"[{v.n}] {v.title} ({', '.join(v.meta)})"] + [f"    {note_line(note)}" for note in notes]


def note_line(note: Note) -> str:
    """A note as plain text: ``under the subheading X``, ``preceded by: “X”``, ``“text” = resolved (basis)``."""
    if note.kind == "date":
        return f"\u201c{note.text}\u201d = {note.resolved} ({note.basis})"
    if note.kind == "context":
        return f"{note.label} \u201c{note.text}\u201d"
    return f"{note.label} {note.text}"


def _timeline(answer) -> list[str]:
    """Earlier reports of the story, newest first."""
    if not answer.timeline:
        return []
    lines = ["\nEarlier reports of this story (newest first):"]
    for v in map(timeline_view, answer.timeline):
        lines.append(textwrap.fill(f"[{v.n}] \u201c{v.quote}\u201d", width=WIDTH, initial_indent="  ",
                                   subsequent_indent="      "))
        lines.append(f"      {v.title} ({', '.join(v.meta)})")
    return lines
