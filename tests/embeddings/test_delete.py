"""delete_documents: a document's passages leave the index; unknown ids change nothing."""

from __future__ import annotations

import pytest

from newsqa.embeddings.errors import DocumentNotFoundError
from newsqa.embeddings.indexer import delete_documents, update_index
from newsqa.embeddings.store import load_snapshot


def test_delete_removes_a_document_and_stays_removed(small_index, small_corpus, fake_encoder):
    before = load_snapshot(small_index)
    doc_id = next(iter(before.documents))
    n_doc = sum(1 for p in before.passages if p.doc_id == doc_id)
    report = delete_documents(small_index, [doc_id], encoder=fake_encoder)
    after = load_snapshot(small_index)
    assert report.removed == n_doc > 0 and report.written
    assert doc_id not in after.documents and after.live_passages == before.live_passages - n_doc
    live = [p for i, p in enumerate(after.passages) if after.is_live(i)]  # a tombstone, not a rewrite
    assert len(live) == after.live_passages and doc_id not in {p.doc_id for p in live}
    assert after.generation != before.generation
    # Re-indexing the unchanged folder does not bring it back (its file is unchanged).
    update_index([small_corpus], small_index, encoder=fake_encoder, progress=False)
    assert doc_id not in load_snapshot(small_index).documents


def test_deleting_an_unknown_document_changes_nothing(small_index, fake_encoder):
    gen = load_snapshot(small_index).generation
    with pytest.raises(DocumentNotFoundError, match="no document ffffffffffffffff"):
        delete_documents(small_index, ["ffffffffffffffff"], encoder=fake_encoder)
    assert load_snapshot(small_index).generation == gen
