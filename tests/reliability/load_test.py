"""Load test of the question APIs: N concurrent clients for S seconds, on 127.0.0.1 only.

Targets: ``gradio`` (``newsqa ui``, its ``/ask`` through ``gradio_client``), ``api`` (``newsqa serve``,
``POST /v1/ask`` through httpx), ``ray`` (``newsqa serve --ray --replicas 2``, the same endpoint).
Each starts its server in a subprocess on a free loopback port, drives it from ``clients`` threads
until ``seconds`` have passed, checks every answer is well formed (the ``newsqa ask --json`` shape;
each citation's quote is its document's text at its offsets), samples the server's RSS every 0.2 s
(with Ray: the sum of its Serve replicas), and stops the server. Targets run one after another in
one run, so their throughputs compare as a ratio.

    .venv/bin/python tests/reliability/load_test.py                      # gradio, 20 clients, 60 s, sample corpus
    .venv/bin/python tests/reliability/load_test.py --target gradio,api,ray --clients 20 --seconds 60
    .venv/bin/python tests/reliability/load_test.py --index bbc-index --target api
    .venv/bin/python tests/reliability/load_test.py --clients 6 --requests 24     # counted, as the test

Prints one JSON object per target: requests, errors, p50/p95/max latency (ms), peak RSS and the mean
RSS of the first and last thirds of the run (MB); with several targets, also the throughput ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # run as a script: the project and tests/helpers.py on the path
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from helpers import free_port, pids_with, rss_mb, run_threads  # noqa: E402

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


SERVER_ARGS = {
    "gradio": ["ui", "--no-uploads"],
    "api": ["serve", "--no-ui"],
    "ray": ["serve", "--ray", "--replicas", "2"],
}
READY_PATH = {"gradio": "config", "api": "healthz", "ray": "healthz"}


def start_server(index: Path, port: int, tmp: Path, target: str = "gradio") -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "GRADIO_TEMP_DIR": str(tmp / "gradio-tmp"), "NEWSQA_HOME": str(tmp / "home")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.Popen([sys.executable, "-m", "newsqa.cli", *SERVER_ARGS[target], "--index", str(index),
                             "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 600, path: str = "config") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}): {proc.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url + path, timeout=2) as r:
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


class _ApiClient:
    """``POST /v1/ask`` with the call shape of ``gradio_client.Client.predict``."""

    def __init__(self, url: str):
        import httpx

        self.http = httpx.Client(base_url=url, timeout=120)

    def predict(self, question: str, k: int = 5, api_name: str = "/ask") -> dict:
        r = self.http.post("/v1/ask", json={"question": question, "k": k})
        r.raise_for_status()
        return r.json()


def _client(url: str, target: str):
    if target == "gradio":
        from gradio_client import Client

        return Client(url, verbose=False)
    return _ApiClient(url)


def comparable(answer: dict) -> dict:
    """An answer without its timings: what must not change between runs or under concurrency."""
    return {k: v for k, v in answer.items() if k != "timings_ms"}


def _share(requests: int, clients: int, n: int) -> int:
    """How many of ``requests`` client ``n`` asks (the first ``requests % clients`` ask one more)."""
    return requests // clients + (n < requests % clients)


def run_load(index: str | os.PathLike, *, clients: int = 20, seconds: float = 60, requests: int | None = None,
             seed: int = 6, questions: list[str] = QUESTIONS, target: str = "gradio") -> dict:
    """Serve ``index`` (``target``: gradio, api or ray), load it, stop it; returns the figures.

    By time (``requests=None``): each client asks random questions at random k until ``seconds`` pass.
    By count (``requests=N``, the test): the clients ask N questions between them, in turn, at k=5, and
    every answer must equal that question's sequential (warm-up) answer, timings aside.
    """
    from newsqa.embeddings.store import load_snapshot

    index = Path(index)
    documents = {i: d["text"] for i, d in load_snapshot(index).documents.items()}
    tmp = Path(tempfile.mkdtemp(prefix="newsqa-load-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_server(index, port, tmp, target)
    samples: list[tuple[float, float]] = []
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    try:
        wait_up(url, proc, path=READY_PATH[target])
        warm = _client(url, target)
        sequential = {}
        for q in questions:  # warm-up: first-use costs are not growth; the reference answers
            got = warm.predict(q, k=5, api_name="/ask")
            check_answer(got, q, documents)
            sequential[q] = comparable(got)
        pids = pids_with(b"ServeReplica:newsqa") if target == "ray" else [proc.pid]

        def ask(c, q: str, k: int) -> None:
            t0 = time.perf_counter()
            try:
                got = c.predict(q, k=k, api_name="/ask")
                check_answer(got, q, documents)
                assert requests is None or comparable(got) == sequential[q], f"{q!r}: differs from its sequential answer"
            except Exception as e:  # counted, reported
                with lock:
                    errors.append(f"{type(e).__name__}: {str(e)[:200]}")
                return
            with lock:
                latencies.append((time.perf_counter() - t0) * 1e3)

        def client(n: int, stop: threading.Event) -> None:
            rng = random.Random(seed + n)
            try:
                c = _client(url, target)
            except Exception as e:  # counted, reported
                with lock:
                    errors.append(f"client {n}: cannot connect: {e}")
                return
            if requests is not None:
                for i in range(_share(requests, clients, n)):
                    ask(c, questions[(n + i * clients) % len(questions)], 5)
                return
            while not stop.is_set():
                ask(c, rng.choice(questions), rng.choice([3, 5, 8]))

        def sample(stop: threading.Event) -> None:
            while not stop.is_set():
                samples.append((time.monotonic(), sum(rss_mb(p) for p in pids)))
                stop.wait(0.2)

        elapsed = run_threads(client, clients, None if requests is not None else seconds, background=sample)
    finally:
        stop_server(proc)
    return _figures(target, clients, elapsed, latencies, errors, [r for _, r in samples if r > 0])


def _figures(target: str, clients: int, elapsed: float, latencies: list[float], errors: list[str],
             rss: list[float]) -> dict:
    third = max(1, len(rss) // 3)
    lat = sorted(latencies)

    def pct(p):
        return round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))], 1) if lat else None

    return {
        "target": target,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:5],
        "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "latency_ms": {"p50": pct(50), "p95": pct(95), "max": round(lat[-1], 1) if lat else None,
                       "mean": round(statistics.fmean(lat), 1) if lat else None},
        "server_rss_mb": {"peak": round(max(rss), 1) if rss else None,
                          "first_third_mean": round(statistics.fmean(rss[:third]), 1) if rss else None,
                          "last_third_mean": round(statistics.fmean(rss[-third:]), 1) if rss else None,
                          "samples": len(rss)},
    }


def _sample_index(tmp: Path) -> Path:
    from newsqa.embeddings import sample_corpus_path
    from newsqa.embeddings.indexer import update_index

    index = tmp / "sample-index"
    update_index([sample_corpus_path()], index, progress=False)
    return index


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", default=None, help="index folder (default: the sample corpus, indexed in a tmp folder)")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--requests", type=int, default=None,
                   help="ask this many questions between the clients instead of loading for --seconds (each answer "
                        "must equal its sequential one: what tests/reliability/test_load.py runs)")
    p.add_argument("--target", default="gradio", help="comma-separated: gradio, api, ray (default gradio)")
    args = p.parse_args(argv)
    targets = [t.strip() for t in args.target.split(",") if t.strip()]
    if not (1 <= args.clients <= 64 and 0 < args.seconds <= 600):
        p.error("clients must be 1-64 and seconds 1-600 (the test is bounded)")
    if not targets or any(t not in SERVER_ARGS for t in targets):
        p.error(f"--target must name some of {', '.join(SERVER_ARGS)}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    index = Path(args.index) if args.index else _sample_index(Path(tempfile.mkdtemp(prefix="newsqa-load-index-")))
    runs = [run_load(index, clients=args.clients, seconds=args.seconds, requests=args.requests, target=t)
            for t in targets]
    out = runs[0] if len(runs) == 1 else {"runs": runs, "throughput_vs_first": {
        r["target"]: round(r["requests_per_second"] / max(runs[0]["requests_per_second"], 1e-9), 2) for r in runs}}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 1 if any(r["errors"] or not r["requests"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
