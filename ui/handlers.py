"""What the app's buttons do: one method per event, over one shared Engine and a per-session dict.

Every method takes the session's ``gr.State`` dict and returns a new one; nothing mutable is kept
on the instance except the engine and settings. No Gradio here (its import costs seconds, and the
tests of these methods need none): updates of components are ``ui.updates`` values, and what Gradio
hands over by annotation or default value (the clicked row, the upload's progress bar) is unpacked by
``ui.events`` before it reaches these methods.
"""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup

from newsqa.embeddings.errors import NewsqaError
from newsqa.embeddings.migrations import stale_postings_note
from newsqa.embeddings.plural import count
from newsqa.qa.explain import filter_note
from newsqa.qa.types import Filters

from . import documents as docs
from . import format as fmt
from .updates import skip, update
from .uploads import UploadLimits, index_uploads, save_uploads, upload_outcomes

MAX_TURNS_SHOWN = 20  # source sections kept in the panel; older ones drop off
SUMMARY_OUTPUTS = 5  # what ``refresh_summary`` returns: the Index box, sections, sources, dates, filters note
SKIP_SUMMARY = (skip(),) * SUMMARY_OUTPUTS


def _no_progress(fraction: float, desc: str = "") -> None:
    """No bar to move (``add_files`` called outside a Gradio event)."""


def new_session() -> dict:
    """A conversation: its questions (for follow-ups), the HTML of each turn's sources, the last question."""
    return {"questions": [], "turns": [], "count": 0, "last": ""}


def new_documents_state() -> dict:
    """The Documents panel of one browser session: the articles listed and selected in its table and
    those the chat is limited to (``scope``). A state of its own, not keys of the conversation: Gradio
    writes a state whole when an event ends, so the table filled at page load, ending after a first
    question, wrote back the conversation it had read before it and dropped that question's sources."""
    return {"listed": [], "selected": "", "scope": []}


def alone_label(question: str, limit: int = 60) -> str:
    """The "ask it as a new question" button's label, naming the question (cut at ``limit``)."""
    q = question if len(question) <= limit else question[: limit - 1].rsplit(" ", 1)[0] + "\u2026"
    return f"Ask \u201c{q}\u201d as a new question, not a follow-up"


def filters_shown(summary: dict) -> dict[str, bool]:
    """Which filters the index has values for: ``dates``, ``sections``, ``sources`` (``Engine.summary()``)."""
    return {"dates": bool(summary.get("date_from")), "sections": bool(summary.get("sections")),
            "sources": bool(summary.get("sources"))}


def summary_box(engine, summary: dict) -> str:
    """The Index box: the summary table and, for an index whose word postings predate this tokenizer,
    the one-line note ``newsqa ask`` / ``chat`` / ``serve`` print on stderr (what to run to update it)."""
    return fmt.summary_html(summary, stale_postings_note(engine.index_dir, engine.reader.info) or "")


def scope_html(docs_state: dict) -> str:
    n = len(docs_state.get("scope") or [])
    if not n:
        return ""
    return (f"<div class='nq-note' id='nq-scope-note'>Asking only {count(n, 'article', thousands=True)} chosen in "
            "<em>Documents</em>; <em>Ask all articles</em> there lifts it.</div>")


