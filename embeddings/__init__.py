"""Documents -> passages -> vectors -> stored index.

Stages, one module each: ``readers/`` (files to ``Document``), ``chunker`` (``Passage``), ``encoder``
(vectors), ``faiss_index``, ``store`` (the index folder and its manifest), ``indexer`` (the update
that ties them together).
"""

from importlib import resources
from pathlib import Path


def sample_corpus_path() -> Path:
    """The built-in sample corpus: the seed news page shipped as package data."""
    return Path(str(resources.files("embeddings") / "sample_corpus"))
