"""eval's modules import in one direction: records <- run, records <- report, report <- run (no cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

import newsqa.eval.records
import newsqa.eval.report
import newsqa.eval.run


def _imports(module) -> set[str]:
    """The eval modules a module imports at its top level (relative or absolute)."""
    tree = ast.parse(Path(module.__file__).read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                names.add(node.module)
            elif node.module and node.module.startswith("newsqa.eval."):
                names.add(node.module.split(".", 2)[2])
    return names


def test_report_and_run_do_not_import_each_other():
    assert "run" not in _imports(newsqa.eval.report)
    assert "report" in _imports(newsqa.eval.run)
    assert {"run", "report"}.isdisjoint(_imports(newsqa.eval.records))


def test_run_reexports_the_records_it_makes():
    assert newsqa.eval.run.Record is newsqa.eval.records.Record and newsqa.eval.run.EvalRun is newsqa.eval.records.EvalRun
    assert newsqa.eval.report.SYSTEM == newsqa.eval.run.SYSTEM == "newsqa"


def test_no_function_level_import_of_a_project_module_in_eval():
    """Project modules are imported at the top; only slow optional libraries are imported in functions."""
    allowed = {"torch", "transformers", "matplotlib.backends.backend_agg", "matplotlib.figure"}
    for path in sorted((ROOT / "eval").glob("*.py")):
        if path.name in ("bench_updates.py",):  # another change's file
            continue
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Import):
                    mods = {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    mods = {("." * node.level) + (node.module or "")}
                else:
                    continue
                assert mods <= allowed, f"{path.name}:{node.lineno} imports {mods} inside {fn.name}"
