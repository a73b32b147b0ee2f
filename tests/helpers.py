"""Paths of the test data, and a skip when the shared data is not beside the clone."""

import os
import socket
from contextlib import contextmanager
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

    from newsqa.embeddings.indexer import update_index

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    (src / "b.md").write_text("# Port reopens\n\nThe port reopened on Monday.\n\nShips queued \u201coutside\u201d.\n")
    update_index([src], tmp_path / "idx", encoder=encoder, progress=False)
    return tmp_path / "idx"


def jittered_hashing_encoder(dimension: int = 256):
    """The fake encoder plus a small text-seeded jitter, under the same name (``hashing-256``).

    Bag-of-words vectors tie exactly (many passages score 0.0 for a question), and FAISS cuts a run
    of ties at the search depth in an order of its own; real model vectors do not tie, nor do these.
    An index built with it is opened with the plain fake encoder (``load_encoder("hashing-256")``).
    """
    import zlib

    import numpy as np

    from newsqa.embeddings.encoder import HashingEncoder

    class JitteredHashingEncoder(HashingEncoder):
        def _vec(self, text):
            v = super()._vec(text) + 0.01 * np.random.default_rng(zlib.crc32(text.encode())).standard_normal(self.dimension)
            return (v / np.linalg.norm(v)).astype(np.float32)

    return JitteredHashingEncoder(dimension)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(engine, root: Path, **build_kwargs):
    """The Gradio app of ``engine`` on a free port of 127.0.0.1 (uploads and Gradio's temporary copies
    under ``root``); yields its URL and stops it afterwards."""
    from newsqa.ui.app import build_app, launch_blocks

    old_tmp = os.environ.get("GRADIO_TEMP_DIR")
    os.environ["GRADIO_TEMP_DIR"] = str(root / "gradio-tmp")  # Gradio's copies of uploads stay in tmp
    demo = build_app(engine, upload_dir=root / "uploads", **build_kwargs)
    try:
        yield launch_blocks(demo, host="127.0.0.1", port=free_port(), block=False, quiet=True)
    finally:
        demo.close()
        if old_tmp is None:
            os.environ.pop("GRADIO_TEMP_DIR", None)
        else:
            os.environ["GRADIO_TEMP_DIR"] = old_tmp
