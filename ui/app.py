"""The browser chat: a Gradio app over one ``Engine``.

    >>> from newsqa.ui.app import launch                                           # doctest: +SKIP
    >>> launch()                        # the sample corpus on http://127.0.0.1:7860  # doctest: +SKIP
    >>> launch("bbc-index", port=8000)  # doctest: +SKIP

Layout: the chat (questions, answers with citation markers) on the left; the sources of every answer
(newest first, in a panel that scrolls itself) and the index summary on the right; filters, the
Documents table and the upload box below the chat; the whole article opens over the page. Under
760 px wide, a Chat / Sources switch shows one of the two. The event handlers are in ``handlers.py``,
the CSS and script in ``page.py``.

State: the Engine is shared by all sessions (it is thread-safe and refreshes itself when the index
changes); everything about a conversation (its questions, its source cards) lives in ``gr.State``,
one per browser session. Nothing mutable is kept in module globals.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

from newsqa.embeddings.errors import NewsqaError
from newsqa.qa.engine import Engine
from newsqa.qa.types import Filters, check_date_range

from . import documents as docs
from . import format as fmt
from .examples import checked_examples
from .handlers import Handlers, filters_shown, new_documents_state, new_session, summary_box
from .page import CSS, HEAD, SCROLL_TO_QUOTE_JS, VIEW_TABS_HTML
from .uploads import UploadLimits, default_upload_dir

SAMPLE_TITLE = "Kim Jong Un meets Putin in Russia as missiles launch from North Korea"
SAMPLE_EXAMPLES = [
    "What did Putin say when asked if Moscow would help Kim build satellites?",
    "Where did Putin show Kim around?",
    "What is the death toll from the floods in Greece?",
]
KINDS = {"any": (), "article paragraphs": ("paragraph",), "headlines": ("headline",)}
ASK_OPTS = dict(api_visibility="private", concurrency_limit=8, concurrency_id="ask")
PRIVATE = dict(api_visibility="private")


def import_gradio():
    """Gradio, imported with its analytics off and its in-memory event record bounded (it reads both
    from the environment; an explicit setting wins). Every place that starts Gradio calls this."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # Gradio keeps a record of each of its last N events in memory (10,000 by default): bounded, but it
    # reads as growth for the first 10,000 questions; a few hundred are enough for its status display.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "500")
    import gradio as gr  # imported here: importing ui.app loads no Gradio (it takes seconds)

    return gr


def parse_filters(date_from: str, date_to: str, sections, sources, kind: str):
    """The UI's filter fields as ``qa.types.Filters``; a bad date raises NewsqaError."""
    dates = [(date_from or "").strip(), (date_to or "").strip()]
    check_date_range(*dates, names=("the date from", "the date to"))
    if kind not in KINDS:
        raise NewsqaError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    return Filters(date_from=dates[0], date_to=dates[1], sections=tuple(sections or ()),
                   sources=tuple(sources or ()), kinds=KINDS[kind])


def default_examples(engine) -> list[str]:
    """Questions the open index answers: the sample ones, else questions made from its headlines and
    checked by asking them (``ui.examples.checked_examples``)."""
    docs = engine.snapshot.documents.values()
    if any(d.get("title") == SAMPLE_TITLE for d in docs):
        return list(SAMPLE_EXAMPLES)
    return checked_examples(engine)


