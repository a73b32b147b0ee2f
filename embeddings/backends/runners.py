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
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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
    """An OpenVINO IR on the CPU plugin; one compiled model per thread count, made on first use."""

    backend = "openvino"

    def __init__(self, xml: Path, threads: Threads):
        import openvino as ov

        self._core = ov.Core()
        self._model = self._core.read_model(str(xml))
        self.threads = threads
        self._compiled: dict[int, object] = {}
        self._lock = threading.Lock()
        # The plugin picks bf16 by itself where the CPU has it natively (AVX512_BF16 / AMX): record it.
        self.precision = _ov_precision(self._compiled_for(threads.bulk))

    def _compiled_for(self, n: int):
        with self._lock:
            if n not in self._compiled:
                self._compiled[n] = self._core.compile_model(
                    self._model, "CPU", {"INFERENCE_NUM_THREADS": n, "PERFORMANCE_HINT": "LATENCY"})
            return self._compiled[n]

    def forward(self, feeds: dict[str, np.ndarray], *, small: bool = False) -> np.ndarray:
        compiled = self._compiled_for(self.threads.for_batch(small))
        request = compiled.create_infer_request()  # one per call: requests are not shared across threads
        out = request.infer({k: np.ascontiguousarray(v) for k, v in feeds.items()})
        return np.asarray(out[compiled.output(0)], dtype=np.float32)


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
        self._lock = threading.Lock()
        self._session_for(threads.bulk)

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
        session = self._session_for(self.threads.for_batch(small))
        names = {i.name for i in session.get_inputs()}
        out = session.run(None, {k: np.ascontiguousarray(v, dtype=np.int64) for k, v in feeds.items() if k in names})
        return np.asarray(out[0], dtype=np.float32)
