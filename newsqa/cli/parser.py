"""The ``newsqa`` argument parser: the top level and one sub-parser per command module."""

from __future__ import annotations

import argparse
import importlib.metadata

from . import ask, chat, compact, evaluate, index, info, serve, ui, watch

EPILOG = """\
examples:
  newsqa ask "What did Putin say when asked if Moscow would help Kim build satellites?"
      (no index yet: answers from the built-in sample corpus, the 2023-09-14 news page)
  newsqa index ~/news/ --index ~/news-index       read a folder of articles into an index
  newsqa ask "Who won the Mercury Prize?" --index ~/news-index --json
  newsqa chat --index ~/news-index                 a conversation with follow-up questions
  newsqa ui --index ~/news-index                   the browser chat on http://127.0.0.1:7860
  newsqa eval questions.jsonl --corpus ~/news/     score the engine on a question set
  newsqa serve --index ~/news-index                the HTTP API on http://127.0.0.1:8000 (docs at /docs)

The default index is $NEWSQA_HOME/index (NEWSQA_HOME defaults to ~/.local/share/newsqa).
"""

# In the order of ``newsqa --help``; each module has ``add_parser(sub)``, which sets ``func``.
COMMANDS = (index, ask, chat, info, compact, watch, ui, evaluate, serve)

def build_parser() -> argparse.ArgumentParser:
    """The parser of every sub-command; a parsed command's ``args.func(args)`` runs it."""
    parser = argparse.ArgumentParser(
        prog="newsqa",
        description="Ask questions of a collection of news articles. Every answer is verbatim quotes, "
                    "each cited (headline, date, source, paragraph); when the articles do not answer, "
                    "newsqa says so.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newsqa {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def version() -> str:
    """The installed distribution's version, or ``dev`` from a bare source checkout."""
    try:
        return importlib.metadata.version("newsqa")
    except importlib.metadata.PackageNotFoundError:
        return "dev"
