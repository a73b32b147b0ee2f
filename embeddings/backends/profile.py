"""What the encoder needs to know of a model besides its forward pass, recorded so that a later
load on ONNX Runtime or OpenVINO needs neither torch nor sentence-transformers.

A ``ModelProfile`` (dimension, token window, whether sentences can be pooled, the tokenizer's
input names and padding) is taken from the loaded sentence-transformers model the first time a
backend other than torch is used, and saved with the tokenizer exactly as that model built it (its
fast tokenizer's Rust backend, serialised) under ``$NEWSQA_HOME/backends/<model>-<sha>/profile/``,
keyed by a sha256 of the model folder's small files (configs, vocabulary). A profile whose key or
tokenizer checksum does not match is not used (the model is then loaded in full, as before).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .convert import cache_dir, write_replacing

PROFILE_VERSION = 1
SMALL_FILE = 5 * 2**20  # configs and vocabularies; the weights are checksummed on their own
WEIGHTS = frozenset({"model.safetensors", "pytorch_model.bin"})


@dataclass(frozen=True)
class ModelProfile:
    """A mean-pooled transformer's shape and tokenizer settings, as the encoder uses them."""

    dimension: int
    max_seq_length: int
    pools_sentences: bool
    input_names: tuple[str, ...]
    pad_id: int
    padding_side: str
    tokenizer_json: str = field(default="", repr=False, compare=False)  # the fast tokenizer's backend

    @property
    def raw_tokenizer(self) -> bool:
        """True when the tokenizer's output can be rebuilt from its Rust backend alone (right padding;
        only ids, type ids and mask as inputs)."""
        return (bool(self.tokenizer_json) and self.padding_side == "right" and "input_ids" in self.input_names
                and set(self.input_names) <= {"input_ids", "token_type_ids", "attention_mask"})

    @classmethod
    def of(cls, model, pools_sentences: bool) -> "ModelProfile":
        """The profile of a loaded ``SentenceTransformer``."""
        tok = model.tokenizer
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        backend = tok.backend_tokenizer.to_str() if getattr(tok, "is_fast", False) else ""
        return cls(int(dim()), int(model.max_seq_length), bool(pools_sentences),
                   tuple(getattr(tok, "model_input_names", ())), int(tok.pad_token_id or 0),
                   str(getattr(tok, "padding_side", "right")), backend)


def config_sha256(model_dir: Path) -> str:
    """sha256 of the model folder's small files (names and contents; not the weights, README)."""
    h = hashlib.sha256(f"profile v{PROFILE_VERSION}\n".encode())
    for f in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        rel = f.relative_to(model_dir).as_posix()
        if f.name in WEIGHTS or f.name in ("README.md", ".gitattributes") or f.stat().st_size > SMALL_FILE:
            continue
        h.update(rel.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _folder(model_dir: Path, name: str, checksum: str, home: Path | None) -> Path:
    return cache_dir("profile", name, checksum, home) / config_sha256(model_dir)[:16]


def save_profile(profile: ModelProfile, model_dir: Path, name: str, checksum: str, home: Path | None = None) -> None:
    """Record ``profile`` for the model (written beside, then renamed)."""
    if not profile.raw_tokenizer:
        return
    folder = _folder(model_dir, name, checksum, home)
    tok = profile.tokenizer_json.encode()
    meta = {**{k: v for k, v in asdict(profile).items() if k != "tokenizer_json"},
            "tokenizer_sha256": hashlib.sha256(tok).hexdigest(), "version": PROFILE_VERSION}
    for fname, data in (("tokenizer.json", tok), ("profile.json", json.dumps(meta, indent=2).encode())):
        write_replacing(folder / fname, data)


def load_profile(model_dir: Path, name: str, checksum: str, home: Path | None = None) -> ModelProfile | None:
    """The recorded profile of the model, or None (none recorded, another model folder's, or its
    tokenizer's checksum does not hold)."""
    folder = _folder(model_dir, name, checksum, home)
    try:
        meta = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
        tok = (folder / "tokenizer.json").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("version") != PROFILE_VERSION or hashlib.sha256(tok).hexdigest() != meta.get("tokenizer_sha256"):
        return None
    try:
        return ModelProfile(int(meta["dimension"]), int(meta["max_seq_length"]), bool(meta["pools_sentences"]),
                            tuple(meta["input_names"]), int(meta["pad_id"]), str(meta["padding_side"]), tok.decode())
    except (KeyError, TypeError, ValueError):
        return None
