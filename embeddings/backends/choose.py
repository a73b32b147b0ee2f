"""Which forward pass an encoder runs: the one asked for, or for ``auto`` the fastest that passes
the parity check on this CPU; a backend that cannot run or fails parity falls back to torch fp32
and says so (a ``BackendFallbackWarning`` and the encoder's ``note``).

``auto`` tries torch bf16 only where the CPU has native bf16 (AVX512_BF16 or AMX; elsewhere it is
emulated and slower), then OpenVINO and ONNX Runtime if installed; it measures the CPU time (not
the wall time: under load a process waits for a core, it does not spend more) of the candidates
that pass parity and of torch fp32 on the probe set, in interleaved rounds, takes each one's
median round, and keeps the cheapest only if it is at least ``MIN_SPEEDUP`` cheaper. The decision
and what was measured are cached per CPU, model and library versions under
``$NEWSQA_HOME/backends/``, so later loads time nothing and reuse the recorded parity.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import statistics
import time
import warnings
from pathlib import Path

from ..errors import BackendUnavailableError, NewsqaError
from .convert import converted, converter_versions, newsqa_home, write_replacing
from .cpu import cpu_flags, cpu_name, has_native_bf16
from .parity import Parity, check_parity, probe_inputs
from .runners import OnnxRunner, OpenVINORunner, TorchRunner

BACKENDS = ("auto", "torch", "torch-bf16", "openvino", "onnx", "onnx-int8")
MIN_SPEEDUP = 1.10
TIMING_ROUNDS = 3
CHOICE_VERSION = 2  # 2: chosen by CPU time (1, by wall time, chose torch under load): redone


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


def resolve(base, requested: str = "auto", *, flags: frozenset[str] | None = None, home: Path | None = None,
            choose: bool = True):
    """The encoder to use for ``requested`` (``base``: the torch fp32 encoder, also the reference).
    ``choose=False`` (nobody asked for a backend): ``auto``'s choice on record is used, but none is
    made now; with none on record, torch fp32 (the choice takes minutes of timing: it runs when asked,
    as ``install.sh`` and ``python -m newsqa.embeddings.backends.warm`` do, never as a side effect)."""
    if requested not in BACKENDS:
        raise NewsqaError(f"unknown backend {requested!r}; choose one of {', '.join(BACKENDS)}")
    if requested == "torch" or not base.pools_sentences:
        base.note = "" if requested in ("torch", "auto") else f"backend {requested!r} cannot run this model; torch fp32"
        return base
    if requested == "auto":
        return _auto(base, cpu_flags() if flags is None else flags, home, choose)
    try:
        enc = checked(base, make_runner(requested, base, home))
    except (BackendUnavailableError, ImportError, RuntimeError, OSError) as e:
        return _fallback(base, requested, f"it cannot run here ({e})")
    if not enc.parity.ok:
        return _fallback(base, requested, f"parity check failed (min cosine {enc.parity.worst:.6f} < {enc.parity.threshold})")
    enc.note = f"backend {requested} ({enc.precision}), parity min cosine {enc.parity.worst:.6f}"
    _record_parity(home, _choice_key(base, cpu_flags() if flags is None else flags), enc.parity)
    return enc


def _parity_file(home: Path | None) -> Path:
    return (home or newsqa_home()) / "backends" / "parity.json"


def _record_parity(home: Path | None, key: str, parity: Parity) -> None:
    """Keep an explicit backend's passing parity (per choice key) for the light load."""
    data = _read_json(_parity_file(home))
    data.setdefault(key, {})[parity.backend] = parity.to_dict()
    _write_json(_parity_file(home), data)


def _parity_of(record: dict | None) -> Parity | None:
    try:
        return Parity(**{k: record[k] for k in ("backend", "precision", "passage", "sentence", "query", "threshold")})
    except (KeyError, TypeError):
        return None


def cached_parity(key: str, requested: str, home: Path | None = None) -> tuple[str, Parity | None, str]:
    """``(backend, its recorded parity or None, why)`` for ``requested`` under choice ``key``:
    ``auto``'s cached choice, or the backend asked for with a parity recorded by ``auto`` or by an
    explicit check. Nothing recorded: ``(requested, None, "")``."""
    known = _read_json((home or newsqa_home()) / "backends" / "auto.json").get(key) or {}
    backend = known.get("backend", requested) if requested == "auto" else requested
    record = (known.get("parity") or {}).get(backend) or (_read_json(_parity_file(home)).get(key) or {}).get(backend)
    parity = _parity_of(record)
    if parity is not None and (parity.backend != backend or not record.get("ok")):
        parity = None
    return backend, parity, str(known.get("why", "")) if requested == "auto" else ""


