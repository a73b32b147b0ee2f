"""``newsqa index``: a report as JSON, and a run that reads nothing fails and leaves no index behind."""

from __future__ import annotations

import json

from helpers import SEED

from newsqa.cli import main


def test_index_reports_json_and_is_idempotent(tmp_path, capsys):
    index = tmp_path / "idx"
    args = ["index", str(SEED), "--index", str(index), "--model", "hashing", "--no-progress", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["documents_read"] == 1 and first["skipped"] == []
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["documents_read"] == 0 and again["files_unchanged"] == 1


def test_nothing_readable_is_exit_2_and_no_index(tmp_path, capsys):
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    index = tmp_path / "idx"
    assert main(["index", str(bad), "--index", str(index), "--model", "hashing", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "nothing could be read from the 1 path given" in err and "Traceback" not in err
    assert not index.exists()


def test_max_file_mb_must_be_positive(tmp_path, capsys):
    try:
        main(["index", str(SEED), "--index", str(tmp_path / "i"), "--max-file-mb", "0"])
    except SystemExit as e:
        assert e.code == 2
    else:
        raise AssertionError("--max-file-mb 0 was accepted")
    assert "must be more than 0, got 0" in capsys.readouterr().err


def test_an_empty_folder_is_exit_2_and_no_index(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    index = tmp_path / "idx"
    assert main(["index", str(empty), "--index", str(index), "--model", "hashing", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "nothing could be read from the 1 path given (they hold no files)" in err
    assert not index.exists()  # it had said "read 0 documents" and exited 0 with no index written


def test_a_prune_of_every_file_is_no_error(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("A title\n\nA paragraph about a thing that happened.\n", encoding="utf-8")
    index = tmp_path / "idx"
    base = ["index", str(src), "--index", str(index), "--model", "hashing", "--no-progress"]
    assert main(base) == 0
    (src / "a.txt").unlink()
    assert main(base + ["--prune"]) == 0


def test_duplicates_are_named_first_few_and_all_in_json(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(1, 6):  # five copies of one article: four are duplicates
        (src / f"f{i}.txt").write_text("Fire at the docks\n\nA fire broke out at the docks on Monday.\n")
    (src / "other.txt").write_text("Port reopens\n\nThe port reopened on Monday.\n")
    args = ["index", str(src), "--index", str(tmp_path / "idx"), "--model", "hashing", "--no-progress"]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert "(4 duplicates)" in out[0]
    line = out[1]
    assert line.startswith("duplicates not added: ") and line.count("same text as") == 3 and line.endswith("and 1 more (--json lists them all)")
    assert f"{src / 'f2.txt'} (\u201cFire at the docks\u201d, same text as {src / 'f1.txt'})" in line
    (src / "f6.txt").write_text("Fire at the docks\n\nA fire broke out at the docks on Monday.\n")
    assert main(args + ["--json"]) == 0  # a copy of what the index already holds
    report = json.loads(capsys.readouterr().out)
    assert report["duplicates"] == 1 and report["duplicate_articles"] == [
        {"origin": str(src / "f6.txt"), "title": "Fire at the docks", "same_as": ""}]
    assert main([*args[:-1], "--no-progress", "--json", "--index", str(tmp_path / "idx2")]) == 0
    assert [d["origin"] for d in json.loads(capsys.readouterr().out)["duplicate_articles"]] == [
        str(src / f"f{i}.txt") for i in range(2, 7)]


def test_a_missing_path_beside_a_valid_one_is_exit_2_and_indexes_nothing(tmp_path, capsys):
    index = tmp_path / "idx"
    base = ["--index", str(index), "--model", "hashing", "--no-progress"]
    missing = str(tmp_path / "no_such_dir") + "/"
    assert main(["index", str(SEED), missing, *base]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and missing in err[0] and "no such file or folder" in err[0] and "nothing was indexed" in err[0]
    assert not index.exists()  # no index folder made for a refused run
    assert main(["index", str(SEED), *base, "--json"]) == 0
    before = json.loads(capsys.readouterr().out)["passages_total"]
    gen = json.loads((index / "manifest.json").read_text())["generation"]
    other = tmp_path / "b.txt"
    other.write_text("Port reopens\n\nThe port reopened on Monday.\n")
    assert main(["index", str(other), missing, *base, "--prune", "--json"]) == 2  # even with --prune: nothing lost
    assert json.loads(capsys.readouterr().out)["error"].startswith("no such file or folder")
    m = json.loads((index / "manifest.json").read_text())
    assert m["generation"] == gen and m["counts"]["passages"] == before


def test_only_hashing_specs_name_the_test_encoder(tmp_path, capsys):
    """``--model hashing_model`` is a folder (it was the fake encoder); ``hashing:x`` is one line and
    leaves no index folder (it was a traceback and a ``.lock``); ``hashing-64`` is 64-dimensional."""
    folder = tmp_path / "hashing_model"
    folder.mkdir()
    index = tmp_path / "idx"
    for spec, says in ((str(folder), "is not a local sentence-transformers folder"),
                       ("hashing:x", "the test encoder is hashing, hashing-N or hashing:N")):
        assert main(["index", str(SEED), "--index", str(index), "--model", spec, "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err and not index.exists()
    assert main(["index", str(SEED), "--index", str(index), "--model", "hashing-64", "--no-progress"]) == 0
    assert json.loads((index / "manifest.json").read_text())["model"]["dimension"] == 64


def test_files_gone_from_the_folder_are_named_with_the_prune_flag(tmp_path, capsys):
    """A new user deleted files and re-indexed: nothing said that their articles stay indexed without --prune."""
    src, index = tmp_path / "src", tmp_path / "idx"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(f"Headline {i}\n\nThe port reopened on day {i} after the storm.\n")
    base = ["index", str(src), "--index", str(index), "--model", "hashing", "--no-progress"]
    assert main(base) == 0
    assert "--prune" not in capsys.readouterr().err  # nothing gone: no hint
    (src / "0.txt").unlink()
    (src / "1.txt").unlink()
    assert main(base) == 0
    err = capsys.readouterr().err
    hints = [line for line in err.splitlines() if "--prune" in line]
    assert len(hints) == 1 and "2 indexed files" in hints[0] and "no longer exist" in hints[0]
    other = tmp_path / "other.txt"
    other.write_text("Another headline\n\nThe bridge reopened after the flood.\n")
    assert main(["index", str(other)] + base[2:]) == 0  # one file added: the folder's files are not looked for
    assert "--prune" not in capsys.readouterr().err
    assert main(base + ["--prune"]) == 0
    assert "--prune" not in capsys.readouterr().err
    assert main(base) == 0
    assert "--prune" not in capsys.readouterr().err  # pruned: nothing gone any more
