"""Documents -> passages -> vectors -> stored index.

Stages, one module each: ``readers/`` (files to ``Document``), ``chunker`` (``Passage``), ``encoder``
(vectors), ``lexical`` (index terms), ``faiss_index``; the stored index: ``segment`` (one immutable
segment's files), ``manifest`` (the validated list of live segments and tombstones), ``store``
(locking, publishing), ``reader`` (``IndexReader``, the one read model), ``compaction`` (merges),
``migrations`` (older formats); ``indexer`` (the update that ties them together) and ``watch``.
"""

from importlib import resources
from pathlib import Path


def sample_corpus_path() -> Path:
    """The built-in sample corpus: the seed news page shipped as package data."""
    return Path(str(resources.files(__name__) / "sample_corpus"))
