"""One import name: the project installs only `newsqa`; its stage folders are newsqa.embeddings, newsqa.qa, ...

Checks that no module imports the folders by their bare names (they would clash with any other
distribution's `qa` or `eval`), that pyproject.toml lists every package folder, and that a built wheel
claims no other top-level name.
"""
import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("embeddings", "qa", "ui", "eval", "serve")
SKIP = {".venv", ".git", "build", "dist"}


def _python_files():
    """The clone's own .py files; the skipped folders are never walked (.venv alone holds tens of
    thousands of files: walking it, then filtering, took 20 s of the fast layer)."""
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.startswith("."))
        yield from (Path(top) / f for f in sorted(files) if f.endswith(".py"))


_MAYBE = re.compile(rf"^\s*(?:import|from)\s+(?:{'|'.join(STAGES)})\b", re.M)


def _bare_imports(path: Path):
    text = path.read_text()
    if not _MAYBE.search(text):  # no line could be such an import: skip the (slow) full parse
        return
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in STAGES:
                yield f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"


def test_no_module_imports_a_stage_by_its_bare_name():
    found = [hit for p in _python_files() for hit in _bare_imports(p)]
    assert found == [], "import these as newsqa.<stage>...:\n" + "\n".join(found)


def test_pyproject_lists_every_package_folder():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(cfg["packages"])
    dirs = cfg["package-dir"]
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "newsqa").rglob("__init__.py")}
    for stage in STAGES:
        assert dirs[f"newsqa.{stage}"] == stage
        for init in (ROOT / stage).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT).parts
            on_disk.add(".".join(("newsqa", *rel)))
    for data in cfg["package-data"]:
        on_disk.add(data)
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert listed <= on_disk, f"listed but no such folder: {sorted(listed - on_disk)}"


@pytest.mark.slow
def test_the_wheel_claims_only_the_newsqa_name(tmp_path):
    src = tmp_path / "src"  # a copy: building in place would write build/ into the checkout
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("pyproject.toml", "README.md", "newsqa", *STAGES):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, src / name, **(
            {"ignore": ignore} if (ROOT / name).is_dir() else {}))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(src)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("newsqa-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"newsqa"}
    for path in ("newsqa/qa/engine.py", "newsqa/qa/abstain_model.json", "newsqa/embeddings/backends/probes.txt",
                 "newsqa/eval/questions/seed.jsonl", "newsqa/embeddings/sample_corpus/2023-09-14-kim-putin-summit.txt"):
        assert path in names, f"{path} missing from the wheel"
