"""Converted models (OpenVINO IR, ONNX, int8 ONNX), made locally from the checksum-verified weights
on first use and cached under ``$NEWSQA_HOME/backends/``.

Each cache folder holds a ``meta.json`` with the source weights' sha256 and the sha256 of every file
it made. A folder whose meta is missing, names other source weights, or whose files do not match
their checksums is refused and rebuilt (never used). Nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from contextlib import contextmanager
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..documents import file_sha256
from ..errors import BackendCacheError, BackendUnavailableError

META = "meta.json"
FILES = {"openvino": ("model.xml", "model.bin"), "onnx": ("model.onnx",), "onnx-int8": ("model.onnx",)}


def newsqa_home() -> Path:
    """``$NEWSQA_HOME``, else ``$XDG_DATA_HOME/newsqa`` or ``~/.local/share/newsqa`` (as ``qa.engine``)."""
    if os.environ.get("NEWSQA_HOME"):
        return Path(os.environ["NEWSQA_HOME"]).expanduser()
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "newsqa"


def cache_dir(backend: str, model_name: str, source_sha256: str, home: Path | None = None) -> Path:
    return (home or newsqa_home()) / "backends" / f"{model_name}-{source_sha256[:16]}" / backend


def write_replacing(path: Path, data: bytes) -> None:
    """Write ``data`` beside ``path``, then rename it over: a reader of the backends cache never
    sees half a file (the parity and choice records, a model profile)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@lru_cache(maxsize=32)
def _sha(path: str, size: int, mtime_ns: int) -> str:
    return file_sha256(Path(path))


def _file_sha(p: Path) -> str:
    st = p.stat()
    return _sha(str(p), st.st_size, st.st_mtime_ns)


def verify(folder: Path, backend: str, source_sha256: str) -> dict:
    """The folder's meta if its checksums hold. Raises BackendCacheError saying which does not."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackendCacheError(f"{folder}: no readable {META} ({e})") from e
    if meta.get("source_sha256") != source_sha256 or meta.get("backend") != backend:
        raise BackendCacheError(f"{folder} was converted from weights {str(meta.get('source_sha256'))[:12]} "
                                f"({meta.get('backend')}), not {source_sha256[:12]} ({backend})")
    for name in FILES[backend]:
        f = folder / name
        want = meta.get("files", {}).get(name)
        if not f.is_file() or not want or _file_sha(f) != want:
            raise BackendCacheError(f"{f}: missing or its sha256 is not the one recorded in {META}")
    return meta


def converted(backend: str, hf_model, example: dict, *, model_name: str, source_sha256: str,
              home: Path | None = None) -> Path:
    """The cache folder of ``backend``'s converted model, made now if missing or refused."""
    folder = cache_dir(backend, model_name, source_sha256, home)
    if folder.exists():
        try:
            verify(folder, backend, source_sha256)
            return folder
        except BackendCacheError as e:
            warnings.warn(f"refused the cached {backend} model: {e}; converting it again", BackendCacheWarning, 2)
            shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{backend}-", dir=folder.parent))
    try:
        with no_loss_function(hf_model):
            _EXPORT[backend](hf_model, example, tmp)
        files = {n: file_sha256(tmp / n) for n in FILES[backend]}
        meta = {"backend": backend, "source_sha256": source_sha256, "files": files, "versions": converter_versions()}
        (tmp / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        try:
            os.replace(tmp, folder)  # atomic; another process that converted first wins
        except OSError:
            pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    verify(folder, backend, source_sha256)
    return folder


@contextmanager
def no_loss_function(hf_model):
    """The model with no training loss while it is exported: an encoder computes none.

    OpenVINO's converter checks its torch.jit trace, which reads every attribute of every module
    (``torch._jit_internal.module_has_exports``), transformers' ``loss_function`` property among
    them; for a bare encoder (``BertModel``: no loss type) that property logs "`loss_type=None` was
    set in the config but it is unrecognized", which a new user's install printed as if something
    were wrong. Its setter takes the lookup's place; the attribute is removed again afterwards.
    """
    has_property = isinstance(getattr(type(hf_model), "loss_function", None), property)
    if not has_property or "_loss_function" in vars(hf_model):
        yield hf_model
        return
    hf_model.loss_function = None
    try:
        yield hf_model
    finally:
        del hf_model._loss_function


class BackendCacheWarning(UserWarning):
    """A cached converted model was refused (its checksums did not match) and is rebuilt."""


INPUTS = ("input_ids", "attention_mask", "token_type_ids")  # what a BERT-like encoder takes, in this order


def _inputs(example: dict) -> list[str]:
    extra = set(example) - set(INPUTS)
    if extra or "input_ids" not in example or "attention_mask" not in example:
        raise BackendUnavailableError(f"the model's inputs {sorted(example)} are not {list(INPUTS)}: only torch runs it")
    return [n for n in INPUTS if n in example]


def _token_vectors(hf_model):
    """The transformer as a plain module: token ids in, last hidden state out (what gets exported)."""
    import torch

    class TokenVectors(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.hf = hf_model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kw = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kw["token_type_ids"] = token_type_ids
            return self.hf(**kw).last_hidden_state

    return TokenVectors().eval()


def _export_openvino(hf_model, example: dict, out: Path) -> None:
    import openvino as ov
    import torch

    names = _inputs(example)
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ov.convert_model(_token_vectors(hf_model), example_input=tuple(torch.from_numpy(example[n]) for n in names),
                                 input=[(n, [-1, -1], ov.Type.i64) for n in names])
    ov.save_model(model, str(out / "model.xml"), compress_to_fp16=False)


def _export_onnx(hf_model, example: dict, out: Path) -> None:
    import torch

    names = _inputs(example)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(_token_vectors(hf_model), tuple(torch.from_numpy(example[n]) for n in names),
                          str(out / "model.onnx"), input_names=names, output_names=["token_embeddings"],
                          opset_version=17, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "token_embeddings"]})


def _export_onnx_int8(hf_model, example: dict, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    _export_onnx(hf_model, example, out)
    fp32 = out / "model-fp32.onnx"
    os.replace(out / "model.onnx", fp32)
    quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    fp32.unlink()


_EXPORT = {"openvino": _export_openvino, "onnx": _export_onnx, "onnx-int8": _export_onnx_int8}


def converter_versions() -> dict:
    """The installed versions of the libraries a converted model depends on (recorded beside it)."""
    out = {}
    for dist in ("torch", "transformers", "openvino", "onnxruntime"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    return out
