"""The engine as Ray Serve deployments behind the same HTTP API: replicas, and shards by document.

    newsqa serve --ray --replicas 2                       # 2 engine replicas on a local Ray
    newsqa serve --ray --address auto --shards 4          # on a cluster: 4 shard deployments

Every replica opens the same index folder (shared storage on a cluster) and loads a newer
generation when one is published (``Engine.refresh`` before each call). With ``shards=N`` each of N
shard deployments searches only its documents' passages; an engine replica fans the question out,
merges their rankings and fuses them exactly as one process does (``qa.shards``), then composes
the answer. The HTTP front end (``serve.api``, run by uvicorn in the calling process) forwards
each call through a deployment handle, so the endpoints are the same with or without Ray.

    >>> backend = deploy("my-index", replicas=2)                            # doctest: +SKIP
    >>> backend.ask("Who met Putin?")["citations"][0]["quote"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

from newsqa.embeddings.encoder import load_encoder
from newsqa.embeddings.errors import NewsqaError
from newsqa.embeddings.reader import manifest_stamp, open_reader
from newsqa.qa import Engine
from newsqa.qa.answer import collection_summary
from newsqa.qa.shards import Shard, ShardMismatchError, fan_out

from .backend import LocalBackend
from .errors import ApiError, missing_extra, status_of

APP_NAME = "newsqa"


def _serve():
    try:
        from ray import serve
    except ImportError as e:
        raise missing_extra("ray[serve]", "ray") from e
    return serve


def _wrapped(fn, *args, refresh=None):
    """Run ``fn``; an engine error comes back as a value (it crosses the process boundary intact).

    A shard that already serves a newer generation than the engine (a writer published between
    the engine's refresh and the shard's) makes the engine ``refresh`` and the call run once more.
    """
    for attempt in range(2):
        try:
            return {"ok": fn(*args)}
        except ShardMismatchError as e:
            if attempt or refresh is None or not refresh():
                return {"error": str(e), "status": status_of(e)}
        except NewsqaError as e:
            return {"error": str(e), "status": status_of(e)}
    raise AssertionError("unreachable")


class EngineReplica:
    """One engine (a Ray Serve replica); with ``shards`` (deployment handles) retrieval fans out."""

    def __init__(self, index_dir: str, model: str | None = None, shards: list | None = None,
                 upload_dir: str | None = None, backend: str | None = None):
        search = None
        if shards:
            def call_shards(req: dict) -> list:
                got = [p.result() for p in [h.ranked.remote(req) for h in shards]]
                for g in got:
                    if isinstance(g, dict):  # a shard on another generation (see _wrapped)
                        raise ShardMismatchError(g["mismatch"])
                return got

            search = fan_out(call_shards)
        engine = Engine.open(index_dir, model=model, search=search, backend=backend)
        self.backend = LocalBackend(engine, upload_dir=upload_dir)

    def call(self, method: str, *args):
        if method in ("answer", "answers", "status"):  # the browser chat's calls (RemoteEngine)
            return _wrapped(getattr(self, "_" + method), *args, refresh=self.backend.engine.refresh)
        if method not in ("ask", "ask_batch", "summary", "add_documents", "delete_document"):
            return {"error": f"unknown method {method}", "status": 400}
        return _wrapped(getattr(self.backend, method), *args, refresh=self.backend.engine.refresh)

    def _answer(self, question: str, k: int, filters, history):
        """An ``Answer`` object (Ray pickles it whole), for a chat that renders it as the UI does."""
        engine = self.backend.engine
        engine.refresh()
        return engine.ask(question, k=k, filters=filters, history=history or [])

    def _answers(self, questions: list[str], k: int, filters):
        engine = self.backend.engine
        engine.refresh()
        return engine.ask_many(questions, k=k, filters=filters)

    def _status(self) -> dict:
        """This replica's process and generation, after a refresh (tests: every replica follows)."""
        engine = self.backend.engine
        engine.refresh()
        return {"pid": os.getpid(), "generation": engine.snapshot.generation, "passages": len(engine.snapshot.passages)}


class ShardReplica:
    """Shard ``shard`` of ``n``: holds and searches only its part of the index (``qa.shards.Shard``).

    No model: the engine replica embeds the question once and sends the vector with it.
    """

    def __init__(self, index_dir: str, shard: int, n: int, model: str | None = None):
        self.shard = Shard(index_dir, shard, n)

    def ranked(self, req: dict):
        try:
            return self.shard.ranked(**req)
        except ShardMismatchError as e:  # a value, not a Ray exception: the engine refreshes and retries
            return {"mismatch": str(e)}

    def status(self) -> dict:
        """This shard's process, generation, rows and bytes held (tests, ``ray_compare``)."""
        self.shard.refresh()
        return {"pid": os.getpid(), "generation": self.shard.generation, "rows": int(len(self.shard.rows())),
                "bytes": self.shard.nbytes()}


class RayBackend:
    """The ``serve.backend`` calls, forwarded to the ``EngineReplica`` deployment through its handle."""

    def __init__(self, handle, index_dir: str | None = None, model: str | None = None):
        self.handle, self.index_dir, self.model = handle, index_dir, model

    def _call(self, method: str, *args):
        got = self.handle.call.remote(method, *args).result()
        if "error" in got:
            raise ApiError(got["status"], got["error"])
        return got["ok"]

    def ask(self, question, k=5, filters=None, history=None):
        return self._call("ask", question, k, filters, history)

    def ask_batch(self, questions, k=5, filters=None):
        return self._call("ask_batch", questions, k, filters)

    def summary(self):
        return self._call("summary")

    def add_documents(self, files):
        return self._call("add_documents", files)

    def delete_document(self, doc_id):
        return self._call("delete_document", doc_id)


