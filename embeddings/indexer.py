"""Build or update a stored index from files: read -> chunk -> encode (only what is new) -> store.

    >>> from newsqa.embeddings.indexer import update_index                       # doctest: +SKIP
    >>> report = update_index(["articles/"], "my-index")  # doctest: +SKIP
    >>> print(report.summary_line())  # doctest: +SKIP
    read 2225 documents (98 duplicates), skipped 1; passages: 12772 added, 0 unchanged, 0 removed; 212.4 s

Re-running on unchanged files reads nothing (size and modification time match) and writes nothing.
A changed file replaces its documents' passages; ``prune=True`` drops documents whose files are gone.
Vectors are reused for any passage whose embedded text is already stored, so an edited article
re-encodes only its edited paragraphs.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from .chunker import ChunkerSettings, Passage, chunk_document, embed_text
from .documents import Document, Note, Skipped
from .backends.manifest import check_mix, model_fields
from .encoder import Encoder, load_encoder, load_small_encoder
from .errors import DocumentNotFoundError, IndexFormatError, NewsqaError
from .faiss_index import FaissSettings
from .file_records import FileRecords
from .lexical import TOKENIZER_VERSION, terms
from .manifest import model_to_load
from .migrations import migrate
from .model_identity import EncoderSlot, model_identity
from .plural import count
from .progress import ProgressCallback, ProgressEvent, as_callback, tracked
from .reader import IndexReader, open_reader
from .readers import DEFAULT_MAX_FILE_BYTES, FileRead, folder_section, iter_files, read_file
from .segment import (SegmentData, build_postings, documents_table, embed_hash, next_segment_name, passages_table,
                      publish_segment, write_segment)
from .store import MANIFEST, check_model, publish, tmp_segment, writer_lock

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Duplicate:
    """An article not added because its text (its content id) was already read or indexed."""

    origin: str  # the file (``#line`` for a record) it was read from
    title: str
    same_as: str = ""  # where the copy that was kept came from; "" when the index held it before

    def to_dict(self) -> dict:
        return {"origin": self.origin, "title": self.title, "same_as": self.same_as}

    def describe(self) -> str:
        """``a.txt ("Title", same text as b.txt)``."""
        return f"{self.origin} (\u201c{self.title}\u201d, {'same text as ' + self.same_as if self.same_as else 'already in the index'})"


@dataclass
class IndexReport:
    """What an update did (``newsqa index``, ``watch`` and the upload box print ``summary_line()``)."""

    index_dir: str
    documents_read: int = 0
    duplicates: int = 0
    duplicate_articles: list[Duplicate] = field(default_factory=list)  # the duplicates, named
    files_unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # about files indexed all the same (a date stored undated)
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    encoded: int = 0
    sentence_vectors_added: int = 0  # kept passages of an older index encoded again for them
    seconds: float = 0.0
    encode_seconds: float = 0.0  # of ``seconds``: the model encoding the new text (not the index's work)
    encode_cpu_seconds: float = 0.0  # the CPU time of that encoding (this process's, all its threads)
    written: bool = False
    documents_total: int = 0
    passages_total: int = 0
    pruned: list[str] = field(default_factory=list)  # source files whose documents were dropped
    missing: list[str] = field(default_factory=list)  # indexed files gone from disk, kept (``missing_files``)
    compaction_error: str = ""  # the merge after the (applied) update failed: why (it is retried later)

    def summary_line(self) -> str:
        """One line of what the update did, plurals right.

        >>> IndexReport("idx", documents_read=1, added=3, documents_total=1, passages_total=3).summary_line()
        'read 1 document, skipped 0; passages: 3 added, 0 unchanged, 0 removed; 0.0 s -> idx (1 document, 3 passages)'
        """
        dup = f" ({count(self.duplicates, 'duplicate')})" if self.duplicates else ""
        same = f", {count(self.files_unchanged, 'file')} unchanged" if self.files_unchanged else ""
        upgraded = (f", {self.sentence_vectors_added} given sentence vectors (an index of an older version)"
                    if self.sentence_vectors_added else "")
        pruned = f", {count(len(self.pruned), 'file')} pruned" if self.pruned else ""
        return (f"read {count(self.documents_read, 'document')}{dup}{same}, skipped {len(self.skipped)}{pruned}; "
                f"passages: {self.added} added, {self.unchanged} unchanged{upgraded}, {self.removed} removed; "
                f"{self.seconds:.1f} s -> {self.index_dir} ({count(self.documents_total, 'document')}, "
                f"{count(self.passages_total, 'passage')})"
                + (f"; merging small segments failed, retried later ({self.compaction_error})"
                   if self.compaction_error else ""))

    def missing_line(self) -> str:
        """A hint that indexed files are gone and stay indexed without ``--prune`` ("" when none are).

        >>> IndexReport("idx", missing=["/news/a.txt"]).missing_line()
        'hint: 1 indexed file no longer exists (/news/a.txt); its articles stay in the index: run again with --prune to drop them'
        """
        n = len(self.missing)
        if not n:
            return ""
        named = ", ".join(self.missing[:3]) + (f", and {n - 3} more" if n > 3 else "")
        return (f"hint: {count(n, 'indexed file')} no longer {'exists' if n == 1 else 'exist'} ({named}); "
                f"{'its' if n == 1 else 'their'} articles stay in the index: run again with --prune to drop them")

    def duplicates_line(self, first: int = 3) -> str:
        """The duplicates named, the first few and how many more ("" when there are none).

        >>> IndexReport("idx", duplicates=1, duplicate_articles=[Duplicate("b.txt", "Fire", "a.txt")]).duplicates_line()
        'duplicates not added: b.txt (\u201cFire\u201d, same text as a.txt)'
        """
        if not self.duplicate_articles:
            return ""
        named = ", ".join(d.describe() for d in self.duplicate_articles[:first])
        more = len(self.duplicate_articles) - first
        return f"duplicates not added: {named}" + (f", and {more} more (--json lists them all)" if more > 0 else "")


def document_row(doc: Document) -> dict:
    row = doc.meta()
    row["text"] = doc.text
    row["blocks"] = [b.to_row() for b in doc.blocks]
    return row




@dataclass(frozen=True)
class UpdateHooks:
    """How an update's work runs elsewhere (``embeddings.ray_pipeline``); None: in this process.

    ``read_files(roots, max_file_bytes, chunker, progress)`` gives the ``ReadFiles`` function;
    ``write_segments(index_dir, batch, faiss_settings, prev, report, encoder)`` encodes and writes
    the new passages (a ``NewBatch``) as one or more hidden segment folders, returning
    ``[(folder, fields)]``, which the update names and publishes in one manifest swap.
    """

    read_files: Callable[..., "ReadFiles"] | None = None
    write_segments: Callable[..., list[tuple[Path, dict]]] | None = None


def update_index(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    encoder: Encoder | EncoderSlot | None = None,
    model: str | None = None,
    prune: bool = False,
    progress: bool | ProgressCallback | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    chunker: ChunkerSettings = ChunkerSettings(),
    faiss_settings: FaissSettings | None = None,
    lock_timeout: float = 30.0,
    add_sentence_vectors: bool = True,
    backend: str | None = None,
    section_from_folder: bool = True,
    remove: Iterable[str | os.PathLike] = (),
    compact: bool = True,
    hooks: UpdateHooks | None = None,
) -> IndexReport:
    """Build the index at ``index_dir`` or bring it up to date with ``paths``.

    Args:
        paths: files and folders (folders are read recursively).
        index_dir: the index folder (created if missing).
        encoder: a loaded encoder or an ``EncoderSlot`` (keeps what is loaded); else ``model`` is loaded on need.
        prune: drop documents whose source files no longer exist.
        progress: True for tqdm bars on stderr (default: when stderr is a terminal), or a
            ``ProgressCallback`` given ``ProgressEvent`` s (``reading`` files, ``loading model``, ``encoding`` passages).
        backend: the encoder's forward pass when ``encoder`` is None (``embeddings.backends``;
            default ``auto``); recorded in the manifest.
        section_from_folder: a plain ``.txt``/``.md`` file in a sub-folder of a folder in ``paths``
            gets that sub-folder's name as its section (unless the file names its own).
        remove: files to take out of the index (their articles leave it, unless another indexed
            file holds the same article); the files themselves are not touched.
        add_sentence_vectors: kept for callers of format 1; every segment stores sentence vectors
            (a migrated format-1 index without them has zero rows: encoded at question time).
        compact: merge small segments afterwards when the merge policy says so (``embeddings.compaction``).
        hooks: run reading, encoding and segment writing elsewhere (``update_index_ray``).

    Returns:
        An ``IndexReport``; nothing is written when nothing changed. An update writes one segment
        holding what it added and tombstones what it replaced or pruned: its cost follows the change.

    Raises:
        ModelMismatchError: the index was built with another model.
        IndexLockedError: another writer holds the index.
        IndexFormatError: the existing index is damaged (it is left as it is).
    """
    progress = as_callback(sys.stderr.isatty() if progress is None else progress)
    paths = list(paths)
    roots = [Path(p) for p in paths if Path(p).is_dir()] if section_from_folder else []
    hooks = hooks or UpdateHooks()

    read = (hooks.read_files(roots, max_file_bytes, chunker, progress) if hooks.read_files
            else _local_reader(roots, max_file_bytes, progress))
    return _update(paths, index_dir, encoder=encoder, model=model, prune=prune, progress=progress, chunker=chunker,
                   faiss_settings=faiss_settings, lock_timeout=lock_timeout, read_files=read,
                   write_segments=hooks.write_segments, backend=backend, remove=remove, compact=compact)


def _local_reader(roots: list[Path], max_file_bytes: int, progress: ProgressCallback | None) -> ReadFiles:
    """Read files in this process, one after another, reporting ``reading`` events."""
    def read_local(items: list[Path]) -> Iterator[tuple[FileRead, dict[str, list[Passage]] | None]]:
        def read(item: Path):
            return read_file(item, max_bytes=max_file_bytes, section=folder_section(item, roots)), None

        yield from tracked(read, items, "reading", "files", progress)

    return read_local


def delete_documents(index_dir: str | os.PathLike, doc_ids: Iterable[str], *, encoder: Encoder | None = None,
                     lock_timeout: float = 30.0) -> IndexReport:
    """Remove documents (all their passages) from the index; a new generation is published.

    The file a document came from stays recorded without it, so it is not read again until that
    file changes (re-indexing an unchanged folder does not bring it back).

    Raises:
        DocumentNotFoundError: a document id is not in the index (nothing is removed).
    """
    drop = frozenset(doc_ids)
    if not (Path(index_dir) / MANIFEST).exists():
        raise IndexFormatError(f"no index at {index_dir}; build one with newsqa index")
    return _update([], index_dir, encoder=encoder, model=None, prune=False, progress=False, chunker=None,
                   faiss_settings=None, lock_timeout=lock_timeout, read_files=lambda items: [], drop_doc_ids=drop)


# Reads the given files in order: each file's FileRead, and its documents' passages when the reader
# chunked them already (a distributed reader does), else None.
ReadFiles = Callable[[list[Path]], Iterable[tuple[FileRead, "dict[str, list[Passage]] | None"]]]


@dataclass
class NewBatch:
    """What an update adds: its documents (rows for documents.arrow), passages and file records."""

    documents: list[Document]
    passages: list[Passage]
    files: dict[str, dict]


@dataclass
class _Change:
    """What one update does: the batch it adds and the documents and files that go."""

    batch: NewBatch
    records: FileRecords
    changed_files: list[str]
    dead: list[str]
    gone_keys: set[str]
    documents_before: int


# The reader a writer process last opened, per index: its segments are reused by the next update
# of that index in this process (segments are immutable), so an add opens only the new segment.
_WRITER_READERS: dict[Path, IndexReader] = {}


def missing_files(index_dir: str | os.PathLike, folders: Iterable[str | os.PathLike]) -> list[str]:
    """The indexed source files inside ``folders`` that no longer exist (what ``prune=True`` would
    drop there). ``newsqa index`` calls it after an update, to say that their articles stay indexed
    without ``--prune``; an update does not (its cost follows the change). Only folders count, and
    only their files are looked for on disk: adding one file to a large index stats no other."""
    index_dir = Path(index_dir)
    roots = [Path(f).resolve() for f in folders if Path(f).is_dir()]
    if not roots or not (index_dir / MANIFEST).exists():
        return []
    return [k for k in FileRecords(open_reader(index_dir, ann=False))
            if any(Path(k).is_relative_to(r) for r in roots) and not Path(k).exists()]


def _open_previous(index_dir: Path) -> IndexReader | None:
    if not (index_dir / MANIFEST).exists():
        return None
    key = index_dir.resolve()
    prev = open_reader(index_dir, ann=False, previous=_WRITER_READERS.pop(key, None))
    while len(_WRITER_READERS) >= 4:
        _WRITER_READERS.pop(next(iter(_WRITER_READERS)))
    _WRITER_READERS[key] = prev
    return prev


def _update(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    encoder: Encoder | None,
    model: str | None,
    prune: bool,
    progress: ProgressCallback | None,
    chunker: ChunkerSettings | None,
    faiss_settings: FaissSettings | None,
    lock_timeout: float,
    read_files: ReadFiles,
    write_segments: Callable[..., list[tuple[Path, dict]]] | None = None,
    backend: str | None = None,
    remove: Iterable[str | os.PathLike] = (),
    compact: bool = True,
    drop_doc_ids: frozenset[str] = frozenset(),
) -> IndexReport:
    """The one update every engine runs: diff files against the index, read and chunk what changed
    (``read_files``), encode only new text (``encoder``), write the segment(s) holding only what
    was added (``write_segments``; default: one, in this process) and publish them in one manifest swap with tombstones for what was deleted or replaced. See
    ``update_index`` for the arguments; ``drop_doc_ids`` are removed (``delete_documents``);
    ``chunker=None`` keeps the index's own settings.
    """
    t0 = time.perf_counter()
    index_dir = Path(index_dir)
    report = IndexReport(str(index_dir))
    manifest = None
    with writer_lock(index_dir, timeout=lock_timeout):
        migrate(index_dir)  # an older format is upgraded once, in place, before anything else
        prev = _open_previous(index_dir)
        encoder, chunker, faiss_settings = _settings(index_dir, prev, encoder, model, backend, chunker, faiss_settings)
        change = _collect(index_dir, prev, paths, read_files, chunker, prune, remove, drop_doc_ids, report)
        if change is None and prev is not None:  # nothing changed: the report says what the index holds
            report.unchanged = report.passages_total = prev.info.counts.passages
            report.documents_total = prev.info.counts.documents
        elif change is not None:
            manifest = _write(index_dir, prev, change, encoder, chunker, faiss_settings, write_segments, progress, report)
    if manifest is not None and compact:
        _compact_after(index_dir, manifest, lock_timeout, report)
    report.seconds = time.perf_counter() - t0
    return report


def _compact_after(index_dir: Path, manifest, lock_timeout: float, report: IndexReport) -> None:
    """Merge small segments after a published update when the policy says so. The update is applied
    whatever happens here: a merge that fails (another writer holding the lock past ``lock_timeout``,
    a full disk) is logged and noted in ``report.compaction_error``, never raised; the next update
    or ``newsqa compact`` merges."""
    from .compaction import compact_index, needs_merge

    if not needs_merge(manifest):
        return
    try:
        compact_index(index_dir, lock_timeout=lock_timeout)
    except Exception as e:  # the update is published: failing it now would report applied work as failed
        report.compaction_error = f"{type(e).__name__}: {e}"
        _log.warning("index %s: the update was applied; merging its small segments failed (%s), "
                     "the next update or newsqa compact tries again", index_dir, report.compaction_error,
                     exc_info=not isinstance(e, NewsqaError))


def _settings(index_dir: Path, prev, encoder, model, backend, chunker, faiss_settings):
    """The encoder (loaded on first need: ``EncoderOnDemand``), chunker and FAISS settings of this
    update, checked against the index's own."""
    slot = encoder if isinstance(encoder, EncoderSlot) else None
    need = EncoderOnDemand(slot.loaded if slot is not None else encoder, model_to_load(prev.info if prev else None, model),
                           backend, prev, index_dir, slot)
    if prev is not None:
        if chunker is None:
            chunker = ChunkerSettings(**prev.info.chunker)
        if prev.info.chunker != chunker.to_dict():
            raise IndexFormatError(
                f"index {index_dir} was chunked with {prev.info.chunker}, not {chunker.to_dict()}; "
                "use the same settings or a new --index folder"
            )
    faiss_settings = faiss_settings or (
        FaissSettings.from_dict(prev.info.faiss) if prev else FaissSettings())
    return need, chunker, faiss_settings


