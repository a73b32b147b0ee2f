"""``newsqa compact``: merge an index's small segments (and upgrade an older format)."""

from __future__ import annotations

import argparse

from newsqa.embeddings.compaction import compact_index
from newsqa.qa.engine import default_index_dir

from .options import ExamplesFormatter, add_index_opt

HELP = "merge an index's small segments (and upgrade an older format)"
EPILOG = """\
examples:
  newsqa compact --index bbc-index          merge small segments by the policy
  newsqa compact --index bbc-index --all    one segment (slower; rebuilds large graphs)
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``compact`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("compact", help=HELP, formatter_class=ExamplesFormatter, epilog=EPILOG,
                       description="Merge small segments into larger ones and drop deleted rows, by the tiered merge "
                                   "policy (updates run it too). Readers and writers are blocked only for the "
                                   "manifest swap. An index of an older format is upgraded first.")
    add_index_opt(p, writes="compact")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--full", action="store_true", help="merge every run of small segments into one (not the large ones)")
    g.add_argument("--all", action="store_true", help="merge the whole index into one segment (rebuilds large HNSW graphs)")
    p.add_argument("--wait", type=float, default=30.0, metavar="SECONDS", help="how long to wait for a writer (default 30)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Compact the index and print one summary line."""
    report = compact_index(args.index or default_index_dir(), full=args.full, everything=args.all,
                           lock_timeout=max(0.0, args.wait))
    print(report.summary_line())
    return 0
