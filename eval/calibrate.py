"""Fit the abstention model (``qa/abstain_model.json``) on the dev split of evaluation runs.

Input: ``results.jsonl`` files of ``newsqa eval`` runs (each line holds the question's kind, split,
whether it is answerable and the answer's ``signals``). Only ``split == "dev"`` rows (and rows
without a split, e.g. the seed set) are fitted on; ``test`` rows are never read for fitting.

The fit: logistic regression (numpy, L2, class-balanced) of "answerable" on the standardised
features of ``qa.signals.FEATURES``; then the two thresholds: ``abstain_below`` the highest that keeps
false abstention on the answerable dev questions within ``budget`` (the rules' own abstentions
included), read off out-of-fold probabilities (``--folds``, 10: each question scored by a model
fitted without it, so that the budget holds on unseen questions too), ``unsure_below`` the highest that keeps answerable questions marked unsure or abstained
within ``unsure_budget``.

    python -m newsqa.eval.calibrate out-bbc/results.jsonl out-seed/results.jsonl --out qa/abstain_model.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from newsqa.qa.signals import FEATURES


def features_of(sig: dict) -> list[float]:
    """``Signals.features()`` from the ``signals`` dict of an answer."""
    return [float(sig.get("dense", 0.0)), float(sig.get("lexical", 0.0)), float(bool(sig.get("headline"))),
            float(bool(sig.get("unknown_terms"))), float(bool(sig.get("unknown_salient"))),
            float(bool(sig.get("missing_top"))), float(sig.get("article_missing", 0.0)),
            float(bool(sig.get("years_out"))), float(bool(sig.get("type_missing"))),
            float(bool(sig.get("kind_missing"))), float(sig.get("slot_lexical", sig.get("lexical", 0.0))),
            float(bool(sig.get("focus_missing"))), float(sig.get("dense_margin", 0.0)),
            float(sig.get("article_missing_min", sig.get("article_missing", 0.0))),
            float(bool(sig.get("wide_kind_missing", sig.get("kind_missing")))),
            float(bool(sig.get("sibling"))), float(sig.get("lead_missing_idf", 0.0)),
            float(bool(sig.get("edition_missing"))), float(bool(sig.get("successor_missing"))),
            float(bool(sig.get("event_ahead"))), float(sig.get("bm25_gap", 0.0)), 1.0]


def ruled_out(sig: dict) -> bool:
    """Abstained by a rule before any weighing (unknown names/numbers, years out of range, a later
    edition, an unstated successor, an event only ahead, a firm's name, a departure or an owner no close
    article tells: ``qa.abstain.ruled_by_kind``)."""
    return (bool(sig.get("unknown_salient")) or bool(sig.get("years_out")) or bool(sig.get("edition_missing"))
            or bool(sig.get("successor_missing")) or bool(sig.get("event_ahead")) or bool(sig.get("unwritten"))
            or bool(sig.get("departure_missing")) or bool(sig.get("owner_missing")) or bool(sig.get("possessor_missing"))
            or bool(sig.get("ordinal_missing")))


def load_rows(paths: list[str], splits=("dev", "")) -> list[dict]:
    rows = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            if r.get("split", "") not in splits or "signals" not in r:
                continue
            rows.append({"set": Path(p).parent.name, "id": r["id"], "kind": r.get("kind", ""),
                         "answerable": bool(r["answerable"]), "signals": r["signals"], "split": r.get("split", ""),
                         "quote_hit": bool(r.get("quote_hit")), "em": r.get("em")})
    return rows


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 500,
                 row_weight: np.ndarray | None = None) -> np.ndarray:
    """Class-balanced L2 logistic regression by Newton steps; ``x`` holds a bias column (last).
    ``row_weight``: each row's weight (``set_weights``), the classes balanced over the weighted rows."""
    w = np.zeros(x.shape[1])
    rw = np.ones(len(y)) if row_weight is None else np.asarray(row_weight, dtype=float)
    pos = max(1e-9, float(rw[y > 0].sum())) if (y > 0).any() else 1.0
    neg = max(1e-9, float(rw[y <= 0].sum())) if (y <= 0).any() else 1.0
    sw = rw * np.where(y > 0, rw.sum() / (2 * pos), rw.sum() / (2 * neg))
    reg = np.full(x.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        g = x.T @ (sw * (p - y)) + reg * w
        h = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(reg + 1e-9)
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def threshold_for(p_ans: np.ndarray, budget: float, already: int, n: int) -> float:
    """The highest threshold t with (already + #(p_ans < t)) / n <= budget."""
    allowed = int(np.floor(budget * n)) - already
    if allowed <= 0 or not len(p_ans):
        return float(min(p_ans.min(), 0.5)) if len(p_ans) else 0.5
    s = np.sort(p_ans)
    if allowed >= len(s):
        return float(s[-1] + 1e-6)
    # midway between the last allowed and the first kept one: rounding the stored weights cannot flip them
    return float((s[allowed - 1] + s[allowed]) / 2)


def _design(rows: list[dict], use: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    idx = [FEATURES.index(f) for f in use]
    x = np.array([[features_of(r["signals"])[i] for i in idx] for r in rows], dtype=float).reshape(len(rows), len(idx))
    return x, np.array([float(r["answerable"]) for r in rows])


def _fit_weights(x: np.ndarray, y: np.ndarray, use: tuple[str, ...], l2: float, rw: np.ndarray | None = None):
    """(weights, mean, scale) of the standardised logistic fit; the bias column is left as 1."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    bias = use.index("bias")
    mean[bias], scale[bias] = 0.0, 1.0
    z = (x - mean) / scale
    z[:, bias] = 1.0
    return fit_logistic(z, y, l2=l2, row_weight=rw), mean, scale


def _predict(x: np.ndarray, w: np.ndarray, mean: np.ndarray, scale: np.ndarray, bias: int) -> np.ndarray:
    z = (x - mean) / scale
    z[:, bias] = 1.0
    return 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))


REPEATS = 5  # fold assignments averaged: one assignment moved BBC dev near-miss abstention by 2 of 30


def fold_of(row: dict, folds: int, repeat: int = 0) -> int:
    """A row's cross-validation fold in assignment ``repeat``, by a hash of its id (deterministic;
    not of the results folder's name, which used to change the thresholds)."""
    h = hashlib.sha256(f"{repeat}\x1f{row['id']}".encode("utf-8")).digest()
    return int.from_bytes(h[:8], "little") % folds


def out_of_fold(free: list[dict], x: np.ndarray, y: np.ndarray, use: tuple[str, ...], l2: float,
                folds: int, rw: np.ndarray | None = None) -> np.ndarray:
    """Each row's probability from a model fitted without its fold: what an unseen question gets.

    In-sample probabilities of the answerable rows are optimistic (the fit pulled them up), so a
    threshold read off them lets more than the budget abstain on new questions. The mean over
    ``REPEATS`` fold assignments, so that the thresholds do not hang on one split of the rows."""
    p = np.zeros(len(free))
    for rep in range(REPEATS):
        f = np.array([fold_of(r, folds, rep) for r in free])
        for k in range(folds):
            out = f == k
            if out.any() and (~out).any():
                w, mean, scale = _fit_weights(x[~out], y[~out], use, l2, None if rw is None else rw[~out])
                p[out] += _predict(x[out], w, mean, scale, use.index("bias")) / REPEATS
    return p


def _thresholds(rows: list[dict], free: list[dict], p: np.ndarray, y: np.ndarray, budget: float,
                unsure_budget: float) -> tuple[float, float]:
    """(abstain_below, unsure_below): the budget holds on every set (a large synthetic set must not
    spend a small hand-written one's), the rules' own abstentions counted."""
    t_abs = t_uns = 1.0
    for name in sorted({r["set"] for r in rows}):
        in_set = np.array([r["set"] == name for r in free], dtype=bool)
        n_set = sum(1 for r in rows if r["set"] == name and r["answerable"])
        if not n_set:
            continue
        ruled_set = sum(1 for r in rows if r["set"] == name and r["answerable"] and ruled_out(r["signals"]))
        p_ans = p[(y > 0) & in_set]
        t_abs = min(t_abs, threshold_for(p_ans, budget, ruled_set, n_set))
        t_uns = min(t_uns, threshold_for(p_ans, unsure_budget, ruled_set, n_set))
    return t_abs, max(t_abs, t_uns)


def fit(rows: list[dict], budget: float = 0.04, unsure_budget: float = 0.25, l2: float = 1.0,
        use: tuple[str, ...] = FEATURES, folds: int = 0, set_weights: dict[str, float] | None = None) -> dict:
    """The model dict (as stored in ``abstain_model.json``) fitted on ``rows``.

    ``folds`` > 1: the thresholds are read off out-of-fold probabilities (``out_of_fold``) instead
    of the fitted model's own, so that the budget holds on questions the fit has not seen.
    ``set_weights``: a row weight per set (results folder name; others 1.0): a large synthetic set
    (2,247 synthetic SQuAD dev rows against 131 BBC dev answerables) at full weight decides the weights
    alone and the hand-written kinds lose (docs/history/answer-quality-log.md, synsq12); its thresholds' budget
    holds per set whatever the weight."""
    free = [r for r in rows if not ruled_out(r["signals"])]
    x, y = _design(free, use)
    rw = np.array([(set_weights or {}).get(r["set"], 1.0) for r in free]) if set_weights else None
    w, mean, scale = _fit_weights(x, y, use, l2, rw)
    p = (out_of_fold(free, x, y, use, l2, folds, rw) if folds > 1
         else _predict(x, w, mean, scale, use.index("bias")))
    t_abs, t_uns = _thresholds(rows, free, p, y, budget, unsure_budget)
    return {"features": list(use), "weights": [round(float(v), 6) for v in w],
            "mean": [round(float(v), 6) for v in mean], "scale": [round(float(v), 6) for v in scale],
            "abstain_below": round(t_abs, 6), "unsure_below": round(t_uns, 6),
            "fitted_on": {"rows": len(rows), "answerable": sum(r["answerable"] for r in rows), "budget": budget,
                          "unsure_budget": unsure_budget, "l2": l2, "folds": folds,
                          "sets": sorted({r["set"] for r in rows}),
                          **({"set_weights": dict(sorted(set_weights.items()))} if set_weights else {})}}


def probabilities(rows: list[dict], model: dict) -> np.ndarray:
    """The model's probability for each row (0 for a row a rule abstains on)."""
    idx = [FEATURES.index(f) for f in model["features"]]
    x = np.array([[features_of(r["signals"])[i] for i in idx] for r in rows], dtype=float)
    z = (x - np.array(model["mean"])) / np.array(model["scale"])
    z[:, model["features"].index("bias")] = 1.0
    p = 1 / (1 + np.exp(-np.clip(z @ np.array(model["weights"]), -30, 30)))
    return np.where([ruled_out(r["signals"]) for r in rows], 0.0, p)


def simulate(rows: list[dict], model: dict) -> dict:
    """What the model would do on ``rows``, per set and kind: shares abstained, abstained-or-unsure."""
    p = probabilities(rows, model)
    out: dict = {}
    for r, pr in zip(rows, p):
        key = f"{r['set']}/{r['kind'] or ('answerable' if r['answerable'] else 'unanswerable')}/{r['split'] or '-'}"
        g = out.setdefault(key, {"n": 0, "abstained": 0, "abstained_or_unsure": 0, "quote_hit": 0, "marked": 0, "em": 0.0})
        g["n"] += 1
        g["abstained"] += int(pr < model["abstain_below"])
        g["abstained_or_unsure"] += int(pr < model["unsure_below"])
        if pr >= model["abstain_below"]:
            g["quote_hit"] += int(r.get("quote_hit", False))
        if pr >= model["unsure_below"] and r.get("em") is not None:  # an unsure answer marks nothing
            g["marked"] += 1
            g["em"] += float(r["em"])
    return {k: {"n": g["n"], "abstained": round(g["abstained"] / g["n"], 3),
                "abstained_or_unsure": round(g["abstained_or_unsure"] / g["n"], 3),
                "quote_hit": round(g["quote_hit"] / g["n"], 3), "marked": g["marked"],
                "marked_precision": round(g["em"] / g["marked"], 3) if g["marked"] else None}
            for k, g in sorted(out.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.calibrate", description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="+", help="results.jsonl files of newsqa eval runs")
    ap.add_argument("--out", default=None, help="write the model JSON here (default: print it)")
    ap.add_argument("--budget", type=float, default=0.04, help="false abstention allowed on dev (default 0.04)")
    ap.add_argument("--unsure-budget", type=float, default=0.25)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--folds", type=int, default=10,
                    help="read the thresholds off out-of-fold probabilities of this many folds (0: in-sample)")
    ap.add_argument("--features", default="", help="comma-separated features to fit on (default: all of qa.signals.FEATURES)")
    ap.add_argument("--set-weight", default="", help="row weight per set, e.g. synsq=0.1,squadt=0.1 (a set is its "
                    "results folder's name; default 1.0)")
    ap.add_argument("--show-test", action="store_true",
                    help="also print the test rows' figures (only once tuning is over: never tune on them)")
    a = ap.parse_args(argv)
    rows = load_rows(a.results)
    if not rows:
        raise SystemExit("no dev rows with signals in the given results files (run newsqa eval with this version)")
    use = tuple(f for f in a.features.split(",") if f) + ("bias",) if a.features else FEATURES
    if set(use) - set(FEATURES):
        raise SystemExit(f"unknown features {sorted(set(use) - set(FEATURES))}; choose from {', '.join(FEATURES[:-1])}")
    weights = {k: float(v) for k, v in (kv.split("=") for kv in a.set_weight.split(",") if kv)}
    model = fit(rows, a.budget, a.unsure_budget, a.l2, use=tuple(dict.fromkeys(use)), folds=a.folds,
                set_weights=weights or None)
    splits = ("dev", "test", "") if a.show_test else ("dev", "")
    for key, g in simulate(load_rows(a.results, splits=splits), model).items():
        print(f"{key:45} n={g['n']:4} abstained {g['abstained']:.3f} or unsure {g['abstained_or_unsure']:.3f} "
              f"quote_hit {g['quote_hit']:.3f} marked {g['marked']} ({g['marked_precision']})", file=sys.stderr)
    text = json.dumps(model, indent=1) + "\n"
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
        print(f"wrote {a.out} ({model['fitted_on']['rows']} rows)", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
