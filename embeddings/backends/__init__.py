"""Encoder backends: the transformer's forward pass on torch fp32, torch bf16, OpenVINO or ONNX Runtime.

Modules: ``cpu`` (the CPU's flags), ``runners`` (one forward pass per backend, explicit threads),
``convert`` (the OpenVINO / ONNX exports, cached with checksums), ``parity`` (the probe-set check
against torch fp32), ``choose`` (``auto`` and the fallback). ``embeddings.encoder.load_encoder``
is the way in: ``load_encoder(None, backend="auto")``. See docs/backends.md.
"""

from .choose import BACKENDS, BackendFallbackWarning, resolve
from .parity import MIN_COSINE, Parity, check_parity

__all__ = ["BACKENDS", "BackendFallbackWarning", "MIN_COSINE", "Parity", "check_parity", "resolve"]
