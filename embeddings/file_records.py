"""The source-file records of an index as a writer sees them, looked up per file.

Each segment's ``files.json`` holds the records of the files that segment read (the newest
segment's record of a file wins; ``deleted_files`` in the manifest lists files removed since).
An update looks up only the files it was given: each segment keeps sorted hashes of its records'
file keys and of their document ids (``file_keys.npy``, ``file_docs.npy``, written with the segment,
so they never disagree with the manifest), and only a segment whose hashes match has its
``files.json`` parsed. A new file's lookup, or the check whether a replaced document is still held
by another file, thus parses the records of the segments that hold it, not of every segment. Only
``prune`` and deleting documents by id read every record.
"""

from __future__ import annotations

from typing import Iterator

from .segment import key_hashes


class FileRecords:
    """``source file -> record`` (sha256, size, mtime_ns, doc_ids) over a reader's segments, plus
    the changes of this update (``changed``: records to write; ``removed``: files taken out)."""

    def __init__(self, prev=None):
        self._segments = list(reversed(prev.segments)) if prev is not None else []
        self._deleted = frozenset(prev.info.deleted_files) if prev is not None else frozenset()
        self._count = prev.info.counts.files if prev is not None else 0
        self.changed: dict[str, dict] = {}
        self.removed: set[str] = set()

    def get(self, key: str, default=None) -> dict | None:
        if key in self.changed:
            return self.changed[key]
        if key in self.removed or key in self._deleted:
            return default
        h = None
        for seg in self._segments:
            if h is None:
                h = key_hashes([key])
            if not seg.may_hold("file_keys", h):
                continue
            rec = seg.files().get(key)
            if rec is not None:
                return rec
        return default

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: str) -> dict:
        rec = self.get(key)
        if rec is None:
            raise KeyError(key)
        return rec

    def __setitem__(self, key: str, rec: dict) -> None:
        if self.get(key) is None:
            self._count += 1
        self.removed.discard(key)
        self.changed[key] = rec

    def pop(self, key: str) -> dict:
        rec = self[key]
        self._count -= 1
        self.changed.pop(key, None)
        self.removed.add(key)
        return rec

    def __len__(self) -> int:
        return self._count

    def keys(self) -> list[str]:
        """Every live file (reads every segment's records: for prune and deletes only)."""
        seen: dict[str, None] = {}
        for seg in reversed(self._segments):
            seen.update(dict.fromkeys(seg.files()))
        seen.update(dict.fromkeys(self.changed))
        return [k for k in seen if k in self.changed or (k not in self.removed and k not in self._deleted)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def items(self) -> list[tuple[str, dict]]:
        return [(k, self[k]) for k in self.keys()]

    def referenced(self, doc_ids: set[str]) -> set[str]:
        """Which of ``doc_ids`` some live file still holds (parses the records of the segments whose
        document hashes match, and of this update)."""
        return set(self.holders(doc_ids))

    def holders(self, doc_ids: set[str]) -> dict[str, set[str]]:
        """``doc_id -> the live files holding it`` for those of ``doc_ids`` some live file holds (as
        ``referenced`` reads them)."""
        if not doc_ids:
            return {}
        h = key_hashes(doc_ids)
        keys = [k for k, rec in self.changed.items() if not doc_ids.isdisjoint(rec["doc_ids"])]
        for seg in self._segments:
            if seg.may_hold("file_docs", h):
                keys += [k for k, rec in seg.files().items() if not doc_ids.isdisjoint(rec["doc_ids"])]
        held: dict[str, set[str]] = {}
        for k in dict.fromkeys(keys):
            rec = self.get(k)  # the live record of that file (a newer one may hold other documents)
            if rec is not None:
                for i in rec["doc_ids"]:
                    if i in doc_ids:
                        held.setdefault(i, set()).add(k)
        return held
