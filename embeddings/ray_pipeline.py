"""Indexing on a Ray cluster: reading, chunking and encoding as Ray Data pipelines.

The update is the indexer's own (``indexer._update``): the same diff against the stored index, the
same reuse of stored vectors, the same one new segment per update. Only two steps run on the cluster:

1. the changed files are read and chunked by Ray tasks (``map_batches`` over file paths);
2. the new passage texts are encoded by a pool of encoder actors (``map_batches`` with a callable
   class, one model load per actor; one GPU per actor where the cluster has GPUs).

The driver keeps the index folder, so the index is written where ``newsqa index`` runs. On a
multi-node cluster every node needs newsqa installed and the input files at the same path (a shared
filesystem); a model given by ``--model DIR`` must be at that path on every node too.

    >>> from newsqa.embeddings.ray_pipeline import update_index_ray                 # doctest: +SKIP
    >>> report = update_index_ray(["articles/"], "my-index")                 # a local Ray  # doctest: +SKIP
    >>> report = update_index_ray(["/shared/articles"], "my-index", address="auto")  # a running cluster  # doctest: +SKIP

Ray is an optional extra: ``pip install newsqa[ray]``.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .chunker import ChunkerSettings, Passage, chunk_document
from .encoder import DEFAULT_MODEL, Encoder, HashingEncoder, load_encoder
from .errors import NewsqaError
from .faiss_index import FaissSettings
from .indexer import IndexReport, _update
from .readers import DEFAULT_MAX_FILE_BYTES, FileRead, folder_section, read_file

READ_BATCH = 8  # files per read task
ENCODE_BATCH = 128  # texts per encoder call (what sentence-transformers batches best on CPU)


class RayMissingError(NewsqaError, ImportError):
    """Ray is not installed (an ``ImportError``, shown by the CLI as one line)."""


def require_ray():
    """Import ray, or raise ``RayMissingError`` naming the install command."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as e:
        raise RayMissingError(
            f"--engine ray needs Ray Data, which is not installed ({e}); install it with: pip install newsqa[ray]"
        ) from e
    return ray


def model_spec(encoder: Encoder) -> str | None:
    """What an actor passes to ``load_encoder`` to load the same model as ``encoder``."""
    if isinstance(encoder, HashingEncoder):
        return f"hashing:{encoder.dimension}"
    if encoder.name == DEFAULT_MODEL:
        return None  # the packaged model, checksum-verified on each node
    model_dir = getattr(encoder, "model_dir", None)
    if model_dir is None:
        raise NewsqaError(f"encoder {encoder.name!r} cannot be loaded on Ray workers: give a local model folder")
    return str(model_dir)


def _read_and_chunk(batch: dict, *, max_file_bytes: int, chunker: ChunkerSettings) -> dict:
    """Ray task: read and chunk a batch of files; results travel pickled (Documents, Passages)."""
    out = []
    for path, section in zip(batch["path"], batch["section"]):
        fr = read_file(Path(path), max_bytes=max_file_bytes, section=str(section))
        parts = {d.doc_id: chunk_document(d, chunker) for d in fr.documents}
        out.append(pickle.dumps((fr, parts), protocol=pickle.HIGHEST_PROTOCOL))
    return {"i": batch["i"], "result": np.array(out, dtype=object)}


class _EncoderActor:
    """Ray actor: loads the model once, then encodes batches of texts."""

    def __init__(self, spec: str | None, dimension: int, use_gpu: bool, backend: str = "torch"):
        # The driver's chosen backend (never "auto": every actor runs the same forward pass, and
        # checks its parity itself); a GPU runs torch.
        self.encoder = load_encoder(spec, backend="torch" if use_gpu else backend)
        if use_gpu and hasattr(self.encoder, "model"):
            self.encoder.model.to("cuda")
        if self.encoder.dimension != dimension:
            raise NewsqaError(f"Ray worker loaded a {self.encoder.dimension}-dimensional model, expected {dimension}")

    def __call__(self, batch: dict) -> dict:
        texts = [str(t) for t in batch["text"]]
        spans = [[tuple(s) for s in json.loads(str(x))] for x in batch["spans"]]
        vecs, svecs = self.encoder.encode_passages(texts, spans)
        cuts = np.cumsum([len(s) for s in spans])[:-1]
        # ragged per-passage sentence vectors travel as raw float32 bytes
        sentences = np.array([a.astype(np.float32).tobytes() for a in np.split(svecs, cuts)], dtype=object)
        return {"i": batch["i"], "vector": vecs, "sentences": sentences}


