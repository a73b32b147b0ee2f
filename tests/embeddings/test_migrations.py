"""The lazily read passage and document tables give exactly the rows of the JSON files."""

import json

import pytest
from helpers import seed_and_markdown_index

from embeddings.passage_table import DocumentTable, PassageTable
from embeddings.store import load_snapshot
from embeddings.chunker import Passage


def test_tables_equal_the_json_lines(tmp_path, fake_encoder):
    snap = load_snapshot(seed_and_markdown_index(tmp_path, fake_encoder))
    m = snap.manifest
    assert isinstance(snap.passages, PassageTable) and isinstance(snap.documents, DocumentTable)
    rows = [Passage.from_row(json.loads(line)) for line in open(tmp_path / "idx" / m["files"]["passages"], encoding="utf-8")]
    docs = [json.loads(line) for line in open(tmp_path / "idx" / m["files"]["documents"], encoding="utf-8")]
    assert list(snap.passages) == rows and snap.passages[-1] == rows[-1] and snap.passages[2:4] == rows[2:4]
    with pytest.raises(IndexError):
        snap.passages[len(rows)]
    assert len(snap.documents) == len(docs) and list(snap.documents) == [d["doc_id"] for d in docs]
    assert snap.documents[docs[1]["doc_id"]] == docs[1] and docs[0]["doc_id"] in snap.documents
    assert "nope" not in snap.documents and snap.documents.get("nope") is None
    assert dict(snap.documents.items()) == {d["doc_id"]: d for d in docs}
    # An index written without the columns files (an older writer) opens the same, parsed whole.
    for k in ("columns", "documents_columns"):
        (tmp_path / "idx" / m["files"].pop(k)).unlink()
    (tmp_path / "idx" / "manifest.json").write_text(json.dumps(m))
    old = load_snapshot(tmp_path / "idx")
    assert isinstance(old.passages, list) and old.passages == rows and old.documents == {d["doc_id"]: d for d in docs}
