"""``newsqa index``: read articles (files or folders) into an index."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from newsqa.embeddings.indexer import missing_files, update_index
from newsqa.embeddings.manifest import MANIFEST
from newsqa.embeddings.ray_pipeline import update_index_ray  # imports ray only when it runs
from newsqa.qa.engine import default_index_dir

from .options import add_backend_opt, add_index_opt, check_paths, positive_mb
from .present import count
from .progress import progress_for

HELP = "read articles (files or folders) into an index"
DESCRIPTION = ("Build or update an index from news pages, .txt, .md, .html, .jsonl and .csv files.\n"
               "Folders are read recursively. Unchanged files are not read again; a changed\n"
               "file replaces its passages. Updates are all or nothing.")
EPILOG = ("examples:\n  newsqa index ../shared/corpus/bbc/articles --index bbc-index\n"
          "  newsqa index news.jsonl more/ --index my-index --prune\n")


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``index`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("index", help=HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
                       description=DESCRIPTION, epilog=EPILOG)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to index")
    add_index_opt(p, writes="build or update")
    p.add_argument("--model", default=None,
                   help="sentence-transformers model: a local folder (default: the packaged all-MiniLM-L6-v2)")
    add_backend_opt(p)
    p.add_argument("--prune", action="store_true", help="remove documents whose files no longer exist (any file the index holds, not only under PATH: "
                        "articles of a folder that is unmounted go too)")
    p.add_argument("--section-from-folder", action=argparse.BooleanOptionalAction, default=True,
                   help="a plain .txt/.md file in a sub-folder gets the sub-folder's name as its section, "
                        "unless the file names one (default: on; --no-section-from-folder turns it off)")
    p.add_argument("--max-file-mb", type=positive_mb, default=20.0, metavar="MB",
                   help="refuse single article files (and single JSONL records) above this size (default 20)")
    p.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="local (default) or ray: read, chunk and encode as a Ray Data pipeline (pip install 'newsqa[ray]')")
    p.add_argument("--wait", type=float, default=30.0, metavar="SECONDS",
                   help="how long to wait for another update of the same index to finish (default 30)")
    p.add_argument("--address", default=None, help="with --engine ray: the Ray cluster address (default: start a local one)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress (default: bars on a terminal, else a plain line every ~10%% or ~30 s on stderr)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Index ``args.paths``; 2 when one of them does not exist (nothing is indexed) or none could be read."""
    index_dir = args.index or str(default_index_dir())
    check_paths(args.paths, index_dir)  # before the lock: a typo'd path makes no index folder either
    existed = Path(index_dir).exists()
    try:
        report = _update(args, index_dir)
    except Exception:
        if not existed and not (Path(index_dir) / MANIFEST).exists():
            shutil.rmtree(index_dir, ignore_errors=True)  # a new index that failed (a bad --model): only its lock was made
        raise
    if not args.prune:
        report.missing = missing_files(index_dir, args.paths)  # kept without --prune: the hint below names them
    if args.json:
        out = {k: v for k, v in report.__dict__.items() if k not in ("skipped", "notes", "duplicate_articles")}
        out["skipped"] = [{"path": s.path, "reason": s.reason} for s in report.skipped]
        out["notes"] = [{"path": n.path, "note": n.text} for n in report.notes]
        out["duplicate_articles"] = [d.to_dict() for d in report.duplicate_articles]
        print(json.dumps(out, indent=2))
    # An empty folder reads as nothing too (no file at all is no success); a prune that dropped files did something.
    nothing_read = not (report.documents_read or report.files_unchanged or report.pruned or report.removed)
    if not args.json:
        for s in report.skipped:
            print(f"skipped {s.path}: {s.reason}", file=sys.stderr)
        for n in report.notes:
            print(f"note {n.path}: {n.text}", file=sys.stderr)
        if hint := report.missing_line():
            print(hint, file=sys.stderr)
        if not nothing_read:
            print(report.summary_line())
            if report.duplicate_articles:
                print(report.duplicates_line())
    if nothing_read:
        if not existed and not report.written:
            shutil.rmtree(index_dir, ignore_errors=True)  # only its lock file was made: leave no trace
        # Every path given was unreadable: nothing was indexed or changed. Say so and fail, so that a
        # script does not take an empty run for success.
        why = "see the reasons above" if report.skipped else "they hold no files"
        print(f"newsqa index: error: nothing could be read from the {count(len(args.paths), 'path')} given "
              f"({why}); the index {index_dir} was not changed", file=sys.stderr)
        return 2
    return 0


def _update(args, index_dir: str):
    """Run the update locally or as a Ray Data pipeline; returns its report.

    Progress, of either engine: the indexer's events drawn as tqdm bars on a terminal, as plain lines
    in a log or a pipe (``cli.progress``); none with ``--no-progress``.
    """
    show = not args.no_progress
    kwargs = dict(model=args.model, backend=args.backend, prune=args.prune,
                  max_file_bytes=int(args.max_file_mb * 2**20))
    if args.wait != 30.0:  # only when asked, so other engines need not know the option
        kwargs["lock_timeout"] = max(0.0, args.wait)
    if args.engine == "ray":
        return update_index_ray(args.paths, index_dir, address=args.address, progress=progress_for(show),
                                section_from_folder=args.section_from_folder, **kwargs)
    return update_index(args.paths, index_dir, section_from_folder=args.section_from_folder,
                        progress=progress_for(show), **kwargs)