def build_app(engine, *, upload_dir: str | os.PathLike | None = None, limits: UploadLimits = UploadLimits(),
              examples: list[str] | None = None, allow_uploads: bool = True):
    """The Gradio Blocks of the chat over ``engine`` (not launched).

    Args:
        engine: an open ``qa.Engine`` (shared by all sessions).
        upload_dir: where uploaded articles are saved (default: ``<index>-uploads`` beside the index).
        limits: upload limits (size, count, types).
        examples: example questions (default: ``default_examples(engine)``).
        allow_uploads: False hides the upload box (and deleting uploads).

    Returns:
        A ``gr.Blocks``; launch it with ``launch_blocks`` (which adds ``ui.page.CSS`` and ``HEAD``:
        the layout, the marker and article-view script, and the upload size limit) or mount it yourself
        with those.

    Example:
        >>> demo = build_app(Engine.open())                                 # doctest: +SKIP
        >>> launch_blocks(demo, port=7860)  # doctest: +SKIP
    """
    gr = import_gradio()

    upload_dir = Path(upload_dir) if upload_dir else default_upload_dir(engine.index_dir)
    examples = default_examples(engine) if examples is None else examples
    summary0 = engine.summary()
    h = Handlers(engine, upload_dir, limits, parse_filters)
    c = SimpleNamespace()  # the components, by name, for the event wiring

    with gr.Blocks(title="newsqa: questions over the news", analytics_enabled=False) as demo:
        c.session = gr.State(new_session())
        c.docs = gr.State(new_documents_state())  # its own state: see ``new_documents_state``
        gr.Markdown("## newsqa\nAsk about the news. Every answer is **verbatim quotes** from the articles, "
                    "each with a numbered citation; click a number to see its source in the *Sources* panel.")
        gr.HTML(VIEW_TABS_HTML, elem_id="nq-viewtabs")
        with gr.Row(equal_height=False, elem_id="nq-main"):
            with gr.Column(scale=3, min_width=360, elem_id="nq-chat-col"):
                _chat_box(gr, c, examples)
                _filters_box(gr, c, summary0)
                _documents_box(gr, c, allow_uploads)
                if allow_uploads:
                    _upload_box(gr, c, limits)
            with gr.Column(scale=2, min_width=320, elem_id="nq-sources-col"):
                _sources_panel(gr, c, summary_box(engine, summary0))
        _article_view(gr, c)
        _wire_chat(gr, c, h)
        _wire_documents(demo, c, h, allow_uploads)
        gr.api(_api_ask(engine), api_name="ask", concurrency_limit=8, concurrency_id="ask")
    return demo


def _chat_box(gr, c, examples: list[str]) -> None:
    """The chat, the question box and its buttons, the scope line and the example questions."""
    c.chatbot = gr.Chatbot(elem_id="nq-chat", show_label=False, height=480, sanitize_html=True,
                           latex_delimiters=[], allow_tags=False, feedback_options=None,
                           buttons=[], layout="bubble", autoscroll=False,  # ui.page.HEAD scrolls it
                           placeholder="Ask a question about the indexed articles; the sources "
                                       "of each answer appear in the *Sources* panel.")
    with gr.Row():
        c.question = gr.Textbox(elem_id="nq-question", show_label=False, scale=5, max_lines=4,
                                placeholder=("Ask a question, e.g. " + examples[0]) if examples
                                else "Ask a question about the indexed articles",
                                submit_btn=False)
        c.ask_btn = gr.Button("Ask", variant="primary", elem_id="nq-ask", scale=1, min_width=80)
        c.clear_btn = gr.Button("Clear", elem_id="nq-clear", scale=1, min_width=80)
    with gr.Row(elem_id="nq-again"):  # shown only when they apply (see ``Handlers.chat_turn``)
        c.alone_btn = gr.Button("Ask it as a new question, not a follow-up", elem_id="nq-ask-new", visible=False,
                                size="sm", scale=0)
        c.unfilter_btn = gr.Button("Ask without filters", elem_id="nq-unfilter", visible=False, size="sm", scale=0)
    c.scope = gr.HTML("", elem_id="nq-scope")
    if examples:
        gr.Examples(examples=[[e] for e in examples], inputs=[c.question], label="Example questions")


def _filters_box(gr, c, summary0: dict) -> None:
    """The Filters accordion: dates, sections and sources (each only when the index has values for it),
    kind and k."""
    shown = filters_shown(summary0)
    with gr.Accordion("Filters", open=False, elem_id="nq-filters"):
        note = fmt.filters_note_html(shown)
        c.filters_note = gr.HTML(note, elem_id="nq-filters-note", visible=bool(note))
        with gr.Row(visible=shown["dates"], elem_id="nq-dates") as c.dates_row:
            c.date_from = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="nq-date-from", max_lines=1)
            c.date_to = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="nq-date-to", max_lines=1)
        with gr.Row():
            c.sections = gr.Dropdown(summary0["sections"], multiselect=True, label="Sections",
                                     elem_id="nq-sections", allow_custom_value=True, visible=shown["sections"])
            c.sources_dd = gr.Dropdown(summary0["sources"], multiselect=True, label="Sources",
                                       elem_id="nq-sources-filter", allow_custom_value=True, visible=shown["sources"])
        with gr.Row():
            c.kind = gr.Radio(list(KINDS), value="any", label="Kind", elem_id="nq-kind")
            c.k = gr.Slider(1, 20, value=5, step=1, label="Passages to search (k)", elem_id="nq-k")


