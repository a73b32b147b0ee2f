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
    # Two scales: a paragraph sentence's vector is pooled inside its passage (context raises the
    # cosine of related but non-answering sentences less than it raises answers'), a headline's is
    # the headline encoded alone, whose cosines run higher for a merely related question.
    min_dense: float = 0.15  # below this sentence cosine, never answer
    confident_dense: float = 0.45  # at or above it, answer even with few shared words
    min_lexical: float = 0.40  # idf-weighted share of the question's content words in the quote
    headline_min_dense: float = 0.20
    headline_confident_dense: float = 0.60
    headline_min_lexical: float = 0.30
    min_confidence: float = 0.5

    def for_kind(self, kind: str) -> tuple[float, float, float]:
        if kind == "headline":
            return self.headline_min_dense, self.headline_confident_dense, self.headline_min_lexical
        return self.min_dense, self.confident_dense, self.min_lexical


def confidence(best: Candidate, s: AbstainSettings) -> float:
    """A 0..1 score of the best quote; below 0.5 the engine abstains."""
    lo, sure, lex = s.for_kind(best.hit.passage.kind if best.hit is not None else "paragraph")
    if best.dense < lo:
        return 0.5 * max(0.0, best.dense) / lo * min(1.0, best.lexical / lex if lex else 1.0)
    if best.dense >= sure:
        return 0.75 + 0.25 * min(1.0, (best.dense - sure) / max(1e-6, 1 - sure))
    if best.lexical >= lex:
        return 0.5 + 0.25 * (best.lexical - lex) / max(1e-6, 1 - lex)
    return 0.5 * best.lexical / lex


def should_abstain(best: Candidate | None, s: AbstainSettings) -> tuple[bool, float]:
    if best is None:
        return True, 0.0
    c = confidence(best, s)
    return c < s.min_confidence, c
