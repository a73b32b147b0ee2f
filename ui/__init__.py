"""The browser chat (Gradio), a thin user of ``qa``: ``newsqa ui`` or ``ui.app.launch()``.

Modules: ``format`` (answers to chat Markdown and source-card HTML, escaped), ``uploads`` (checking,
saving and indexing uploaded articles), ``app`` (the Gradio Blocks and the server); the ``newsqa ui`` command
is ``newsqa/cli/ui.py``. Importing this package loads no model and starts no server.
"""
