"""The two handlers Gradio must recognise by their signature, wrapped around ``ui.handlers``.

Gradio passes a clicked table row to a parameter annotated ``gr.SelectData`` and a progress bar to
one whose default is a ``gr.Progress()``; it reads both from the function it is given, so these
wrappers need Gradio at import (``build_app`` imports this module when it builds the app; the
methods they call need none, and are tested without it).
"""

import gradio as gr


def select_row(handlers):
    """``Handlers.docs_select`` as the Documents table's ``select`` event (the row's cells from Gradio)."""

    def docs_select(docs_state: dict, evt: gr.SelectData):
        return handlers.docs_select(docs_state, getattr(evt, "row_value", None))

    return docs_select


def add_files(handlers):
    """``Handlers.add_files`` as the upload button's event: Gradio's progress bar and its toast."""

    def add(files, progress=gr.Progress()):
        return handlers.add_files(files, progress=progress, notify=gr.Info)

    return add
