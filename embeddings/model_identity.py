"""What an index records of its model, known without loading the model.

A new index that encodes nothing, or a Ray driver whose workers load the model themselves, needs
the model's name, weights checksum and dimension (and the backend the vectors will come from), not
the model: ``model_identity`` reads them from the model folder (``modules.json`` and the pooling or
dense layer's config), so no sentence-transformers import, no backend conversion, no ~400 MB.

    >>> model_identity("hashing:64").dimension                          # doctest: +SKIP
    64
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .encoder import (DEFAULT_MODEL, hashing_dimension, is_default_model, load_encoder, verified_default_model,
                      weights_checksum)

# Backends whose vectors an identity may stand for: torch fp32, the reference every backend is
# checked against (any other is loaded, so that its parity is checked where it is recorded).
IDENTITY_BACKENDS = (None, "", "auto", "torch")


@dataclass(frozen=True)
class ModelIdentity:
    """A model's manifest entry fields; ``backend`` is the forward pass its vectors will come from."""

    name: str
    checksum: str
    dimension: int
    model_dir: Path | None = None
    backend: str = "torch"
    precision: str = "fp32"
    parity: None = None


class EncoderSlot:
    """An encoder a series of updates shares, loaded by the first one that encodes something (pass
    it as ``update_index(encoder=slot)``; ``newsqa watch`` does): ``loaded`` is None until then."""

    def __init__(self) -> None:
        self.loaded = None


def model_identity(spec: str | None, backend: str | None = None) -> ModelIdentity | object | None:
    """The identity of the model ``spec`` names (``load_encoder``'s specs) without loading it; the
    test encoder itself for ``hashing``; None when the folder does not say its dimension or
    ``backend`` is one whose vectors must be checked against torch first (load it then).

    Raises:
        ModelChecksumError: the packaged default's weights are not the expected file.
    """
    if hashing_dimension(spec) is not None:
        return load_encoder(spec)  # no model: it is its own identity
    if backend not in IDENTITY_BACKENDS:
        return None
    if is_default_model(spec):
        (model_dir, checksum), name = verified_default_model(), DEFAULT_MODEL
    else:
        model_dir = Path(spec).expanduser().resolve()
        name, checksum = model_dir.name, weights_checksum(model_dir)
    dim = folder_dimension(model_dir)
    return None if dim is None else ModelIdentity(name, checksum, dim, model_dir)


def folder_dimension(model_dir: Path) -> int | None:
    """A sentence-transformers folder's output dimension from its configs (the last Dense layer's
    ``out_features``, else the Pooling layer's ``word_embedding_dimension``); None if unsaid."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        dim = None
        for m in modules:
            kind = str(m.get("type", "")).rsplit(".", 1)[-1]
            if kind not in ("Pooling", "Dense"):
                continue
            cfg = json.loads((model_dir / m.get("path", "") / "config.json").read_text(encoding="utf-8"))
            dim = cfg.get("out_features" if kind == "Dense" else "word_embedding_dimension", dim)
        return int(dim) if dim else None
    except (OSError, ValueError, TypeError, AttributeError):
        return None
