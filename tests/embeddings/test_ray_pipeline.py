"""The Ray engine writes the same index as the local one (skipped where Ray is not installed), and
without Ray the error names the install."""

import shutil

import numpy as np
import pytest
from helpers import BBC, SEED, need

from newsqa.embeddings.indexer import update_index
from newsqa.embeddings.ray_pipeline import update_index_ray
from newsqa.embeddings.store import load_snapshot


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray of 2 CPUs (imported here: collecting this file, and the missing-Ray test, need no Ray)."""
    ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install newsqa[ray]")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}})
    yield
    ray.shutdown()


@pytest.mark.slow
def test_ray_path_equals_local_path(tmp_path, real_encoder, local_ray):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED, src / "seed.txt")
    for f in sorted((need(BBC) / "articles" / "business").glob("*.txt"))[:3]:
        shutil.copy(f, src / f"bbc-{f.name}")
    local = update_index([src], tmp_path / "local", encoder=real_encoder, progress=False)
    dist = update_index_ray([src], tmp_path / "ray", encoder=real_encoder, progress=False)
    assert dist.written and (dist.added, dist.documents_read) == (local.added, local.documents_read)
    a, b = load_snapshot(tmp_path / "local"), load_snapshot(tmp_path / "ray")
    assert [p.passage_id for p in a.passages] == [p.passage_id for p in b.passages]
    assert a.documents.keys() == b.documents.keys() and a.files == b.files
    cos = np.sum(np.asarray(a.vectors) * np.asarray(b.vectors), axis=1)
    assert cos.min() >= 0.9999, cos.min()
    assert np.array_equal(a.sentence_rows, b.sentence_rows)
    sa, sb = np.asarray(a.sentence_vectors, np.float32), np.asarray(b.sentence_vectors, np.float32)
    scos = np.sum(sa * sb, axis=1) / np.maximum(1e-9, np.linalg.norm(sa, axis=1) * np.linalg.norm(sb, axis=1))
    assert scos.min() >= 0.999, scos.min()  # stored as float16
    # Unchanged files: the Ray path reads nothing and writes nothing, like the local one.
    again = update_index_ray([src], tmp_path / "ray", encoder=real_encoder, progress=False)
    assert (again.added, again.written, again.files_unchanged) == (0, False, 4)


def test_missing_ray_names_the_install(monkeypatch):
    import builtins

    from newsqa.embeddings.ray_pipeline import RayMissingError, require_ray

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(ImportError, match=r"pip install newsqa\[ray\]") as e:
        require_ray()
    assert isinstance(e.value, RayMissingError)


@pytest.mark.slow  # starts a local Ray (about half a minute)
def test_ray_writes_one_segment_per_worker_batch_in_one_swap(tmp_path, fake_encoder, local_ray, monkeypatch):
    import newsqa.embeddings.ray_pipeline as rp
    from newsqa.embeddings.reader import open_reader
    from reliability.util import write_corpus

    src = write_corpus(tmp_path / "corpus", 12)
    monkeypatch.setattr(rp, "MIN_SEGMENT_PASSAGES", 1)  # tiny articles: still one batch per worker
    published = []
    import newsqa.embeddings.store as store

    real_publish = store.publish
    monkeypatch.setattr("newsqa.embeddings.indexer.publish", lambda *a, **k: published.append(1) or real_publish(*a, **k))
    dist = update_index_ray([src], tmp_path / "ray", encoder=fake_encoder, progress=False, encoders=2, compact=False)
    local = update_index([src], tmp_path / "local", encoder=fake_encoder, progress=False, compact=False)
    a, b = open_reader(tmp_path / "local"), open_reader(tmp_path / "ray")
    assert len(published) == 2  # one manifest swap for the Ray update (and one for the local one)
    assert len(b.segments) == 2 and b.generation == "g000001" and len(a.segments) == 1
    assert dist.added == local.added == b.live_passages and dist.encoded == local.encoded
    assert sorted(p.passage_id for p in a.passages) == sorted(p.passage_id for p in b.passages)
    assert a.files == b.files and sorted(a.documents) == sorted(b.documents)
    va = {p.passage_id: np.asarray(a.vectors[i]) for i, p in enumerate(a.passages)}
    assert all(np.allclose(va[p.passage_id], b.vectors[i]) for i, p in enumerate(b.passages))
    # The keywords are update_index's own: a misspelt one fails, compact= and remove= go through.
    with pytest.raises(TypeError):
        update_index_ray([src], tmp_path / "ray", encoder=fake_encoder, compactt=False)
    gone = sorted(src.iterdir())[0]
    r = update_index_ray([], tmp_path / "ray", encoder=fake_encoder, progress=False, remove=[gone], compact=False)
    assert r.written and r.removed > 0 and str(gone.resolve()) not in open_reader(tmp_path / "ray").files


def test_worker_batches_cut_at_documents_with_the_file_records_last():
    from types import SimpleNamespace as NS

    from newsqa.embeddings.indexer import NewBatch
    from newsqa.embeddings.ray_pipeline import split_batch

    docs = [NS(doc_id=f"d{i}") for i in range(5)]
    passages = [NS(doc_id=f"d{i}") for i, n in enumerate([3, 1, 4, 1, 5]) for _ in range(n)]
    parts = split_batch(NewBatch(docs, passages, {"f": {"doc_ids": ["d0"]}}), 2, min_passages=1)
    assert [len(p.passages) for p in parts] == [8, 6] and [len(p.documents) for p in parts] == [3, 2]
    assert [p.files for p in parts] == [{}, {"f": {"doc_ids": ["d0"]}}]
    assert [q for p in parts for q in p.passages] == passages  # every passage once, in order
    assert len(split_batch(NewBatch(docs, passages, {}), 2)) == 1  # below the minimum: one segment
    assert len(split_batch(NewBatch([], [], {"f": {}}), 4)) == 1  # records alone still make a segment
