"""Progress of the indexing stages as events, not drawn text.

``update_index(progress=...)`` and the encoders' ``encode_passages(progress=...)`` take a
``ProgressCallback``: a function called with a ``ProgressEvent`` (stage, done, total) as the work
moves. What to show is the caller's choice: ``TqdmBars`` draws tqdm bars (what ``progress=True``
gives, the default on a terminal), the CLI writes plain lines in a log or a pipe
(``newsqa.cli.progress``), the browser could move its own bar. Nothing parses drawn bars back.

    >>> seen = []
    >>> sizes = list(tracked(len, ["a.txt", "bb.txt"], "reading", "files", seen.append))
    >>> [(e.stage, e.done, e.total) for e in seen]
    [('reading', 0, 2), ('reading', 1, 2), ('reading', 2, 2)]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class ProgressEvent:
    """How far one stage is.

    Attributes:
        stage: ``reading`` (files), ``loading model`` (0 then 1 of 1, when an update loads it) or
            ``encoding`` (passages).
        done, total: items done and to do.
        unit: what the items are (``files``, ``passages``).
        work: the share of the stage's work done (0..1) when items differ in cost (encoding runs
            the longest passages first); None: ``done / total`` is the share.
    """

    stage: str
    done: int
    total: int
    unit: str = ""
    work: float | None = None

    @property
    def fraction(self) -> float:
        """The share done, 0..1."""
        if self.work is not None:
            return min(1.0, max(0.0, self.work))
        return self.done / self.total if self.total else 1.0


ProgressCallback = Callable[[ProgressEvent], None]


def as_callback(progress: "bool | ProgressCallback | None") -> ProgressCallback | None:
    """The callback for a ``progress`` argument: a callable as given, True: ``TqdmBars()`` on
    stderr, False or None: none."""
    if callable(progress):
        return progress
    return TqdmBars() if progress else None


def tracked(fn: Callable[[T], U], items: Sequence[T], stage: str, unit: str,
            callback: ProgressCallback | None) -> Iterator[U]:
    """``fn(item)`` for each of ``items``, an event before the first and after each one is done
    (before it is yielded: a consumer that stops at the last one still sees 100%)."""
    if callback is not None:
        callback(ProgressEvent(stage, 0, len(items), unit))
    for i, item in enumerate(items, 1):
        out = fn(item)
        if callback is not None:
            callback(ProgressEvent(stage, i, len(items), unit))
        yield out


WORK_STEPS = 1000  # a work-weighted bar counts in thousandths of the work


class TqdmBars:
    """A ``ProgressCallback`` drawing one tqdm bar per stage (on ``file``, default: stderr at the
    time a bar starts); a bar closes when its stage is done."""

    def __init__(self, file=None):
        self.file = file
        self._bars: dict[str, object] = {}

    def __call__(self, e: ProgressEvent) -> None:
        from tqdm.auto import tqdm  # here: importing this module draws nothing and loads no tqdm

        bar = self._bars.get(e.stage)
        if bar is None:
            out = self.file or sys.stderr
            if e.work is None:
                bar = tqdm(total=e.total, desc=e.stage, unit=e.unit[:-1] if e.unit.endswith("s") else (e.unit or "it"),
                           leave=False, file=out)
            else:
                bar = tqdm(total=WORK_STEPS, desc=e.stage, leave=False, file=out,
                           bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}{postfix}]")
            self._bars[e.stage] = bar
        if e.work is not None:
            bar.set_postfix_str(f"{e.done}/{e.total} {e.unit}".strip(), refresh=False)
        n = e.done if e.work is None else round(e.fraction * WORK_STEPS)
        bar.update(n - bar.n)
        if e.done >= e.total:
            bar.close()
            del self._bars[e.stage]
