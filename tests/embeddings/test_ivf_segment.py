"""An IVF segment (``ann: "ivf"``): built by the settings, served memory-mapped with tombstones and
filters inside the search, written by a compaction of a large index; an unknown kind is refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from newsqa.embeddings.errors import IndexFormatError
from newsqa.embeddings.faiss_index import FaissSettings
from newsqa.embeddings.indexer import delete_documents, update_index
from newsqa.embeddings.reader import open_reader


def _ivf_index(tmp_path, fake_encoder, n=30, **kw):
    from reliability.util import write_corpus

    idx = tmp_path / "idx"
    update_index([write_corpus(tmp_path / "c", n)], idx, encoder=fake_encoder, progress=False,
                 faiss_settings=FaissSettings(kind="ivf", **kw), compact=False)
    return idx


def test_an_ivf_segment_is_searched_with_tombstones_inside_and_its_recorded_nprobe(tmp_path, fake_encoder):
    import faiss

    idx = _ivf_index(tmp_path, fake_encoder, ivf_nprobe=3)
    r = open_reader(idx)
    seg = r.segments[0]
    assert seg.info.ann == "ivf" and "faiss.index" in seg.info.sizes and r.info.faiss["ivf_nprobe"] == 3
    assert seg.faiss.nprobe == 3 and seg.faiss.nlist == FaissSettings().nlist(len(seg))
    doc = next(iter(r.documents))
    delete_documents(idx, [doc], encoder=fake_encoder)
    r = open_reader(idx, previous=r)
    live = r.live_rows[0]
    in_memory = faiss.read_index(str(seg.dir / "faiss.index"))  # read whole, no memory map
    sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.flatnonzero(~live).astype(np.int64)))
    for row in (3, 40, 77):
        q = np.asarray(r.vectors[row])
        rows, scores = r.dense_search(q, 10)
        assert len(rows) == 10 and all(live[rows]) and doc not in {r.passages[i].doc_id for i in rows}
        _, want = in_memory.search(q.reshape(1, -1), 10, params=faiss.SearchParametersIVF(sel=sel, nprobe=3))
        assert rows.tolist() == want[0].tolist()
        assert np.all(np.diff(scores) <= 1e-6)


def test_compacting_a_large_index_writes_an_ivf_base(tmp_path, fake_encoder):
    from newsqa.embeddings.compaction import compact_index
    from reliability.util import write_corpus

    idx = tmp_path / "idx"
    settings = FaissSettings(approx_threshold=60, ivf_threshold=150)
    for k in range(2):  # two segments of 100 passages: HNSW each; merged: 200, IVF
        update_index([write_corpus(tmp_path / f"c{k}", 20, seed=k, start=20 * k)], idx, encoder=fake_encoder,
                     progress=False, faiss_settings=settings, compact=False)
    before = open_reader(idx)
    assert [s.info.ann for s in before.segments] == ["hnsw", "hnsw"]
    compact_index(idx, full=True)
    r = open_reader(idx)
    assert [s.info.ann for s in r.segments] == ["ivf"] and r.segments[0].faiss.ntotal == len(r)
    q = np.asarray(before.vectors[5])
    rows, _ = r.dense_search(q, 5)
    assert r.passages[int(rows[0])].passage_id == before.passages[5].passage_id


def test_a_reader_refuses_an_unknown_ann_kind_naming_the_segment(tmp_path, fake_encoder):
    idx = _ivf_index(tmp_path, fake_encoder, n=3)
    m = json.loads((idx / "manifest.json").read_text())
    m["segments"][0]["ann"] = "diskann"
    (idx / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexFormatError, match=r"segment s000001: ann must be one of flat, hnsw, ivf, ivf_sq8, got 'diskann'"):
        open_reader(idx)
