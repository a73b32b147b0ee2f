"""Helpers of the reliability tests: a small synthetic corpus, CLI runners, index comparisons."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

WORDS = ("port storm council budget minister election harbour ships rain flood market shares profit court "
         "judge police fire school hospital train strike talks summit missile village bridge river mayor").split()
QUESTIONS = ["Who closed the harbour?", "What did the council say about the budget?", "When did the storm hit the port?"]


def write_corpus(folder: Path, n: int, seed: int = 6, start: int = 0) -> Path:
    """``n`` small deterministic articles (title + 4 paragraphs) as .txt files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
        paras = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 40))).capitalize() + "." for _ in range(4)]
        (folder / f"a{i:04d}.txt").write_text(title + "\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    return folder


def answers(engine, questions=QUESTIONS) -> list[dict]:
    """Answers as comparable dicts (timings dropped)."""
    out = []
    for q in questions:
        d = engine.ask(q).to_dict()
        d.pop("timings_ms")
        out.append(d)
    return out


def cli(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    """``python -m newsqa.cli ARGS`` in a subprocess (the real command, with its exit status and stderr)."""
    e = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "newsqa.cli", *map(str, args)], cwd=ROOT, env=e,
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    """Non-zero exit, no traceback, and one error line that contains every needle."""
    assert r.returncode != 0, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    errors = [line for line in r.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, r.stderr
    for n in needles:
        assert n in errors[0], errors[0]
    return errors[0]


def snapshot_bytes(index_dir: Path) -> dict[str, bytes]:
    """Every file in the index folder (but the lock file), by relative path: equal means unchanged."""
    return {str(p.relative_to(index_dir)): p.read_bytes() for p in sorted(Path(index_dir).rglob("*"))
            if p.is_file() and p.name != ".lock"}
