"""The index an evaluation runs against: an existing one, or a temporary one built from ``--corpus``
paths or from a SQuAD file's own contexts (one document per article, one passage per paragraph)."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from newsqa.embeddings.indexer import update_index

from .errors import EvalError
from .question_sets import QuestionSet, write_corpus


@dataclass
class PreparedIndex:
    """Where the index is, and how long building it took (``None`` when an existing one was used)."""

    path: Path | None  # None: the default index (as ``newsqa ask`` picks it)
    build_s: float | None = None
    source: str = "index"  # "index", "default", "corpus", "squad"
    skipped: tuple[str, ...] = ()
    _tmp: tempfile.TemporaryDirectory | None = None

    def describe(self) -> str:
        return {"index": str(self.path), "default": "the default index", "corpus": "a temporary index of --corpus",
                "squad": "a temporary index of the SQuAD contexts"}[self.source]

    def cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def prepare_index(qs: QuestionSet, *, index: str | os.PathLike | None = None,
                  corpus: list[str | os.PathLike] | None = None, encoder=None, progress: bool = False) -> PreparedIndex:
    """Pick or build the index for ``qs``.

    ``index`` wins; else ``corpus`` paths are indexed into a temporary folder; else a SQuAD set's
    contexts are; else the default index is used. Call ``cleanup()`` when done.

    Raises:
        EvalError: both ``index`` and ``corpus`` given; a corpus that yields no documents.
    """
    if index is not None and corpus:
        raise EvalError("give either --index (an existing index) or --corpus (files to index), not both")
    if index is not None:
        return PreparedIndex(Path(index), source="index")
    if not corpus and not qs.corpus:
        return PreparedIndex(None, source="default")
    tmp = tempfile.TemporaryDirectory(prefix="newsqa-eval-")
    try:
        paths = [str(p) for p in corpus] if corpus else [str(write_corpus(qs.corpus, Path(tmp.name) / "corpus"))]
        for p in paths:
            if not Path(p).exists():
                raise EvalError(f"corpus path {p} does not exist")
        t0 = time.perf_counter()
        report = update_index(paths, Path(tmp.name) / "index", encoder=encoder, progress=progress)
        build_s = time.perf_counter() - t0
        if report.documents_total == 0:
            why = "; ".join(f"{s.path}: {s.reason}" for s in report.skipped[:3])
            raise EvalError(f"the corpus gave no documents to index{': ' + why if why else ''}")
    except BaseException:
        tmp.cleanup()
        raise
    return PreparedIndex(Path(tmp.name) / "index", build_s, "corpus" if corpus else "squad",
                         tuple(f"{s.path}: {s.reason}" for s in report.skipped), tmp)
