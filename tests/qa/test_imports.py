"""The import graph of embeddings/ and qa/: one-way (embeddings never imports qa) and without cycles."""

import ast
from pathlib import Path

from helpers import ROOT

PACKAGES = ("embeddings", "qa")


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(["newsqa", *(parts[:-1] if parts[-1] == "__init__" else parts)])


def _top_level_imports(path: Path, module: str) -> set[str]:
    """Project modules imported at module level (not inside functions, not under TYPE_CHECKING)."""
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()

    def visit(node):
        for ch in ast.iter_child_nodes(node):
            if isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(ch, ast.If) and "TYPE_CHECKING" in ast.unparse(ch.test):
                continue
            if isinstance(ch, ast.Import):
                out.update(a.name for a in ch.names)
            elif isinstance(ch, ast.ImportFrom):
                if ch.level:
                    base = module.split(".") if is_pkg else module.split(".")[:-1]
                    base = base[: len(base) - (ch.level - 1)]
                    name = ".".join(base + ([ch.module] if ch.module else []))
                else:
                    name = ch.module or ""
                out.add(name)
                out.update(f"{name}.{a.name}" for a in ch.names)
            visit(ch)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return out


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    return {m: {d for d in _top_level_imports(p, m) if d in files and d != m} for m, p in files.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def dfs(v):
        state[v] = 1
        path.append(v)
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                return path[path.index(w):] + [w]
            if w not in state and (found := dfs(w)):
                return found
        state[v] = 2
        path.pop()
        return None

    for v in sorted(graph):
        if v not in state and (found := dfs(v)):
            return found
    return []


def test_no_import_cycle_in_embeddings_or_qa():
    graph = _graph()
    assert len(graph) > 40 and graph["newsqa.qa.engine"]  # the walk found the modules and their imports
    assert _cycle(graph) == []


def test_cycle_finder_finds_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_embeddings_never_imports_qa():
    upward = sorted(f"{m} -> {d}" for m, ds in _graph().items() if m.startswith("embeddings") for d in ds
                    if d.split(".")[0] == "qa")
    assert upward == []