# Below this many texts to encode, an update that was given no encoder and asked for no backend
# loads one model, never two (``encoder.load_small_encoder``): auto's choice when it loads light
# (on record for this CPU, parity passed: no torch import, ~0.5 CPU-s), else torch fp32 alone (the
# reference every backend is checked against, so its vectors mix into any index); a one-article add
# then pays no model compile, conversion or parity check.
SMALL_WRITE = 256


class EncoderOnDemand:
    """An update's encoder: the one given (checked against the index now), else loaded on first
    need, so an update that encodes nothing (a delete, a prune, a re-run over unchanged files, text
    whose vectors the index holds) never loads the model. ``slot`` (an ``EncoderSlot``) keeps what
    was loaded for the next update of a series (``newsqa watch``)."""

    def __init__(self, given: Encoder | None, spec: str | None, backend: str | None, prev, index_dir: Path,
                 slot: EncoderSlot | None = None):
        self.spec, self.backend, self.prev, self.index_dir, self.slot = spec, backend, prev, index_dir, slot
        self.loaded: Encoder | None = None
        self.identified = None  # a ModelIdentity standing for the model (``identity``)
        if given is not None:
            self.loaded = self._checked(given)

    def _checked(self, encoder) -> Encoder:
        if self.prev is not None:
            check_model(self.prev.info, encoder.name, encoder.checksum, encoder.dimension, self.index_dir)
            check_mix(self.prev.info.model.model_dump(), encoder, self.index_dir)
        return encoder

    def get(self, texts: int | None = None, progress: ProgressCallback | None = None) -> Encoder:
        """The encoder, loaded now if it was not (``texts``: how many it is about to encode). The load
        is a ``loading model`` stage for ``progress``: it takes seconds to a minute with no other sign."""
        if self.loaded is None:
            asked = self.backend or os.environ.get("NEWSQA_BACKEND")
            small = texts is not None and texts <= SMALL_WRITE
            if progress:
                progress(ProgressEvent("loading model", 0, 1, "model"))
            self.loaded = self._checked(load_small_encoder(self.spec) if small and not asked
                                        else load_encoder(self.spec, backend=asked))
            if progress:
                progress(ProgressEvent("loading model", 1, 1, "model"))
            if self.slot is not None:
                self.slot.loaded = self.loaded
        return self.loaded

    def identity(self):
        """The loaded encoder, else what stands for it in the manifest and for Ray workers (name,
        checksum, dimension, backend) read from the model folder without loading a model; a model
        whose folder does not say its dimension, or an asked backend other than torch, is loaded."""
        if self.loaded is not None:
            return self.loaded
        if self.identified is None:
            got = model_identity(self.spec, self.backend or os.environ.get("NEWSQA_BACKEND"))
            if got is None:
                return self.get()
            self.identified = self._checked(got)
        return self.identified

    @property
    def dimension(self) -> int:
        return self.prev.dimension if self.prev is not None and self.loaded is None else self.identity().dimension


