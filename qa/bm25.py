"""BM25 over passages (bm25s), searched sparsely, with filters applied inside the scoring as a mask.

The scores of every (term, passage) pair are precomputed by bm25s into a sparse matrix (one column
per term); a query only touches the postings of its own terms, so its cost grows with those postings,
not with the number of passages. The index is saved beside the generation it belongs to (bm25s
``save``: ``.npy`` arrays read without pickle, a JSON vocabulary), so opening a large index does not
tokenise every passage again:

    INDEX/g000003/bm25/      data/indices/indptr .npy, vocab.index.json, params.index.json (bm25s),
                             newsqa.json (passage count, tokenizer version, passages file size)

It is a cache derived from ``passages.jsonl``: written by the first reader that opens the
generation (atomically; skipped when the folder is read-only), checked against the generation
before use, rebuilt when it does not match, and safe to delete.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable

import numpy as np

from .text import terms

TOKENIZER_VERSION = 1  # bump when qa.text.terms changes: saved indexes are then rebuilt
CACHE_DIR = "bm25"
_META = "newsqa.json"


class BM25Index:
    """Lexical index of passage texts (headline + paragraph, as embedded).

        >>> idx = BM25Index(["Putin met Kim", "Morocco quake toll rises"])
        >>> idx.search("earthquake toll in Morocco", 1)[0].tolist()
        [1]
    """

    def __init__(self, texts: list[str] | None = None, *, model=None):
        import bm25s

        if model is None:
            model = bm25s.BM25()
            if texts:
                model.index([terms(t) or [""] for t in texts], show_progress=False)
        self._bm25 = model
        scores = getattr(model, "scores", None) or {}
        self.n = int(scores.get("num_docs", 0))
        self._data = scores.get("data")
        self._indices = scores.get("indices")
        self._indptr = scores.get("indptr")
        self._vocab: dict[str, int] = getattr(model, "vocab_dict", None) or {}

    # -- persistence -------------------------------------------------------------------------------

    @classmethod
    def for_generation(cls, gen_dir: Path, n: int, passages_bytes: int, texts: Callable[[], list[str]]) -> "BM25Index":
        """The saved index of a generation folder if it matches, else one built from ``texts()`` and saved."""
        want = {"passages": int(n), "tokenizer": TOKENIZER_VERSION, "passages_bytes": int(passages_bytes)}
        cache = Path(gen_dir) / CACHE_DIR
        loaded = cls._load(cache, want)
        if loaded is not None:
            return loaded
        index = cls(texts())
        index._save(cache, want)
        return index

    @classmethod
    def _load(cls, cache: Path, want: dict) -> "BM25Index | None":
        try:
            meta = json.loads((cache / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or any(meta.get(k) != v for k, v in want.items()):
            return None
        if want["passages"] == 0:
            return cls([])
        import bm25s

        try:
            model = bm25s.BM25.load(str(cache), mmap=True, allow_pickle=False, show_progress=False)
        except Exception:  # damaged or from another bm25s: rebuild rather than fail the open
            return None
        index = cls(model=model)
        if index.n != want["passages"] or index._indptr is None:
            return None
        return index

    def _save(self, cache: Path, meta: dict) -> None:
        tmp = cache.with_name(f".{CACHE_DIR}.{os.getpid()}.tmp")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            if self.n:
                self._bm25.save(str(tmp), show_progress=False)
            (tmp / _META).write_text(json.dumps(meta), encoding="utf-8")
            shutil.rmtree(cache, ignore_errors=True)
            os.replace(tmp, cache)
        except OSError:  # a read-only index folder: keep the index in memory only
            shutil.rmtree(tmp, ignore_errors=True)

    # -- search ------------------------------------------------------------------------------------

    def document_frequencies(self) -> dict[str, int]:
        """How many passages hold each term (the same terms as ``qa.text.terms``)."""
        if not self.n:
            return {}
        df = np.diff(np.asarray(self._indptr))
        return {t: int(df[i]) for t, i in self._vocab.items() if t and df[i]}

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` rows and scores (rows with score 0 dropped). ``mask`` is 1.0 for allowed rows."""
        ids = [self._vocab[t] for t in terms(query) if t in self._vocab]
        if not ids or not self.n or k < 1:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        indptr = self._indptr
        spans = [(int(indptr[i]), int(indptr[i + 1])) for i in ids]
        rows = np.concatenate([np.asarray(self._indices[s:e]) for s, e in spans])
        vals = np.concatenate([np.asarray(self._data[s:e]) for s, e in spans]).astype(np.float32)
        if not len(rows):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # Sum the postings per passage: only passages holding a query term are ever scored.
        cand, inverse = np.unique(rows, return_inverse=True)
        scores = np.zeros(len(cand), dtype=np.float32)
        np.add.at(scores, inverse, vals)
        if mask is not None:
            scores = scores * np.asarray(mask, dtype=np.float32)[cand]
        keep = scores > 0
        cand, scores = cand[keep], scores[keep]
        if len(cand) > k:
            # The best k; of passages tied with the k-th, the lowest rows (cand ascends), so a
            # search over part of the rows (a shard) cuts exactly where the whole index does.
            kth = scores[np.argpartition(-scores, k - 1)[k - 1]]
            above, tied = np.flatnonzero(scores > kth), np.flatnonzero(scores == kth)
            part = np.concatenate([above, tied[: k - len(above)]])
            cand, scores = cand[part], scores[part]
        order = np.lexsort((cand, -scores))  # best first; ties by row, so results are deterministic
        return cand[order].astype(np.int64), scores[order]
