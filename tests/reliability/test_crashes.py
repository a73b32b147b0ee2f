"""Crashes lose nothing; two writers never interleave; a reader sees the old index or the new one.

The kill test SIGKILLs ``newsqa index`` (the real command's ``main``, in a child process forked by a
forkserver that imported the project once: tests/reliability/killable.py) during an update, at random
moments and at moments aimed at each stage (reading, encoding, writing the segment, replacing the
manifest); the compaction kill test does the same to ``newsqa compact``. Each time the index must open
and answer exactly as before the update (or, when the kill came after the manifest was replaced,
exactly as after it), and re-running the update must complete it. The expected state after an update
or a merge is made by the installed command itself (``python -m newsqa.cli`` in a subprocess).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT
from reliability.killable import SCRIPT, Preloaded
from reliability.util import QUESTIONS, answers, write_corpus

from newsqa.embeddings.encoder import HashingEncoder
from newsqa.embeddings.errors import IndexLockedError
from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.store import load_snapshot

ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


@pytest.fixture(scope="module")
def preloaded(tmp_path_factory):
    """Children of one forkserver with the project imported (a child starts in milliseconds)."""
    return Preloaded(tmp_path_factory.mktemp("children"))


def _index_argv(src, index):
    return ["index", str(src), "--index", str(index), "--model", "hashing", "--no-progress"]


def _index_cmd(src, index, staged=False):
    """The command as a program: ``python -m newsqa.cli index ...`` (``staged``: with the stage markers)."""
    head = [sys.executable, "-c", SCRIPT] if staged else [sys.executable, "-m", "newsqa.cli"]
    return head + _index_argv(src, index)


def _state(index: Path) -> list:
    """The published state: the files of the segments the manifest lists, in order, and the
    tombstones by segment position (names and timestamps may differ between equal states)."""
    m = json.loads((index / "manifest.json").read_text())
    names = [s["name"] for s in m["segments"]]
    segs = [{f: (index / "segments" / n / f).read_bytes() for f in s["sizes"]} for n, s in zip(names, m["segments"])]
    return [segs, {names.index(k): v for k, v in m["tombstones"].items()}, m["counts"], m["deleted_files"]]


def _no_leftovers(index: Path) -> None:
    """Nothing a killed writer left: no hidden folders or manifests, no segment the manifest does not list."""
    listed = {s["name"] for s in json.loads((index / "manifest.json").read_text())["segments"]}
    assert not [p.name for p in index.iterdir() if p.name.endswith(".tmp")]
    assert sorted(p.name for p in (index / "segments").iterdir()) == sorted(listed)


def _kill_during(preloaded, argv, stage: str | None, delay: float | None, full: float, rng) -> str | None:
    """SIGKILL ``newsqa ARGV``: at a random moment of its first ``full`` seconds (``stage`` None), or up
    to ``delay`` s after it reported starting ``stage``. Returns the stage it reached."""
    child = preloaded.start(argv, staged=stage is not None)
    try:
        if stage is None:
            time.sleep(rng.uniform(0.01, full))
            return None
        while (got := child.stage()) != stage:
            if got is None or got == "done":
                pytest.fail(f"the command ended before stage {stage!r} (markers out of date?)")
        time.sleep(rng.uniform(0, delay))
        return stage
    finally:
        child.kill()
        assert child.wait(30) is not None


def _time_to_publish(preloaded, argv) -> float:
    """Seconds from the start of ``newsqa ARGV`` to its replacing the manifest, in one run to its end: the
    window of the random kills (a kill later than that finds the work published)."""
    t0 = time.monotonic()
    child = preloaded.start(argv, staged=True)
    while (got := child.stage()) not in ("manifest", "done", None):
        pass
    took = time.monotonic() - t0
    assert got == "manifest" and child.wait() == 0, got
    return took


def _answers(index: Path) -> list[dict]:
    from newsqa.qa import Engine

    return answers(Engine.open(index, encoder=HashingEncoder(256)), QUESTIONS)


@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("kill")
    src = root / "src"
    write_corpus(src, 40, seed=1)
    base = root / "base"
    update_index([src], base, encoder=HashingEncoder(256), progress=False)
    write_corpus(src, 160, seed=2, start=1000)  # the update: 160 new articles (~800 passages)
    after = root / "after"
    shutil.copytree(base, after)
    r = subprocess.run(_index_cmd(src, after), cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return {"src": src, "base": base, "before_manifest": (base / "manifest.json").read_bytes(),
            "before_answers": _answers(base), "before_state": _state(base),
            "after_state": _state(after), "after_answers": _answers(after)}


@pytest.mark.slow  # ~50 runs of the real command in child processes, each killed or re-run
def test_sigkill_during_update_loses_nothing(tmp_path, kill_setup, preloaded):
    s = kill_setup
    rng = random.Random(20240914)
    # Half at random moments of the plain command, half aimed at a stage (random delay after its marker).
    plans = [("random", None, None)] * 12 + [
        (stage, stage, delay) for stage, delay in
        [("reading", 0.05), ("encoding", 0.05), ("writing", 0.03), ("manifest", 0.002)] for _ in range(3)
    ]
    shutil.copytree(s["base"], tmp_path / "timing")
    full = _time_to_publish(preloaded, _index_argv(s["src"], tmp_path / "timing"))
    outcomes = {"before": 0, "after": 0}
    stages_hit = set()
    for n, (kind, stage, delay) in enumerate(plans):
        index = tmp_path / f"i{n}"
        shutil.copytree(s["base"], index)
        stages_hit.add(_kill_during(preloaded, _index_argv(s["src"], index), stage, delay, full, rng))

        # The index opens and answers exactly as before the update, or (killed after publishing) as after.
        if (index / "manifest.json").read_bytes() == s["before_manifest"]:
            assert _state(index) == s["before_state"]
            assert _answers(index) == s["before_answers"], f"kill {n} ({kind}) changed the answers"
            outcomes["before"] += 1
        else:
            assert _state(index) == s["after_state"], f"kill {n} ({kind}) left a mix"
            assert _answers(index) == s["after_answers"]
            outcomes["after"] += 1
        # Re-running the update completes it, and cleans what the killed one left behind.
        rc, err = preloaded.run(_index_argv(s["src"], index))
        assert rc == 0, err
        assert _state(index) == s["after_state"]
        _no_leftovers(index)
        shutil.rmtree(index)
    assert sum(outcomes.values()) == len(plans) >= 20
    assert outcomes["before"] >= 12, outcomes  # most kills landed inside the update
    assert stages_hit == {None, "reading", "encoding", "writing", "manifest"}
    print(f"\nkill test: {len(plans)} SIGKILLs, {outcomes}, an update publishes after {full:.2f} s")


@pytest.mark.slow  # three writers in two processes (a subprocess holds the lock: the real command twice)
def test_second_writer_waits_or_fails_clearly_and_never_interleaves(tmp_path):
    src_a = write_corpus(tmp_path / "a", 60, seed=3)
    src_b = write_corpus(tmp_path / "b", 5, seed=4, start=5000)
    index = tmp_path / "index"
    update_index([write_corpus(tmp_path / "base", 3, seed=5, start=9000)], index, encoder=HashingEncoder(256),
                 progress=False)
    gate = tmp_path / "go"  # the first writer holds the lock until the test creates this file (not for a time)
    proc = subprocess.Popen(_index_cmd(src_a, index, staged=True), cwd=ROOT, env={**ENV, "NEWSQA_TEST_GATE": str(gate)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.strip() == "reading":
                break
        # The first writer holds the lock: a second one with a short wait fails with a clear message...
        r = subprocess.run([sys.executable, "-m", "newsqa.cli", "index", str(src_b), "--index", str(index),
                            "--model", "hashing", "--no-progress", "--wait", "0.3"],
                           cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert "is being updated by another process" in r.stderr and "try again" in r.stderr
        # ...and one that waits runs after it: both updates are in the index, none lost.
        opener = threading.Timer(1.0, gate.touch)
        t0 = time.monotonic()
        opener.start()
        report = update_index([src_b], index, encoder=HashingEncoder(256), progress=False, lock_timeout=300)
        waited = time.monotonic() - t0
        assert proc.wait(timeout=120) == 0
    finally:
        gate.touch()
        proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert waited > 0.5 and report.added == 25
    snap = load_snapshot(index)
    assert len(snap.documents) == 3 + 60 + 5
    assert snap.manifest["counts"] == {"documents": 68, "passages": 68 * 5, "files": 68, "segments": 3,
                                       "tombstoned_passages": 0}


def _check_consistent(snap, answer) -> None:
    assert len(snap.passages) == snap.vectors.shape[0] == int(snap.starts[-1])
    assert snap.live_passages == snap.manifest["counts"]["passages"] == len(snap.documents) * 5
    for c in answer.citations:
        assert snap.document_text(c.doc_id)[c.start:c.end] == c.quote
    for h in answer.retrieved:
        assert snap.passages[h.row].passage_id == h.passage.passage_id


@pytest.mark.slow  # six updates by the real command in other processes
def test_reader_sees_old_or_new_never_a_mix(tmp_path, preloaded):
    from newsqa.qa import Engine

    index = tmp_path / "index"
    update_index([write_corpus(tmp_path / "s0", 20, seed=10)], index, encoder=HashingEncoder(256), progress=False)
    engine = Engine.open(index, encoder=HashingEncoder(256))
    engine.auto_refresh = False  # refreshed by hand below, so each check knows the view it answered from
    stop = threading.Event()
    seen: set[str] = set()
    errors: list[BaseException] = []
    asked = [0]

    def reader():
        try:
            while not stop.is_set():
                engine.refresh()
                snap = engine.snapshot
                seen.add(snap.generation)
                for q in QUESTIONS:
                    _check_consistent(snap, engine.ask(q))
                    asked[0] += 1
        except BaseException as e:  # reported below
            errors.append(e)

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(6):  # six updates by another process; older generations get deleted meanwhile
            src = write_corpus(tmp_path / f"s{i + 1}", 15, seed=20 + i, start=100 * (i + 1))
            rc, err = preloaded.run(_index_argv(src, index))
            assert rc == 0, err
    finally:
        time.sleep(0.3)
        stop.set()
        t.join(timeout=60)
    assert not errors, errors[0]
    engine.refresh()
    assert engine.snapshot.generation == json.loads((index / "manifest.json").read_text())["generation"]
    assert len(engine.snapshot.documents) == 20 + 6 * 15
    assert len(seen) >= 3 and asked[0] > 20, (seen, asked)


def test_slow_reader_survives_its_segments_being_merged_away(tmp_path, monkeypatch):
    """A reader that read the manifest, then paused while updates and a merge retired its segments,
    still opens an index (the newer one)."""
    import newsqa.embeddings.reader as reader_mod
    from newsqa.embeddings.compaction import compact_index

    index = tmp_path / "index"
    enc = HashingEncoder(256)
    update_index([write_corpus(tmp_path / "s0", 5, seed=30)], index, encoder=enc, progress=False)
    first = json.loads((index / "manifest.json").read_text())["segments"][0]["name"]
    real = reader_mod.Segment
    calls = []

    def slow_segment(index_dir, info, *a, **k):
        if not calls:  # the first attempt: meanwhile writers publish three updates and merge everything
            calls.append("paused")
            for i in range(3):
                update_index([write_corpus(tmp_path / f"s{i + 1}", 2, seed=31 + i, start=50 * (i + 1))], index,
                             encoder=enc, progress=False)
            compact_index(index, full=True)
            assert not (index / "segments" / first).exists()  # the segment this reader was about to open is gone
        calls.append(info.name)
        return real(index_dir, info, *a, **k)

    monkeypatch.setattr(reader_mod, "Segment", slow_segment)
    snap = reader_mod.open_reader(index)
    assert calls[0] == "paused" and calls[1] == first and calls[-1] != first
    assert snap.generation == json.loads((index / "manifest.json").read_text())["generation"]
    assert len(snap.segments) == 1 and len(snap.documents) == 5 + 2 * 3


def _compact_argv(index):
    return ["compact", "--index", str(index), "--full"]


@pytest.fixture(scope="module")
def compact_setup(tmp_path_factory):
    """An index of 12 one-update segments with deletions, and what it answers before and after a merge."""
    root = tmp_path_factory.mktemp("compact")
    base = root / "base"
    enc = HashingEncoder(256)
    srcs = [write_corpus(root / f"s{i}", 3, seed=40 + i, start=10 * i) for i in range(12)]
    for src in srcs:
        update_index([src], base, encoder=enc, progress=False, compact=False)
    for f in sorted(srcs[4].iterdir())[:2]:
        f.unlink()
    update_index([], base, encoder=enc, progress=False, prune=True, compact=False)
    after = root / "after"
    shutil.copytree(base, after)
    r = subprocess.run([sys.executable, "-m", "newsqa.cli", *_compact_argv(after)], cwd=ROOT, env=ENV,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert len(json.loads((after / "manifest.json").read_text())["segments"]) == 1
    return {"base": base, "before_manifest": (base / "manifest.json").read_bytes(), "before_state": _state(base),
            "answers": _answers(base), "after_state": _state(after)}


@pytest.mark.slow  # ~50 runs of the real command in child processes, each killed or re-run
def test_sigkill_during_compaction_loses_nothing(tmp_path, compact_setup, preloaded):
    s = compact_setup
    assert _answers(s["base"]) == s["answers"]
    rng = random.Random(7)
    plans = [("random", None, None)] * 10 + [(st, st, d) for st, d in
                                              [("merging", 0.05), ("writing", 0.05), ("manifest", 0.002)] for _ in range(4)]
    shutil.copytree(s["base"], tmp_path / "timing")
    full = _time_to_publish(preloaded, _compact_argv(tmp_path / "timing"))
    outcomes = {"before": 0, "after": 0}
    for n, (kind, stage, delay) in enumerate(plans):
        index = tmp_path / f"c{n}"
        shutil.copytree(s["base"], index)
        _kill_during(preloaded, _compact_argv(index), stage, delay, full, rng)
        # Before: the same segments; after: the merged one. Never a mix, and the same answers either way.
        if (index / "manifest.json").read_bytes() == s["before_manifest"]:
            assert _state(index) == s["before_state"]
            outcomes["before"] += 1
        else:
            assert _state(index) == s["after_state"], f"kill {n} ({kind}) left a mix"
            outcomes["after"] += 1
        assert _answers(index) == s["answers"], f"kill {n} ({kind}) changed the answers"
        rc, err = preloaded.run(_compact_argv(index))
        assert rc == 0, err
        assert _state(index) == s["after_state"]
        _no_leftovers(index)
        shutil.rmtree(index)
    assert sum(outcomes.values()) == len(plans) >= 20 and outcomes["before"] >= 10, outcomes
    print(f"\ncompaction kill test: {len(plans)} SIGKILLs, {outcomes}, a merge publishes after {full:.2f} s")


@pytest.mark.slow  # 100 updates, then a merge of 100 segments
def test_compaction_of_100_segments_while_5_threads_ask(tmp_path):
    """100 one-article segments merged while five threads ask: no error, every answer from one whole view."""
    from newsqa.embeddings.compaction import compact_index
    from newsqa.qa import Engine

    index = tmp_path / "index"
    enc = HashingEncoder(256)
    src = write_corpus(tmp_path / "src", 100, seed=60)
    for f in sorted(src.iterdir()):
        update_index([f], index, encoder=enc, progress=False, compact=False)
    assert len(json.loads((index / "manifest.json").read_text())["segments"]) == 100
    engine = Engine.open(index, encoder=enc)
    want = answers(engine, QUESTIONS)
    stop = threading.Event()
    errors: list[BaseException] = []
    asked = [0]
    per_thread = [0] * 5

    def ask(i):
        own = Engine.open(index, encoder=enc)  # refreshed by hand: each check knows the view it answered from
        own.auto_refresh = False
        try:
            while not stop.is_set():
                own.refresh()
                snap = own.snapshot
                for q in QUESTIONS:
                    _check_consistent(snap, own.ask(q))
                    engine.ask(q)  # and one engine shared by all threads, refreshing itself
                    asked[0] += 1
                    per_thread[i] += 1
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    try:
        deadline = time.monotonic() + 120  # every thread asking before the merge starts (opening 100 segments
        while not all(per_thread) and not errors and time.monotonic() < deadline:  # can outlast a fast merge)
            time.sleep(0.05)
        before = asked[0]
        report = compact_index(index)
        merged_at = asked[0]
        during = merged_at - before  # asks answered while the merge ran
        deadline = time.monotonic() + 120  # then at least a round of the questions per thread, however slow
        while asked[0] < merged_at + 5 * len(QUESTIONS) and not errors and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors[0]
    assert report.merges >= 1 and report.segments_after < 12 and report.passages_rewritten == 500, report
    engine.refresh()
    assert len(engine.snapshot.segments) == report.segments_after
    assert during >= 1 and asked[0] >= merged_at + 5 * len(QUESTIONS)  # asks ran during the merge, and after it
    assert answers(engine, QUESTIONS) == want  # the same answers from the merged segments
