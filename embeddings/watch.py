"""Continuous ingestion: follow folders and keep an index up to date (``newsqa watch PATH...``).

Polls the paths every ``interval`` seconds (a stat per file; nothing is read when nothing changed):
new and changed files are indexed as one segment, deleted ones tombstoned. A running ``Engine`` (or
``newsqa ui``) sees each update on its next question. Polling works on every platform and file
system (network mounts included); an update of a few files costs what it adds, so a short interval
is cheap.

    >>> for report in watch(["incoming/"], "my-index", interval=2):        # doctest: +SKIP
    ...     print(report.summary_line())
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .indexer import IndexReport, update_index
from .model_identity import EncoderSlot


def _listing(paths: list[Path]) -> dict[str, tuple[int, int]]:
    out = {}
    for p in paths:
        items = [p] if p.is_file() else (q for q in p.rglob("*") if q.is_file()) if p.is_dir() else []
        for q in items:
            try:
                st = q.stat()
            except OSError:
                continue
            out[str(q.resolve())] = (st.st_size, st.st_mtime_ns)
    return out


def watch(paths: Iterable[str | os.PathLike], index_dir: str | os.PathLike, *, interval: float = 2.0,
          encoder=None, stop: Callable[[], bool] = lambda: False, **update_kwargs) -> Iterator[IndexReport]:
    """Yield the report of every update that changed the index, until ``stop()`` is true.

    The first pass indexes whatever is new; later passes run only when the listing changed. With no
    ``encoder``, the model is loaded by the first pass that encodes something, as ``update_index``
    loads it (one model for a small add: auto's light choice, else torch fp32), and kept for the
    passes after it.
    """
    paths = [Path(p) for p in paths]
    if encoder is None:
        encoder = EncoderSlot()
    seen: dict[str, tuple[int, int]] | None = None
    while not stop():
        now = _listing(paths)
        if now != seen:
            gone = bool(seen) and bool(set(seen) - set(now))
            report = update_index(paths, index_dir, encoder=encoder, prune=gone, progress=False, **update_kwargs)
            seen = now
            if report.written:
                yield report
        time.sleep(interval)
