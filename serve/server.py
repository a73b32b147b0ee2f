"""Put the pieces together and run them: the API, the browser chat at ``/``, uvicorn.

    >>> app = local_app(Engine.open("my-index"), token=None)               # doctest: +SKIP
    >>> run(app, host="127.0.0.1", port=8000)                               # blocks; Ctrl-C stops  # doctest: +SKIP
    >>> server = start(app, "127.0.0.1", 0)     # in a thread (tests, benchmarks); server.url; server.stop()  # doctest: +SKIP
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from newsqa.ui.app import CSS, HEAD, build_app, import_gradio
from newsqa.ui.uploads import UploadLimits

from .api import create_app
from .backend import LocalBackend


def http_url(host: str, port: int) -> str:
    """The address a browser opens: an IPv6 host in brackets.

        >>> http_url("127.0.0.1", 8000), http_url("::1", 8000)
        ('http://127.0.0.1:8000', 'http://[::1]:8000')
    """
    return f"http://[{host}]:{port}" if ":" in host and not host.startswith("[") else f"http://{host}:{port}"


def local_app(engine, *, token: str | None = None, limits: UploadLimits = UploadLimits(),
              upload_dir=None, gradio: bool = True):
    """The API over ``engine`` in this process, with the Gradio chat mounted at ``/`` (``gradio=True``)."""
    app = create_app(LocalBackend(engine, upload_dir=upload_dir, limits=limits), token=token, limits=limits)
    if gradio:
        mount_chat(app, engine, limits=limits, upload_dir=upload_dir)
    return app


def mount_chat(app, engine, *, limits: UploadLimits = UploadLimits(), upload_dir=None) -> None:
    """Mount the browser chat (``ui.app``) at ``/`` of ``app`` (after the API routes, which take precedence)."""
    gr = import_gradio()  # only the chat needs Gradio (seconds to import; the API alone does not)

    demo = build_app(engine, upload_dir=upload_dir, limits=limits).queue(default_concurrency_limit=8)
    gr.mount_gradio_app(app, demo, path="/", css=CSS, head=HEAD, max_file_size=2 * limits.max_file_bytes,
                        footer_links=["api"], ssr_mode=False, show_error=True)


def run(app, *, host: str = "127.0.0.1", port: int = 8000, ready=None) -> None:
    """Serve ``app`` with uvicorn until Ctrl-C (access log off: one line per question is noise).

    The socket is bound here first, so a port in use raises ``OSError`` (uvicorn itself logs it and
    exits with status 3, after the caller had said it was serving); ``ready()``, if given, runs once
    the port is ours, before the first request is read.

    Raises:
        OSError: ``host:port`` cannot be bound (in use, not allowed, not an address of this machine).
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a restart need not wait
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    if ready is not None:
        ready()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
    server.run(sockets=[sock])


class Running:
    """A uvicorn server running in a thread of this process."""

    def __init__(self, server, thread: threading.Thread, url: str):
        self.server, self.thread, self.url = server, thread, url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start(app, host: str = "127.0.0.1", port: int = 0, timeout: float = 60) -> Running:
    """Start ``app`` in a thread on ``host:port`` (0: a free port); returns when it accepts requests."""
    if port == 0:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server on {host}:{port} did not start")
        time.sleep(0.05)
    return Running(server, thread, http_url(host, port))
