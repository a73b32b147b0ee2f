"""The passage table of a format-1 generation (read by the 1 -> 2 migration only), read on demand.

``passages.jsonl`` stays the table other tools read (one JSON row a line). Beside it the writer puts
``passages.columns.npz`` (plain numpy arrays, read with ``allow_pickle=False``): the byte offset of
every line, and the columns that whole-table operations need (passage id, document, kind). Opening
a 1M-passage index then reads a few tens of MB of arrays instead of parsing 1M JSON rows; a passage
is parsed when it is used (a search touches tens of them).

    >>> import tempfile, pathlib                                           # doctest: +SKIP
    >>> write_table(path, passages)           # passages.jsonl + passages.columns.npz  # doctest: +SKIP
    >>> table = PassageTable.open(path, columns_path)  # doctest: +SKIP
    >>> table[3].text, len(table), table.kind_counts()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import mmap
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .caching import LockedLRU
from .chunker import Passage
from .errors import IndexFormatError
from .npy import load_npz

COLUMNS = ("offsets", "passage_id", "doc", "doc_ids", "kind", "kind_names")


def write_table(f, columns_path: Path, passages: Sequence[Passage]) -> None:
    """Write ``passages`` as JSON lines to the open binary file ``f`` and their columns to ``columns_path``."""
    offsets = np.zeros(len(passages) + 1, dtype=np.int64)
    pos = 0
    doc_index: dict[str, int] = {}
    kind_index: dict[str, int] = {}
    doc = np.zeros(len(passages), dtype=np.int32)
    kind = np.zeros(len(passages), dtype=np.uint8)
    pids = []
    for i, p in enumerate(passages):
        line = (json.dumps(p.to_row(), ensure_ascii=False) + "\n").encode("utf-8")
        f.write(line)
        pos += len(line)
        offsets[i + 1] = pos
        doc[i] = doc_index.setdefault(p.doc_id, len(doc_index))
        kind[i] = kind_index.setdefault(p.kind, len(kind_index))
        pids.append(p.passage_id)
    with open(columns_path, "wb") as cf:
        np.savez(
            cf,
            offsets=offsets,
            passage_id=_str_array(pids),
            doc=doc,
            doc_ids=_str_array(list(doc_index)),
            kind=kind,
            kind_names=_str_array(list(kind_index)),
        )
        cf.flush()
        os.fsync(cf.fileno())


def _str_array(values: list[str]) -> np.ndarray:
    # Fixed-width unicode: ids and kinds are short; an empty list still gets a valid dtype.
    return np.array(values, dtype=str) if values else np.zeros(0, dtype="U1")


class PassageTable(Sequence):
    """A read-only sequence of ``Passage`` backed by ``passages.jsonl`` and its columns.

    Indexing parses one line; iterating parses every line once and keeps them (use the columns where you can:
    ``doc_id_of_rows``, ``kind_codes``, ``kind_counts``, ``passage_ids``).
    """

    def __init__(self, path: Path, columns: dict[str, np.ndarray]):
        self.path = Path(path)
        self.offsets = columns["offsets"]
        self.passage_ids = columns["passage_id"]
        self.doc = columns["doc"]
        self.doc_ids = columns["doc_ids"]
        self.kind_codes = columns["kind"]
        self.kind_names = [str(k) for k in columns["kind_names"]]
        self._n = len(self.offsets) - 1
        self._mm = _map(self.path)
        self._kind_counts: dict[str, int] | None = None
        self._all: list[Passage] | None = None

    @classmethod
    def open(cls, path: Path, columns_path: Path) -> "PassageTable":
        """Open a table; raises ``ValueError`` when the columns disagree with each other or the file."""
        z = load_npz(columns_path)
        missing = [k for k in COLUMNS if k not in z]
        if missing:
            raise ValueError(f"{columns_path.name} lacks {', '.join(missing)}")
        cols = {k: z[k] for k in COLUMNS}
        n = len(cols["offsets"]) - 1
        if n < 0 or any(len(cols[k]) != n for k in ("passage_id", "doc", "kind")):
            raise ValueError(f"{columns_path.name}: columns of different lengths")
        size = Path(path).stat().st_size
        if cols["offsets"][0] != 0 or cols["offsets"][-1] != size or (n and np.any(np.diff(cols["offsets"]) <= 0)):
            raise ValueError(f"{columns_path.name}: line offsets do not match {Path(path).name} ({size} bytes)")
        if n and (cols["doc"].min() < 0 or cols["doc"].max() >= len(cols["doc_ids"])
                  or cols["kind"].max() >= len(cols["kind_names"])):
            raise ValueError(f"{columns_path.name}: document or kind codes out of range")
        return cls(path, cols)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        i = int(i)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(f"passage row {i} out of range (0..{self._n - 1})")
        if self._all is not None:
            return self._all[i]
        row = json.loads(self._mm[self.offsets[i]: self.offsets[i + 1]])
        return Passage.from_row(row)

    def __iter__(self):
        # A whole-table scan parses every row once and keeps them (what an eager open did), so a
        # caller that scans per question pays it once, not per question.
        if self._all is None:
            self._all = [self[i] for i in range(self._n)]
        return iter(self._all)

    def doc_id_of_rows(self) -> np.ndarray:
        """The document id of every row (a numpy string array)."""
        return self.doc_ids[self.doc]

    def kind_counts(self) -> dict[str, int]:
        if self._kind_counts is None:
            counts = np.bincount(self.kind_codes, minlength=len(self.kind_names))
            self._kind_counts = {k: int(c) for k, c in zip(self.kind_names, counts) if c}
        return dict(self._kind_counts)

    def close(self) -> None:
        if isinstance(self._mm, mmap.mmap):
            self._mm.close()


def _map(path: Path) -> mmap.mmap | bytes:
    """``path`` mapped read-only (``b""`` when empty). The file object is closed at once: the map
    keeps its own descriptor, and a file left open for the garbage collector to close was a
    ``ResourceWarning`` (one per table of every index opened, in a run of the tests)."""
    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(f.fileno()).st_size else b""


def doc_ids_of(passages: Sequence[Passage]) -> list[str]:
    """Each row's document id, from the columns when the table has them (a reader's or a format-1 table)."""
    if hasattr(passages, "doc_id_of_rows"):
        return passages.doc_id_of_rows().tolist()
    return [p.doc_id for p in passages]


def kind_counts(passages: Sequence[Passage]) -> dict[str, int]:
    """How many (live) passages of each kind, from the columns when the table has them."""
    if hasattr(passages, "kind_counts"):
        return passages.kind_counts()
    out: dict[str, int] = {}
    for p in passages:
        out[p.kind] = out.get(p.kind, 0) + 1
    return out


def write_documents(f, columns_path: Path, documents) -> None:
    """Write document rows as JSON lines to the open binary file ``f``, their offsets and ids to ``columns_path``."""
    offsets = np.zeros(len(documents) + 1, dtype=np.int64)
    pos = 0
    ids = []
    for i, d in enumerate(documents.values()):
        line = (json.dumps(d, ensure_ascii=False) + "\n").encode("utf-8")
        f.write(line)
        pos += len(line)
        offsets[i + 1] = pos
        ids.append(d["doc_id"])
    with open(columns_path, "wb") as cf:
        np.savez(cf, offsets=offsets, doc_id=_str_array(ids))
        cf.flush()
        os.fsync(cf.fileno())


class DocumentTable(Mapping):
    """``doc_id -> document row`` read on demand from ``documents.jsonl`` by byte offsets.

    A row is parsed when it is looked up (an answer looks up a few); iterating the values parses
    every row once and keeps them (what an eager load did at open). Looked-up rows are kept in an
    LRU of ``cache_size`` (``embeddings.caching``).
    """

    cache_size = 20_000

    def __init__(self, path: Path, offsets: np.ndarray, ids: np.ndarray):
        self.path = Path(path)
        self.offsets = offsets
        self._row = {d: i for i, d in enumerate(ids.tolist())}
        self._mm = _map(self.path)
        self._cache = LockedLRU(self.cache_size)
        self._all: dict[str, dict] | None = None  # every row, once values() or items() asked for them

    @classmethod
    def open(cls, path: Path, columns_path: Path) -> "DocumentTable":
        z = load_npz(columns_path)
        if not {"offsets", "doc_id"} <= set(z):
            raise ValueError(f"{columns_path.name} lacks offsets or doc_id")
        offsets, ids = z["offsets"], z["doc_id"]
        size = Path(path).stat().st_size
        if len(offsets) != len(ids) + 1 or offsets[0] != 0 or offsets[-1] != size or (len(ids) and np.any(np.diff(offsets) <= 0)):
            raise ValueError(f"{columns_path.name}: offsets do not match {Path(path).name} ({size} bytes)")
        return cls(path, offsets, ids)

    def _parse(self, i: int) -> dict:
        try:
            d = json.loads(self._mm[self.offsets[i]: self.offsets[i + 1]])
        except ValueError as e:
            raise IndexFormatError(f"{self.path}: document row {i + 1} is not JSON ({e}); rebuild the index") from e
        if not isinstance(d, dict) or not isinstance(d.get("text"), str):
            raise IndexFormatError(f"{self.path}: document row {i + 1} has no text; rebuild the index")
        return d

    def __getitem__(self, doc_id: str) -> dict:
        if self._all is not None:
            return self._all[doc_id]
        return self._cache.get_or_make(doc_id, lambda d: self._parse(self._row[d]))  # KeyError for an unknown id

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._row

    def __iter__(self):
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def _load_all(self) -> dict[str, dict]:
        if self._all is None:
            self._all = {d: self._parse(i) for d, i in self._row.items()}
        return self._all

    def values(self):
        return self._load_all().values()

    def items(self):
        return self._load_all().items()
