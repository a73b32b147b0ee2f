"""The update benchmark's articles are new documents, and its writer reports what the issue asks for."""

import shutil

import pytest
from helpers import SEED

from newsqa.eval.bench_updates import articles, writer


def test_writer_adds_and_deletes_single_articles(tmp_path, fake_encoder, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"{i}.txt").write_text(f"Story number {i}\n\nA paragraph about item {i}.\n\nAnother one.\n")
    from newsqa.embeddings.indexer import update_index

    shutil.copy(SEED, tmp_path / "seed.txt")
    update_index([tmp_path / "seed.txt"], tmp_path / "idx", encoder=fake_encoder, progress=False)
    used = []
    monkeypatch.delenv("NEWSQA_BACKEND", raising=False)
    monkeypatch.setattr("newsqa.eval.bench_updates.load_encoder", lambda *a, **k: used.append("asked") or fake_encoder)
    monkeypatch.setattr("newsqa.eval.bench_updates.load_small_encoder", lambda *a, **k: used.append("small") or fake_encoder)
    src = tmp_path / "src"
    src.mkdir()
    out = writer(tmp_path / "idx", src, corpus, 3, 2)
    assert used == ["small"]  # the model update_index loads for an add this small (no backend asked)
    assert len(out["adds"]) == 3 and len(out["deletes"]) == 2 and out["passages_per_add"] == 3
    assert out["peak_rss_mb"] > 0 and len(out["add_cpu"]) == 3 and all(c > 0 for c in out["add_cpu"])
    names = [n for n, _ in articles(corpus, 3, "w")]
    assert sorted(p.name for p in src.iterdir()) == sorted(names[2:])
    from newsqa.embeddings.reader import open_reader

    r = open_reader(tmp_path / "idx")
    assert len(r.documents) == 1 + 1 and r.info.counts.passages == 233 + 3


@pytest.mark.slow  # a writer subprocess per add and a running Engine polling for it (2.4 CPU-s, ~10 s of waits)
def test_bench_updates_reports_every_field_the_issue_asks_for(tmp_path):
    """The whole benchmark end to end (writer subprocess, a running Engine, compaction) on a tiny index."""
    from newsqa.embeddings.encoder import load_encoder
    from newsqa.embeddings.indexer import update_index
    from newsqa.eval.bench_updates import bench_updates

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(4):
        (corpus / f"{i}.txt").write_text(f"Harbour story {i} closes\n\nThe harbour {i} was closed on day {i}.\n\nMore.\n")
    shutil.copy(SEED, tmp_path / "seed.txt")
    update_index([tmp_path / "seed.txt"], tmp_path / "idx", encoder=load_encoder("hashing"), progress=False)
    out = bench_updates(tmp_path / "idx", corpus, tmp_path / "cache", n_adds=2, visible_n=1, model="hashing")
    for field in ("passages", "add_p50_s", "add_p95_s", "visible_p50_s", "delete_p50_s", "update_peak_rss_mb",
                  "compact_s", "add_index_p50_s", "encode_p50_s", "add_cpu_p50_s", "encode_cpu_p50_s",
                  "visible_add_p50_s", "visible_refresh_p50_s", "visible_asks_p50_s", "writer_rss_after_model_mb"):
        assert isinstance(out[field], (int, float)) and out[field] >= 0, field
    assert out["visible_add_p50_s"] + out["visible_refresh_p50_s"] <= out["visible_p50_s"]
    parts = [out[f"visible_{k}_cpu_p50_s"] for k in ("add", "refresh", "asks")]  # one visible add: p50 = the value
    assert all(p >= 0 for p in parts) and abs(sum(parts) - out["visible_cpu_p50_s"]) < 0.01
    assert out["visible_encode_cpu_p50_s"] <= out["visible_add_cpu_p50_s"]
    assert out["visible_asks_needed"] == [1] and out["writer_backend"] == "hashing"
    assert out["passages"] == 233 and out["adds"] == 2 and out["segments_after_compaction"] <= out["segments_after_adds"] + 1
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())  # its work folder is removed