class RayEncoder:
    """The driver's encoder, with ``encode_passages`` run by a pool of Ray actors."""

    def __init__(self, encoder: Encoder, *, actors: int, use_gpu: bool, batch_size: int = ENCODE_BATCH):
        self.local = encoder
        self.name, self.checksum, self.dimension = encoder.name, encoder.checksum, encoder.dimension
        self.backend, self.precision = getattr(encoder, "backend", "torch"), getattr(encoder, "precision", "fp32")
        self.parity = getattr(encoder, "parity", None)
        self.actors, self.use_gpu, self.batch_size = actors, use_gpu, batch_size

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self.encode_passages(texts, [[] for _ in texts], progress=progress)[0]

    def encode_passages(self, texts: Sequence[str], spans, *, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
        import ray.data

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        sentences: list = [None] * len(texts)
        if not texts:
            return out, np.zeros((0, self.dimension), np.float32)
        ds = ray.data.from_items([{"i": i, "text": t, "spans": json.dumps([list(x) for x in sp])}
                                  for i, (t, sp) in enumerate(zip(texts, spans))])
        ds = ds.map_batches(
            _EncoderActor,
            fn_constructor_kwargs={"spec": model_spec(self.local), "dimension": self.dimension, "use_gpu": self.use_gpu,
                                   "backend": self.backend if self.backend != "hashing" else "torch"},
            batch_size=self.batch_size,
            batch_format="numpy",
            concurrency=self.actors,
            num_gpus=1 if self.use_gpu else 0,
            num_cpus=0 if self.use_gpu else 1,
        )
        filled = 0
        for b in ds.iter_batches(batch_size=4096, batch_format="numpy"):
            out[b["i"]] = b["vector"]
            for i, raw in zip(b["i"], b["sentences"]):
                sentences[int(i)] = np.frombuffer(raw, dtype=np.float32).reshape(-1, self.dimension)
            filled += len(b["i"])
        if filled != len(texts) or any(s is None or len(s) != len(sp) for s, sp in zip(sentences, spans)):
            raise NewsqaError(f"Ray encoded {filled} of {len(texts)} passages; run the update again")
        return out, np.concatenate(sentences)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.local.encode_queries(texts)


def _ray_reader(max_file_bytes: int, chunker: ChunkerSettings, roots: list[Path] = ()):
    def read(items: list[Path]) -> Iterable[tuple[FileRead, dict[str, list[Passage]]]]:
        import ray.data

        if not items:
            return []
        ds = ray.data.from_items([{"i": i, "path": str(p), "section": folder_section(p, roots)}
                                  for i, p in enumerate(items)])
        ds = ds.map_batches(_read_and_chunk, batch_size=READ_BATCH, batch_format="numpy",
                            fn_kwargs={"max_file_bytes": max_file_bytes, "chunker": chunker})
        results: list = [None] * len(items)
        for b in ds.iter_batches(batch_size=256, batch_format="numpy"):
            for i, blob in zip(b["i"], b["result"]):
                results[int(i)] = pickle.loads(blob)
        lost = [str(items[i]) for i, r in enumerate(results) if r is None]
        if lost:
            raise NewsqaError(f"Ray returned no result for {len(lost)} files (first: {lost[0]}); run the update again")
        return results

    return read


def update_index_ray(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    *,
    address: str | None = None,
    encoder: Encoder | None = None,
    model: str | None = None,
    prune: bool = False,
    progress: bool | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    chunker: ChunkerSettings = ChunkerSettings(),
    faiss_settings: FaissSettings | None = None,
    lock_timeout: float = 30.0,
    num_cpus: int | None = None,
    encoders: int | None = None,
    backend: str | None = None,
    section_from_folder: bool = True,
) -> IndexReport:
    """``update_index`` with reading, chunking and encoding on Ray; writes the same index.

    Args:
        address: a running cluster (``"auto"`` or ``"ray://host:10001"``); None starts a local Ray
            (unless this process already called ``ray.init``).
        encoder: the model, loaded on the driver for its name, checksum and dimension; each actor
            loads the same model (``model`` as for ``update_index``).
        num_cpus: CPUs of a local Ray (default: all).
        encoders: encoder actors (default: one per GPU if the cluster has GPUs, else one per CPU).
        backend: the forward pass, chosen on the driver (``auto`` by default); actors run the same.
        Other arguments as for ``embeddings.indexer.update_index``.

    Raises:
        RayMissingError: Ray is not installed (``pip install newsqa[ray]``).
    """
    ray = require_ray()
    started = False
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=num_cpus if address is None else None,
                 include_dashboard=False, log_to_driver=False, ignore_reinit_error=True,
                 runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}})
        started = True
    try:
        progress = sys.stderr.isatty() if progress is None else progress
        ray.data.DataContext.get_current().enable_progress_bars = bool(progress)
        res = ray.cluster_resources()
        gpus = int(res.get("GPU", 0))
        n_actors = encoders or (gpus if gpus else max(1, int(res.get("CPU", 1))))
        paths = list(paths)
        roots = [Path(p) for p in paths if Path(p).is_dir()] if section_from_folder else []
        return _update(
            paths, index_dir, encoder=encoder, model=model, prune=prune, progress=progress, chunker=chunker,
            faiss_settings=faiss_settings, lock_timeout=lock_timeout,
            read_files=_ray_reader(max_file_bytes, chunker, roots),
            wrap_encoder=lambda enc: RayEncoder(enc, actors=n_actors, use_gpu=gpus > 0), backend=backend,
        )
    finally:
        if started:
            ray.shutdown()
