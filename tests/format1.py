"""A writer of format-1 indexes (one generation folder, JSON lines), as newsqa 0.2 wrote them: the
fixture the 1 -> 2 migration is tested on. Not used by newsqa itself."""

import json
import os
import shutil
from pathlib import Path

import numpy as np

from newsqa.embeddings.chunker import ChunkerSettings, Passage
from newsqa.embeddings.faiss_index import FaissSettings, build_faiss_index
from newsqa.embeddings.passage_table import write_documents, write_table

FORMAT = "newsqa-index"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = ("passages", "vectors", "faiss", "documents", "files")
_FILENAMES = {
    "passages": "passages.jsonl", "vectors": "vectors.npy", "faiss": "faiss.index", "documents": "documents.jsonl",
    "files": "files.json", "columns": "passages.columns.npz", "documents_columns": "documents.columns.npz",
    "sentence_vectors": "sentences.npy", "sentence_rows": "sentence_rows.npy",
}
OPTIONAL_FILES = ("columns", "documents_columns", "sentence_vectors", "sentence_rows")


def _now():
    return "2025-01-01T00:00:00+00:00"


def library_versions():
    return {}


def _remove_old_generations(index_dir, keep):
    pass


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




def format1_index(tmp_path, encoder, *, sentence_vectors=True, idx=None):
    """A format-1 index of the seed page at ``idx`` (default tmp_path/v1): (src, idx, passages, vectors, sentence vectors)."""
    from helpers import SEED

    from newsqa.embeddings.chunker import chunk_document
    from newsqa.embeddings.indexer import document_row, embed_text, sentence_spans
    from newsqa.embeddings.readers import read_file

    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "seed.txt").write_text(SEED.read_text())
    fr = read_file(src / "seed.txt")
    passages = [p for d in fr.documents for p in chunk_document(d)]
    vecs, svecs = encoder.encode_passages([embed_text(p) for p in passages], [sentence_spans(p) for p in passages])
    idx = idx or tmp_path / "v1"
    st = (src / "seed.txt").stat()
    files = {str((src / "seed.txt").resolve()): {"sha256": fr.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                                                   "doc_ids": [d.doc_id for d in fr.documents]}}
    model = {"name": encoder.name, "checksum": encoder.checksum, "dimension": encoder.dimension, "path": ""}
    write_generation(idx, passages=passages, vectors=vecs, documents={d.doc_id: document_row(d) for d in fr.documents},
                     files=files, model=model, chunker=ChunkerSettings(), faiss_settings=FaissSettings(), previous=None,
                     sentence_vectors=svecs if sentence_vectors else None,
                     sentence_counts=np.array([len(p.sentences) for p in passages]) if sentence_vectors else None)
    return src, idx, passages, vecs, svecs
