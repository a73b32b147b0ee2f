"""One immutable segment of an index: what one update (or one merge) added, in plain files.

    segments/s000004/
      passages.arrow     Arrow IPC file, one row per passage (row order = vectors.npy); columns
                         passage_id, doc_id, doc (row in documents.arrow), kind, paragraph, start, end,
                         text, sentence_starts, sentence_ends, heading, part, title, date, source,
                         section, embed_hash (uint64 of the embedded text and its sentence spans)
      documents.arrow    Arrow IPC file, one row per document: doc_id, title, date, source, section,
                         url, origin, published, format, text, blocks (JSON)
      vectors.npy        float32 (passages x dimension), L2-normalised: cosine = inner product
      sentences.npy      float16 (sentences x dimension), pooled per passage sentence (zero: not pooled)
      sentence_rows.npy  int64 (passages + 1): row r's sentences are sentence_rows[r]..[r+1]
      lex_terms.npy ...  term-frequency postings (terms sorted; indptr; rows; tf; doc_len per passage)
      faiss.index        only for an "hnsw", "ivf" or "ivf_sq8" segment (large); a "flat" one is scanned
                         exactly; an "ivf_sq8" one's candidates are re-scored exactly from vectors.npy
      files.json         source file -> sha256, size, mtime, document ids (the files this segment read)
      file_keys.npy      uint64, sorted: a hash of each files.json key; file_docs.npy the same of the
                         document ids its records hold (a writer parses files.json only where they match)

Everything is data (Arrow, ``.npy`` without pickle, JSON, FAISS) and opened memory-mapped, so
opening a segment reads its small columns only and serving memory is what questions touch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import weakref
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .chunker import Passage
from .errors import IndexFormatError
from .faiss_index import (ANN_KINDS, DEFAULT_EF_SEARCH, DEFAULT_NPROBE, DEFAULT_RERANK, KINDS, RERANKED, FaissSettings,
                          Reranked, ann_params, build_faiss_index, set_search_depth)
from .manifest import SEGMENTS_DIR, SegmentInfo, fsync_dir, now
from .npy import load as load_npy

FILE_HASHES = ("file_keys", "file_docs")  # optional: segments written before them have none
LEX = ("lex_terms", "lex_indptr", "lex_rows", "lex_tf", "lex_doclen")
NPY = ("vectors", "sentences", "sentence_rows") + LEX
ARROW = ("passages", "documents")
DOC_COLUMNS = ("doc_id", "title", "date", "source", "section", "url", "origin", "published", "format", "text", "blocks")
_STR_PASSAGE = ("passage_id", "doc_id", "kind", "text", "heading", "title", "date", "source", "section")


def file_name(key: str) -> str:
    return {"passages": "passages.arrow", "documents": "documents.arrow", "faiss": "faiss.index",
            "files": "files.json"}.get(key, f"{key}.npy")


def key_hashes(keys) -> np.ndarray:
    """Sorted unique 64-bit hashes of strings (file keys or document ids): what ``file_keys.npy`` and
    ``file_docs.npy`` hold, so a writer looks a file up in a sorted array, not in every files.json."""
    out = [int.from_bytes(hashlib.blake2b(k.encode("utf-8"), digest_size=8).digest(), "little") for k in keys]
    return np.unique(np.asarray(out, dtype=np.uint64))


def embed_hash(text: str, spans: Sequence[tuple[int, int]]) -> int:
    """A 64-bit hash of an embedded text and its sentence spans: equal hash, reusable vectors."""
    h = hashlib.blake2b(text.encode("utf-8"), digest_size=8)
    h.update(json.dumps([list(s) for s in spans]).encode())
    return int.from_bytes(h.digest(), "little")


# -- building ----------------------------------------------------------------------------------------

@dataclass
class SegmentData:
    """Everything a segment holds, in memory, before it is written."""

    passages: "pa.Table"  # noqa: F821
    documents: "pa.Table"  # noqa: F821
    vectors: np.ndarray
    sentence_vectors: np.ndarray
    sentence_rows: np.ndarray
    postings: dict[str, np.ndarray]
    files: dict[str, dict]

    def __len__(self) -> int:
        return self.passages.num_rows


def passages_table(passages: Sequence[Passage], doc_row: dict[str, int], hashes: Sequence[int]):
    """Passages as an Arrow table; ``doc_row`` maps each document id to its row in documents.arrow."""
    import pyarrow as pa

    cols = {k: [getattr(p, k) for p in passages] for k in _STR_PASSAGE}
    cols["doc"] = pa.array([doc_row[p.doc_id] for p in passages], pa.int32())
    cols["paragraph"] = pa.array([p.paragraph for p in passages], pa.int32())
    cols["part"] = pa.array([p.part for p in passages], pa.int32())
    cols["start"] = pa.array([p.start for p in passages], pa.int64())
    cols["end"] = pa.array([p.end for p in passages], pa.int64())
    cols["sentence_starts"] = pa.array([[s for s, _ in p.sentences] for p in passages], pa.list_(pa.int64()))
    cols["sentence_ends"] = pa.array([[e for _, e in p.sentences] for p in passages], pa.list_(pa.int64()))
    cols["embed_hash"] = pa.array(np.asarray(hashes, dtype=np.uint64), pa.uint64())
    order = ("passage_id", "doc_id", "doc", "kind", "paragraph", "part", "start", "end", "text", "sentence_starts",
             "sentence_ends", "heading", "title", "date", "source", "section", "embed_hash")
    return pa.table({k: cols[k] if not isinstance(cols[k], list) else pa.array(cols[k], pa.string()) for k in order})


def documents_table(rows: Sequence[dict]):
    """Document rows (``indexer.document_row``) as an Arrow table; ``blocks`` kept as JSON text."""
    import pyarrow as pa

    cols = {k: [str(r.get(k, "") or "") for r in rows] for k in DOC_COLUMNS if k != "blocks"}
    cols["blocks"] = [json.dumps(r.get("blocks", []), ensure_ascii=False) for r in rows]
    return pa.table({k: pa.array(cols[k], pa.string()) for k in DOC_COLUMNS})


def build_postings(texts: Sequence[str], tokenize) -> dict[str, np.ndarray]:
    """Term-frequency postings of ``texts`` (``tokenize`` gives each text's terms; an empty text one "")."""
    vocab: dict[str, int] = {}
    t_ids, r_ids, tfs = [], [], []
    doclen = np.zeros(len(texts), dtype=np.int32)
    for r, text in enumerate(texts):
        toks = tokenize(text) or [""]
        doclen[r] = len(toks)
        for t, c in Counter(toks).items():
            t_ids.append(vocab.setdefault(t, len(vocab)))
            r_ids.append(r)
            tfs.append(c)
    names = np.array(list(vocab), dtype=str) if vocab else np.zeros(0, dtype="U1")
    return postings_csr(names, np.asarray(t_ids, np.int64), np.asarray(r_ids, np.int32), np.asarray(tfs, np.float32), doclen)


def spill_postings(folder: Path, postings: dict):
    """Write ``postings`` to ``folder``; returns a callable that reads them back (memory-mapped)."""
    folder.mkdir()
    for key, arr in postings.items():
        np.save(folder / f"{key}.npy", arr, allow_pickle=False)
    return lambda: {key: load_npy(folder / f"{key}.npy", mmap_mode="r") for key in postings}


def postings_in_batches(batches, tokenize, spill_dir: Path) -> dict[str, np.ndarray]:
    """``build_postings`` of texts that come batch by batch (each batch a list of texts), in memory
    that follows one batch and the result, not every text: each batch's postings are spilled to
    ``spill_dir`` (removed after) and merged by ``append_postings``: the same arrays as one
    ``build_postings`` over all the texts."""
    parts, offsets, n = [], [], 0
    spill_dir.mkdir()
    try:
        for i, texts in enumerate(batches):
            parts.append(spill_postings(spill_dir / f"{i:06d}", build_postings(texts, tokenize)))
            offsets.append(n)
            n += len(texts)
        return append_postings(parts, offsets, n) if parts else build_postings([], tokenize)
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)


