"""The ``newsqa`` command: index articles, ask questions, chat, serve the browser app, evaluate.

One module per sub-command (``index``, ``ask``, ``chat``, ``info``, ``compact``, ``watch``, ``ui``,
``evaluate`` for ``eval``, ``serve``), each with ``add_parser(sub)`` and ``run(args)``; ``parser``
puts them together, ``present`` formats answers for the terminal, ``options`` holds the options
several commands share. Each sub-command's ``--help`` shows its options and examples. User mistakes
(a missing file, a bad option, a damaged index) end in one readable line on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import json
import os
import sys

from newsqa.embeddings.errors import NewsqaError

from .parser import build_parser
from .present import format_answer

__all__ = ["build_parser", "format_answer", "main"]


def _error(args, message: str) -> int:
    """The one-line error on stderr; with ``--json`` also ``{"error": ...}`` on stdout, so a script
    reading stdout gets one JSON object either way. Exit status 2."""
    print(f"newsqa {args.command}: error: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        print(json.dumps({"error": message, "command": args.command}, ensure_ascii=False))
    return 2


def _pipe_closed() -> int:
    """The reader of stdout went away (``newsqa info | head -3``): leave quietly, as the Python docs'
    "Note on SIGPIPE" does: stdout pointed at devnull so the exit's flush raises nothing. Exit status 1."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run ``newsqa ARGV``; returns the exit status (2 for a user's mistake, 130 for Ctrl-C)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        status = args.func(args) or 0
        sys.stdout.flush()  # here, so that a closed pipe is met inside this try, not at exit
        return status
    except BrokenPipeError:
        return _pipe_closed()
    except NewsqaError as e:
        return _error(args, str(e))
    except OSError as e:  # e.g. an index folder that cannot be created or written: a user's setting
        where = f"{e.filename}: " if e.filename else ""
        return _error(args, f"{where}{e.strerror or e}; check the path and its permissions")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
