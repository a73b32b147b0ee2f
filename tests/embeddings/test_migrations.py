"""Migration 1 -> 2: a format-1 index (one generation of JSON lines) becomes one segment on its next
update, with the same passages, documents, vectors and sentence vectors; readers refuse format 1
with the command that upgrades it."""

import json

import numpy as np
import pytest
from format1 import format1_index as _format1_index

from newsqa.embeddings.compaction import compact_index
from newsqa.embeddings.errors import IndexFormatError
from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.reader import open_reader


def test_reader_refuses_format_1_with_the_upgrade_command(tmp_path, fake_encoder):
    _, idx, *_ = _format1_index(tmp_path, fake_encoder)
    with pytest.raises(IndexFormatError, match="format version 1.*newsqa compact --index"):
        open_reader(idx)


def test_next_update_migrates_format_1_to_one_equal_segment(tmp_path, fake_encoder):
    src, idx, passages, vecs, svecs = _format1_index(tmp_path, fake_encoder)
    r = update_index([src], idx, encoder=fake_encoder, progress=False)
    assert (r.added, r.removed, r.files_unchanged, r.encoded) == (0, 0, 1, 0)  # the files table came along
    reader = open_reader(idx)
    m = json.loads((idx / "manifest.json").read_text())
    assert m["format_version"] == 2 and m["migrations"] == [1] and len(reader.segments) == 1
    assert not any(p.name.startswith("g0") for p in idx.iterdir())  # the old generation is gone
    assert list(reader.passages) == passages
    assert np.array_equal(np.asarray(reader.vectors), vecs)
    assert np.array_equal(np.asarray(reader.sentence_vectors), svecs.astype(np.float16))
    assert reader.document_text(passages[0].doc_id)[passages[3].start:passages[3].end] == passages[3].text
    q = fake_encoder.encode_queries(["Putin Kim spaceport"])[0]
    assert reader.dense_search(q, 3)[0].tolist() == np.argsort(-(vecs @ q), kind="stable")[:3].tolist()


def test_format_1_without_sentence_vectors_migrates_with_zero_rows(tmp_path, fake_encoder):
    src, idx, passages, *_ = _format1_index(tmp_path, fake_encoder, sentence_vectors=False)
    compact_index(idx)  # newsqa compact migrates too
    reader = open_reader(idx)
    assert reader.sentence_vectors.shape == (sum(len(p.sentences) for p in passages), fake_encoder.dimension)
    assert not np.asarray(reader.sentence_vectors).any()  # zero: encoded at question time


def test_a_migration_leaves_no_file_open(tmp_path, fake_encoder):
    """The format-1 tables' files were left for the garbage collector to close: two ResourceWarnings a
    migration, most of a fast test run's warnings."""
    import gc
    import warnings

    from newsqa.embeddings.migrations import migrate

    src, idx, *_ = _format1_index(tmp_path, fake_encoder)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert migrate(idx) == [1]
        gc.collect()
    assert [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)] == []
