import json
import shutil

import numpy as np
import pytest
from helpers import SEED

from newsqa.embeddings.encoder import HashingEncoder
from newsqa.embeddings.errors import IndexFormatError, ModelMismatchError
from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.manifest import manifest_version, read_manifest
from newsqa.embeddings.store import load_snapshot


def _copy_seed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    return src


def test_round_trip_manifest_and_files(tmp_path, fake_encoder):
    src = _copy_seed(tmp_path)
    idx = tmp_path / "idx"
    r = update_index([src], idx, encoder=fake_encoder, progress=False)
    assert r.added == 233 and r.written
    m = json.loads((idx / "manifest.json").read_text())
    assert m["format_version"] == 2 and m["model"]["dimension"] == 256 and m["metric"] == "inner_product"
    assert m["counts"] == {"documents": 1, "passages": 233, "files": 1, "segments": 1, "tombstoned_passages": 0}
    assert {"faiss-cpu", "numpy", "pyarrow"} <= set(m["versions"])
    # The reuse example of docs/index-format.md: pandas reads the table, numpy the vectors, in one order.
    import pandas as pd
    import pyarrow.feather as feather

    seg = idx / "segments" / m["segments"][0]["name"]
    rows = feather.read_table(seg / "passages.arrow").to_pandas()
    assert isinstance(rows, pd.DataFrame)
    vecs = np.load(seg / "vectors.npy", mmap_mode="r", allow_pickle=False)
    assert vecs.shape == (233, 256) and len(rows) == 233 and m["segments"][0]["ann"] == "flat"
    assert np.allclose(vecs[5], fake_encoder.encode_documents([rows.title[5] + "\n" + rows.text[5]])[0])
    docs = feather.read_table(seg / "documents.arrow").to_pandas()
    assert docs.doc_id.tolist() == [rows.doc_id[0]] and docs.text[0][rows.start[3]:rows.end[3]] == rows.text[3]
    snap = load_snapshot(idx)
    doc = snap.documents[rows.doc_id[0]]
    assert all(doc["text"][p.start:p.end] == p.text for p in snap.passages)
    assert len(snap.passages) == snap.live_passages == 233


def test_reindex_is_a_noop(tmp_path, fake_encoder):
    src = _copy_seed(tmp_path)
    idx = tmp_path / "idx"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    before = (idx / "manifest.json").read_bytes()
    r = update_index([src], idx, encoder=fake_encoder, progress=False)
    assert (r.added, r.removed, r.unchanged, r.written, r.encoded) == (0, 0, 233, False, 0)
    assert (idx / "manifest.json").read_bytes() == before


def test_changed_file_replaces_its_passages_and_reuses_vectors(tmp_path, fake_encoder):
    src = _copy_seed(tmp_path)
    idx = tmp_path / "idx"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    f = src / "seed.txt"
    f.write_text(f.read_text().replace("Defence Minister Sergei Shoigu attended the talks.",
                                       "Defence Minister Sergei Shoigu did attend the talks."))
    r = update_index([src], idx, encoder=fake_encoder, progress=False, compact=False)
    assert r.removed == 233 and r.added == 233
    assert r.encoded == 1  # only the edited paragraph is encoded again
    snap = load_snapshot(idx)
    live = [p for i, p in enumerate(snap.passages) if snap.is_live(i)]
    assert len(live) == 233 and len(snap.documents) == 1
    assert any("did attend" in p.text for p in live)
    assert not any("Shoigu attended" in p.text for p in live)
    # The update wrote one segment with the new version and a tombstone for the old one, not a copy.
    m = snap.info
    assert [s.passages for s in m.segments] == [233, 233] and list(m.tombstones) == [m.segments[0].name]
    # Compaction drops the wholly deleted segment (its file record is superseded by the newer one).
    from newsqa.embeddings.compaction import compact_index

    assert compact_index(idx).merges == 1
    after = load_snapshot(idx)
    assert [s.passages for s in after.info.segments] == [233] and not after.info.tombstones
    assert [p.text for p in after.passages] == [p.text for p in live] and list(after.files) == list(snap.files)


