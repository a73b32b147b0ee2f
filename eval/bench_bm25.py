"""BM25 query cost at growing index sizes, every posting scored against MaxScore pruning of frequent
terms (``qa.bm25.SegmentBM25.max_score_search``), interleaved in one run; the results must be equal.

    python -m newsqa.eval.bench_bm25 /work/idx/bbc3 PADDED-1M PADDED-2M \\
        --questions eval/questions/seed.jsonl /work/idx/squad-seed5-1000.jsonl --k 50 --rounds 3

Per index and question set: CPU-ms per search (the searching thread's ``time.thread_time``; one
search per question and variant per round, the variants alternating, the median of the rounds per
question), how often the pruned path answered (a segment's top k proved without a frequent term's
full postings), and how many searches returned other rows or scores than the full scoring (must
be 0: the pruning is exact). A warm-up round first reads every question's postings once, so both
variants see a warm page cache and filled document-frequency caches. Writes JSON lines to stdout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from newsqa.embeddings.reader import open_reader
from newsqa.qa.bm25 import PRUNE_FROM, PRUNE_RATIO, SegmentBM25

from .bench_ask import load_questions

NEVER = 1 << 62  # a prune_from no term reaches: every posting scored


class CountingBM25(SegmentBM25):
    """``SegmentBM25`` that counts the segment searches its pruned path answered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pruned = 0

    def max_score_search(self, *args):
        got = super().max_score_search(*args)
        self.pruned += got is not None
        return got


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))] if s else float("nan")


def _timed(bm25: SegmentBM25, q: str, k: int) -> tuple[float, tuple]:
    c = time.thread_time()
    got = bm25.search(q, k)
    return (time.thread_time() - c) * 1e3, got


def compare(index_dir: Path, questions: list[str], k: int, rounds: int, prune_from: int,
            prune_ratio: float = PRUNE_RATIO) -> dict:
    """Full against pruned BM25 on one index, interleaved: CPU-ms per search, pruned share, mismatches."""
    reader = open_reader(index_dir, ann=False)
    full, pruned = SegmentBM25(reader, prune_from=NEVER), CountingBM25(reader, prune_from=prune_from,
                                                                                  prune_ratio=prune_ratio)
    for q in questions:  # warm-up: postings paged in, df caches filled
        full.search(q, k), pruned.search(q, k)
    pruned.pruned = 0
    cpu = {"full": [[] for _ in questions], "pruned": [[] for _ in questions]}
    differ = 0
    for r in range(rounds):
        for i, q in enumerate(questions):
            order = (("full", full), ("pruned", pruned)) if (i + r) % 2 == 0 else (("pruned", pruned), ("full", full))
            got = {}
            for name, bm25 in order:
                ms, got[name] = _timed(bm25, q, k)
                cpu[name][i].append(ms)
            a, b = got["full"], got["pruned"]
            differ += a[0].tolist() != b[0].tolist() or a[1].tobytes() != b[1].tobytes()
    med = {name: [statistics.median(x) for x in per_q] for name, per_q in cpu.items()}
    postings = sum(int(np.asarray(s.postings["lex_indptr"])[-1]) for s in reader.segments)
    out = {"index": str(index_dir), "passages": reader.live_passages, "postings": postings, "questions": len(questions),
           "k": k, "rounds": rounds, "prune_from": prune_from, "prune_ratio": prune_ratio,
           "pruned_share": round(pruned.pruned / max(1, len(reader.segments) * len(questions) * rounds), 3),
           "searches_differing": differ}
    for name, xs in med.items():
        out[f"{name}_cpu_ms_p50"], out[f"{name}_cpu_ms_p95"] = round(_pct(xs, 50), 3), round(_pct(xs, 95), 3)
        out[f"{name}_cpu_ms_mean"] = round(statistics.fmean(xs), 3)
    out["pruned_over_full_mean"] = round(out["pruned_cpu_ms_mean"] / max(1e-9, out["full_cpu_ms_mean"]), 3)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.bench_bm25", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("indexes", type=Path, nargs="+", help="index folders, smallest first")
    ap.add_argument("--questions", type=Path, nargs="+", required=True, help="question files (JSONL, 'question' field)")
    ap.add_argument("--split", default=None, help="only questions of this split (e.g. dev); default: all")
    ap.add_argument("--n", type=int, default=300, help="at most this many questions of each file")
    ap.add_argument("--k", type=int, default=50, help="the depth asked (the retriever's default depth is 50)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--prune-from", type=int, default=PRUNE_FROM)
    ap.add_argument("--prune-ratio", type=float, default=PRUNE_RATIO)
    args = ap.parse_args(argv)
    sets = {p.name: load_questions(p, args.split)[: args.n] for p in args.questions}
    for index in args.indexes:
        for name, qs in sets.items():
            row = compare(index, qs, args.k, args.rounds, args.prune_from, args.prune_ratio)
            print(json.dumps({"questions_file": name, **row}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
