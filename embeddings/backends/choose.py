"""Which forward pass an encoder runs: the one asked for, or for ``auto`` the fastest that passes
the parity check on this CPU; a backend that cannot run or fails parity falls back to torch fp32
and says so (a ``BackendFallbackWarning`` and the encoder's ``note``).

``auto`` tries torch bf16 only where the CPU has native bf16 (AVX512_BF16 or AMX; elsewhere it is
emulated and slower), then OpenVINO and ONNX Runtime if installed; it times the candidates that pass
parity against torch fp32, interleaved on the probe set, and keeps one only if it is at least
``MIN_SPEEDUP`` faster. The decision is cached per CPU, model and library versions under
``$NEWSQA_HOME/backends/``, so later loads time nothing (they still check parity).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import time
import warnings
from pathlib import Path

from ..errors import BackendUnavailableError, NewsqaError
from .convert import converted, converter_versions, newsqa_home
from .cpu import cpu_flags, cpu_name, has_native_bf16
from .parity import Parity, check_parity, probe_inputs
from .runners import OnnxRunner, OpenVINORunner, TorchRunner

BACKENDS = ("auto", "torch", "torch-bf16", "openvino", "onnx", "onnx-int8")
MIN_SPEEDUP = 1.10
TIMING_ROUNDS = 2


class BackendFallbackWarning(UserWarning):
    """The backend asked for is not used (it cannot run here or failed the parity check)."""


def installed(backend: str) -> bool:
    module = {"openvino": "openvino", "onnx": "onnxruntime", "onnx-int8": "onnxruntime"}.get(backend)
    return module is None or importlib.util.find_spec(module) is not None


def auto_candidates(flags: frozenset[str]) -> list[str]:
    """The backends ``auto`` tries on a CPU with these flags (besides torch fp32), in order."""
    out = ["torch-bf16"] if has_native_bf16(flags) else []
    return out + [b for b in ("openvino", "onnx") if installed(b)]


def make_runner(backend: str, base, home: Path | None = None):
    """A runner of ``backend`` for the model of ``base`` (a torch fp32 SentenceTransformerEncoder)."""
    if backend not in BACKENDS:
        raise NewsqaError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if not installed(backend):
        raise BackendUnavailableError(f"backend {backend!r} needs its package: pip install 'newsqa[backends]'")
    hf = base.model[0].auto_model
    if backend in ("torch", "torch-bf16"):
        return TorchRunner(hf, base.threads, bf16=backend == "torch-bf16")
    example = base.tokenize(list(probe_inputs()[0][:2]))
    folder = converted(backend, hf, example, model_name=base.name, source_sha256=base.checksum, home=home)
    if backend == "openvino":
        return OpenVINORunner(folder / "model.xml", base.threads)
    return OnnxRunner(folder / "model.onnx", base.threads, int8=backend == "onnx-int8")


def checked(base, runner):
    """``base`` on ``runner`` with its parity measured (the encoder; ``.parity`` says whether it holds)."""
    enc = base.with_runner(runner)
    enc.parity = check_parity(enc, base)
    return enc


def _fallback(base, requested: str, why: str):
    base.note = f"backend {requested!r} not used: {why}; using torch fp32"
    warnings.warn(base.note, BackendFallbackWarning, stacklevel=3)
    return base


def resolve(base, requested: str = "auto", *, flags: frozenset[str] | None = None, home: Path | None = None):
    """The encoder to use for ``requested`` (``base``: the torch fp32 encoder, also the reference)."""
    if requested not in BACKENDS:
        raise NewsqaError(f"unknown backend {requested!r}; choose one of {', '.join(BACKENDS)}")
    if requested == "torch" or not base.pools_sentences:
        base.note = "" if requested in ("torch", "auto") else f"backend {requested!r} cannot run this model; torch fp32"
        return base
    if requested == "auto":
        return _auto(base, cpu_flags() if flags is None else flags, home)
    try:
        enc = checked(base, make_runner(requested, base, home))
    except (BackendUnavailableError, ImportError, RuntimeError, OSError) as e:
        return _fallback(base, requested, f"it cannot run here ({e})")
    if not enc.parity.ok:
        return _fallback(base, requested, f"parity check failed (min cosine {enc.parity.worst:.6f} < {enc.parity.threshold})")
    enc.note = f"backend {requested} ({enc.precision}), parity min cosine {enc.parity.worst:.6f}"
    return enc


def _auto(base, flags: frozenset[str], home: Path | None):
    cache = (home or newsqa_home()) / "backends" / "auto.json"
    key = _choice_key(base, flags)
    known = _read_json(cache).get(key)
    if known:
        choice = known["backend"]
        enc = base if choice == "torch" else _known(base, choice, known.get("parity", {}).get(choice), home)
        if enc is not None:
            enc.note = f"auto: {choice} (chosen earlier on this CPU: {known['why']})"
            return enc
    passing = [e for e in (_try(base, b, home) for b in auto_candidates(flags)) if e is not None]
    seconds = time_encoders([base, *passing])
    best = min(passing, key=lambda e: seconds[e.backend], default=base)
    speedup = seconds["torch"] / seconds[best.backend] if best is not base else 1.0
    enc = best if speedup >= MIN_SPEEDUP else base
    why = ", ".join(f"{b} {seconds['torch'] / s:.2f}x" for b, s in seconds.items()) + " vs torch fp32 on the probe set"
    data = _read_json(cache)
    data[key] = {"backend": enc.backend, "why": why, "seconds": seconds,
                 "parity": {e.backend: e.parity.to_dict() for e in passing}}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(data, indent=2), encoding="utf-8")
    enc.note = f"auto: {enc.backend} ({why})"
    return enc


def _known(base, backend: str, parity: dict | None, home: Path | None):
    """The encoder of a cached ``auto`` choice. Its parity, measured when it was chosen, is reused
    when it held: the cache key fixes the CPU, the weights' sha256 and the library versions, and
    ``make_runner`` verified the converted files' checksums, so the check would run the same
    computation again (a load then encodes no probes). Else it is checked now."""
    if not parity or not parity.get("ok"):
        return _try(base, backend, home)
    try:
        enc = base.with_runner(make_runner(backend, base, home))
    except (BackendUnavailableError, ImportError, RuntimeError, OSError):
        return _try(base, backend, home)  # says why, or None
    fields = {k: parity[k] for k in ("backend", "precision", "passage", "sentence", "query", "threshold")}
    enc.parity = Parity(**fields)
    return enc if enc.parity.ok and enc.parity.backend == backend else _try(base, backend, home)


def _try(base, backend: str, home: Path | None):
    """The checked encoder, or None (said) when the backend cannot run or fails parity."""
    try:
        enc = checked(base, make_runner(backend, base, home))
    except (BackendUnavailableError, ImportError, RuntimeError, OSError) as e:
        warnings.warn(f"auto: backend {backend!r} cannot run here ({e}); skipped", BackendFallbackWarning, 3)
        return None
    if not enc.parity.ok:
        warnings.warn(f"auto: backend {backend!r} failed the parity check (min cosine {enc.parity.worst:.6f}); "
                      "skipped", BackendFallbackWarning, 3)
        return None
    return enc


def time_encoders(encoders: list, rounds: int = TIMING_ROUNDS) -> dict[str, float]:
    """Best-of-``rounds`` seconds of each encoder on the probe passages (three times over: more than
    a small batch, so the bulk path an index build runs is what is timed) plus eight single queries,
    interleaved (A, B, A, B...) so that load from other processes hits all alike."""
    passages, spans, queries = probe_inputs()
    passages, spans = passages * 3, spans * 3
    best: dict[str, float] = {}
    for _ in range(rounds):
        for enc in encoders:
            t = time.perf_counter()
            enc.encode_passages(passages, spans)
            for q in queries[:8]:
                enc.encode_documents([q])
            best[enc.backend] = min(best.get(enc.backend, float("inf")), time.perf_counter() - t)
    return {k: round(v, 4) for k, v in best.items()}


def _choice_key(base, flags: frozenset[str]) -> str:
    """The machine, weights, library versions and candidates: not the process's thread count, so every
    process on one machine (a Ray replica runs with one thread) encodes with the same backend, and the
    same question gets the same answer from each of them."""
    parts = [cpu_name(), " ".join(sorted(flags)), base.checksum, json.dumps(converter_versions(), sort_keys=True),
             ",".join(auto_candidates(flags))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
