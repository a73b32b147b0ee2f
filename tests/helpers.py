"""Paths of the test data (and a skip when the shared data is not beside the clone), small indexes,
free ports, process memory, client threads and the running app: what several test files share."""

import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSQA_SHARED", ROOT.parent / "shared"))
SEED = ROOT / "embeddings" / "sample_corpus" / "2023-09-14-kim-putin-summit.txt"
BBC = SHARED / "corpus" / "bbc"
SQUAD = SHARED / "benchmarks" / "squad-v1.1-dev.json"


# What a skipped test tells a new user to do (the data's two places).
WHERE_DATA = "../shared beside the clone, or set NEWSQA_SHARED=DIR"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"test data {path} is not here ({WHERE_DATA})")
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


def tiny_engine(src: Path, index: Path, articles: dict[str, str], encoder):
    """An engine over ``articles`` (file name -> text) written into ``src`` and indexed into ``index``,
    for the fake encoder: its cosines run low, so the fitted abstention model (which weighs real
    cosines) is off and the hand-set rule's bar is lowered; abstention is not what such tests check."""
    from newsqa.embeddings.indexer import update_index
    from newsqa.qa import Engine
    from newsqa.qa.abstain import AbstainSettings
    from newsqa.qa.answer import AnswerSettings

    for name, text in articles.items():
        (src / name).write_text(text)
    update_index([src], index, encoder=encoder, progress=False)
    settings = AnswerSettings(abstain=AbstainSettings(min_confidence=0.2, use_model=False))
    return Engine.open(index, encoder=encoder, answer=settings)


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


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pids_with(marker: bytes) -> list[int]:
    """Processes whose command line holds ``marker`` (e.g. ``b"ServeReplica:newsqa"``)."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if marker in (d / "cmdline").read_bytes():
                    out.append(int(d.name))
            except OSError:
                pass
    return out


def run_threads(worker, n: int, seconds: float | None = None, background=None) -> float:
    """Run ``worker(i, stop)`` in ``n`` threads and ``background(stop)`` beside them; returns the seconds taken.

    With ``seconds`` the ``stop`` event is set after that long (workers loop until it is); without, each
    worker does its share and returns. ``stop`` is set for the background when the workers are done.
    """
    stop = threading.Event()
    side = threading.Thread(target=background, args=(stop,), daemon=True) if background else None
    if side:
        side.start()
    threads = [threading.Thread(target=worker, args=(i, stop), daemon=True) for i in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    if seconds is not None:
        time.sleep(seconds)
        stop.set()
    for t in threads:
        t.join(timeout=60 if seconds is not None else 900)
    elapsed = time.monotonic() - t0
    stop.set()
    if side:
        side.join(timeout=5)
    return elapsed


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


BOT = "#nq-chat [data-testid='bot']"  # the chat's answer messages, in the browser tests


def open_page(browser, url: str, width: int = 1440, height: int = 900, dialogs: list | None = None):
    """A new browser page on the app at ``url``, once its question box is there (dialogs, e.g. an
    injected ``alert``, are dismissed and their messages appended to ``dialogs``)."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    if dialogs is not None:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector("#nq-question textarea", timeout=30_000)
    return page


def ask_in_page(page, question: str, sources: bool = False):
    """Ask in the page; returns the new answer message's locator (with ``sources``, once the sources
    panel shows a turn too)."""
    before = page.locator(BOT).count()
    page.locator("#nq-question textarea").fill(question)
    page.locator("#nq-ask").click()
    page.wait_for_function(f"document.querySelectorAll(\"{BOT}\").length > {before}", timeout=60_000)
    if sources:
        page.wait_for_function("document.querySelectorAll('#nq-sources-box .nq-turn').length >= 1", timeout=30_000)
    return page.locator(BOT).nth(before)


ACCENTED_ARTICLE = ("Café wins the city prize\n\nThe Café Müller in Zürich won the city prize for its coffee on Monday.\n\n"
                    "Hervé Dubois, its owner, said the naïve design of the room had won over the judges.\n")
PLAIN_ARTICLE = "Port reopens\n\nThe port reopened on Monday after the storm.\n\nShips queued outside the harbour.\n"


def tokenizer_1(m):
    """This newsqa as it was before accent folding (tokenizer 1), through ``monkeypatch.context()`` ``m``."""
    import newsqa.embeddings.indexer as indexer
    import newsqa.embeddings.lexical as lexical
    import newsqa.embeddings.migrations as migrations

    m.setattr(lexical, "fold", lambda text: text)
    m.setattr(indexer, "TOKENIZER_VERSION", 1)
    m.setattr(migrations, "TOKENIZER_VERSION", 1)


def pre_folding_index(tmp_path, encoder, monkeypatch):
    """An index whose postings tokenizer 1 wrote (no folding), as every index before it: an accented
    article and a plain one in ``tmp_path/src``, indexed into ``tmp_path/idx``; returns both folders."""
    from newsqa.embeddings.indexer import update_index

    src = tmp_path / "src"
    src.mkdir()
    (src / "cafe.txt").write_text(ACCENTED_ARTICLE, encoding="utf-8")
    (src / "port.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    with monkeypatch.context() as m:
        tokenizer_1(m)
        update_index([src], tmp_path / "idx", encoder=encoder, progress=False)
    return src, tmp_path / "idx"
