"""Evaluation: question sets in, metrics and a readable report out, baselines beside.

    >>> from newsqa.eval import evaluate                                            # doctest: +SKIP
    >>> run = evaluate("questions.jsonl", corpus=["articles/"], out="eval-out", baselines=True)  # doctest: +SKIP
    >>> run.metrics["quote_hit"], run.metrics["baselines"]["bm25"]["quote_hit"]  # doctest: +SKIP

Stages, one file each: ``question_sets.py`` (JSONL / SQuAD files to ``Question`` values), ``corpus.py``
(the index to run against, built in a temporary folder when asked), ``run.py`` (the engine and the
baselines over the questions, to per-question ``Outcome`` values), ``metrics.py`` (plain functions
over answers and outcomes), ``report.py`` (metrics.json, results.jsonl, report.md, plots); the
command ``newsqa eval`` is ``newsqa/cli/evaluate.py``. Importing this package loads no model and no index.
"""

from .errors import EvalError, QuestionFileError
from .question_sets import Question, QuestionSet, load_questions
from .run import EvalRun, evaluate

__all__ = ["evaluate", "EvalRun", "load_questions", "Question", "QuestionSet", "EvalError", "QuestionFileError"]
