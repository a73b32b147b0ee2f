"""House rules that a review would otherwise have to find by reading (issue 17's targets): short
functions in the library, no private names taken across modules, an import graph without cycles that
flows one way (embeddings -> qa -> ui / eval / serve), and no project module imported by a computed
name. The one import name (``newsqa``) is checked by ``tests/test_namespace.py``."""

import ast
import re

import pytest
from helpers import ROOT

LIBRARY = ("embeddings", "qa", "ui", "eval", "serve", "newsqa")
MAX_LINES = 60


@pytest.fixture(scope="module")
def library_trees() -> list[tuple]:
    """``(path, tree)`` of every library file, parsed once for all the tests here."""
    files = [path for pkg in LIBRARY for path in sorted((ROOT / pkg).rglob("*.py"))]
    assert len(files) > 100, files
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in files]


@pytest.fixture(scope="module")
def library_nodes(library_trees) -> list[tuple]:
    """``(path, nodes)``: every node of every library file."""
    return [(path, list(ast.walk(tree))) for path, tree in library_trees]


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


# -- the import graph: one-way, no cycle, no import by name -------------------------------------------

def module_of(path) -> str:
    """The ``newsqa.`` name of a library file (``qa/engine.py`` -> ``newsqa.qa.engine``)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return ".".join(parts if parts[0] == "newsqa" else ["newsqa", *parts])


def _imported(node, module: str, is_pkg: bool, modules) -> set[str]:
    """The library modules an ``import`` / ``from ... import`` statement inside ``module`` loads.

    ``from pkg import sub`` depends on ``pkg.sub``, not on ``pkg`` (a package is always imported
    before its submodules); ``from pkg import name`` of a value depends on ``pkg``.
    """
    if isinstance(node, ast.Import):
        return {a.name for a in node.names} & modules
    if node.level:
        base = module.split(".") if is_pkg else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module or ""
    subs = {f"{name}.{a.name}" for a in node.names}
    return (subs & modules) | ({name} & modules if subs - modules else set())


def _top_level_imports(path, tree, module: str, modules) -> set[str]:
    """What ``module`` imports when it is imported: module level, not in a function, not under TYPE_CHECKING."""
    out: set[str] = set()

    def visit(node):
        for ch in ast.iter_child_nodes(node):
            if isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(ch, ast.If) and "TYPE_CHECKING" in ast.unparse(ch.test):
                continue
            if isinstance(ch, (ast.Import, ast.ImportFrom)):
                out.update(_imported(ch, module, path.name == "__init__.py", modules))
            visit(ch)

    visit(tree)
    return out - {module}


@pytest.fixture(scope="module")
def import_graph(library_trees) -> dict[str, set[str]]:
    """library module -> the library modules it imports at module level."""
    modules = {module_of(path): (path, tree) for path, tree in library_trees}
    return {m: _top_level_imports(path, tree, m, modules.keys()) for m, (path, tree) in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (``[a, b, a]``), or [] when it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def dfs(v):
        state[v] = 1
        path.append(v)
        for w in sorted(graph.get(v, ())):
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


def test_no_import_cycle_in_the_library(import_graph):
    assert len(import_graph) > 100 and import_graph["newsqa.qa.engine"] and import_graph["newsqa.ui.app"]
    assert {"newsqa.cli.parser", "newsqa.serve.api", "newsqa.eval.run"} <= import_graph.keys()
    assert find_cycle(import_graph) == []


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


# The data flows one way: embeddings -> qa -> ui / eval / serve (-> newsqa.cli, which uses them all).
NOT_IMPORTED_BY = {"embeddings": ("qa", "ui", "eval", "serve", "cli"), "qa": ("ui", "eval", "serve", "cli"),
                   "ui": ("eval", "cli"), "eval": ("ui", "serve", "cli"), "serve": ("eval", "cli")}


def _stage(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


def test_the_data_flows_one_way(import_graph):
    upward = sorted(f"{m} -> {d}" for m, ds in import_graph.items() for d in ds
                    if _stage(d) in NOT_IMPORTED_BY.get(_stage(m), ()))
    assert upward == []


def _loads_by_name(nodes) -> list[ast.Call]:
    """Calls that import a module by a computed name: ``__import__``, ``importlib.import_module``."""
    return [n for n in nodes if isinstance(n, ast.Call)
            and ast.unparse(n.func) in ("__import__", "importlib.import_module", "import_module",
                                        "importlib.__import__")]


def test_no_library_module_imports_the_project_by_name(library_nodes):
    """A module imported by a computed name fails only when that line runs (a broken ``ui`` once
    vanished from ``--help`` instead of failing): the project's own modules are imported by statement.
    A library other than newsqa may be (none is today)."""
    found = []
    for path, nodes in library_nodes:
        for call in _loads_by_name(nodes):
            arg = call.args[0] if call.args else None
            name = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
            relative = any(k.arg == "package" for k in call.keywords) or (name or "").startswith(".")
            if name is None or relative or name.split(".")[0] in ("newsqa", *LIBRARY):
                found.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)}")
    assert found == []


def test_the_name_import_finder_finds_them():
    nodes = list(ast.walk(ast.parse("import importlib\n__import__('newsqa.ui.cli')\n"
                                    "importlib.import_module(name)\nlen('x')\n")))
    assert [ast.unparse(c) for c in _loads_by_name(nodes)] == ["__import__('newsqa.ui.cli')",
                                                               "importlib.import_module(name)"]


def test_methods_of_a_library_class_are_one_blank_line_apart():
    rx = re.compile(r"\n\n\n+[ \t]+(?:def|class|@)")  # two blank lines before an indented definition
    found = [f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 2}"
             for pkg in LIBRARY for path in sorted((ROOT / pkg).rglob("*.py"))
             for text in [path.read_text(encoding="utf-8")] for m in rx.finditer(text)]
    assert not found, found


# numpy reads an array file's header with ast.literal_eval, which CPython 3.11 cannot run in two threads
# at once (embeddings/npy.py): the index's own modules read arrays through embeddings.npy, under its lock.
# The eval scripts run in one thread and may call numpy directly.
NPY_READERS_OUTSIDE_THE_LOCK = ("eval",)


def test_index_arrays_are_read_through_the_npy_lock(library_nodes):
    direct = [f"{path.relative_to(ROOT)}:{node.lineno}" for path, nodes in library_nodes for node in nodes
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load"
              and isinstance(node.func.value, ast.Name) and node.func.value.id in ("np", "numpy")
              and path.relative_to(ROOT).parts[0] not in NPY_READERS_OUTSIDE_THE_LOCK
              and path.relative_to(ROOT).as_posix() != "embeddings/npy.py"]
    assert direct == [], "read arrays with embeddings.npy.load / load_npz (a lock):\n" + "\n".join(direct)
