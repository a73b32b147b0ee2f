"""Answers as a person reads them in a terminal (formatting only: the data comes from ``qa``)."""

from __future__ import annotations

import textwrap

from newsqa.qa.types import location_label

WIDTH = 100


def count(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def format_answer(answer) -> str:
    """The answer as a person reads it in a terminal: quotes with markers, then the citations."""
    lines = _head(answer)
    if answer.abstained:
        return "\n".join(lines + _related(answer))
    lines.append("")
    for c in answer.citations:
        lines += _citation(c)
    return "\n".join(lines + _timeline(answer))


def _head(answer) -> list[str]:
    """The answer's text, with the unsure note, the rewritten search and the comparison's verdict."""
    lines = [textwrap.fill(answer.answer, width=WIDTH)]
    if getattr(answer, "answer_state", "") == "unsure":
        why = (answer.abstain_reason or {}).get("text", "")
        lines.insert(0, "Unsure: these are the closest passages; they may not answer the question"
                     + (f" ({why})." if why else "."))
    if getattr(answer, "rewritten", False):
        lines.append(f"(Searched for: {answer.resolved_question})")
    if getattr(answer, "verdict", ""):
        lines.append(f"Compared: {answer.verdict}")
    return lines


def _related(answer) -> list[str]:
    """An abstention's related passages (not an answer)."""
    if not answer.related:
        return []
    lines = ["\nRelated, but not an answer:"]
    for h in answer.related:
        p = h.passage
        lines.append(textwrap.fill(f"- {p.text}", width=WIDTH, subsequent_indent="  "))
        lines.append(f"  ({p.title}, {p.date or 'undated'}, {p.kind} {p.paragraph})")
    return lines


def _citation(c) -> list[str]:
    """One citation: ``[n] title (source, date, section, where)`` and its details."""
    meta = ", ".join(x for x in (c.source, c.date or "undated", c.section, location_label(c.kind, c.paragraph)) if x)
    lines = [f"[{c.n}] {c.title} ({meta})"]
    if c.heading:
        lines.append(f"    under the subheading {c.heading}")
    if c.answer_text:
        lines.append(f"    short answer: {c.answer_text}")
    for d in c.dates:
        lines.append(f"    \u201c{d['text']}\u201d = {d['resolved']} ({d['basis']})")
    return lines


def _timeline(answer) -> list[str]:
    """Earlier reports of the story, newest first."""
    if not answer.timeline:
        return []
    lines = ["\nEarlier reports of this story (newest first):"]
    for t in answer.timeline:
        lines.append(textwrap.fill(f"[{t.get('n', '')}] \u201c{t['quote']}\u201d", width=WIDTH, initial_indent="  ",
                                   subsequent_indent="      "))
        lines.append(f"      {t.get('title', '')} ({t.get('source') or ''}{', ' if t.get('source') else ''}{t['when']})")
    return lines
