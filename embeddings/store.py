"""The stored index: a folder of plain data files described by ``manifest.json``.

Layout::

    INDEX/
      manifest.json          format version, model, dimension, metric, chunker and FAISS settings,
                             counts, library versions, created/updated, and the files below
      .lock                  writers hold an exclusive lock on it
      g000002/               one generation: written whole, then published by replacing manifest.json
        passages.jsonl       one passage a line, in the row order of vectors.npy
        passages.columns.npz byte offset of each line, passage ids, document and kind codes (numpy
                             arrays): opening parses no line until a passage is used
        documents.columns.npz byte offset and id of each line of documents.jsonl, likewise
        vectors.npy          float32 (passages x dimension), L2-normalised (cosine = inner product)
        sentences.npy        float16 (sentences x dimension): each passage sentence's vector, pooled
                             from the passage's forward pass (zero rows: encode at question time)
        sentence_rows.npy    int64 (passages + 1): passage row r's sentences are rows
                             sentence_rows[r] .. sentence_rows[r+1] of sentences.npy
        faiss.index          FAISS index over those vectors
        documents.jsonl      each document's metadata and full text (quotes are checked against it)
        files.json           source file -> sha256, size, mtime, document ids (for incremental updates)

An update writes a new generation folder beside the current one and then atomically replaces
``manifest.json``: a crash at any moment leaves the previous index whole, and a reader sees either the
old generation or the new one. Every file is data only (JSON, ``.npy`` read with
``allow_pickle=False``, FAISS): opening an untrusted index runs no code.

    >>> import json, numpy as np                                           # doctest: +SKIP
    >>> m = json.load(open("INDEX/manifest.json"))
    >>> vectors = np.load("INDEX/" + m["files"]["vectors"], allow_pickle=False)
    >>> rows = [json.loads(l) for l in open("INDEX/" + m["files"]["passages"])]
    >>> rows[0]["text"], vectors[0] @ vectors[1]
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .chunker import ChunkerSettings, Passage
from .errors import IndexFormatError, IndexLockedError, ModelMismatchError
from .faiss_index import FaissSettings, build_faiss_index
from .passage_table import DocumentTable, PassageTable, doc_ids_of, write_documents, write_table

FORMAT = "newsqa-index"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = ("passages", "vectors", "faiss", "documents", "files")
_FILENAMES = {
    "passages": "passages.jsonl",
    "vectors": "vectors.npy",
    "faiss": "faiss.index",
    "documents": "documents.jsonl",
    "files": "files.json",
    "columns": "passages.columns.npz",
    "documents_columns": "documents.columns.npz",
    "sentence_vectors": "sentences.npy",
    "sentence_rows": "sentence_rows.npy",
}
# Columns since 0.1, sentence vectors since 0.2; read when the manifest lists them. An index without them
# still opens: without columns it parses passages.jsonl whole, without sentence vectors it encodes
# candidate sentences at question time. Additive, so FORMAT_VERSION stays 1.
OPTIONAL_FILES = ("columns", "documents_columns", "sentence_vectors", "sentence_rows")
KEEP_GENERATIONS = 3  # the current one and two before it, for readers still loading an older one


@dataclass
class Snapshot:
    """One generation of an index, loaded: passages, vectors, FAISS index, documents, files."""

    path: Path
    manifest: dict
    passages: list[Passage]
    vectors: np.ndarray
    faiss_index: object
    documents: dict[str, dict]
    files: dict[str, dict]
    sentence_vectors: np.ndarray | None = None  # float16 (sentences x dim), memory-mapped
    sentence_rows: np.ndarray | None = None  # int64 (passages + 1)
    _row_of: dict[str, int] | None = field(default=None, repr=False)

    @property
    def row_of(self) -> dict[str, int]:
        """Passage id -> row (built on first use: a dict of every id)."""
        if self._row_of is None:
            ids = self.passages.passage_ids.tolist() if isinstance(self.passages, PassageTable) else [p.passage_id for p in self.passages]
            self._row_of = {pid: i for i, pid in enumerate(ids)}
        return self._row_of

    @property
    def generation(self) -> str:
        return self.manifest.get("generation", "")

    def document_text(self, doc_id: str) -> str:
        return self.documents[doc_id]["text"]

    def sentence_vectors_of(self, row: int) -> np.ndarray | None:
        """Passage ``row``'s stored sentence vectors (float32, one per sentence), or None without them."""
        if self.sentence_vectors is None:
            return None
        r = self.sentence_rows
        return np.asarray(self.sentence_vectors[r[row] : r[row + 1]], dtype=np.float32)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def library_versions() -> dict:
    out = {}
    import importlib.metadata as md

    for pkg in ("newsqa", "faiss-cpu", "numpy", "sentence-transformers", "torch", "bm25s"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    return out


def read_manifest(index_dir: Path) -> dict:
    """Read and check ``manifest.json``.

    Raises:
        IndexFormatError: missing folder or manifest, not JSON, unknown format or version, missing keys.
    """
    index_dir = Path(index_dir)
    if not index_dir.exists():
        raise IndexFormatError(f"index folder {index_dir} does not exist; build one with: newsqa index PATH --index {index_dir}")
    mpath = index_dir / MANIFEST
    if not mpath.is_file():
        raise IndexFormatError(f"{index_dir} holds no {MANIFEST}: not a newsqa index (build one with newsqa index PATH --index {index_dir})")
    try:
        m = json.loads(mpath.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise IndexFormatError(f"{mpath} is not valid JSON ({e}); rebuild the index or restore the file") from e
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise IndexFormatError(f"{mpath} is not a newsqa manifest (format {m.get('format') if isinstance(m, dict) else None!r})")
    if m.get("format_version") != FORMAT_VERSION:
        raise IndexFormatError(
            f"{mpath} has format version {m.get('format_version')!r}; this newsqa reads version {FORMAT_VERSION}: "
            "rebuild the index with this version"
        )
    for key in ("model", "files", "counts", "chunker"):
        if not isinstance(m.get(key), dict):
            raise IndexFormatError(f"{mpath}: field {key!r} is missing or not an object; rebuild the index")
    for key in FILES:
        rel = m["files"].get(key)
        if not isinstance(rel, str) or ".." in Path(rel).parts or Path(rel).is_absolute():
            raise IndexFormatError(f"{mpath}: files.{key} is missing or points outside the index folder")
    dim = m["model"].get("dimension")
    if not isinstance(dim, int) or isinstance(dim, bool) or dim <= 0:
        raise IndexFormatError(f"{mpath}: model.dimension must be a positive integer, got {dim!r}")
    # A hand-edited manifest must fail here with its field named, not as a crash further on.
    for key, ok, want in (
        ("model.name", isinstance(m["model"].get("name"), str) and m["model"]["name"], "a non-empty string"),
        ("model.path", isinstance(m["model"].get("path", ""), str), "a string"),
        ("generation", isinstance(m.get("generation", ""), str), "a string"),
        ("faiss", isinstance(m.get("faiss", {}), dict), "an object"),
        ("sizes", isinstance(m.get("sizes", {}), dict)
         and all(isinstance(v, int) and v >= 0 for v in m.get("sizes", {}).values()), "an object of byte counts"),
    ):
        if not ok:
            raise IndexFormatError(f"{mpath}: field {key!r} must be {want}; rebuild the index or restore the file")
    return m


def check_model(manifest: dict, name: str, checksum: str, dimension: int, where: Path) -> None:
    """Refuse an index made by another model or dimension."""
    m = manifest["model"]
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


def load_snapshot(index_dir: Path, *, mmap_vectors: bool = False) -> Snapshot:
    """Load the current generation of an index.

    A writer may publish newer generations while this one loads and then delete it (only
    ``KEEP_GENERATIONS`` are kept): if loading fails and the manifest meanwhile names another
    generation, that one is loaded instead, so a slow reader never fails because of a writer.

    Raises:
        IndexFormatError: anything missing, truncated or inconsistent, named with the file and the fix.
    """
    index_dir = Path(index_dir)
    m = read_manifest(index_dir)
    for attempt in range(5):
        try:
            try:
                return _load_generation(index_dir, m, mmap_vectors)
            except OSError as e:  # a file vanished or cannot be opened
                raise IndexFormatError(
                    f"index {index_dir}: cannot read {e.filename or m.get('generation')}: {e.strerror or e}; "
                    "check its permissions or rebuild the index"
                ) from e
        except IndexFormatError:
            newer = read_manifest(index_dir)
            if attempt == 4 or newer.get("generation") == m.get("generation"):
                raise
            m = newer
    raise AssertionError("unreachable")


def _load_generation(index_dir: Path, m: dict, mmap_vectors: bool) -> Snapshot:
    files = {k: index_dir / m["files"][k] for k in FILES}
    for k, p in files.items():
        if not p.is_file():
            raise IndexFormatError(f"index {index_dir}: {m['files'][k]} is missing; rebuild the index")
        want = m.get("sizes", {}).get(k)
        if want is not None and p.stat().st_size != want:
            raise IndexFormatError(
                f"index {index_dir}: {m['files'][k]} is {p.stat().st_size} bytes, the manifest says {want} "
                "(truncated or edited); rebuild the index"
            )
    try:
        columns = _optional_file(index_dir, m, "columns")
        if columns:
            passages = PassageTable.open(files["passages"], columns)
        else:  # written without columns (or they were deleted): parse the table whole
            passages = [Passage.from_row(json.loads(line)) for line in _lines(files["passages"])]
    except (ValueError, TypeError, KeyError) as e:
        raise IndexFormatError(f"index {index_dir}: {m['files']['passages']} has a bad row ({e}); rebuild the index") from e
    try:
        vectors = np.load(files["vectors"], allow_pickle=False, mmap_mode="r" if mmap_vectors else None)
    except (ValueError, OSError, EOFError) as e:
        raise IndexFormatError(f"index {index_dir}: {m['files']['vectors']} is not a readable .npy ({e}); rebuild the index") from e
    dim = m["model"]["dimension"]
    if vectors.ndim != 2 or vectors.shape[1] != dim or vectors.dtype != np.float32:
        raise IndexFormatError(
            f"index {index_dir}: vectors are {vectors.dtype} {vectors.shape}, expected float32 (n, {dim}); rebuild the index"
        )
    if len(passages) != vectors.shape[0]:
        raise IndexFormatError(
            f"index {index_dir}: {len(passages)} passages but {vectors.shape[0]} vectors; the passage table and "
            "vectors disagree: rebuild the index"
        )
    if m["counts"].get("passages") not in (None, len(passages)):
        raise IndexFormatError(f"index {index_dir}: manifest counts.passages={m['counts'].get('passages')} but the table has {len(passages)}")
    import faiss

    try:
        index = faiss.read_index(str(files["faiss"]))
    except RuntimeError as e:
        raise IndexFormatError(f"index {index_dir}: {m['files']['faiss']} cannot be read by FAISS (truncated?); rebuild the index") from e
    if index.ntotal != len(passages) or index.d != dim:
        raise IndexFormatError(f"index {index_dir}: FAISS index holds {index.ntotal}x{index.d}, expected {len(passages)}x{dim}")
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = int(m.get("faiss", {}).get("ef_search", 96))
    try:
        doc_columns = _optional_file(index_dir, m, "documents_columns")
        documents = DocumentTable.open(files["documents"], doc_columns) if doc_columns else {}
        for line in _lines(files["documents"]) if not doc_columns else ():
            d = json.loads(line)
            if not isinstance(d.get("text"), str):
                raise ValueError(f"document {d.get('doc_id')!r} has no text")
            documents[d["doc_id"]] = d
        file_table = json.loads(files["files"].read_text(encoding="utf-8"))
        if not isinstance(file_table, dict) or not all(isinstance(v, dict) for v in file_table.values()):
            raise ValueError(f"{m['files']['files']} is not an object of file records")
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise IndexFormatError(f"index {index_dir}: documents or files table is damaged ({e}); rebuild the index") from e
    missing = set(doc_ids_of(passages)) - documents.keys()
    if missing:
        raise IndexFormatError(f"index {index_dir}: {len(missing)} passages name documents that are not stored; rebuild the index")
    sentence_vectors, sentence_rows = _load_sentence_vectors(index_dir, m, len(passages), dim)
    return Snapshot(index_dir, m, passages, vectors, index, documents, file_table, sentence_vectors, sentence_rows)


def _load_sentence_vectors(index_dir: Path, m: dict, n_passages: int, dim: int):
    """The stored sentence vectors and their row offsets, or (None, None) for an index without them."""
    try:
        vpath, rpath = _optional_file(index_dir, m, "sentence_vectors"), _optional_file(index_dir, m, "sentence_rows")
        if not (vpath and rpath):
            return None, None
        sv = np.load(vpath, allow_pickle=False, mmap_mode="r")
        rows = np.load(rpath, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise IndexFormatError(f"index {index_dir}: sentence vectors are damaged ({e}); rebuild the index") from e
    if (sv.ndim != 2 or sv.shape[1] != dim or sv.dtype != np.float16 or rows.dtype != np.int64
            or rows.shape != (n_passages + 1,) or rows[0] != 0 or rows[-1] != sv.shape[0] or (np.diff(rows) < 0).any()):
        raise IndexFormatError(
            f"index {index_dir}: sentence vectors {sv.dtype} {sv.shape} and rows {rows.dtype} {rows.shape} do not fit "
            f"{n_passages} passages of dimension {dim}; rebuild the index"
        )
    return sv, rows


def _optional_file(index_dir: Path, m: dict, key: str) -> Path | None:
    """An optional file of the generation (see OPTIONAL_FILES), if the manifest lists it and it is whole."""
    rel = m["files"].get(key)
    if not isinstance(rel, str) or ".." in Path(rel).parts or Path(rel).is_absolute():
        return None
    path = index_dir / rel
    if not path.is_file():
        return None
    want = m.get("sizes", {}).get(key)
    if want is not None and path.stat().st_size != want:
        raise ValueError(f"{rel} is {path.stat().st_size} bytes, the manifest says {want} (truncated or edited)")
    return path


def _lines(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield line


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
    f = open(index_dir / ".lock", "a+")
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"index {index_dir} is being updated by another process (lock {index_dir / '.lock'}); "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        f.close()  # closing releases the lock


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_generation(
    index_dir: Path,
    *,
    passages: list[Passage],
    vectors: np.ndarray,
    documents: dict[str, dict],
    files: dict[str, dict],
    model: dict,
    chunker: ChunkerSettings,
    faiss_settings: FaissSettings,
    previous: dict | None,
    faiss_index=None,
    sentence_vectors: np.ndarray | None = None,
    sentence_counts: np.ndarray | None = None,
) -> dict:
    """Write a new generation and publish it by replacing ``manifest.json`` (call under ``writer_lock``).

    ``sentence_vectors`` (one row per passage sentence, in passage order) and ``sentence_counts``
    (sentences per passage) are stored as float16 with their row offsets; without them the index
    has none and questions encode candidate sentences themselves.

    Returns the new manifest.
    """
    import faiss

    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    prev_gen = (previous or {}).get("generation", "g000000")
    number = int(prev_gen[1:]) + 1 if prev_gen[1:].isdigit() else 1
    while (index_dir / f"g{number:06d}").exists():
        number += 1  # a folder left by a crashed update: never reuse it
    gen = f"g{number:06d}"
    tmp = index_dir / f".{gen}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()

    with open(tmp / _FILENAMES["passages"], "wb") as f:
        write_table(f, tmp / _FILENAMES["columns"], passages)
        f.flush()
        os.fsync(f.fileno())
    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(passages), model["dimension"])
    _save_npy(tmp / _FILENAMES["vectors"], vectors)
    written = FILES + OPTIONAL_FILES
    if sentence_vectors is not None and sentence_counts is not None:
        rows = np.concatenate([[0], np.cumsum(sentence_counts, dtype=np.int64)]).astype(np.int64)
        sv = np.asarray(sentence_vectors, dtype=np.float16).reshape(-1, model["dimension"])
        if len(rows) != len(passages) + 1 or rows[-1] != len(sv):
            raise ValueError(f"{len(sv)} sentence vectors for {rows[-1]} sentences of {len(passages)} passages")
        _save_npy(tmp / _FILENAMES["sentence_vectors"], sv)
        _save_npy(tmp / _FILENAMES["sentence_rows"], rows)
    else:
        written = tuple(k for k in written if k not in ("sentence_vectors", "sentence_rows"))
    index = faiss_index if faiss_index is not None else build_faiss_index(vectors, faiss_settings)
    faiss.write_index(index, str(tmp / _FILENAMES["faiss"]))
    _fsync_file(tmp / _FILENAMES["faiss"])  # written by FAISS itself: make it durable before publishing
    with open(tmp / _FILENAMES["documents"], "wb") as f:
        write_documents(f, tmp / _FILENAMES["documents_columns"], documents)
        f.flush()
        os.fsync(f.fileno())
    _fsync_write(tmp / _FILENAMES["files"], json.dumps(files, ensure_ascii=False, indent=0).encode("utf-8"))
    _fsync_dir(tmp)
    os.replace(tmp, index_dir / gen)
    _fsync_dir(index_dir)  # the generation's name is on disk before a manifest can point at it

    now = _now()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": model,
        "metric": "inner_product",
        "normalized": True,
        "chunker": chunker.to_dict(),
        "faiss": {**faiss_settings.to_dict(), "built": faiss_settings.resolved_kind(len(passages))},
        "counts": {"documents": len(documents), "passages": len(passages), "files": len(files)},
        "versions": library_versions(),
        "created": (previous or {}).get("created", now),
        "updated": now,
        "generation": gen,
        "files": {k: f"{gen}/{_FILENAMES[k]}" for k in written},
        "sizes": {k: (index_dir / gen / _FILENAMES[k]).stat().st_size for k in written},
    }
    mtmp = index_dir / f".{MANIFEST}.{os.getpid()}.tmp"
    _fsync_write(mtmp, json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8"))
    os.replace(mtmp, index_dir / MANIFEST)
    _fsync_dir(index_dir)
    _remove_old_generations(index_dir, keep=gen)
    return manifest


def _save_npy(path: Path, arr: np.ndarray) -> None:
    """``arr`` as a data-only ``.npy`` file, on disk before the call returns."""
    with open(path, "wb") as f:
        np.save(f, arr, allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    gens = sorted(p.name for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("g") and p.name[1:].isdigit())
    older = [g for g in gens if g < keep]
    for g in older[: max(0, len(older) - (KEEP_GENERATIONS - 1))]:
        shutil.rmtree(index_dir / g, ignore_errors=True)
    for p in index_dir.glob(".g*.tmp"):  # left by a crashed update
        shutil.rmtree(p, ignore_errors=True)
    for p in index_dir.glob(f".{MANIFEST}.*.tmp"):  # a manifest a crashed update never published
        p.unlink(missing_ok=True)