def _collect(index_dir: Path, prev, paths, read_files: ReadFiles, chunker: ChunkerSettings, prune: bool,
             remove, drop_doc_ids: frozenset[str], report: IndexReport) -> _Change | None:
    """Diff the files against the index and read what changed; None when nothing is to be written."""
    records = FileRecords(prev)
    stored = prev.documents if prev else {}
    new_docs, chunked, changed_files, gone, again = _read_changes(paths, records, stored, read_files, prune, report)
    for path in remove:  # files taken out (a deleted upload): their articles leave unless held elsewhere
        key = str(Path(path).resolve())
        if key in records:
            gone.update(records.pop(key)["doc_ids"])
            report.pruned.append(key)
    if drop_doc_ids:
        changed_files += [k for k in _drop_documents(records, drop_doc_ids, index_dir) if k not in changed_files]
        gone |= set(drop_doc_ids)
    held = records.referenced(gone)  # only read whole when documents went
    moved = _moved(again, gone, records, set(changed_files), new_docs, report)
    dead = sorted({i for i in gone if (i not in held or i in moved) and i in stored})
    passages = [p for d in new_docs.values()
                for p in (chunked[d.doc_id] if d.doc_id in chunked else chunk_document(d, chunker))]
    gone_keys = set(report.pruned)
    if prev is None and not len(records):
        return None  # nothing could be read into a new index: write no empty index (the CLI exits non-zero)
    if prev is not None and not (passages or changed_files or dead or gone_keys):
        return None
    batch = NewBatch(list(new_docs.values()), passages, {k: records.changed[k] for k in changed_files})
    return _Change(batch, records, changed_files, dead, gone_keys, prev.info.counts.documents if prev else 0)


