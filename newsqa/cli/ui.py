"""``newsqa ui``: serve the browser chat."""

from __future__ import annotations

import argparse
import sys

from newsqa.embeddings.errors import NewsqaError
from newsqa.qa.engine import Engine
from newsqa.ui.app import build_app, launch_blocks
from newsqa.ui.uploads import UploadLimits

from .options import ExamplesFormatter, add_backend_opt, add_index_opt, announce_index_notes, listen_error, positive_mb

HELP = "the browser chat (Gradio)"
EPILOG = """\
examples:
  newsqa ui                                 the built-in sample corpus on http://127.0.0.1:7860
  newsqa ui --index bbc-index --port 8000
  python -c 'from gradio_client import Client; print(Client("http://127.0.0.1:7860/").predict("Who met Putin?", api_name="/ask"))'
"""


def add_parser(sub) -> argparse.ArgumentParser:
    """Add the ``ui`` sub-command to ``sub`` (the ``newsqa`` sub-parsers)."""
    p = sub.add_parser("ui", help=HELP, formatter_class=ExamplesFormatter,
                       description="Serve the chat in the browser: answers with cited quotes, their sources beside "
                                   "them, filters, uploads of new articles, and an /ask API endpoint.",
                       epilog=EPILOG)
    add_index_opt(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    p.add_argument("--model", default=None, help="model folder, if not the one named in the index")
    add_backend_opt(p)
    p.add_argument("--uploads", metavar="DIR", default=None,
                   help="where uploaded articles are saved (default: <index>-uploads beside the index)")
    p.add_argument("--max-upload-mb", type=positive_mb, default=5.0, metavar="MB",
                   help="largest uploaded file, in MB (default 5)")
    p.add_argument("--no-uploads", action="store_true", help="hide the upload box")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Open the index and serve the chat until Ctrl-C."""
    if not 0 < args.port < 65536:
        raise NewsqaError(f"--port must be between 1 and 65535, got {args.port}")
    limits = UploadLimits(max_file_bytes=int(args.max_upload_mb * 2**20))
    # Seconds pass before the line saying where it serves (the model, Gradio, the example questions
    # asked once): say what is happening (10 s of nothing on the BBC index at load 5, a new user's run).
    print(f"newsqa ui: opening {args.index or 'the default index'}, then starting the app (the example "
          "questions are asked once) ...", file=sys.stderr, flush=True)
    engine = Engine.open(args.index, model=args.model, progress=True, backend=args.backend)
    announce_index_notes(engine)
    demo = build_app(engine, upload_dir=args.uploads, limits=limits, allow_uploads=not args.no_uploads)
    try:
        launch_blocks(demo, host=args.host, port=args.port, block=True, limits=limits, where=str(engine.index_dir))
    except OSError as e:
        raise NewsqaError(f"cannot listen on {args.host}:{args.port}: {listen_error(e)}; try another --port") from e
    return 0
