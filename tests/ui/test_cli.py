"""`newsqa ui`: its options, its refusals, and an import that costs nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import free_port

from newsqa.cli import build_parser, main


def test_ui_subcommand_parses_its_options():
    args = build_parser().parse_args(["ui", "--index", "idx", "--host", "127.0.0.1", "--port", "8123"])
    assert (args.index, args.host, args.port) == ("idx", "127.0.0.1", 8123)
    assert callable(args.func)
    defaults = build_parser().parse_args(["ui"])
    assert (defaults.index, defaults.host, defaults.port) == (None, "127.0.0.1", 7860)


def test_ui_refuses_bad_options_in_one_line(capsys, tmp_path):
    assert main(["ui", "--port", "0"]) == 2
    assert "--port must be between 1 and 65535" in capsys.readouterr().err
    assert main(["ui", "--index", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err


def test_importing_ui_loads_no_model_and_starts_nothing():
    """Nor Gradio: the app's handlers, and their tests, run without it (``ui.updates``)."""
    code = ("import sys, threading; import newsqa.ui, newsqa.ui.app, newsqa.ui.format, newsqa.ui.uploads, "
            "newsqa.ui.handlers, newsqa.ui.updates, newsqa.cli; "
            "print(sorted(m for m in ('gradio', 'torch', 'sentence_transformers') if m in sys.modules), "
            "threading.active_count())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "1"]


def test_ui_says_what_it_does_before_the_silent_seconds(capsys, monkeypatch):
    class Stop(Exception):
        pass

    def stop(*a, **k):
        raise Stop

    monkeypatch.setattr("newsqa.cli.ui.Engine.open", stop)
    with pytest.raises(Stop):
        main(["ui", "--index", "bbc-index"])
    assert capsys.readouterr().err.startswith("newsqa ui: opening bbc-index, then starting the app")


class _FakeBlocks:
    """What ``launch_blocks`` calls of a ``gr.Blocks``, recorded (no Gradio imported)."""

    def __init__(self):
        self.launched, self.blocked = {}, False

    def queue(self, **kwargs):
        return self

    def launch(self, **kwargs):
        self.launched = kwargs
        return None, f"http://{kwargs['server_name']}:{kwargs['server_port']}/", None

    def block_thread(self):
        self.blocked = True


def test_launch_says_where_once_and_never_suggests_a_public_link(monkeypatch, capsys):
    """Gradio prints 'To create a public link, set `share=True`' unless told to be quiet; the one
    line is ours, printed once the server answers."""
    import newsqa.ui.app as app

    monkeypatch.setattr(app, "import_gradio", lambda: None)
    demo = _FakeBlocks()
    url = app.launch_blocks(demo, host="127.0.0.1", port=8123, block=True, where="idx")
    assert demo.launched["quiet"] is True and demo.launched["share"] is False and demo.blocked
    assert demo.launched["prevent_thread_lock"] is True  # returns once up, so the line comes after
    assert capsys.readouterr().out == f"newsqa ui: serving idx on {url} (Ctrl-C stops)\n"
    app.launch_blocks(_FakeBlocks(), port=8124, block=False, quiet=True)
    assert capsys.readouterr().out == ""


@pytest.mark.slow
def test_real_gradio_prints_no_share_hint(tmp_path, fake_encoder, capfd):
    from helpers import seed_and_markdown_index

    from newsqa.qa import Engine
    from newsqa.ui.app import build_app, launch_blocks

    engine = Engine.open(seed_and_markdown_index(tmp_path, fake_encoder), encoder=fake_encoder)
    demo = build_app(engine, upload_dir=tmp_path / "uploads")
    try:
        url = launch_blocks(demo, port=free_port(), block=False)
    finally:
        demo.close()
    out = capfd.readouterr().out
    assert "share=True" not in out and "public link" not in out
    assert f"on {url} (Ctrl-C stops)" in out
