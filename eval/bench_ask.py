"""Where an ``ask``'s time goes: thread CPU time per stage, on one thread, for one or more backends
and one or more checkouts of newsqa, interleaved round by round in one run.

    python -m newsqa.eval.bench --stages --backends torch,onnx --out stages-out
    python -m newsqa.eval.bench --stages --compare /tmp/old-checkout --rounds 3 --out ab

Each (checkout, backend) is served in a fresh process (this file run by path, with ``PYTHONPATH``
set to the checkout, so the same stage timers measure old and new code alike) with
``OMP_NUM_THREADS=1`` and one torch thread. The process opens the index, asks the first questions
to warm up, then asks every question once and times it with ``time.thread_time`` (CPU time of the
asking thread: on a shared machine wall time is mostly waiting) and ``perf_counter`` (wall). Stage
times are exclusive: the wrappers keep a stack, and time inside a nested stage counts for it alone.
Time in no stage (validation, follow-up resolution, shape detection, answer assembly) is ``other``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from newsqa.qa import answer, bm25, caches, engine, retrieve

# stage -> (module, attribute) wrapped; a missing one (an older checkout) is skipped
STAGES: dict[str, list[tuple[object, str]]] = {
    "encode": [(caches, "QueryVectors.__call__")],
    "dense": [(retrieve, "Retriever.dense_search"), (retrieve, "exact_scores")],
    "bm25": [(bm25, "SegmentBM25.search")],
    "fusion": [(retrieve, "Retriever.fuse"), (retrieve, "merge_ranked"),
               (engine, "interleave")],
    "sentences": [(answer, "candidates"), (answer, "score_candidates"),
                  (answer, "title_candidates")],
    "quotes": [(answer, "choose"), (answer, "fill_slot"), (answer, "shape_quotes"),
               (answer, "newest_first"), (answer, "merge_same_paragraph"),
               (answer, "apply_marks")],
    "abstain": [(answer, "compute_signals"), (answer, "decide"),
                (answer, "overrule"), (answer, "subject_of")],
    "present": [(answer, "_citation"), (answer, "verified"),
                (answer, "_abstention")],
}
ORDER = ["encode", "dense", "bm25", "fusion", "sentences", "quotes", "abstain", "present", "other"]


class StageClock:
    """Exclusive thread CPU time per stage: each event charges the time since the last one to the
    stage on top of the stack (``other`` when none is)."""

    def __init__(self):
        self.stack = ["other"]
        self.acc: dict[str, float] = {}
        self.last = time.thread_time()

    def _charge(self) -> None:
        now = time.thread_time()
        top = self.stack[-1]
        self.acc[top] = self.acc.get(top, 0.0) + now - self.last
        self.last = now

    def wrap(self, stage: str, fn):
        def timed(*args, **kwargs):
            self._charge()
            self.stack.append(stage)
            try:
                return fn(*args, **kwargs)
            finally:
                self._charge()
                self.stack.pop()
        timed.__wrapped__ = fn
        return timed

    def start(self) -> None:
        self.acc, self.stack, self.last = {}, ["other"], time.thread_time()

    def stop(self) -> dict[str, float]:
        self._charge()
        return {k: v * 1e3 for k, v in self.acc.items()}


def install(clock: StageClock) -> list[tuple[object, str, object]]:
    """Wrap every stage function that exists in the imported checkout; returns what ``uninstall`` restores."""
    done = []
    for stage, targets in STAGES.items():
        for mod, attr in targets:
            owner, _, name = attr.rpartition(".")
            obj = getattr(mod, owner, None) if owner else mod
            if obj is None or not hasattr(obj, name):
                continue
            original = obj.__dict__[name] if isinstance(obj, type) else getattr(obj, name)
            setattr(obj, name, clock.wrap(stage, getattr(obj, name)))
            done.append((obj, name, original))
    return done


def uninstall(done: list[tuple[object, str, object]]) -> None:
    for obj, name, original in reversed(done):
        setattr(obj, name, original)


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]


def load_questions(path: Path, split: str | None) -> list[str]:
    """Standalone questions (no history) of a question file, of one split or all."""
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            q = json.loads(line)
            if (split is None or q.get("split") == split) and not q.get("history"):
                out.append(q["question"])
    return out


def serve_stages(index_dir: Path, questions: list[str], warmup: int, passes: int = 1) -> dict:
    """In this process: open the index, warm up, ask each question once; per-ask CPU, wall, stages.

    ``passes`` > 1: the questions are asked that many times and the last pass is reported, by an
    engine whose caches hold one entry each (``caches.CacheSizes``), so what the earlier passes
    leave is the pages of the mapped index they touched (the IVF lists, vector and sentence rows,
    postings), not a cached question vector or passage: a long-running server's steady state,
    where a fresh process's first asks pay the first touch of each page (at 10M: ~13 CPU-ms)."""
    sizes = caches.CacheSizes(queries=1, sentences=1, articles=1, passages=1) if passes > 1 else None
    eng = engine.Engine.open(index_dir) if sizes is None else engine.Engine.open(index_dir, caches=sizes)
    if "torch" in sys.modules:  # loaded by a torch backend (question encodes also run on NEWSQA_SMALL_BATCH_THREADS)
        sys.modules["torch"].set_num_threads(1)
    for q in questions[:warmup]:
        eng.ask(q)
    clock = StageClock()
    wrapped = install(clock)
    try:
        for _ in range(passes):
            cpu, wall, stages, shapes = [], [], [], []
            for q in questions[warmup:]:
                clock.start()
                t, c = time.perf_counter(), time.thread_time()
                answer = eng.ask(q)
                cpu.append((time.thread_time() - c) * 1e3)
                wall.append((time.perf_counter() - t) * 1e3)
                stages.append(clock.stop())
                shapes.append(getattr(answer, "shape", "") or "fact")
    finally:
        uninstall(wrapped)
    return {"backend": getattr(eng.encoder, "backend", "?"), "cpu_ms": cpu, "wall_ms": wall, "stages": stages,
            "shapes": shapes, "wrapped": len(wrapped), "passes": passes}


