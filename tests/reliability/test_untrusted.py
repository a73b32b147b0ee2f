"""Nothing runs that should not: data-only index folders, no pickle, a verified model, safe upload names,
escaped text."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from newsqa.embeddings.errors import IndexFormatError, ModelChecksumError
from newsqa.embeddings.store import load_snapshot
from newsqa.ui import format as fmt
from newsqa.ui import uploads

DATA_SUFFIXES = {".json", ".npy", ".arrow", ".index"}


def test_index_folder_holds_only_data_formats(small_index):
    import faiss

    files = [p for p in small_index.rglob("*") if p.is_file() and p.name != ".lock"]
    assert files
    for p in files:
        assert p.suffix in DATA_SUFFIXES, f"{p.name}: not a data format"
        head = p.read_bytes()[:2]
        assert head[:1] != b"\x80", f"{p.name} starts like a pickle"
        if p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        elif p.suffix == ".jsonl":
            for line in p.read_text(encoding="utf-8").splitlines():
                json.loads(line)
        elif p.suffix == ".npy":
            assert np.load(p, allow_pickle=False).dtype != object
        elif p.suffix == ".npz":
            with np.load(p, allow_pickle=False) as z:
                assert all(z[k].dtype != object for k in z.files)
        elif p.suffix == ".index":
            assert faiss.read_index(str(p)).ntotal > 0
        elif p.suffix == ".arrow":
            import pyarrow as pa

            table = pa.ipc.open_file(pa.memory_map(str(p))).read_all()  # Arrow IPC: typed columns, no objects
            assert table.num_rows > 0 and not any(isinstance(f.type, pa.ExtensionType) for f in table.schema)
    assert (small_index / ".lock").stat().st_size == 0  # the lock file is empty: nothing to load


class _Evil:
    """Unpickling this creates a marker folder: proof that code ran."""

    marker = ""

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def _plant(path: Path, marker: Path, npz_keys=None) -> None:
    _Evil.marker = str(marker)
    arr = np.empty(3, dtype=object)
    arr[:] = [_Evil(), _Evil(), _Evil()]
    if npz_keys is None:
        np.save(path, arr, allow_pickle=True)
        if path.suffix != ".npy":  # np.save appends .npy to other names
            os.replace(str(path) + ".npy", path)
    else:
        with open(path, "wb") as f:
            np.savez(f, **{k: arr for k in npz_keys})


@pytest.mark.parametrize("name", ["vectors.npy", "sentences.npy", "lex_rows.npy"])
def test_crafted_pickle_in_place_of_an_array_is_refused_without_running_it(tmp_path, small_index, name):
    m = json.loads((small_index / "manifest.json").read_text())
    seg = m["segments"][0]
    target = small_index / "segments" / seg["name"] / name
    marker = tmp_path / "code-ran"
    _plant(target, marker)
    seg["sizes"][name] = target.stat().st_size  # past the size check: the loader itself must refuse the pickle
    (small_index / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexFormatError) as e:
        load_snapshot(small_index)
    assert "rebuild" in str(e.value) and seg["name"] in str(e.value)
    assert not marker.exists(), "unpickling ran code"
    from newsqa.qa import Engine
    from newsqa.embeddings.encoder import HashingEncoder

    with pytest.raises(IndexFormatError):
        Engine.open(small_index, encoder=HashingEncoder(256)).ask("Who closed the harbour?")
    assert not marker.exists()


def test_default_model_checksum_is_verified(monkeypatch, tmp_path, capsys):
    import newsqa.embeddings.encoder as enc

    real_dir = enc.default_model_dir()
    # A copy of the packaged model with one byte of its weights changed.
    copy = tmp_path / "model"
    shutil.copytree(real_dir, copy, ignore=shutil.ignore_patterns("model.safetensors"))
    data = bytearray((real_dir / "model.safetensors").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "model.safetensors").write_bytes(bytes(data))
    monkeypatch.setattr(enc, "default_model_dir", lambda: copy)
    with pytest.raises(ModelChecksumError) as e:
        enc.load_encoder(None)
    msg = str(e.value)
    assert str(copy) in msg and enc.DEFAULT_MODEL_SHA256 in msg and "pip install --force-reinstall" in msg
    # The command says it in one line and stops.
    from newsqa.cli import main

    rc = main(["index", str(tmp_path), "--index", str(tmp_path / "idx"), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err and "sha256" in err and err.count("error:") == 1
    assert not (tmp_path / "idx" / "manifest.json").exists()


def test_expected_checksum_is_the_one_checked(monkeypatch):
    import newsqa.embeddings.encoder as enc

    monkeypatch.setattr(enc, "DEFAULT_MODEL_SHA256", "0" * 64)
    with pytest.raises(ModelChecksumError, match="expected 0000"):
        enc.load_encoder(None)


# --- the UI's handling of untrusted names and text -------------------------------------------------


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "..\\..\\x.txt", "/etc/passwd.txt", "C:\\Windows\\system.ini.txt", "a\x00b.txt",
    ".hidden.txt", "....txt", "x" * 5000 + ".txt", "../" * 50 + "deep.md", "con.txt", "na\u0308me ✓.md",
    "<script>alert(1)</script>.html", "", "/", "..",
])
def test_upload_names_are_sanitised(tmp_path, name):
    base = uploads.safe_name(name, b"data")
    assert base and len(base) <= 120
    assert "/" not in base and "\\" not in base and "\x00" not in base and not base.startswith(".")
    assert set(base) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
    root = (tmp_path / "uploads").resolve()
    assert (root / base).resolve().parent == root


def test_uploads_never_write_outside_their_folder(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    names = ["..%2F..%2Fescape.txt", "evil..txt", "ok.txt", "big.txt", "bin.txt", "x.exe"]
    for n in names:
        (incoming / n).write_bytes(b"Title\n\nSome text of the article.\n")
    (incoming / "big.txt").write_bytes(b"a" * (2 * 2**20))
    (incoming / "bin.txt").write_bytes(b"\x00\x01binary")
    limits = uploads.UploadLimits(max_file_bytes=2**20, max_files=10)
    up = tmp_path / "area" / "uploads"
    res = uploads.save_uploads([incoming / n for n in names], up, limits)
    refused = dict(res.refused)
    assert "MB" in refused["big.txt"] and "binary" in refused["bin.txt"] and "not a supported type" in refused["x.exe"]
    assert len(res.saved) == 3
    for _, path in res.saved:
        assert path.resolve().parent == up.resolve()
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and incoming not in p.parents and up not in p.parents]
    assert outside == []
    too_many = uploads.save_uploads([incoming / "ok.txt"] * 11, up, limits)
    assert not too_many.saved and "too many files" in too_many.refused[0][1]



UNTRUSTED = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>', "[click](javascript:alert(1))",
             "\" onmouseover=\"alert(1)", "<iframe src=//evil>", "$\\\\begin{x}$", "![i](http://evil/x.png)"]


@pytest.mark.parametrize("text", UNTRUSTED)
def test_escaping_functions(text):
    e = fmt.escape(text)
    assert "<" not in e and ">" not in e and '"' not in e
    m = fmt.md_text(text)
    assert "<" not in m and ">" not in m
    assert "](" not in m  # no Markdown link or image survives
    assert "javascript:" not in m


def test_answer_with_hostile_article_text_renders_inert(tmp_path, fake_encoder):
    from newsqa.embeddings.indexer import update_index
    from newsqa.qa import Engine

    src = tmp_path / "evil.md"
    src.write_text("# Harbour <script>alert('title')</script> closed\n\n"
                   "The harbour <img src=x onerror=alert(1)> was closed by the mayor [here](javascript:alert(2)).\n")
    update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False)
    engine = Engine.open(tmp_path / "idx", encoder=fake_encoder)
    answer = engine.ask("Who closed the harbour?")
    assert answer.citations, answer.answer
    md = fmt.answer_markdown(answer, 1)
    page = fmt.turn_html(answer, 1, engine.snapshot.documents)
    assert "&lt;img" in md and "\\[here\\]\\(javascript" in md  # shown as the characters they are
    assert "<" not in md.replace("](#nq-", "") and md.count("](") == md.count("](#nq-t1-c")  # only our marker links
    assert "&lt;script&gt;" in page and "&lt;img" in page
    assert "<script" not in page and "<img" not in page and "href=\"javascript" not in page
