"""The parity check: a backend's vectors against torch fp32 on a fixed probe set shipped with newsqa.

The probe set (``probes.txt``, one news paragraph a line, one longer than the model's token window)
is encoded by both; passage vectors, the pooled sentence vectors and query vectors (each probe's
first sentence, encoded alone) must each reach a minimum cosine of ``MIN_COSINE``. At that cosine
two backends' vectors are interchangeable, so an index may mix them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..caching import LockedLRU, PerReader
from ..sentences import split_sentences

MIN_COSINE = 0.9999
PROBES = Path(__file__).with_name("probes.txt")


@dataclass(frozen=True)
class Parity:
    """Minimum cosines of one backend's vectors against torch fp32 on the probe set."""

    backend: str
    precision: str
    passage: float
    sentence: float
    query: float
    threshold: float = MIN_COSINE

    @property
    def worst(self) -> float:
        return min(self.passage, self.sentence, self.query)

    @property
    def ok(self) -> bool:
        return self.worst >= self.threshold

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


@lru_cache(maxsize=1)
def probe_texts() -> tuple[str, ...]:
    return tuple(t for t in PROBES.read_text(encoding="utf-8").splitlines() if t.strip())


def probe_inputs(texts: tuple[str, ...] | None = None) -> tuple[list[str], list[list[tuple[int, int]]], list[str]]:
    """Passages, their sentence spans, and the queries (each passage's first sentence)."""
    texts = list(texts or probe_texts())
    spans = [split_sentences(t) for t in texts]
    queries = [t[sp[0][0]:sp[0][1]] for t, sp in zip(texts, spans) if sp]
    return texts, spans, queries


def min_cosine(got: np.ndarray, want: np.ndarray) -> float:
    """The smallest row cosine over the rows ``want`` has (zero rows of ``want``: not pooled, skipped)."""
    live = np.linalg.norm(want, axis=1) > 0
    if not live.any():
        return 1.0
    g, w = got[live].astype(np.float64), want[live].astype(np.float64)
    den = np.linalg.norm(g, axis=1) * np.linalg.norm(w, axis=1)
    cos = np.divide((g * w).sum(axis=1), den, out=np.zeros(len(g)), where=den > 0)
    return float(cos.min())


def reference_vectors(reference, texts: tuple[str, ...] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Torch fp32's passage, sentence and query vectors of the probes (made once per encoder and probe set)."""
    memo = _REFERENCE.get_or_make(reference, lambda _: LockedLRU(1))
    return memo.get_or_make(texts or probe_texts(), lambda key: _encode_probes(reference, key))


def _encode_probes(reference, texts: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    passages, spans, queries = probe_inputs(texts)
    p, s = reference.encode_passages(passages, spans)
    return p, s, reference.encode_documents(queries)


_REFERENCE = PerReader()  # reference encoder -> its probe vectors, dropped with the encoder


def check_parity(candidate, reference, texts: tuple[str, ...] | None = None) -> Parity:
    """Compare ``candidate`` (any encoder) with ``reference`` (torch fp32) on the probe set."""
    passages, spans, queries = probe_inputs(texts)
    rp, rs, rq = reference_vectors(reference, texts)
    cp, cs = candidate.encode_passages(passages, spans)
    cq = candidate.encode_documents(queries)
    return Parity(getattr(candidate, "backend", "?"), getattr(candidate, "precision", "?"),
                  round(min_cosine(cp, rp), 6), round(min_cosine(cs, rs), 6), round(min_cosine(cq, rq), 6))
