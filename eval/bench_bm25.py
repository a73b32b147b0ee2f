"""BM25's pruned search against its full one: CPU per question, how often the prune holds, and
that both give the same rows and the same float32 scores for every question.

    python -m newsqa.eval.bench_bm25 --index IDX --questions Q.jsonl [--questions Q2.jsonl]
        [--headlines 200] [--rounds 3] [--k 50] [--out bm25.json]

Each question's terms and idf are looked up once (outside the timing); then, per round, three
searches run on each segment: ``before_search`` (the code before this change: every posting read,
each posting's passage length gathered), ``qa.bm25.full_search`` (every posting read, lengths
read once a row) and ``SegmentBM25.search_segment`` (``pruned_search`` where it can show the
result, else the full one), in alternating order, timed with ``time.thread_time`` (each
question's least CPU over the rounds is reported). Every result is compared with
``before_search``'s, rows and score bits; a question that differs is listed (exit status 1).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from newsqa.embeddings.reader import open_reader
from newsqa.qa.bm25 import SegmentBM25, full_search, query_terms, top_live

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


def before_search(post, hits, idf, k, live, allowed, scoring):
    """``SegmentBM25.search_segment`` as it was before pruning (each posting's passage length read
    per posting): the reference both new paths must equal, row for row and bit for bit."""
    parts_r, parts_s = [], []
    for t, (s, e) in hits:
        r = np.asarray(post["lex_rows"][s:e])
        tf = np.asarray(post["lex_tf"][s:e], dtype=np.float32)
        parts_r.append(r)
        parts_s.append(scoring.weights(idf[t], tf, np.asarray(post["lex_doclen"][r], dtype=np.float32)))
    cand, inverse = np.unique(np.concatenate(parts_r), return_inverse=True)
    scores = np.zeros(len(cand), dtype=np.float32)
    np.add.at(scores, inverse, np.concatenate(parts_s).astype(np.float32))
    return top_live(cand, scores, live, allowed, k)


def _timed(fn) -> tuple[float, object]:
    c = time.thread_time()
    got = fn()
    return (time.thread_time() - c) * 1e3, got


def _one(bm25: SegmentBM25, spans: list, idf: dict, k: int, new_first: bool) -> dict:
    """Both searches of one question over every segment: CPU ms, whether pruned, same result."""
    scoring = bm25.scoring()
    ms = {"before": 0.0, "full": 0.0, "new": 0.0}
    pruned, same = 0, True
    for seg, live, hits in zip(bm25.reader.segments, bm25.reader.live_rows, spans):
        if not hits:
            continue
        runs = [("before", lambda: before_search(seg.postings, hits, idf, k, live, None, scoring)),
                ("full", lambda: full_search(seg.postings, hits, idf, k, live, None, scoring)),
                ("new", lambda: bm25.search_segment_spans(seg, hits, idf, k, live, None))]
        got = {}
        for name, fn in (runs[::-1] if new_first else runs):
            got[name] = _timed(fn)
            ms[name] += got[name][0]
        br, bs = got["before"][1]
        for name in ("full", "new"):
            r, s = got[name][1]
            same &= np.array_equal(br, r) and bs.dtype == s.dtype and bs.tobytes() == s.tobytes()
        pruned += bm25.pruned_segment_search(seg, hits, idf, k, live, None) is not None
    return {**{f"{name}_ms": v for name, v in ms.items()}, "pruned": pruned, "same": bool(same)}


def _pct(xs: list[float], p: float) -> float:
    return float(np.percentile(xs, p)) if xs else 0.0


def run(index: Path, questions: list[str], rounds: int, k: int) -> dict:
    """Every question, both searches, ``rounds`` times; summary and the questions that differ."""
    reader = open_reader(index)
    bm25 = SegmentBM25(reader)
    prepared = _prepared(bm25, questions)
    times: dict[str, dict[int, list[float]]] = {"before": {}, "full": {}, "new": {}}
    differ, pruned = set(), {}
    for rnd in range(rounds):
        for i, (q, spans, idf) in enumerate(prepared):
            got = _one(bm25, spans, idf, k, new_first=(rnd + i) % 2 == 1)
            for name, per in times.items():
                per.setdefault(i, []).append(got[f"{name}_ms"])
            pruned[i] = got["pruned"]
            if not got["same"]:
                differ.add(q)
        print(f"round {rnd + 1}: " + ", ".join(f"{name} p50 {_pct([v[-1] for v in per.values()], 50):.2f} ms"
                                              for name, per in times.items()), file=sys.stderr, flush=True)
    least = {name: {i: min(v) for i, v in per.items()} for name, per in times.items()}  # over the rounds
    ids_all = list(least["new"])
    groups = {"all": ids_all, "pruned": [i for i in ids_all if pruned[i]], "not_pruned": [i for i in ids_all if not pruned[i]]}
    return {"index": str(index), "questions": len(prepared), "rounds": rounds, "k": k,
            "segments": len(reader.segments), "passages": reader.live_passages,
            "pruned_questions": len(groups["pruned"]), "differ": sorted(differ),
            **{g: {"questions": len(ids), **{f"{name}_ms": _summary([m[i] for i in ids]) for name, m in least.items()}}
               for g, ids in groups.items()}}


def _summary(xs: list[float]) -> dict:
    return {"p50": round(_pct(xs, 50), 3), "p95": round(_pct(xs, 95), 3), "mean": round(float(np.mean(xs)), 3) if xs else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--questions", type=Path, action="append", default=[], help="a question file (repeatable)")
    ap.add_argument("--headlines", type=int, default=0, help="also N questions made of BBC headlines (as eval.bench)")
    ap.add_argument("--headlines-from", type=Path, help="the index whose titles make them (default: --index; give the "
                    "BBC index for a padded one, whose generated titles all hold its filler words)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--k", type=int, default=50, help="the depth searched (the retriever's default: 50)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    questions = [q for path in args.questions for q in load_questions(path, None)]
    if args.headlines:
        questions += questions_from(args.headlines_from or args.index, args.headlines)
    res = run(args.index, questions, args.rounds, args.k)
    text = json.dumps(res, indent=1)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 1 if res["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
