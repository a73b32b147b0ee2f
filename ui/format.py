"""Answers to what the browser shows: chat Markdown with citation markers, source cards as HTML.

Pure functions (no Gradio), so they are tested on their own. Article text, titles, questions and
file names are untrusted: every piece of it passes through ``md_text`` (chat Markdown) or is
put into panel HTML by ``markupsafe.Markup.format`` (which escapes every argument that is not
itself ``Markup``) before it is shown, so ``<script>``, ``<img onerror=...>`` and
``[x](javascript:...)`` show as the characters they are and run nothing.

    >>> md_text("[x](javascript:alert(1))")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    >>> str(escape("<b>"))
    '&lt;b&gt;'
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup
from markupsafe import escape as _escape

from newsqa.embeddings.plural import count
from newsqa.qa.present import (UNDATED, CitationView, Note, citation_view, distinct_related, passage_view,
                               reading_line, timeline_view, unsure_note)
from newsqa.qa.types import Answer, Citation, Hit

from .documents import title_of

# Characters that mean something to Markdown (and to Gradio's LaTeX/tag handling): each is shown
# literally, either as an HTML entity or backslash-escaped (CommonMark allows escaping any ASCII
# punctuation).
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_MD_PUNCT = frozenset(string.punctuation) - set(_ENTITIES)

RELATED_LABEL = "related, not an answer"
CHAT_SNIPPET_CHARS = 220
HEADLINE_WINDOW = 3  # listed headlines shown on each side of a cited one
ANSWER_MD = "***"  # around the short answer in chat Markdown (headings are ``**``; see ``_quote_md``)


def escape(text: object) -> Markup:
    """HTML-escape any value (quotes included), for text and attribute values alike (always: a
    ``Markup`` value passed in is escaped as its plain text)."""
    return _escape("" if text is None else str(text))


def _join(parts) -> Markup:
    return Markup("").join(parts)


def md_text(text: object) -> str:
    """Untrusted text as Markdown that renders exactly as that text (no markup, links, HTML, LaTeX).

    Line breaks become spaces: a quote is one run of text, never a Markdown block.
    """
    out = []
    for ch in " ".join(("" if text is None else str(text)).split()):
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _MD_PUNCT:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def anchor(turn: int, n: int, prefix: str = "c") -> str:
    """The element id of a source card: turn number and citation number (``nq-t2-c1``)."""
    return f"nq-t{turn}-{prefix}{n}"


def marker(turn: int, n: int) -> str:
    """A citation marker in chat Markdown: ``[1]``, a link to its source card in the panel."""
    return f"[\\[{n}\\]](#{anchor(turn, n)})"


def _snippet(text: str, limit: int = CHAT_SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "\u2026"


def _md_keep_edges(text: str) -> str:
    """``md_text`` that keeps a leading and trailing space (the text beside a bold short answer)."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + md_text(text) + trail


def _quote_md(c: Citation) -> str:
    """The quote with its short answer marked, when there is one: ``***x***`` (``<em><strong>``),
    which the page's CSS shows as a highlight of the text's size and weight, so that it is told from
    the bold headings (``**Not found...**``, ``**Compared:**``), which are plain ``<strong>``."""
    if c.answer_span and c.start <= c.answer_span[0] < c.answer_span[1] <= c.end:
        a, b = c.answer_span[0] - c.start, c.answer_span[1] - c.start
        return (_md_keep_edges(c.quote[:a]) + ANSWER_MD + md_text(c.quote[a:b]) + ANSWER_MD
                + _md_keep_edges(c.quote[b:]))
    return md_text(c.quote)


