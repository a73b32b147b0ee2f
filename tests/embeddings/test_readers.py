import json

import pytest
from helpers import BBC, SEED, need

from newsqa.embeddings.chunker import chunk_document
from newsqa.embeddings.readers import iter_files, read_file


def test_bbc_text_file():
    r = read_file(need(BBC / "articles" / "business" / "001.txt"))
    d = r.documents[0]
    assert d.title == "Ad sales boost Time Warner profit"
    assert d.blocks[1].text.startswith("Quarterly profits at US media giant TimeWarner jumped 76%")
    assert d.fmt == "text"


def test_latin1_file_is_decoded():
    r = read_file(need(BBC / "articles" / "sport" / "199.txt"))
    assert not r.skipped
    text = r.documents[0].text
    assert "\ufffd" not in text
    assert "Chelsea sack Mutu" in text
    assert any(ord(c) > 127 for c in text)  # the Latin-1 characters came through as letters


def test_bbc_jsonl_records():
    r = read_file(need(BBC / "bbc_news.jsonl"))
    assert not r.skipped
    assert len(r.documents) == 2225
    assert sum(1 for d in r.documents for b in d.blocks if b.kind == "paragraph") == 10547
    assert len({d.doc_id for d in r.documents}) == 2225 - 98  # exact duplicates share an id
    first = r.documents[0]
    assert first.section == "business" and first.title == "Ad sales boost Time Warner profit"


def test_same_article_as_txt_and_jsonl_has_same_id():
    a = read_file(need(BBC / "articles" / "business" / "001.txt")).documents[0]
    with (BBC / "bbc_news.jsonl").open(encoding="utf-8") as f:
        line = f.readline()
    from newsqa.embeddings.readers.records import record_document

    b = record_document(json.loads(line), "x")
    assert a.doc_id == b.doc_id


def test_passage_offsets_seed_and_200_bbc_articles():
    files = [p for p in iter_files([need(BBC / "articles")]) if hasattr(p, "suffix")][:200]
    docs = read_file(SEED).documents + [d for f in files for d in read_file(f).documents]
    assert len(docs) == 201
    n = 0
    for d in docs:
        for p in chunk_document(d):
            assert d.text[p.start:p.end] == p.text
            for s, e in p.sentences:
                assert p.start <= s < e <= p.end
            n += 1
    assert n > 1000


def test_long_paragraph_is_split_at_sentences(tmp_path):
    sent = "The council met again on Tuesday to discuss the budget for the coming year. "
    f = tmp_path / "long.txt"
    f.write_text("Title\n\n" + sent * 40)
    d = read_file(f).documents[0]
    ps = [p for p in chunk_document(d) if p.kind == "paragraph"]
    assert len(ps) > 1
    assert all(p.text.endswith(".") for p in ps)
    assert [p.part for p in ps] == list(range(1, len(ps) + 1))


def test_markdown_and_html(tmp_path):
    md = tmp_path / "a.md"
    md.write_text("# Floods hit the valley\n\nRivers rose overnight.\n\n## Damage\n\nRoads were closed.\n")
    d = read_file(md).documents[0]
    assert d.title == "Floods hit the valley"
    paras = [b for b in d.blocks if b.kind == "paragraph"]
    assert [p.text for p in paras] == ["Rivers rose overnight.", "Roads were closed."]
    assert paras[1].heading == "Damage"
    html = tmp_path / "a.html"
    html.write_text(
        "<html><head><title>Storm closes port</title><script>alert(1)</script><style>p{}</style></head>"
        "<body><nav>Home | World</nav><article><h1>Storm closes port</h1>"
        + "".join(f"<p>The harbour master said ships would wait {i} more days before the storm passed the coast.</p>" for i in range(4))
        + "</article></body></html>"
    )
    r = read_file(html)
    assert not r.skipped, r.skipped
    d = r.documents[0]
    assert d.title == "Storm closes port"
    assert "alert(1)" not in d.text and "p{}" not in d.text
    assert sum(1 for b in d.blocks if b.kind == "paragraph") == 4


def test_csv_records(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text('title,text,date,section\nPort reopens,"The port reopened on Monday.",2024-01-02,business\n,,,\n')
    r = read_file(f)
    assert len(r.documents) == 1 and r.documents[0].date == "2024-01-02"
    assert len(r.skipped) == 1 and "line 3" in r.skipped[0].reason


def test_csv_rows_after_a_multi_line_field_are_numbered_by_their_line(tmp_path):
    """A quoted field with line breaks (article text) spans lines: the next rows' origins and skip
    messages name the line each row starts on (they counted rows, not lines)."""
    f = tmp_path / "b.csv"
    f.write_text('title,text,date\n"Storm hits coast","A storm hit the coast.\n\nThousands lost power.",2023-09-10\n'
                 '"Second","",2023-09-11\n\n"Third","Trains were\r\ncancelled.",2023-09-12\n"Fourth","Ferries ran.",2023-09-13\n',
                 newline="")
    r = read_file(f)
    assert [d.origin.rsplit("#", 1)[1] for d in r.documents] == ["L2", "L7", "L9"]
    assert [s.path.rsplit("#", 1)[1] for s in r.skipped] == ["L5"] and "row at line 5" in r.skipped[0].reason


@pytest.mark.parametrize("written,day", [("14 September 2023", "2023-09-14"), ("2023-09-14T10:00:00Z", "2023-09-14"),
                                         ("September 14, 2023", "2023-09-14"), ("20230914", "2023-09-14")])
def test_record_dates_are_parsed_whole_not_cut_to_ten_characters(tmp_path, written, day):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"title": "Port reopens", "text": "The port reopened.", "date": written}) + "\n")
    r = read_file(f)
    assert r.documents[0].date == day and not r.notes