def postings_csr(names: np.ndarray, t: np.ndarray, r: np.ndarray, tf: np.ndarray,
                 doclen: np.ndarray) -> dict[str, np.ndarray]:
    """A segment's BM25 postings (the ``lex_*`` arrays it stores), sorted by term (alphabetically) then row.

    Args:
        names: the distinct terms; ``t``, ``r``, ``tf``: one entry per (term index, row, term frequency).
        doclen: tokens per row.
    """
    order_terms = np.argsort(names, kind="stable")
    rank = np.empty(len(names), np.int64)
    rank[order_terms] = np.arange(len(names))
    t = rank[t] if len(t) else t
    o = np.lexsort((r, t))
    counts = np.bincount(t, minlength=len(names)) if len(t) else np.zeros(len(names), np.int64)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return {"lex_terms": names[order_terms], "lex_indptr": indptr, "lex_rows": r[o].astype(np.int32),
            "lex_tf": tf[o].astype(np.float32), "lex_doclen": doclen.astype(np.int32)}


def merge_postings(parts: list[tuple[dict, np.ndarray]]) -> dict[str, np.ndarray]:
    """Postings of several segments as one: ``parts`` holds each one's postings and row map
    (old row -> new row, -1 for a dropped row)."""
    all_names = np.unique(np.concatenate([p["lex_terms"] for p, _ in parts])) if parts else np.zeros(0, "U1")
    ts, rs, tfs, lens = [], [], [], []
    for post, remap in parts:
        ids = np.searchsorted(all_names, post["lex_terms"])
        t = np.repeat(ids, np.diff(post["lex_indptr"]))
        r = remap[np.asarray(post["lex_rows"])]
        keep = r >= 0
        ts.append(t[keep]), rs.append(r[keep]), tfs.append(np.asarray(post["lex_tf"])[keep])
        keep_rows = remap >= 0
        lens.append((remap[keep_rows], np.asarray(post["lex_doclen"])[keep_rows]))
    n = sum(int((m >= 0).sum()) for _, m in parts)
    doclen = np.zeros(n, np.int32)
    for rows, dl in lens:
        doclen[rows] = dl
    t = np.concatenate(ts) if ts else np.zeros(0, np.int64)
    used = np.unique(t)  # terms whose every posting was dropped go
    t = np.searchsorted(used, t)
    return postings_csr(all_names[used], t, np.concatenate(rs).astype(np.int32) if rs else np.zeros(0, np.int32),
                np.concatenate(tfs) if tfs else np.zeros(0, np.float32), doclen)


