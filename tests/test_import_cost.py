"""Collecting the doctests imports only light modules: no Gradio, Ray, torch or model at import."""

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT

LIBRARY = ("embeddings", "qa", "ui", "eval", "serve")
HEAVY = ("gradio", "ray", "torch", "sentence_transformers", "transformers", "matplotlib")


def _modules_with_examples() -> list[str]:
    out = []
    for pkg in LIBRARY:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            if ">>>" in f.read_text(encoding="utf-8"):
                parts = f.relative_to(ROOT).with_suffix("").parts
                out.append(".".join(("newsqa", *(parts[:-1] if parts[-1] == "__init__" else parts))))
    return out


LIGHT_ENCODER_PATH = ["newsqa.embeddings.encoder", "newsqa.embeddings.backends.light",
                      "newsqa.embeddings.backends.profile", "newsqa.embeddings.backends.runners",
                      "newsqa.embeddings.backends.choose"]


@pytest.fixture(scope="module")
def heavy_imported() -> dict:
    """The heavy libraries in ``sys.modules`` of one fresh interpreter: first after the light encoder
    path (and ``default_threads()``), then after every module with a doctest example as well (one
    interpreter for both: the first set is a subset of what the second would find)."""
    mods = _modules_with_examples()
    assert len(mods) >= 20 and "newsqa.qa.engine" in mods and "newsqa.ui.app" in mods
    code = ("import importlib, json, sys\n"
            f"heavy = lambda: sorted(h for h in {HEAVY!r} if h in sys.modules)\n"
            f"for m in {LIGHT_ENCODER_PATH!r}: importlib.import_module(m)\n"
            "from newsqa.embeddings.encoder import default_threads\n"
            "default_threads()\n"
            "light = heavy()\n"
            f"for m in {mods!r}: importlib.import_module(m)\n"
            "print(json.dumps({'light': light, 'doctests': heavy()}))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_modules_with_doctests_import_without_heavy_libraries(heavy_imported):
    assert heavy_imported["doctests"] == [], f"imported at module level: {heavy_imported['doctests']}"


def test_the_light_encoder_path_imports_no_torch(heavy_imported):
    """What a light start (ONNX Runtime / OpenVINO) imports to load an encoder: no torch, transformers
    or sentence-transformers (the runtimes themselves are imported only when a runner is made)."""
    assert heavy_imported["light"] == [], f"imported: {heavy_imported['light']}"
