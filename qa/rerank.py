"""Optional re-ranking of retrieved passages, behind one small protocol.

Any scorer of (question, passage) pairs plugs in: a cross-encoder from a local folder
(``CrossEncoderReranker``), or anything with a ``rerank(question, hits) -> hits`` method. The default
is no re-ranking: the fused dense + BM25 order, which needs nothing beyond what is installed.

    >>> from newsqa.qa import Engine                                               # doctest: +SKIP
    >>> engine = Engine.open("idx", reranker=CrossEncoderReranker("/models/ms-marco-MiniLM-L-6-v2"))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol

from newsqa.embeddings.errors import NewsqaError

from .types import Hit


class Reranker(Protocol):
    def rerank(self, question: str, hits: list[Hit]) -> list[Hit]: ...


class CrossEncoderReranker:
    """A sentence-transformers ``CrossEncoder`` loaded from a local folder (never downloaded).

    Args:
        model_dir: the cross-encoder's folder.
        top: how many of the fused hits are re-scored (the rest keep their order after them).
    """

    def __init__(self, model_dir: str | Path, top: int = 20):
        path = Path(model_dir).expanduser()
        if not (path / "config.json").is_file():
            raise NewsqaError(f"re-ranker {model_dir!r} is not a local model folder (no config.json); "
                              "newsqa never downloads models: pass a local path")
        from sentence_transformers import CrossEncoder

        self.model = CrossEncoder(str(path), device="cpu", local_files_only=True)
        self.top = top

    def rerank(self, question: str, hits: list[Hit]) -> list[Hit]:
        head, tail = hits[: self.top], hits[self.top :]
        if not head:
            return hits
        scores = self.model.predict([(question, h.passage.text) for h in head])
        order = sorted(range(len(head)), key=lambda i: -float(scores[i]))
        return [replace(head[i], score=float(scores[i])) for i in order] + tail