class RemoteEngine:
    """What the browser chat (``ui.app``) asks of an ``Engine``, for a front process without one.

    Questions go to the Ray Serve replicas and come back as ``Answer`` objects; what the chat shows
    besides (the documents panel, article view, source cards, summary) is read from a local
    ``IndexReader`` of the same folder (memory-mapped, no model), refreshed when a writer publishes.
    Uploads and deletes from the browser write the index from this process: the model is loaded
    here on the first one (the replicas then pick up the new generation).

        >>> mount_chat(app, RemoteEngine(deploy("my-index", replicas=2)))  # doctest: +SKIP
    """

    def __init__(self, backend: RayBackend, model: str | None = None, encoder_backend: str | None = None):
        self._backend, self._model, self._encoder_backend = backend, model or backend.model, encoder_backend
        self.index_dir = Path(backend.index_dir)
        self._stamp = manifest_stamp(self.index_dir)
        self._reader = open_reader(self.index_dir, ann=False)
        self._encoder = None

    @property
    def snapshot(self):
        return self._reader

    reader = snapshot

    def refresh(self) -> bool:
        stamp = manifest_stamp(self.index_dir)
        if stamp is None or stamp == self._stamp:
            return False
        old = self._reader.generation
        self._stamp = stamp
        self._reader = open_reader(self.index_dir, previous=self._reader, ann=False)
        return self._reader.generation != old

    def summary(self) -> dict:
        return collection_summary(self._reader)

    def ask(self, question: str, *, k: int = 5, filters=None, history: list | None = None):
        return self._backend._call("answer", question, k, filters, list(history or []))

    def ask_many(self, questions: list[str], *, k: int = 5, filters=None) -> list:
        return self._backend._call("answers", list(questions), k, filters)

    @property
    def encoder(self):
        """The model, loaded here on first use (an upload or delete from the browser writes the index)."""
        if self._encoder is None:
            m = self._reader.info.model
            self._encoder = load_encoder(self._model or m.path or m.name, backend=self._encoder_backend)
        return self._encoder


def deploy(index_dir: str | os.PathLike, *, replicas: int = 1, shards: int = 0, model: str | None = None,
           address: str | None = None, num_cpus: float = 0.5, max_ongoing_requests: int = 16,
           upload_dir: str | None = None, name: str = APP_NAME, backend: str | None = None) -> RayBackend:
    """Start (or join) Ray, deploy the engine replicas (and shards), return a backend for ``serve.api``.

    Args:
        index_dir: the index folder every replica opens (shared storage on a cluster).
        replicas: engine replicas (each holds the model and answers whole questions).
        shards: 0 for none; else the number of shard deployments retrieval is split across.
        address: a Ray cluster's address (``auto``, ``ray://host:10001``); None starts a local Ray.
        num_cpus: CPUs reserved per replica (fractions let several share a small machine).
        name: the Serve application's name (several can run side by side).
        backend: the encoder's forward pass in the replicas (``embeddings.backends``). ``auto`` decides
            per process, and its choice depends on the threads a process has (Ray gives a replica
            fewer than a plain process): pin one (or ``NEWSQA_BACKEND``) for answers bit-equal to
            another process's.
    """
    serve = _serve()  # ray is optional and heavy: imported here (_serve names the pip install if it is missing)
    import ray

    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, include_dashboard=False)
    need, have = (replicas + shards) * num_cpus, ray.cluster_resources().get("CPU", 0)
    if need > have:  # Serve would wait for ever for the replicas it cannot place
        raise NewsqaError(f"{replicas} replicas and {shards} shards at {num_cpus:g} CPU each need {need:g} CPUs; "
                          f"the Ray cluster has {have:g}: lower --cpus-per-replica or add nodes")
    serve.start(proxy_location="Disabled")
    index_dir = str(os.path.abspath(index_dir))
    opts = {"ray_actor_options": {"num_cpus": num_cpus, "runtime_env": _runtime_env()},
            "max_ongoing_requests": max_ongoing_requests}
    shard_apps = [serve.deployment(ShardReplica, name=f"{name}-shard-{i}", num_replicas=1, **opts)
                  .bind(index_dir, i, shards, model) for i in range(shards)]
    engine = serve.deployment(EngineReplica, name=f"{name}-engine", num_replicas=replicas, **opts)
    handle = serve.run(engine.bind(index_dir, model, shard_apps or None, upload_dir, backend), name=name,
                       route_prefix=None, blocking=False)
    return RayBackend(handle, index_dir, model)


def _runtime_env() -> dict:
    """Replicas import this code (the folder it runs from first) and never reach a model hub."""
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    env = {"PYTHONPATH": path, "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1"),
           "TRANSFORMERS_OFFLINE": os.environ.get("TRANSFORMERS_OFFLINE", "1")}
    if os.environ.get("NEWSQA_BACKEND"):
        env["NEWSQA_BACKEND"] = os.environ["NEWSQA_BACKEND"]
    return {"env_vars": env}


def shutdown(name: str = APP_NAME) -> None:
    """Remove the application's deployments (Ray itself stays up)."""
    _serve().delete(name)
