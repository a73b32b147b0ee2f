"""The stored index: immutable segments plus ``manifest.json``, published atomically.

Layout (format 2; see docs/index-format.md)::

    INDEX/
      manifest.json      format version, model, chunker and FAISS settings, the live segments in row
                         order, tombstones (per segment: deleted document ids), counts, versions
      .lock              writers hold an exclusive lock on it
      segments/s000001/  one segment per update (or merge): see ``embeddings.segment``

An update writes one new segment holding only what it adds, then publishes a manifest listing it
(and tombstones for what it deleted or replaced): write beside, fsync, rename. A crash at any moment
leaves the old manifest or the new one; a reader keeps the segments it opened (memory-mapped files
stay readable after a merge retires them).

    >>> import pyarrow.feather as feather, numpy as np, json               # doctest: +SKIP
    >>> seg = "INDEX/segments/" + json.load(open("INDEX/manifest.json"))["segments"][0]["name"]  # doctest: +SKIP
    >>> passages = feather.read_table(seg + "/passages.arrow").to_pandas()  # doctest: +SKIP
    >>> vectors = np.load(seg + "/vectors.npy", mmap_mode="r")  # doctest: +SKIP
    >>> passages.text[0], vectors[0] @ vectors[1]  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import IndexFormatError, IndexLockedError, ModelMismatchError
from .manifest import (FORMAT, FORMAT_VERSION, MANIFEST, SEGMENTS_DIR, Counts, Manifest, SegmentInfo, now,
                       write_manifest)
from .manifest import read_manifest as read_manifest_model
from .reader import IndexReader, open_reader

Snapshot = IndexReader  # the name qa used before segments: one read model
__all__ = ["FORMAT", "FORMAT_VERSION", "MANIFEST", "Snapshot", "IndexReader", "load_snapshot", "read_manifest",
           "check_model", "writer_lock", "publish", "library_versions", "tmp_segment"]


def load_snapshot(index_dir: Path, **_ignored) -> IndexReader:
    """The index's current state as an ``IndexReader`` (see ``embeddings.reader.open_reader``)."""
    return open_reader(index_dir)


def read_manifest(index_dir: Path) -> dict:
    """The validated manifest as a plain dict (``embeddings.manifest.read_manifest`` gives the model)."""
    return read_manifest_model(index_dir).to_dict()


