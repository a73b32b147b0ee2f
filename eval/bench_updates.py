"""Update benchmark of one index size: single-article adds, deletes, visibility to a running
Engine, compaction, and the writer's peak memory (``python -m newsqa.eval.bench --updates``).

The index is hard-linked into a scratch folder (segments are immutable, so the copy costs nothing
and the cached index is never written). Adds and deletes run in a fresh process (its peak RSS is
the update's); visibility is measured in this process with an open ``Engine``: from the start of
an add until that engine answers with a citation of the new article.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from newsqa.embeddings.compaction import compact_index
from newsqa.embeddings.encoder import load_encoder, load_small_encoder
from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.manifest import read_manifest
from newsqa.qa import Engine

ROOT = Path(__file__).resolve().parents[1]


def _pct(xs, q):
    return round(float(np.percentile(np.asarray(xs), q)), 4) if xs else None


def articles(corpus: Path, n: int, tag: str) -> list[tuple[str, str]]:
    """``n`` BBC articles made new (a tagged headline: new document ids, every passage re-encoded)."""
    files = sorted(Path(corpus).rglob("*.txt"))
    rng = np.random.default_rng(5)
    out = []
    for i, f in enumerate(rng.choice(files, size=n, replace=False)):
        lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
        head = f"{lines[0].strip()} ({tag} update {i})"
        out.append((f"{tag}-{i}.txt", "\n".join([head] + lines[1:]) + "\n"))
    return out


def _vm() -> dict[str, float]:
    return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in Path("/proc/self/status").read_text().splitlines()
            if line.startswith(("VmHWM", "VmRSS"))}


def writer(index: Path, src: Path, corpus: Path, n: int, deletes: int, model: str | None = None) -> dict:
    """Run in a fresh process: ``n`` single-article adds, ``deletes`` deletes; timings and peak RSS.

    The model is loaded once, as a long-running writer (``newsqa watch``, the UI's uploads) holds
    it, and as ``update_index`` loads it for an add this small (``load_small_encoder``: auto's
    choice when it loads light, else torch fp32; ``$NEWSQA_BACKEND`` when set). CPU seconds are
    this process's own (``time.process_time``): on a shared machine they say what an add costs
    when wall time says how busy the machine was.
    """
    t, c = time.perf_counter(), time.process_time()
    enc = load_encoder(model) if os.environ.get("NEWSQA_BACKEND") else load_small_encoder(model)
    load = {"model_load_s": time.perf_counter() - t, "model_load_cpu_s": time.process_time() - c,
            "rss_after_model_mb": _vm()["VmRSS"], "backend": getattr(enc, "backend", "")}
    adds, cpu, encode, encode_cpu, dels, dels_cpu, written = [], [], [], [], [], [], []
    for name, text in articles(corpus, n, "w"):
        (src / name).write_text(text, encoding="utf-8")
        t, c = time.perf_counter(), time.process_time()
        r = update_index([src / name], index, encoder=enc, progress=False)
        adds.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        encode.append(r.encode_seconds)
        encode_cpu.append(r.encode_cpu_seconds)
        written.append(r.added)
    for name, _ in articles(corpus, n, "w")[:deletes]:
        (src / name).unlink()
        t, c = time.perf_counter(), time.process_time()
        update_index([], index, encoder=enc, progress=False, prune=True)
        dels.append(time.perf_counter() - t)
        dels_cpu.append(time.process_time() - c)
    return {"adds": adds, "add_cpu": cpu, "encode": encode, "encode_cpu": encode_cpu, "deletes": dels, "delete_cpu": dels_cpu, **load,
            "passages_per_add": statistics.mean(written), "peak_rss_mb": _vm()["VmHWM"]}


def _linked_copy(index_dir: Path, index: Path) -> Path:
    """A copy of ``index_dir`` whose segment files are hard links (segments are immutable: safe) and
    whose manifest is its own (the benchmark's writes must not publish into the original)."""
    shutil.copytree(index_dir, index, copy_function=os.link)
    (index / "manifest.json").unlink()
    shutil.copyfile(index_dir / "manifest.json", index / "manifest.json")
    return index


def _visible(engine, enc, index: Path, src: Path, corpus: Path, n: int) -> dict[str, list[float]]:
    """Seconds from the start of each of ``n`` adds until the running ``engine`` answers from the new
    article, and its parts: the model encoding the article, the rest of the add, the engine's
    refresh (opening the new manifest and segment) and the asks until one cites the article; each
    also in CPU seconds of this process (``*_cpu``: what it costs, where wall time says how busy the
    machine was)."""
    keys = ("visible", "encode", "add", "refresh", "asks")
    out: dict[str, list[float]] = {k: [] for k in keys + tuple(k + "_cpu" for k in keys) + ("ask_n",)}
    for name, text in articles(corpus, n, "v"):
        (src / name).write_text(text, encoding="utf-8")
        head = text.splitlines()[0]
        t, c = time.perf_counter(), time.process_time()
        rep = update_index([src / name], index, encoder=enc, progress=False)
        t_add, c_add = time.perf_counter(), time.process_time()
        engine.refresh()  # what the next ask would do first (it then finds nothing newer: one stat)
        t_ref, c_ref = time.perf_counter(), time.process_time()
        for k in range(100):  # the answer retrieves (or cites) the new article: it is visible
            a = engine.ask(f"What happened: {head}?", k=5)
            if any(c.title == head for c in a.citations) or any(h.passage.title == head for h in a.retrieved):
                break
        else:
            raise RuntimeError(f"a running Engine never saw {name!r}")
        end, c_end = time.perf_counter(), time.process_time()
        for key, wall, cpu in (("visible", end - t, c_end - c), ("encode", rep.encode_seconds, rep.encode_cpu_seconds),
                               ("add", t_add - t, c_add - c), ("refresh", t_ref - t_add, c_ref - c_add),
                               ("asks", end - t_ref, c_end - c_ref)):
            out[key].append(wall)
            out[key + "_cpu"].append(cpu)
        out["ask_n"].append(k + 1)
    return out


def bench_updates(index_dir: Path, corpus: Path, cache: Path, *, n_adds: int = 20, visible_n: int = 5,
                  model: str | None = None) -> dict:
    work = cache / f"updates-{index_dir.name}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    index, src = _linked_copy(index_dir, work / "index"), work / "src"
    src.mkdir()
    n0 = read_manifest(index).counts.passages
    r = subprocess.run([sys.executable, "-m", "newsqa.eval.bench_updates", str(index), str(src), str(corpus), str(n_adds), "5"] + ([model] if model else []),
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if r.returncode:
        raise RuntimeError(f"update benchmark writer failed:\n{r.stderr[-3000:]}")
    w = json.loads(r.stdout.strip().splitlines()[-1])
    segments_after_adds = len(read_manifest(index).segments)

    enc = load_encoder(model)
    engine = Engine.open(index, encoder=enc)
    engine.ask("What happened?")
    vis = _visible(engine, enc, index, src, corpus, visible_n)
    t = time.perf_counter()
    rep = compact_index(index, full=True)
    compact_s = time.perf_counter() - t
    asks = []
    for q in ("What did the minister say?", "Who won the match?", "What happened to the shares?") * 4:
        t = time.perf_counter()
        engine.ask(q)
        asks.append((time.perf_counter() - t) * 1e3)
    out = {"passages": n0, "model": enc.name, "adds": n_adds, "passages_per_add": w["passages_per_add"],
           "add_p50_s": _pct(w["adds"], 50), "add_p95_s": _pct(w["adds"], 95), "add_max_s": _pct(w["adds"], 100),
           # the add without the model encoding the article (that part is the same at any index size)
           "add_index_p50_s": _pct([a - e for a, e in zip(w["adds"], w["encode"])], 50),
           "add_index_p95_s": _pct([a - e for a, e in zip(w["adds"], w["encode"])], 95),
           "encode_p50_s": _pct(w["encode"], 50),
           # CPU seconds of the writer process (wall time on a shared machine is mostly waiting)
           "add_cpu_p50_s": _pct(w["add_cpu"], 50), "encode_cpu_p50_s": _pct(w["encode_cpu"], 50),
           "add_index_cpu_p50_s": _pct([a - e for a, e in zip(w["add_cpu"], w["encode_cpu"])], 50),
           "writer_backend": w["backend"], "writer_model_load_s": round(w["model_load_s"], 2),
           "writer_model_load_cpu_s": round(w["model_load_cpu_s"], 2),
           "writer_rss_after_model_mb": round(w["rss_after_model_mb"]),
           "visible_p50_s": _pct(vis["visible"], 50), "visible_max_s": _pct(vis["visible"], 100),
           "visible_index_p50_s": _pct([v - e for v, e in zip(vis["visible"], vis["encode"])], 50),
           # the visible loop's parts: the add (its encoding included), the engine's refresh, the asks
           "visible_add_p50_s": _pct(vis["add"], 50), "visible_refresh_p50_s": _pct(vis["refresh"], 50),
           "visible_asks_p50_s": _pct(vis["asks"], 50), "visible_asks_needed": vis["ask_n"],
           # the same parts in CPU seconds: visible_cpu = add_cpu (encode_cpu + the index side) + refresh + asks
           "visible_cpu_p50_s": _pct(vis["visible_cpu"], 50),
           **{f"visible_{k}_cpu_p50_s": _pct(vis[f"{k}_cpu"], 50) for k in ("encode", "add", "refresh", "asks")},
           "delete_p50_s": _pct(w["deletes"], 50), "delete_cpu_p50_s": _pct(w["delete_cpu"], 50),
           "update_peak_rss_mb": round(w["peak_rss_mb"]),
           "segments_after_adds": segments_after_adds, "compact_s": round(compact_s, 3),
           "compaction": rep.summary_line(), "segments_after_compaction": len(read_manifest(index).segments),
           "ask_ms_p50_after": _pct(asks, 50)}
    del engine
    shutil.rmtree(work, ignore_errors=True)
    return out


if __name__ == "__main__":
    index, src, corpus, n, deletes = sys.argv[1:6]
    print(json.dumps(writer(Path(index), Path(src), Path(corpus), int(n), int(deletes), *sys.argv[6:7])))
