"""The one eviction rule of the caches in ``embeddings/`` and ``qa/``.

Every keyed cache is a ``LockedLRU``: bounded, least recently used evicted first, every operation
under its own lock, so threads sharing an engine can look up, fill and evict at once (a lookup never
sees a half-cleared cache). A value that belongs to one index generation (a coverage note, the
main topics) lives in a ``PerReader`` memo and goes when that generation's reader goes.

    >>> c = LockedLRU(2)
    >>> c.put("a", 1); c.put("b", 2); c.get("a"); c.put("c", 3)
    1
    >>> sorted(c.keys())
    ['a', 'c']
"""

from __future__ import annotations

import threading
import weakref
from typing import Callable, Hashable, Iterable, TypeVar

from cachetools import LRUCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LockedLRU:
    """A ``cachetools.LRUCache`` of at most ``maxsize`` entries behind a lock."""

    def __init__(self, maxsize: int):
        if maxsize < 1:
            raise ValueError(f"a cache holds at least 1 entry, got maxsize={maxsize}")
        self.maxsize = maxsize
        self._cache: LRUCache = LRUCache(maxsize)
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            return self._cache.get(key, default)

    def get_many(self, keys: Iterable) -> dict:
        """The cached ones of ``keys`` (each marked as just used)."""
        with self._lock:
            return {k: self._cache[k] for k in keys if k in self._cache}

    def put(self, key, value) -> None:
        with self._lock:
            self._cache[key] = value

    def put_many(self, items: Iterable[tuple]) -> None:
        with self._lock:
            for k, v in items:
                self._cache[k] = v

    def get_or_make(self, key: K, make: Callable[[K], V]) -> V:
        """The cached value, else ``make(key)`` (computed outside the lock, then kept)."""
        found = self.get(key, _MISSING)
        if found is _MISSING:
            found = make(key)
            self.put(key, found)
        return found

    def keys(self) -> list:
        with self._lock:
            return list(self._cache.keys())

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)


class PerReader:
    """Values computed once per index generation, keyed by its reader and dropped with it. Threads
    asking at once for a reader's value wait for the first one's ``make`` instead of each computing
    it (mined role words cost ~1 CPU-s; a server's first questions often come together)."""

    def __init__(self):
        self._memo: "weakref.WeakKeyDictionary[object, object]" = weakref.WeakKeyDictionary()
        self._making: "weakref.WeakKeyDictionary[object, threading.Lock]" = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def get_or_make(self, reader, make: Callable[[object], V]) -> V:
        with self._lock:
            found = self._memo.get(reader, _MISSING)
            if found is not _MISSING:
                return found
            gate = self._making.setdefault(reader, threading.Lock())  # one per reader being computed
        with gate:  # the first thread computes; the others wait here, then find its value
            with self._lock:
                found = self._memo.get(reader, _MISSING)
            if found is _MISSING:  # first, or the one before raised: compute (an error is not kept)
                found = make(reader)
                with self._lock:
                    self._memo[reader] = found
                    self._making.pop(reader, None)
        return found


_MISSING = object()
