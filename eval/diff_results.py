"""Answers of two ``newsqa eval`` runs compared question by question: everything an answer holds
(text, citations, retrieved passages, confidence, state, reason, signals, shape, timeline, scores,
the baselines' hits) except its timings, at any depth (``timings_ms``, ``latency_ms``, also those
of each baseline with ``--baselines``). For a speed change that must not change behaviour.

    python -m newsqa.eval.diff_results before/results.jsonl after/results.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

IGNORED = frozenset({"timings_ms", "latency_ms"})  # at any depth: ``--baselines`` rows hold ``baselines.bm25.latency_ms``


def without_timings(value):
    """``value`` with every ``IGNORED`` key dropped, inside nested dicts and lists too.

    >>> without_timings({"answer": "x", "latency_ms": 3, "baselines": {"bm25": {"rank": 1, "latency_ms": 0.5}}})
    {'answer': 'x', 'baselines': {'bm25': {'rank': 1}}}
    """
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in IGNORED}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def load(path: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    return {r["id"]: without_timings(r) for r in rows}


def changed_fields(a: dict, b: dict) -> list[str]:
    """Fields whose values differ (a field only one side has counts as changed)."""
    return sorted(k for k in set(a) | set(b) if a.get(k, ...) != b.get(k, ...))


def diff(before: Path, after: Path) -> dict:
    """{"questions", "changed": {id: [fields]}, "missing": [ids in only one run]}."""
    a, b = load(before), load(after)
    changed = {q: f for q in sorted(set(a) & set(b)) if (f := changed_fields(a[q], b[q]))}
    return {"questions": len(set(a) & set(b)), "changed": changed, "missing": sorted(set(a) ^ set(b))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.diff_results", description=__doc__.split("\n\n")[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    a = ap.parse_args(argv)
    d = diff(a.before, a.after)
    print(f"{d['questions']} questions, {len(d['changed'])} changed, {len(d['missing'])} in one run only")
    for q, fields in d["changed"].items():
        print(f"  {q}: {', '.join(fields)}")
    return 1 if d["changed"] or d["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
