"""Encoder backends compared in one run: paragraphs/s, question-encode latency and vector parity
against torch fp32, every backend measured interleaved (A, B, C, A, B, C...) so that load from other
processes on a shared machine hits them alike; figures are ratios within the run.

    python -m newsqa.eval.bench_backends --paragraphs 600 --rounds 2 --out bench.json
    python -m newsqa.eval.bench_backends --questions-only --questions 200 --rounds 3 --out bench.json

Question encode: one question at a time (the first 200 BBC questions: the 178 dev ones, then
test), every backend in turn on each question, the order rotated per question, over ``--rounds``
rounds; the CPU time of the calling thread (``time.thread_time``: a question runs in the calling
thread on every backend, so other processes' load does not count) and the wall clock beside it.

The baseline is bare sentence-transformers ``model.encode`` (torch fp32) of the same texts; each
backend runs ``encode_passages`` (passage and pooled sentence vectors, what an index build runs).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from newsqa.embeddings.backends.choose import checked, installed, make_runner, resolve
from newsqa.embeddings.backends.cpu import cpu_flags, cpu_name, has_native_bf16
from newsqa.embeddings.backends.parity import min_cosine
from newsqa.embeddings.chunker import chunk_document
from newsqa.embeddings.encoder import load_encoder
from newsqa.embeddings.indexer import embed_text, sentence_spans
from newsqa.embeddings.readers import read_file

ROOT = Path(__file__).resolve().parents[1]
BBC = Path(os.environ.get("NEWSQA_SHARED", ROOT.parent / "shared")) / "corpus" / "bbc" / "articles"
QUESTIONS = ROOT / "eval" / "questions" / "bbc.jsonl"


def paragraphs(corpus: Path, n: int) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """The first ``n`` passages (as the index embeds them) of the corpus, files in sorted order."""
    texts, spans = [], []
    for f in sorted(p for p in corpus.rglob("*") if p.is_file()):
        for d in read_file(f).documents:
            for p in chunk_document(d):
                texts.append(embed_text(p))
                spans.append(sentence_spans(p))
                if len(texts) >= n:
                    return texts, spans
    return texts, spans


def questions(n: int) -> list[str]:
    """The first ``n`` BBC questions: the dev split, then test (repeated if ``n`` is larger)."""
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = [r["question"] for r in rows if r.get("split") == "dev"] + [r["question"] for r in rows if r.get("split") != "dev"]
    return (out * (n // max(1, len(out)) + 1))[:n]


def encoders(wanted: list[str]) -> dict:
    """torch fp32 plus each wanted backend that loads and passes parity (else it is reported as not used)."""
    base = load_encoder(None, backend="torch")
    out, notes = {"torch": base}, {}
    for b in wanted:
        if b == "onnx-int8":  # measured even when it fails parity (it is never used then)
            out[b] = checked(base, make_runner(b, base))
            notes[b] = f"parity {'holds' if out[b].parity.ok else 'fails'}: measured only, never chosen"
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            enc = resolve(base, b)
        notes[b] = enc.note or "; ".join(str(w.message) for w in caught)
        if enc is not base:
            out[b] = enc
    return out, notes


def bare_st_encode(base, texts: list[str]) -> tuple[np.ndarray, float]:
    """Bare ``SentenceTransformer.encode`` (torch fp32, its own batching) of ``texts`` by the torch
    encoder ``base``'s model: the baseline every backend figure is a ratio to; vectors and seconds."""
    t = time.perf_counter()
    v = base.model.encode(texts, batch_size=base.batch_size, normalize_embeddings=True)
    return v, time.perf_counter() - t


