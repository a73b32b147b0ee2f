"""Forward passes: token ids in, the transformer's output token vectors out (float32, batch x tokens x dim).

Every backend runs the same transformer (exported or not) and returns its last hidden state; the
encoder pools it (mean over tokens) itself, so passage, sentence and query vectors of one backend
come from one forward pass of the same kind.

Threads are explicit and race-free: a runner is given a ``Threads`` (bulk and small-batch counts) at
load. OpenVINO and ONNX Runtime hold one compiled model / session per count (no global state);
torch's thread count is process-global, so every torch forward pass of the process runs under one
lock that sets the count it needs, and no two switch it at once.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

import numpy as np

_TORCH_LOCK = threading.Lock()  # torch.set_num_threads is process-global: one switcher at a time


@dataclass(frozen=True)
class Threads:
    """Threads for a bulk encode and for a small one (a question, a few sentences)."""

    bulk: int
    small: int

    def for_batch(self, small: bool) -> int:
        return self.small if small and 0 < self.small < self.bulk else self.bulk


@contextmanager
def torch_threads(threads: Threads, small: bool):
    """Hold the process's torch lock with the thread count a batch needs (back to bulk after)."""
    import torch

    with _TORCH_LOCK:
        n = threads.for_batch(small)
        if torch.get_num_threads() != n:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if n != threads.bulk:
                torch.set_num_threads(threads.bulk)


class Runner(Protocol):
    backend: str  # torch, torch-bf16, openvino, onnx, onnx-int8
    precision: str  # fp32, bf16, int8

    def forward(self, feeds: dict[str, np.ndarray], *, small: bool = False) -> np.ndarray:
        """Token vectors (batch x tokens x dim, float32) for tokenizer output ``feeds`` (int64 arrays)."""
        ...


def forward_many(runner, items: Iterable[tuple[object, dict]], *, small: bool = False):
    """``(key, token vectors)`` for each ``(key, feeds)`` in order: the runner's own pipelined
    ``forward_many`` where it has one, else one ``forward`` after another."""
    many = getattr(runner, "forward_many", None)
    if many is not None:
        return many(items, small=small)
    return ((key, runner.forward(feeds, small=small)) for key, feeds in items)


class TorchRunner:
    """The Hugging Face transformer itself, fp32 or under bf16 autocast."""

    def __init__(self, hf_model, threads: Threads, *, bf16: bool = False):
        import torch

        self._torch, self.model, self.threads, self.bf16 = torch, hf_model.eval(), threads, bf16
        self.backend = "torch-bf16" if bf16 else "torch"
        self.precision = "bf16" if bf16 else "fp32"

    def forward(self, feeds: dict[str, np.ndarray], *, small: bool = False) -> np.ndarray:
        torch = self._torch
        device = self.model.device  # a Ray actor may have moved the model to a GPU
        inputs = {k: torch.from_numpy(np.ascontiguousarray(v)).to(device) for k, v in feeds.items()}
        cast = torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else nullcontext()
        with torch_threads(self.threads, small), torch.inference_mode(), cast:
            return self.model(**inputs).last_hidden_state.float().cpu().numpy()


