"""Compaction beside other writers of the same process: every merge writes a folder of its own, no
publish deletes a folder being written, and a merge that fails after an update does not fail it
(the API's upload threads, ``newsqa serve``'s app and the automatic merge after an update)."""

from __future__ import annotations

import os
import threading

import pytest

import newsqa.embeddings.compaction as compaction
from newsqa.embeddings.compaction import compact_index
from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.manifest import SEGMENTS_DIR
from newsqa.embeddings.reader import open_reader
from newsqa.embeddings.store import remove_unlisted, tmp_segment


def _article(d, name, i):
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{name}.txt"
    p.write_text(f"Story {name} of the council\n\nThe council met {i} times about item {name}.\n\n"
                 f"A second paragraph, on item {name} and its cost of {i} pounds.\n", encoding="utf-8")
    return p


@pytest.fixture
def due(tmp_path, fake_encoder):
    """An index of 9 one-article segments: the next update leaves 10, which the policy merges."""
    src, idx = tmp_path / "src", tmp_path / "idx"
    for i in range(9):
        update_index([_article(src, f"s{i}", i)], idx, encoder=fake_encoder, progress=False, compact=False)
    return src, idx


def _hidden(idx):
    return sorted(p.name for p in (idx / SEGMENTS_DIR).iterdir() if p.name.startswith("."))


def test_a_publish_meanwhile_leaves_a_merge_in_progress_alone(due, fake_encoder, monkeypatch):
    """An update of another thread publishes (and cleans up) while a merge writes without the lock:
    the merge's folder stays and the merge is published."""
    src, idx = due
    update_index([_article(src, "s9", 9)], idx, encoder=fake_encoder, progress=False, compact=False)
    real = compaction.write_segment
    updates = []

    def write_then_update(*a, **k):
        out = real(*a, **k)
        if not updates:
            t = threading.Thread(target=lambda: updates.append(update_index(
                [_article(src, "late", 10)], idx, encoder=fake_encoder, progress=False, compact=False)))
            t.start()
            t.join()
        return out

    monkeypatch.setattr(compaction, "write_segment", write_then_update)
    rep = compact_index(idx)
    r = open_reader(idx, ann=False)
    assert rep.merges == 1 and updates[0].written and updates[0].added == 3
    assert len(r.segments) == 2 and r.info.counts.documents == 11 and r.live_passages == 33
    assert _hidden(idx) == []


def test_concurrent_updates_and_compactions_each_report_what_was_applied(due, fake_encoder):
    """Uploads in threads on an index due a merge (as the API runs them), with compactions beside:
    every call succeeds, and every update's report is what the index then holds."""
    src, idx = due
    results, errors = {}, []

    def run(key, call):
        try:
            results[key] = call()
        except Exception as e:  # noqa: BLE001 - the test reports every failure
            errors.append((key, repr(e)))

    threads = [threading.Thread(target=run, args=(f"u{i}", lambda i=i: update_index(
        [_article(src, f"u{i}", i)], idx, encoder=fake_encoder, progress=False, lock_timeout=60)))
        for i in range(6)]
    threads += [threading.Thread(target=run, args=(f"c{i}", lambda kw=kw: compact_index(idx, lock_timeout=60, **kw)))
                for i, kw in enumerate(({}, {"full": True}, {"everything": True}))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    updates = [results[f"u{i}"] for i in range(6)]
    assert all(u.written and u.documents_read == 1 and u.added == 3 and not u.compaction_error for u in updates)
    r = open_reader(idx, ann=False)
    titles = sorted(d["title"] for d in r.documents.values())
    assert titles == sorted([f"Story s{i} of the council" for i in range(9)] +
                            [f"Story u{i} of the council" for i in range(6)])
    assert r.info.counts.documents == 15 and r.live_passages == 45 and r.info.counts.passages == 45
    assert _hidden(idx) == []


def test_a_failed_merge_after_an_update_does_not_fail_the_update(due, fake_encoder, monkeypatch):
    src, idx = due

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(compaction, "compact_index", broken)
    r = update_index([_article(src, "new", 3)], idx, encoder=fake_encoder, progress=False)
    assert r.written and r.added == 3 and "No space left" in r.compaction_error
    assert "merging small segments failed" in r.summary_line()
    assert open_reader(idx, ann=False).info.counts.documents == 10


def test_remove_unlisted_keeps_the_folders_being_written(due):
    _, idx = due
    m = open_reader(idx, ann=False).info
    seg = idx / SEGMENTS_DIR
    with tmp_segment("compact") as mine, tmp_segment("compact") as other_merge:
        assert mine != other_merge  # one name per merge, not per process
        left = f".new.{os.getpid()}.tmp"  # this process's, not being written: a failed write's leftover
        dead = ".compact.0123456789ab.999999999.tmp"  # a killed process's
        for name in (mine, other_merge, left, dead):
            (seg / name).mkdir()
        remove_unlisted(idx, m)
        assert _hidden(idx) == sorted([mine, other_merge])
    remove_unlisted(idx, m)
    assert _hidden(idx) == []
