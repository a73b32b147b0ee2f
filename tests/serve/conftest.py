"""A running API server (fake encoder, a copy of the seed + Markdown index) for the serve tests."""

from __future__ import annotations

import shutil

import pytest

TOKEN = "test-token-5b1f"


@pytest.fixture(scope="session")
def serve_index_pristine(tmp_path_factory, fake_encoder):
    from helpers import seed_and_markdown_index

    return seed_and_markdown_index(tmp_path_factory.mktemp("serve-src"), fake_encoder)


@pytest.fixture(scope="session")
def api(tmp_path_factory, serve_index_pristine, fake_encoder):
    """``(url, engine)``: the API with the chat mounted at /, token set, on a free port of 127.0.0.1."""
    from newsqa.qa import Engine
    from newsqa.serve.server import local_app, start

    root = tmp_path_factory.mktemp("serve")
    index = root / "index"
    shutil.copytree(serve_index_pristine, index)
    engine = Engine.open(index, encoder=fake_encoder)
    server = start(local_app(engine, token=TOKEN, upload_dir=root / "uploads", gradio=True))
    try:
        yield server.url, engine
    finally:
        server.stop()


@pytest.fixture
def client(api):
    import httpx

    with httpx.Client(base_url=api[0], timeout=60) as c:
        yield c
