"""``python -m newsqa.qa.cli``: the ``newsqa`` command, kept under its old module name.

The command lives in ``newsqa.cli`` (one module per sub-command). This shim keeps ``python -m newsqa.qa.cli``
and ``from qa.cli import main`` working for scripts and tests written before the move. Nothing in
``qa`` imports it, so using ``qa`` as a library never loads the CLI (nor ``ui``, ``eval``, ``serve``).
"""

from __future__ import annotations

import sys

from newsqa.cli import build_parser, format_answer, main

__all__ = ["build_parser", "format_answer", "main"]

if __name__ == "__main__":
    sys.exit(main())
