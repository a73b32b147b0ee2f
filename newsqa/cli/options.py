"""Options and values shared by several sub-commands (the index folder, filters, the backend)."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from newsqa.embeddings.backends import BACKENDS
from newsqa.embeddings.errors import NotAnIndexError, PathNotFoundError
from newsqa.embeddings.manifest import MANIFEST
from newsqa.qa.types import Filters, check_date_range


class ExamplesFormatter(argparse.HelpFormatter):
    """Help that wraps the description to the terminal but keeps an ``examples:`` epilog as written."""

    def _fill_text(self, text, width, indent):
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def add_index_opt(p: argparse.ArgumentParser, writes: str = "") -> None:
    """``--index DIR``: the folder a command reads, or ``writes`` (what it does to it: "build or update")."""
    p.add_argument("--index", metavar="DIR", default=None,
                   help=f"index folder to {writes} (default: $NEWSQA_HOME/index)" if writes else
                   "index folder (default: $NEWSQA_HOME/index, or the sample corpus' index if there is none)")


def add_filter_opts(p: argparse.ArgumentParser) -> None:
    """The search filters of ``ask`` and ``chat`` (read back by ``filters_from``)."""
    g = p.add_argument_group("filters (applied inside the search)")
    g.add_argument("--since", metavar="YYYY-MM-DD", default="", help="only articles dated on or after this day")
    g.add_argument("--until", metavar="YYYY-MM-DD", default="", help="only articles dated on or before this day")
    g.add_argument("--section", action="append", default=[], help="only this section (repeatable)")
    g.add_argument("--source", action="append", default=[], help="only this source (repeatable)")
    g.add_argument("--kind", action="append", choices=["paragraph", "headline"], default=[],
                   help="only article paragraphs or only headlines (repeatable)")
    g.add_argument("--doc", action="append", default=[], metavar="DOC_ID", help="only this document id (repeatable)")


def add_backend_opt(p: argparse.ArgumentParser) -> None:
    """``--backend``: the encoder's forward pass."""
    p.add_argument("--backend", choices=BACKENDS, default=None,
                   help="the encoder's forward pass (default: $NEWSQA_BACKEND, else the auto choice made for this "
                        "CPU by install.sh, else torch; auto: the fastest that passes the parity check against "
                        "torch fp32 here, chosen once; see docs/backends.md)")


def filters_from(args: argparse.Namespace) -> Filters:
    """The ``qa.types.Filters`` of the options added by ``add_filter_opts``.

    Raises:
        QuestionError: a bad ``--since``/``--until`` (named as the user typed it) or an empty range.
    """
    check_date_range(args.since, args.until, names=("--since", "--until"))
    return Filters(date_from=args.since, date_to=args.until, sections=tuple(args.section), sources=tuple(args.source),
                   kinds=tuple(args.kind), doc_ids=tuple(args.doc))


def check_paths(paths: list[str], index_dir) -> None:
    """Refuse the whole run when a given file or folder does not exist: a typo beside a valid path
    must not pass as a successful update of the others.

    Raises:
        PathNotFoundError: naming every missing path, before anything is read or written.
    """
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise PathNotFoundError(f"no such file or folder: {', '.join(missing)}; nothing was indexed and the index "
                                f"{index_dir} was not changed (check the path)")
    check_index_folder(index_dir)


def check_index_folder(index_dir) -> None:
    """Refuse to write an index into a folder that holds other files and no index (``--index articles/``).
    A missing or empty folder (hidden files such as a lock aside) or an existing index is fine.

    Raises:
        NotAnIndexError: naming the folder; nothing is written.
    """
    d = Path(index_dir)
    if not d.is_dir() or (d / MANIFEST).exists():
        return
    if any(not e.name.startswith(".") for e in d.iterdir()):
        raise NotAnIndexError(f"{d} is not empty and is not a newsqa index (no {MANIFEST}); refusing to write an "
                              "index into it: give --index a new or empty folder, or an existing index")


def listen_error(e: OSError) -> str:
    """Why ``ui`` or ``serve`` could not have its port, in words (Gradio's own message tells a Python
    caller to pass ``server_port`` to ``launch()``, which a user of the command cannot)."""
    if e.errno == errno.EADDRINUSE or "Cannot find empty port" in str(e):
        return "the port is in use (another newsqa ui or serve, or another program)"
    return e.strerror or str(e)


def positive_mb(value: str) -> float:
    """An argparse type: a size in MB, more than 0."""
    try:
        mb = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not mb > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {value}")
    return mb


def announce_sample_build(index: str | None) -> None:
    """Say so on stderr before a first question builds the sample corpus's index (about 20 s, once),
    rather than sitting silent."""
    from newsqa.qa.engine import default_index_dir, sample_index_dir  # here: --help must not import the engine

    if index is None and not (default_index_dir() / "manifest.json").exists() \
            and not (sample_index_dir() / "manifest.json").exists():
        print("newsqa: no index yet; building one of the built-in sample corpus first (once, ~20 s) ...",
              file=sys.stderr, flush=True)


def announce_index_notes(engine) -> None:
    """One line on stderr for an index that answers but should be updated once: its word postings
    predate this tokenizer (``embeddings.migrations.stale_postings_note``)."""
    from newsqa.embeddings.migrations import stale_postings_note

    reader = engine.reader
    if note := stale_postings_note(engine.index_dir, reader.info):
        print(f"newsqa: {note}", file=sys.stderr, flush=True)
