"""Outputs of a run, in one folder: ``metrics.json`` (all figures), ``results.jsonl`` (one line per
question), ``report.md`` (tables, plots, the worst failures with their quotes) and the PNG plots
``hit_at_k.png`` and ``latency.png`` (matplotlib's Agg canvas, no display, no global pyplot state)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from .metrics import HIT_KS, Outcome, contains_answer, normalize_answer
from .records import SYSTEM, EvalRun, Record

FAILURES_SHOWN = 10
FILES = ("metrics.json", "results.jsonl", "report.md", "hit_at_k.png", "latency.png", "tradeoff.png")

# (key, label, kind of number) in the order of the report's table
ROWS = [(f"hit@{n}", f"hit@{n}", "ratio") for n in HIT_KS] + [
    ("mrr", "MRR", "ratio"),
    ("quote_hit", "quote_hit (gold answer inside a quote)", "ratio"),
    ("em", "EM of the short answer", "ratio"),
    ("f1", "F1 of the short answer", "ratio"),
    ("short_answers", "short answers marked (answerable)", "count"),
    ("mean_quote_words", "mean quote length (words)", "num"),
    ("citation_validity", "citation validity", "ratio"),
    ("abstain_precision", "abstain precision", "ratio"),
    ("abstain_recall", "abstain recall", "ratio"),
    ("abstain_or_unsure", "abstained or unsure (unanswerable)", "ratio"),
    ("false_abstain", "false abstention (answerable)", "ratio"),
    ("unsure_answerable", "unsure (answerable)", "ratio"),
    ("marked_precision", "marked short answers: precision (EM)", "ratio"),
    ("marked", "marked short answers: count", "count"),
    ("fact_recall", "fact recall (gold facts inside the quotes)", "ratio"),
    ("facts_all", "all facts inside the quotes (compare: both values)", "ratio"),
    ("same_as_alone", "standalone-after answered as alone", "ratio"),
    ("p50", "latency p50 (ms)", "num"),
    ("p95", "latency p95 (ms)", "num"),
]


def write_report(run: EvalRun, out: Path) -> dict[str, Path]:
    """Write every output of ``run`` into ``out`` (created if needed). Returns the paths by name."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in FILES}
    write_json(run.metrics, paths["metrics.json"])
    write_results(run, paths["results.jsonl"])
    plot_hit_curve(run.curves, paths["hit_at_k.png"])
    plot_latency(run.latencies, paths["latency.png"])
    plot_tradeoff(run.metrics.get("tradeoff", {}), paths["tradeoff.png"])
    paths["report.md"].write_text(render_markdown(run), encoding="utf-8")
    return paths


