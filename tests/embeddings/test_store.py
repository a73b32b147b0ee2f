import json
import shutil

import numpy as np
import pytest
from helpers import SEED

from embeddings.encoder import HashingEncoder
from embeddings.errors import IndexFormatError, ModelMismatchError
from embeddings.indexer import update_index
from embeddings.store import load_snapshot


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
    assert m["format_version"] == 1 and m["model"]["dimension"] == 256 and m["metric"] == "inner_product"
    assert m["counts"] == {"documents": 1, "passages": 233, "files": 1}
    assert {"faiss-cpu", "numpy"} <= set(m["versions"])
    # Plain numpy reads the vectors in passage-table order.
    vecs = np.load(idx / m["files"]["vectors"], allow_pickle=False)
    rows = [json.loads(line) for line in open(idx / m["files"]["passages"])]
    assert vecs.shape == (233, 256) and len(rows) == 233
    assert np.allclose(vecs[5], fake_encoder.encode_documents([rows[5]["title"] + "\n" + rows[5]["text"]])[0])
    snap = load_snapshot(idx)
    doc = snap.documents[rows[0]["doc_id"]]
    assert all(doc["text"][p.start:p.end] == p.text for p in snap.passages)
    assert snap.faiss_index.ntotal == 233


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
    r = update_index([src], idx, encoder=fake_encoder, progress=False)
    assert r.removed == 233 and r.added == 233
    assert r.encoded == 1  # only the edited paragraph is encoded again
    snap = load_snapshot(idx)
    assert any("did attend" in p.text for p in snap.passages)
    assert not any("Shoigu attended" in p.text for p in snap.passages)


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


def test_duplicate_article_indexed_once(tmp_path, fake_encoder):
    src = _copy_seed(tmp_path)
    shutil.copy(SEED, src / "again.txt")
    r = update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False)
    assert r.duplicates == 1 and r.added == 233


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
