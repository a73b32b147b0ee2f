"""The caches of embeddings/caching.py: a PerReader value is computed once per reader, even when
several threads ask for it at once."""

import threading
import time

import pytest

from newsqa.embeddings.caching import PerReader


class _Reader:
    """A stand-in reader: any object that can be weakly referenced."""


def test_threads_asking_at_once_wait_for_the_first_ones_value():
    memo, reader = PerReader(), _Reader()
    calls, start = [], threading.Barrier(8)

    def make(r):
        calls.append(r)
        time.sleep(0.05)  # long enough that the other threads arrive while it computes
        return object()

    got = []

    def ask():
        start.wait()
        got.append(memo.get_or_make(reader, make))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(got) == 8 and all(g is got[0] for g in got)


def test_an_error_is_not_kept_and_other_readers_do_not_wait():
    memo, reader, other = PerReader(), _Reader(), _Reader()

    def fail(r):
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        memo.get_or_make(reader, fail)
    assert memo.get_or_make(reader, lambda r: 1) == 1  # the next caller computes
    assert memo.get_or_make(reader, lambda r: 2) == 1  # then it is kept
    assert memo.get_or_make(other, lambda r: 3) == 3
