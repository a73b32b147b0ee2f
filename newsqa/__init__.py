"""newsqa: ask questions of news articles; every answer is verbatim, cited quotes.

The stages live in top-level folders of the repository, the layout a newcomer reads
(``embeddings/`` documents -> passages -> vectors -> stored index, ``qa/`` question -> cited answer,
``ui/``, ``eval/``, ``serve/``), and are imported under this one name: ``newsqa.embeddings``,
``newsqa.qa``, ``newsqa.ui``, ``newsqa.eval``, ``newsqa.serve``. Installed, setuptools maps each
folder into this package (``package-dir`` in pyproject.toml), so the distribution claims no import
name but ``newsqa``. From a source checkout (no install) this package's search path is extended to
the repository root, which resolves the same names to the same folders.
"""
from pathlib import Path as _Path

_root = _Path(__file__).resolve().parent.parent
if (_root / "qa" / "__init__.py").is_file() and str(_root) not in __path__:
    __path__.append(str(_root))