def _write(index_dir: Path, prev, change: _Change, encoder: "EncoderOnDemand", chunker: ChunkerSettings,
           faiss_settings: FaissSettings, write_segments, progress: ProgressCallback | None, report: IndexReport):
    """Encode and write the new segment(s), then publish the manifest listing them (one swap)."""
    report.added = len(change.batch.passages)
    tombstones, report.removed = _tombstones(prev, change.dead)
    report.unchanged = (prev.info.counts.passages if prev else 0) - report.removed
    segments = list(prev.info.segments) if prev else []
    if change.batch.passages or change.changed_files:
        if write_segments is None:
            vectors, sentences = _encode_new(change.batch.passages, prev, encoder, progress, report)
            data = segment_data(change.batch.passages, vectors, sentences,
                                [document_row(d) for d in change.batch.documents], change.batch.files)
            with tmp_segment("new") as name:  # a name of its own: a merge of this process may be writing
                tmp, fields = write_segment(index_dir, name, data, faiss_settings, TOKENIZER_VERSION)
                segments.append(publish_segment(tmp, next_segment_name(index_dir, [s.name for s in segments]), fields))
        else:
            written = write_segments(index_dir, change.batch, faiss_settings, prev, report, encoder.identity())
            for tmp, fields in written:
                segments.append(publish_segment(tmp, next_segment_name(index_dir, [s.name for s in segments]), fields))
    deleted_files = ((set(prev.info.deleted_files) if prev else set()) - set(change.changed_files)) | change.gone_keys
    report.documents_total = change.documents_before - len(change.dead) + len(change.batch.documents)
    report.passages_total = report.unchanged + report.added
    manifest = publish(index_dir, prev.info if prev else None, base=_base(encoder, chunker, faiss_settings, prev),
                       segments=segments, tombstones=tombstones, deleted_files=sorted(deleted_files),
                       counts={"documents": report.documents_total, "passages": report.passages_total,
                               "files": len(change.records), "tombstoned_passages": _tombstoned(prev, report.removed)},
                       migrations=None if prev else [])
    report.written = True
    return manifest


