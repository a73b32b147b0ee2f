"""A/B of the IVF kinds on the same vectors, interleaved in one run: ``ivf`` (float codes) against
``ivf_sq8`` (8-bit codes re-ranked exactly from the float vectors): recall@10 against exact search,
CPU-ms per one-thread search, index bytes.

    python -m newsqa.eval.bench_ann INDEX/segments/s000001/vectors.npy --n 200000 --queries 200

The queries are stored rows (the first ``--queries`` ones: in a padded index, real BBC passages)
plus a little noise, searched among the first ``--n`` rows.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import faiss
import numpy as np

from newsqa.embeddings.faiss_index import FaissSettings, Reranked, build_faiss_index


def _exact(x: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(q @ x.T), axis=1, kind="stable")[:, :k]


def ann_ab(x: np.ndarray, q: np.ndarray, nprobes=(8, 16, 32), rerank: int = 200, rounds: int = 3) -> list[dict]:
    """Recall@10 and CPU-ms per search of ``ivf`` and ``ivf_sq8`` at each nprobe (interleaved)."""
    want = _exact(x, q, 10)
    built = {}
    for kind in ("ivf", "ivf_sq8"):
        c = time.process_time()
        idx = build_faiss_index(x, FaissSettings(kind=kind))
        built[kind] = (idx, time.process_time() - c, idx.code_size * idx.ntotal)
    faiss.omp_set_num_threads(1)
    out = []
    for nprobe in nprobes:
        cpu = {"ivf": [], "ivf_sq8": []}
        found = {}
        for _ in range(rounds):  # A, B, A, B...: the machine's load falls on both alike
            for kind, (idx, _, _) in built.items():
                idx.nprobe = nprobe
                search = Reranked(idx, x, rerank) if kind == "ivf_sq8" else idx
                c = time.process_time()
                found[kind] = np.vstack([search.search(v.reshape(1, -1), 10)[1] for v in q])
                cpu[kind].append((time.process_time() - c) * 1e3 / len(q))
        for kind, (_, build_cpu, code_bytes) in built.items():
            recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found[kind], want)]))
            out.append({"kind": kind, "nprobe": nprobe, "recall_at_10": round(recall, 4),
                        "cpu_ms_per_search": round(float(np.median(cpu[kind])), 3), "code_bytes": int(code_bytes),
                        "build_cpu_s": round(build_cpu, 1)})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.bench_ann", description=__doc__.split("\n\n")[0])
    ap.add_argument("vectors", type=Path)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args(argv)
    v = np.load(args.vectors, mmap_mode="r")
    x = np.ascontiguousarray(v[:args.n], np.float32)
    rng = np.random.default_rng(3)
    q = x[:args.queries] + 0.05 * rng.standard_normal((args.queries, x.shape[1]), dtype=np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    for row in ann_ab(x, q):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
