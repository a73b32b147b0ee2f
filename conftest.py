"""Doctest collection of the library folders (``--doctest-modules``, ``testpaths`` in pyproject.toml).

Only a library module whose text holds an example (``>>>``) is imported for its doctests, so collecting
them costs what those modules cost: a module that imports Gradio, Ray or the model at its top but has
no example (``ui/handlers.py``) is never imported just to find that it has none. Every library module
must still import without heavy work (no model, index or server at import; see STYLE.md).
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parent
LIBRARY = ("embeddings", "qa", "ui", "eval", "serve", "newsqa")


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