class Handlers:
    """The event handlers of one app (see ``ui.app.build_app``)."""

    def __init__(self, engine, upload_dir: Path, limits: UploadLimits, parse_filters):
        self.engine = engine
        self.upload_dir = Path(upload_dir)
        self.limits = limits
        self.parse_filters = parse_filters

    # --- the chat -------------------------------------------------------------------------------

    def chat_turn(self, question: str, chat: list, session: dict, date_from: str, date_to: str, sections: list,
                  sources: list, kind: str, k: float, docs_state: dict | None = None, alone: bool = False):
        """One question of the conversation (``docs_state``: the Documents panel's, for its scope)."""
        chat = list(chat or [])
        session = dict(session or new_session())
        question = (question or "").strip()
        if not question:
            return chat, session, skip(), skip(), skip(), skip()
        chat.append({"role": "user", "content": fmt.md_text(question)})
        session["last"] = question
        try:
            f = self.parse_filters(date_from, date_to, sections, sources, kind)
            if scope := (docs_state or {}).get("scope"):
                f = Filters(f.date_from, f.date_to, f.sections, f.sources, f.kinds, tuple(scope))
            self.engine.refresh()  # pick up articles another session (or process) added
            history = [] if alone else session["questions"]
            answer = self.engine.ask(question, k=int(k), filters=f, history=history)
        except NewsqaError as e:
            chat.append({"role": "assistant", "content": fmt.error_markdown(str(e))})
            return chat, session, skip(), "", update(visible=False), update(visible=False)
        turn = session["count"] + 1
        snapshot = self.engine.snapshot
        shown, unfilter = answer, False
        if answer.abstained and not f.is_empty():
            note = filter_note(snapshot, f, chosen="chosen in Documents")  # the panel's words, not the CLI's
            without = self.engine.ask(question, k=int(k), history=history)
            chat.append({"role": "assistant", "content": fmt.filter_note_markdown(note, without, turn, history)})
            shown, unfilter = without, True
            searched = f"{note} Shown: the answer without the filters."
        else:
            chat.append({"role": "assistant", "content": fmt.answer_markdown(answer, turn, history)})
            searched = (f"searched the best {int(k)} of {count(len(snapshot.passages), 'passage', thousands=True)}"
                        + (" (filtered)" if not f.is_empty() else ""))
        session["count"] = turn
        # The answer's names are carried into follow-ups ("they" = the people it quoted).
        said = "" if shown.abstained else shown.answer
        session["questions"] = session["questions"] + [{"question": question, "answer": said}]
        card = fmt.turn_html(shown, turn, snapshot.documents, note=searched)
        session["turns"] = (session["turns"] + [card])[-MAX_TURNS_SHOWN:]
        # "Ask it as a new question" only when the question was read as a follow-up ("Read as a follow-up to ...")
        alone_btn = update(visible=bool(getattr(shown, "rewritten", False)), value=alone_label(question))
        return (chat, session, fmt.sources_html(session["turns"]), "", update(visible=unfilter), alone_btn)

    def ask_alone(self, chat: list, session: dict, *rest):
        """The last question again, word for word, as a new question (no follow-up reading)."""
        return self.chat_turn((session or {}).get("last", ""), chat, session, *rest, alone=True)

    def clear(self, session: dict):
        """A new conversation (the Documents panel, its scope included, stays as it is)."""
        return [], new_session(), fmt.sources_html([]), "", update(visible=False), update(visible=False)

    def unfilter(self, session: dict, docs_state: dict):
        """"Ask without filters": empty every filter and the scope, and put the last question back in the box."""
        docs_state = dict(docs_state or new_documents_state())
        docs_state["scope"] = []
        return ("", "", [], [], "any", docs_state, (session or {}).get("last", ""), scope_html(docs_state))

    # --- index summary, article view ---------------------------------------------------------------

    def refresh_summary(self):
        """The Index box and the filters that have values (a filter with nothing to choose is hidden)."""
        self.engine.refresh()
        s = self.engine.summary()
        shown = filters_shown(s)
        return (summary_box(self.engine, s), update(choices=s["sections"], visible=shown["sections"]),
                update(choices=s["sources"], visible=shown["sources"]), update(visible=shown["dates"]),
                update(value=(note := fmt.filters_note_html(shown)), visible=bool(note)))

    def open_article(self, request: str):
        try:
            r = json.loads(request or "{}")
            doc_id, start, end = str(r["doc"]), int(r["start"]), int(r["end"])
            span = (int(r.get("a", 0)), int(r.get("b", 0)))
        except (ValueError, KeyError, TypeError):
            return fmt.article_html(None, 0, 0), update(visible=True)
        doc = self.engine.snapshot.documents.get(doc_id)
        return fmt.article_html(doc, start, end, span if span[1] > span[0] else None), update(visible=True)

    # --- the Documents panel --------------------------------------------------------------------

    def docs_table(self, query: str, docs_state: dict):
        docs_state = dict(docs_state or new_documents_state())
        self.engine.refresh()
        rows = docs.document_rows(self.engine.snapshot)
        listed = docs.search(rows, query)
        docs_state["listed"] = [r.doc_id for r in listed]
        if docs_state.get("selected") not in docs_state["listed"]:
            docs_state["selected"] = ""
        value = [r.cells() + [r.doc_id[:8]] for r in listed]
        return update(value=value), docs_state, self._docs_info(docs_state, len(rows))

    def _docs_info(self, docs_state: dict, total: int, extra: str = "") -> str:
        sel = docs_state.get("selected")
        row = next((r for r in docs.document_rows(self.engine.snapshot) if r.doc_id == sel), None) if sel else None
        parts = [f"{count(len(docs_state.get('listed') or []), 'article', thousands=True)} listed of {total:,}."]
        if row:
            up = " (uploaded: can be deleted)" if docs.is_upload(row, self.upload_dir) else ""
            parts.append(f"Selected: \u201c{row.title}\u201d{up}.")
        else:
            parts.append("Click a row to select an article.")
        html = Markup("<div class='nq-note' id='nq-docs-note'>{}</div>").format(" ".join(parts))
        return str(html + (Markup("<div class='nq-note'>{}</div>").format(extra) if extra else ""))

    def docs_select(self, docs_state: dict, row_value: list | None):
        """A click on a Documents row (``row_value``: its cells, the short id last) selects its article."""
        docs_state = dict(docs_state or new_documents_state())
        value = row_value or []
        short = str(value[-1]) if value else ""
        if short:  # the table shows the first 8 hex digits of the id; sorting moves rows, the id does not
            docs_state["selected"] = next((d for d in docs_state.get("listed") or [] if d.startswith(short)), "")
        return docs_state, self._docs_info(docs_state, len(self.engine.snapshot.documents))

    def scope_listed(self, docs_state: dict):
        docs_state = dict(docs_state or new_documents_state())
        docs_state["scope"] = list(docs_state.get("listed") or [])
        return docs_state, scope_html(docs_state)

    def scope_selected(self, docs_state: dict):
        docs_state = dict(docs_state or new_documents_state())
        docs_state["scope"] = [docs_state["selected"]] if docs_state.get("selected") else []
        return docs_state, scope_html(docs_state)

    def scope_all(self, docs_state: dict):
        docs_state = dict(docs_state or new_documents_state())
        docs_state["scope"] = []
        return docs_state, scope_html(docs_state)

    def delete_selected(self, query: str, docs_state: dict):
        docs_state = dict(docs_state or new_documents_state())
        sel = docs_state.get("selected")
        row = next((r for r in docs.document_rows(self.engine.snapshot) if r.doc_id == sel), None)
        if row is None:
            table, docs_state, info = self.docs_table(query, docs_state)
            return (table, docs_state, info + "<div class='nq-refused'>Select an article first.</div>", *SKIP_SUMMARY)
        try:
            done = docs.delete_upload(row, self.engine, self.upload_dir)
        except NewsqaError as e:
            table, docs_state, info = self.docs_table(query, docs_state)
            info += str(Markup("<div class='nq-refused'>{}</div>").format(str(e)))
            return (table, docs_state, info, *SKIP_SUMMARY)
        docs_state["selected"] = ""
        docs_state["scope"] = [d for d in docs_state.get("scope") or [] if d != row.doc_id]
        table, docs_state, info = self.docs_table(query, docs_state)
        kept = (f"; the file and its other {count(done.others_kept, 'article', thousands=True)} stay"
                if done.others_kept else "")
        info += str(Markup("<div class='nq-ok'>Deleted \u201c{}\u201d ({}{}).</div>").format(row.title, row.file, kept))
        return (table, docs_state, info, *self.refresh_summary())

    # --- uploads --------------------------------------------------------------------------------

    def add_files(self, files, progress=None, notify=None):
        """Save and index uploaded ``files``; ``progress(fraction, desc=...)`` moves a bar and ``notify(text)``
        shows the outcome (``ui.events`` passes Gradio's; both optional)."""
        progress = progress or _no_progress
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        if not paths:
            return (fmt.upload_lines_html([fmt.UploadLine("(nothing)", "refused", "choose one or more files first")]),
                    *SKIP_SUMMARY, skip())
        progress(0.05, desc="Checking files")
        res = save_uploads(paths, self.upload_dir, self.limits)
        lines = [fmt.UploadLine(n, "refused", why) for n, why in res.refused]
        summary = ""
        if res.saved:
            before = self.engine.snapshot
            known_files, known_docs = set(getattr(before, "files", {}) or {}), set(before.documents.keys())
            try:
                report = index_uploads([p for _, p in res.saved], self.engine,
                                       progress=lambda f, d: progress(f, desc=d))
            except NewsqaError as e:
                lines += [fmt.UploadLine(n, "refused", str(e)) for n, _ in res.saved]
                return (fmt.upload_lines_html(lines), *SKIP_SUMMARY, None)
            lines += self._saved_lines(res.saved, report, known_files, known_docs)
            summary = (f"The index now holds {count(report.documents_total, 'article', thousands=True)} and "
                       f"{count(report.passages_total, 'passage', thousands=True)}.")
        progress(1.0, desc="Done")
        added = sum(1 for line in lines if line.status == "ok")
        if notify is not None:
            notify(f"Upload: {added} added, {len(lines) - added} not added (see the list under the button).")
        return (fmt.upload_lines_html(lines, summary), *self.refresh_summary(), None)

    def _saved_lines(self, saved, report, known_files: set, known_docs: set) -> list[fmt.UploadLine]:
        """Per saved file: added (with its title), a duplicate (same file, or an article already held),
        or not indexed (the reader's reason)."""
        snap = self.engine.snapshot
        out = []
        for o in upload_outcomes(saved, report, snap, known_files, known_docs):
            titles = ", ".join(f"\u201c{fmt.title_of(snap.documents.get(i) or {})}\u201d" for i in o.doc_ids[:3])
            if o.status == "ok":
                said = "".join(f"; {t}" for t in o.notes)
                out.append(fmt.UploadLine(o.name, "ok", f"{count(len(o.doc_ids), 'article', thousands=True)}: {titles}{said}"))
            elif o.status == "duplicate" and o.doc_ids:
                out.append(fmt.UploadLine(o.name, "duplicate", f"{o.reason}: {titles}"))
            else:
                out.append(fmt.UploadLine(o.name, o.status, o.reason))
        return out
