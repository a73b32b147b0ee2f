"""Does a learned question-sentence scorer add separation to the abstention features? (issue 11)

An experiment, not part of the answer path. From the dev rows of evaluation runs (``results.jsonl``:
synthetic SQuAD dev, BBC dev, the SQuAD tuning sample, seed; ``test`` rows are never read) it builds
one row per question that got a quote: the question, the lead quote, the abstention features of
``eval/calibrate.py`` and a label (1: answerable and the gold is in the quote; 0: near miss,
off-corpus, unanswerable; answerable questions whose quote misses the gold are left out). Rows are
split into folds by ARTICLE (a union of the lead quote's article and the question's text, so that a
near miss and its answerable twin, or two questions on one article, never sit on both sides).

Scorers compared out of fold (each row scored by a model fitted without its fold):

- ``calib``: logistic regression on the calibrate features alone (what ships, refitted here);
- ``head``: logistic regression on the frozen packaged MiniLM's vectors, ``[u, v, u*v, |u-v|]``
  (u the question's vector, v the quote's, encoded alone);
- ``calib+head``: both feature sets in one fit; ``stack``: the calib features plus the head's own
  out-of-fold logit (nested: the training rows' logits come from inner folds);
- ``cross`` (``--cross``): a cross-encoder fine-tuned from the packaged MiniLM on (question, quote)
  pairs, its out-of-fold logit stacked on the calib features.

Figures: AUC per set and pooled, and the share of synthetic near misses refused when the threshold
keeps 95% of that set's label-1 rows (false abstention 0.05 among quoted answerables).

    python -m newsqa.eval.pairscore /work/evals/final/{synsq,bbc,squadt,seed}/results.jsonl [--cross]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from newsqa.embeddings.encoder import load_encoder
from newsqa.eval.calibrate import features_of, fit_logistic, ruled_out
from newsqa.eval.pairscore_cross import cross_out_of_fold


def load_table(paths: list[str]) -> list[dict]:
    """One row per dev question with a quote: question, lead quote, article, features, label."""
    rows = []
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            r = json.loads(line) if line.strip() else None
            if not r or r.get("split", "") not in ("dev", "") or not r.get("citations") or "signals" not in r:
                continue
            if ruled_out(r["signals"]) or (r["answerable"] and not r.get("quote_hit")):
                continue
            lead = r["citations"][0]
            rows.append({"set": Path(p).parent.name, "id": r["id"], "kind": r.get("kind", ""),
                         "question": r.get("resolved_question") or r["question"], "quote": lead["quote"],
                         "doc": lead.get("doc_id", ""), "label": int(bool(r["answerable"])),
                         "x": features_of(r["signals"])[:-1]})
    return rows


def article_folds(rows: list[dict], folds: int) -> np.ndarray:
    """A fold per row: rows sharing an article or a question text are one group (union-find)."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in rows:
        parent[find("d:" + r["set"] + r["doc"])] = find("q:" + r["question"].lower())
    out = []
    for r in rows:
        h = hashlib.sha256(find("q:" + r["question"].lower()).encode("utf-8")).digest()
        out.append(int.from_bytes(h[:8], "little") % folds)
    return np.array(out)


