"""``newsqa watch``: a missing PATH is said at start (it was polled silently), and a poll skipped
for a held lock is one line on stderr while the watch goes on."""

from __future__ import annotations

from newsqa.cli import main
from newsqa.embeddings.errors import IndexLockedError


def test_watch_says_a_missing_path_and_each_skipped_poll(tmp_path, monkeypatch, capsys):
    def one_locked_poll(paths, index_dir, *, on_error, **kwargs):
        on_error(IndexLockedError(f"index {index_dir} is being updated by another process"))
        return iter(())

    monkeypatch.setattr("newsqa.cli.watch.watch", one_locked_poll)
    typo = tmp_path / "inbx"
    assert main(["watch", str(typo), "--index", str(tmp_path / "idx")]) == 0
    err = capsys.readouterr().err
    assert f"{typo} does not exist (yet)" in err
    assert "being updated by another process; trying again at the next poll" in err
