"""``newsqa serve``: the HTTP API (and the browser chat at ``/``) on uvicorn, or on Ray Serve."""

from __future__ import annotations

import argparse
import os

from newsqa.embeddings.errors import NewsqaError
from newsqa.qa.engine import Engine, ensure_default_index

from .options import ExamplesFormatter, add_backend_opt, add_index_opt, announce_index_notes, listen_error
from .present import count

HELP = "the HTTP API, OpenAI-compatible chat and browser chat (or Ray Serve)"
EPILOG = """\
examples:
  newsqa serve --index bbc-index                    http://127.0.0.1:8000 (API docs at /docs, chat at /)
  curl -s localhost:8000/v1/ask -H 'content-type: application/json' -d '{"question": "Who met Putin?"}'
  NEWSQA_API_TOKEN=s3cret newsqa serve              also POST/DELETE /v1/documents, with that bearer token
  newsqa serve --ray --replicas 2                   the engine as 2 Ray Serve replicas (local Ray)
  newsqa serve --ray --address auto --shards 4      on a Ray cluster, retrieval split across 4 shards
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``serve`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("serve", help=HELP, formatter_class=ExamplesFormatter,
                       description="Serve newsqa over HTTP: /v1/ask, /v1/ask/batch, /v1/index, /v1/documents, "
                                   "/v1/chat/completions (OpenAI-compatible), /healthz, /metrics; the browser "
                                   "chat at /. Write endpoints need NEWSQA_API_TOKEN.", epilog=EPILOG)
    add_index_opt(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")
    add_backend_opt(p)
    p.add_argument("--no-ui", action="store_true", help="the API only, no browser chat at /")
    g = p.add_argument_group("Ray Serve (pip install 'newsqa[ray]')")
    g.add_argument("--ray", action="store_true", help="run the engine as Ray Serve deployments")
    g.add_argument("--address", default=None, help="Ray cluster address (default: start a local Ray)")
    g.add_argument("--replicas", type=int, default=1, metavar="N", help="engine replicas (default 1)")
    g.add_argument("--shards", type=int, default=0, metavar="N", help="split retrieval by document across N shards (default: none)")
    g.add_argument("--cpus-per-replica", type=float, default=0.5, metavar="CPUS", help="CPUs Ray reserves per replica (default 0.5)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Serve until Ctrl-C."""
    if not 0 < args.port < 65536:
        raise NewsqaError(f"--port must be between 1 and 65535, got {args.port}")
    if args.replicas < 1 or args.shards < 0 or args.shards == 1:
        raise NewsqaError("--replicas must be 1 or more and --shards 0 (none) or 2 or more")
    # Imported here: fastapi and uvicorn take a while to import, and only this command needs them.
    from newsqa.serve import server

    token = os.environ.get("NEWSQA_API_TOKEN") or None
    app, where = _ray_app(args, token, server) if args.ray else _local_app(args, token, server)

    def ready() -> None:  # once the port is ours: a port in use must not be announced as served
        print(f"newsqa serve: {where} on {server.http_url(args.host, args.port)} (docs at /docs; write endpoints "
              f"{'on' if token else 'off: set NEWSQA_API_TOKEN'}; Ctrl-C stops)", flush=True)

    try:
        server.run(app, host=args.host, port=args.port, ready=ready)
    except OSError as e:
        raise NewsqaError(f"cannot listen on {args.host}:{args.port}: {listen_error(e)}; try another --port") from e
    return 0


def _local_app(args, token: str | None, server):
    """The API (and chat) over an engine in this process; returns ``(app, where)``."""
    engine = Engine.open(args.index, model=args.model, progress=True, backend=args.backend)
    announce_index_notes(engine)
    return server.local_app(engine, token=token, gradio=not args.no_ui), str(engine.index_dir)


def _ray_app(args, token: str | None, server):
    """The API over Ray Serve deployments; returns ``(app, where)``."""
    # Imported here: ray is an optional, heavy dependency (pip install 'newsqa[ray]').
    from newsqa.serve.api import create_app
    from newsqa.serve.ray_serve import RemoteEngine, deploy

    index = args.index or str(ensure_default_index(progress=True))
    backend = deploy(index, replicas=args.replicas, shards=args.shards, model=args.model, address=args.address,
                     num_cpus=args.cpus_per_replica, backend=args.backend)
    app = create_app(backend, token=token)
    if not args.no_ui:  # the chat's questions go to the replicas too; it reads the index here for display
        server.mount_chat(app, RemoteEngine(backend, model=args.model, encoder_backend=args.backend))
    shards = count(args.shards, "shard") if args.shards else "no shards"
    return app, f"{index} on Ray Serve ({count(args.replicas, 'replica')}, {shards})"
