"""House rules that a review would otherwise have to find by reading: short functions in the library."""

import ast

import pytest
from helpers import ROOT

LIBRARY = ("embeddings", "qa", "ui", "eval", "serve", "newsqa")
MAX_LINES = 60


@pytest.fixture(scope="module")
def library_nodes() -> list[tuple]:
    """``(path, nodes)`` of every library file, parsed and walked once for all the tests here."""
    files = [path for pkg in LIBRARY for path in sorted((ROOT / pkg).rglob("*.py"))]
    assert len(files) > 100, files
    return [(path, list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))) for path in files]


def test_no_library_function_is_longer_than_60_lines(library_nodes):
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path, nodes in library_nodes for node in nodes
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_LINES]
    assert long == [], "split these into named steps:\n" + "\n".join(long)


# Underscore names one library module still takes from another, each owned by another piece of work
# this session (listed, so a new one fails the test): remove an entry when its name becomes public.
KNOWN_PRIVATE_IMPORTS: set[str] = set()


def _private_imports(path, nodes) -> list[str]:
    """``from x import _y`` among ``nodes`` of ``path`` (dunder names and ``__future__`` aside)."""
    out = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            mod = "." * node.level + (node.module or "")
            out += [f"{path.relative_to(ROOT)}: {mod}.{a.name}" for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")]
    return out


def test_no_library_module_imports_another_modules_private_names(library_nodes):
    found = {x for path, nodes in library_nodes for x in _private_imports(path, nodes)}
    assert found - KNOWN_PRIVATE_IMPORTS == set(), "make these public, documented names of the module that owns them"
    assert KNOWN_PRIVATE_IMPORTS - found == set(), "these are fixed: take them off KNOWN_PRIVATE_IMPORTS"
