"""The source-file records of an index as a writer sees them, looked up per file.

Each segment's ``files.json`` holds the records of the files that segment read (the newest
segment's record of a file wins; ``deleted_files`` in the manifest lists files removed since).
An update looks up only the files it was given: it never merges every record of the index,
except where it must see them all (``prune``, deleting documents, or checking whether a replaced
document is still held by another file).
"""

from __future__ import annotations

from typing import Iterator


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
        for seg in self._segments:
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
        """Which of ``doc_ids`` some live file still holds (reads every record; only when some went)."""
        if not doc_ids:
            return set()
        return {i for _, rec in self.items() for i in rec["doc_ids"] if i in doc_ids}
