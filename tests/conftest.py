"""Shared fixtures: the shared data folder, a fake (hashing) encoder, and the real model once per session."""

from __future__ import annotations

import os
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
def seed_engine(seed_index, real_encoder):
    from newsqa.qa import Engine

    return Engine.open(seed_index, encoder=real_encoder)