def answer_markdown(answer: Answer, turn: int, history: list | tuple = ()) -> str:
    """The chat reply: quotes with numbered markers, or the abstention with what is related.

    Args:
        answer: what ``Engine.ask`` returned.
        turn: the number of this question in the conversation (markers link to ``nq-t{turn}-c{n}``).
        history: the earlier turns the question was asked with (for the follow-up's reading line).
    """
    if answer.abstained:
        head = answer.answer
        if answer.coverage and head.endswith(answer.coverage):
            head = head[: -len(answer.coverage)].strip()
        lines = [f"**{md_text(head)}**"]
        if answer.coverage:
            lines.append(md_text(answer.coverage))
        if answer.related:
            lines.append(f"**{md_text(RELATED_LABEL.capitalize())}:**")
            for i, h in enumerate(distinct_related(answer.related), 1):
                p, v = h.passage, passage_view(h.passage)
                # the meta of the terminal's line: "headline list, position 97" says a headline is one of
                # the page's list of other stories, not the story of the article named beside it
                where = md_text(", ".join(v.meta if v.text == v.title else (v.title, *v.meta)))
                lines.append(f"- \u201c{md_text(_snippet(p.text))}\u201d \u2014 *{where}* "
                             f"[\\(see\\)](#{anchor(turn, i, 'r')})")
        return "\n\n".join(lines) + searched_for_markdown(answer, history)
    parts = [f"\u201c{_quote_md(c)}\u201d {marker(turn, c.n)}" for c in answer.citations]
    text = " ".join(parts)
    if note := unsure_note(answer):  # a weak quote must not look like a sure one
        text = f"*{md_text(note)}*\n\n" + "\n\n".join(f"> {p}" for p in parts)
    if getattr(answer, "verdict", ""):
        text += f"\n\n**Compared:** {md_text(answer.verdict)}"
    if answer.timeline:
        text += "\n\n**Earlier reports of this story:**\n" + "\n".join(
            f"- \u201c{md_text(v.quote)}\u201d \\[{v.n}\\] \u2014 "
            f"*{md_text(', '.join(x for x in (v.title, *v.meta) if x))}*" for v in map(timeline_view, answer.timeline))
    return text + searched_for_markdown(answer, history)


def searched_for_markdown(answer: Answer, history: list | tuple = ()) -> str:
    """How the question was read, under an answer read as a follow-up ("" otherwise):
    ``qa.present.reading_line`` (the terminal shows the same words)."""
    line = reading_line(answer, history)
    return f"\n\n*{md_text(line)}*" if line else ""


def error_markdown(message: str) -> str:
    return "**Cannot answer:** " + md_text(message)


# --- the sources panel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredBlock:
    """One block of a stored document row (``documents[doc_id]["blocks"]``, stored as
    ``[kind, start, end, number, heading]``): a paragraph or a headline and its offsets.

    Attributes:
        kind: ``"paragraph"`` or ``"headline"``.
        start, end: character offsets into the document text.
        number: the paragraph's number, or the headline's position in the page's list (0: the
            article's own headline).
        heading: the subheading above a paragraph, if any.
    """

    kind: str
    start: int
    end: int
    number: int
    heading: str = ""

    @classmethod
    def from_row(cls, row) -> "StoredBlock":
        return cls(str(row[0]), int(row[1]), int(row[2]), int(row[3]), str(row[4]) if len(row) > 4 else "")


def stored_blocks(document: dict | None) -> list[StoredBlock]:
    """The blocks of a stored document row, typed."""
    return [StoredBlock.from_row(b) for b in (document or {}).get("blocks", [])]


def _block_of(document: dict | None, kind: str, start: int, end: int) -> StoredBlock | None:
    """The stored block (paragraph or listed headline) holding ``[start, end)``."""
    for b in stored_blocks(document):
        if b.kind == kind and b.start <= start and end <= b.end:
            return b
    return None


def _highlight(text: str, base: int, start: int, end: int, span: tuple[int, int] | None) -> Markup:
    """``text`` (which starts at document offset ``base``) escaped, with [start, end) in a <mark>
    and the short answer ``span`` inside it in a <strong class="nq-answer">."""
    s, e = max(0, start - base), min(len(text), end - base)
    inner = escape(text[s:e])
    if span and start <= span[0] < span[1] <= end:
        a, b = span[0] - base, span[1] - base
        inner = Markup('{}<strong class="nq-answer" title="short answer">{}</strong>{}').format(
            text[s:a], text[a:b], text[b:e])
    return Markup('{}<mark class="nq-quote">{}</mark>{}').format(text[:s], inner, text[e:])


def _meta_line(title_bits: list[str]) -> Markup:
    return Markup(" \u00b7 ").join(x for x in title_bits if x)


