"""`newsqa ui`: its options, its refusals, and an import that costs nothing."""

from __future__ import annotations

import subprocess
import sys

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
