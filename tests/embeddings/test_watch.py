"""``watch``: new, changed and deleted files reach the index within a poll, and a running Engine
answers from them on its next question."""

import threading
import time

from newsqa.embeddings.watch import watch
from newsqa.qa import Engine


def test_watch_indexes_new_changed_and_deleted_files(tmp_path, fake_encoder):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.md").write_text("# Harbour reopens\n\nThe harbour reopened on Monday after the storm.\n")
    idx = tmp_path / "idx"
    stop = threading.Event()
    reports = []
    t = threading.Thread(target=lambda: reports.extend(watch([src], idx, interval=0.05, encoder=fake_encoder,
                                                             stop=stop.is_set)))
    t.start()
    try:
        _wait(lambda: len(reports) >= 1)
        engine = Engine.open(idx, encoder=fake_encoder)
        assert "harbour" in engine.ask("When did the harbour reopen?").answer.lower()
        (src / "b.md").write_text("# Bridge closes\n\nThe old bridge closed for repairs on Friday.\n")
        _wait(lambda: len(reports) >= 2)
        a = engine.ask("Why did the old bridge close?")  # the running engine sees the new segment
        assert any(c.title == "Bridge closes" for c in a.citations)
        (src / "a.md").unlink()
        _wait(lambda: len(reports) >= 3)
        assert len(engine.snapshot.documents) in (1, 2)
        engine.refresh()
        assert [d["title"] for d in engine.snapshot.documents.values()] == ["Bridge closes"]
    finally:
        stop.set()
        t.join(timeout=10)
    assert [r.added for r in reports[:2]] == [2, 2] and reports[2].removed == 2


def _wait(cond, timeout=20.0):
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "watch did not pick the change up"
        time.sleep(0.05)


def _article(folder, name, title, sentence):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"# {title}\n\n{sentence}\n")


def _titles(idx):
    from newsqa.embeddings.reader import open_reader

    return sorted(d["title"] for d in open_reader(idx).documents.values())


def _watching(paths, idx, fake_encoder, **kw):
    stop = threading.Event()
    reports, errors = [], []
    t = threading.Thread(target=lambda: reports.extend(watch(paths, idx, interval=0.05, encoder=fake_encoder,
                                                             stop=stop.is_set, on_error=errors.append, **kw)))
    t.start()
    return stop, t, reports, errors


def test_watch_removes_only_what_it_saw_deleted_not_other_folders(tmp_path, fake_encoder):
    """The review's scenario: folder A indexed, then unavailable; watching B and deleting a file of B
    must take out that file alone, not A's articles (a prune of the whole index did)."""
    from newsqa.embeddings.indexer import update_index

    a, b, idx = tmp_path / "a", tmp_path / "b", tmp_path / "idx"
    _article(a, "1.md", "Dam opens", "The new dam opened on Tuesday.")
    _article(a, "2.md", "Mill closes", "The paper mill closed in March.")
    update_index([a], idx, encoder=fake_encoder, progress=False)
    a.rename(tmp_path / "a_unmounted")
    _article(b, "x.md", "Ferry returns", "The ferry returned to service on Sunday.")
    _article(b, "y.md", "Pier rebuilt", "The pier was rebuilt after the storm.")
    stop, t, reports, errors = _watching([b], idx, fake_encoder)
    try:
        _wait(lambda: len(reports) >= 1)
        (b / "y.md").unlink()
        _wait(lambda: len(reports) >= 2)
    finally:
        stop.set()
        t.join(timeout=10)
    assert _titles(idx) == ["Dam opens", "Ferry returns", "Mill closes"]
    assert len(reports[1].pruned) == 1 and reports[1].pruned[0].endswith("y.md") and not errors


def test_watch_keeps_the_articles_of_a_watched_folder_that_vanishes(tmp_path, fake_encoder):
    b, c, idx = tmp_path / "b", tmp_path / "c", tmp_path / "idx"
    _article(b, "x.md", "Ferry returns", "The ferry returned to service on Sunday.")
    _article(c, "z.md", "Road widened", "The coast road was widened last year.")
    stop, t, reports, errors = _watching([b, c], idx, fake_encoder)
    try:
        _wait(lambda: len(reports) >= 1)
        b.rename(tmp_path / "b_away")  # unmounted: not a deletion of its files
        (c / "z.md").unlink()
        _wait(lambda: len(reports) >= 2)
        (tmp_path / "b_away").rename(b)  # back, unchanged: nothing to do
        time.sleep(0.5)
    finally:
        stop.set()
        t.join(timeout=10)
    assert _titles(idx) == ["Ferry returns"] and not errors, [r.summary_line() for r in reports]
    assert len(reports) == 2, "\n".join(r.summary_line()[:120] for r in reports)


def test_watch_retries_a_poll_while_another_writer_holds_the_lock(tmp_path, fake_encoder):
    from newsqa.embeddings.errors import IndexLockedError
    from newsqa.embeddings.store import writer_lock

    b, idx = tmp_path / "b", tmp_path / "idx"
    _article(b, "x.md", "Ferry returns", "The ferry returned to service on Sunday.")
    held, release = threading.Event(), threading.Event()

    def hold():
        with writer_lock(idx):
            held.set()
            release.wait(20)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    stop, t, reports, errors = _watching([b], idx, fake_encoder, lock_timeout=0.1)
    try:
        _wait(lambda: len(errors) >= 2)  # it goes on polling
        assert t.is_alive() and not reports and all(isinstance(e, IndexLockedError) for e in errors)
        release.set()
        _wait(lambda: len(reports) >= 1)  # the skipped change is indexed once the lock is free
    finally:
        release.set()
        stop.set()
        t.join(timeout=10)
        holder.join(timeout=10)
    assert _titles(idx) == ["Ferry returns"]
