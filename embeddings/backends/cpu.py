"""What the CPU can do, read once: the instruction-set flags that decide which backends are worth trying.

    >>> isinstance(cpu_flags(), frozenset)
    True
"""

from __future__ import annotations

import os
import platform
from functools import lru_cache
from pathlib import Path

# Native bf16 arithmetic: without one of these, torch bf16 autocast is emulated (slower than fp32).
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (Linux ``/proc/cpuinfo``; empty elsewhere, where only fp32 backends run)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def cpu_name() -> str:
    """The CPU model name (for the cached choice and reports)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def has_native_bf16(flags: frozenset[str]) -> bool:
    return bool(flags & BF16_FLAGS)


def physical_cores() -> int:
    """Physical cores this process may run on (distinct core ids of its allowed CPUs in
    ``/proc/cpuinfo``: what torch takes by default); else the allowed CPUs' count."""
    try:
        allowed = os.sched_getaffinity(0)
    except (AttributeError, OSError):
        allowed = set(range(os.cpu_count() or 1))
    cores, proc, phys = set(), None, "0"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "processor":
                proc = int(value) if value.isdigit() else None
            elif key == "physical id":
                phys = value
            elif key == "core id" and proc in allowed:
                cores.add((phys, value))
    except OSError:
        pass
    return max(1, len(cores) or len(allowed))
