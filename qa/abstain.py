"""Knowing when not to answer.

The best quote must match the question in meaning (sentence cosine) and share its rarer words
(idf-weighted coverage of the question's content words). A question whose best quote shares only
generic words, or that no sentence is close to, is not answered. The thresholds are calibrated on the
development sets (the README's "Answer quality" section gives the figures).
"""

from __future__ import annotations

from dataclasses import dataclass

from .quotes import Candidate


@dataclass(frozen=True)
class AbstainSettings:
    # Calibrated on answerable questions (seed set, SQuAD sample: false abstention <= 5%) against
    # off-corpus questions (seed off-corpus, and each corpus' questions asked of the other corpus).
    min_dense: float = 0.28  # below this sentence cosine, never answer
    confident_dense: float = 0.60  # at or above it, answer even with few shared words
    min_lexical: float = 0.30  # idf-weighted share of the question's content words in the quote
    min_confidence: float = 0.5


def confidence(best: Candidate, s: AbstainSettings) -> float:
    """A 0..1 score of the best quote; below 0.5 the engine abstains."""
    if best.dense < s.min_dense:
        return 0.5 * max(0.0, best.dense) / s.min_dense * min(1.0, best.lexical / s.min_lexical if s.min_lexical else 1.0)
    if best.dense >= s.confident_dense:
        return 0.75 + 0.25 * min(1.0, (best.dense - s.confident_dense) / max(1e-6, 1 - s.confident_dense))
    if best.lexical >= s.min_lexical:
        return 0.5 + 0.25 * (best.lexical - s.min_lexical) / max(1e-6, 1 - s.min_lexical)
    return 0.5 * best.lexical / s.min_lexical


def should_abstain(best: Candidate | None, s: AbstainSettings) -> tuple[bool, float]:
    if best is None:
        return True, 0.0
    c = confidence(best, s)
    return c < s.min_confidence, c
