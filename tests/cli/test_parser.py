"""The newsqa parser: every sub-command present, each ``--help`` exits 0, a bad option is one error line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

from newsqa import cli
from newsqa.cli import build_parser, main

COMMANDS = ["index", "ask", "chat", "info", "compact", "watch", "ui", "eval", "serve"]


def _subcommands(parser) -> list[str]:
    action = next(a for a in parser._actions if a.dest == "command")
    return list(action.choices)


def test_parser_has_every_subcommand_in_order():
    assert _subcommands(build_parser()) == COMMANDS


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_of_each_command_exits_0(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"] if command else ["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: newsqa {command or ''}".rstrip())
    if command is None:
        assert all(c in out for c in COMMANDS)


BAD = {  # a mistake each sub-parser itself reports
    "index": ["index", "a", "--max-file-mb", "x"], "ask": ["ask", "q", "-k", "x"], "chat": ["chat", "-k", "x"],
    "info": ["info", "--index"], "compact": ["compact", "--full", "--all"], "watch": ["watch"],
    "ui": ["ui", "--port", "x"], "eval": ["eval"], "serve": ["serve", "--port", "x"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_option_is_one_error_line_and_exit_2(command, capsys):
    with pytest.raises(SystemExit) as e:
        main(BAD[command])
    assert e.value.code == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(f"newsqa {command}: error: "), err
    assert "Traceback" not in err and err.splitlines()[-1] == errors[0]


def test_an_unknown_option_is_one_error_line(capsys):
    with pytest.raises(SystemExit) as e:
        main(["ask", "q", "--no-such-option"])
    assert e.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "newsqa: error: unrecognized arguments: --no-such-option"


def test_each_parsed_command_runs_its_own_module():
    args = build_parser().parse_args(["compact", "--index", "i", "--full"])
    assert args.func is cli.compact.run and (args.index, args.full, args.all) == ("i", True, False)
    args = build_parser().parse_args(["eval", "q.jsonl", "-k", "3"])
    assert args.func is cli.evaluate.run and (args.questions, args.k) == ("q.jsonl", 3)


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: newsqa" in capsys.readouterr().out


def test_the_cli_imports_the_project_directly():
    """No ``__import__``/``importlib.import_module`` of the project's modules: a broken one fails at import."""
    for path in sorted(Path(cli.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                assert name not in ("__import__", "importlib.import_module", "import_module"), f"{path.name}: {name}"


def test_python_dash_m_runs_the_command():
    for module in ("newsqa.cli",):
        out = subprocess.run([sys.executable, "-m", module, "--version"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0 and out.stdout.startswith("newsqa "), (module, out.stderr)


# The commands that load the encoder (``compact`` and ``info`` never encode).
ENCODING = ["index", "ask", "chat", "watch", "ui", "eval", "serve"]


def _option(command: str, dest: str):
    action = next(a for a in build_parser()._actions if a.dest == "command")
    return next((a for a in action.choices[command]._actions if a.dest == dest), None)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_that_encodes_has_the_one_backend_option(command):
    from newsqa.embeddings.backends import BACKENDS

    got = _option(command, "backend")
    if command not in ENCODING:
        assert got is None
        return
    want = _option("ask", "backend")  # every one from cli.options.add_backend_opt: the same choices and words
    assert got is not None and tuple(got.choices) == tuple(BACKENDS) and got.default is None
    assert got.option_strings == ["--backend"] and got.help == want.help


class _Stop(Exception):
    pass


def _recorder(seen: dict):
    def record(*args, **kwargs):
        seen.update(kwargs)
        raise _Stop
    return record


@pytest.mark.parametrize("argv,target", [
    (["serve", "--backend", "onnx", "--no-ui"], "newsqa.cli.serve.Engine.open"),
    (["watch", "inbox", "--backend", "onnx"], "newsqa.cli.watch.watch"),
    (["eval", "q.jsonl", "--backend", "onnx"], "newsqa.cli.evaluate.evaluate"),
    (["ui", "--backend", "onnx"], "newsqa.cli.ui.Engine.open"),
])
def test_the_backend_option_reaches_what_loads_the_encoder(argv, target, monkeypatch, capsys):
    seen: dict = {}
    monkeypatch.setattr(target, _recorder(seen))
    with pytest.raises(_Stop):
        main(argv)
    assert seen["backend"] == "onnx"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_reads_as_written_for_a_person(command, capsys, monkeypatch):
    """Wrapped to the terminal (the description of ui, serve and eval was one 200-character line),
    options named by what they take (not ``MAX_UPLOAD_MB``), and --index saying what is done to it."""
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    body = out.split("\nexamples:\n")[0]
    assert max(len(line) for line in body.splitlines()) <= 100, body
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
    unnamed = [a.option_strings[0] for a in sub._actions if a.option_strings and a.nargs != 0
               and a.metavar is None and "_" in a.dest]  # shown as the upper-cased dest, MAX_UPLOAD_MB
    assert not unnamed, unnamed
    index_help = _option(command, "index").help if _option(command, "index") else ""
    assert ("build" in index_help) == (command in ("index",)), index_help