def _headline_list(document: dict | None, block: StoredBlock, start: int, end: int, span) -> Markup:
    """The listed headlines around a cited one, the cited one highlighted."""
    text = (document or {}).get("text", "")
    listed = sorted((b for b in stored_blocks(document) if b.kind == "headline" and b.number > 0),
                    key=lambda b: b.number)
    idx = next((i for i, b in enumerate(listed) if b == block), None)
    if idx is None:
        return Markup("")
    window = listed[max(0, idx - HEADLINE_WINDOW): idx + HEADLINE_WINDOW + 1]
    items = []
    for b in window:
        if b == block:
            items.append(Markup('<li class="nq-hit">{}</li>').format(_highlight(text[b.start:b.end], b.start, start, end, span)))
        else:
            items.append(Markup("<li>{}</li>").format(text[b.start:b.end]))
    return Markup('<ol class="nq-headlines" start="{}">{}</ol>').format(window[0].number, _join(items))


def _card_body(v: CitationView, document: dict | None) -> Markup:
    """The paragraph (or the headline list) around the quote, the quote highlighted."""
    block = _block_of(document, v.kind, v.start, v.end)
    text = (document or {}).get("text", "")
    body = Markup("")
    if block is not None and v.kind == "headline" and block.number > 0:
        body = (Markup('<div class="nq-label">From the list of other headlines on the page:</div>')
                + _headline_list(document, block, v.start, v.end, v.answer_span))
    elif block is not None:
        body = Markup('<p class="nq-para">{}</p>').format(
            _highlight(text[block.start:block.end], block.start, v.start, v.end, v.answer_span))
    if not body:
        body = Markup('<p class="nq-para">{}</p>').format(_highlight(v.quote, v.start, v.start, v.end, v.answer_span))
    return body


_NOTE_HTML = {
    "heading": Markup('<div class="nq-note">{label} <em>{text}</em></div>'),
    "context": Markup('<div class="nq-note">{label} \u201c{text}\u201d</div>'),
    "answer": Markup('<div class="nq-note">{label} <strong class="nq-answer">{text}</strong></div>'),
    "date": Markup('<div class="nq-note">\u201c{text}\u201d = {resolved} ({basis})</div>'),
}


def note_html(note: Note) -> Markup:
    """One note under a card, worded as ``qa.present`` words it (the terminal shows the same words)."""
    return _NOTE_HTML[note.kind].format(label=note.label, text=note.text, resolved=note.resolved, basis=note.basis)


def citation_card(c: Citation, document: dict | None, turn: int) -> str:
    """One source card: headline, date, source, section, where, and the whole paragraph (or the
    headline list around a listed headline) with the quote highlighted and the short answer marked,
    then the notes; all from ``qa.present.citation_view`` (as the terminal's citation).

    Args:
        c: the citation.
        document: the stored document row (``snapshot.documents[c.doc_id]``: ``text`` and ``blocks``);
            None shows the quote alone.
        turn: the conversation turn (for the card's anchor id).
    """
    v = citation_view(c)
    return str(Markup(
        '<article class="nq-card" id="{}"><div class="nq-card-head"><span class="nq-n">[{}]</span> '
        '<span class="nq-title">{}</span></div><div class="nq-meta">{}</div>{}{}{}</article>').format(
        anchor(turn, v.n), v.n, v.title, _meta_line(v.meta), _card_body(v, document),
        _join(note_html(note) for note in v.notes), Markup(open_link(v.doc_id, v.start, v.end, v.answer_span))))


def open_link(doc_id: str, start: int, end: int, span: tuple[int, int] | None = None) -> str:
    """The card's "Open the article" link: the app's script opens the article view for these offsets."""
    a, b = span or (0, 0)
    return str(Markup('<a class="nq-open" href="#nq-article" role="button" data-doc="{}" data-start="{}" '
                      'data-end="{}" data-a="{}" data-b="{}">Open the article ↗</a>').format(
        doc_id, int(start), int(end), int(a), int(b)))


