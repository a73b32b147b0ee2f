"""Load test of the browser app's ``/ask`` API: N concurrent clients for S seconds, on 127.0.0.1 only.

Starts ``newsqa ui`` in a subprocess on a free loopback port, drives ``/ask`` through
``gradio_client`` from ``clients`` threads until ``seconds`` have passed, checks every answer is well
formed (the ``newsqa ask --json`` shape; each citation's quote is its document's text at its offsets),
samples the server's RSS every 0.2 s, and stops the server.

    .venv/bin/python tests/reliability/load_test.py                      # 20 clients, 60 s, sample corpus
    .venv/bin/python tests/reliability/load_test.py --index bbc-index --clients 20 --seconds 60

Prints one JSON object: requests, errors, p50/p95/max latency (ms), peak RSS and the mean RSS of the
first and last thirds of the run (MB).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "What did Putin say when asked if Moscow would help Kim build satellites?",
    "Where did Kim Jong Un meet Putin?",
    "Who attended the talks?",
    "What did North Korea launch?",
    "death toll floods",
    "Who won the Mercury Prize?",  # not in the sample: an abstention
    "普京和金正恩在哪里见面？",
    "When did the summit take place?",
]
KEYS = {"question", "answer", "abstained", "citations", "retrieved", "timings_ms", "related", "coverage",
        "timeline", "resolved_question", "confidence"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def check_answer(got: dict, question: str, documents: dict[str, str]) -> None:
    """Raise AssertionError unless ``got`` is a well-formed answer whose quotes verify."""
    assert isinstance(got, dict) and KEYS <= set(got), f"not an answer object: {str(got)[:200]}"
    assert got["question"] == " ".join(question.split())
    assert isinstance(got["answer"], str) and got["answer"] and isinstance(got["abstained"], bool)
    assert got["abstained"] or got["citations"], "an answer without citations"
    for c in got["citations"]:
        text = documents[c["doc_id"]]
        assert text[c["start"]:c["end"]] == c["quote"], f"citation {c['n']} does not match its document"
        assert f"[{c['n']}]" in got["answer"]


def start_server(index: Path, port: int, tmp: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "GRADIO_TEMP_DIR": str(tmp / "gradio-tmp"), "NEWSQA_HOME": str(tmp / "home")}
    return subprocess.Popen([sys.executable, "-m", "qa.cli", "ui", "--index", str(index), "--host", "127.0.0.1",
                             "--port", str(port), "--no-uploads"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "config", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer on {url} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
    if proc.stderr:
        proc.stderr.close()


def run_load(index: str | os.PathLike, *, clients: int = 20, seconds: float = 60, seed: int = 6,
             questions: list[str] = QUESTIONS) -> dict:
    """Serve ``index``, load it, stop it; returns the figures (see the module docstring)."""
    from gradio_client import Client

    from embeddings.store import load_snapshot

    index = Path(index)
    documents = {i: d["text"] for i, d in load_snapshot(index).documents.items()}
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-load-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_server(index, port, tmp)
    samples: list[tuple[float, float]] = []
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    try:
        wait_up(url, proc)
        warm = Client(url, verbose=False)
        for q in questions:  # warm-up: first-use costs are not growth
            check_answer(warm.predict(q, api_name="/ask"), q, documents)

        stop = threading.Event()

        def sample():
            while not stop.is_set():
                samples.append((time.monotonic(), rss_mb(proc.pid)))
                stop.wait(0.2)

        def client(n: int):
            rng = random.Random(seed + n)
            try:
                c = Client(url, verbose=False)
            except Exception as e:  # counted, reported
                with lock:
                    errors.append(f"client {n}: cannot connect: {e}")
                return
            while not stop.is_set():
                q = rng.choice(questions)
                t0 = time.perf_counter()
                try:
                    got = c.predict(q, k=rng.choice([3, 5, 8]), api_name="/ask")
                    check_answer(got, q, documents)
                except Exception as e:  # counted, reported
                    with lock:
                        errors.append(f"{type(e).__name__}: {str(e)[:200]}")
                    continue
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1e3)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t_start = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        sampler.join(timeout=5)
        elapsed = time.monotonic() - t_start
    finally:
        stop_server(proc)
    run = [r for t, r in samples if r > 0]
    third = max(1, len(run) // 3)
    lat = sorted(latencies)

    def pct(p):
        return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))], 1) if lat else None

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:5],
        "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "latency_ms": {"p50": pct(50), "p95": pct(95), "max": round(lat[-1], 1) if lat else None,
                       "mean": round(statistics.fmean(lat), 1) if lat else None},
        "server_rss_mb": {"peak": round(max(run), 1) if run else None,
                          "first_third_mean": round(statistics.fmean(run[:third]), 1) if run else None,
                          "last_third_mean": round(statistics.fmean(run[-third:]), 1) if run else None,
                          "samples": len(run)},
    }


def _sample_index(tmp: Path) -> Path:
    from embeddings import sample_corpus_path
    from embeddings.indexer import update_index

    index = tmp / "sample-index"
    update_index([sample_corpus_path()], index, progress=False)
    return index


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", default=None, help="index folder (default: the sample corpus, indexed in a tmp folder)")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60)
    args = p.parse_args(argv)
    if not (1 <= args.clients <= 64 and 0 < args.seconds <= 600):
        p.error("clients must be 1-64 and seconds 1-600 (the test is bounded)")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    index = Path(args.index) if args.index else _sample_index(Path(tempfile.mkdtemp(prefix="newsqa-load-index-")))
    out = run_load(index, clients=args.clients, seconds=args.seconds)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 1 if out["errors"] or not out["requests"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