def append_postings(parts: Sequence, offsets: Sequence[int], n: int) -> dict[str, np.ndarray]:
    """``merge_postings`` for parts that follow each other (part i's row r is row ``offsets[i] + r``,
    offsets ascending, nothing dropped), in memory that follows the result, not the parts: ``parts``
    are callables returning a part's postings (e.g. loaded from a file), each called twice, one
    held at a time; a term's postings are its parts' in order, so rows stay sorted."""
    names = np.unique(np.concatenate([np.asarray(load()["lex_terms"]) for load in parts])) if parts else np.zeros(0, "U1")
    counts = np.zeros(len(names), np.int64)
    for load in parts:
        post = load()
        counts[np.searchsorted(names, post["lex_terms"])] += np.diff(post["lex_indptr"])
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    rows, tf = np.zeros(int(indptr[-1]), np.int32), np.zeros(int(indptr[-1]), np.float32)
    doclen, filled = np.zeros(n, np.int32), indptr[:-1].copy()
    for load, off in zip(parts, offsets):
        post = load()
        ids, per = np.searchsorted(names, post["lex_terms"]), np.diff(post["lex_indptr"])
        within = np.arange(int(post["lex_indptr"][-1])) - np.repeat(np.asarray(post["lex_indptr"][:-1]), per)
        at = np.repeat(filled[ids], per) + within
        rows[at], tf[at] = np.asarray(post["lex_rows"]) + off, post["lex_tf"]
        filled[ids] += per
        doclen[off:off + len(post["lex_doclen"])] = post["lex_doclen"]
    used = counts > 0  # as merge_postings: a term without postings goes
    indptr = np.concatenate([[0], np.cumsum(counts[used])]).astype(np.int64)
    return {"lex_terms": names[used], "lex_indptr": indptr, "lex_rows": rows, "lex_tf": tf, "lex_doclen": doclen}


