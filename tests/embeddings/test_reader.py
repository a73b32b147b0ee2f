"""embeddings.reader: document texts read by id across segments, tombstones applied."""

import shutil

import pytest

from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.reader import open_reader
from newsqa.embeddings.segment import Segment


def test_document_text_reads_the_text_column_of_the_live_row(tmp_path, small_corpus, fake_encoder, monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(small_corpus, src)
    files = sorted(p for p in src.rglob("*") if p.is_file())
    idx = tmp_path / "index"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    before = open_reader(idx)
    old_ids = set(before.documents)
    files[0].write_text(files[0].read_text() + "\n\nA paragraph added later, so the article is written again.\n")
    files[1].unlink()
    update_index([src], idx, encoder=fake_encoder, progress=False)
    r = open_reader(idx)
    assert len(r.segments) >= 2  # the edited article lives in a newer segment, its old row a tombstone
    rows = {d: r.documents[d] for d in r.documents}
    monkeypatch.setattr(Segment, "document", lambda self, row: pytest.fail("a text lookup parsed the whole row"))
    for d, row in rows.items():
        assert r.document_text(d) == row["text"]
    for d in old_ids - set(rows):  # the deleted article and the old version of the edited one
        with pytest.raises(KeyError):
            r.document_text(d)
    assert old_ids - set(rows)
