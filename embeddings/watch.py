"""Continuous ingestion: follow folders and keep an index up to date (``newsqa watch PATH...``).

Polls the paths every ``interval`` seconds (a stat per file; nothing is read when nothing changed):
new and changed files are indexed as one segment, deleted ones tombstoned. A running ``Engine`` (or
``newsqa ui``) sees each update on its next question. Polling works on every platform and file
system (network mounts included); an update of a few files costs what it adds, so a short interval
is cheap.

Only what the watcher saw disappear from its own paths leaves the index: articles indexed earlier
from other folders stay, even when those folders are gone (an unmounted disk). A watched path that
vanishes as a whole (its folder, or the folder holding a watched file) is taken for unavailable, not
emptied: its articles stay until it is back. A writer holding the index lock, or a file system
error, skips a poll (reported to ``on_error``); the next poll tries again.

    >>> for report in watch(["incoming/"], "my-index", interval=2):        # doctest: +SKIP
    ...     print(report.summary_line())
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import IndexLockedError
from .indexer import IndexReport, update_index
from .model_identity import EncoderSlot

# Errors a later poll may not meet again (another writer, a file system hiccup); others end the watch.
RETRIED = (IndexLockedError, OSError)


def _listing(paths: list[Path]) -> dict[str, tuple[int, int, int]]:
    """``file -> (size, mtime_ns, i)``: every file under the watched paths, ``i`` the path it was found under."""
    out = {}
    for i, p in enumerate(paths):
        items = [p] if p.is_file() else (q for q in p.rglob("*") if q.is_file()) if p.is_dir() else []
        for q in items:
            try:
                st = q.stat()
            except OSError:
                continue
            out.setdefault(str(q.resolve()), (st.st_size, st.st_mtime_ns, i))
    return out


def available(paths: list[Path], seen: dict[str, tuple[int, int, int]]) -> set[int]:
    """The watched paths (their positions) whose missing files are deleted ones: an existing folder or
    file, or a watched file (as ``seen`` last listed it) gone from a folder that is still there. A
    missing folder is unavailable (unmounted, moved): its files are not taken for deleted."""
    return {i for i, p in enumerate(paths)
            if p.exists() or (str(p.resolve()) in seen and p.parent.is_dir())}


def watch(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike, *, interval: float = 2.0,
          encoder=None, stop: Callable[[], bool] = lambda: False,
          on_error: Callable[[Exception], None] | None = None, **update_kwargs) -> Iterator[IndexReport]:
    """Yield the report of every update that changed the index, until ``stop()`` is true.

    The first pass indexes whatever is new; later passes run only when the listing changed, and take
    out of the index the files they saw deleted from an available path (``available``), never others. With no
    ``encoder``, the model is loaded by the first pass that encodes something, as ``update_index``
    loads it (one model for a small add: auto's light choice, else torch fp32), and kept for the
    passes after it. A pass that fails with one of ``RETRIED`` (the index locked by another writer
    past the lock wait, a file system error) is given to ``on_error`` and tried again at the next
    poll; any other error ends the watch.
    """
    paths = [Path(p) for p in paths]
    if encoder is None:
        encoder = EncoderSlot()
    seen: dict[str, tuple[int, int, int]] | None = None  # the last listing that reached the index
    while not stop():
        now = _listing(paths)
        there = available(paths, seen or {})
        known = None if seen is None else {k: v for k, v in seen.items() if v[2] in there}
        if now != known:
            gone = sorted(set(known or ()) - set(now))  # seen deleted from a path that is still there
            try:
                report = update_index(paths, index_dir, encoder=encoder, remove=gone, progress=False, **update_kwargs)
            except RETRIED as e:
                if on_error is not None:
                    on_error(e)
            else:
                # The files of an unavailable path are kept as they were, to be compared when it is back.
                seen = {**{k: v for k, v in (seen or {}).items() if v[2] not in there}, **now}
                if report.written:
                    yield report
        time.sleep(interval)