def test_a_record_date_that_is_no_day_is_named_whole_in_the_note(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"title": "Port reopens", "text": "The port reopened.", "date": "03/04/2023 (local)"}) + "\n")
    r = read_file(f)
    assert r.documents[0].date == "" and "'03/04/2023 (local)' is not a date" in r.notes[0].text


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", bytes(range(256)) * 10, "binary"),
        ("x.pdf", b"%PDF-1.4", "not a supported type"),
    ],
)
def test_bad_files_are_skipped_with_reason(tmp_path, name, data, reason):
    f = tmp_path / name
    f.write_bytes(data)
    r = read_file(f)
    assert not r.documents
    assert r.skipped and reason in r.skipped[0].reason and name in r.skipped[0].path


def test_malformed_jsonl_lines_reported_good_lines_kept(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text('{"title": "A", "text": "Alpha news."}\n{not json\n{"title": "B"}\n{"text": "Beta news."}\n')
    r = read_file(f)
    assert len(r.documents) == 2
    reasons = sorted(s.reason for s in r.skipped)
    assert reasons[0].startswith("line 2") and reasons[1].startswith("line 3")


def test_missing_path_and_symlink_loop(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("Title\n\nBody text here.")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    items = list(iter_files([tmp_path / "d", tmp_path / "nope"]))
    files = [i for i in items if hasattr(i, "suffix")]
    skipped = [i for i in items if not hasattr(i, "suffix")]
    assert [f.name for f in files] == ["a.txt"]
    assert any("symlink loop" in s.reason for s in skipped)
    assert any("no such file" in s.reason for s in skipped)


def test_an_unsupported_file_type_is_worded_one_way_on_every_path(tmp_path, capsys):
    """A folder's walk said "unsupported type .docx: not read as an article (read: ...)", a file given
    by its path "unsupported file type .docx; supported: ...", an upload ".docx is not a supported type;
    supported: ...". One wording now, on the line that names the file."""
    from newsqa.cli import main
    from newsqa.embeddings.readers import SUPPORTED, iter_files
    from newsqa.ui.uploads import UploadLimits, check_file

    f = tmp_path / "src" / "report.docx"
    f.parent.mkdir()
    f.write_bytes(b"PK")
    want = ".docx is not a supported type; supported: " + ", ".join(sorted(SUPPORTED))
    walked = [s.reason for s in iter_files([f.parent]) if hasattr(s, "reason")]
    assert walked == [want]
    assert [s.reason for s in read_file(f).skipped] == [want]
    assert check_file("report.docx", b"PK", 2, UploadLimits()) == want
    (f.parent / "a.txt").write_text("Port reopens\n\nThe port reopened on Monday.\n")
    for given in (f.parent, f):
        main(["index", str(given), str(f.parent / "a.txt"), "--index", str(tmp_path / "idx"), "--model", "hashing",
              "--no-progress"])
        assert f"skipped {f}: {want}" in capsys.readouterr().err.splitlines()


def test_a_file_with_only_a_title_is_indexed_with_a_note_naming_it(tmp_path, capsys):
    """A new user's title-only file was indexed silently: as its headline alone, nothing said."""
    from newsqa.cli import main

    src = tmp_path / "src"
    src.mkdir()
    (src / "titleonly.txt").write_text("Just a title\n")
    (src / "full.txt").write_text("Port reopens\n\nThe port reopened on Monday.\n")
    (src / "heading.md").write_text("# Only a heading\n")
    for name in ("titleonly.txt", "heading.md"):
        r = read_file(src / name)
        assert r.documents and [n.path for n in r.notes] == [str(src / name)] and "only a title" in r.notes[0].text
    assert read_file(src / "full.txt").notes == []
    assert main(["index", str(src), "--index", str(tmp_path / "idx"), "--model", "hashing", "--no-progress"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "only a title" in line] == [
        f"note {src / 'heading.md'}: only a title, no body paragraphs: indexed as its headline alone",
        f"note {src / 'titleonly.txt'}: only a title, no body paragraphs: indexed as its headline alone"]