def test_prune_removes_documents_of_deleted_files(tmp_path, fake_encoder):
    src = _copy_seed(tmp_path)
    (src / "b.txt").write_text("Port reopens\n\nThe port reopened on Monday after the storm.\n")
    idx = tmp_path / "idx"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    (src / "b.txt").unlink()
    r = update_index([src], idx, encoder=fake_encoder, progress=False)
    assert r.removed == 0  # without --prune, nothing is dropped
    r = update_index([src], idx, encoder=fake_encoder, progress=False, prune=True)
    assert r.removed == 2
    assert load_snapshot(idx).manifest["counts"]["documents"] == 1


def test_a_renamed_file_with_prune_moves_its_article_and_is_no_duplicate(tmp_path, fake_encoder):
    """mv a.txt renamed.txt, then --prune: the article's origin is the new file (it pointed at the
    old one, and the new file was reported a duplicate of what the index held)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Port reopens\n\nThe port reopened on Monday after the storm.\n")
    (src / "c.txt").write_text("Mill closes\n\nThe paper mill closed in March.\n")
    idx = tmp_path / "idx"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    (src / "a.txt").rename(src / "renamed.txt")
    r = update_index([src], idx, encoder=fake_encoder, progress=False, prune=True)
    assert r.duplicates == 0 and r.duplicate_articles == [] and r.written
    assert r.encoded == 0 and r.added == 2 and r.removed == 2  # the stored vectors are reused
    docs = load_snapshot(idx).documents
    assert sorted(d["origin"] for d in docs.values()) == sorted(str((src / n).resolve()) for n in ("c.txt", "renamed.txt"))
    assert r.documents_total == 2 and load_snapshot(idx).manifest["counts"]["documents"] == 2
    shutil.copy(src / "renamed.txt", src / "copy.txt")  # a copy, its original still there: a duplicate
    r = update_index([src], idx, encoder=fake_encoder, progress=False, prune=True)
    assert r.duplicates == 1 and r.duplicate_articles[0].origin.endswith("copy.txt") and r.added == 0


def test_duplicate_article_indexed_once(tmp_path, fake_encoder):
    src = _copy_seed(tmp_path)
    shutil.copy(SEED, src / "again.txt")
    r = update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False)
    assert r.duplicates == 1 and r.added == 233


def test_editing_one_record_of_a_jsonl_names_no_duplicates(tmp_path, fake_encoder):
    """The file's other records are still indexed from it: neither new nor duplicates (they had been
    named as "duplicates not added ... already in the index")."""
    feed = tmp_path / "feed.jsonl"
    recs = [{"title": f"Story {i}", "text": f"Story {i}: the port number {i} reopened after the storms."} for i in range(5)]
    feed.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    update_index([feed], tmp_path / "idx", encoder=fake_encoder, progress=False)
    recs[4]["text"] += " A later update."
    recs.append(dict(recs[0]))  # and a real duplicate, read twice in the same file
    feed.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    r = update_index([feed], tmp_path / "idx", encoder=fake_encoder, progress=False)
    assert r.duplicates == 1 and [d.title for d in r.duplicate_articles] == ["Story 0"]
    assert r.documents_read == 6 and load_snapshot(tmp_path / "idx").info.counts.documents == 5


def test_model_mismatch_is_refused(tmp_path, fake_encoder):
    src = _copy_seed(tmp_path)
    idx = tmp_path / "idx"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    with pytest.raises(ModelMismatchError, match="256-dimensional"):
        update_index([src], idx, encoder=HashingEncoder(128), progress=False)
    other = HashingEncoder(256)
    other.name = "another-model"
    with pytest.raises(ModelMismatchError, match="another-model"):
        update_index([src], idx, encoder=other, progress=False)


def test_a_file_given_as_index_folder_is_an_index_format_error_naming_it(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello")
    for read in (read_manifest, manifest_version, load_snapshot):
        with pytest.raises(IndexFormatError, match=r"notes\.txt is a file, not an index folder"):
            read(f)


def test_unknown_format_version_and_missing_index(tmp_path, fake_encoder):
    with pytest.raises(IndexFormatError, match="does not exist"):
        load_snapshot(tmp_path / "nope")
    src = _copy_seed(tmp_path)
    idx = tmp_path / "idx"
    update_index([src], idx, encoder=fake_encoder, progress=False)
    m = json.loads((idx / "manifest.json").read_text())
    m["format_version"] = 99
    (idx / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexFormatError, match="format version 99"):
        load_snapshot(idx)
