"""Benchmarks of one machine, measured in one run: build throughput against the bare model, ``ask``
latency at growing index sizes, cold start, memory, bytes per passage, approximate-search recall,
and re-indexing an unchanged corpus. Writes ``bench.json`` and ``bench.md`` to ``--out``.

    python -m newsqa.eval.bench --sizes 10k,100k,1m --out bench-out
    python -m newsqa.eval.bench --sizes 10k --build-files 300 --out quick     # a few minutes

Sizes above the real corpus (BBC, ~12.7k passages) are padded with generated passages (words drawn
from the BBC vocabulary by frequency) and random unit vectors of the model's dimension, written with
``embeddings.store.write_generation`` directly; the output says so. Padded indexes are cached in
``--cache`` (rebuilt when missing). Absolute times on a shared machine are noisy: compare the ratios
measured within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from newsqa.embeddings.chunker import chunk_document
from newsqa.embeddings.documents import content_hash
from newsqa.embeddings.encoder import load_encoder
from newsqa.embeddings.faiss_index import FaissSettings
from newsqa.embeddings.indexer import embed_text, update_index
from newsqa.embeddings.lexical import TOKENIZER_VERSION, terms
from newsqa.embeddings.manifest import MANIFEST, read_manifest
from newsqa.embeddings.reader import open_reader
from newsqa.embeddings.readers import iter_files, read_file
from newsqa.embeddings.segment import (NpyRows, NpyWriter, SegmentData, append_postings, documents_table, file_name, finish_segment,
                                       new_segment_folder, publish_segment, postings_csr as _csr, spill_postings)
from newsqa.embeddings.store import load_snapshot, publish, writer_lock
from newsqa.qa.engine import Engine

from .bench_ann import exact_top_k
from .bench_ask import bench_stages, stages_markdown
from .bench_backends import bare_st_encode
from .bench_updates import bench_updates

ROOT = Path(__file__).resolve().parents[1]
BBC_DEFAULT = ROOT.parent / "shared" / "corpus" / "bbc" / "articles"
PAD_SEED = 7
PAD_PASSAGES_PER_DOC = 10
PAD_CHUNK = 250_000  # generated passages made and written at a time (~0.6 GB of working memory)


def parse_size(s: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", s.strip().lower())
    if not m:
        raise SystemExit(f"bad size {s!r}: use e.g. 10k, 100k, 1m or a number")
    return int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)])


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import torch  # imported here: only a benchmark run needs it (tests import this module for its helpers)

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "ram_gib": round(mem / 2**30, 1),
            "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()], "shared_with_other_processes": True}


def _pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q)) if xs else float("nan")


# -- build ------------------------------------------------------------------------------------------

class TimedEncoder:
    """The encoder, with the time spent inside the model (``encode_passages``) added up."""

    def __init__(self, encoder):
        self.inner = encoder
        self.name, self.checksum, self.dimension = encoder.name, encoder.checksum, encoder.dimension
        self.model_dir = getattr(encoder, "model_dir", "")
        self.seconds = 0.0

    def encode_documents(self, texts, *, progress=False):
        t = time.perf_counter()
        try:
            return self.inner.encode_documents(texts, progress=progress)
        finally:
            self.seconds += time.perf_counter() - t

    def encode_passages(self, texts, spans, *, progress=False):
        t = time.perf_counter()
        try:
            return self.inner.encode_passages(texts, spans, progress=progress)
        finally:
            self.seconds += time.perf_counter() - t

    def encode_queries(self, texts):
        return self.inner.encode_queries(texts)


def bench_build(corpus: Path, work: Path, encoder, files: int | None) -> tuple[dict, Path]:
    """First build vs the bare model on the same texts, then a re-index of the unchanged corpus.

    Two ratios: the direct one (bare encode time / build time; bare runs before and after the build,
    averaged, against load drifting) and one from the pipeline's own overhead (build time minus the
    time the build spent inside the model), which the load of other processes disturbs far less.
    """
    src: list[Path] | Path = corpus
    if files:
        src = [p for p in iter_files([corpus]) if isinstance(p, Path)][:files]
    index_dir = work / ("bbc-index" if not files else f"bbc-{files}-files")
    shutil.rmtree(index_dir, ignore_errors=True)
    texts_l = _texts_to_encode(src if isinstance(src, list) else [src])

    def bare() -> float:
        t = time.perf_counter()
        encoder.encode_documents(texts_l)
        return time.perf_counter() - t

    encoder.encode_documents(texts_l[:256])  # warm-up: the first encode of a process runs slower
    st_fp32 = _bare_st_fp32(texts_l)
    st1, bare1 = st_fp32(), bare()
    timed = TimedEncoder(encoder)
    report = update_index(src if isinstance(src, list) else [src], index_dir, encoder=timed, progress=False)
    bare2, st2 = bare(), st_fp32()
    re_report = update_index(src if isinstance(src, list) else [src], index_dir, encoder=encoder, progress=False)
    bare_s = (bare1 + bare2) / 2
    overhead = report.seconds - timed.seconds
    out = {
        "documents": report.documents_total, "passages": report.passages_total, "encoded_texts": report.encoded,
        "build_s": round(report.seconds, 2), "bare_encode_s": [round(bare1, 2), round(bare2, 2)],
        "build_passages_per_s": round(report.added / report.seconds, 1),
        "bare_passages_per_s": round(len(texts_l) / bare_s, 1),
        # the same texts encoded either way: the ratio is the pipeline's share of the time
        "build_vs_bare": round(bare_s / report.seconds, 3),
        "build_encode_s": round(timed.seconds, 2), "pipeline_overhead_s": round(overhead, 2),
        # the build's overhead against the bare encode of the same texts in this run
        "build_vs_bare_from_overhead": round(bare_s / (bare_s + overhead), 3),
        "reindex_unchanged_s": round(re_report.seconds, 3),
        "reindex_fraction": round(re_report.seconds / report.seconds, 4),
        "reindex_written": re_report.written,
    }
    out["same_texts"] = report.encoded == len(texts_l)
    # issue 14's measure: the whole build against bare sentence-transformers torch fp32 of the same texts
    out["bare_st_fp32_s"] = [round(st1, 2), round(st2, 2)]
    out["build_vs_bare_st_fp32"] = round((st1 + st2) / 2 / report.seconds, 3)
    return out, index_dir


def _bare_st_fp32(texts: list[str]):
    """A timer of bare ``SentenceTransformer.encode`` (torch fp32, the model's own batching) of ``texts``."""
    base = load_encoder(None, backend="torch")
    bare_st_encode(base, texts[:256])  # warm-up
    return lambda: bare_st_encode(base, texts)[1]


def _texts_to_encode(paths: list[Path]) -> list[str]:
    """The texts a build of ``paths`` encodes, found by reading and chunking once (not timed)."""
    texts: dict[str, None] = {}
    seen: set[str] = set()
    for p in iter_files(paths):
        if not isinstance(p, Path):
            continue
        for d in read_file(p).documents:
            if d.doc_id not in seen:
                seen.add(d.doc_id)
                texts.update((embed_text(x), None) for x in chunk_document(d))
    return list(texts)


# -- padded stores ---------------------------------------------------------------------------------

def build_padded(base_dir: Path, target: int, cache: Path, ann: str = "auto", chunk: int = PAD_CHUNK,
                 nlist: int = 0) -> tuple[Path, dict]:
    """An index of ``target`` passages: the base index's plus generated ones, as ONE segment (so its
    ANN kind is the one an index of that size gets), cached by size.

    Streamed: the generated passages are made ``chunk`` at a time and appended to the segment's
    files (Arrow record batches, ``.npy`` rows), so memory follows the chunk, not the index; the
    ANN index is trained on a sample and filled block by block from the written ``vectors.npy``.
    """
    base = open_reader(base_dir, ann=False)
    n_real = base.live_passages
    out = cache / (f"padded-{target}-from-{n_real}-v4{'' if ann == 'auto' else '-' + ann}"  # v4: streamed chunks
                   + (f"-nlist{nlist}" if nlist else ""))
    if (out / MANIFEST).exists():
        return out, json.loads((out / "bench-padding.json").read_text())
    if len(base.segments) != 1 or base.info.tombstones:
        raise SystemExit(f"{base_dir}: compact it to one segment first (newsqa compact --full --index {base_dir})")
    chunk = max(PAD_PASSAGES_PER_DOC, chunk - chunk % PAD_PASSAGES_PER_DOC)  # whole generated documents a chunk
    pad = max(0, target - n_real)
    t0, c0 = time.perf_counter(), time.process_time()
    with writer_lock(out):
        tmp = new_segment_folder(out, ".bench.tmp")
        _write_padded_files(tmp, base.segments[0], pad, chunk)
        t1, c1 = time.perf_counter(), time.process_time()
        fields = finish_segment(tmp, {}, _pad_settings(base, ann, nlist), TOKENIZER_VERSION)
        t2, c2 = time.perf_counter(), time.process_time()
        publish(out, None, base={k: getattr(base.info, k) for k in ("model", "chunker", "faiss", "metric", "normalized")},
                segments=[publish_segment(tmp, "s000001", fields)], tombstones={}, deleted_files=[],
                counts={"documents": fields["documents"], "passages": fields["passages"], "files": 0})
    read_manifest(out)
    info = {"real_passages": n_real, "generated_passages": pad,
            "generated_documents": (pad + PAD_PASSAGES_PER_DOC - 1) // PAD_PASSAGES_PER_DOC,
            "padding": "generated passages (BBC words by frequency) with random unit vectors",
            "generate_s": round(t1 - t0, 1), "generate_cpu_s": round(c1 - c0, 1), "ann_build_s": round(t2 - t1, 1),
            "ann_build_cpu_s": round(c2 - c1, 1), "write_segment_s": round(t2 - t0, 1), "faiss_kind": fields["ann"],
            "ann_params": fields["ann_params"], "chunk": chunk, "build_peak_rss_mb": round(_memory_mb().get("VmHWM", 0)),
            "disk_bytes": sum(f.stat().st_size for f in out.rglob("*") if f.is_file())}
    (out / "bench-padding.json").write_text(json.dumps(info))
    return out, info


def _pad_settings(base, ann: str, nlist: int = 0) -> FaissSettings:
    settings = FaissSettings.from_dict(base.info.faiss)
    if ann != "auto":  # e.g. flat: an update benchmark on a machine too loaded to build an ANN index
        settings = FaissSettings(**{**settings.to_dict(), "kind": ann})
    if nlist:  # e.g. 2 x sqrt(n) lists: a cheaper build (docs/performance.md, sixth round)
        settings = FaissSettings(**{**settings.to_dict(), "ivf_nlist": nlist})
    return settings


def _write_padded_files(tmp: Path, seg, pad: int, chunk: int) -> None:
    """The padded segment's tables and arrays in ``tmp``: the base segment's rows, then ``pad``
    generated ones made and appended ``chunk`` at a time; postings merged at the end."""
    rng = np.random.default_rng(PAD_SEED)
    vocab, freq = _vocabulary(seg.passages.column("text").to_pylist())
    n, dim, n_sent = len(seg) + pad, seg.vectors.shape[1], seg.info.sentences + pad
    parts, offsets = [lambda: seg.postings], [0]
    with pa.OSFile(str(tmp / file_name("passages")), "wb") as ps, pa.OSFile(str(tmp / file_name("documents")), "wb") as ds, \
            pa.ipc.new_file(ps, seg.passages.schema) as pw, pa.ipc.new_file(ds, seg.documents.schema) as dw, \
            NpyWriter(tmp / file_name("vectors"), (n, dim), np.float32) as vw, \
            NpyWriter(tmp / file_name("sentences"), (n_sent, dim), np.float16) as sw, \
            NpyWriter(tmp / file_name("sentence_rows"), (n + 1,), np.int64) as rw:
        pw.write_table(seg.passages)
        dw.write_table(seg.documents)
        vw.append(np.asarray(seg.vectors))
        sw.append(np.asarray(seg.sentence_vectors))
        rw.append(np.asarray(seg.sentence_rows))
        for first in range(0, pad, chunk):
            lengths = rng.integers(12, 40, size=min(chunk, pad - first))
            drawn = rng.choice(len(vocab), size=int(lengths.sum()), p=freq)
            gen = _generated_segment(vocab, drawn, lengths, first, dim, rng, doc_base=seg.info.documents)
            pw.write_table(gen.passages.select(seg.passages.schema.names).cast(seg.passages.schema))
            dw.write_table(gen.documents.select(seg.documents.schema.names).cast(seg.documents.schema))
            vw.append(gen.vectors)
            sw.append(gen.sentence_vectors)  # a generated passage is one sentence: its own vector
            rw.append(seg.info.sentences + first + np.arange(1, len(gen) + 1))
            parts.append(spill_postings(tmp / f".postings-{first}", gen.postings))  # on disk until merged
            offsets.append(len(seg) + first)
            del gen, drawn
    for key, arr in append_postings(parts, offsets, n).items():
        with open(tmp / file_name(key), "wb") as f:
            np.save(f, arr, allow_pickle=False)
    for spill in tmp.glob(".postings-*"):
        shutil.rmtree(spill)


def _vocabulary(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The words of ``texts`` (first seen first) and their relative frequencies."""
    words: dict[str, int] = {}
    for t in texts:
        for w in re.findall(r"[A-Za-z]+", t):
            words[w] = words.get(w, 0) + 1
    vocab = np.array(list(words))
    freq = np.array(list(words.values()), dtype=np.float64)
    freq /= freq.sum()
    return vocab, freq


def _generated_segment(vocab: np.ndarray, drawn: np.ndarray, lengths: np.ndarray, first: int, dim: int, rng,
                       doc_base: int = 0):
    """Generated passages ``first`` .. ``first + len(lengths)`` as segment data, built column-wise (no
    Passage objects: 1M of them would take most of the build): one sentence of drawn words per
    passage, ten per document (``first`` is a multiple of ten: a chunk holds whole documents);
    its ``doc`` column counts from ``doc_base`` (the base segment's documents come first)."""
    pad = len(lengths)
    cuts = np.concatenate([[0], np.cumsum(lengths)])
    texts = [" ".join(vocab[drawn[cuts[k]:cuts[k + 1]]].tolist()).capitalize() + "." for k in range(pad)]
    doc_of = (first + np.arange(pad)) // PAD_PASSAGES_PER_DOC
    para = (first + np.arange(pad)) % PAD_PASSAGES_PER_DOC + 1
    starts, ends, docs, doc_ids, titles = _generated_documents(texts, para, first // PAD_PASSAGES_PER_DOC)
    local = doc_of - first // PAD_PASSAGES_PER_DOC
    str_col = lambda v: pa.array(v, pa.string())  # noqa: E731
    passages = pa.table({
        "passage_id": str_col([f"{first + k:016x}" for k in range(pad)]), "doc_id": str_col(np.array(doc_ids)[local].tolist()),
        "doc": pa.array((doc_of + doc_base).astype(np.int32)), "kind": str_col(["paragraph"] * pad),
        "paragraph": pa.array(para.astype(np.int32)), "part": pa.array(np.zeros(pad, np.int32)),
        "start": pa.array(starts), "end": pa.array(ends), "text": str_col(texts),
        "sentence_starts": pa.array([[int(x)] for x in starts], pa.list_(pa.int64())),
        "sentence_ends": pa.array([[int(x)] for x in ends], pa.list_(pa.int64())),
        "heading": str_col([""] * pad), "title": str_col(np.array(titles)[local].tolist()), "date": str_col([""] * pad),
        "source": str_col(["generated"] * pad), "section": str_col(["generated"] * pad),
        "embed_hash": pa.array(rng.integers(0, 2**63, size=pad, dtype=np.int64).astype(np.uint64)),
    })
    postings = _generated_postings(vocab, drawn, lengths, first)
    vec = rng.standard_normal((pad, dim), dtype=np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    # A generated passage is one sentence: its sentence vector is its passage vector.
    return SegmentData(passages, documents_table(docs), vec, vec.astype(np.float16),
                       np.arange(pad + 1, dtype=np.int64), postings, {})


def _generated_documents(texts: list[str], para: np.ndarray, first_doc: int = 0):
    """The generated articles (a title, then ten passages each; numbered from ``first_doc``): the
    passages' offsets and the documents."""
    pad = len(texts)
    starts, ends, docs, doc_ids, titles = np.zeros(pad, np.int64), np.zeros(pad, np.int64), [], [], []
    for i in range((pad + PAD_PASSAGES_PER_DOC - 1) // PAD_PASSAGES_PER_DOC):
        j = first_doc + i
        title = f"Generated filler article {j}"
        text, blocks = title, [["headline", 0, len(title), 0, ""]]
        for k in range(i * PAD_PASSAGES_PER_DOC, min(pad, (i + 1) * PAD_PASSAGES_PER_DOC)):
            starts[k] = len(text) + 2
            text = text + "\n\n" + texts[k]
            ends[k] = starts[k] + len(texts[k])
            blocks.append(["paragraph", int(starts[k]), int(ends[k]), int(para[k]), ""])
        doc_ids.append(content_hash("bench-padding", str(j), n=16))
        titles.append(title)
        docs.append({"doc_id": doc_ids[-1], "title": title, "date": "", "source": "generated", "section": "generated",
                     "url": "", "origin": "bench padding", "published": "", "format": "generated", "text": text,
                     "blocks": blocks})
    return starts, ends, docs, doc_ids, titles


def _generated_postings(vocab: np.ndarray, drawn: np.ndarray, lengths: np.ndarray, first: int = 0) -> dict:
    """The BM25 postings of generated passages ``first`` .. (rows counted from 0 within them)."""
    pad = len(lengths)
    first_doc = first // PAD_PASSAGES_PER_DOC
    doc_of = (first + np.arange(pad)) // PAD_PASSAGES_PER_DOC - first_doc
    n_docs = int(doc_of[-1]) + 1 if pad else 0
    # Postings without tokenising 1M texts: each drawn word's term is known from the vocabulary,
    # and every passage's embedded text starts with its title ("Generated filler article J").
    vocab_terms = [terms(w) for w in vocab.tolist()]
    title_terms = terms("Generated filler article")
    names = sorted({t[0] for t in vocab_terms if t} | set(title_terms))
    tid = {t: i for i, t in enumerate(names)}
    word_term = np.array([tid[t[0]] if t else -1 for t in vocab_terms], np.int64)
    number_base = len(names)
    names = names + [str(first_doc + j) for j in range(n_docs)]
    tok_t = word_term[drawn]
    tok_r = np.repeat(np.arange(pad), lengths)
    keep = tok_t >= 0
    tok_t, tok_r = tok_t[keep], tok_r[keep]
    title_t = np.concatenate([np.repeat(np.array([tid[t] for t in title_terms]), pad), number_base + doc_of])
    title_r = np.concatenate([np.tile(np.arange(pad), len(title_terms)), np.arange(pad)])
    key = np.concatenate([tok_t, title_t]) * pad + np.concatenate([tok_r, title_r])
    del tok_t, tok_r
    uniq, tf = np.unique(key, return_counts=True)
    doclen = (np.bincount(np.repeat(np.arange(pad), lengths)[keep], minlength=pad) + len(title_terms) + 1).astype(np.int32)
    return _csr(np.array(names), uniq // pad, (uniq % pad).astype(np.int32), tf.astype(np.float32), doclen)


# -- serving (in a fresh process per index) --------------------------------------------------------

def serve(index_dir: Path, questions: list[str], warmup: int) -> dict:
    """Cold start, latency, memory and recall of one index, measured in this (fresh) process."""
    t0 = time.perf_counter()
    enc = load_encoder(None)
    t1 = time.perf_counter()
    engine = Engine.open(index_dir, encoder=enc)
    t2 = time.perf_counter()
    engine.ask(questions[0])
    t3 = time.perf_counter()
    for q in questions[1:1 + warmup]:
        engine.ask(q)
    lat, cpu, parts = [], [], {"embed": [], "retrieve": [], "answer": []}
    abstained = 0
    timed = questions[1 + warmup:]
    for q in timed:
        t, c = time.perf_counter(), time.process_time()
        a = engine.ask(q)
        lat.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)  # on a shared machine wall time is mostly waiting
        abstained += a.abstained
        for k in parts:
            parts[k].append(a.timings_ms[k])
    snap = engine.reader
    qvecs = enc.encode_queries(timed)
    bm25_ms, dense_ms, dense_cpu = _retrieval_ms(engine.retriever, timed, qvecs)
    served = _memory_mb()  # before the recall check, whose exact scans map every stored vector
    recall = _ann_recall(snap, qvecs)
    size = sum(f.stat().st_size for s in snap.segments for f in s.dir.rglob("*") if f.is_file())
    vm = _memory_mb()
    return {
        "passages": snap.live_passages, "faiss": "+".join(sorted({s.info.ann for s in snap.segments})),
        "segments": len(snap.segments),
        "open_plus_first_answer_s": round(t3 - t1, 3), "open_s": round(t2 - t1, 3), "first_answer_s": round(t3 - t2, 3),
        "model_load_s": round(t1 - t0, 3), "cold_with_model_s": round(t3 - t0, 3),
        "ask_ms_p50": round(_pct(lat, 50), 1), "ask_ms_p95": round(_pct(lat, 95), 1), "asks": len(lat),
        "ask_cpu_ms_p50": round(_pct(cpu, 50), 1), "ask_cpu_ms_p95": round(_pct(cpu, 95), 1),
        "abstained": abstained,
        "embed_ms_p50": round(_pct(parts["embed"], 50), 1), "retrieve_ms_p50": round(_pct(parts["retrieve"], 50), 1),
        "answer_ms_p50": round(_pct(parts["answer"], 50), 1),
        "bm25_ms_p50": round(_pct(bm25_ms, 50), 2), "bm25_ms_p95": round(_pct(bm25_ms, 95), 2),
        "dense_ms_p50": round(_pct(dense_ms, 50), 2), "dense_ms_p95": round(_pct(dense_ms, 95), 2),
        "dense_cpu_ms_p50": round(_pct(dense_cpu, 50), 2),
        "recall_at_10": None if recall is None else round(recall, 4),
        "peak_rss_mb": round(vm.get("VmHWM", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), 0),
        "rss_mb": round(vm.get("VmRSS", 0), 0),
        "serving_peak_rss_mb": round(served.get("VmHWM", 0), 0), "serving_rss_mb": round(served.get("VmRSS", 0), 0),
        "index_bytes": size, "bytes_per_passage": round(size / max(1, len(snap.passages)), 0),
    }


def _retrieval_ms(retr, questions: list[str], qvecs) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds of BM25 and of dense search (top 50) for each question, and the dense search's CPU ms."""
    bm25_ms, dense_ms, dense_cpu = [], [], []
    for q, v in zip(questions, qvecs):
        t = time.perf_counter()
        retr.bm25.search(q, 50)
        bm25_ms.append((time.perf_counter() - t) * 1e3)
        t, c = time.perf_counter(), time.process_time()
        retr.dense_search(v, 50, None)
        dense_ms.append((time.perf_counter() - t) * 1e3)
        dense_cpu.append((time.process_time() - c) * 1e3)
    return bm25_ms, dense_ms, dense_cpu


def _ann_recall(snap, qvecs) -> float | None:
    """Recall@10 of the largest segment's ANN index against exact search (None: it is exact). The
    exact search is one pass over the stored vectors for all questions (``bench_ann.exact_top_k``),
    read with ``pread`` (``NpyRows``): at 10M they are 15 GB, read once, never mapped into this
    process's RSS."""
    big = max(snap.segments, key=len)
    if big.faiss is None:
        return None
    _, approx = big.faiss.search(qvecs, 10)
    stored = big.dir / file_name("vectors")
    exact = exact_top_k(NpyRows(stored) if stored.exists() else big.vectors, np.asarray(qvecs, np.float32), 10)
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(approx.tolist(), exact.tolist())]))


def _memory_mb() -> dict[str, float]:
    """This process's VmRSS and VmHWM (peak) in MB, from /proc/self/status."""
    vm = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            vm[line.split(":")[0]] = int(line.split()[1]) / 1024
    return vm


def questions_from(index_dir: Path, n: int) -> list[str]:
    """Questions made of BBC headlines (one per article, spread over the corpus)."""
    reader = load_snapshot(index_dir)
    titles = sorted({t for s in reader.segments for t in s.documents.column("title").to_pylist() if t})
    rng = np.random.default_rng(11)
    return [f"What happened: {t}?" for t in rng.choice(titles, size=min(n, len(titles)), replace=False)]


def serve_in_subprocess(index_dir: Path, questions: list[str], warmup: int) -> dict:
    qfile = index_dir.parent / f".bench-questions-{os.getpid()}.json"
    qfile.write_text(json.dumps(questions))
    r = subprocess.run([sys.executable, "-m", "newsqa.eval.bench", "--serve", str(index_dir), "--questions", str(qfile),
                        "--warmup", str(warmup)], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    qfile.unlink(missing_ok=True)
    if r.returncode:
        raise RuntimeError(f"serving {index_dir} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# -- report ----------------------------------------------------------------------------------------

def markdown(res: dict) -> str:
    m, b = res["machine"], res.get("build")
    lines = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, no GPU, torch {m['torch_threads']} threads, "
             f"Python {m['python']}; shared with other processes (load average {m['load_avg_at_start']} at start). "
             f"Model all-MiniLM-L6-v2 (384-d).", ""]
    if b:
        lines += ["| build (BBC) | value |", "|---|---|",
                  f"| passages (documents) | {b['passages']} ({b['documents']}) |",
                  f"| index build | {b['build_passages_per_s']} passages/s ({b['build_s']} s) |",
                  f"| bare `encode`, same texts | {b['bare_passages_per_s']} passages/s ({b['bare_encode_s']} s, before/after) |",
                  f"| build / bare encode, direct | {b['build_vs_bare']} (target ≥ 0.85; bare runs differ by load) |",
                  f"| pipeline overhead (build − time inside `encode_passages`: the model and the sentence pooling) | {b['pipeline_overhead_s']} s of {b['build_s']} s |",
                  f"| **build / bare encode, from the overhead** | **{b['build_vs_bare_from_overhead']}** (target ≥ 0.85) |",
                  f"| bare sentence-transformers torch fp32, same texts | {b.get('bare_st_fp32_s')} s, before/after |",
                  f"| **build / bare sentence-transformers torch fp32** | **{b.get('build_vs_bare_st_fp32')}** (issue 14 target ≥ 2.0) |",
                  f"| re-index unchanged corpus | {b['reindex_unchanged_s']} s = **{100 * b['reindex_fraction']:.2f}%** of the first build (target < 5%) |",
                  ""]
    lines += ["| passages | index | `ask` p50 / p95 ms | embed / retrieve / answer p50 ms | dense p50 ms | BM25 p50 / p95 ms "
              "| open + 1st answer s (with model load) | peak RSS MB | bytes / passage | recall@10 vs exact |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for s in res["serving"]:
        pad = " (padded)" if s.get("padding") else ""
        lines.append(
            f"| {s['passages']:,}{pad} | {s['faiss']} | {s['ask_ms_p50']} / {s['ask_ms_p95']} | "
            f"{s['embed_ms_p50']} / {s['retrieve_ms_p50']} / {s['answer_ms_p50']} | {s['dense_ms_p50']} | "
            f"{s['bm25_ms_p50']} / {s['bm25_ms_p95']} | {s['open_plus_first_answer_s']} ({s['cold_with_model_s']}) | "
            f"{s['peak_rss_mb']:.0f} | {s['bytes_per_passage']:.0f} | {s['recall_at_10'] if s['recall_at_10'] is not None else 'exact'} |")
    if any(s.get("padding") for s in res["serving"]):
        lines += ["", "Padded: above the real BBC passages, generated passages (BBC words drawn by frequency) with "
                  "random unit vectors; questions are BBC headlines, so their true neighbours are real passages."]
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m newsqa.eval.bench", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k,1m", help="index sizes to serve (the smallest real one is BBC itself)")
    ap.add_argument("--corpus", type=Path, default=BBC_DEFAULT)
    ap.add_argument("--out", type=Path, default=Path("bench-out"))
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsqa-bench-cache")
    ap.add_argument("--build-files", type=int, default=None, help="build from only the first N files (quick runs)")
    ap.add_argument("--no-build", action="store_true", help="reuse the cached BBC index; skip the build benchmark")
    ap.add_argument("--questions-n", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--backend", default=None, help="encoder backend for the build and serving (default: "
                    "$NEWSQA_BACKEND or auto); python -m newsqa.eval.bench_backends compares them")
    ap.add_argument("--updates", action="store_true",
                    help="benchmark updates instead of serving: add/visible/delete/compact per size (bench.json 'updates')")
    ap.add_argument("--adds", type=int, default=20, help="single-article adds per size (--updates)")
    ap.add_argument("--model", default=None, help="--updates: the model ('hashing': the test encoder, to time the "
                    "index side alone; default: the packaged model)")
    ap.add_argument("--pad-nlist", type=int, default=0, help="IVF lists of a padded index (0: 4 x sqrt(n))")
    ap.add_argument("--pad-ann", choices=["auto", "flat", "hnsw", "ivf", "ivf_sq8"], default="auto",
                    help="ANN kind of a padded index (default: by size, IVF at 1M; flat skips the ANN build)")
    ap.add_argument("--stages", action="store_true",
                    help="where an ask's time goes: thread CPU ms per stage on one thread (eval.bench_ask), per "
                         "--backends and checkout (--compare), interleaved --rounds; writes stages.json / stages.md")
    ap.add_argument("--stages-index", type=Path, default=None, help="--stages: the index (default: the cached BBC index)")
    ap.add_argument("--stages-questions", type=Path, default=ROOT / "eval" / "questions" / "bbc.jsonl")
    ap.add_argument("--stages-split", default="dev", help="--stages: the questions' split ('all': every one)")
    ap.add_argument("--backends", default="onnx,torch", help="--stages: encoder backends, comma-separated")
    ap.add_argument("--compare", type=Path, action="append", default=[],
                    help="--stages: another checkout of newsqa to measure beside this one (repeatable)")
    ap.add_argument("--rounds", type=int, default=2, help="--stages: interleaved rounds of every (checkout, backend)")
    ap.add_argument("--stages-passes", type=int, default=1,
                    help="--stages: ask the questions N times in each process, report the last pass (engine caches "
                         "of one entry: what stays is the mapped index pages the questions touched, a server's steady state)")
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--questions", type=Path, help=argparse.SUPPRESS)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if args.backend:  # this entry point's own process and the serving subprocesses it starts
        os.environ["NEWSQA_BACKEND"] = args.backend
    if args.serve:
        print(json.dumps(serve(args.serve, json.loads(args.questions.read_text()), args.warmup)))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.stages:
        return run_stages(args)
    res: dict = {"machine": machine(), "serving": [], "padding": {}}

    def save():
        (args.out / "bench.json").write_text(json.dumps(res, indent=2))
        (args.out / "bench.md").write_text(markdown(res))

    base = _base_index(args, res, save)
    questions = questions_from(base, args.questions_n + args.warmup + 1)
    n_real = read_manifest(base).counts.passages
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    if args.updates:
        _run_updates(args, base, n_real, sizes, res, save, questions)
        return 0
    for size in sizes:
        if size <= n_real * 1.5:
            index_dir, info = base, None
        else:
            index_dir, info = build_padded(base, size, args.cache, args.pad_ann, nlist=args.pad_nlist)
            res["padding"][str(size)] = info
        s = serve_in_subprocess(index_dir, questions, args.warmup)
        s["padding"] = info
        res["serving"].append(s)
        save()
        print(json.dumps(s), flush=True)
    print((args.out / "bench.md").read_text())
    return 0


def run_stages(args) -> int:
    """--stages: ``eval.bench_ask`` over this checkout and each --compare one; stages.json, stages.md."""
    index = args.stages_index or args.cache / "bbc-index"
    if not (index / MANIFEST).exists():
        raise SystemExit(f"no index at {index}: pass --stages-index DIR (or run the benchmark once to build it)")
    checkouts = {"this": ROOT, **{str(c): c.resolve() for c in args.compare}}
    split = None if args.stages_split == "all" else args.stages_split
    res = bench_stages(index, args.stages_questions, split, args.backends.split(","), checkouts, args.rounds, args.warmup,
                       args.stages_passes)
    res["machine"] = machine()
    (args.out / "stages.json").write_text(json.dumps(res, indent=2))
    (args.out / "stages.md").write_text(stages_markdown(res))
    print(stages_markdown(res))
    return 0


def _base_index(args, res: dict, save) -> Path:
    """The whole corpus' index (served as the smallest size); runs the build benchmark unless --no-build."""
    base = args.cache / "bbc-index"
    enc = None
    if not args.no_build:
        enc = load_encoder(None)
        res["backend"] = {"backend": enc.backend, "precision": enc.precision, "note": getattr(enc, "note", "")}
        res["build"], _ = bench_build(args.corpus, args.cache, enc, args.build_files)
        save()
        print(json.dumps(res["build"]), flush=True)
    if not (base / MANIFEST).exists():  # built once, untimed, when the build benchmark used a subset
        update_index([args.corpus], base, encoder=enc or load_encoder(args.model), progress=False)
    return base


def _run_updates(args, base: Path, n_real: int, sizes: list[int], res: dict, save, questions: list[str]) -> None:
    """--updates: the update benchmark at each size (``eval.bench_updates``), then, for a padded
    size, serving it (ask latency, RSS, recall of its ANN kind) in a fresh process."""
    res["updates"] = []
    for size in sizes:
        info = None
        if size <= n_real * 1.5:
            index_dir = base
        else:
            index_dir, info = build_padded(base, size, args.cache, args.pad_ann, nlist=args.pad_nlist)
            res["padding"][str(size)] = info
        res["updates"].append(bench_updates(index_dir, args.corpus, args.cache, n_adds=args.adds, model=args.model))
        save()
        print(json.dumps(res["updates"][-1]), flush=True)
        if info is not None:
            s = serve_in_subprocess(index_dir, questions, args.warmup)
            s["padding"] = info
            res["serving"].append(s)
            save()
            print(json.dumps(s), flush=True)


if __name__ == "__main__":
    sys.exit(main())
