"""Fixtures of the reliability tests: a small synthetic corpus and an index of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from reliability.util import write_corpus


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"), 30)


@pytest.fixture(scope="session")
def small_index_pristine(tmp_path_factory, small_corpus, fake_encoder) -> Path:
    from newsqa.embeddings.indexer import update_index

    d = tmp_path_factory.mktemp("idx") / "index"
    update_index([small_corpus], d, encoder=fake_encoder, progress=False)
    return d


@pytest.fixture
def small_index(tmp_path, small_index_pristine) -> Path:
    """A private copy of the small index (a test may damage it)."""
    d = tmp_path / "index"
    shutil.copytree(small_index_pristine, d)
    return d
