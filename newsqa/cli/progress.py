"""Progress for logs: tqdm's bars, when stderr is not a terminal, as a plain line every ~10% or ~30 s.

A bar redrawn in place (``\\r``) is one unreadable run of text in a CI log or a pipe; and with the bars
off, a long ``newsqa index`` says nothing for minutes. ``plain_progress()`` puts a ``PlainProgress``
in place of ``sys.stderr`` while the bars (the indexer's and the encoder's tqdm bars) draw, and
writes one line per step instead:

    >>> import io
    >>> from tqdm import tqdm
    >>> out = io.StringIO()
    >>> for _ in tqdm(range(20), desc="reading", file=PlainProgress(out), mininterval=0, miniters=1):
    ...     pass
    >>> out.getvalue().splitlines()[:2]
    ['reading: 0% (0/20)', 'reading: 10% (2/20)']

Anything else written to stderr meanwhile (warnings, skipped files) passes through unchanged.
"""

from __future__ import annotations

import re
import sys
import time
from contextlib import contextmanager

STEP_PERCENT = 10
EVERY_SECONDS = 30.0

# tqdm's status: "desc:  45%|####5     | 1001/2225 [00:05<00:06, 190file/s]" or, with a bar_format
# without the counts, "Encoding:  12%|#2        | [00:10<01:10, 1024/13000 passages]"
_STATUS = re.compile(r"^\s*(?:(?P<desc>[^|]*?):\s*)?(?P<pct>\d{1,3})%\|[^|]*\|\s*(?P<rest>.*?)\s*$")
_COUNTS = re.compile(r"^(?P<n>[\d.,]+[kMG]?)/(?P<total>[\d.,]+[kMG]?)")
_TIMES = re.compile(r"\[(?P<elapsed>[\d:]+)<(?P<left>[\d:?]+)(?:,\s*(?P<post>[^\]]*))?\]")


def plain_line(status: str) -> tuple[str, int] | None:
    """``(line, percent)`` of one tqdm status, or None when ``status`` is not one.

    >>> plain_line("reading:  45%|####5     | 1001/2225 [00:05<00:06, 190file/s]")
    ('reading: 45% (1001/2225, 00:05 elapsed, 00:06 left)', 45)
    """
    m = _STATUS.match(status)
    if not m:
        return None
    desc, pct, rest = (m["desc"] or "progress").strip(), int(m["pct"]), m["rest"]
    bits = []
    if c := _COUNTS.match(rest):
        bits.append(f"{c['n']}/{c['total']}")
    if t := _TIMES.search(rest):
        post = (p.strip() for p in (t["post"] or "").split(","))
        bits += [p for p in post if "/" in p and not p.endswith("/s")]  # "1024/13000 passages", not a rate
        if t["elapsed"] not in ("00:00", "0:00"):
            bits.append(f"{t['elapsed']} elapsed")
        if "?" not in t["left"] and t["left"] not in ("00:00", "0:00") and pct < 100:
            bits.append(f"{t['left']} left")
    return f"{desc}: {pct}%" + (f" ({', '.join(bits)})" if bits else ""), pct


class PlainProgress:
    """A text stream for tqdm to draw on: each bar becomes a line per ``step`` percent or ``every``
    seconds (and at 100%); other text passes through to ``out``.

    Args:
        out: the real stream (``sys.stderr``).
        step: percent between lines of one bar.
        every: seconds after which a bar that moved gets a line, whatever its percent.
        clock: the time function (tests pass their own).
    """

    def __init__(self, out, step: int = STEP_PERCENT, every: float = EVERY_SECONDS, clock=time.monotonic):
        self.out, self.step, self.every, self.clock = out, step, every, clock
        self._last: dict[str, tuple[int, float, str]] = {}  # desc -> (percent, time, line) last shown
        self._pending, self._tail_done = "", False

    def write(self, text: str) -> int:
        # tqdm writes "\r" + status in one call: a status is read when written, not at the next "\r"
        # (that would show each one a step late); other text when its line ends.
        buf = self._pending + text
        parts = re.split(r"([\r\n])", buf)
        tail = parts.pop()
        skip_first = self._tail_done and bool(parts) and parts[0] == self._pending
        for i in range(0, len(parts), 2):
            if not (i == 0 and skip_first):
                self._piece(parts[i], parts[i + 1])
        self._pending, self._tail_done = tail, False
        if tail and plain_line(tail) is not None:
            self._piece(tail, "\r")
            self._tail_done = True
        return len(text)

    def _piece(self, piece: str, end: str) -> None:
        parsed = plain_line(piece)
        if parsed is None:
            if piece.strip() and end == "\n":  # a line of its own (a warning), not a bar being cleared
                self.out.write(piece + "\n")
            return
        line, pct = parsed
        desc = line.split(":", 1)[0]
        now = self.clock()
        last_pct, last_t, last_line = self._last.get(desc, (-self.step, now, ""))
        if pct < last_pct:  # a new bar of the same name (a second pass): it starts again
            last_pct, last_t, last_line = -self.step, now, ""
        due = pct >= last_pct + self.step or (pct == 100 and last_pct < 100) or (
            now - last_t >= self.every and line != last_line)
        if due and line != last_line:
            self._last[desc] = (pct - pct % self.step if pct < 100 else 100, now, line)
            self.out.write(line + "\n")
            self.out.flush()

    def flush(self) -> None:
        self.out.flush()

    def finish(self) -> None:
        """Pass on text left without its line end (a bar's last status is not repeated)."""
        if self._pending.strip() and plain_line(self._pending) is None:
            self.out.write(self._pending)
        self._pending, self._tail_done = "", False
        self.out.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.out.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.out, "encoding", "utf-8") or "utf-8"


@contextmanager
def plain_progress(enabled: bool = True):
    """``sys.stderr`` replaced by a ``PlainProgress`` over it inside the block (when ``enabled``)."""
    if not enabled:
        yield
        return
    real = sys.stderr
    sys.stderr = plain = PlainProgress(real)
    try:
        yield
    finally:
        sys.stderr = real
        plain.finish()