def write_json(data: dict, path: Path) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(_rounded(data), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def _rounded(v):
    if isinstance(v, float):
        return round(v, 4)
    if isinstance(v, dict):
        return {k: _rounded(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    return v


def _flags(o: Outcome, k: int) -> dict:
    d = {"rank": o.rank}
    for n in HIT_KS:
        d[f"hit@{n}"] = (0 < o.rank <= n) if (o.answerable and n <= k) else None
    d["quote_hit"] = o.quote_hit if o.answerable else None
    return d


def result_row(rec: Record, k: int) -> dict:
    """One line of ``results.jsonl``: the question, gold answers, the answer object, and the hit flags."""
    q = rec.question
    o = rec.outcomes[SYSTEM]
    row = {"id": q.id, "kind": q.kind, "split": q.split, "answerable": q.answerable, "answers": list(q.answers),
           "history": list(q.history)}
    if q.doc_ids:
        row["doc_ids"] = list(q.doc_ids)
    row.update(rec.answer)
    row.update(_flags(o, k))
    row.update({"short_answer": o.short_answer, "em": o.em, "f1": o.f1, "citations_valid": o.citations_valid,
                "latency_ms": round(o.latency_ms, 2)})
    if q.facts:
        row.update({"facts": [list(f) for f in q.facts], "facts_found": o.facts_found})
    if o.same_as_alone is not None:
        row["same_as_alone"] = o.same_as_alone
    if q.split:
        row["split"] = q.split
    if rec.baseline_passages:
        row["baselines"] = {name: {**_flags(b, k), "latency_ms": round(b.latency_ms, 2), "passage": rec.baseline_passages[name]}
                            for name, b in rec.outcomes.items() if name != SYSTEM}
    return row


def write_results(run: EvalRun, path: Path) -> None:
    tmp = path.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for rec in run.records:
            f.write(json.dumps(result_row(rec, run.k), ensure_ascii=False) + "\n")
    tmp.replace(path)


def _figure(width=6.4, height=4.0):
    # imported here: matplotlib takes a second or two to import, and only writing a report draws
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


_PNG_META = {"Software": None}  # no version stamp: the same figures give the same bytes


def plot_hit_curve(curves: dict[str, list[float]], path: Path) -> None:
    """hit@n for n = 1..k, one line per system."""
    fig = _figure()
    ax = fig.add_subplot()
    for name, ys in curves.items():
        if ys:
            ax.plot(range(1, len(ys) + 1), ys, marker="o", markersize=3, label=name, linewidth=2 if name == SYSTEM else 1.2)
    ax.set_xlabel("k (passages retrieved)")
    ax.set_ylabel("hit@k (gold answer in the top k)")
    ax.set_ylim(0, 1)
    ax.grid(True, alpha=0.3)
    ax.set_title("Retrieval: hit@k")
    if any(curves.values()):
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "no answerable questions", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_META)


def plot_latency(latencies: dict[str, list[float]], path: Path) -> None:
    """Histogram of per-question latency (ms) for each system, log-spaced bins."""
    fig = _figure()
    ax = fig.add_subplot()
    vals = [v for vs in latencies.values() for v in vs if v > 0]
    if vals:
        lo, hi = max(min(vals), 1e-2), max(vals)
        bins = np.geomspace(lo, hi * 1.0001 if hi > lo else lo * 10, 40)
        for name, vs in latencies.items():
            ax.hist([v for v in vs if v > 0], bins=bins, histtype="step" if name != SYSTEM else "stepfilled",
                    alpha=0.5 if name == SYSTEM else 1.0, label=name, linewidth=1.5)
        ax.set_xscale("log")
        ax.legend()
    ax.set_xlabel("latency per question (ms, log scale)")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_META)


def plot_tradeoff(curve: dict, path: Path) -> None:
    """Abstention on unanswerable questions against false abstention on answerable ones, as the
    confidence threshold moves (the run's operating point marked)."""
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    xs, ys = curve.get("false_abstain", []), curve.get("abstain", [])
    if xs and ys:
        ax.plot(xs, ys, marker=".", label="newsqa, threshold moved")
        op = curve.get("operating_point")
        if op:
            ax.plot([op[0]], [op[1]], "o", color="red", label="as run")
        ax.axvline(0.05, color="grey", linestyle=":", label="false abstention 0.05")
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "needs answerable and unanswerable questions", ha="center", va="center")
    ax.set_xlabel("false abstention (answerable questions)")
    ax.set_ylabel("abstention (unanswerable questions)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata=_PNG_META)


def _fmt(v, kind: str) -> str:
    if v is None:
        return "–"
    if kind == "count":
        return str(int(v))
    if kind == "ratio":
        return f"{v:.3f}"
    return f"{v:.1f}"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _figures_table(run: EvalRun) -> list[str]:
    m = run.metrics
    cols = [(SYSTEM, m)] + list(m.get("baselines", {}).items())
    lines = ["| metric | " + " | ".join(name for name, _ in cols) + " |", "|---|" + "---:|" * len(cols)]
    for key, label, kind in ROWS:
        lines.append(f"| {label} | " + " | ".join(_fmt(c.get(key), kind) for _, c in cols) + " |")
    return lines


def _kind_table(run: EvalRun) -> list[str]:
    m = run.metrics
    bases = list(m.get("baselines", {}))
    head = ["kind", "questions", "hit@1", "hit@5", "MRR", "quote_hit", "false abstain", "abstain recall",
            "abstain or unsure", "marked (precision)", "p50 ms", "fact recall", "all facts", "as alone", "shape match"]
    head += [f"{b} quote_hit" for b in bases]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for kind, s in m["by_kind"].items():
        cells = [_cell(kind), str(s["questions"]), _fmt(s["hit@1"], "ratio"), _fmt(s["hit@5"], "ratio"),
                 _fmt(s["mrr"], "ratio"), _fmt(s["quote_hit"], "ratio"), _fmt(s["false_abstain"], "ratio"),
                 _fmt(s["abstain_recall"], "ratio"), _fmt(s.get("abstain_or_unsure"), "ratio"),
                 f"{s.get('marked', 0)} ({_fmt(s.get('marked_precision'), 'ratio')})", _fmt(s["p50"], "num"),
                 _fmt(s.get("fact_recall"), "ratio"), _fmt(s.get("facts_all"), "ratio"), _fmt(s.get("same_as_alone"), "ratio"),
                 _fmt(s.get("shape_match"), "ratio")]
        cells += [_fmt(m["baselines"][b]["by_kind"][kind]["quote_hit"], "ratio") for b in bases]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def failure_kind(rec: Record) -> str | None:
    """Why the system failed on a question, in words; None when it did not fail."""
    o = rec.outcomes[SYSTEM]
    if not o.answerable:
        return None if o.abstained else "answered an unanswerable question"
    if o.quote_hit:
        return None
    where = f"gold answer retrieved at rank {o.rank}" if o.rank else "gold answer not retrieved"
    return f"abstained, {where}" if o.abstained else f"wrong quote, {where}"


def worst_failures(records: list[Record], n: int = FAILURES_SHOWN) -> list[Record]:
    """Failures, worst first: confident wrong answers before abstentions, gold retrieved before not."""
    failed = [r for r in records if failure_kind(r)]

    def key(r: Record):
        o = r.outcomes[SYSTEM]
        return (o.abstained, -round(o.confidence, 6), o.rank == 0, o.rank, r.question.id)

    return sorted(failed, key=key)[:n]


def _excerpt(text: str, golds, width: int = 320) -> str:
    """The passage around its first gold answer (or its start), marked **like this**."""
    for g in golds:
        m = re.search(r"(?<!\w)" + re.escape(g) + r"(?!\w)", text, re.I)
        if m:
            i = m.start()
            s = max(0, i - width // 2)
            e = min(len(text), i + len(g) + width // 2)
            return ("…" if s else "") + text[s:i] + "**" + text[i : i + len(g)] + "**" + text[i + len(g) : e] + ("…" if e < len(text) else "")
    return text[:width] + ("…" if len(text) > width else "")


def _failure_block(i: int, rec: Record) -> list[str]:
    q = rec.question
    o = rec.outcomes[SYSTEM]
    a = rec.answer
    lines = [f"### {i}. {_cell(q.question)}", "",
             f"- id `{q.id}`" + (f", kind `{q.kind}`" if q.kind else "") + f" — **{failure_kind(rec)}**, confidence {o.confidence:.2f}"]
    if q.history:
        lines.append("- conversation before: " + " / ".join(f"“{_cell(h)}”" for h in q.history))
    lines.append("- gold: " + (", ".join(f"“{_cell(g)}”" for g in q.answers) if q.answers else "(none: the corpus does not answer)"))
    if a.get("abstained"):
        lines.append("- newsqa abstained")
    for c in a.get("citations", []):
        lines.append(f"- newsqa quoted [{c['n']}] ({_cell(c['title'])}, paragraph {c['paragraph']}): “{_cell(c['quote'])}”")
    if q.answers and o.rank:
        hit = a["retrieved"][o.rank - 1]
        lines.append(f"- the gold answer was in retrieved passage {o.rank} ({_cell(hit.get('title', ''))}, "
                     f"paragraph {hit.get('paragraph')}): {_cell(_excerpt(hit['text'], q.answers))}")
    for name, p in rec.baseline_passages.items():
        if p:
            ok = contains_answer(p["text"], q.answers) if q.answers else False
            lines.append(f"- {name} top passage ({'holds' if ok else 'does not hold'} a gold answer): "
                         f"{_cell(_excerpt(p['text'], q.answers, 200))}")
    lines.append("")
    return lines


def render_markdown(run: EvalRun) -> str:
    """The human-readable report."""
    m = run.metrics
    r = m["run"]
    build = f", index built in {r['index_build_s']:.1f} s" if r.get("index_build_s") is not None else ""
    lines = [
        "# newsqa evaluation", "",
        f"- questions: `{r['questions_file']}` ({r['format']}): {m['questions']} questions, "
        f"{m['answerable']} answerable, {m['unanswerable']} unanswerable" + (f" (first {r['limit']})" if r.get("limit") else ""),
        f"- index: {r['index']} — {r['documents']} documents, {r['passages']} passages, model {r['model']}{build}",
        f"- k = {run.k} passages retrieved per question; answering took {r['answer_s']:.1f} s; wall time {r['wall_s']:.1f} s",
        "- answers match after SQuAD normalisation (case, punctuation, articles, spaces); retrieval and answer "
        "figures are over answerable questions; baselines answer with their top passage and never abstain",
        "",
        "## Figures", "",
        *_figures_table(run), "",
        "## By kind", "",
        *_kind_table(run), "",
        "## Plots", "",
        "![hit@k for the system and the baselines](hit_at_k.png)", "",
        "![latency per question](latency.png)", "",
        "![abstention on unanswerable vs false abstention as the threshold moves](tradeoff.png)", "",
    ]
    failed = [(failure_kind(rec), rec) for rec in run.records]
    counts: dict[str, int] = {}
    for why, _ in failed:
        if why:
            label = why.split(" at rank")[0]
            counts[label] = counts.get(label, 0) + 1
    lines += ["## Failures", ""]
    if not counts:
        lines += ["No failures: every answerable question was answered with a quote holding a gold answer, "
                  "and every unanswerable one was abstained on.", ""]
    else:
        lines += ["| failure | questions |", "|---|---:|"]
        lines += [f"| {why} | {n} |" for why, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
        worst = worst_failures(run.records)
        lines += ["", f"### The worst {len(worst)} (confident wrong answers first)", ""]
        for i, rec in enumerate(worst, start=1):
            lines += _failure_block(i, rec)
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["write_report", "render_markdown", "worst_failures", "failure_kind", "normalize_answer"]