def write_segment(index_dir: Path, tmp_name: str, data: SegmentData, faiss_settings: FaissSettings,
                  tokenizer: int) -> tuple[Path, dict]:
    """Write ``data`` into ``segments/<tmp_name>`` (a hidden folder); returns it and its fields for
    ``SegmentInfo`` (without the name). ``publish_segment`` gives it its name."""
    import pyarrow as pa

    tmp = new_segment_folder(index_dir, tmp_name)
    n, dim = data.vectors.shape
    for key, table in (("passages", data.passages), ("documents", data.documents)):
        with pa.OSFile(str(tmp / file_name(key)), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as w:
                w.write_table(table)
    arrays = {"vectors": np.ascontiguousarray(data.vectors, np.float32),
              "sentences": np.ascontiguousarray(data.sentence_vectors, np.float16).reshape(-1, dim),
              "sentence_rows": np.asarray(data.sentence_rows, np.int64), **data.postings}
    for key, arr in arrays.items():
        with open(tmp / file_name(key), "wb") as f:
            np.save(f, arr, allow_pickle=False)
    return tmp, finish_segment(tmp, data.files, faiss_settings, tokenizer, vectors=data.vectors)


def new_segment_folder(index_dir: Path, tmp_name: str) -> Path:
    """An empty hidden folder ``segments/<tmp_name>`` to write a segment into (a stale one is removed)."""
    tmp = Path(index_dir) / SEGMENTS_DIR / tmp_name
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return tmp


def finish_segment(tmp: Path, files: dict, faiss_settings: FaissSettings, tokenizer: int,
                   vectors: np.ndarray | None = None) -> dict:
    """Complete a segment folder whose tables and arrays are written (by ``write_segment``, or in
    chunks by a streaming writer such as ``eval.bench``): its file records, its ANN index by its size
    (built from ``vectors`` or the memory-mapped ``vectors.npy``), fsync; returns its ``SegmentInfo``
    fields (without the name)."""
    import faiss

    if vectors is None:
        vectors = NpyRows(tmp / file_name("vectors"))
    hashes = {"file_keys": key_hashes(files),
              "file_docs": key_hashes({d for rec in files.values() for d in rec.get("doc_ids", ())})}
    for key, arr in hashes.items():
        with open(tmp / file_name(key), "wb") as f:
            np.save(f, arr, allow_pickle=False)
    n = len(vectors)
    ann = faiss_settings.resolved_kind(n)
    if ann in ANN_KINDS:
        faiss.write_index(build_faiss_index(vectors, faiss_settings), str(tmp / file_name("faiss")))
    (tmp / file_name("files")).write_text(json.dumps(files, ensure_ascii=False), encoding="utf-8")
    sizes = {}
    for p in sorted(tmp.iterdir()):
        _fsync_file(p)
        sizes[p.name] = p.stat().st_size
    fsync_dir(tmp)
    documents = _arrow_rows(tmp / file_name("documents"))
    sentences = int(load_npy(tmp / file_name("sentences"), mmap_mode="r").shape[0])
    return {"passages": n, "documents": documents, "sentences": sentences, "ann": ann,
            "ann_params": ann_params(ann, n, faiss_settings), "tokenizer": tokenizer, "sizes": sizes, "created": now()}


class NpyWriter:
    """A 2-d ``.npy`` file of a known shape written row block by row block (nothing held in memory,
    nothing memory-mapped: a mapped file's written pages would count in the writer's RSS).

        >>> with NpyWriter(Path("v.npy"), (3, 2), np.float32) as w:  # doctest: +SKIP
        ...     w.append(np.zeros((2, 2))); w.append(np.ones((1, 2)))
    """

    def __init__(self, path: Path, shape: tuple[int, ...], dtype):
        self.path, self.shape, self.dtype = Path(path), tuple(int(x) for x in shape), np.dtype(dtype)
        self.rows = 0
        self._f = open(self.path, "wb")
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": self.shape}
        np.lib.format.write_array_header_1_0(self._f, header)

    def append(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, self.dtype).reshape((-1,) + self.shape[1:])
        if self.rows + len(block) > self.shape[0]:
            raise ValueError(f"{self.path.name}: {self.rows + len(block)} rows written, its shape says {self.shape[0]}")
        self._f.write(block.tobytes())
        self.rows += len(block)

    def close(self) -> None:
        self._f.close()
        if self.rows != self.shape[0]:
            raise ValueError(f"{self.path.name}: {self.rows} rows written, its shape says {self.shape[0]}")

    def __enter__(self) -> "NpyWriter":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._f.close()


class NpyRows:
    """Rows of a 2-d ``.npy`` file read on demand (a slice, or sorted row numbers), each read into a
    fresh array: building an ANN index over 10M vectors this way holds one block at a time, where
    a memory map would keep every page it touched resident."""

    def __init__(self, path: Path):
        arr = load_npy(path, mmap_mode="r")
        self.shape, self.dtype, self.ndim, self._offset = arr.shape, arr.dtype, arr.ndim, arr.offset
        del arr
        self._row_bytes = int(np.prod(self.shape[1:])) * self.dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def _read(self, start: int, count: int) -> np.ndarray:
        buf = os.pread(self._fd, count * self._row_bytes, self._offset + start * self._row_bytes)
        return np.frombuffer(bytearray(buf), self.dtype).reshape((count,) + self.shape[1:])

    def __getitem__(self, key) -> np.ndarray:
        if isinstance(key, slice):
            a, b, step = key.indices(self.shape[0])
            if step != 1:
                raise ValueError("NpyRows reads contiguous slices only")
            return self._read(a, max(0, b - a))
        rows = np.asarray(key, np.int64)
        return np.stack([self._read(int(r), 1)[0] for r in rows]) if len(rows) else np.zeros((0,) + self.shape[1:], self.dtype)


def _arrow_rows(path: Path) -> int:
    import pyarrow as pa

    with pa.memory_map(str(path)) as src:
        reader = pa.ipc.open_file(src)
        return sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))


