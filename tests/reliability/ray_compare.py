"""Ray Serve against one process on a real index: the same hits and answers? at what cost?

Opens the index in this process (the reference), then deploys it on a local Ray as 2 engine
replicas and as 1 engine over 2 shards, asks every question of each, and compares the top-10
passage ids and the answers (``qa.agreement.same_answer``: everything exactly but the scores, within
1e-4; the whole object with ``==`` is reported too, and differs by float noise where backends do). Prints one JSON object: how many
questions matched, per-question latency (sequential, ms) of each, their throughput with
``--clients`` concurrent callers, and the resident memory of the Ray processes (MB).

    .venv/bin/python tests/reliability/ray_compare.py --index /work/idx/bbc2 --questions 40
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # run as a script: the project and tests/helpers.py on the path
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from helpers import pids_with, rss_mb, run_threads  # noqa: E402


def questions_of(engine, n: int) -> list[str]:
    """Headlines of the index as questions (sorted, so runs repeat), plus a few free-form ones."""
    titles = sorted({d.get("title", "") for d in engine.snapshot.documents.values() if d.get("title")})
    step = max(1, len(titles) // max(1, n - 4))
    return titles[::step][: n - 4] + ["Who won the election?", "What happened to oil prices?",
                                      "Which film won the award?", "Who won the Mercury Prize?"]


def comparable(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}


def rss_of(marker: bytes) -> float:
    return round(sum(rss_mb(p) for p in pids_with(marker)), 1)


def timed(ask, questions) -> tuple[list[dict], list[float]]:
    out, ms = [], []
    for q in questions:
        t0 = time.perf_counter()
        out.append(ask(q))
        ms.append((time.perf_counter() - t0) * 1e3)
    return out, ms


def throughput(ask, questions, clients: int, seconds: float) -> float:
    done, lock = [0], threading.Lock()

    def run(n, stop):
        i = n
        while not stop.is_set():
            ask(questions[i % len(questions)])
            i += clients
            with lock:
                done[0] += 1

    return round(done[0] / run_threads(run, clients, seconds), 2)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", required=True)
    p.add_argument("--questions", type=int, default=40)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=30)
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("RAY_raylet_start_wait_time_s", "180")  # a loaded machine needs more than 30 s
    import ray

    from newsqa.qa import Engine
    from newsqa.qa.agreement import same_answer
    from newsqa.serve.ray_serve import deploy

    one = Engine.open(args.index)
    qs = questions_of(one, args.questions)
    # auto decides per process (by its threads, which Ray gives fewer of): the replicas run this one's
    enc = one.encoder
    pinned = {("torch", "bf16"): "torch-bf16", ("onnx", "int8"): "onnx-int8"}.get((enc.backend, enc.precision), enc.backend)
    ref, ref_ms = timed(lambda q: one.ask(q, k=10).to_dict(), qs)
    result = {"index": args.index, "passages": len(one.snapshot.passages), "questions": len(qs),
              "backend": pinned,
              "one_process": {"ms_mean": round(statistics.fmean(ref_ms), 1), "rss_mb": rss_of(b"ray_compare.py"),
                              "per_s": throughput(lambda q: one.ask(q, k=10), qs, args.clients, args.seconds)}}
    for attempt in range(3):
        try:
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            break
        except Exception:
            ray.shutdown()
            if attempt == 2:
                raise
    for name, kw in (("replicas2", {"replicas": 2}), ("shards2", {"replicas": 1, "shards": 2})):
        t0 = time.perf_counter()
        backend = deploy(args.index, name=name, backend=pinned, **kw)
        ready = time.perf_counter() - t0
        got, ms = timed(lambda q: backend.ask(q, 10, None, []), qs)
        same_ids = sum([h["passage_id"] for h in a["retrieved"]] == [h["passage_id"] for h in b["retrieved"]]
                       for a, b in zip(ref, got))
        same = sum(comparable(a) == comparable(b) for a, b in zip(ref, got))
        agree = sum(same_answer(a, b) for a, b in zip(ref, got))  # scores within 1e-4: backend noise is ~1e-6
        result[name] = {"deploy_s": round(ready, 1), "same_top10_ids": same_ids, "same_answer": agree,
                        "same_answer_object_exactly": same,
                        "ms_mean": round(statistics.fmean(ms), 1),
                        "per_s": throughput(lambda q: backend.ask(q, 10, None, []), qs, args.clients, args.seconds),
                        "rss_mb_ray_replicas": rss_of(f"ServeReplica:{name}".encode()),
                        "rss_mb_engine_replicas": rss_of(f"ServeReplica:{name}:{name}-engine".encode()),
                        "rss_mb_each_shard": [rss_of(f"ServeReplica:{name}:{name}-shard-{i}".encode())
                                              for i in range(kw.get("shards", 0))]}
        from ray import serve

        serve.delete(name)
    print(json.dumps(result, indent=2))
    ray.shutdown()
    return 0 if all(result[n]["same_answer"] == len(qs) for n in ("replicas2", "shards2")) else 1


if __name__ == "__main__":
    sys.exit(main())
