"""BM25 over passages (bm25s), with filters applied inside the scoring as a weight mask."""

from __future__ import annotations

import numpy as np

from .text import terms


class BM25Index:
    """Lexical index of passage texts (headline + paragraph, as embedded).

        >>> idx = BM25Index(["Putin met Kim", "Morocco quake toll rises"])
        >>> idx.search("earthquake toll in Morocco", 1)[0].tolist()
        [1]
    """

    def __init__(self, texts: list[str]):
        import bm25s

        self.n = len(texts)
        self._bm25 = bm25s.BM25()
        if self.n:
            self._bm25.index([terms(t) or [""] for t in texts], show_progress=False)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows and scores (rows with score 0 dropped). ``mask`` is 1.0 for allowed rows."""
        q = terms(query)
        if not q or not self.n:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self._bm25.get_scores(q)
        if mask is not None:
            scores = scores * mask
        k = min(k, self.n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        keep = scores[top] > 0
        return top[keep].astype(np.int64), scores[top][keep].astype(np.float32)
