"""Knowing when not to answer, and saying why.

Three states: ``answered`` (the quotes answer), ``unsure`` (the closest passages, which may not
answer) and ``not_found`` (no answer; the nearest passages are shown as related). The decision:

1. rules that need no weighing: a name, number or year of the question that no passage holds
   (``unknown_terms``), a year outside the collection (``out_of_time_range``); a name with a number
   the retrieved articles never write together ("Windows 7"), a successor the best sentences do not
   state ("Who replaced Jose Mourinho...?"), a past event the articles only look ahead to (the Beijing
   Olympics); a firm's name of common words no close article writes ("Northern Star Energy"), a
   departure or an owner no close article tells (``qa.unstated``): none fired on an answerable question
   of BBC dev, the seed set or the SQuAD tuning sample;
2. a logistic model over the signals of ``qa.signals`` (weights fitted on the development sets
   under a false-abstention budget, stored as plain JSON beside this file: ``abstain_model.json``)
   gives the probability that the best quote answers; below ``abstain_below`` the engine abstains,
   below ``unsure_below`` it answers as unsure.

Without the model file the older hand-set rule (sentence cosine and word share thresholds) decides.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .explain import LOW_MATCH, NOT_CLEAR, NOT_STATED, OUT_OF_TIME_RANGE, UNKNOWN_TERMS
from .quotes import Candidate
from .signals import FEATURES, Signals

MODEL_FILE = Path(__file__).with_name("abstain_model.json")
ANSWERED, UNSURE, NOT_FOUND = "answered", "unsure", "not_found"
_WHAT = {"number": "the number asked for", "age": "the age", "duration": "how long", "when": "the date",
         "who": "the name asked for", "where": "the place", "money": "the sum of money asked for",
         "percent": "the share asked for", "year": "the year", "date": "the date", "count": "the number asked for",
         "person": "the name asked for", "name": "the name asked for", "place": "the place", "role": "the role"}


@dataclass(frozen=True)
class AbstainSettings:
    # The hand-set rule (used when no model file is there): calibrated on the seed set and SQuAD.
    min_dense: float = 0.15  # below this sentence cosine, never answer
    confident_dense: float = 0.45  # at or above it, answer even with few shared words
    min_lexical: float = 0.40  # idf-weighted share of the question's content words in the quote
    headline_min_dense: float = 0.20
    headline_confident_dense: float = 0.60
    headline_min_lexical: float = 0.30
    min_confidence: float = 0.5
    use_model: bool = True  # the fitted model (abstain_model.json) when present
    unknown_rule: bool = True  # abstain when a name/number/year of the question is in no passage
    time_rule: bool = True  # abstain when a year of the question is outside the collection
    edition_rule: bool = True  # abstain on a later edition, an unstated successor, an event only ahead (qa.signals)

    def for_kind(self, kind: str) -> tuple[float, float, float]:
        if kind == "headline":
            return self.headline_min_dense, self.headline_confident_dense, self.headline_min_lexical
        return self.min_dense, self.confident_dense, self.min_lexical


@dataclass(frozen=True)
class Decision:
    """The abstention step's verdict: a state, a 0..1 confidence and, unless answered, a reason."""

    state: str
    confidence: float
    reason: dict | None = None  # {"code", "text", "terms"}

    @property
    def abstained(self) -> bool:
        return self.state == NOT_FOUND


def confidence(best: Candidate, s: AbstainSettings) -> float:
    """The hand-set rule's 0..1 score of the best quote; below 0.5 it abstains."""
    lo, sure, lex = s.for_kind(best.hit.passage.kind if best.hit is not None else "paragraph")
    if best.dense < lo:
        return 0.5 * max(0.0, best.dense) / lo * min(1.0, best.lexical / lex if lex else 1.0)
    if best.dense >= sure:
        return 0.75 + 0.25 * min(1.0, (best.dense - sure) / max(1e-6, 1 - sure))
    if best.lexical >= lex:
        return 0.5 + 0.25 * (best.lexical - lex) / max(1e-6, 1 - lex)
    return 0.5 * best.lexical / lex