def _safe_url(url: str) -> str:
    """``url`` if it is a plain http(s) address, else "" (never a javascript: or data: link)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and not any(ch.isspace() for ch in url) else ""


def article_html(document: dict | None, start: int, end: int, span: tuple[int, int] | None = None) -> str:
    """The whole stored article, the quote ``[start, end)`` in ``<mark id="nq-article-quote">``.

    Args:
        document: the stored document row (``text``, ``title``, ``date``, ``source``, ``section``,
            ``origin``, ``url``); None says the article is no longer in the index.
        start, end: the quote's document offsets; span: the short answer inside it, if any.
    """
    if not document:
        return '<div class="nq-article"><p class="nq-empty">This article is no longer in the index.</p></div>'
    meta = _meta_line([document.get("date") or UNDATED, document.get("source"), document.get("section")])
    origin = document.get("origin") or ""
    url = _safe_url(document.get("url", ""))
    links = Markup('<div class="nq-meta">file: <code>{}</code></div>').format(origin) if origin else Markup("")
    if url:
        links += Markup('<div class="nq-meta"><a href="{0}" target="_blank" rel="noopener noreferrer nofollow">'
                        "{0}</a></div>").format(url)
    head = Markup('<header class="nq-article-head"><div><h3 class="nq-article-title">{}</h3><div class="nq-meta">{}'
                  '</div></div><button type="button" class="nq-article-x" title="Close (Esc)" '
                  'aria-label="Close the article">Close \u2715</button></header>').format(
        title_of(document), meta)  # the name the Documents table shows
    return str(Markup('<div class="nq-article" role="dialog" aria-label="The whole article">{}{}'
                      '<div class="nq-article-text">{}</div></div>').format(
        head, links, _article_body(document, start, end, span)))


def _article_body(document: dict, start: int, end: int, span: tuple[int, int] | None) -> Markup:
    """The article's text, the cited paragraph in ``<span id="nq-article-para">`` and the quote in it in
    ``<mark id="nq-article-quote">``."""
    text = document.get("text", "")
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end <= start:
        return escape(text)
    block = next((b for b in stored_blocks(document) if b.start <= start and end <= b.end), None)
    a, b = (block.start, block.end) if block else (start, end)
    # str.replace: Markup.replace would escape its arguments (the tags)
    quote = Markup(str(_highlight(text[a:b], a, start, end, span)).replace(
        '<mark class="nq-quote">', '<mark class="nq-quote" id="nq-article-quote">', 1))
    return Markup('{}<span class="nq-cited-para" id="nq-article-para">{}</span>{}').format(text[:a], quote, text[b:])


def related_card(h: Hit, i: int, turn: int) -> str:
    """A nearest passage shown when abstaining, labelled as related, not an answer."""
    v = passage_view(h.passage)
    return str(Markup('<article class="nq-card nq-related" id="{}"><div class="nq-label">{}</div>'
                      '<div class="nq-card-head"><span class="nq-title">{}</span></div>'
                      '<div class="nq-meta">{}</div><p class="nq-para">{}</p></article>').format(
        anchor(turn, i, "r"), RELATED_LABEL, v.title, _meta_line(v.meta), v.text))


def turn_html(answer: Answer, turn: int, documents: dict[str, dict], note: str = "") -> str:
    """The sources of one conversation turn: its question, then a card per citation (or related passage).

    ``note`` (plain text) goes under the question, e.g. what was searched.
    """
    if answer.abstained:
        cards = _join(Markup(related_card(h, i, turn)) for i, h in enumerate(distinct_related(answer.related), 1))
        cards = cards or Markup('<p class="nq-empty">No related passages.</p>')
    else:
        cards = _join(Markup(citation_card(c, documents.get(c.doc_id), turn)) for c in answer.citations)
    note_html = Markup('<div class="nq-turn-note">{}</div>').format(note) if note else Markup("")
    return str(Markup('<section class="nq-turn" id="nq-t{}"><div class="nq-turn-q">Q{}: {}</div>{}{}</section>').format(
        turn, turn, answer.question, note_html, cards))


def sources_html(turns: list[str]) -> str:
    """The whole panel: the turns' sections (each from ``turn_html``), newest first."""
    if not turns:
        return '<div class="nq-sources"><p class="nq-empty">Sources of the answers appear here.</p></div>'
    return '<div class="nq-sources">' + "".join(reversed(turns)) + "</div>"


