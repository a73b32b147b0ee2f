"""The browser chat: a Gradio app over one ``Engine``.

    >>> from ui.app import launch                                           # doctest: +SKIP
    >>> launch()                        # the sample corpus on http://127.0.0.1:7860
    >>> launch("bbc-index", port=8000)

Layout: the chat (questions, answers with citation markers) on the left; the sources of every answer
(newest first) and the index summary on the right; filters and the upload box below the chat.

State: the Engine is shared by all sessions (it is thread-safe and refreshes itself when the index
changes); everything about a conversation (its questions, its source cards) lives in ``gr.State``,
one per browser session. Nothing mutable is kept in module globals.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from embeddings.errors import NewsqaError

from . import format as fmt
from .uploads import UploadLimits, default_upload_dir, index_uploads, save_uploads

SAMPLE_TITLE = "Kim Jong Un meets Putin in Russia as missiles launch from North Korea"
SAMPLE_EXAMPLES = [
    "What did Putin say when asked if Moscow would help Kim build satellites?",
    "Where did Putin show Kim around?",
    "What is the death toll from the floods in Greece?",
]
KINDS = {"any": (), "article paragraphs": ("paragraph",), "headlines": ("headline",)}
MAX_TURNS_SHOWN = 20  # source sections kept in the panel; older ones drop off

CSS = """
#nq-sources-box { max-height: 70vh; overflow-y: auto; }
#nq-chat a[href*="#nq-t"] { color: var(--color-accent); font-weight: 600; text-decoration: none; }
.nq-sources { display: flex; flex-direction: column; gap: 10px; }
.nq-turn { border-top: 2px solid var(--border-color-primary); padding-top: 6px; }
.nq-turn-q { font-weight: 600; margin-bottom: 6px; overflow-wrap: anywhere; }
.nq-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px;
           margin-bottom: 8px; background: var(--background-fill-secondary); scroll-margin-top: 8px;
           transition: box-shadow 0.3s; overflow-wrap: anywhere; }
