"""Collecting the doctests imports only light modules: no Gradio, Ray, torch or model at import."""

import os
import subprocess
import sys

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


def test_modules_with_doctests_import_without_heavy_libraries():
    mods = _modules_with_examples()
    assert len(mods) >= 20 and "newsqa.qa.engine" in mods and "newsqa.ui.app" in mods
    code = ("import importlib, sys\n"
            f"for m in {mods!r}: importlib.import_module(m)\n"
            f"print(sorted(h for h in {HEAVY!r} if h in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "[]", f"imported at module level: {r.stdout.strip()}"


def test_the_light_encoder_path_imports_no_torch():
    """What a light start (ONNX Runtime / OpenVINO) imports to load an encoder: no torch, transformers
    or sentence-transformers (the runtimes themselves are imported only when a runner is made)."""
    mods = ["newsqa.embeddings.encoder", "newsqa.embeddings.backends.light", "newsqa.embeddings.backends.profile",
            "newsqa.embeddings.backends.runners", "newsqa.embeddings.backends.choose"]
    code = ("import importlib, sys\n"
            f"for m in {mods!r}: importlib.import_module(m)\n"
            "from newsqa.embeddings.encoder import default_threads\n"
            "default_threads()\n"
            f"print(sorted(h for h in {HEAVY!r} if h in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "[]", f"imported: {r.stdout.strip()}"