class OpenVINORunner:
    """An OpenVINO IR on the CPU plugin, compiled on first use per (threads, hint).

    A small batch (a question, a few sentences) runs on a LATENCY-hinted model with the small thread
    count and one reused infer request per thread. A bulk encode (``forward_many``) runs on a
    THROUGHPUT-hinted model with one stream per bulk thread (one thread each) and as many requests in
    flight, so the streams never wait on each other's threads and tokenising the next batch overlaps
    the inference of the last.
    """

    backend = "openvino"

    def __init__(self, xml: Path, threads: Threads):
        import openvino as ov

        self._ov, self._core = ov, ov.Core()
        self._model = self._core.read_model(str(xml))
        self.threads = threads
        self._compiled: dict[tuple[int, str], object] = {}
        self._lock = threading.Lock()
        self._local = threading.local()  # this thread's infer request per compiled model
        # The plugin picks bf16 by itself where the CPU has it natively (AVX512_BF16 / AMX): record it.
        # Compiled for a question's threads first: that is what a light start (one question) runs.
        self.precision = _ov_precision(self._compiled_for(threads.for_batch(True), "LATENCY"))

    def _compiled_for(self, n: int, hint: str):
        with self._lock:
            if (n, hint) not in self._compiled:
                config = {"INFERENCE_NUM_THREADS": n, "PERFORMANCE_HINT": hint}
                if hint == "THROUGHPUT":
                    config["NUM_STREAMS"] = n
                self._compiled[n, hint] = self._core.compile_model(self._model, "CPU", config)
            return self._compiled[n, hint]

    def forward(self, feeds: dict[str, np.ndarray], *, small: bool = False) -> np.ndarray:
        compiled = self._compiled_for(self.threads.for_batch(small), "LATENCY")
        requests = self._local.__dict__.setdefault("requests", {})
        request = requests.get(id(compiled))
        if request is None:  # requests are not shared across threads: one per thread, reused
            request = requests[id(compiled)] = compiled.create_infer_request()
        out = request.infer({k: np.ascontiguousarray(v) for k, v in feeds.items()})
        return np.array(out[compiled.output(0)], dtype=np.float32)

    def forward_many(self, items: Iterable[tuple[object, dict]], *, small: bool = False):
        """``(key, token vectors)`` for each ``(key, feeds)``, in order, several requests in flight."""
        n = self.threads.for_batch(small)
        if small or n < 2:
            yield from ((key, self.forward(feeds, small=small)) for key, feeds in items)
            return
        compiled = self._compiled_for(n, "THROUGHPUT")
        flight = max(2, int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        free = [compiled.create_infer_request() for _ in range(flight)]
        pending: deque = deque()
        try:
            for key, feeds in items:
                if not free:
                    yield _finished(pending, free)
                request = free.pop()
                request.start_async({k: np.ascontiguousarray(v) for k, v in feeds.items()})
                pending.append((key, request))
            while pending:
                yield _finished(pending, free)
        finally:
            for _, request in pending:  # a consumer that stopped early: let the requests finish
                request.wait()


def _finished(pending: deque, free: list):
    """Wait for the oldest request in flight; its output and key; the request back to ``free``."""
    key, request = pending.popleft()
    request.wait()
    out = np.array(request.get_output_tensor(0).data, dtype=np.float32)  # a copy: the request is reused
    free.append(request)
    return key, out


def _ov_precision(compiled) -> str:
    try:
        hint = str(compiled.get_property("INFERENCE_PRECISION_HINT")).lower()
    except Exception:  # pragma: no cover - a plugin without the property
        return "fp32"
    return "bf16" if "bf16" in hint else "fp16" if "f16" in hint else "fp32"


class OnnxRunner:
    """An ONNX model on ONNX Runtime's CPU provider; one session per thread count, made on first use."""

    def __init__(self, onnx_path: Path, threads: Threads, *, int8: bool = False):
        import onnxruntime as ort

        self._ort, self.path, self.threads = ort, str(onnx_path), threads
        self.backend = "onnx-int8" if int8 else "onnx"
        self.precision = "int8" if int8 else "fp32"
        self._sessions: dict[int, object] = {}
        self._names: dict[int, frozenset[str]] = {}
        self._lock = threading.Lock()
        self._session_for(threads.for_batch(True))  # a question's: the bulk path runs 1-thread sessions too

    def _session_for(self, n: int):
        with self._lock:
            if n not in self._sessions:
                so = self._ort.SessionOptions()
                so.intra_op_num_threads = n
                so.inter_op_num_threads = 1
                so.graph_optimization_level = self._ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                self._sessions[n] = self._ort.InferenceSession(self.path, so, providers=["CPUExecutionProvider"])
            return self._sessions[n]

    def forward(self, feeds: dict[str, np.ndarray], *, small: bool = False) -> np.ndarray:
        return self._run(self._session_for(self.threads.for_batch(small)), feeds)

    def _run(self, session, feeds: dict[str, np.ndarray]) -> np.ndarray:
        names = self._names.get(id(session))
        if names is None:
            names = self._names[id(session)] = frozenset(i.name for i in session.get_inputs())
        out = session.run(None, {k: np.ascontiguousarray(v, dtype=np.int64) for k, v in feeds.items() if k in names})
        return np.asarray(out[0], dtype=np.float32)

    def forward_many(self, items: Iterable[tuple[object, dict]], *, small: bool = False):
        """``(key, token vectors)`` for each ``(key, feeds)``, in order: one single-threaded run per
        bulk thread at once (a session runs concurrently), so no run waits on another's threads."""
        n = self.threads.for_batch(small)
        if small or n < 2:
            yield from ((key, self.forward(feeds, small=small)) for key, feeds in items)
            return
        session = self._session_for(1)
        with ThreadPoolExecutor(n, thread_name_prefix="newsqa-onnx") as pool:
            pending: deque = deque()
            for key, feeds in items:
                if len(pending) >= n:
                    done_key, fut = pending.popleft()
                    yield done_key, fut.result()
                pending.append((key, pool.submit(self._run, session, feeds)))
            while pending:
                done_key, fut = pending.popleft()
                yield done_key, fut.result()