def _documents_box(gr, c, allow_uploads: bool) -> None:
    """The Documents accordion: search, table, and the scope and delete buttons."""
    with gr.Accordion("Documents", open=False, elem_id="nq-docs"):
        c.doc_query = gr.Textbox(placeholder="Search titles, sections, folders, dates, sources, files",
                                 show_label=False, elem_id="nq-docs-search", max_lines=1)
        # the id (first 8 hex digits) is last: rows are selected by it, and `newsqa ask --doc` takes it
        c.doc_table = gr.Dataframe(headers=[*docs.COLUMNS, "id"], interactive=False, wrap=True, max_height=360,
                                   elem_id="nq-docs-table", show_label=False,
                                   column_widths=["30%", "16%", "9%", "8%", "9%", "14%", "14%"])
        c.doc_info = gr.HTML("", elem_id="nq-docs-info")
        with gr.Row():
            c.scope_list_btn = gr.Button("Ask only the listed", size="sm", elem_id="nq-scope-listed")
            c.scope_one_btn = gr.Button("Ask only the selected", size="sm", elem_id="nq-scope-selected")
            c.scope_all_btn = gr.Button("Ask all articles", size="sm", elem_id="nq-scope-all")
            c.delete_btn = gr.Button("Delete the selected upload", size="sm", variant="stop",
                                     elem_id="nq-delete", visible=allow_uploads)


def _upload_box(gr, c, limits: UploadLimits) -> None:
    """The Add articles accordion: the upload box and its status."""
    with gr.Accordion("Add articles", open=False, elem_id="nq-add"):
        gr.Markdown(fmt.md_text("Upload articles to add them to the index: " + limits.describe())
                    + "\\. Other open sessions see them from their next question\\.")
        c.files = gr.File(file_count="multiple", type="filepath", label="Article files", elem_id="nq-upload")
        c.add_btn = gr.Button("Add to index", elem_id="nq-add-btn")
        c.upload_status = gr.HTML(elem_id="nq-upload-status")


def _sources_panel(gr, c, summary: str) -> None:
    """The right column: the sources of every answer and the index summary."""
    gr.Markdown("### Sources", elem_id="nq-sources-title")
    c.sources_box = gr.HTML(fmt.sources_html([]), elem_id="nq-sources-box")
    with gr.Accordion("Index", open=True, elem_id="nq-index"):
        c.summary = gr.HTML(summary, elem_id="nq-summary")


def _article_view(gr, c) -> None:
    """The whole article over the page, and the hidden request box the markers' script fills."""
    # Its header (headline, date, source, section and a close button) is part of the article's HTML and
    # sticks to the top; that button and Escape click the hidden Close button (``ui.page`` script).
    with gr.Column(visible=False, elem_id="nq-article-modal") as c.article_view:
        c.article = gr.HTML("", elem_id="nq-article")
        c.close_btn = gr.Button("Close", visible="hidden", elem_id="nq-article-close")
    c.open_req = gr.Textbox(visible="hidden", elem_id="nq-open-req")
    c.open_btn = gr.Button("open", visible="hidden", elem_id="nq-open-btn")


def _wire_chat(gr, c, h) -> None:
    """Events of the chat: ask, ask alone, ask without filters, clear, open and close an article."""
    filters = [c.date_from, c.date_to, c.sections, c.sources_dd, c.kind]
    inputs = [c.question, c.chatbot, c.session, *filters, c.k, c.docs]
    outputs = [c.chatbot, c.session, c.sources_box, c.question, c.unfilter_btn, c.alone_btn]
    for event, name in ((c.ask_btn.click, "chat_turn"), (c.question.submit, "chat_submit")):
        event(h.chat_turn, inputs, outputs, api_name=name, **ASK_OPTS)
    c.alone_btn.click(h.ask_alone, inputs[1:], outputs, **ASK_OPTS)
    c.unfilter_btn.click(h.unfilter, [c.session, c.docs], [*filters, c.docs, c.question, c.scope], **PRIVATE).then(
        h.chat_turn, inputs, outputs, **ASK_OPTS)
    for clear in (c.clear_btn.click, c.chatbot.clear):
        clear(h.clear, [c.session], outputs, **PRIVATE)
    c.open_btn.click(h.open_article, [c.open_req], [c.article, c.article_view], **PRIVATE).then(
        None, None, None, js=SCROLL_TO_QUOTE_JS)
    c.close_btn.click(lambda: gr.update(visible=False), None, c.article_view, **PRIVATE)