@lru_cache(maxsize=1)
def _versions() -> tuple:
    import importlib.metadata as md

    out = {}
    for pkg in ("newsqa", "faiss-cpu", "numpy", "pyarrow", "sentence-transformers", "torch"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return tuple(out.items())


def library_versions() -> dict:
    """Versions of the libraries that write the index (read once per process: metadata is slow)."""
    return dict(_versions())


def check_model(manifest, name: str, checksum: str, dimension: int, where: Path) -> None:
    """Refuse an index made by another model or dimension (``manifest``: a dict or a ``Manifest``)."""
    m = manifest.model.model_dump() if isinstance(manifest, Manifest) else manifest["model"]
    if m.get("dimension") != dimension and m.get("name") == name:
        raise ModelMismatchError(
            f"index {where}: its manifest says model {name!r} makes {m.get('dimension')}-dimensional vectors, "
            f"but it makes {dimension}-dimensional ones (was {MANIFEST} edited?); rebuild the index"
        )
    if m.get("dimension") != dimension:
        raise ModelMismatchError(
            f"index {where} holds {m.get('dimension')}-dimensional vectors from {m.get('name')!r}, "
            f"but the model {name!r} makes {dimension}-dimensional ones; use --model {m.get('name')} or a new --index folder"
        )
    if m.get("name") != name or (m.get("checksum") and checksum and m.get("checksum") != checksum):
        raise ModelMismatchError(
            f"index {where} was built with model {m.get('name')!r} (sha256 {str(m.get('checksum'))[:12]}), "
            f"not {name!r} (sha256 {checksum[:12]}); use the same model or a new --index folder"
        )


@contextmanager
def writer_lock(index_dir: Path, timeout: float = 30.0):
    """Hold the index's exclusive writer lock; wait up to ``timeout`` seconds for another writer.

    Raises:
        IndexLockedError: another process still holds the lock after ``timeout`` seconds.
    """
    index_dir = Path(index_dir)
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexFormatError(f"--index {index_dir} is a file, not an index folder; name a folder")
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(index_dir / ".lock", timeout=timeout, poll_interval=0.05, preserve_lock_file=True)
    try:
        lock.acquire()
    except Timeout:
        raise IndexLockedError(
            f"index {index_dir} is being updated by another process (lock {index_dir / '.lock'}); "
            "wait for it to finish and try again"
        ) from None
    try:
        yield
    finally:
        lock.release()


BACKEND_FIELDS = ("backend", "precision", "backends", "parity_min_cosine")


def publish(index_dir: Path, prev: Manifest | None, *, base: dict, segments: list[SegmentInfo],
            tombstones: dict[str, list[str]], deleted_files: list[str], counts: dict,
            migrations: list[int] | None = None) -> Manifest:
    """Publish a new manifest listing ``segments`` (call under ``writer_lock``), then remove the
    folders of segments no manifest lists any more and what crashed writers left.

    ``base`` holds the shared settings (model, chunker, faiss) of a new index; an existing index keeps its own.
    """
    index_dir = Path(index_dir)
    number = prev.number() + 1 if prev is not None else 1
    stamp = now()
    fields = {k: getattr(prev, k) for k in ("model", "chunker", "faiss", "metric", "normalized")} if prev else base
    if prev is not None:  # the model stays; which backends wrote its vectors grows (embeddings.backends.manifest)
        written_by = {k: v for k, v in base.get("model", {}).items() if k in BACKEND_FIELDS}
        fields["model"] = prev.model.model_copy(update=written_by) if written_by else prev.model
    m = Manifest(format=FORMAT, format_version=FORMAT_VERSION, generation=f"g{number:06d}", **fields,
                 segments=segments, tombstones={k: sorted(v) for k, v in tombstones.items() if v},
                 deleted_files=sorted(set(deleted_files)), counts=Counts(**counts, segments=len(segments)),
                 versions=library_versions(), migrations=list(migrations if migrations is not None else (prev.migrations if prev else [])),
                 created=prev.created if prev else stamp, updated=stamp)
    write_manifest(index_dir, m)
    remove_unlisted(index_dir, m)
    return m


# Hidden segment folders this process is writing now (names: unique per write). ``remove_unlisted``
# leaves them alone: threads of one process (the API's upload pool, a merge after an update) write
# and publish side by side, and a merge writes its folder without the writer lock.
_WRITING: set[str] = set()
_WRITING_LOCK = threading.Lock()


@contextmanager
def tmp_segment(kind: str):
    """A name for a hidden segment folder, ``.KIND.UNIQUE.PID.tmp``, kept from ``remove_unlisted``
    while the block runs; whatever is left of the folder afterwards (a failed write: it was not
    published, i.e. renamed) is the caller's to remove, or the next writer's.

        >>> with tmp_segment("new") as name:  # doctest: +SKIP
        ...     tmp, fields = write_segment(index_dir, name, data, settings, TOKENIZER_VERSION)
    """
    name = f".{kind}.{uuid.uuid4().hex[:12]}.{os.getpid()}.tmp"
    with _WRITING_LOCK:
        _WRITING.add(name)
    try:
        yield name
    finally:
        with _WRITING_LOCK:
            _WRITING.discard(name)


def _in_progress(name: str) -> bool:
    """A hidden ``.NAME[.UNIQUE].PID.tmp`` entry that is being written: by another live process, or by
    this one (``tmp_segment``)."""
    pid = name.rsplit(".", 2)[-2] if name.endswith(".tmp") else ""
    if not pid.isdigit():
        return False
    if int(pid) != os.getpid():
        return _alive(int(pid))
    with _WRITING_LOCK:
        return name in _WRITING


def remove_unlisted(index_dir: Path, m: Manifest) -> None:
    """Delete segment folders the manifest does not list: retired by a merge, or left by a crash.

    Readers that opened them keep their memory-mapped files (unlinked files stay readable); one that
    is opening meanwhile re-reads the manifest. Hidden (``.NAME.PID.tmp``) folders of another live
    process, and those this process is writing (``tmp_segment``), are writes in progress and are
    left alone; this process's others were left by a failed write.
    """
    seg_dir = Path(index_dir) / SEGMENTS_DIR
    if not seg_dir.exists():
        return
    live = set(m.segment_names())
    for p in seg_dir.iterdir():
        if p.name.startswith("."):
            if not _in_progress(p.name):
                shutil.rmtree(p, ignore_errors=True)
        elif p.name not in live:
            shutil.rmtree(p, ignore_errors=True)
    for p in Path(index_dir).glob(f".{MANIFEST}.*.tmp"):
        pid = p.name.rsplit(".", 2)[-2]
        if not (pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid()):
            p.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