def _child_env(checkout: Path, backend: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(checkout), "NEWSQA_BACKEND": backend, "OMP_NUM_THREADS": "1",
            "NEWSQA_SMALL_BATCH_THREADS": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false"}


def run_child(checkout: Path, backend: str, index_dir: Path, qfile: Path, split: str | None, warmup: int,
              passes: int = 1) -> dict:
    """One (checkout, backend) served in a fresh process (this file run by path)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(index_dir), "--questions", str(qfile),
           "--warmup", str(warmup)] + (["--split", split] if split else []) + (["--passes", str(passes)] if passes > 1 else [])
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=checkout, env=_child_env(checkout, backend))
    if r.returncode:
        raise RuntimeError(f"stage benchmark of {checkout} ({backend}) failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    """Pooled p50/p95 of CPU and wall per ask, and p50/mean of each stage's CPU ms."""
    cpu = [x for r in runs for x in r["cpu_ms"]]
    wall = [x for r in runs for x in r["wall_ms"]]
    per = [s for r in runs for s in r["stages"]]
    stages = {k: {"p50": round(_pct([s.get(k, 0.0) for s in per], 50), 2),
                  "mean": round(sum(s.get(k, 0.0) for s in per) / max(1, len(per)), 2)} for k in ORDER}
    by_shape: dict[str, list[float]] = {}
    for r in runs:
        for shape, ms in zip(r.get("shapes", []), r["cpu_ms"]):
            by_shape.setdefault(shape, []).append(ms)
    return {"asks": len(cpu), "cpu_p50": round(_pct(cpu, 50), 1), "cpu_p95": round(_pct(cpu, 95), 1),
            "wall_p50": round(_pct(wall, 50), 1), "wall_p95": round(_pct(wall, 95), 1), "stages": stages,
            "shapes": {k: {"asks": len(v), "cpu_p50": round(_pct(v, 50), 1)} for k, v in sorted(by_shape.items())},
            "backend": runs[0]["backend"] if runs else "?"}


def bench_stages(index_dir: Path, qfile: Path, split: str | None, backends: list[str], checkouts: dict[str, Path],
                 rounds: int, warmup: int, passes: int = 1) -> dict:
    """Every (checkout, backend) once per round, interleaved; summaries pooled over the rounds."""
    raw: dict[str, list[dict]] = {}
    for rnd in range(rounds):
        for backend in backends:
            for label, checkout in checkouts.items():
                key = f"{label}/{backend}"
                raw.setdefault(key, []).append(run_child(checkout, backend, index_dir, qfile, split, warmup, passes))
                print(f"round {rnd + 1} {key}: cpu p50 {_pct(raw[key][-1]['cpu_ms'], 50):.1f} ms", file=sys.stderr, flush=True)
    return {"index": str(index_dir), "questions": str(qfile), "split": split, "rounds": rounds, "passes": passes,
            "load_avg_at_start": os.getloadavg()[0], "runs": {k: summarise(v) for k, v in raw.items()}}


def stages_markdown(res: dict) -> str:
    """The per-stage table: one column per (checkout, backend)."""
    keys = list(res["runs"])
    r = res["runs"]
    lines = [f"`ask` on {res['index']}, {res['questions']} ({res['split'] or 'all'}), one thread, "
             f"{res['rounds']} interleaved round(s){'' if res.get('passes', 1) == 1 else ', the last of ' + str(res['passes']) + ' passes'}; CPU ms of the asking thread (p50 per stage, mean in brackets).", "",
             "| | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys),
             "| **ask CPU p50 / p95** | " + " | ".join(f"**{r[k]['cpu_p50']} / {r[k]['cpu_p95']}**" for k in keys) + " |",
             "| ask wall p50 / p95 | " + " | ".join(f"{r[k]['wall_p50']} / {r[k]['wall_p95']}" for k in keys) + " |"]
    for st in ORDER:
        lines.append(f"| {st} | " + " | ".join(f"{r[k]['stages'][st]['p50']} ({r[k]['stages'][st]['mean']})" for k in keys) + " |")
    for shape in sorted({s for k in keys for s in r[k].get("shapes", {})}):
        got = [r[k].get("shapes", {}).get(shape) for k in keys]
        lines.append(f"| ask CPU p50, shape {shape} (asks) | "
                     + " | ".join(f"{g['cpu_p50']} ({g['asks']})" if g else "-" for g in got) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Child mode only (``--child INDEX``): the parent side is ``python -m newsqa.eval.bench --stages``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", type=Path, required=True)
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--split", default=None)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--passes", type=int, default=1)
    a = ap.parse_args(argv)
    print(json.dumps(serve_stages(a.child, load_questions(a.questions, a.split), a.warmup, a.passes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