def _wire_documents(demo, c, h, allow_uploads: bool) -> None:
    """Events of the Documents table, the scope buttons, deleting and adding uploads, and page load."""
    from . import events  # imported here: ui.events imports Gradio at its top (seconds; build_app has it by now)

    # Every event here reads and writes the Documents state alone, never the conversation's (``new_documents_state``).
    table = [c.doc_table, c.docs, c.doc_info]
    c.doc_query.change(h.docs_table, [c.doc_query, c.docs], table, **PRIVATE)
    c.doc_table.select(events.select_row(h), [c.docs], [c.docs, c.doc_info], **PRIVATE)
    c.scope_list_btn.click(h.scope_listed, [c.docs], [c.docs, c.scope], **PRIVATE)
    c.scope_one_btn.click(h.scope_selected, [c.docs], [c.docs, c.scope], **PRIVATE)
    c.scope_all_btn.click(h.scope_all, [c.docs], [c.docs, c.scope], **PRIVATE)
    summary_out = [c.summary, c.sections, c.sources_dd, c.dates_row, c.filters_note]  # ``Handlers.refresh_summary``
    c.delete_btn.click(h.delete_selected, [c.doc_query, c.docs], [*table, *summary_out],
                       concurrency_limit=1, concurrency_id="upload", **PRIVATE)
    if allow_uploads:
        c.add_btn.click(events.add_files(h), [c.files], [c.upload_status, *summary_out, c.files],
                        concurrency_limit=1, concurrency_id="upload", **PRIVATE).then(
            h.docs_table, [c.doc_query, c.docs], table, **PRIVATE)
    demo.load(h.refresh_summary, None, summary_out, **PRIVATE).then(
        h.docs_table, [c.doc_query, c.docs], table, **PRIVATE)


def _api_ask(engine):
    import gradio as gr  # imported here: importing ui.app loads no Gradio

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
            answer = engine.ask(question, k=int(k), filters=f, history=[str(h) for h in (history or [])])
        except NewsqaError as e:
            raise gr.Error(str(e)) from None
        return answer.to_dict()

    return api_ask


def launch_blocks(demo, *, host: str = "127.0.0.1", port: int = 7860, block: bool = True,
                  limits: UploadLimits = UploadLimits(), quiet: bool = False, where: str = "") -> str:
    """Serve ``demo`` (from ``build_app``) on ``host:port``; returns its URL (with ``block``: once the
    server stops). Unless ``quiet``, one line says where the chat is (``where``: the index), once it
    answers.

    Gradio's own start-up lines are always silenced (its ``quiet``; nothing narrower turns off one of
    them): besides the local URL, which the line above gives, they suggest ``share=True``, a public
    link through Gradio's servers that a local tool over one's own articles should not offer.
    """
    import_gradio()  # (already imported by build_app: sets the event record's bound if it was not)
    # Gradio refuses far larger uploads before they reach the app; ours explain the limit in words.
    _, url, _ = demo.queue(default_concurrency_limit=8).launch(
        server_name=host, server_port=port, prevent_thread_lock=True, share=False, quiet=True,
        show_error=True, css=CSS, head=HEAD, max_file_size=2 * limits.max_file_bytes,
        footer_links=["api"], ssr_mode=False, inbrowser=False)
    if not quiet:
        print(f"newsqa ui: serving {where + ' ' if where else ''}on {url} (Ctrl-C stops)", flush=True)
    if block:
        demo.block_thread()
    return url


def launch(index_dir: str | os.PathLike | None = None, *, host: str = "127.0.0.1", port: int = 7860,
           model: str | None = None, upload_dir: str | os.PathLike | None = None, block: bool = True,
           engine=None, limits: UploadLimits = UploadLimits()):
    """Open the index (``None``: the default or the built-in sample corpus) and serve the chat.

    Returns:
        ``(demo, url)``; with ``block=True`` only after the server stops (Ctrl-C).
    """
    engine = engine or Engine.open(index_dir, model=model, progress=True)
    demo = build_app(engine, upload_dir=upload_dir, limits=limits)
    url = launch_blocks(demo, host=host, port=port, block=block, limits=limits, where=str(engine.index_dir))
    return demo, url
