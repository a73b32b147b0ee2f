"""Build or update a stored index from files: read -> chunk -> encode (only what is new) -> store.

    >>> from embeddings.indexer import update_index                       # doctest: +SKIP
    >>> report = update_index(["articles/"], "my-index")
    >>> print(report.summary_line())
    read 2225 documents (98 duplicates), skipped 1; passages: 12772 added, 0 unchanged, 0 removed; 212.4 s

Re-running on unchanged files reads nothing (size and modification time match) and writes nothing.
A changed file replaces its documents' passages; ``prune=True`` drops documents whose files are gone.
Vectors are reused for any passage whose embedded text is already stored, so an edited article
re-encodes only its edited paragraphs.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from .chunker import ChunkerSettings, Passage, chunk_document
from .documents import KIND_HEADLINE, Document, Skipped
from .encoder import Encoder, load_encoder
from .errors import DocumentNotFoundError, IndexFormatError
from .faiss_index import FaissSettings
from .passage_table import doc_ids_of
from .readers import DEFAULT_MAX_FILE_BYTES, FileRead, iter_files, read_file
from .store import MANIFEST, check_model, load_snapshot, write_generation, writer_lock


@dataclass
class IndexReport:
    """What an update did (the CLI prints ``summary_line()``)."""

    index_dir: str
    documents_read: int = 0
    duplicates: int = 0
    files_unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    added: int = 0
    unchanged: int = 0
    removed: int = 0
    encoded: int = 0
    sentence_vectors_added: int = 0  # kept passages of an older index encoded again for them
    seconds: float = 0.0
    written: bool = False
    documents_total: int = 0
    passages_total: int = 0

    def summary_line(self) -> str:
        dup = f" ({self.duplicates} duplicates)" if self.duplicates else ""
        same = f", {self.files_unchanged} files unchanged" if self.files_unchanged else ""
        docs = "document" if self.documents_read == 1 else "documents"
        upgraded = (f", {self.sentence_vectors_added} given sentence vectors (an index of an older version)"
                    if self.sentence_vectors_added else "")
        return (
            f"read {self.documents_read} {docs}{dup}{same}, skipped {len(self.skipped)}; "
            f"passages: {self.added} added, {self.unchanged} unchanged{upgraded}, {self.removed} removed; "
            f"{self.seconds:.1f} s -> {self.index_dir} ({self.documents_total} documents, {self.passages_total} passages)"
        )


def embed_text(p: Passage) -> str:
    """The text a passage is embedded as: a paragraph with its headline in front, a headline alone.

    The headline gives a paragraph the context its sentences leave implicit ("the summit" of which
    story); listed headlines are separate stories, so they are embedded alone.
    """
    if p.kind == KIND_HEADLINE or not p.title:
        return p.text
    return f"{p.title}\n{p.text}"


def document_row(doc: Document) -> dict:
    row = doc.meta()
    row["text"] = doc.text
    row["blocks"] = [[b.kind, b.start, b.end, b.paragraph, b.heading] for b in doc.blocks]
    return row


def _progress(iterable, total, desc, enabled):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="file", leave=False, file=sys.stderr)


def update_index(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    encoder: Encoder | None = None,
    model: str | None = None,
    prune: bool = False,
    progress: bool | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    chunker: ChunkerSettings = ChunkerSettings(),
    faiss_settings: FaissSettings | None = None,
    lock_timeout: float = 30.0,
    add_sentence_vectors: bool = True,
) -> IndexReport:
    """Build the index at ``index_dir`` or bring it up to date with ``paths``.

    Args:
        paths: files and folders (folders are read recursively).
        index_dir: the index folder (created if missing).
        encoder: an already loaded encoder; else ``model`` is loaded (the packaged default if None).
        prune: drop documents whose source files no longer exist.
        progress: show progress bars (default: when stderr is a terminal).
        add_sentence_vectors: an index written before sentence vectors were stored gains them
            (its passages are encoded once more). False keeps such an index as it is, for quick
            updates (a browser upload); a new or current index always has them.

    Returns:
        An ``IndexReport``; nothing is written when nothing changed.

    Raises:
        ModelMismatchError: the index was built with another model.
        IndexLockedError: another writer holds the index.
        IndexFormatError: the existing index is damaged (it is left as it is).
    """
    progress = sys.stderr.isatty() if progress is None else progress

    def read_local(items: list[Path]) -> Iterator[tuple[FileRead, dict[str, list[Passage]] | None]]:
        for item in _progress(items, len(items), "reading", progress):
            yield read_file(item, max_bytes=max_file_bytes), None

    return _update(paths, index_dir, encoder=encoder, model=model, prune=prune, progress=progress, chunker=chunker,
                   faiss_settings=faiss_settings, lock_timeout=lock_timeout, read_files=read_local,
                   add_sentence_vectors=add_sentence_vectors)


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


def _update(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    encoder: Encoder | None,
    model: str | None,
    prune: bool,
    progress: bool,
    chunker: ChunkerSettings,
    faiss_settings: FaissSettings | None,
    lock_timeout: float,
    read_files: ReadFiles,
    wrap_encoder: Callable[[Encoder], Encoder] | None = None,
    add_sentence_vectors: bool = True,
    drop_doc_ids: frozenset[str] = frozenset(),
) -> IndexReport:
    """The one update both engines run: diff files against the index, read and chunk what changed
    (``read_files``), encode only new text (``encoder``, optionally wrapped, e.g. to run on Ray),
    and publish a new generation. See ``update_index`` for the arguments; ``drop_doc_ids`` are
    removed (``delete_documents``); ``chunker=None`` keeps the index's own settings.
    """
    t0 = time.perf_counter()
    index_dir = Path(index_dir)
    report = IndexReport(str(index_dir))
    with writer_lock(index_dir, timeout=lock_timeout):
        # Vectors memory-mapped: an update reads only the rows it keeps, and nothing when nothing changed.
        prev = load_snapshot(index_dir, mmap_vectors=True) if (index_dir / MANIFEST).exists() else None
        if encoder is None:
            want = model or (prev.manifest["model"].get("path") or prev.manifest["model"]["name"] if prev else None)
            encoder = load_encoder(want)
        if prev is not None:
            check_model(prev.manifest, encoder.name, encoder.checksum, encoder.dimension, index_dir)
            if chunker is None:
                chunker = ChunkerSettings(**prev.manifest["chunker"])
            if prev.manifest["chunker"] != chunker.to_dict():
                raise IndexFormatError(
                    f"index {index_dir} was chunked with {prev.manifest['chunker']}, not {chunker.to_dict()}; "
                    "use the same settings or a new --index folder"
                )
        faiss_settings = faiss_settings or (
            FaissSettings(**{k: v for k, v in prev.manifest.get("faiss", {}).items() if k != "built"}) if prev else FaissSettings()
        )
        files: dict[str, dict] = {k: dict(v) for k, v in (prev.files if prev else {}).items()}
        stored = prev.documents if prev else {}  # read-only; a lazy table parses only the rows used
        new_docs: dict[str, Document] = {}
        chunked: dict[str, list[Passage]] = {}

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
            files[key] = {"sha256": fr.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                          "doc_ids": list(dict.fromkeys(d.doc_id for d in fr.documents))}
            for d in fr.documents:
                report.documents_read += 1
                if d.doc_id in new_docs or d.doc_id in stored:
                    report.duplicates += 1
                else:
                    new_docs[d.doc_id] = d
        if prune:
            for key in [k for k in files if not Path(k).exists()]:
                del files[key]
        if drop_doc_ids:
            _drop_documents(files, drop_doc_ids, index_dir)

        live = {i for rec in files.values() for i in rec["doc_ids"]}
        kept_rows = [i for i, d in enumerate(doc_ids_of(prev.passages)) if d in live] if prev else []
        report.removed = (len(prev.passages) - len(kept_rows)) if prev else 0
        report.unchanged = len(kept_rows)

        new_passages: list[Passage] = [p for d in new_docs.values() if d.doc_id in live
                                       for p in (chunked[d.doc_id] if d.doc_id in chunked else chunk_document(d, chunker))]
        report.added = len(new_passages)
        enc = wrap_encoder(encoder) if wrap_encoder else encoder
        new_vectors, new_sentences = _encode_new(new_passages, prev, enc, progress, report)

        documents = {i: stored[i] for i in stored if i in live}
        documents.update({d.doc_id: document_row(d) for d in new_docs.values() if d.doc_id in live})
        # Nothing could be read into a new index: write no empty index (the CLI exits non-zero).
        changed = (prev is None and bool(files)) or report.added or report.removed or (prev is not None and files != prev.files)
        # An index written before sentence vectors were stored gains them on its next update.
        old_format = prev is not None and prev.sentence_vectors is None and len(prev.passages) > 0
        changed = changed or (old_format and add_sentence_vectors)
        if changed:
            passages = [prev.passages[i] for i in kept_rows] + new_passages if prev else new_passages
            parts = ([prev.vectors[kept_rows]] if prev else []) + [new_vectors]
            vectors = np.concatenate(parts, axis=0) if parts else np.zeros((0, encoder.dimension), np.float32)
            sentence_vectors = sentence_counts = None  # None: kept as an index of the older kind
            if not old_format or add_sentence_vectors:
                kept_sv, kept_counts, upgraded = _kept_sentence_vectors(prev, kept_rows, enc, progress)
                report.encoded += upgraded
                report.sentence_vectors_added = upgraded
                sentence_vectors = np.concatenate([kept_sv, *(x.astype(np.float16) for x in new_sentences)])
                sentence_counts = np.concatenate([kept_counts, np.array([len(x) for x in new_sentences], dtype=np.int64)])
            faiss_index = None
            if prev is not None and report.removed == 0 and faiss_settings.resolved_kind(len(passages)) == prev.manifest.get("faiss", {}).get("built"):
                import faiss  # append to a copy of the current index instead of rebuilding it

                faiss_index = faiss.clone_index(prev.faiss_index)
                if len(new_vectors):
                    faiss_index.add(new_vectors)
            write_generation(
                index_dir,
                passages=passages,
                vectors=vectors,
                documents=documents,
                files=files,
                model={"name": encoder.name, "checksum": encoder.checksum, "dimension": encoder.dimension,
                       "path": str(getattr(encoder, "model_dir", "")) if encoder.name != "all-MiniLM-L6-v2" else "",
                       "embed_text": "title+paragraph, headline alone"},
                chunker=chunker,
                faiss_settings=faiss_settings,
                previous=prev.manifest if prev else None,
                faiss_index=faiss_index,
                sentence_vectors=sentence_vectors,
                sentence_counts=sentence_counts,
            )
            report.written = True
            report.passages_total = len(passages)
        else:
            report.passages_total = len(prev.passages) if prev else 0
        report.documents_total = len(documents)
    report.seconds = time.perf_counter() - t0
    return report


def _drop_documents(files: dict[str, dict], doc_ids: frozenset[str], index_dir: Path) -> None:
    """Take ``doc_ids`` out of the file records (in place); all must be there."""
    known = {i for rec in files.values() for i in rec["doc_ids"]}
    missing = sorted(doc_ids - known)
    if missing:
        raise DocumentNotFoundError(f"no document {', '.join(missing)} in the index {index_dir}; "
                                    "see the doc_id of a citation or GET /v1/index")
    for rec in files.values():
        rec["doc_ids"] = [i for i in rec["doc_ids"] if i not in doc_ids]


def _kept_sentence_vectors(prev, kept_rows: list[int], encoder: Encoder,
                           progress: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """The kept passages' sentence vectors (float16 rows, sentences per passage, passages encoded):
    read from the store, or (an index written before they were stored) computed once by encoding
    those passages again."""
    if prev is None or not kept_rows:
        return np.zeros((0, encoder.dimension), np.float16), np.zeros(0, np.int64), 0
    if prev.sentence_vectors is not None:
        counts = np.diff(prev.sentence_rows)
        keep = np.zeros(len(counts), dtype=bool)
        keep[kept_rows] = True  # kept_rows ascend, so the mask keeps their order
        return np.asarray(prev.sentence_vectors[np.repeat(keep, counts)], dtype=np.float16), counts[keep], 0
    kept = [prev.passages[i] for i in kept_rows]
    _, svecs = encoder.encode_passages([embed_text(p) for p in kept], [sentence_spans(p) for p in kept], progress=progress)
    return svecs.astype(np.float16), np.array([len(p.sentences) for p in kept], dtype=np.int64), len(kept)


def sentence_spans(p: Passage) -> list[tuple[int, int]]:
    """A passage's sentences as character ranges of its ``embed_text`` (which ends with the passage text)."""
    shift = len(embed_text(p)) - len(p.text) - p.start
    return [(s + shift, e + shift) for s, e in p.sentences]


