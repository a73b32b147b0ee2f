"""Articles uploaded in the browser: check them, save them under safe names, add them to the index.

    >>> safe_name("../../etc/<evil>.TXT", b"x")
    'evil-2d711642.txt'

Uploaded files are untrusted. Each is refused with a reason when its type is not one the indexer
reads, when it is not text (NUL bytes), when it is empty or over the size limit, or when a batch holds
too many files. Accepted files are copied into the upload folder under a sanitised name that ends in
a hash of their content (the same file uploaded twice is the same file, indexed once); the path is
checked to stay inside that folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from newsqa.embeddings.errors import NewsqaError
from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.readers import SUPPORTED, unsupported_type
from newsqa.embeddings.readers.encoding import SNIFF_BYTES, has_nul_bytes

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_STEM_CHARS = 80


@dataclass(frozen=True)
class UploadLimits:
    """What an upload may hold."""

    max_file_bytes: int = 5 * 2**20
    max_files: int = 20
    max_total_bytes: int = 50 * 2**20
    suffixes: frozenset[str] = frozenset(SUPPORTED)

    def describe(self) -> str:
        return (f"up to {self.max_files} files a time, each at most {self.max_file_bytes / 2**20:g} MB "
                f"({self.max_total_bytes / 2**20:g} MB together); types: {', '.join(sorted(self.suffixes))}")


@dataclass
class SaveResult:
    """Accepted files (display name, saved path) and refused ones (display name, reason)."""

    saved: list[tuple[str, Path]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def default_upload_dir(index_dir: str | os.PathLike) -> Path:
    """Uploads of an index live beside it: ``<parent>/<index name>-uploads``."""
    index_dir = Path(index_dir).resolve()
    return index_dir.parent / f"{index_dir.name}-uploads"


def display_name(path: str | os.PathLike) -> str:
    """The name a person gave the file (Gradio keeps it as the temp file's base name), shortened."""
    name = Path(str(path)).name
    return name if len(name) <= 120 else name[:117] + "..."


def safe_name(original: str, data: bytes) -> str:
    """A file name made only of ``A-Z a-z 0-9 . _ -``, no leading dot, ending ``-<sha8><suffix>``."""
    base = Path(original.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    stem = base[: -len(suffix)] if suffix else base
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", suffix or "x"):
        suffix = ""
    stem = _UNSAFE.sub("_", stem).strip("._-")[:MAX_STEM_CHARS] or "upload"
    return f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}{suffix}"


def check_file(name: str, data_head: bytes, size: int, limits: UploadLimits) -> str:
    """The reason to refuse a file, or "" to accept it."""
    suffix = Path(name).suffix.lower()
    if suffix not in limits.suffixes:
        return unsupported_type(name, limits.suffixes)
    if size == 0:
        return "the file is empty"
    if size > limits.max_file_bytes:
        return f"the file is {size / 2**20:.1f} MB, over the {limits.max_file_bytes / 2**20:g} MB limit"
    if has_nul_bytes(data_head):
        return "not a text file (it holds binary data)"
    return ""


def save_uploads(paths: Iterable[str | os.PathLike], upload_dir: str | os.PathLike,
                 limits: UploadLimits = UploadLimits()) -> SaveResult:
    """Check uploaded files and copy the accepted ones into ``upload_dir``.

    Args:
        paths: the uploaded (temporary) files; their base names are the names the user gave them.
        upload_dir: the upload folder (created if missing); nothing is written outside it.
        limits: size, count and type limits.

    Returns:
        Which files were saved where, and which were refused and why.
    """
    paths = [Path(str(p)) for p in paths or []]
    out = SaveResult()
    if len(paths) > limits.max_files:
        out.refused = [(display_name(p), f"too many files at once ({len(paths)}); the limit is {limits.max_files}")
                       for p in paths]
        return out
    root = Path(upload_dir).resolve()
    total = 0
    for p in paths:
        name = display_name(p)
        try:
            size = p.stat().st_size
            with open(p, "rb") as f:
                head = f.read(SNIFF_BYTES)
        except OSError as e:
            out.refused.append((name, f"cannot read the upload: {e.strerror or e}"))
            continue
        why = check_file(p.name, head, size, limits)
        if not why and total + size > limits.max_total_bytes:
            why = f"the files together are over the {limits.max_total_bytes / 2**20:g} MB limit"
        if why:
            out.refused.append((name, why))
            continue
        data = p.read_bytes()
        total += size
        target = (root / safe_name(p.name, data)).resolve()
        if target.parent != root:  # cannot happen with safe_name; a last guard for the folder
            out.refused.append((name, "unsafe file name"))
            continue
        root.mkdir(parents=True, exist_ok=True)
        if not (target.exists() and target.read_bytes() == data):
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        out.saved.append((name, target))
    return out


def index_uploads(saved: list[Path], engine, progress: Callable[[float, str], None] | None = None):
    """Add saved files to the engine's index and load the new generation into ``engine``.

    Returns:
        The indexer's ``IndexReport``.

    Raises:
        NewsqaError: the index is locked by another writer, or cannot be updated.
    """
    progress = progress or (lambda f, d: None)
    progress(0.2, f"Reading and encoding {len(saved)} file{'s' if len(saved) != 1 else ''}")
    try:
        # add_sentence_vectors=False: an upload never re-encodes a whole older index inside a request
        report = update_index([str(p) for p in saved], engine.index_dir, encoder=engine.encoder, progress=False,
                              add_sentence_vectors=False)
    except OSError as e:
        raise NewsqaError(f"cannot update the index: {e.strerror or e}") from e
    progress(0.9, "Loading the updated index")
    engine.refresh()
    return report


@dataclass(frozen=True)
class UploadOutcome:
    """What became of one saved upload (the browser's upload list and ``POST /v1/documents`` both show it)."""

    name: str  # the name the user gave the file
    status: str  # "ok" (articles added), "duplicate" (nothing new), "refused" (nothing could be read)
    reason: str = ""  # why, for "duplicate" and "refused"
    doc_ids: tuple[str, ...] = ()  # the articles added ("ok"), or those already held ("duplicate")
    notes: tuple[str, ...] = ()  # about records indexed all the same or left out: "line 3: ..."


def where(origin: str) -> str:
    """The part of a reader's origin after ``#``, as people say it: ``a.csv#L3`` -> ``line 3``.

    >>> where("/up/a-1f2e3d4c.csv#L3"), where("/up/a.txt")
    ('line 3', '')
    """
    _, _, at = origin.partition("#")
    return f"line {at[1:]}" if at[:1] == "L" and at[1:].isdigit() else at


def upload_outcomes(saved: list[tuple[str, Path]], report, snapshot, known_files: set,
                    known_docs: set) -> list[UploadOutcome]:
    """Per saved file (``SaveResult.saved``), matched by its saved path, never by the user's name (two
    uploads may share one): added, a duplicate (the same file before, or articles already held), or
    refused (the reader's reason). ``known_files``/``known_docs``: the snapshot's before the update."""
    reasons: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    for s in report.skipped:  # a whole file ("empty file"), or one record ("a.jsonl#L2": "line 2: ...")
        key = str(Path(s.path.split("#", 1)[0]).resolve())
        reasons.setdefault(key, s.reason)
        if "#" in s.path:
            notes.setdefault(key, []).append(f"{s.reason} (left out)")
    for n in report.notes:  # indexed all the same ("date 'yesterday' is not a date ...; stored undated")
        key, at = str(Path(n.path.split("#", 1)[0]).resolve()), where(n.path)
        notes.setdefault(key, []).append(f"{at}: {n.text}" if at else n.text)
    files = getattr(snapshot, "files", {}) or {}
    out = []
    for name, path in saved:
        key = str(Path(path).resolve())
        rec, said = files.get(key), tuple(notes.get(key, ()))
        if key in known_files:
            out.append(UploadOutcome(name, "duplicate", "the same file was uploaded before; nothing changed"))
        elif rec is None:
            out.append(UploadOutcome(name, "refused", reasons.get(key, "no article could be read from it")))
        else:
            ids = tuple(rec.get("doc_ids") or ())
            new = tuple(i for i in ids if i not in known_docs)
            if not new:
                out.append(UploadOutcome(name, "duplicate", "the index already holds this article", ids, said))
            else:
                out.append(UploadOutcome(name, "ok", "", new, said))
    return out
