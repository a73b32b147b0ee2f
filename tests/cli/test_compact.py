"""``newsqa compact`` and ``newsqa info`` over a small index built by ``newsqa index``."""

from __future__ import annotations

import json

from helpers import SEED

from newsqa.cli import main


def test_compact_then_info(tmp_path, capsys):
    index = tmp_path / "idx"
    assert main(["index", str(SEED), "--index", str(index), "--model", "hashing", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["compact", "--index", str(index), "--all"]) == 0
    line = capsys.readouterr().out.strip()
    assert line and "\n" not in line
    assert main(["info", "--index", str(index), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["articles"] == 1 and s["passages"] == 233


def test_compact_of_a_missing_index_says_so_and_creates_nothing(tmp_path, capsys):
    missing = tmp_path / "nonexist"
    assert main(["compact", "--index", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    assert not missing.exists()  # its lock file was left behind