.nq-card.nq-flash { box-shadow: 0 0 0 3px #f5b400; }
.nq-card-head { font-weight: 600; }
.nq-n { color: var(--color-accent); }
.nq-meta { font-size: 0.85em; opacity: 0.8; margin: 2px 0 6px; }
.nq-para { margin: 0; line-height: 1.5; }
mark.nq-quote { background: #fff2a8; color: #111; padding: 0 1px; }
strong.nq-answer { background: #ffd36b; color: #111; text-decoration: underline; }
.nq-note { font-size: 0.85em; margin-top: 4px; }
.nq-label { font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; opacity: 0.75; }
.nq-related { border-style: dashed; }
.nq-headlines { margin: 0; padding-left: 2.2em; }
.nq-headlines li.nq-hit { font-weight: 600; }
table.nq-summary { border-collapse: collapse; width: 100%; }
table.nq-summary th, table.nq-summary td { border: none !important; border-bottom: 1px solid var(--border-color-primary) !important;
    padding: 3px 8px !important; font-size: 0.9em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
table.nq-summary th { font-weight: 600; width: 6em; }
.nq-refused { color: #b3261e; }
.nq-ok { color: #1e7b34; }
.nq-empty { opacity: 0.7; }
"""

# Clicking a citation marker brings its source card into view (and flashes it). Delegated, in the
# capture phase, so the chat's own link handling (new tab) does not run for these in-page links.
HEAD = """
<script>
document.addEventListener("click", function (ev) {
  var a = ev.target && ev.target.closest ? ev.target.closest("a[href*='#nq-t']") : null;
  if (!a) return;
  var id = decodeURIComponent((a.getAttribute("href") || "").split("#").pop());
  var el = document.getElementById(id);
  ev.preventDefault(); ev.stopPropagation();
  if (!el) return;
  el.scrollIntoView({behavior: "smooth", block: "start"});
  el.classList.add("nq-flash");
  setTimeout(function () { el.classList.remove("nq-flash"); }, 1600);
}, true);
</script>
"""


def new_session() -> dict:
    """A conversation: its questions (for follow-ups) and the HTML of each turn's sources."""
    return {"questions": [], "turns": [], "count": 0}


def parse_filters(date_from: str, date_to: str, sections, sources, kind: str):
    """The UI's filter fields as ``qa.types.Filters``; a bad date raises NewsqaError."""
    from qa.types import Filters

    dates = []
    for label, value in (("from", date_from), ("to", date_to)):
        value = (value or "").strip()
        if value:
            try:
                _dt.date.fromisoformat(value)
            except ValueError:
                raise NewsqaError(f"the date {label} is {value!r}; write it as YYYY-MM-DD, e.g. 2023-09-14") from None
            if len(value) != 10:
                raise NewsqaError(f"the date {label} is {value!r}; write it as YYYY-MM-DD, e.g. 2023-09-14")
        dates.append(value)
    if dates[0] and dates[1] and dates[0] > dates[1]:
        raise NewsqaError(f"the date range is empty: from {dates[0]} is after to {dates[1]}")
    if kind not in KINDS:
        raise NewsqaError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    return Filters(date_from=dates[0], date_to=dates[1], sections=tuple(sections or ()),
                   sources=tuple(sources or ()), kinds=KINDS[kind])


def default_examples(engine) -> list[str]:
    """Questions that the open index can answer: the sample ones, else a few article headlines."""
    docs = engine.snapshot.documents.values()
    if any(d.get("title") == SAMPLE_TITLE for d in docs):
        return list(SAMPLE_EXAMPLES)
    titles = sorted((d for d in docs if d.get("title")), key=lambda d: d.get("date", ""), reverse=True)
    return [d["title"][:100] for d in titles[:3]]


def build_app(engine, *, upload_dir: str | os.PathLike | None = None, limits: UploadLimits = UploadLimits(),
              examples: list[str] | None = None, allow_uploads: bool = True):
    """The Gradio Blocks of the chat over ``engine`` (not launched).

    Args:
        engine: an open ``qa.Engine`` (shared by all sessions).
        upload_dir: where uploaded articles are saved (default: ``<index>-uploads`` beside the index).
        limits: upload limits (size, count, types).
        examples: example questions (default: ``default_examples(engine)``).
        allow_uploads: False hides the upload box.

    Returns:
        A ``gr.Blocks``; launch it with ``launch_blocks`` (which adds the CSS, the marker script and
        the upload size limit) or mount it yourself.

    Example:
        >>> demo = build_app(Engine.open())                                 # doctest: +SKIP
        >>> launch_blocks(demo, port=7860)
    """
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    upload_dir = Path(upload_dir) if upload_dir else default_upload_dir(engine.index_dir)
    examples = default_examples(engine) if examples is None else examples
    summary0 = engine.summary()

    def chat_turn(question: str, chat: list, session: dict, date_from: str, date_to: str, sections: list,
            sources: list, kind: str, k: float, alone: bool = False):
        chat = list(chat or [])
        session = dict(session or new_session())
        question = (question or "").strip()
        if not question:
            return chat, session, gr.skip(), gr.skip()
        chat.append({"role": "user", "content": fmt.md_text(question)})
        try:
            filters = parse_filters(date_from, date_to, sections, sources, kind)
            engine.refresh()  # pick up articles another session (or process) added
            answer = engine.ask(question, k=int(k), filters=filters, history=[] if alone else session["questions"])
        except NewsqaError as e:
            chat.append({"role": "assistant", "content": fmt.error_markdown(str(e))})
            return chat, session, gr.skip(), ""
        turn = session["count"] + 1
        chat.append({"role": "assistant", "content": fmt.answer_markdown(answer, turn)})
        documents = engine.snapshot.documents
        session["count"] = turn
        # The answer's names are carried into follow-ups ("they" = the people it quoted).
        said = "" if answer.abstained else answer.answer
        session["questions"] = session["questions"] + [{"question": question, "answer": said}]
        session["turns"] = (session["turns"] + [fmt.turn_html(answer, turn, documents)])[-MAX_TURNS_SHOWN:]
        session["last"] = question
        return chat, session, fmt.sources_html(session["turns"]), ""

    def ask_alone(chat: list, session: dict, *rest):
        """The last question again, as a new question (no follow-up reading)."""
        return chat_turn((session or {}).get("last", ""), chat, session, *rest, alone=True)

    def clear():
        return [], new_session(), fmt.sources_html([]), ""

    def refresh_summary():
        engine.refresh()
        s = engine.summary()
        return (fmt.summary_html(s), gr.update(choices=s["sections"]), gr.update(choices=s["sources"]))

    def add_files(files, progress=gr.Progress()):
        paths = [f if isinstance(f, str) else getattr(f, "name", str(f)) for f in (files or [])]
        if not paths:
            return (fmt.upload_report_html([], [("(nothing)", "choose one or more files first")]),
                    gr.skip(), gr.skip(), gr.skip(), gr.skip())
        progress(0.05, desc="Checking files")
        res = save_uploads(paths, upload_dir, limits)
        saved_names = [n for n, _ in res.saved]
        line, skipped = "", []
        if res.saved:
            try:
                report = index_uploads([p for _, p in res.saved], engine,
                                       progress=lambda f, d: progress(f, desc=d))
            except NewsqaError as e:
                return (fmt.upload_report_html([], res.refused + [(n, str(e)) for n in saved_names]),
                        gr.skip(), gr.skip(), gr.skip(), None)
            by_path = {str(p): n for n, p in res.saved}
            skipped = [(by_path.get(s.path, Path(s.path).name), s.reason) for s in report.skipped]
            bad = {n for n, _ in skipped}
            saved_names = [n for n in saved_names if n not in bad]
            line = (f"{report.documents_read} article{'s' if report.documents_read != 1 else ''} read, "
                    f"{report.added} passages added; the index now holds {report.documents_total} articles "
                    f"and {report.passages_total} passages.")
        progress(1.0, desc="Done")
        summary, sec, src = refresh_summary()
        return fmt.upload_report_html(saved_names, res.refused, line, skipped), summary, sec, src, None

    def api_ask(question: str, k: int = 5, since: str = "", until: str = "", section: str = "",
                source: str = "", kind: str = "", history: list[str] | None = None) -> dict:
        """Answer a question with verbatim, cited quotes; the same object as `newsqa ask --json`.

        Args:
            question: the question.
            k: how many passages to retrieve (1-100).
            since: only articles dated on or after this day (YYYY-MM-DD).
            until: only articles dated on or before this day (YYYY-MM-DD).
            section: only this section.
            source: only this source.
            kind: "paragraph", "headline" or "" for both.
            history: earlier questions of the conversation, oldest first (for follow-ups).
        """
        try:
            if kind and kind not in ("paragraph", "headline"):
                raise NewsqaError(f"kind must be paragraph, headline or empty, got {kind!r}")
            label = {"paragraph": "article paragraphs", "headline": "headlines", "": "any"}[kind]
            f = parse_filters(since, until, [section] if section else [], [source] if source else [], label)
            engine.refresh()
            answer = engine.ask(question, k=int(k), filters=f,
                                history=[str(h) for h in (history or [])])
        except NewsqaError as e:
            raise gr.Error(str(e)) from None
        return answer.to_dict()

    with gr.Blocks(title="newsqa: questions over the news", analytics_enabled=False) as demo:
        session = gr.State(new_session())
        gr.Markdown("## newsqa\nAsk about the news. Every answer is **verbatim quotes** from the articles, "
                    "each with a numbered citation; click a number to see its source on the right.")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(elem_id="nq-chat", label="Conversation", height=480, sanitize_html=True,
                                     latex_delimiters=[], allow_tags=False, feedback_options=None,
                                     buttons=["copy"], layout="bubble",
                                     placeholder="Ask a question about the indexed articles.")
                with gr.Row():
                    question = gr.Textbox(elem_id="nq-question", show_label=False, scale=5, max_lines=4,
                                          placeholder="Ask a question, e.g. " + (examples[0] if examples else ""),
                                          submit_btn=False)
                    ask_btn = gr.Button("Ask", variant="primary", elem_id="nq-ask", scale=1, min_width=80)
                    clear_btn = gr.Button("Clear", elem_id="nq-clear", scale=1, min_width=80)
                    alone_btn = gr.Button("Ask last as new question", elem_id="nq-ask-new", scale=1, min_width=80)
                if examples:
                    gr.Examples(examples=[[e] for e in examples], inputs=[question], label="Example questions")
                with gr.Accordion("Filters", open=False, elem_id="nq-filters"):
                    with gr.Row():
                        date_from = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="nq-date-from", max_lines=1)
                        date_to = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="nq-date-to", max_lines=1)
                        kind = gr.Radio(list(KINDS), value="any", label="Kind", elem_id="nq-kind")
                    with gr.Row():
                        sections = gr.Dropdown(summary0["sections"], multiselect=True, label="Sections",
                                               elem_id="nq-sections", allow_custom_value=True)
                        sources_dd = gr.Dropdown(summary0["sources"], multiselect=True, label="Sources",
                                                 elem_id="nq-sources-filter", allow_custom_value=True)
                        k = gr.Slider(1, 20, value=5, step=1, label="Passages to search (k)", elem_id="nq-k")
                if allow_uploads:
                    with gr.Accordion("Add articles", open=False, elem_id="nq-add"):
                        gr.Markdown(fmt.md_text("Upload articles to add them to the index: " + limits.describe())
                                    + "\\. Other open sessions see them from their next question\\.")
                        files = gr.File(file_count="multiple", file_types=sorted(limits.suffixes), type="filepath",
                                        label="Article files", elem_id="nq-upload")
                        add_btn = gr.Button("Add to index", elem_id="nq-add-btn")
                        upload_status = gr.HTML(elem_id="nq-upload-status")
            with gr.Column(scale=2, min_width=340):
                gr.Markdown("### Sources", elem_id="nq-sources-title")
                sources_box = gr.HTML(fmt.sources_html([]), label="Sources", elem_id="nq-sources-box")
                with gr.Accordion("Index", open=True, elem_id="nq-index"):
                    summary = gr.HTML(fmt.summary_html(summary0), elem_id="nq-summary")

        inputs = [question, chatbot, session, date_from, date_to, sections, sources_dd, kind, k]
        outputs = [chatbot, session, sources_box, question]
        for event, name in ((ask_btn.click, "chat_turn"), (question.submit, "chat_submit")):
            event(chat_turn, inputs, outputs, api_name=name, api_visibility="private", concurrency_limit=8,
                  concurrency_id="ask")
        alone_btn.click(ask_alone, inputs[1:], outputs, api_visibility="private", concurrency_limit=8,
                        concurrency_id="ask")
        clear_btn.click(clear, None, [chatbot, session, sources_box, question], api_visibility="private")
        chatbot.clear(clear, None, [chatbot, session, sources_box, question], api_visibility="private")
        if allow_uploads:
            add_btn.click(add_files, [files], [upload_status, summary, sections, sources_dd, files],
                          api_visibility="private", concurrency_limit=1, concurrency_id="upload")
        demo.load(refresh_summary, None, [summary, sections, sources_dd], api_visibility="private")
        gr.api(api_ask, api_name="ask", concurrency_limit=8, concurrency_id="ask")
    return demo


def launch_blocks(demo, *, host: str = "127.0.0.1", port: int = 7860, block: bool = True,
                  limits: UploadLimits = UploadLimits(), quiet: bool = False) -> str:
    """Serve ``demo`` (from ``build_app``) on ``host:port``; returns its URL when ``block`` is False."""
    # Gradio keeps a record of each of its last N events in memory (10,000 by default): bounded, but it
    # reads as growth for the first 10,000 questions; a few hundred are enough for its status display.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "500")
    # Gradio refuses far larger uploads before they reach the app; ours explain the limit in words.
    _, url, _ = demo.queue(default_concurrency_limit=8).launch(
        server_name=host, server_port=port, prevent_thread_lock=not block, share=False, quiet=quiet,
        show_error=True, css=CSS, head=HEAD, max_file_size=2 * limits.max_file_bytes,
        footer_links=["api"], ssr_mode=False, inbrowser=False)
    return url


def launch(index_dir: str | os.PathLike | None = None, *, host: str = "127.0.0.1", port: int = 7860,
           model: str | None = None, upload_dir: str | os.PathLike | None = None, block: bool = True,
           engine=None, limits: UploadLimits = UploadLimits()):
    """Open the index (``None``: the default or the built-in sample corpus) and serve the chat.

    Returns:
        ``(demo, url)``; with ``block=True`` only after the server stops (Ctrl-C).
    """
    from qa import Engine

    engine = engine or Engine.open(index_dir, model=model, progress=True)
    demo = build_app(engine, upload_dir=upload_dir, limits=limits)
    url = launch_blocks(demo, host=host, port=port, block=block, limits=limits)
    return demo, url
