"""``newsqa watch``: follow folders; index new and changed files, drop deleted ones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsqa.embeddings.watch import watch
from newsqa.qa.engine import default_index_dir

from .options import ExamplesFormatter, add_backend_opt, add_index_opt

HELP = "follow folders: index new and changed files, drop deleted ones"
EPILOG = """\
examples:
  newsqa watch ~/news/ --index ~/news-index
  newsqa watch inbox/ more/ --index my-index --interval 10

Only files deleted from the watched PATHs leave the index (articles indexed from other folders
stay); a watched folder that disappears as a whole (unmounted, moved) keeps its articles. A PATH
that does not exist yet is waited for. While another writer holds the index, a poll is skipped
with a line on stderr and tried again.
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``watch`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("watch", help=HELP, formatter_class=ExamplesFormatter, epilog=EPILOG,
                       description="Poll PATHs every few seconds and keep the index up to date: new and changed files "
                                   "are indexed (one small segment per change), files deleted from PATHs removed. A running "
                                   "newsqa ui or Engine answers from each update on its next question. Ctrl-C stops.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to follow")
    add_index_opt(p, writes="keep up to date")
    p.add_argument("--interval", type=float, default=2.0, metavar="SECONDS", help="seconds between polls (default 2)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")
    add_backend_opt(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Poll until Ctrl-C, printing one line per update."""
    index_dir = args.index or default_index_dir()
    print(f"watching {', '.join(args.paths)} -> {index_dir} (every {args.interval:g} s; Ctrl-C stops)", flush=True)
    for p in args.paths:
        if not Path(p).exists():  # a typo would otherwise be polled silently forever
            print(f"newsqa watch: {p} does not exist (yet); it is indexed when it appears", file=sys.stderr, flush=True)
    kwargs = {k: v for k, v in (("model", args.model), ("backend", args.backend)) if v}
    for report in watch(args.paths, index_dir, interval=max(0.1, args.interval), on_error=_skipped, **kwargs):
        print(report.summary_line(), flush=True)
    return 0


def _skipped(error: Exception) -> None:
    """One line on stderr for a poll skipped (another writer holds the index; a file system error)."""
    print(f"newsqa watch: {error}; trying again at the next poll", file=sys.stderr, flush=True)
