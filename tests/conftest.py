"""Shared fixtures: a fake (hashing) encoder, a small synthetic corpus and its index, and the real model,
the seed index and the sample corpus's index once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# The real-model tests run torch fp32 (the reference); tests/embeddings/test_backends*.py pick others.
os.environ.setdefault("NEWSQA_BACKEND", "torch")

from helpers import BBC, ROOT, SEED, SHARED, SQUAD, need  # noqa: F401


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own NEWSQA_HOME, so nothing is written outside temporary folders."""
    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="session")
def fake_encoder():
    from newsqa.embeddings.encoder import HashingEncoder

    return HashingEncoder(256)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    """30 small synthetic articles (tests/reliability/util.py ``write_corpus``), written once per session."""
    from reliability.util import write_corpus

    return write_corpus(tmp_path_factory.mktemp("corpus"), 30)


@pytest.fixture(scope="session")
def small_index_pristine(tmp_path_factory, small_corpus, fake_encoder) -> Path:
    """The small corpus indexed with the fake encoder, once per session: read it, never write it."""
    from newsqa.embeddings.indexer import update_index

    d = tmp_path_factory.mktemp("idx") / "index"
    update_index([small_corpus], d, encoder=fake_encoder, progress=False)
    return d


@pytest.fixture
def small_index(tmp_path, small_index_pristine) -> Path:
    """A private copy of the small index (a test may change or damage it)."""
    d = tmp_path / "index"
    shutil.copytree(small_index_pristine, d)
    return d


@pytest.fixture(scope="session")
def real_encoder():
    from newsqa.embeddings.encoder import load_encoder

    return load_encoder(None)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, real_encoder):
    """The seed page indexed with the real packaged model (built once per session)."""
    from newsqa.embeddings.indexer import update_index

    d = tmp_path_factory.mktemp("seed-index")
    update_index([SEED], d, encoder=real_encoder, progress=False)
    return d


@pytest.fixture(scope="session")
def sample_index_pristine(tmp_path_factory, real_encoder) -> Path:
    """The built-in sample corpus's index, as a first ``newsqa ask`` builds it, once per session (the real
    model: ~9 CPU-s a build). Read it, never write it; ``sample_home`` gives a test its own copy."""
    from newsqa.qa.engine import ensure_default_index

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWSQA_HOME", str(tmp_path_factory.mktemp("sample-home")))
        return ensure_default_index(encoder=real_encoder)


@pytest.fixture
def sample_home(sample_index_pristine) -> Path:
    """This test's NEWSQA_HOME with a copy of the sample index in it (as after a first question).
    Building it on first use is tested by ``tests/qa/test_end_to_end.py::test_cli_ask_json_on_sample_corpus``."""
    home = Path(os.environ["NEWSQA_HOME"])
    shutil.copytree(sample_index_pristine, home / sample_index_pristine.name)
    return home


@pytest.fixture(scope="session")
def seed_engine(seed_index, real_encoder):
    from newsqa.qa import Engine

    return Engine.open(seed_index, encoder=real_encoder)