def summary_html(s: dict, note: str = "") -> str:
    """The index summary (``Engine.summary()``) as a small table; under it ``note``, if any (an index
    that should be updated once: ``embeddings.migrations.stale_postings_note``)."""
    dates = (f"{s['date_from']} to {s['date_to']}" if s.get("date_from") and s["date_from"] != s.get("date_to")
             else s.get("date_from") or "none")
    if s.get("undated"):
        dates += f" ({s['undated']} undated)"
    kinds = ", ".join(count(v, k) for k, v in sorted(s.get("kinds", {}).items()))
    passages = f"{s.get('passages', 0)} ({kinds})" if kinds else s.get("passages", 0)
    rows = [("articles", s.get("articles", 0)), ("passages", passages),
            ("dates", dates), ("sections", ", ".join(s.get("sections", [])) or "none"),
            ("sources", ", ".join(s.get("sources", [])) or "none"), ("model", s.get("model", "")),
            ("updated", s.get("updated", ""))]
    body = _join(Markup("<tr><th>{}</th><td>{}</td></tr>").format(k, v) for k, v in rows)
    table = Markup('<table class="nq-summary">{}</table>').format(body)
    return str(table + (Markup("<div class='nq-note' id='nq-index-note'>{}</div>").format(note) if note else ""))


def filters_note_html(shown: dict[str, bool]) -> str:
    """A line over the filters naming those the index has no values for (hidden), or "" when it has all.

    >>> filters_note_html({"dates": False, "sections": True, "sources": False})
    "<div class='nq-note'>No date or source filter: no article of this index has a date or a source.</div>"
    """
    missing = [name for name in ("date", "section", "source") if not shown.get(name + "s")]
    if not missing:
        return ""
    names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
    with_a = ", ".join(f"a {m}" for m in missing[:-1]) + (" or " if len(missing) > 1 else "") + f"a {missing[-1]}"
    return str(Markup("<div class='nq-note'>No {} filter: no article of this index has {}.</div>").format(names, with_a))


class UploadLine(NamedTuple):
    """What became of one uploaded file: ``status`` is ok, duplicate or refused; ``detail`` says why."""

    name: str
    status: str
    detail: str


def upload_lines_html(lines: list[UploadLine], summary: str = "") -> str:
    """One line per uploaded file (``UploadLine``, or a plain ``(name, status, detail)`` tuple)."""
    cls = {"ok": "nq-ok", "duplicate": "nq-dup", "refused": "nq-refused"}
    label = {"ok": "added", "duplicate": "duplicate", "refused": "refused"}
    items = _join(Markup('<li class="{}"><strong>{}</strong>: {}{}</li>').format(
        cls.get(line.status, "nq-refused"), line.name, label.get(line.status, line.status),
        " — " + line.detail if line.detail else "") for line in map(UploadLine._make, lines))
    out = Markup('<ul class="nq-upload-lines">{}</ul>').format(items) if items else Markup("<div class='nq-note'>No files.</div>")
    return str(out + (Markup("<div class='nq-note'>{}</div>").format(summary) if summary else ""))


def filter_note_markdown(note: str, without: Answer | None, turn: int, history: list | tuple = ()) -> str:
    """The chat reply when the filters left nothing: why, then what the question finds without them."""
    head = f"**{md_text(note)}**"
    if without is None:
        return head
    if without.abstained:
        return head + "\n\nWithout the filters, too: " + md_text(without.answer)
    return head + "\n\n*Without the filters:* " + answer_markdown(without, turn, history)


def upload_report_html(saved: list[str], refused: list[tuple[str, str]], report_line: str = "",
                       skipped: list[tuple[str, str]] = ()) -> str:
    """What an upload did: files added, refused (with why), skipped by the reader, the index report."""
    parts = []
    if saved:
        parts.append(Markup("<div class='nq-ok'>Added: {}</div>").format(", ".join(saved)))
    for name, why in refused:
        parts.append(Markup("<div class='nq-refused'>Refused {}: {}</div>").format(name, why))
    for name, why in skipped:
        parts.append(Markup("<div class='nq-refused'>Not indexed {}: {}</div>").format(name, why))
    if report_line:
        parts.append(Markup("<div class='nq-note'>{}</div>").format(report_line))
    return str(_join(parts)) or "<div class='nq-note'>No files.</div>"
