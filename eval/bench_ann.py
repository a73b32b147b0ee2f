"""A/B of IVF variants on the same vectors, interleaved in one run: ``ivf`` (float codes),
``ivf_sq8`` (8-bit codes re-ranked exactly from the float vectors), and ``ivf_sq8`` built cheaper
(an HNSW coarse quantizer, half the lists, half the k-means sample): recall@10 against exact
search, CPU-ms per one-thread search, build CPU-s, index bytes.

    python -m newsqa.eval.bench_ann INDEX/segments/s000001/vectors.npy --n 200000 --queries 200
    python -m newsqa.eval.bench_ann VECTORS --n 1000000 --variants ivf_sq8,ivf_sq8_hnswq,ivf_sq8_half_nlist

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


VARIANTS = {  # name -> FaissSettings fields
    "ivf": {"kind": "ivf"},
    "ivf_sq8": {"kind": "ivf_sq8"},
    "ivf_sq8_hnswq": {"kind": "ivf_sq8", "ivf_quantizer": "hnsw"},  # HNSW over the centroids
    "ivf_sq8_half_nlist": {"kind": "ivf_sq8", "nlist_scale": 0.5},  # 2 x sqrt(n) lists
    "ivf_sq8_train20": {"kind": "ivf_sq8", "ivf_train_per_list": 20},  # half the k-means sample
}


def _settings(n: int, fields: dict) -> FaissSettings:
    fields = dict(fields)
    scale = fields.pop("nlist_scale", 1.0)
    base = FaissSettings(**fields)
    return FaissSettings(**{**fields, "ivf_nlist": max(1, int(round(base.nlist(n) * scale)))}) if scale != 1.0 else base


def exact_top_k(x: np.ndarray, q: np.ndarray, k: int, step: int = 100_000) -> np.ndarray:
    """Exact top ``k`` rows of ``x`` for every query of ``q`` (inner product, best first), in ONE pass
    over ``x``: blocks of ``step`` rows against all queries at once, a running top ``k`` per query
    (a 10M x 384 ``x`` is 15 GB, read once; a block's scores are ``len(q) x step`` floats).
    ``x`` may be anything sliced into row blocks: an array, a memory map, ``segment.NpyRows``."""
    best_s, best_i = np.full((len(q), 0), -np.inf, np.float32), np.zeros((len(q), 0), np.int64)
    for a in range(0, len(x), step):
        s = q @ np.asarray(x[a:a + step], np.float32).T
        if s.shape[1] > k:  # the block's k best, unordered; ordered once they are merged below
            i = np.argpartition(-s, k - 1, axis=1)[:, :k]
        else:
            i = np.broadcast_to(np.arange(s.shape[1]), s.shape)
        best_s = np.hstack([best_s, np.take_along_axis(s, i, 1)])
        best_i = np.hstack([best_i, i + a])
        o = np.argsort(-best_s, axis=1, kind="stable")[:, :k]
        best_s, best_i = np.take_along_axis(best_s, o, 1), np.take_along_axis(best_i, o, 1)
    return best_i


def ann_ab(x: np.ndarray, q: np.ndarray, nprobes=(8, 16, 32), rerank: int = 200, rounds: int = 3,
           variants=("ivf", "ivf_sq8")) -> list[dict]:
    """Recall@10 and CPU-ms per search of each variant (``VARIANTS``) at each nprobe (interleaved),
    and each one's build CPU-s (k-means on the sample, then the adds)."""
    want = exact_top_k(x, q, 10)
    built = {}
    for kind in variants:
        c = time.process_time()
        idx = build_faiss_index(x, _settings(len(x), VARIANTS[kind]))
        built[kind] = (idx, time.process_time() - c, idx.code_size * idx.ntotal)
        print(json.dumps({"built": kind, "build_cpu_s": round(built[kind][1], 1), "nlist": idx.nlist}), flush=True)
    faiss.omp_set_num_threads(1)
    out = []
    for nprobe in nprobes:
        cpu = {kind: [] for kind in built}
        found = {}
        for _ in range(rounds):  # A, B, A, B...: the machine's load falls on both alike
            for kind, (idx, _, _) in built.items():
                idx.nprobe = nprobe
                search = Reranked(idx, x, rerank) if "sq8" in kind else idx
                c = time.process_time()
                found[kind] = np.vstack([search.search(v.reshape(1, -1), 10)[1] for v in q])
                cpu[kind].append((time.process_time() - c) * 1e3 / len(q))
        for kind, (idx, build_cpu, code_bytes) in built.items():
            recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found[kind], want)]))
            out.append({"kind": kind, "nlist": idx.nlist, "nprobe": nprobe, "recall_at_10": round(recall, 4),
                        "cpu_ms_per_search": round(float(np.median(cpu[kind])), 3), "code_bytes": int(code_bytes),
                        "build_cpu_s": round(build_cpu, 1)})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.bench_ann", description=__doc__.split("\n\n")[0])
    ap.add_argument("vectors", type=Path)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--variants", default="ivf,ivf_sq8", help="comma-separated, of: " + ", ".join(VARIANTS))
    ap.add_argument("--nprobes", default="8,16,32")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    v = np.load(args.vectors, mmap_mode="r")
    x = v[:args.n]  # memory-mapped: build_ivf reads it block by block
    rng = np.random.default_rng(3)
    q = np.asarray(x[:args.queries], np.float32) + 0.05 * rng.standard_normal((args.queries, x.shape[1]), dtype=np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    for row in ann_ab(x, q, tuple(int(p) for p in args.nprobes.split(",")), rounds=args.rounds,
                      variants=tuple(args.variants.split(","))):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