def auc(score: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (ties counted half): P(a label-1 row scores above a label-0 one)."""
    pos, neg = score[y > 0], score[y <= 0]
    if not len(pos) or not len(neg):
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order))
    allv = np.concatenate([pos, neg])[order]
    i = 0
    while i < len(allv):  # average ranks over ties
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def refused_at(score: np.ndarray, y: np.ndarray, fa: float = 0.05) -> float:
    """Share of label-0 rows below the threshold that keeps (1 - fa) of the label-1 rows."""
    pos, neg = np.sort(score[y > 0]), score[y <= 0]
    if not len(pos) or not len(neg):
        return float("nan")
    t = pos[int(np.floor(fa * len(pos)))]
    return float((neg < t).mean())


def fit_predict(xtr: np.ndarray, ytr: np.ndarray, xte: np.ndarray, l2: float,
                wtr: np.ndarray | None = None) -> np.ndarray:
    """Standardised class-balanced L2 logistic regression: the logit of each test row."""
    mean, scale = xtr.mean(axis=0), xtr.std(axis=0)
    scale[scale < 1e-9] = 1.0
    add = lambda m: np.hstack([(m - mean) / scale, np.ones((len(m), 1))])  # noqa: E731
    w = fit_logistic(add(xtr), ytr, l2=l2, iters=50, row_weight=wtr)
    return add(xte) @ w


def out_of_fold(x: np.ndarray, y: np.ndarray, fold: np.ndarray, l2: float, w: np.ndarray | None = None) -> np.ndarray:
    s = np.zeros(len(y))
    for k in np.unique(fold):
        te = fold == k
        s[te] = fit_predict(x[~te], y[~te], x[te], l2, None if w is None else w[~te])
    return s


def stacked(xc: np.ndarray, xh: np.ndarray, y: np.ndarray, fold: np.ndarray, l2c: float, l2h: float,
            w: np.ndarray | None) -> np.ndarray:
    """calib features + the head's logit, nested: inside each outer fold the training rows' head
    logits are themselves out of (inner) fold, so the stacker never sees a fitted-on logit."""
    s = np.zeros(len(y))
    for k in np.unique(fold):
        te, tr = fold == k, fold != k
        inner = out_of_fold(xh[tr], y[tr], fold[tr], l2h, None if w is None else w[tr])
        head_te = fit_predict(xh[tr], y[tr], xh[te], l2h, None if w is None else w[tr])
        s[te] = fit_predict(np.hstack([xc[tr], inner[:, None]]), y[tr],
                            np.hstack([xc[te], head_te[:, None]]), l2c, None if w is None else w[tr])
    return s


def pair_vectors(rows: list[dict], cache: Path | None) -> np.ndarray:
    """``[u, v, u*v, |u-v|]`` from the packaged encoder (checksum verified by ``load_encoder``)."""
    key = hashlib.sha256("\x1e".join(r["question"] + "\x1f" + r["quote"] for r in rows).encode()).hexdigest()[:16]
    if cache and cache.exists():
        z = np.load(cache)
        if str(z["key"]) == key:
            return z["x"]
    enc = load_encoder(None, backend="torch")
    u = enc.encode_queries([r["question"] for r in rows])
    v = enc.encode_documents([r["quote"] for r in rows])
    x = np.hstack([u, v, u * v, np.abs(u - v)]).astype(np.float32)
    if cache:
        np.savez(cache, x=x, key=key)
    return x


def report(rows: list[dict], y: np.ndarray, scores: dict[str, np.ndarray]) -> None:
    sets = sorted({r["set"] for r in rows})
    print(f"{'scorer':12} " + " ".join(f"{'AUC ' + s:>12}" for s in sets + ["pooled"])
          + f" {'synsq@FA.05':>12} {'bbc@FA.05':>10}")
    for name, s in scores.items():
        cells = []
        for st in sets + ["pooled"]:
            m = np.array([st == "pooled" or r["set"] == st for r in rows])
            cells.append(f"{auc(s[m], y[m]):12.3f}")
        at = []
        for st in ("synsq", "bbc"):
            m = np.array([r["set"] == st for r in rows])
            at.append(refused_at(s[m], y[m]) if m.any() else float("nan"))
        print(f"{name:12} " + " ".join(cells) + f" {at[0]:12.3f} {at[1]:10.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.pairscore", description=__doc__.split("\n")[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", default="", help="an .npz to keep the encoder's vectors in between runs")
    ap.add_argument("--cross", action="store_true", help="also fine-tune a cross-encoder (slow: torch CPU)")
    ap.add_argument("--epochs", type=int, default=1)
    a = ap.parse_args(argv)
    rows = load_table(a.results)
    y = np.array([r["label"] for r in rows], dtype=float)
    fold = article_folds(rows, a.folds)
    counts = {s: (sum(1 for r in rows if r["set"] == s and r["label"]), sum(1 for r in rows if r["set"] == s and not r["label"]))
              for s in sorted({r["set"] for r in rows})}
    print(f"rows {len(rows)} (label 1, label 0 per set: {counts}); folds {np.bincount(fold).tolist()}", file=sys.stderr)
    xc = np.array([r["x"] for r in rows], dtype=float)
    t0 = time.time()
    xh = pair_vectors(rows, Path(a.cache) if a.cache else None).astype(float)
    print(f"vectors {xh.shape} in {time.time() - t0:.0f} s", file=sys.stderr)
    scores = {"dense": xc[:, 0], "calib": out_of_fold(xc, y, fold, 1.0)}
    for l2 in (300.0, 3000.0, 30000.0):
        scores[f"head l2={l2:g}"] = out_of_fold(xh, y, fold, l2)
    best = max((k for k in scores if k.startswith("head")), key=lambda k: auc(scores[k], y))
    l2h = float(best.split("=")[1])
    scores["calib+head"] = out_of_fold(np.hstack([xc, xh]), y, fold, l2h)
    scores["stack"] = stacked(xc, xh, y, fold, 1.0, l2h, None)
    if a.cross:
        saved = Path(a.cache + f".cross{a.epochs}.npy") if a.cache else None
        if saved and saved.exists():
            cross = np.load(saved)
        else:
            cross = cross_out_of_fold(rows, y, fold, epochs=a.epochs)
            if saved:
                np.save(saved, cross)
        scores["cross"] = cross
        scores["calib+cross"] = out_of_fold(np.hstack([xc, cross[:, None]]), y, fold, 1.0)
    report(rows, y, scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