def _base(need: "EncoderOnDemand", chunker: ChunkerSettings, faiss_settings: FaissSettings, prev=None) -> dict:
    """The settings a new index records once for all its segments (and the backend of its vectors;
    an update that loaded no model and wrote no vectors elsewhere keeps the index's model entry)."""
    if prev is not None and need.loaded is None and need.identified is None:
        model = prev.info.model.model_dump()
    else:
        encoder = need.identity()
        model = {"name": encoder.name, "checksum": encoder.checksum, "dimension": encoder.dimension,
                 "path": str(getattr(encoder, "model_dir", "")) if encoder.name != "all-MiniLM-L6-v2" else "",
                 "embed_text": "title+paragraph, headline alone",
                 **model_fields(encoder, prev.info.model.model_dump() if prev is not None else None)}
    return {"model": model, "metric": "inner_product", "normalized": True, "chunker": chunker.to_dict(),
            "faiss": faiss_settings.to_dict()}


def _read_changes(paths, files: FileRecords, stored, read_files: ReadFiles, prune: bool, report: IndexReport):
    """Read the new and changed files: (new documents, their passages if the reader chunked them,
    keys of the files recorded anew, ids of documents whose file was replaced or pruned). ``files``
    is updated in place."""
    new_docs: dict[str, Document] = {}
    chunked: dict[str, list[Passage]] = {}
    changed: list[str] = []
    gone: set[str] = set()
    again: list[tuple[Document, Duplicate]] = []  # text the index holds: a duplicate, unless it moved
    candidates: list[tuple[Path, str, os.stat_result, dict | None]] = []
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        key = str(item.resolve())
        try:
            st = item.stat()
        except OSError as e:
            report.skipped.append(Skipped(str(item), f"cannot read: {e.strerror or e}"))
            continue
        rec = files.get(key)
        if rec and rec.get("size") == st.st_size and rec.get("mtime_ns") == st.st_mtime_ns:
            report.files_unchanged += 1
            continue
        candidates.append((item, key, st, rec))
    for (item, key, st, rec), (fr, parts) in zip(candidates, read_files([c[0] for c in candidates])):
        chunked.update(parts or {})
        report.skipped.extend(fr.skipped)
        if not fr.sha256:
            continue  # unreadable: whatever was indexed from it before stays
        if rec and rec.get("sha256") == fr.sha256:
            report.files_unchanged += 1
            continue
        if not fr.documents:
            # Unreadable or empty: not recorded (so it is reported again next time), and whatever
            # was indexed from it before stays. The reason is in report.skipped.
            continue
        report.notes.extend(fr.notes)
        ids = list(dict.fromkeys(d.doc_id for d in fr.documents))
        if rec:
            gone.update(set(rec["doc_ids"]) - set(ids))
        files[key] = {"sha256": fr.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "doc_ids": ids}
        changed.append(key)
        _take_documents(fr.documents, key, {i for i in rec["doc_ids"] if i in stored} if rec else set(),
                        stored, new_docs, report, again)
    if prune:
        for key in [k for k in files if not Path(k).exists()]:
            gone.update(files.pop(key)["doc_ids"])
            report.pruned.append(key)
    return new_docs, chunked, changed, gone, again