def run(texts, spans, encs: dict, rounds: int) -> dict:
    """Interleaved timings: per round, bare ST encode then each backend's encode_passages; then the
    question encodes (``question_encode``)."""
    base = encs["torch"]
    bulk: dict[str, list[float]] = {"bare": []}
    vecs, load = {}, []
    for _ in range(rounds):
        load.append(round(os.getloadavg()[0], 1))
        bare, seconds = bare_st_encode(base, texts)
        bulk["bare"].append(seconds)
        for name, enc in encs.items():
            t = time.perf_counter()
            vecs[name] = enc.encode_passages(texts, spans)
            bulk.setdefault(name, []).append(time.perf_counter() - t)
    ref_p, ref_s = vecs["torch"]
    out = {"load_average_per_round": load,
           "bare_st_fp32": {"seconds": [round(x, 2) for x in bulk["bare"]],
                            "paragraphs_per_s": round(len(texts) / min(bulk["bare"]), 1),
                            "min_cosine_vs_torch_runner": round(min_cosine(bare, ref_p), 6)}}
    for name in encs:
        best = min(bulk[name])
        out[name] = {"seconds": [round(x, 2) for x in bulk[name]], "paragraphs_per_s": round(len(texts) / best, 1),
                     "vs_bare_st": round(min(bulk["bare"]) / best, 3), "vs_torch": round(min(bulk["torch"]) / best, 3),
                     "vs_bare_st_per_round": [round(b / x, 3) for b, x in zip(bulk["bare"], bulk[name])],
                     "min_cosine_passage": round(min_cosine(vecs[name][0], ref_p), 6),
                     "min_cosine_sentence": round(min_cosine(vecs[name][1], ref_s), 6),
                     "parity": encs[name].parity.to_dict() if encs[name].parity else None}
    return out


def question_encode(qs: list[str], encs: dict, rounds: int = 3) -> dict:
    """Milliseconds of one question's encode per backend: CPU (the calling thread's) and wall, p10 /
    p50 / p90 over ``rounds`` x ``qs``, interleaved question by question, the order rotated each
    time; and each backend's min cosine to torch fp32 over the questions."""
    for enc in encs.values():
        enc.encode_queries(["A warm-up question?"])  # compiled and allocated before timing
    names = list(encs)
    cpu: dict[str, list[float]] = {n: [] for n in names}
    wall: dict[str, list[float]] = {n: [] for n in names}
    worst = {n: 1.0 for n in names}
    load = []
    for r in range(rounds):
        load.append(round(os.getloadavg()[0], 1))
        for i, q in enumerate(qs):
            k = (i + r) % len(names)
            vecs = {}
            for name in names[k:] + names[:k]:
                c, t = time.thread_time(), time.perf_counter()
                vecs[name] = encs[name].encode_queries([q])[0]  # uncached: the encoder keeps nothing
                wall[name].append((time.perf_counter() - t) * 1000)
                cpu[name].append((time.thread_time() - c) * 1000)
            for name in names:
                worst[name] = min(worst[name], float(vecs[name] @ vecs["torch"]))
    pct = lambda xs, p: round(float(np.percentile(xs, p)), 2)  # noqa: E731
    ref = statistics.median(cpu["torch"])
    return {"questions": len(qs), "rounds": rounds, "load_average_per_round": load,
            "clock": "ms; cpu: time.thread_time of the calling thread; wall: perf_counter",
            **{n: {"cpu_p50_ms": pct(cpu[n], 50), "cpu_p10_ms": pct(cpu[n], 10), "cpu_p90_ms": pct(cpu[n], 90),
                   "wall_p50_ms": pct(wall[n], 50), "cpu_vs_torch": round(ref / statistics.median(cpu[n]), 2),
                   "min_cosine_vs_torch": round(worst[n], 7)} for n in names}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.bench_backends", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=BBC)
    ap.add_argument("--paragraphs", type=int, default=600)
    ap.add_argument("--questions", type=int, default=200, help="single-question encodes per backend")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--backends", nargs="+", default=None, help="default: every installed one (bf16 where native)")
    ap.add_argument("--questions-only", action="store_true", help="only the question encode (no bulk encodes)")
    ap.add_argument("--out", type=Path, default=None, help="write the JSON here too (e.g. bench.json)")
    args = ap.parse_args(argv)
    wanted = args.backends or ([b for b in ("openvino", "onnx", "onnx-int8") if installed(b)]
                               + (["torch-bf16"] if has_native_bf16(cpu_flags()) else []))
    texts, spans = ([], []) if args.questions_only else paragraphs(args.corpus, args.paragraphs)
    if not texts and not args.questions_only:
        ap.error(f"no passages read from {args.corpus}: give --corpus")
    encs, notes = encoders(wanted)
    res = {"cpu": cpu_name(), "bf16_native": has_native_bf16(cpu_flags()), "paragraphs": len(texts),
           "sentences": sum(len(s) for s in spans), "rounds": args.rounds, "threads": str(encs["torch"].threads),
           "notes": notes, "results": run(texts, spans, encs, args.rounds) if texts else {},
           "question_encode": question_encode(questions(args.questions), encs, args.rounds)}
    text = json.dumps(res, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
