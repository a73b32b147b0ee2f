"""Bad input through the CLI: one readable error line, a non-zero exit, no traceback, the index unchanged.

Most cases call ``newsqa.cli.main`` in this process (an escaping exception fails the test just as a
traceback would); the memory-bound ones run the real command in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from reliability.util import assert_one_line_error, cli, snapshot_bytes, write_corpus
from helpers import ROOT

from newsqa.cli import main


def run_main(capsys, *args) -> SimpleNamespace:
    rc = main([str(a) for a in args])
    out = capsys.readouterr()
    return SimpleNamespace(returncode=rc, stdout=out.out, stderr=out.err)


def index_cmd(capsys, index, *paths):
    return run_main(capsys, "index", *paths, "--index", index, "--model", "hashing", "--no-progress")


# --- files -------------------------------------------------------------------------------------------

BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "blank.md": (b"\n \n\t\n", "empty file"),
    "photo.txt": (bytes(range(256)) * 64, "binary file"),  # binary renamed .txt
    "controls.txt": (b"\x01\x02\x03\x04\x05abc\x06\x07" * 500, "binary"),
    "onlyscript.html": (b"<html><head><script>alert(1)</script><style>p{}</style></head><body></body></html>",
                        "no article text"),
    "noheader.csv": (b"a,b\n1,2\n", "no text column"),
    "allbad.jsonl": (b"{not json\n[1, 2]\n{\"title\": \"no text\"}\n", "line 1"),
    "slides.pptx": (b"PK\x03\x04", "not a supported type"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_alone_fails_and_changes_nothing(tmp_path, capsys, small_index, name):
    data, reason = BAD_FILES[name]
    f = tmp_path / name
    f.write_bytes(data)
    before = snapshot_bytes(small_index)
    r = index_cmd(capsys, small_index, f)
    assert_one_line_error(r, "nothing could be read", "not changed")
    skipped = [line for line in r.stderr.splitlines() if line.startswith("skipped ")]
    assert skipped and all(name in line for line in skipped), r.stderr
    assert any(reason in line for line in skipped), r.stderr
    assert snapshot_bytes(small_index) == before  # no new generation, no leftover


def test_bad_files_beside_good_ones_are_reported_and_the_rest_indexed(tmp_path, capsys, small_index):
    src = tmp_path / "mixed"
    src.mkdir()
    for name, (data, _reason) in BAD_FILES.items():
        (src / name).write_bytes(data)
    write_corpus(src, 2, seed=99, start=500)
    r = index_cmd(capsys, small_index, src)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "read 2 documents" in r.stdout and "passages: 10 added" in r.stdout
    for name in BAD_FILES:
        assert f"{name}" in r.stderr
    # A skipped file is not recorded: the next run reports it again and writes nothing.
    before = snapshot_bytes(small_index)
    r = index_cmd(capsys, small_index, src)
    assert r.returncode == 0 and "empty.txt: empty file" in r.stderr
    assert snapshot_bytes(small_index) == before


def test_nothing_readable_into_a_new_index_writes_no_index(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)  # a missing path is refused before reading (below)
    r = index_cmd(capsys, tmp_path / "new", tmp_path / "empty.txt", tmp_path / "blob.txt")
    assert_one_line_error(r, "nothing could be read from the 2 paths given")
    assert not (tmp_path / "new").exists()  # not even the lock file is left behind
    r = run_main(capsys, "ask", "Who?", "--index", tmp_path / "new")
    assert_one_line_error(r, "does not exist", "newsqa index PATH")


def test_malformed_jsonl_lines_reported_by_number_good_lines_indexed(tmp_path, capsys, small_index):
    f = tmp_path / "feed.jsonl"
    f.write_bytes(b'{"title": "Bridge reopens", "text": "The river bridge reopened on Monday."}\n'
                  b'{"title": "broken", "text": \n'
                  b'\xff\xfe\x00\x01\n'
                  b'"just a string"\n'
                  b'{"title": "Mayor resigns", "text": "The mayor resigned after the flood inquiry."}\n'
                  b'{"title": "No body"}\n')
    r = index_cmd(capsys, small_index, f)
    assert r.returncode == 0, r.stderr
    assert "read 2 documents" in r.stdout
    for no in (2, 3, 4, 6):
        assert f"feed.jsonl#L{no}: line {no}:" in r.stderr, r.stderr
    assert "#L1:" not in r.stderr and "#L5:" not in r.stderr
    from newsqa.embeddings.store import load_snapshot

    titles = {d["title"] for d in load_snapshot(small_index).documents.values()}
    assert {"Bridge reopens", "Mayor resigns"} <= titles


def test_a_file_of_garbage_lines_is_reported_in_bounded_lines(tmp_path, capsys, small_index):
    f = tmp_path / "notjsonl.jsonl"
    f.write_text("this is not json\n" * 5000)
    r = index_cmd(capsys, small_index, f)
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert len(lines) <= 25, len(lines)
    assert "4980 more bad records" in r.stderr


def test_wrong_and_mixed_encodings(tmp_path, capsys, small_index):
    text = "Café owners in Zürich protest\n\nThe café owners said the rent rose by 20% – a “crisis”.\n"
    src = tmp_path / "enc"
    src.mkdir()
    (src / "cp1252.txt").write_bytes(text.encode("cp1252"))
    (src / "utf16.txt").write_bytes(text.replace("Zürich", "Basel").encode("utf-16"))
    (src / "koi8.txt").write_bytes("Новости Москвы\n\nВ Москве прошёл сильный дождь, сообщили в мэрии города.\n"
                                   .encode("koi8-r"))
    # UTF-8 with a pasted cp1252 paragraph: each line read in the encoding it is in.
    (src / "mixed.txt").write_bytes("Harbour news\n\nThe café opened “today”.\n\n".encode("utf-8")
                                    + "Le café était fermé hier.\n".encode("cp1252"))
    r = index_cmd(capsys, small_index, src)
    assert r.returncode == 0 and "skipped" not in r.stderr, r.stderr
    assert "read 4 documents" in r.stdout
    from newsqa.embeddings.store import load_snapshot

    texts = {Path(d["origin"]).name: d["text"] for d in load_snapshot(small_index).documents.values() if d.get("origin")}
    assert texts["cp1252.txt"] == text
    assert "Basel" in texts["utf16.txt"] and "“crisis”" in texts["utf16.txt"]
    assert "сильный дождь" in texts["koi8.txt"]
    assert "“today”" in texts["mixed.txt"] and "était fermé" in texts["mixed.txt"]
    assert not any("\ufffd" in t for t in texts.values())


def test_html_scripts_and_styles_are_not_indexed(tmp_path, capsys, small_index):
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>Storm closes port</title><script>document.write('EVILSCRIPT')</script>"
        "<style>body{color:EVILSTYLE}</style></head><body><script>var x='<p>EVILINJECT</p>';</script>"
        "<article><h1>Storm closes port</h1>"
        + "".join(f"<p>The harbour master said ships would wait {i} more days before the storm passed.</p>"
                  for i in range(3))
        + "<p>Fishermen said they had lost a week<script>EVILINLINE()</script> of work.</p></article></body></html>"
    )
    r = index_cmd(capsys, small_index, f)
    assert r.returncode == 0, r.stderr
    from newsqa.embeddings.store import load_snapshot

    snap = load_snapshot(small_index)
    doc = next(d for d in snap.documents.values() if d.get("format") == "html")
    assert "harbour master" in doc["text"] and "Fishermen" in doc["text"]
    assert "EVIL" not in doc["text"] and "<" not in doc["text"]


def test_symlink_loop_is_reported_not_followed(tmp_path, capsys, small_index):
    d = write_corpus(tmp_path / "loopy", 1, seed=3, start=700)
    (d / "sub").mkdir()
    (d / "sub" / "up").symlink_to(d)
    (d / "sub" / "self").symlink_to(d / "sub")
    (d / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    r = index_cmd(capsys, small_index, d)
    assert r.returncode == 0, r.stderr
    assert "read 1 document," in r.stdout
    assert r.stderr.count("symlink loop") == 2, r.stderr
    assert "dangling.txt: not a regular file" in r.stderr


def test_unreadable_file(tmp_path, capsys, small_index, monkeypatch):
    f = tmp_path / "secret.txt"
    f.write_text("Secret\n\nNobody may read this paragraph.\n")
    f.chmod(0)
    before = snapshot_bytes(small_index)
    if os.geteuid() == 0:
        # root reads anything whatever the mode: simulate the refusal the file system would give a user.
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "secret.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    r = index_cmd(capsys, small_index, f)
    assert_one_line_error(r, "nothing could be read")
    assert "secret.txt: permission denied" in r.stderr
    assert snapshot_bytes(small_index) == before


def test_missing_path_and_bad_options(tmp_path, capsys, small_index):
    before = snapshot_bytes(small_index)
    r = index_cmd(capsys, small_index, tmp_path / "nowhere" / "x.txt")
    assert_one_line_error(r, "no such file or folder", "x.txt", "nothing was indexed")
    good = tmp_path / "good"
    write_corpus(good, 1, seed=7, start=900)
    r = index_cmd(capsys, small_index, good, tmp_path / "does-not-exist")  # a typo beside a valid path
    assert_one_line_error(r, "no such file or folder: ", "does-not-exist", "was not changed")
    assert snapshot_bytes(small_index) == before  # the valid one was not indexed either
    r = index_cmd(capsys, small_index / "manifest.json", tmp_path)
    assert_one_line_error(r, "manifest.json is a file, not an index folder")
    with pytest.raises(SystemExit) as e:
        index_cmd(capsys, small_index, tmp_path, "--max-file-mb", "-1")
    assert e.value.code == 2 and "--max-file-mb: must be more than 0" in capsys.readouterr().err


# --- size limit, memory bounded -------------------------------------------------------------------

_RSS = textwrap.dedent("""
    import resource, sys
    from newsqa.cli import main
    rc = main(sys.argv[1:])
    print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "RC", rc, flush=True)
