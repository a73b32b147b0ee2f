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