def _take_documents(docs, key: str, unchanged: set[str], stored, new_docs: dict, report: IndexReport,
                    again: list[tuple[Document, Duplicate]]) -> None:
    """Add a changed file's documents to ``new_docs``; one already indexed, or read twice, is a
    duplicate, except those ``unchanged`` (still indexed from this same file: a JSONL file's other
    records when one was edited) which are neither new nor duplicates. One already indexed is also
    put in ``again`` (``_moved`` decides, once the update's removals are known, if it moved)."""
    for d in docs:
        report.documents_read += 1
        if d.doc_id in unchanged:
            unchanged.discard(d.doc_id)  # its first reading; a second one is a duplicate
            continue
        if d.doc_id in new_docs or d.doc_id in stored:
            report.duplicates += 1
            kept = new_docs.get(d.doc_id)
            dup = Duplicate(d.origin or key, d.title, (kept.origin or "?") if kept else "")
            report.duplicate_articles.append(dup)
            if kept is None:
                again.append((d, dup))
        else:
            new_docs[d.doc_id] = d


def _moved(again: list[tuple[Document, Duplicate]], gone: set[str], records: FileRecords, changed: set[str], new_docs: dict,
           report: IndexReport) -> set[str]:
    """Documents read again whose indexed copy's file leaves in this update (a renamed file with
    ``--prune``, a moved file under ``watch``): no file but this update's holds them any more. Each
    is added anew from its new file (its origin there; the stored vectors of its text are reused)
    and is no duplicate; the ids returned are tombstoned in their old segment."""
    candidates = {d.doc_id: (d, dup) for d, dup in again if d.doc_id in gone}
    if not candidates:
        return set()
    held = records.holders(set(candidates))
    moved = {i for i in candidates if held.get(i, set()) <= changed}
    for i in moved:
        new_docs[i] = candidates[i][0]
    not_dups = {id(candidates[i][1]) for i in moved}
    report.duplicate_articles = [x for x in report.duplicate_articles if id(x) not in not_dups]
    report.duplicates -= len(not_dups)
    return moved