def _encode_new(new_passages: Sequence[Passage], prev, encoder: Encoder, progress: bool,
                report: IndexReport) -> tuple[np.ndarray, list[np.ndarray]]:
    """Vectors for new passages and for their sentences, reusing the stored ones of identical text."""
    texts = [embed_text(p) for p in new_passages]
    spans = [tuple(sentence_spans(p)) for p in new_passages]
    out = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    sents: list[np.ndarray | None] = [None] * len(texts)
    known: dict[tuple, int] = {}
    if prev is not None and texts:
        want = set(texts)
        for i, p in enumerate(prev.passages):
            t = embed_text(p)
            if t in want:
                known.setdefault((t, tuple(sentence_spans(p))), i)
    todo: dict[tuple, list[int]] = {}
    for j, key in enumerate(zip(texts, spans)):
        stored = prev.sentence_vectors_of(known[key]) if key in known else None
        if stored is not None:
            out[j], sents[j] = prev.vectors[known[key]], stored
        else:
            todo.setdefault(key, []).append(j)
    if todo:
        uniq = list(todo)
        vecs, svecs = encoder.encode_passages([t for t, _ in uniq], [sp for _, sp in uniq], progress=progress)
        at = 0
        for (t, sp), v in zip(uniq, vecs):
            for j in todo[(t, sp)]:
                out[j], sents[j] = v, svecs[at : at + len(sp)]
            at += len(sp)
        report.encoded = len(uniq)
    return out, sents
