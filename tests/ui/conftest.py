"""A running app (real model, a copy of the seed index) and headless Chromium, for the UI tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import running_app

CHROMIUM = Path(os.environ.get("NEWSQA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]




@pytest.fixture(scope="session")
def ui_server(tmp_path_factory, seed_index, real_encoder):
    """The app on a free port of 127.0.0.1 over a copy of the seed index; stopped at the end.

    Yields ``(url, engine, upload_dir)``. Tests may add articles to this index (it is a copy).
    """
    from newsqa.qa import Engine

    root = tmp_path_factory.mktemp("ui")
    index = root / "index"
    shutil.copytree(seed_index, index)
    engine = Engine.open(index, encoder=real_encoder)
    with running_app(engine, root) as url:
        yield url, engine, root / "uploads"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright (skipped when absent unless NEWSQA_REQUIRE_BROWSER=1)."""
    if not CHROMIUM.exists():
        msg = f"{CHROMIUM} is not installed (apt-get install chromium); browser tests need it"
        if os.environ.get("NEWSQA_REQUIRE_BROWSER") == "1":
            pytest.fail(msg + " and NEWSQA_REQUIRE_BROWSER=1")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def artifacts_dir(tmp_path) -> Path:
    """Where screenshots go: ``$NEWSQA_ARTIFACTS`` if set, else the test's tmp folder."""
    d = Path(os.environ["NEWSQA_ARTIFACTS"]) if os.environ.get("NEWSQA_ARTIFACTS") else tmp_path
    d.mkdir(parents=True, exist_ok=True)
    return d
