"""Numbered migrations of the stored index format, run once by the next writer (under its lock).

    1 -> 2   a format-1 index (one generation folder g00000N/ of JSON-lines tables, vectors and a
             FAISS index, rewritten whole by every update) becomes one format-2 segment: its
             passages and documents as Arrow tables, its vectors and sentence vectors as they were,
             term-frequency postings computed once, its FAISS index kept when it is an HNSW one.
    2        postings re-tokenised: a segment whose ``tokenizer`` is older than
             ``lexical.TOKENIZER_VERSION`` (1: before accent folding; 2: before NFC) is copied to a new segment
             with the same files (hard links) and lexical postings rebuilt from its passages.

Migration 2 runs at write time, not question time: re-tokenising costs about a CPU-second per
10,000 passages, once. A reader of an index not yet migrated (opened read-only) still answers: BM25 looks a
question's folded term up in an old segment through the segment's accented terms ("cafe" -> "café",
``qa.bm25``); ``stale_postings_note`` says in one line that an upgrade is due.

Each migration publishes a complete new manifest (atomically), so a crash leaves the index in the
format it had; the next writer runs the migration again. After it, nothing reads the old format:
readers of a format-1 index are told to run ``newsqa compact`` (which migrates) instead.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from .chunker import Passage
from .errors import IndexFormatError
from .faiss_index import ANN_KINDS, FaissSettings, build_faiss_index
from .lexical import TOKENIZER_VERSION
from .manifest import FORMAT, FORMAT_VERSION, MANIFEST, manifest_version
from .npy import load as load_npy
from .passage_table import DocumentTable, PassageTable, doc_ids_of
from .reader import open_reader
from .segment import publish_segment, write_segment
from .store import publish

V1_FILES = ("passages", "vectors", "faiss", "documents", "files")


def migrate(index_dir: Path) -> list[int]:
    """Bring the index at ``index_dir`` to the current format (call under ``writer_lock``).

    Returns the numbers of the migrations run (empty when the index is current or absent).
    """
    index_dir = Path(index_dir)
    ran = []
    version = manifest_version(index_dir)
    while version is not None and version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise IndexFormatError(f"index {index_dir} has format version {version!r}, which no migration upgrades; rebuild the index")
        step(index_dir)
        ran.append(version)
        version = manifest_version(index_dir)
    if version == FORMAT_VERSION and _retokenise(index_dir):
        ran.append(2)
    return ran


def _migrate_1(index_dir: Path) -> None:
    """Format 1 -> 2: the current generation becomes segment s000001."""
    import faiss  # the FAISS library loads only when an old index is upgraded

    from .indexer import segment_data  # not at the top: the indexer imports this module

    m = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    if m.get("format") != FORMAT:
        raise IndexFormatError(f"{index_dir / MANIFEST} is not a newsqa manifest; rebuild the index")
    old = _load_v1(index_dir, m)
    passages = list(old["passages"])
    dim = m["model"]["dimension"]
    if old["sentence_vectors"] is not None:
        r = old["sentence_rows"]
        sentences = [np.asarray(old["sentence_vectors"][r[i]:r[i + 1]]) for i in range(len(passages))]
    else:  # an index older than stored sentence vectors: zero rows, encoded at question time
        sentences = [np.zeros((len(p.sentences), dim), np.float16) for p in passages]
    order = list(dict.fromkeys(doc_ids_of(old["passages"])))
    seen = set(order)
    docs = [old["documents"][d] for d in order] + [d for i, d in old["documents"].items() if i not in seen]
    data = segment_data(passages, np.asarray(old["vectors"]), sentences, docs, old["files"])
    settings = FaissSettings.from_dict(m.get("faiss", {}))
    tmp, fields = write_segment(index_dir, ".migrate.tmp", data, FaissSettings(kind="flat"), TOKENIZER_VERSION)
    built = m.get("faiss", {}).get("built")
    kind = "hnsw" if built == "hnsw" else settings.resolved_kind(len(passages))
    if kind in ANN_KINDS:  # keep the HNSW graph the old index built (hours at 10M), or build its kind once
        if built == "hnsw":
            shutil.copyfile(old["faiss_file"], tmp / "faiss.index")
        else:
            faiss.write_index(build_faiss_index(np.asarray(old["vectors"]), FaissSettings(**{**settings.to_dict(), "kind": kind})),
                              str(tmp / "faiss.index"))
        fields["ann"] = kind
        fields["sizes"]["faiss.index"] = (tmp / "faiss.index").stat().st_size
    seg = publish_segment(tmp, "s000001", fields)
    base = {"model": m["model"], "metric": "inner_product", "normalized": True, "chunker": m["chunker"],
            "faiss": settings.to_dict()}
    publish(index_dir, None, base=base, segments=[seg], tombstones={}, deleted_files=[],
            counts={"documents": len(docs), "passages": len(passages), "files": len(old["files"])}, migrations=[1])
    for p in index_dir.iterdir():  # the format-1 generations: nothing reads them any more
        if p.is_dir() and (p.name[:1] == "g" and p.name[1:].isdigit() or p.name.startswith(".g")):
            shutil.rmtree(p, ignore_errors=True)
    open_reader(index_dir, ann=False)  # fail here, not at the next question, if the result does not open


MIGRATIONS = {1: _migrate_1}


def stale_segments(info) -> list:
    """The segments of manifest ``info`` tokenised by an older tokenizer (migration 2 rebuilds them)."""
    return [s for s in info.segments if s.tokenizer < TOKENIZER_VERSION]


def stale_postings_note(index_dir: Path, info) -> str | None:
    """One line for a reader of an index whose word postings predate this tokenizer, else None."""
    old = stale_segments(info)
    if not old:
        return None
    n = sum(s.passages for s in old)
    why = ("before accent folding (word search finds their accented words by a slower lookup)"
           if min(s.tokenizer for s in old) < 2 else "by an older word tokenizer (decomposed accents split words)")
    return (f"note: {n} of {info.counts.passages + info.counts.tombstoned_passages} passages of {index_dir} were indexed "
            f"{why}; the next "
            f"newsqa index ... --index {index_dir} (or newsqa compact --index {index_dir}) re-tokenises them once")


# Passages re-tokenised at a time by migration 2: its memory follows one batch (~50 MB of texts and
# their terms) and the new postings (~12 bytes a (term, passage) pair), not the segment's texts.
RETOKENISE_BATCH = 50_000


def _retokenise(index_dir: Path) -> bool:
    """Migration 2: rebuild the postings of every segment with an older tokenizer (under the writer
    lock); one manifest swap. Returns whether anything was rebuilt."""
    from .manifest import read_manifest
    from .segment import next_segment_name

    m = read_manifest(index_dir)
    old = {s.name for s in stale_segments(m)}
    if not old:
        return False
    names, segments, tombstones = m.segment_names(), [], dict(m.tombstones)
    for s in m.segments:
        if s.name not in old:
            segments.append(s)
            continue
        new = next_segment_name(index_dir, names)
        names.append(new)
        segments.append(_retokenised_segment(index_dir, s, new))
        if s.name in tombstones:
            tombstones[new] = tombstones.pop(s.name)
    counts = m.counts.model_dump()
    counts.pop("segments", None)
    publish(index_dir, m, base={}, segments=segments, tombstones=tombstones, deleted_files=list(m.deleted_files),
            counts=counts, migrations=sorted(set(m.migrations) | {2}))
    return True


def _retokenised_segment(index_dir: Path, info, name: str):
    """Segment ``info`` as a new folder ``name``: its files hard-linked, its postings rebuilt."""
    import os

    import pyarrow as pa

    from .chunker import embed_text_of
    from .lexical import terms
    from .manifest import SEGMENTS_DIR, fsync_dir
    from .segment import LEX, file_name, postings_in_batches

    seg_dir = Path(index_dir) / SEGMENTS_DIR
    src, tmp = seg_dir / info.name, seg_dir / f".retokenise.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    lex = {file_name(k) for k in LEX}
    for fname in info.sizes:
        if fname not in lex:
            try:
                os.link(src / fname, tmp / fname)
            except OSError:  # a filesystem without hard links: copy
                shutil.copyfile(src / fname, tmp / fname)
    table = pa.ipc.open_file(pa.memory_map(str(src / file_name("passages")))).read_all()  # mapped, not read
    batches = ([embed_text_of(k, h, t) for k, h, t in zip(*(b.column(i).to_pylist() for i in range(3)))]
               for b in table.select(["kind", "title", "text"]).to_batches(max_chunksize=RETOKENISE_BATCH))
    for key, arr in postings_in_batches(batches, terms, tmp / ".lex-parts").items():  # tokenised as the indexer does
        with open(tmp / file_name(key), "wb") as f:
            np.save(f, arr, allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
    fsync_dir(tmp)
    sizes = {p.name: p.stat().st_size for p in sorted(tmp.iterdir())}
    fields = {**info.model_dump(exclude={"name"}), "tokenizer": TOKENIZER_VERSION, "sizes": sizes}
    return publish_segment(tmp, name, fields)


def _load_v1(index_dir: Path, m: dict) -> dict:
    files = {k: index_dir / m["files"][k] for k in V1_FILES}
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
        vectors = load_npy(files["vectors"], mmap_mode="r")
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
    return {"passages": passages, "vectors": vectors, "documents": documents, "files": file_table,
            "sentence_vectors": sentence_vectors, "sentence_rows": sentence_rows, "faiss_file": files["faiss"]}


def _load_sentence_vectors(index_dir: Path, m: dict, n_passages: int, dim: int):
    """The stored sentence vectors and their row offsets, or (None, None) for an index without them."""
    try:
        vpath, rpath = _optional_file(index_dir, m, "sentence_vectors"), _optional_file(index_dir, m, "sentence_rows")
        if not (vpath and rpath):
            return None, None
        sv = load_npy(vpath, mmap_mode="r")
        rows = load_npy(rpath)
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
