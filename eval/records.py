"""What an evaluation produces: one ``Record`` per question and the ``EvalRun`` over them.

Its own module so that ``run.py`` (which makes them) and ``report.py`` (which writes them) both
import it and not each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .metrics import Outcome
from .question_sets import Question, QuestionSet

SYSTEM = "newsqa"
BASELINES = ("bm25", "dense")


@dataclass
class Record:
    """One question's full result for ``results.jsonl``: the question, the system's answer object
    (``newsqa ask --json`` fields) and every system's outcome."""

    question: Question
    answer: dict
    outcomes: dict[str, Outcome]
    baseline_passages: dict[str, dict] = field(default_factory=dict)  # system -> top passage (to_dict of its Hit)


@dataclass
class EvalRun:
    """Everything an evaluation produced; ``metrics`` is what ``metrics.json`` holds."""

    questions: QuestionSet
    k: int
    systems: tuple[str, ...]
    records: list[Record]
    metrics: dict
    curves: dict[str, list[float]]
    latencies: dict[str, list[float]]
