"""Paths of the test data, and a skip when the shared data is not beside the clone."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSQA_SHARED", ROOT.parent / "shared"))
SEED = ROOT / "embeddings" / "sample_corpus" / "2023-09-14-kim-putin-summit.txt"
BBC = SHARED / "corpus" / "bbc"
SQUAD = SHARED / "benchmarks" / "squad-v1.1-dev.json"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"test data {path} is not here (../shared beside the clone)")
    return path


def seed_and_markdown_index(tmp_path, encoder):
    """An index of the seed page plus a two-paragraph Markdown article; returns its folder."""
    import shutil

    from embeddings.indexer import update_index

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    (src / "b.md").write_text("# Port reopens\n\nThe port reopened on Monday.\n\nShips queued \u201coutside\u201d.\n")
    update_index([src], tmp_path / "idx", encoder=encoder, progress=False)
    return tmp_path / "idx"
