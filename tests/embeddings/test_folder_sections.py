"""Sections from folders, and taking files out of an index (``update_index(..., remove=...)``)."""

from pathlib import Path

from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.readers import folder_section, iter_files
from newsqa.embeddings.store import load_snapshot

NEWSPAGE = (" date 2023-09-14 World\n\nPort reopens after the storm\n\nBy Reuters\n\n"
            "The port reopened on Monday after the storm.\n")


def _collection(root: Path) -> Path:
    src = root / "articles"
    for rel, text in {"sport/a.txt": "Cup final won\n\nThe home side won the cup final.\n",
                      "business/b.md": "# Mill raises price\n\nThe mill raised the cane price.\n",
                      "business/deep/c.txt": "Ferry order\n\nThe ferry company ordered two boats.\n",
                      "top.txt": "At the top\n\nA file right in the indexed folder.\n",
                      "sport/page.txt": NEWSPAGE}.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    return src


def _sections(index) -> dict:
    snap = load_snapshot(index)
    return {Path(d["origin"]).name: d["section"] for d in snap.documents.values()}


def test_a_plain_file_in_a_sub_folder_gets_the_folder_name_as_its_section(tmp_path, fake_encoder):
    src = _collection(tmp_path)
    update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False)
    got = _sections(tmp_path / "idx")
    assert got["a.txt"] == "sport" and got["b.md"] == "business"
    assert got["c.txt"] == "deep"  # the folder that holds it
    assert got["top.txt"] == ""  # directly in the folder given: no section from it
    assert got["page.txt"] == "World"  # the news page names its own section
    passages = load_snapshot(tmp_path / "idx").passages
    assert {p.section for p in passages if p.doc_id in {d for d, r in load_snapshot(tmp_path / "idx").documents.items()
                                                        if r["origin"].endswith("a.txt")}} == {"sport"}


def test_no_section_from_folder_turns_it_off(tmp_path, fake_encoder):
    src = _collection(tmp_path)
    update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False, section_from_folder=False)
    got = _sections(tmp_path / "idx")
    assert got["a.txt"] == "" and got["b.md"] == "" and got["page.txt"] == "World"


def test_a_file_given_on_its_own_gets_no_folder_section(tmp_path, fake_encoder):
    src = _collection(tmp_path)
    update_index([src / "sport" / "a.txt"], tmp_path / "idx", encoder=fake_encoder, progress=False)
    assert _sections(tmp_path / "idx") == {"a.txt": ""}


def test_folder_section_only_inside_the_roots():
    assert folder_section("x/sport/1.txt", ["x"]) == "sport"
    assert folder_section("x/1.txt", ["x"]) == ""
    assert folder_section("y/sport/1.txt", ["x"]) == ""


def test_skip_reasons_are_plain_words(tmp_path):
    (tmp_path / "README.TXT").write_text("about this collection")
    (tmp_path / "report.docx").write_bytes(b"PK")
    reasons = {Path(s.path).name: s.reason for s in iter_files([tmp_path]) if hasattr(s, "reason")}
    assert "not an article" in reasons["README.TXT"] and "README" in reasons["README.TXT"]
    assert "give its path on its own" in reasons["README.TXT"]
    assert reasons["report.docx"].startswith(".docx is not a supported type; supported: .csv,")


def test_remove_takes_a_file_out_and_keeps_the_rest(tmp_path, fake_encoder):
    src = _collection(tmp_path)
    idx = tmp_path / "idx"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    before = load_snapshot(idx)
    gone = src / "sport" / "a.txt"
    report = update_index([], idx, encoder=fake_encoder, progress=False, remove=[gone])
    after = load_snapshot(idx)
    assert report.written and report.removed > 0
    assert len(after.documents) == len(before.documents) - 1
    assert "a.txt" not in {Path(d["origin"]).name for d in after.documents.values()}
    assert str(gone.resolve()) not in after.files and gone.exists()  # the file itself is not touched
    assert after.live_passages == before.live_passages - report.removed  # tombstoned rows stay until compaction