def publish_segment(tmp: Path, name: str, fields: dict) -> SegmentInfo:
    """Rename a written segment folder to its final name (before a manifest lists it)."""
    final = tmp.parent / name
    os.replace(tmp, final)
    fsync_dir(tmp.parent)
    return SegmentInfo(name=name, **fields)


def next_segment_name(index_dir: Path, listed: Sequence[str]) -> str:
    """A name no segment folder (listed, left by a crash, or retired) has used."""
    seg_dir = Path(index_dir) / SEGMENTS_DIR
    used = [int(n[1:]) for n in listed]
    if seg_dir.exists():
        used += [int(p.name[1:]) for p in seg_dir.iterdir() if p.name[:1] == "s" and p.name[1:].isdigit()]
    return f"s{max(used, default=0) + 1:06d}"


def _opened_object(path: Path):
    """``path`` opened for reading, after a look at its ends: a JSON object starts with ``{`` and
    ends with ``}`` (a file of another shape or cut short is refused at open, as before it was
    parsed then; the rest of the check is the parse on first use)."""
    f = open(path, "rb")
    head = f.read(64).lstrip()
    f.seek(max(0, os.fstat(f.fileno()).st_size - 64))
    tail = f.read().rstrip()
    if not (head.startswith(b"{") and tail.endswith(b"}")):
        f.close()
        raise ValueError(f"{path.name} is not an object of file records")
    return f