def _auto(base, flags: frozenset[str], home: Path | None, choose: bool = True):
    cache = (home or newsqa_home()) / "backends" / "auto.json"
    key = _choice_key(base, flags)
    known = _read_json(cache).get(key)
    if known:
        choice = known["backend"]
        enc = base if choice == "torch" else _known(base, choice, known.get("parity", {}).get(choice), home)
        if enc is not None:
            enc.note = f"auto: {choice} (chosen earlier on this CPU: {known['why']})"
            return enc
    if not choose:
        base.note = ("torch fp32: no backend chosen for this CPU yet "
                     "(python -m newsqa.embeddings.backends.warm chooses one, about 3 CPU-minutes)")
        return base
    passing = [e for e in (_try(base, b, home) for b in auto_candidates(flags)) if e is not None]
    measured = measure_encoders([base, *passing])
    choice, why = decide(measured["cpu_seconds"], [e.backend for e in passing])
    enc = next((e for e in passing if e.backend == choice), base)
    data = _read_json(cache)
    data[key] = {"backend": enc.backend, "why": why, "measured": measured,
                 "parity": {e.backend: e.parity.to_dict() for e in passing}}
    _write_json(cache, data)
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
    enc.parity = _parity_of(parity)
    return enc if enc.parity is not None and enc.parity.ok and enc.parity.backend == backend else _try(base, backend, home)


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


def measure_encoders(encoders: list, rounds: int = TIMING_ROUNDS, *, clocks=None) -> dict:
    """CPU seconds of each encoder on the probe set, by CPU time, not wall time, so load from other
    processes (which makes a process wait for a core, not spend more) does not decide the choice.

    Each round runs every encoder once, the order rotated each round (each takes every position):
    the probe passages twice over and one more in one bulk call (65 texts: more than a small batch,
    so the pipelined path an index build runs is what is timed; timed by the process's CPU clock, as that path runs
    on worker threads) plus eight single queries (each by the calling thread's CPU clock: a question
    runs in the calling thread). An encoder's figure is its median round.

    Args:
        clocks: ``(thread_clock, process_clock)``, seconds; default ``time.thread_time`` and
            ``time.process_time`` (a test passes fake ones).

    Returns:
        ``{"cpu_seconds": {backend: median}, "rounds": {backend: [bulk + queries per round]},
        "bulk": {...}, "queries": {...}, "clock": ..., "load": [...]}``.
    """
    thread_clock, process_clock = clocks or (time.thread_time, time.process_time)
    passages, spans, queries = probe_inputs()
    # One more text than a small batch: the bulk (pipelined) path, at two thirds of three times over.
    passages, spans = passages * 2 + passages[:1], spans * 2 + spans[:1]
    bulk: dict[str, list[float]] = {e.backend: [] for e in encoders}
    asked: dict[str, list[float]] = {e.backend: [] for e in encoders}
    load = []
    for r in range(rounds):
        load.append(_load_average())
        for enc in encoders[r % len(encoders):] + encoders[:r % len(encoders)]:
            t = process_clock()
            enc.encode_passages(passages, spans)
            bulk[enc.backend].append(process_clock() - t)
            spent = 0.0
            for q in queries[:8]:
                t = thread_clock()
                enc.encode_documents([q])
                spent += thread_clock() - t
            asked[enc.backend].append(spent)
    per_round = {b: [x + y for x, y in zip(bulk[b], asked[b])] for b in bulk}
    r4 = lambda xs: [round(x, 4) for x in xs]  # noqa: E731
    return {"cpu_seconds": {b: round(statistics.median(xs), 4) for b, xs in per_round.items()},
            "rounds": {b: r4(xs) for b, xs in per_round.items()}, "bulk": {b: r4(xs) for b, xs in bulk.items()},
            "queries": {b: r4(xs) for b, xs in asked.items()},
            "clock": "CPU s: bulk by process_time, each query by thread_time; median of interleaved rounds",
            "load": load}


def decide(cpu_seconds: dict[str, float], passing: list[str], min_speedup: float = MIN_SPEEDUP) -> tuple[str, str]:
    """The backend to use (the cheapest of ``passing`` if at least ``min_speedup`` cheaper than torch
    fp32, else torch) and why, from each backend's CPU seconds (``torch`` among them)."""
    ref = cpu_seconds["torch"]
    best = min(passing, key=lambda b: cpu_seconds[b], default="torch")
    speedup = ref / cpu_seconds[best] if best != "torch" and cpu_seconds[best] > 0 else 1.0
    why = ", ".join(f"{b} {ref / s:.2f}x" for b, s in cpu_seconds.items() if s > 0) + " vs torch fp32 (CPU time, probe set)"
    return (best if speedup >= min_speedup else "torch"), why


def _load_average() -> float:
    try:
        return round(os.getloadavg()[0], 1)
    except OSError:  # pragma: no cover - no load average on this platform
        return -1.0


def _choice_key(base, flags: frozenset[str]) -> str:
    return choice_key(base.checksum, flags)


def choice_key(checksum: str, flags: frozenset[str]) -> str:
    """The machine, weights (``checksum``), library versions and candidates: not the process's thread
    count, so every process on one machine (a Ray replica runs with one thread) encodes with the same
    backend, and the same question gets the same answer from each of them."""
    parts = [f"v{CHOICE_VERSION}", cpu_name(), " ".join(sorted(flags)), checksum, json.dumps(converter_versions(), sort_keys=True),
             ",".join(auto_candidates(flags))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _write_json(path: Path, data: dict) -> None:
    write_replacing(path, json.dumps(data, indent=2).encode("utf-8"))


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}