def should_abstain(best: Candidate | None, s: AbstainSettings) -> tuple[bool, float]:
    """The hand-set rule alone (kept for comparison): (abstain?, confidence)."""
    if best is None:
        return True, 0.0
    c = confidence(best, s)
    return c < s.min_confidence, c


@dataclass(frozen=True)
class AbstainModel:
    """Logistic regression over standardised ``Signals.features()``, with its two thresholds."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    abstain_below: float
    unsure_below: float

    def probability(self, sig: Signals) -> float:
        x = dict(zip(FEATURES, sig.features()))
        z = sum(w * ((x[f] - m) / s if f != "bias" else 1.0)
                for f, w, m, s in zip(self.features, self.weights, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_dict(cls, d: dict) -> "AbstainModel":
        from .errors import NewsqaError

        try:
            m = cls(tuple(d["features"]), tuple(map(float, d["weights"])), tuple(map(float, d["mean"])),
                    tuple(map(float, d["scale"])), float(d["abstain_below"]), float(d["unsure_below"]))
        except (KeyError, TypeError, ValueError) as e:
            raise NewsqaError(f"abstention model is malformed ({e}); delete or refit {MODEL_FILE.name}") from None
        unknown = [f for f in m.features if f not in FEATURES]
        if unknown or not (len(m.features) == len(m.weights) == len(m.mean) == len(m.scale)):
            raise NewsqaError(f"abstention model names unknown features {unknown} or has uneven lists; refit it")
        return m


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL_FILE)) -> AbstainModel | None:
    """The fitted model, or None when the file is absent (then the hand-set rule decides)."""
    p = Path(path)
    if not p.exists():
        return None
    return AbstainModel.from_dict(json.loads(p.read_text(encoding="utf-8")))


def _reason(code: str, text: str, terms=()) -> dict:
    return {"code": code, "text": text, "terms": list(terms)}


def _join(ws) -> str:
    ws = list(ws)
    return ws[0] if len(ws) == 1 else ", ".join(ws[:-1]) + " or " + ws[-1]


def reason_for(sig: Signals, subject: str) -> dict:
    """Why the engine does not answer, in words and as a code."""
    if sig.unknown_salient:
        return _reason(UNKNOWN_TERMS, f"no article mentions {_join(sig.unknown_salient)}", sig.unknown_salient)
    if sig.years_out:
        text = (f"{sig.time_text}; the question asks about {_join(sig.years_out)}" if sig.time_text
                else f"no article mentions {_join(sig.years_out)}")
        return _reason(OUT_OF_TIME_RANGE, text, sig.years_out)
    if sig.missing_top:
        return _reason(UNKNOWN_TERMS, f"no article close to the question mentions {_join(sig.missing_top)}",
                       sig.missing_top)
    if sig.edition_missing:  # "Windows 7": a later version or edition than the articles know
        return _reason(UNKNOWN_TERMS, f"no article close to the question mentions {_join(sig.edition_missing)}",
                       sig.edition_missing)
    if sig.event_ahead:  # "the Beijing Olympics": announced, not reported
        text = f"the articles speak of {sig.event_ahead} only as ahead of them"
        return _reason(OUT_OF_TIME_RANGE, f"{sig.time_text}; {text}" if sig.time_text else text, (sig.event_ahead,))
    if sig.successor_missing:
        return _reason(NOT_STATED, f"no article close to the question says who followed {sig.successor_missing}",
                       (sig.successor_missing,))
    if sig.unwritten:  # "Northern Star Energy": each word known, the name never written
        return _reason(UNKNOWN_TERMS, f"no article close to the question mentions {_join(sig.unwritten)}", sig.unwritten)
    if sig.departure_missing:  # "When did Kofi Annan step down ...?": he is named, never as leaving
        return _reason(NOT_STATED, f"no article close to the question tells of {sig.departure_missing} leaving",
                       (sig.departure_missing,))
    if sig.ordinal_missing:  # "his seventh Grand Slam title": the articles count Federer's titles only lower
        return _reason(NOT_STATED, f"no article close to the question tells of a {sig.ordinal_missing}", (sig.ordinal_missing,))
    if sig.possessor_missing:  # "Auckland's new rail link" answered from a UK rail article
        return _reason(NOT_CLEAR, f"the closest article does not mention {sig.possessor_missing}", (sig.possessor_missing,))
    if sig.owner_missing:  # "Which company bought Skype?": no owner, sale or stake told
        return _reason(NOT_STATED, f"no article close to the question says who owns or bought {sig.owner_missing}",
                       (sig.owner_missing,))
    if sig.sibling and sig.sibling_of:  # "chief executive of Fiat Auto" for "Who is the chief executive of BT?"
        return _reason(NOT_CLEAR, f"the closest sentence is about {sig.sibling}, not {sig.sibling_of}", (sig.sibling_of,))
    # "do not give the age" only when the finer slot check agrees: the old type check reads the best
    # quotes alone, and "The 51-year-old premier" one sentence on gives the age it missed.
    finer_found = bool(sig.asked) and not sig.kind_missing and not sig.wide_kind_missing
    if (sig.kind_missing or sig.type_missing) and subject:
        kind = sig.asked if sig.kind_missing and sig.asked else sig.qtype
        if finer_found:  # something of the kind is there, tied to the question or not: say no more than that
            return _reason(NOT_CLEAR, f"no sentence about {subject} clearly gives {_WHAT.get(kind, 'the answer')}", ())
        return _reason(NOT_STATED, f"the articles about {subject} do not give {_WHAT.get(kind, 'the answer')}", ())
    return _reason(LOW_MATCH, "no passage matches the question closely enough", ())


def ruled_by_kind(sig: Signals) -> bool:
    """A later edition, an unstated successor, an event the articles only look ahead to; a firm's name
    no close article writes, a departure or an owner no close article tells, a possessor ("Auckland's")
    the lead quote's article never names, a named person's "seventh ... title" no close sentence counts
    (``qa.unstated``)."""
    return bool(sig.edition_missing or sig.successor_missing or sig.event_ahead or sig.unwritten
                or sig.departure_missing or sig.owner_missing or sig.possessor_missing or sig.ordinal_missing)


def decide(best: Candidate | None, sig: Signals, s: AbstainSettings, subject: str = "",
           model: AbstainModel | None = None) -> Decision:
    """The state of the answer to a question whose best quote is ``best`` (None: no candidate)."""
    if best is None:
        return Decision(NOT_FOUND, 0.0, _reason(LOW_MATCH, "no passage came back for the question"))
    if s.unknown_rule and sig.unknown_salient:
        return Decision(NOT_FOUND, 0.0, reason_for(sig, subject))
    if s.time_rule and sig.years_out:
        return Decision(NOT_FOUND, 0.0, reason_for(Signals(years_out=sig.years_out, time_text=sig.time_text), subject))
    if s.edition_rule and ruled_by_kind(sig):
        return Decision(NOT_FOUND, 0.0, reason_for(sig, subject))
    if model is None and s.use_model:
        model = load_model()
    if model is None or not s.use_model:
        c = confidence(best, s)
        return Decision(ANSWERED, c) if c >= s.min_confidence else Decision(NOT_FOUND, c, reason_for(sig, subject))
    p = model.probability(sig)
    if p < model.abstain_below:
        return Decision(NOT_FOUND, p, reason_for(sig, subject))
    if p < model.unsure_below:
        return Decision(UNSURE, p, reason_for(sig, subject))
    return Decision(ANSWERED, p)
