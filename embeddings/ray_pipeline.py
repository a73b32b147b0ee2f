"""Indexing on a Ray cluster: reading, chunking and encoding as Ray Data pipelines.

The update is the indexer's own (``update_index`` with ``UpdateHooks``): the same diff against the
stored index, the same reuse of stored vectors, the same tombstones. Two steps run on the cluster:

1. the changed files are read and chunked by Ray tasks (``map_batches`` over file paths);
2. the new documents are cut into one batch per worker; each worker (an actor: one model load; one
   GPU where the cluster has GPUs) encodes its batch and writes it as its own segment, in parallel.

The driver then names the segments and publishes them in one manifest swap, so a build has no
single-writer bottleneck and a reader sees all of them or none. On a multi-node cluster every node
needs newsqa installed, the input files at the same path and the index folder on a shared
filesystem; a model given by ``--model DIR`` must be at that path on every node too.

    >>> from newsqa.embeddings.ray_pipeline import update_index_ray                 # doctest: +SKIP
    >>> report = update_index_ray(["articles/"], "my-index")                 # a local Ray  # doctest: +SKIP
    >>> report = update_index_ray(["/shared/articles"], "my-index", address="auto")  # a running cluster  # doctest: +SKIP

Ray is an optional extra: ``pip install newsqa[ray]``.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path
from typing import Iterable

import numpy as np

from .chunker import ChunkerSettings, Passage, chunk_document
from .encoder import DEFAULT_MODEL, Encoder, HashingEncoder, load_encoder
from .errors import NewsqaError
from .faiss_index import FaissSettings
from .indexer import (IndexReport, NewBatch, UpdateHooks, document_row, encode_missing, segment_data, stored_vectors,
                      update_index)
from .lexical import TOKENIZER_VERSION
from .progress import ProgressCallback, ProgressEvent, as_callback
from .readers import FileRead, folder_section, read_file
from .segment import write_segment

READ_BATCH = 8  # files per read task
MIN_SEGMENT_PASSAGES = 64  # a worker batch (one segment) holds at least this many passages, unless it is all


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


class _SegmentActor:
    """Ray actor: loads the model once, then encodes a batch of new passages and writes them as one
    hidden segment folder of the index (the driver names and publishes it)."""

    def __init__(self, spec: str | None, dimension: int, use_gpu: bool, backend: str = "torch"):
        # The driver's chosen backend (never "auto": every actor runs the same forward pass, and
        # checks its parity itself); a GPU runs torch.
        self.encoder = load_encoder(spec, backend="torch" if use_gpu else backend)
        if use_gpu and hasattr(self.encoder, "model"):
            self.encoder.model.to("cuda")
        if self.encoder.dimension != dimension:
            raise NewsqaError(f"Ray worker loaded a {self.encoder.dimension}-dimensional model, expected {dimension}")

    def write(self, index_dir: str, tmp_name: str, batch: NewBatch, vectors: np.ndarray, sentences: list,
              faiss_settings: FaissSettings) -> tuple[str, dict, int, float]:
        vectors = np.array(vectors)  # Ray hands arrays over read-only
        encoded, seconds = encode_missing(batch.passages, vectors, sentences, self.encoder)
        data = segment_data(batch.passages, vectors, sentences, [document_row(d) for d in batch.documents], batch.files)
        tmp, fields = write_segment(Path(index_dir), tmp_name, data, faiss_settings, TOKENIZER_VERSION)
        return str(tmp), fields, encoded, seconds


def split_batch(batch: NewBatch, parts: int, min_passages: int | None = None) -> list[NewBatch]:
    """``batch`` cut at document boundaries into up to ``parts`` batches of about equal passages
    (none below ``min_passages`` unless it is the only one); the file records go with the last one."""
    target = max(min_passages or MIN_SEGMENT_PASSAGES, -(-len(batch.passages) // max(1, parts)))
    by_doc: dict[str, list[Passage]] = {}
    for p in batch.passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    out: list[NewBatch] = []
    for d in batch.documents:
        if not out or len(out[-1].passages) >= target:
            out.append(NewBatch([], [], {}))
        out[-1].documents.append(d)
        out[-1].passages.extend(by_doc.get(d.doc_id, []))
    if not out:
        out.append(NewBatch([], [], {}))
    out[-1].files = dict(batch.files)
    return out


class RaySegmentWriter:
    """``write_segments`` for ``update_index``: one segment per worker batch, written in parallel by
    a pool of ``_SegmentActor`` (one model load each); the update publishes them in one swap.
    ``progress`` gets an ``encoding`` event (passages) before the first batch and as each one is done."""

    def __init__(self, actors: int, use_gpu: bool, progress: ProgressCallback | None = None):
        self.actors, self.use_gpu, self.progress = actors, use_gpu, progress
        self.batches = 0  # how many segments the last update wrote

    def __call__(self, index_dir: Path, batch: NewBatch, faiss_settings: FaissSettings, prev, report: IndexReport,
                 encoder: Encoder) -> list[tuple[Path, dict]]:
        import ray

        parts = split_batch(batch, self.actors)
        self.batches = len(parts)
        backend = getattr(encoder, "backend", "torch")
        actor_cls = ray.remote(num_gpus=1 if self.use_gpu else 0, num_cpus=0 if self.use_gpu else 1)(_SegmentActor)
        pool = [actor_cls.remote(model_spec(encoder), encoder.dimension, self.use_gpu,
                                 backend if backend not in ("hashing", "auto") else "torch")
                for _ in range(min(self.actors, len(parts)))]
        futures = []
        for i, part in enumerate(parts):
            vectors, sentences = stored_vectors(part.passages, prev, encoder.dimension)
            futures.append(pool[i % len(pool)].write.remote(str(index_dir), f".ray{i}.{os.getpid()}.tmp", part,
                                                            vectors, sentences, faiss_settings))
        self._wait(ray, futures, [len(p.passages) for p in parts])
        out = []
        for tmp, fields, encoded, seconds in ray.get(futures):
            report.encoded += encoded
            report.encode_seconds += seconds
            out.append((Path(tmp), fields))
        for a in pool:
            ray.kill(a)
        return out

    def _wait(self, ray, futures: list, sizes: list[int]) -> None:
        """Wait for every batch, an ``encoding`` event as each one finishes (in whatever order)."""
        if self.progress is None:
            return
        total, done = sum(sizes), 0
        size_of = dict(zip(futures, sizes))
        self.progress(ProgressEvent("encoding", 0, total, "passages"))
        pending = list(futures)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            done += sum(size_of[r] for r in ready)
            self.progress(ProgressEvent("encoding", done, total, "passages"))


def _ray_reader(max_file_bytes: int, chunker: ChunkerSettings, roots: list[Path] = (),
                progress: ProgressCallback | None = None):
    """The ``ReadFiles`` of a Ray update: files read and chunked by Ray tasks; ``progress`` gets a
    ``reading`` event before the first and as each batch of results comes back (as the local reader's)."""

    def read(items: list[Path]) -> Iterable[tuple[FileRead, dict[str, list[Passage]]]]:
        import ray.data

        if not items:
            return []
        if progress is not None:
            progress(ProgressEvent("reading", 0, len(items), "files"))
        ds = ray.data.from_items([{"i": i, "path": str(p), "section": folder_section(p, roots)}
                                  for i, p in enumerate(items)])
        ds = ds.map_batches(_read_and_chunk, batch_size=READ_BATCH, batch_format="numpy",
                            fn_kwargs={"max_file_bytes": max_file_bytes, "chunker": chunker})
        results: list = [None] * len(items)
        done = 0
        for b in ds.iter_batches(batch_size=READ_BATCH, batch_format="numpy"):
            for i, blob in zip(b["i"], b["result"]):
                results[int(i)] = pickle.loads(blob)
            done += len(b["i"])
            if progress is not None:
                progress(ProgressEvent("reading", done, len(items), "files"))
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
    num_cpus: int | None = None,
    encoders: int | None = None,
    **options,
) -> IndexReport:
    """``update_index`` with reading and chunking on Ray tasks and the new documents cut into one
    batch per worker, each encoded and written as its own segment by a Ray actor, in parallel; the
    driver publishes all of them in one manifest swap. The index is the same as a local update's
    (the same passages, vectors and file records, in more segments).

    Args:
        address: a running cluster (``"auto"`` or ``"ray://host:10001"``); None starts a local Ray
            (unless this process already called ``ray.init``). Workers write into ``index_dir``:
            on a multi-node cluster it must be on a filesystem every node shares.
        num_cpus: CPUs of a local Ray (default: all).
        encoders: worker actors (default: one per GPU if the cluster has GPUs, else one per CPU).
        options: the keyword arguments of ``embeddings.indexer.update_index`` (the same, all of them);
            ``progress`` gets the same ``reading`` (files) and ``encoding`` (passages) events, the
            latter as each worker's batch is done. Ray's own progress bars stay off: these say it.

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
        progress = options.get("progress")
        options["progress"] = callback = as_callback(sys.stderr.isatty() if progress is None else progress)
        ray.data.DataContext.get_current().enable_progress_bars = False  # a redrawn bar is noise in a pipe
        res = ray.cluster_resources()
        gpus = int(res.get("GPU", 0))
        writer = RaySegmentWriter(encoders or (gpus if gpus else max(1, int(res.get("CPU", 1)))), gpus > 0, callback)
        hooks = UpdateHooks(read_files=lambda roots, max_bytes, chunker, shown: _ray_reader(max_bytes, chunker, roots, shown),
                            write_segments=writer)
        return update_index(paths, index_dir, hooks=hooks, **options)
    finally:
        if started:
            ray.shutdown()
