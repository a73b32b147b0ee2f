"""BM25's pruned search against its full one: CPU per question, how often the prune holds, and
that both give the same rows and the same float32 scores for every question.

    python -m newsqa.eval.bench_bm25 --index IDX --questions Q.jsonl [--questions Q2.jsonl]
        [--headlines 200] [--rounds 3] [--k 50] [--out bm25.json]

Each question's terms and idf are looked up once (outside the timing); then, per round, both
searches of ``qa.bm25`` run on each segment (``full_search``: every posting read, the code before
pruning; ``search_segment``: ``pruned_search`` where it can show the result, else the full one),
in alternating order round by round, timed with ``time.thread_time``. Every result of the new
path is compared with the full path's, rows and score bits; a difference is counted and printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from newsqa.embeddings.reader import open_reader
from newsqa.qa.bm25 import SegmentBM25, full_search, query_terms

from .bench import questions_from
from .bench_ask import load_questions


def _prepared(bm25: SegmentBM25, questions: list[str]) -> list[tuple[str, list, dict]]:
    """(question, per-segment term spans, idf) of each question with a term the index holds."""
    out = []
    for q in questions:
        qterms = query_terms(q, bm25.df)
        if qterms:
            idf = {t: bm25.idf(t) for t in set(qterms)}
            out.append((q, [bm25.term_spans(seg, qterms) for seg in bm25.reader.segments], idf))
    return out


def _timed(fn) -> tuple[float, object]:
    c = time.thread_time()
    got = fn()
    return (time.thread_time() - c) * 1e3, got


def _one(bm25: SegmentBM25, spans: list, idf: dict, k: int, new_first: bool) -> dict:
    """Both searches of one question over every segment: CPU ms, whether pruned, same result."""
    scoring = bm25.scoring()
    full_ms = new_ms = 0.0
    pruned, same = 0, True
    for seg, live, hits in zip(bm25.reader.segments, bm25.reader.live_rows, spans):
        if not hits:
            continue
        runs = [("full", lambda: full_search(seg.postings, hits, idf, k, live, None, scoring)),
                ("new", lambda: bm25.search_segment_spans(seg, hits, idf, k, live, None))]
        got = {}
        for name, fn in (runs[::-1] if new_first else runs):
            got[name] = _timed(fn)
        full_ms += got["full"][0]
        new_ms += got["new"][0]
        (fr, fs), (nr, ns) = got["full"][1], got["new"][1]
        same &= np.array_equal(fr, nr) and fs.dtype == ns.dtype and fs.tobytes() == ns.tobytes()
        pruned += bm25.pruned_segment_search(seg, hits, idf, k, live, None) is not None
    return {"full_ms": full_ms, "new_ms": new_ms, "pruned": pruned, "same": bool(same)}


def _pct(xs: list[float], p: float) -> float:
    return float(np.percentile(xs, p)) if xs else 0.0


def run(index: Path, questions: list[str], rounds: int, k: int) -> dict:
    """Every question, both searches, ``rounds`` times; summary and the questions that differ."""
    reader = open_reader(index)
    bm25 = SegmentBM25(reader)
    prepared = _prepared(bm25, questions)
    full: dict[int, list[float]] = {}
    new: dict[int, list[float]] = {}
    differ, pruned = set(), {}
    for rnd in range(rounds):
        for i, (q, spans, idf) in enumerate(prepared):
            got = _one(bm25, spans, idf, k, new_first=(rnd + i) % 2 == 1)
            full.setdefault(i, []).append(got["full_ms"])
            new.setdefault(i, []).append(got["new_ms"])
            pruned[i] = got["pruned"]
            if not got["same"]:
                differ.add(q)
        print(f"round {rnd + 1}: full p50 {_pct([v[-1] for v in full.values()], 50):.2f} ms, "
              f"new p50 {_pct([v[-1] for v in new.values()], 50):.2f} ms", file=sys.stderr, flush=True)
    f = {i: min(v) for i, v in full.items()}  # each question's least CPU over the rounds
    n = {i: min(v) for i, v in new.items()}
    groups = {"all": list(f), "pruned": [i for i in f if pruned[i]], "not_pruned": [i for i in f if not pruned[i]]}
    return {"index": str(index), "questions": len(prepared), "rounds": rounds, "k": k,
            "segments": len(reader.segments), "passages": reader.live_passages,
            "pruned_questions": len(groups["pruned"]), "differ": sorted(differ),
            **{g: {"questions": len(ids), "full_ms": _summary([f[i] for i in ids]), "new_ms": _summary([n[i] for i in ids])}
               for g, ids in groups.items()}}


def _summary(xs: list[float]) -> dict:
    return {"p50": round(_pct(xs, 50), 3), "p95": round(_pct(xs, 95), 3), "mean": round(float(np.mean(xs)), 3) if xs else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--questions", type=Path, action="append", default=[], help="a question file (repeatable)")
    ap.add_argument("--headlines", type=int, default=0, help="also N questions made of the index's BBC headlines (as eval.bench)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--k", type=int, default=50, help="the depth searched (the retriever's default: 50)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    questions = [q for path in args.questions for q in load_questions(path, None)]
    if args.headlines:
        questions += questions_from(args.index, args.headlines)
    res = run(args.index, questions, args.rounds, args.k)
    text = json.dumps(res, indent=1)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 1 if res["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
