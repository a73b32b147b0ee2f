"""What an index's manifest says about the backend that made its vectors, and the mixing rule.

An index records (under ``model``) the backend and precision of its latest writer, the set of
backends whose vectors it holds, and the writer's parity. A new backend may add vectors to an
index made by another only when both are interchangeable: each is torch fp32 (the reference) or
passed the parity check against it.
"""

from __future__ import annotations

from ..errors import ModelMismatchError

REFERENCE = ("torch", "hashing")  # the reference forward pass, and the test encoder (no other backend)


def model_fields(encoder, previous: dict | None) -> dict:
    """The manifest's backend fields for vectors written by ``encoder`` (``previous``: the old model entry)."""
    backend = getattr(encoder, "backend", "torch")
    parity = getattr(encoder, "parity", None)
    used = set(previous.get("backends") or [previous.get("backend") or "torch"]) if previous else set()
    return {"backend": backend, "precision": getattr(encoder, "precision", "fp32"),
            "backends": sorted(used | {backend}),
            "parity_min_cosine": parity.worst if parity is not None else None}


def check_mix(previous: dict, encoder, where) -> None:
    """Refuse to add ``encoder``'s vectors to an index of another backend unless parity holds."""
    backend = getattr(encoder, "backend", "torch")
    before = previous.get("backend") or "torch"  # indexes older than this field were torch fp32
    if backend == before or backend in REFERENCE:
        return
    parity = getattr(encoder, "parity", None)
    if parity is None or not parity.ok:
        raise ModelMismatchError(
            f"index {where} holds {before} vectors; backend {backend} has "
            f"{'no parity check' if parity is None else f'min cosine {parity.worst:.6f} < {parity.threshold}'} "
            f"against torch fp32, so its vectors cannot be mixed in: use --backend {before} or a new --index folder")
