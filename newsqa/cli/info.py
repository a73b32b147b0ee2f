"""``newsqa info``: what an index holds (articles, passages, dates, sections, model)."""

from __future__ import annotations

import argparse
import json

from newsqa.embeddings.store import load_snapshot
from newsqa.qa.engine import collection_summary, ensure_default_index

from .options import ExamplesFormatter, add_index_opt
from .present import count

HELP = "what an index holds (articles, passages, dates, sections, model)"
EPILOG = """\
examples:
  newsqa info --index bbc-index
  newsqa info --index bbc-index --json | python -c 'import json, sys; print(json.load(sys.stdin)["articles"])'
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``info`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("info", help=HELP, formatter_class=ExamplesFormatter, epilog=EPILOG,
                       description="Summarise an index: articles, passages by kind, date range, sections, "
                                   "sources, model and last update.")
    add_index_opt(p)
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Print the index summary, one ``name: value`` line each (or one JSON object)."""
    index_dir = args.index or ensure_default_index()
    s = collection_summary(load_snapshot(index_dir))
    if args.json:
        print(json.dumps(s, indent=2))
    else:
        for k, v in s.items():
            if isinstance(v, dict):
                v = ", ".join(count(n, name) for name, n in v.items())
            v = ", ".join(v) if isinstance(v, list) else v
            print(f"{k:>9}: {v if v not in ('', None) else 'none'}")  # "date_from: none", not a blank
    return 0
