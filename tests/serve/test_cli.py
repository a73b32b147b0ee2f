"""``newsqa serve``: a real server from the command line; mistakes end in one line and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from helpers import ROOT

from newsqa.cli import main


@pytest.mark.parametrize("argv, needle", [(["--port", "0"], "--port must be between 1 and 65535"),
                                          (["--shards", "1"], "--shards 0 (none) or 2 or more")])
def test_bad_options_are_one_line_errors(argv, needle, capsys, monkeypatch):
    """In this process (the real command's exit status and one line: tests/cli/test_parser.py runs
    ``python -m newsqa.cli`` itself; the server test below runs ``serve`` in a subprocess)."""
    def past_the_checks(*a, **k):
        raise AssertionError("serve went on to open the index with a bad option")

    monkeypatch.setattr("newsqa.cli.serve._local_app", past_the_checks)
    monkeypatch.setattr("newsqa.cli.serve._ray_app", past_the_checks)
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newsqa serve: error: ") and needle in err, err


def test_a_port_in_use_is_one_line_error_and_is_never_announced(capsys, monkeypatch):
    """uvicorn logged '[Errno 98] ... address already in use' and exited with status 3, after the
    command had printed 'serving ... Ctrl-C stops'; now the port is bound first."""
    import socket

    monkeypatch.setattr("newsqa.cli.serve._local_app", lambda args, token, server: (object(), "idx"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--no-ui", "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert "Ctrl-C stops" not in out
    assert err == (f"newsqa serve: error: cannot listen on 127.0.0.1:{port}: the port is in use (another newsqa ui "
                   "or serve, or another program); try another --port\n")


def test_an_ipv6_host_is_announced_in_brackets(capsys, monkeypatch):
    """``--host ::1`` printed http://::1:8000, which no browser opens."""
    monkeypatch.setattr("newsqa.cli.serve._local_app", lambda args, token, server: (object(), "idx"))
    monkeypatch.setattr("newsqa.serve.server.run", lambda app, host, port, ready: ready())
    assert main(["serve", "--no-ui", "--host", "::1", "--port", "8123"]) == 0
    assert " on http://[::1]:8123 (docs at /docs" in capsys.readouterr().out


def test_a_busy_port_is_said_in_words_for_ui_too():
    import errno

    from newsqa.cli.options import listen_error

    gradio = OSError("Cannot find empty port in range: 7872-7872. You can specify a different port by setting the "
                     "GRADIO_SERVER_PORT environment variable or passing the `server_port` parameter to `launch()`.")
    assert listen_error(gradio) == listen_error(OSError(errno.EADDRINUSE, "Address already in use"))
    assert "server_port" not in listen_error(gradio) and "in use" in listen_error(gradio)
    assert listen_error(OSError(errno.EACCES, "Permission denied")) == "Permission denied"


@pytest.mark.slow  # a server subprocess (imports FastAPI and the index, serves HTTP, stops on SIGINT)
def test_serve_answers_over_http_and_stops_on_ctrl_c(serve_index_pristine, tmp_path):
    import signal

    import httpx
    from helpers import free_port

    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "NEWSQA_HOME": str(tmp_path)}
    env.pop("NEWSQA_API_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "newsqa.cli", "serve", "--index", str(serve_index_pristine), "--no-ui",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() is not None else "slow"
            time.sleep(0.3)
        r = httpx.post(url + "/v1/ask", json={"question": "When did the port reopen?"}, timeout=60)
        assert r.status_code == 200 and r.json()["citations"][0]["quote"] == "The port reopened on Monday."
        assert httpx.post(url + "/v1/ask", json={"question": 5}, timeout=60).status_code == 422
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert "write endpoints off" in out and "Traceback" not in err, (out, err)
