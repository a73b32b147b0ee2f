"""House rules that a review would otherwise have to find by reading: short functions in the library."""

import ast

from helpers import ROOT

LIBRARY = ("embeddings", "qa", "ui", "eval", "serve", "newsqa")
MAX_LINES = 60


def test_no_library_function_is_longer_than_60_lines():
    long = []
    for pkg in LIBRARY:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    n = node.end_lineno - node.lineno + 1
                    if n > MAX_LINES:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)")
    assert long == [], "split these into named steps:\n" + "\n".join(long)
