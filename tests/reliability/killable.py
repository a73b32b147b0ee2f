"""The real ``newsqa`` command in a child process that a test can SIGKILL at chosen moments.

``install_markers`` wraps the writer's stages (reading, encoding, writing a segment, merging, replacing
the manifest) so that the child reports each one as it starts. Two ways to run the command with them:

- ``Preloaded``: children forked by a ``multiprocessing`` forkserver that imported the project once, so
  a child does not pay the imports each time (one update of the kill test: a third of the wall time of
  a subprocess, measured side by side). A child is a real process: ``kill()`` is a real SIGKILL,
  mid-write, of a process writing real files.
- ``SCRIPT``: the same as a ``python -c`` program for ``subprocess`` (markers on stdout, one a line),
  where a test needs the program itself (its exit status, its own interpreter).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path

from tqdm import tqdm

# What the forkserver imports once: the command, the modules whose functions the markers wrap, and the
# libraries an update imports on first use (measured: a child that imports them itself costs ~3x more).
PRELOAD = ["numpy", "pyarrow", "pandas", "faiss", "tqdm", "newsqa.cli", "newsqa.cli.index", "newsqa.cli.compact",
           "newsqa.embeddings.indexer", "newsqa.embeddings.store", "newsqa.embeddings.encoder",
           "newsqa.embeddings.compaction", "newsqa.embeddings.reader", "reliability.killable"]

# For ``subprocess``: tests/ on the path, markers printed; NEWSQA_TEST_GATE names the gate file (if any).
SCRIPT = (f"import os, sys; sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
          "from reliability.killable import staged_main\n"
          "sys.exit(staged_main(sys.argv[1:], gate=os.environ.get('NEWSQA_TEST_GATE')))\n")


def install_markers(mark, gate: str | None = None) -> None:
    """Call ``mark(stage)`` when a stage of an update or a compaction first starts (in this process only).

    Args:
        mark: called with "reading", "encoding", "writing", "merging" or "manifest".
        gate: a file path: writing a segment waits until that file exists (a writer holding the lock).
    """
    import newsqa.embeddings.compaction as cp
    import newsqa.embeddings.encoder as enc
    import newsqa.embeddings.indexer as ix

    def wrap(owner, attr, name, hold=False):
        f = getattr(owner, attr, None)
        if f is None:
            return
        seen = []

        def w(*a, **k):
            if not seen:
                seen.append(1)
                mark(name)
            if hold and gate:
                t = time.monotonic()
                while not os.path.exists(gate) and time.monotonic() - t < 300:
                    time.sleep(0.05)
            return f(*a, **k)

        setattr(owner, attr, w)

    wrap(ix, "read_file", "reading")
    wrap(enc.HashingEncoder, "encode_documents", "encoding")
    wrap(ix, "write_segment", "writing", hold=True)
    wrap(cp, "merged_data", "merging")
    wrap(cp, "write_segment", "writing")
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("manifest.json"):
            mark("manifest")
        return real_replace(src, dst)

    os.replace = replace


def staged_main(argv: list[str], gate: str | None = None) -> int:
    """``newsqa ARGV`` with the stage markers printed on stdout, then "done"."""
    from newsqa.cli import main

    def mark(name):
        print(name, flush=True)

    install_markers(mark, gate)
    rc = main(argv)
    mark("done")
    return rc


def _child(argv: list[str], staged: bool, conn, stderr_path: str) -> None:
    """The forked child: stdout to /dev/null, stderr to ``stderr_path``, markers sent on ``conn``."""
    null = os.open(os.devnull, os.O_WRONLY)
    err = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(null, 1)
    os.dup2(err, 2)
    # tqdm's default write lock is a multiprocessing semaphore, which a SIGKILLed child cannot release:
    # the parent's resource tracker would warn of each one. One process needs only a thread lock.
    tqdm.set_lock(threading.RLock())
    if staged:
        install_markers(lambda name: conn.send(name))
    from newsqa.cli import main

    rc = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    if staged:
        conn.send("done")
    sys.exit(rc)


def _noop() -> None:
    """A child that does nothing (it makes the forkserver start)."""


class Child:
    """A running command: ``stage()`` waits for its next marker; ``kill()`` SIGKILLs it."""

    def __init__(self, process, conn, stderr_path: Path):
        self.process, self.conn, self.stderr_path = process, conn, stderr_path

    def stage(self, timeout: float = 60) -> str | None:
        """The next stage marker, or None when the child ended (or sent nothing for ``timeout`` s)."""
        try:
            return self.conn.recv() if self.conn.poll(timeout) else None
        except EOFError:
            return None

    def kill(self) -> None:
        self.process.kill()  # SIGKILL

    def wait(self, timeout: float = 60) -> int | None:
        """The exit status (negative: killed by that signal); closes the marker pipe."""
        self.process.join(timeout)
        self.conn.close()
        return self.process.exitcode

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


class Preloaded:
    """Starts ``newsqa`` commands in children of a forkserver that imported the project once."""

    def __init__(self, workdir: Path):
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(PRELOAD)
        self.workdir, self.started = Path(workdir), 0
        warm = self.ctx.Process(target=_noop)  # the forkserver starts and imports PRELOAD now, so that the
        warm.start()  # first command's timing (the window of the random kills) does not include it
        warm.join(120)

    def start(self, argv: list[str], staged: bool = False) -> Child:
        """``newsqa ARGV`` in a new child (``staged``: it reports its stages; see ``Child.stage``)."""
        self.started += 1
        path = self.workdir / f"stderr-{self.started}.txt"
        recv, send = self.ctx.Pipe(duplex=False)
        p = self.ctx.Process(target=_child, args=(argv, staged, send, str(path)), daemon=True)
        p.start()
        send.close()  # the child holds its own copy: EOF here when it ends
        return Child(p, recv, path)

    def run(self, argv: list[str], timeout: float = 60) -> tuple[int | None, str]:
        """``newsqa ARGV`` to its end: ``(exit status, stderr)``."""
        child = self.start(argv)
        rc = child.wait(timeout)
        if rc is None:
            child.kill()
            child.wait()
        return rc, child.stderr()