def _folder_stamp(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_ann(path: Path, where: str, n: int, dimension: int):
    """A segment's faiss.index, its stored vectors left in the file, memory-mapped (serving memory is
    what the searches touch): an HNSW graph is read and its vectors mapped (``IO_FLAG_MMAP_IFC``);
    an IVF index's inverted lists are mapped (``IO_FLAG_MMAP``), its centroids read."""
    import faiss

    flag = getattr(faiss, "IO_FLAG_MMAP_IFC", 0)
    try:
        index = faiss.read_index(str(path), flag)
    except RuntimeError as e:
        raise IndexFormatError(f"{where}: faiss.index cannot be read by FAISS (truncated?); rebuild the index") from e
    if index.ntotal != n or index.d != dimension:
        raise IndexFormatError(f"{where}: FAISS index holds {index.ntotal}x{index.d}, expected {n}x{dimension}")
    return index


def _open_ann(folder: Path, info: SegmentInfo, where: str, dimension: int, vectors, ef_search: int, nprobe: int):
    """The segment's ANN index with its query-time settings (None for a flat segment); a compressed
    kind's wrapped to re-score its best candidates from ``vectors`` (the memory-mapped vectors.npy)."""
    if info.ann not in ANN_KINDS:
        return None
    index = _read_ann(folder / file_name("faiss"), where, info.passages, dimension)
    set_search_depth(index, ef_search, nprobe)
    if info.ann in RERANKED:
        index = Reranked(index, vectors, int(info.ann_params.get("rerank", DEFAULT_RERANK)))
    return index


# -- reading -------------------------------------------------------------------------------------------

class Segment:
    """A segment opened for reading: Arrow tables and arrays memory-mapped, FAISS index if asked."""

    def __init__(self, index_dir: Path, info: SegmentInfo, dimension: int, *, ann: bool = True, ef_search: int = DEFAULT_EF_SEARCH,
                 nprobe: int = DEFAULT_NPROBE):
        import pyarrow as pa

        self.info = info
        self.name = info.name
        self.dir = Path(index_dir) / SEGMENTS_DIR / info.name
        where = f"index {index_dir}: segment {info.name}"
        if info.ann not in KINDS:
            raise IndexFormatError(f"{where}: its ANN kind {info.ann!r} is unknown to this newsqa (it reads "
                                   f"{', '.join(KINDS)}); upgrade newsqa or rebuild the index")
        if info.ann in ANN_KINDS and file_name("faiss") not in info.sizes:
            raise IndexFormatError(f"{where}: an {info.ann} segment without faiss.index (it cannot be read by FAISS); rebuild the index")
        try:
            for fname, size in info.sizes.items():
                got = (self.dir / fname).stat().st_size
                if got != size:
                    raise IndexFormatError(f"{where}: {fname} is {got} bytes, the manifest says {size} (truncated or edited); rebuild the index")
            self.passages = pa.ipc.open_file(pa.memory_map(str(self.dir / file_name("passages")))).read_all()
            self.documents = pa.ipc.open_file(pa.memory_map(str(self.dir / file_name("documents")))).read_all()
            arrays = {k: load_npy(self.dir / file_name(k), mmap_mode="r") for k in NPY}
            self._file_hashes = {k: load_npy(self.dir / file_name(k), mmap_mode="r")
                                 for k in FILE_HASHES if file_name(k) in info.sizes}  # older segments: none
            if any(a.dtype != np.uint64 or a.ndim != 1 for a in self._file_hashes.values()):
                raise ValueError("file_keys.npy / file_docs.npy are not 1-d uint64 arrays")
            # Parsed on first use (a serving reader never does; a writer may after a compaction retired this folder)
            self._files_file = _opened_object(self.dir / file_name("files"))
            weakref.finalize(self, self._files_file.close)
        except FileNotFoundError as e:
            raise IndexFormatError(f"{where}: {Path(e.filename or '').name or 'a file'} is missing; rebuild the index") from e
        except (OSError, ValueError, pa.ArrowInvalid) as e:
            raise IndexFormatError(f"{where} is damaged ({e}); rebuild the index") from e
        self.vectors = arrays["vectors"]
        self.sentence_vectors = arrays["sentences"]
        self.sentence_rows = np.asarray(arrays["sentence_rows"])
        self.postings = {k: arrays[k] for k in LEX}
        n = info.passages
        if (self.passages.num_rows != n or self.vectors.shape != (n, dimension) or self.vectors.dtype != np.float32
                or self.sentence_rows.shape != (n + 1,) or self.sentence_vectors.shape != (info.sentences, dimension)
                or self.documents.num_rows != info.documents or len(self.postings["lex_doclen"]) != n
                or (n and self.sentence_rows[-1] != info.sentences)):
            raise IndexFormatError(f"{where}: its tables and vectors disagree with the manifest ({n} passages, "
                                   f"{info.sentences} sentences, dimension {dimension}); rebuild the index")
        self._files: dict[str, dict] | None = None
        self._files_lock = threading.Lock()
        self._stamp = _folder_stamp(self.dir)
        self.doc_codes = self.passages.column("doc").to_numpy()
        self.kind_column = self.passages.column("kind")
        self._doc_row: dict[str, int] | None = None
        self._live: dict[frozenset, tuple[np.ndarray | None, np.ndarray]] = {}
        self._live_stats: dict[frozenset, tuple[int, int]] = {}
        self._hash_index: tuple[np.ndarray, np.ndarray] | None = None
        self._hash_lookups = 0
        self._per_tombstones: dict[tuple[str, frozenset], object] = {}
        self._non_ascii: np.ndarray | None = None
        self.faiss = _open_ann(self.dir, info, where, dimension, self.vectors, ef_search, nprobe) if ann else None

    def __len__(self) -> int:
        return self.info.passages

    def still_on_disk(self) -> bool:
        """True while this segment's folder is the one it was opened from (a reader reuses it only
        then: an index deleted and built again at the same path has new folders of the same names)."""
        return _folder_stamp(self.dir) == self._stamp

    # -- documents -----------------------------------------------------------------------------------
    @property
    def doc_row(self) -> dict[str, int]:
        """Document id -> row of documents.arrow (built on first use)."""
        if self._doc_row is None:
            self._doc_row = {d: i for i, d in enumerate(self.documents.column("doc_id").to_pylist())}
        return self._doc_row

    def find_document(self, doc_id: str) -> int | None:
        """The row of ``doc_id`` in documents.arrow, or None (a C scan until the dict is built: a writer
        looks up a few ids once, a reader many ids many times)."""
        if self._doc_row is not None:
            return self._doc_row.get(doc_id)
        import pyarrow.compute as pc

        self._lookups = getattr(self, "_lookups", 0) + 1
        if self._lookups > 64:
            return self.doc_row.get(doc_id)
        i = pc.index(self.documents.column("doc_id"), doc_id).as_py()
        return None if i < 0 else i

    def passages_per_document(self) -> np.ndarray:
        """How many passages each row of documents.arrow has."""
        return np.bincount(self.doc_codes, minlength=self.info.documents)

    def document(self, row: int) -> dict:
        d = {k: self.documents.column(k)[row].as_py() for k in DOC_COLUMNS}
        d["blocks"] = json.loads(d["blocks"])
        return d

    def files(self) -> dict[str, dict]:
        """The file records this segment wrote (parsed on first use from the file opened at open:
        a retired segment's folder may have gone since)."""
        with self._files_lock:
            if self._files is None:
                self._files = self._read_files()
        return self._files

    def may_hold(self, which: str, hashes: np.ndarray) -> bool:
        """False when no ``key_hashes`` of ``hashes`` is in this segment's ``which`` ("file_keys":
        its records' files, "file_docs": their document ids): its files.json need not be parsed.
        True on a match (or a hash collision) and for a segment written without the arrays."""
        arr = self._file_hashes.get(which)
        if arr is None:
            return True
        if not len(arr) or not len(hashes):
            return False
        at = np.minimum(np.searchsorted(arr, hashes), len(arr) - 1)
        return bool((arr[at] == hashes).any())

    def _read_files(self) -> dict[str, dict]:
        try:
            self._files_file.seek(0)
            out = json.loads(self._files_file.read().decode("utf-8"))
            self._files_file.close()
        except (OSError, ValueError) as e:
            raise IndexFormatError(f"segment {self.dir}: files.json is damaged ({e}); rebuild the index") from e
        if not isinstance(out, dict):
            raise IndexFormatError(f"segment {self.dir}: files.json is not an object of file records; rebuild the index")
        return out

    # -- passages ------------------------------------------------------------------------------------
    def passage(self, row: int) -> Passage:
        c = self.passages
        g = {k: c.column(k)[row].as_py() for k in _STR_PASSAGE}
        starts, ends = c.column("sentence_starts")[row].as_py(), c.column("sentence_ends")[row].as_py()
        return Passage(passage_id=g["passage_id"], doc_id=g["doc_id"], kind=g["kind"],
                       paragraph=c.column("paragraph")[row].as_py(), start=c.column("start")[row].as_py(),
                       end=c.column("end")[row].as_py(), text=g["text"], sentences=tuple(zip(starts, ends)),
                       heading=g["heading"], part=c.column("part")[row].as_py(), title=g["title"], date=g["date"],
                       source=g["source"], section=g["section"])

    def live(self, tombstones: frozenset[str]) -> tuple[np.ndarray | None, np.ndarray]:
        """(live-row mask or None when every row is live, live-document mask) under ``tombstones``."""
        got = self._live.get(tombstones)
        if got is None:
            if not tombstones:
                got = (None, np.ones(self.info.documents, bool))
            else:
                dead_docs = np.array([d in tombstones for d in self.doc_row], dtype=bool)
                got = (~dead_docs[self.doc_codes], ~dead_docs)
            self._live = {tombstones: got}  # a segment's tombstones only grow: keep the newest
        return got

    def live_stats(self, tombstones: frozenset[str]) -> tuple[int, int]:
        """(live passages, their total length in terms) under ``tombstones`` (kept for the newest set)."""
        got = self._live_stats.get(tombstones)
        if got is None:
            rows, _ = self.live(tombstones)
            dl = np.asarray(self.postings["lex_doclen"])
            got = (len(self), int(dl.sum())) if rows is None else (int(rows.sum()), int(dl[rows].sum()))
            self._live_stats = {tombstones: got}
        return got

    def rows_of_hashes(self, hashes: np.ndarray) -> dict[int, int]:
        """``embed_hash -> first row`` holding it, for those of ``hashes`` this segment has.

        The first lookup scans the column; from the second on (a writer process adding one article
        after another) a sorted copy answers by binary search, so an add does not scan the index.
        """
        col = self.passages.column("embed_hash").to_numpy()
        hashes = np.asarray(hashes, np.uint64)
        self._hash_lookups += 1
        if self._hash_index is None and self._hash_lookups < 2:
            rows = np.flatnonzero(np.isin(col, hashes))
            out: dict[int, int] = {}
            for r in rows.tolist():
                out.setdefault(int(col[r]), r)
            return out
        if self._hash_index is None:
            order = np.argsort(col, kind="stable")
            self._hash_index = (col[order], order)
        keys, order = self._hash_index
        at = np.searchsorted(keys, hashes)
        ok = at < len(keys)
        ok[ok] = keys[at[ok]] == hashes[ok]
        return {int(h): int(order[a]) for h, a in zip(hashes[ok].tolist(), at[ok].tolist())}

    def kept(self, name: str, tombstones: frozenset[str], compute):
        """``compute()``, kept on this segment for ``tombstones`` (a segment is immutable and its
        tombstones only grow: what a reader derives from it is computed once, not per reader)."""
        key = (name, tombstones)
        if key not in self._per_tombstones:
            self._per_tombstones = {k: v for k, v in self._per_tombstones.items() if k[1] == tombstones}
            self._per_tombstones[key] = compute()
        return self._per_tombstones[key]

    def date_range(self, tombstones: frozenset[str]) -> tuple[str, str]:
        """(first, last) date of the live dated documents ("", "" when none is dated), kept per segment."""
        got = self._per_tombstones.get(("dates", tombstones))
        if got is None:
            import pyarrow as pa
            import pyarrow.compute as pc

            col = self.documents.column("date")
            _, live_docs = self.live(tombstones)
            if not live_docs.all():
                col = col.filter(pa.array(live_docs))
            col = col.filter(pc.not_equal(col, ""))
            mm = pc.min_max(col) if len(col) else None
            got = (mm["min"].as_py(), mm["max"].as_py()) if mm is not None else ("", "")
            self._per_tombstones = {k: v for k, v in self._per_tombstones.items() if k[1] == tombstones}
            self._per_tombstones[("dates", tombstones)] = got
        return got

    def non_ascii_terms(self) -> np.ndarray:
        """The postings' terms with a non-ASCII letter (what accent folding looks at), found once."""
        if self._non_ascii is None:
            names = np.asarray(self.postings["lex_terms"])
            if names.dtype.kind == "U" and len(names) and names.dtype.itemsize:
                codes = np.ascontiguousarray(names).view(np.uint32).reshape(len(names), -1)
                self._non_ascii = names[(codes > 127).any(axis=1)]
            else:
                self._non_ascii = np.array([t for t in names.tolist() if not str(t).isascii()], dtype=str)
        return self._non_ascii
