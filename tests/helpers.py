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
