"""Reading the index's ``.npy`` / ``.npz`` files safely from several threads at once.

numpy parses every array file's header with ``ast.literal_eval``. CPython 3.11 counts the depth of
the AST it builds in one counter per interpreter, not per thread, so two threads parsing at once can
fail with ``SystemError: AST constructor recursion depth mismatch`` (python/cpython gh-106905 and its
kin; seen once in ``tests/embeddings/test_compaction.py``, whose uploads and merges run in threads as
the HTTP API runs them). Every read of an index array goes through ``load`` or ``load_npz``, which
hold one lock while numpy reads the header (and maps or reads the data): opening a segment is rare
and short, the lock costs nothing a question waits for.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.npy"; np.save(p, np.arange(3))
    >>> load(p, mmap_mode="r").tolist()
    [0, 1, 2]
"""

from __future__ import annotations

import os
import threading

import numpy as np

_HEADER_LOCK = threading.Lock()


def load(path: str | os.PathLike, *, mmap_mode: str | None = None) -> np.ndarray:
    """``np.load(path, mmap_mode=mmap_mode, allow_pickle=False)`` of one ``.npy`` file, under the lock."""
    with _HEADER_LOCK:
        return np.load(path, mmap_mode=mmap_mode, allow_pickle=False)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` file, read under the lock (each member has a header of its own)."""
    with _HEADER_LOCK, np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}
