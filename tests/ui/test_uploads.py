"""newsqa.ui.uploads: file name sanitising, type/size/count checks, saving inside the upload folder, indexing."""

from __future__ import annotations

import pytest

from newsqa.embeddings.errors import NewsqaError
from newsqa.ui.app import parse_filters
from newsqa.ui.uploads import UploadLimits, check_file, safe_name, save_uploads

ARTICLE = "A small town gets a new bridge\n\nThe bridge over the Wai river opened on Monday.\n"


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "..\\..\\win.txt", "/abs/path/x.md", ".hidden.txt",
                                  "<script>alert(1)</script>.txt", "a\x00b.txt", "日本語 ニュース.md", "...txt",
                                  "x" * 500 + ".csv"])
def test_safe_name_keeps_a_plain_name_inside_the_folder(name):
    out = safe_name(name, b"data")
    assert "/" not in out and "\\" not in out and not out.startswith(".")
    assert set(out) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    assert len(out) < 110


def test_safe_name_keeps_the_type_and_tells_contents_apart():
    assert safe_name("Story.MD", b"a").endswith(".md")
    assert safe_name("story.txt", b"a") != safe_name("story.txt", b"b")
    assert safe_name("story.txt", b"a") == safe_name("story.txt", b"a")


def test_check_file_refuses_with_reasons():
    lim = UploadLimits(max_file_bytes=100)
    assert check_file("a.txt", b"hello", 5, lim) == ""
    assert ".exe is not a supported type; supported: " in check_file("a.exe", b"MZ", 2, lim)
    assert "a file without an extension is not a supported type" in check_file("README", b"x", 1, lim)
    assert "over the" in check_file("a.txt", b"x", 101, lim)
    assert "empty" in check_file("a.txt", b"", 0, lim)
    assert "binary" in check_file("a.txt", b"ab\x00cd", 5, lim)


def test_save_uploads_saves_accepted_and_refuses_the_rest(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    good = src / "My story (final).txt"
    good.write_text(ARTICLE, encoding="utf-8")
    (src / "tool.exe").write_bytes(b"MZ\x00\x00")
    (src / "big.txt").write_text("x" * 2000)
    (src / "bin.txt").write_bytes(b"abc\x00def")
    up = tmp_path / "uploads"
    res = save_uploads([good, src / "tool.exe", src / "big.txt", src / "bin.txt"], up, UploadLimits(max_file_bytes=1000))
    assert [n for n, _ in res.saved] == ["My story (final).txt"]
    saved = res.saved[0][1]
    assert saved.parent == up.resolve() and saved.read_text(encoding="utf-8") == ARTICLE
    assert saved.name.startswith("My_story_final-") and saved.suffix == ".txt"
    reasons = dict(res.refused)
    assert set(reasons) == {"tool.exe", "big.txt", "bin.txt"}
    assert "not a supported type" in reasons["tool.exe"] and "limit" in reasons["big.txt"] and "binary" in reasons["bin.txt"]
    assert sorted(p.name for p in up.iterdir()) == [saved.name]  # nothing else written, no temp files left


def test_save_uploads_refuses_too_many_files(tmp_path):
    files = []
    for i in range(4):
        f = tmp_path / f"a{i}.txt"
        f.write_text(ARTICLE)
        files.append(f)
    res = save_uploads(files, tmp_path / "up", UploadLimits(max_files=3))
    assert not res.saved and len(res.refused) == 4 and "too many files" in res.refused[0][1]
    assert not (tmp_path / "up").exists()


def test_save_uploads_total_size_limit(tmp_path):
    files = []
    for i in range(3):
        f = tmp_path / f"a{i}.txt"
        f.write_text(f"{i}" * 400)
        files.append(f)
    res = save_uploads(files, tmp_path / "up", UploadLimits(max_file_bytes=1000, max_total_bytes=900))
    assert len(res.saved) == 2 and "together" in res.refused[0][1]


def test_uploaded_article_becomes_answerable(tmp_path, fake_encoder):
    from newsqa.embeddings import sample_corpus_path
    from newsqa.embeddings.indexer import update_index
    from newsqa.qa import Engine
    from newsqa.ui.uploads import index_uploads

    idx = tmp_path / "idx"
    update_index([sample_corpus_path()], idx, encoder=fake_encoder, progress=False)
    engine = Engine.open(idx, encoder=fake_encoder)
    other = Engine.open(idx, encoder=fake_encoder)  # another process/session with the same index
    f = tmp_path / "bridge.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    res = save_uploads([f], tmp_path / "up")
    steps = []
    report = index_uploads([p for _, p in res.saved], engine, progress=lambda x, d: steps.append(x))
    assert report.added >= 1 and steps and steps == sorted(steps)
    assert any(d["title"] == "A small town gets a new bridge" for d in engine.snapshot.documents.values())
    assert other.refresh() is True
    a = other.ask("When did the bridge over the Wai river open?")
    assert not a.abstained and "Wai river" in a.citations[0].quote


def test_parse_filters_reads_the_ui_fields():
    f = parse_filters("2023-09-01", "2023-09-14", ["World"], [], "headlines")
    assert (f.date_from, f.date_to, f.sections, f.kinds) == ("2023-09-01", "2023-09-14", ("World",), ("headline",))
    assert parse_filters("", "", None, None, "any").is_empty()
    with pytest.raises(NewsqaError, match="YYYY-MM-DD"):
        parse_filters("14/09/2023", "", [], [], "any")
    with pytest.raises(NewsqaError, match="after"):
        parse_filters("2023-09-15", "2023-09-14", [], [], "any")
