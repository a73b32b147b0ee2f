"""HTML character references in plain-text articles and records ("&#163;" in BBC files) are read
as the characters they stand for, once, at read time; offsets are those of the stored text."""

import json

from newsqa.embeddings.chunker import ChunkerSettings, chunk_document
from newsqa.embeddings.readers import read_file

BBC_LIKE = ("Ink helps drive Jos&#233; to &#163;5m\n\nThe caf&#233; &amp; bar chain, R&D unit and "
            "&amp;#163; sign stayed, said Jos&#233;.\n")


def test_a_plain_text_article_is_read_without_entities(tmp_path):
    f = tmp_path / "074.txt"
    f.write_text(BBC_LIKE, encoding="utf-8")
    doc = read_file(f).documents[0]
    assert doc.title == "Ink helps drive José to £5m"
    assert "The café & bar chain, R&D unit and &#163; sign stayed, said José." in doc.text  # once, not twice
    assert "&#233;" not in doc.text
    for p in chunk_document(doc, ChunkerSettings()):  # passages point into the stored (unescaped) text
        assert doc.text[p.start:p.end] == p.text


def test_markdown_and_records_too_but_html_is_left_to_its_parser(tmp_path):
    (tmp_path / "a.md").write_text("# Caf&#233; opens\n\nIt cost &#163;2.\n", encoding="utf-8")
    assert read_file(tmp_path / "a.md").documents[0].title == "Café opens"
    rec = {"title": "Prize for caf&#233;", "text": "The caf&#233; won &amp;#163;1,000."}
    (tmp_path / "r.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    doc = read_file(tmp_path / "r.jsonl").documents[0]
    assert doc.title == "Prize for café" and doc.text.startswith("Prize for café\n\nThe café won &#163;1,000.")
    (tmp_path / "r.csv").write_text('title,text\n"A &amp; B","Caf&#233; &amp;amp; bar"\n', encoding="utf-8")
    doc = read_file(tmp_path / "r.csv").documents[0]
    assert doc.title == "A & B" and "Café &amp; bar" in doc.text
    (tmp_path / "p.html").write_text("<html><head><title>Caf&eacute; &amp;amp; bar</title></head><body>"
                                     "<h1>Caf&eacute; &amp;amp; bar</h1><p>It cost &amp;#163;2 there.</p></body></html>")
    doc = read_file(tmp_path / "p.html").documents[0]
    assert doc.title.startswith("Café") and "&eacute;" not in doc.text  # the HTML parser reads references itself
