"""A running API server (fake encoder, a copy of the seed + Markdown index) for the serve tests."""

from __future__ import annotations

import shutil

import pytest

TOKEN = "test-token-5b1f"


@pytest.fixture(scope="session")
def serve_index_pristine(tmp_path_factory, fake_encoder):
    from helpers import seed_and_markdown_index

    return seed_and_markdown_index(tmp_path_factory.mktemp("serve-src"), fake_encoder)


def _serve(root, pristine, encoder, gradio: bool):
    """Start the API over a private copy of ``pristine`` (``gradio``: with the chat mounted at /)."""
    from newsqa.qa import Engine
    from newsqa.serve.server import local_app, start

    index = root / "index"
    shutil.copytree(pristine, index)
    engine = Engine.open(index, encoder=encoder)
    return start(local_app(engine, token=TOKEN, upload_dir=root / "uploads", gradio=gradio)), engine


@pytest.fixture(scope="session")
def api(tmp_path_factory, serve_index_pristine, fake_encoder):
    """``(url, engine)``: the API alone (no chat: importing Gradio costs ~7 CPU-s, and only
    ``chat_api`` needs it), token set, on a free port of 127.0.0.1."""
    server, engine = _serve(tmp_path_factory.mktemp("serve"), serve_index_pristine, fake_encoder, gradio=False)
    try:
        yield server.url, engine
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chat_api(tmp_path_factory, serve_index_pristine, fake_encoder):
    """``(url, engine)``: the API with the Gradio chat mounted at / (as ``newsqa serve`` starts it)."""
    server, engine = _serve(tmp_path_factory.mktemp("serve-chat"), serve_index_pristine, fake_encoder, gradio=True)
    try:
        yield server.url, engine
    finally:
        server.stop()


@pytest.fixture
def client(api):
    import httpx

    with httpx.Client(base_url=api[0], timeout=60) as c:
        yield c


@pytest.fixture
def own_api(tmp_path, serve_index_pristine, fake_encoder):
    """``(client, engine, upload_dir)``: the API alone over a private copy of the index, for a test that
    must see exactly what its own writes did (the session's ``api`` is shared)."""
    import httpx

    server, engine = _serve(tmp_path, serve_index_pristine, fake_encoder, gradio=False)
    try:
        with httpx.Client(base_url=server.url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            yield c, engine, tmp_path / "uploads"
    finally:
        server.stop()
