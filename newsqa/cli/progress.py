"""Progress of ``newsqa index``: tqdm bars on a terminal, plain lines in a log or a pipe.

The indexer reports its stages as ``ProgressEvent`` s (``newsqa.embeddings.progress``: stage, done,
total); this module only chooses how to show them. A bar redrawn in place (``\\r``) is one
unreadable run of text in a CI log or a pipe, and with the bars off a long ``newsqa index`` says
nothing for minutes, so there ``PlainLines`` writes a line every ~10% or ~30 s (and at 100%):

    >>> import io
    >>> from newsqa.embeddings.progress import ProgressEvent
    >>> out = io.StringIO()
    >>> show = PlainLines(out, clock=lambda: 0.0)
    >>> for i in range(21):
    ...     show(ProgressEvent("reading", i, 20, "files"))
    >>> out.getvalue().splitlines()[:2]
    ['reading: 0% (0/20 files)', 'reading: 10% (2/20 files)']

Everything else on stderr (warnings, skipped files) is written as it comes: nothing stands in
for ``sys.stderr``.
"""

from __future__ import annotations

import sys
import time

from newsqa.embeddings.progress import ProgressCallback, ProgressEvent, TqdmBars

STEP_PERCENT = 10
EVERY_SECONDS = 30.0


def _clock_text(seconds: float) -> str:
    """``mm:ss`` (``h:mm:ss`` from an hour), as tqdm shows times."""
    s = int(round(seconds))
    h, m = divmod(s // 60, 60)
    return f"{h}:{m:02d}:{s % 60:02d}" if h else f"{m:02d}:{s % 60:02d}"


def plain_line(e: ProgressEvent, elapsed: float) -> str:
    """One event as a line: stage, percent, counts, time elapsed and left (once they mean something).

    >>> plain_line(ProgressEvent("encoding", 1024, 13000, "passages", work=0.12), 70.0)
    'encoding: 12% (1024/13000 passages, 01:10 elapsed, 08:33 left)'
    """
    pct = int(e.fraction * 100)
    bits = [f"{e.done}/{e.total}" + (f" {e.unit}" if e.unit else "")]
    if elapsed >= 1:
        bits.append(f"{_clock_text(elapsed)} elapsed")
        if 0 < e.fraction < 1:
            bits.append(f"{_clock_text(elapsed * (1 - e.fraction) / e.fraction)} left")
    return f"{e.stage}: {pct}% ({', '.join(bits)})"


class PlainLines:
    """A ``ProgressCallback`` writing each stage as a line per ``step`` percent or ``every``
    seconds (when it moved), and at 100%.

    Args:
        out: the stream (default: ``sys.stderr`` when a line is written).
        step: percent between lines of one stage.
        every: seconds after which a stage that moved gets a line, whatever its percent.
        clock: the time function (tests pass their own).
    """

    def __init__(self, out=None, step: int = STEP_PERCENT, every: float = EVERY_SECONDS, clock=time.monotonic):
        self.out, self.step, self.every, self.clock = out, step, every, clock
        self._shown: dict[str, tuple[int, float, float, int]] = {}  # stage -> (percent, time shown, start, done)

    def __call__(self, e: ProgressEvent) -> None:
        now = self.clock()
        pct = int(e.fraction * 100)
        last = self._shown.get(e.stage)
        if last is None or e.done < last[3]:  # a new stage, or the stage again (a second pass)
            last = (-self.step, now, now, -1)
        last_pct, last_t, start, last_done = last
        due = pct >= last_pct + self.step or (pct == 100 and last_pct < 100) or (
            now - last_t >= self.every and e.done != last_done)
        if not due:
            self._shown[e.stage] = (last_pct, last_t, start, last_done)
            return
        out = self.out or sys.stderr
        out.write(plain_line(e, now - start) + "\n")
        out.flush()
        self._shown[e.stage] = (pct - pct % self.step if pct < 100 else 100, now, start, e.done)
        if e.done >= e.total:
            del self._shown[e.stage]


def progress_for(show: bool, stream=None) -> ProgressCallback | bool:
    """What ``newsqa index`` passes as ``progress``: False with ``--no-progress``; tqdm bars on a
    terminal; plain lines elsewhere (a log, a pipe)."""
    if not show:
        return False
    stream = stream or sys.stderr
    return TqdmBars() if stream.isatty() else PlainLines()
