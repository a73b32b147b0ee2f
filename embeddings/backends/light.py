"""The light load: an ONNX Runtime or OpenVINO encoder made without torch or sentence-transformers,
when everything a full load would check is already on record.

A full load imports torch, transformers and sentence-transformers (about 10 CPU-s on a loaded
2-core machine) only to read the tokenizer and, for a backend other than torch, to check parity.
After the first load on a CPU these are all recorded: the backend (``auto``'s cached choice, or the
one asked for), its parity against torch fp32 (cached with the choice, or by an explicit check),
the converted model (checksums in its ``meta.json``, verified now) and the model's profile and
tokenizer (``profile``). Then only ``tokenizers`` and the backend's runtime are imported. If any
record is missing or does not hold, ``None``: the caller loads in full, as before (and records).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import BackendCacheError
from .choose import cached_parity, choice_key, installed
from .convert import cache_dir, verify
from .cpu import cpu_flags
from .parity import Parity
from .profile import ModelProfile, load_profile

LIGHT = ("openvino", "onnx")  # backends whose runners need no torch


@dataclass(frozen=True)
class LightParts:
    """What an encoder needs besides its model folder: the runner, the profile, the recorded parity."""

    runner: object
    profile: ModelProfile
    parity: Parity
    note: str


def light_parts(model_dir: Path, name: str, checksum: str, requested: str, threads, *,
                flags: frozenset[str] | None = None, home: Path | None = None) -> LightParts | None:
    """The parts of a light encoder for ``requested``, or None when a full load is needed."""
    if requested not in ("auto", *LIGHT):
        return None
    profile = load_profile(model_dir, name, checksum, home)
    if profile is None or not profile.pools_sentences or not profile.raw_tokenizer:
        return None
    key = choice_key(checksum, cpu_flags() if flags is None else flags)
    backend, parity, why = cached_parity(key, requested, home)
    if backend not in LIGHT or parity is None or not parity.ok or not installed(backend):
        return None
    folder = cache_dir(backend, name, checksum, home)
    try:
        verify(folder, backend, checksum)
        runner = _runner(backend, folder, threads, home)
    except (BackendCacheError, ImportError, RuntimeError, OSError):
        return None
    note = (f"auto: {backend} (chosen earlier on this CPU: {why})" if requested == "auto"
            else f"backend {backend} ({runner.precision}), parity min cosine {parity.worst:.6f} (checked earlier on this CPU)")
    return LightParts(runner, profile, parity, note)


def _runner(backend: str, folder: Path, threads, home: Path | None):
    from .runners import OnnxRunner, OpenVINORunner

    if backend == "openvino":
        return OpenVINORunner(folder / "model.xml", threads)
    return OnnxRunner(folder / "model.onnx", threads)