def _tombstones(prev, dead: list[str]) -> tuple[dict[str, set[str]], int]:
    """The manifest's tombstones with ``dead`` documents added (to the segment holding each), and
    how many passages that deletes."""
    out = {k: set(v) for k, v in (prev.info.tombstones.items() if prev else ())}
    removed = 0
    for doc_id in dead:
        for seg, live in zip(reversed(prev.segments), reversed(prev.live_docs)):
            row = seg.find_document(doc_id)
            if row is not None and live[row]:
                out.setdefault(seg.name, set()).add(doc_id)
                removed += int(seg.passages_per_document()[row])
                break
    return out, removed


def _tombstoned(prev, removed: int) -> int:
    return (prev.info.counts.tombstoned_passages if prev else 0) + removed


def segment_data(passages: Sequence[Passage], vectors: np.ndarray, sentences: list[np.ndarray],
                 documents: list[dict], files: dict[str, dict]) -> SegmentData:
    """A new segment's contents: ``passages`` (of ``documents``) with their vectors and sentence vectors."""
    doc_row = {d["doc_id"]: i for i, d in enumerate(documents)}
    texts = [embed_text(p) for p in passages]
    hashes = [embed_hash(t, sentence_spans(p)) for t, p in zip(texts, passages)]
    dim = vectors.shape[1]
    counts = np.array([len(x) for x in sentences], dtype=np.int64)
    sv = np.concatenate([np.asarray(x, np.float16).reshape(-1, dim) for x in sentences]) if sentences else np.zeros((0, dim), np.float16)
    return SegmentData(passages_table(passages, doc_row, hashes), documents_table(documents), vectors, sv,
                       np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), build_postings(texts, terms), files)


