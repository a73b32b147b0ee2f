"""Doctest collection of the library folders (``--doctest-modules``, ``testpaths`` in pyproject.toml).

Only a library module whose text holds an example (``>>>``) is imported for its doctests, so collecting
them costs what those modules cost: a module that imports Gradio, Ray or the model at its top but has
no example (``ui/handlers.py``) is never imported just to find that it has none. Every library module
must still import without heavy work (no model, index or server at import; see STYLE.md).

Each module is imported under its installed name (``qa/engine.py`` as ``newsqa.qa.engine``), the one
the tests and the library use: pytest's own doctest collector would import it a second time under its
folder's bare name (``qa.engine``), a second copy with its own module-level state.
"""

from __future__ import annotations

import doctest
import importlib
import os
from pathlib import Path

import pytest
from _pytest.doctest import DoctestModule

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent
LIBRARY = ("embeddings", "qa", "ui", "eval", "serve", "newsqa")


def module_name(path: Path) -> str | None:
    """``newsqa.``-name of a library file (``qa/engine.py`` -> ``newsqa.qa.engine``), None outside them."""
    try:
        rel = Path(path).resolve().relative_to(ROOT).with_suffix("")
    except ValueError:
        return None
    if not rel.parts or rel.parts[0] not in LIBRARY:
        return None
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts if parts[0] == "newsqa" else ("newsqa", *parts))


class NamespacedDoctestModule(DoctestModule):
    """A library module's doctests, the module imported by its ``newsqa.`` name."""

    def _getobj(self):
        name = module_name(self.path)
        mod = importlib.import_module(name)
        if Path(mod.__file__).resolve() != Path(self.path).resolve():
            raise self.CollectError(f"{name} imports {mod.__file__}, not {self.path}: run from the checkout")
        return mod

    def collect(self):
        """The module's doctests, less those whose every example is marked ``+SKIP``: examples
        written to be read (they need a model or an index), which pytest would report as skipped
        under its own file ("SKIPPED [30] .../_pytest/doctest.py:464")."""
        for item in super().collect():
            if not all(ex.options.get(doctest.SKIP, False) for ex in item.dtest.examples):
                yield item


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent):
    """Swap pytest's doctest collector of a library file for one importing it by its ``newsqa.`` name."""
    found = yield
    if module_name(file_path) is None:
        return found
    return [NamespacedDoctestModule.from_parent(parent, path=file_path)
            if type(c) is DoctestModule else c for c in found]


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """Skip library ``.py`` files without a doctest example (pytest asks before importing them)."""
    p = Path(collection_path)
    if p.suffix != ".py":
        return None
    try:
        rel = p.resolve().relative_to(ROOT)
    except ValueError:
        return None
    if rel.parts[0] not in LIBRARY:
        return None
    return ">>>" not in p.read_text(encoding="utf-8", errors="replace") or None
