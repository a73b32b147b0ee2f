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