def _drop_documents(files: FileRecords, doc_ids: frozenset[str], index_dir: Path) -> list[str]:
    """Take ``doc_ids`` out of the file records; all must be there. Returns the files whose records changed."""
    items = files.items()
    known = {i for _, rec in items for i in rec["doc_ids"]}
    missing = sorted(doc_ids - known)
    if missing:
        raise DocumentNotFoundError(f"no document {', '.join(missing)} in the index {index_dir}; "
                                    "see the doc_id of a citation or GET /v1/index")
    changed = []
    for key, rec in items:
        if any(i in doc_ids for i in rec["doc_ids"]):
            files[key] = {**rec, "doc_ids": [i for i in rec["doc_ids"] if i not in doc_ids]}
            changed.append(key)
    return changed


def sentence_spans(p: Passage) -> list[tuple[int, int]]:
    """A passage's sentences as character ranges of its ``embed_text`` (which ends with the passage text)."""
    shift = len(embed_text(p)) - len(p.text) - p.start
    return [(s + shift, e + shift) for s, e in p.sentences]


def _encode_new(new_passages: Sequence[Passage], prev, need: "EncoderOnDemand", progress: ProgressCallback | None,
                report: IndexReport) -> tuple[np.ndarray, list[np.ndarray]]:
    """Vectors for new passages and for their sentences, reusing the stored ones of identical text
    (the model is loaded only when some text is new)."""
    if prev is None:  # a new index: every text is new (and the model gives the dimension)
        need.get(len(new_passages), progress)
    out, sents = stored_vectors(new_passages, prev, need.dimension)
    todo = sum(s is None for s in sents)
    if todo:
        encoder, cpu = need.get(todo, progress), time.process_time()
        encoded, seconds = encode_missing(new_passages, out, sents, encoder, progress)
        report.encode_cpu_seconds += time.process_time() - cpu
        report.encoded += encoded
        report.encode_seconds += seconds
    return out, sents


def stored_vectors(new_passages: Sequence[Passage], prev, dimension: int) -> tuple[np.ndarray, list]:
    """The stored vectors of passages whose embedded text (and sentence spans) is already in the
    index (found by the segments' ``embed_hash``, tombstoned rows included: an edited article
    re-encodes only its edited paragraphs); ``sentences[j]`` is None where passage j needs encoding."""
    texts = [embed_text(p) for p in new_passages]
    hashes = np.array([embed_hash(t, sentence_spans(p)) for t, p in zip(texts, new_passages)], dtype=np.uint64)
    out = np.zeros((len(texts), dimension), dtype=np.float32)
    sents: list[np.ndarray | None] = [None] * len(texts)
    known: dict[int, tuple] = {}
    for seg in (prev.segments if prev is not None and len(texts) else ()):
        for h, r in seg.rows_of_hashes(hashes).items():
            known.setdefault(h, (seg, r))
    for j, h in enumerate(hashes.tolist()):
        if h in known:
            seg, r = known[h]
            out[j] = seg.vectors[r]
            sents[j] = np.asarray(seg.sentence_vectors[seg.sentence_rows[r]:seg.sentence_rows[r + 1]], np.float32)
    return out, sents


def encode_missing(passages: Sequence[Passage], out: np.ndarray, sents: list, encoder: Encoder,
                   progress: ProgressCallback | None = None) -> tuple[int, float]:
    """Encode the passages ``stored_vectors`` left (``sents[j] is None``), each distinct text once,
    filling ``out`` and ``sents`` in place. Returns (texts encoded, seconds the model took)."""
    todo: dict[tuple, list[int]] = {}
    for j, p in enumerate(passages):
        if sents[j] is None:
            todo.setdefault((embed_text(p), tuple(sentence_spans(p))), []).append(j)
    if not todo:
        return 0, 0.0
    uniq = list(todo)
    t0 = time.perf_counter()
    vecs, svecs = encoder.encode_passages([t for t, _ in uniq], [sp for _, sp in uniq], progress=progress)
    seconds = time.perf_counter() - t0
    at = 0
    for (t, sp), v in zip(uniq, vecs):
        for j in todo[(t, sp)]:
            out[j], sents[j] = v, svecs[at : at + len(sp)]
        at += len(sp)
    return len(uniq), seconds