""")


def _rss_run(*args) -> tuple[int, int, str]:
    r = subprocess.run([sys.executable, "-c", _RSS, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                       timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert "Traceback" not in r.stderr, r.stderr
    line = next(line for line in r.stdout.splitlines() if line.startswith("MAXRSS_KB"))
    _, kb, _, rc = line.split()
    return int(kb), int(rc), r.stderr


@pytest.mark.slow  # a 200 MB file and two subprocesses per case
@pytest.mark.parametrize("name", ["huge.txt", "huge.jsonl"])
def test_200_mb_file_is_refused_without_reading_it_whole(tmp_path, small_index, name):
    small = write_corpus(tmp_path / "small", 1, seed=5, start=900)
    base_kb, rc, _ = _rss_run("index", small, "--index", small_index, "--model", "hashing", "--no-progress")
    assert rc == 0
    big = tmp_path / name
    with open(big, "wb") as f:  # sparse: 200 MB of NUL bytes on one line, made instantly
        f.truncate(200 * 2**20)
    before = snapshot_bytes(small_index)
    try:
        kb, rc, err = _rss_run("index", big, "--index", small_index, "--model", "hashing", "--no-progress")
    finally:
        big.unlink()
    assert rc == 2
    assert "over the 20 MiB limit" in err and "--max-file-mb" in err, err
    # Reading it whole would add 200+ MB; streaming/refusing keeps the peak near the small run's.
    assert kb < base_kb + 60 * 1024, (kb, base_kb)
    assert snapshot_bytes(small_index) == before


# --- questions ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question,needle", [
    ("", "empty"),
    ("   \t\n  ", "empty"),
    ("?!… — ...", "no words"),
    ("why " * 5000, "characters long; the limit is 2000"),
])
def test_bad_questions(capsys, small_index, question, needle):
    r = run_main(capsys, "ask", question, "--index", small_index)
    assert r.returncode == 2
    assert_one_line_error(r, "newsqa ask: error:", needle)


@pytest.mark.parametrize("question", ["普京和金正恩在哪里见面？", "أين التقى بوتين وكيم؟", "Где встретились лидеры?",
                                      "🙂 harbour 🙂", "storm\x00port"])
def test_other_scripts_get_an_answer_or_abstention(capsys, small_index, question):
    r = run_main(capsys, "ask", question, "--index", small_index, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert isinstance(d["abstained"], bool) and isinstance(d["answer"], str) and d["answer"]
    assert d["question"] == " ".join(question.split())


@pytest.mark.parametrize("k", ["0", "-3", "101"])
def test_bad_k(capsys, small_index, k):
    r = run_main(capsys, "ask", "Who closed the port?", "--index", small_index, "-k", k)
    assert_one_line_error(r, f"k must be between 1 and 100, got {k}")


def test_bad_question_through_the_real_command(small_index):
    r = cli("ask", "   ", "--index", small_index)
    assert r.returncode == 2 and r.stdout == ""
    assert_one_line_error(r, "the question is empty")


# --- damaged index folders ------------------------------------------------------------------------

def _manifest(d: Path) -> dict:
    return json.loads((d / "manifest.json").read_text())


def _edit_manifest(d: Path, fn) -> None:
    m = _manifest(d)
    fn(m)
    (d / "manifest.json").write_text(json.dumps(m))


def _seg_file(d: Path, name: str, *, resize: bool = True):
    """A file of the first segment; ``resize``: the manifest's size is updated after the damage (so
    the loader itself, not the size check, must notice)."""
    seg = _manifest(d)["segments"][0]
    path = d / "segments" / seg["name"] / name

    def done():
        if resize:
            _edit_manifest(d, lambda m: m["segments"][0]["sizes"].update({name: path.stat().st_size}))
    return path, done


def _truncate(name: str, keep: int, resize: bool = True):
    def damage(d: Path) -> None:
        f, done = _seg_file(d, name, resize=resize)
        f.write_bytes(f.read_bytes()[:keep])
        done()
    return damage


def _vectors_short(d: Path) -> None:
    f, done = _seg_file(d, "vectors.npy")
    np.save(f, np.load(f, allow_pickle=False)[:-3], allow_pickle=False)
    done()


def _files_not_object(d: Path) -> None:
    f, done = _seg_file(d, "files.json")
    f.write_text("[1]")
    done()


def _seg_edit(fn):
    return lambda d: _edit_manifest(d, lambda m: fn(m["segments"][0]))


DAMAGE = {
    "folder does not exist": (lambda d: shutil.rmtree(d), ["does not exist", "newsqa index"]),
    "folder is empty": (lambda d: [shutil.rmtree(p) if p.is_dir() else p.unlink() for p in d.iterdir()],
                        ["no manifest.json", "newsqa index"]),
    "truncated table (size check)": (_truncate("passages.arrow", 100, resize=False), ["passages.arrow is", "truncated or edited"]),
    "truncated table": (_truncate("passages.arrow", 100), ["is damaged", "rebuild"]),
    "hnsw segment without its FAISS index": (_seg_edit(lambda s: s.update(ann="hnsw")), ["faiss.index", "cannot be read by FAISS"]),
    "manifest not JSON": (lambda d: (d / "manifest.json").write_text('{"format": "newsqa-index", '),
                          ["manifest.json is not valid JSON"]),
    "manifest not UTF-8": (lambda d: (d / "manifest.json").write_bytes(b"\xff\xfe{}"), ["manifest.json is not valid JSON"]),
    "manifest a list": (lambda d: (d / "manifest.json").write_text("[1, 2]"), ["not a newsqa manifest"]),
    "manifest wrong counts": (_seg_edit(lambda s: s.update(passages=7)), ["7 passages", "disagree"]),
    "manifest segment name with ..": (_seg_edit(lambda s: s.update(name="../../etc")), ["segments.0.name"]),
    "manifest wrong dimension": (lambda d: _edit_manifest(d, lambda m: m["model"].update(dimension=384)), ["384"]),
    "manifest dimension not a number": (lambda d: _edit_manifest(d, lambda m: m["model"].update(dimension="x")),
                                        ["model.dimension"]),
    "manifest model name not text": (lambda d: _edit_manifest(d, lambda m: m["model"].update(name=5)), ["model.name"]),
    "manifest sizes not an object": (_seg_edit(lambda s: s.update(sizes=[1])), ["segments.0.sizes"]),
    "manifest generation not text": (lambda d: _edit_manifest(d, lambda m: m.update(generation=7)), ["'generation'"]),
    "manifest unknown version": (lambda d: _edit_manifest(d, lambda m: m.update(format_version=99)), ["format version 99"]),
    "manifest names a missing segment": (_seg_edit(lambda s: s.update(name="s999999")), ["s999999", "is missing"]),
    "tombstones of an unlisted segment": (lambda d: _edit_manifest(d, lambda m: m.update(tombstones={"s999999": ["x"]})),
                                          ["tombstones name segments"]),
    "vectors fewer than passages": (_vectors_short, ["disagree with the manifest"]),
    "vectors truncated": (_truncate("vectors.npy", 1000), ["is damaged", "rebuild"]),
    "files table not an object": (_files_not_object, ["files.json"]),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_index(capsys, tmp_path, small_index, small_corpus, case):
    damage, needles = DAMAGE[case]
    damage(small_index)
    existed = small_index.exists()
    before = snapshot_bytes(small_index) if existed else None
    for cmd in (["ask", "Who closed the port?"], ["info"]):
        r = run_main(capsys, *cmd, "--index", small_index)
        line = assert_one_line_error(r, *needles)
        assert r.returncode == 2 and str(small_index) in line, line
    if before and "manifest.json" in before:
        # An update refuses to build on a damaged index and leaves it exactly as it was.
        r = index_cmd(capsys, small_index, small_corpus)
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert snapshot_bytes(small_index) == before
