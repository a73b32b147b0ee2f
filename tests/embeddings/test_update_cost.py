"""An update's cost follows the change: an add opens only the new segment, reads no stored
vectors or whole tables, and a running Engine's next reader scans no whole collection."""

from __future__ import annotations

import numpy as np
import pytest

import newsqa.embeddings.reader as reader_mod
from newsqa.embeddings.indexer import _WRITER_READERS, update_index
from newsqa.embeddings.reader import open_reader


def _article(d, i, extra=""):
    p = d / f"a{i}.txt"
    p.write_text(f"Story {i} of the Ministry{extra}\n\nA paragraph about item {i} in Zürich.\n\n"
                 f"Another paragraph, number {i}.\n", encoding="utf-8")
    return p


class _Untouchable:
    """Stands in for a stored array: any read fails the test."""

    shape = (0, 0)

    def __getitem__(self, idx):
        raise AssertionError("an add read another segment's vectors")

    def __array__(self, *a, **k):
        raise AssertionError("an add read another segment's vectors")


@pytest.fixture
def grown(tmp_path, fake_encoder):
    src = tmp_path / "src"
    src.mkdir()
    idx = tmp_path / "idx"
    for i in range(3):
        update_index([_article(src, i)], idx, encoder=fake_encoder, progress=False, compact=False)
    return src, idx


def test_an_add_opens_only_the_new_segment_and_reads_no_stored_vectors(grown, fake_encoder, monkeypatch):
    src, idx = grown
    opened = []
    real = reader_mod.Segment

    def counting(index_dir, info, *a, **k):
        opened.append(info.name)
        return real(index_dir, info, *a, **k)

    monkeypatch.setattr(reader_mod, "Segment", counting)
    cached = _WRITER_READERS[idx.resolve()]
    for seg in cached.segments:  # the segments this process has open: their vectors must stay unread
        monkeypatch.setattr(seg, "vectors", _Untouchable())
        monkeypatch.setattr(seg, "sentence_vectors", _Untouchable())
    before = open_reader(idx, ann=False).info.segment_names()
    opened.clear()
    r = update_index([_article(src, 9)], idx, encoder=fake_encoder, progress=False, compact=False)
    assert r.written and r.added == 3 and r.encoded == 3
    assert opened == [before[-1]]  # the segment the previous add wrote; the older ones were reused
    after = open_reader(idx, ann=False)
    assert len(after.segments) == len(before) + 1 and after.info.counts.files == 4


def test_file_counts_and_records_stay_exact_through_edits_removes_and_prunes(grown, fake_encoder):
    src, idx = grown

    def check():
        r = open_reader(idx, ann=False)
        assert r.info.counts.files == len(r.files)
        assert r.info.counts.documents == len(r.documents) and r.info.counts.passages == r.live_passages
        return r

    assert len(check().files) == 3
    _article(src, 1, extra=" (edited)")  # a replaced file: its old document is tombstoned
    update_index([src], idx, encoder=fake_encoder, progress=False, compact=False)
    r = check()
    assert len(r.files) == 3 and any("edited" in d["title"] for d in r.documents.values())
    update_index([], idx, encoder=fake_encoder, progress=False, remove=[src / "a0.txt"], compact=False)
    assert len(check().files) == 2
    (src / "a2.txt").unlink()
    update_index([src], idx, encoder=fake_encoder, progress=False, prune=True, compact=False)
    r = check()
    assert sorted(k.rsplit("/", 1)[-1] for k in r.files) == ["a0.txt", "a1.txt"]  # a0 is in the folder again
    rep = update_index([src], idx, encoder=fake_encoder, progress=False, compact=False)  # nothing changed
    assert not rep.written and rep.passages_total == r.live_passages and rep.documents_total == len(r.documents)


def test_hash_lookup_by_binary_search_finds_what_the_scan_finds(grown):
    _, idx = grown
    seg = open_reader(idx, ann=False).segments[0]
    col = seg.passages.column("embed_hash").to_numpy()
    want = np.concatenate([col[[0, len(col) - 1]], np.array([12345], np.uint64)])
    first = seg.rows_of_hashes(want)  # a scan
    second = seg.rows_of_hashes(want)  # the sorted copy
    assert first == second == {int(col[0]): 0, int(col[-1]): len(col) - 1}


def test_a_new_reader_scans_no_whole_collection(grown, fake_encoder, monkeypatch):
    from newsqa.qa import Engine
    from newsqa.qa.bm25 import DocumentFrequencies

    src, idx = grown
    engine = Engine.open(idx, encoder=fake_encoder)
    engine.ask("What about item 1?")
    r0 = engine.reader
    vocab = sorted({str(t) for s in r0.segments for t in s.postings["lex_terms"]})
    assert sorted(DocumentFrequencies(engine.retriever.bm25).non_ascii_terms()) == [t for t in vocab if not t.isascii()]
    assert r0.date_range() == ("", "")  # undated plain-text articles
    monkeypatch.setattr(reader_mod.DocumentView, "values", lambda self: pytest.fail("every document read"))
    monkeypatch.setattr(DocumentFrequencies, "vocabulary", lambda self: pytest.fail("the whole vocabulary read"))
    update_index([_article(src, 7)], idx, encoder=fake_encoder, progress=False, compact=False)
    a = engine.ask("What about item 7 in Zürich?")
    assert engine.reader.generation != r0.generation
    assert any("Story 7" in h.passage.title for h in a.retrieved)


def test_date_range_over_segments_skips_tombstoned_documents(tmp_path, fake_encoder):
    src = tmp_path / "src"
    src.mkdir()
    idx = tmp_path / "idx"
    for i, date in enumerate(["2004-01-02", "2005-03-04", "2003-07-08"]):
        (src / f"d{i}.jsonl").write_text(
            f'{{"title": "Dated story {i}", "date": "{date}", "text": "Text of story {i} here."}}\n', encoding="utf-8")
        update_index([src / f"d{i}.jsonl"], idx, encoder=fake_encoder, progress=False, compact=False)
    r = open_reader(idx, ann=False)
    dates = sorted(d["date"] for d in r.documents.values() if d.get("date"))
    assert r.date_range() == (dates[0], dates[-1]) == ("2003-07-08", "2005-03-04")
    update_index([], idx, encoder=fake_encoder, progress=False, remove=[src / "d2.jsonl"], compact=False)
    assert open_reader(idx, ann=False).date_range() == ("2004-01-02", "2005-03-04")


def test_an_hnsw_segment_is_served_memory_mapped_with_tombstones_inside(tmp_path, fake_encoder):
    import faiss

    from newsqa.embeddings.faiss_index import FaissSettings
    from newsqa.embeddings.indexer import delete_documents
    from reliability.util import write_corpus

    idx = tmp_path / "idx"
    update_index([write_corpus(tmp_path / "c", 20)], idx, encoder=fake_encoder, progress=False,
                 faiss_settings=FaissSettings(kind="hnsw"), compact=False)
    r = open_reader(idx)
    seg = r.segments[0]
    assert seg.info.ann == "hnsw" and seg.faiss is not None
    doc = next(iter(r.documents))
    delete_documents(idx, [doc], encoder=fake_encoder)
    r = open_reader(idx, previous=r)
    in_memory = faiss.read_index(str(seg.dir / "faiss.index"))  # read whole, as before
    q = np.asarray(r.vectors[3])
    rows, scores = r.dense_search(q, 10)
    live = r.live_rows[0]
    assert len(rows) == 10 and all(live[rows]) and doc not in {r.passages[i].doc_id for i in rows}
    sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.flatnonzero(~live).astype(np.int64)))
    _, want = in_memory.search(q.reshape(1, -1), 10, params=faiss.SearchParametersHNSW(sel=sel, efSearch=128))
    assert rows.tolist() == want[0].tolist()
    flat = np.flatnonzero(live)[np.argsort(-(np.asarray(r.vectors)[live] @ q), kind="stable")[:10]]
    assert len(set(rows.tolist()) & set(flat.tolist())) >= 9  # recall against the exact masked scan


def test_collection_topics_are_summed_per_segment_and_skip_tombstoned_documents(grown, fake_encoder, monkeypatch):
    from collections import Counter

    from newsqa.embeddings.indexer import delete_documents
    from newsqa.qa.explain import _count_topics, main_topics

    src, idx = grown
    r = open_reader(idx, ann=False)
    delete_documents(idx, [next(iter(r.documents))], encoder=fake_encoder)
    r = open_reader(idx, ann=False, previous=r)

    def whole(reader):  # the old way: every live document read
        sections, counts = set(), Counter()
        for d in reader.documents.values():
            _count_topics(d.get("section"), d.get("title"), sections, counts)
        ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))
        return sorted(sections), [w for w, c in ranked[:12] if c > 1] or [w for w, _ in ranked[:12]]

    assert main_topics(r, 12) == whole(r) and "ministry" in main_topics(r, 12)[1]
    update_index([_article(src, 8)], idx, encoder=fake_encoder, progress=False, compact=False)
    r2 = open_reader(idx, ann=False, previous=r)
    want = whole(r2)
    monkeypatch.setattr(reader_mod.DocumentView, "values", lambda self: pytest.fail("every document read"))
    assert main_topics(r2, 12) == want


@pytest.fixture
def loads(monkeypatch, fake_encoder):
    """Every model load an update makes (spec, backend; "small": ``load_small_encoder``, one model:
    auto's light choice or torch fp32), each answered by the fake encoder."""
    import newsqa.embeddings.indexer as indexer_mod

    seen = []

    def counting(spec=None, *, backend=None, **k):
        seen.append((spec, backend))
        return fake_encoder

    monkeypatch.setattr(indexer_mod, "load_encoder", counting)
    monkeypatch.setattr(indexer_mod, "load_small_encoder", lambda spec=None, **k: counting(spec, backend="small"))
    monkeypatch.delenv("NEWSQA_BACKEND", raising=False)
    return seen


def test_an_update_that_encodes_nothing_loads_no_model(grown, loads):
    src, idx = grown
    before = open_reader(idx, ann=False).info.model.model_dump()
    assert not update_index([src], idx, progress=False, compact=False).written  # nothing changed
    assert update_index([], idx, progress=False, remove=[src / "a0.txt"], compact=False).removed == 3
    (src / "a1.txt").unlink()
    assert update_index([src], idx, progress=False, prune=True, compact=False).removed == 3
    r = update_index([_article(src, 1)], idx, progress=False, compact=False)  # text the index holds (tombstoned)
    assert r.added == 3 and r.encoded == 0
    assert loads == []
    assert open_reader(idx, ann=False).info.model.model_dump() == before


def test_a_small_add_loads_one_model_unless_a_backend_is_asked(grown, loads, monkeypatch):
    src, idx = grown
    assert update_index([_article(src, 5)], idx, progress=False, compact=False).encoded == 3
    assert loads == [("hashing-256", "small")]  # the index's own model, loaded once (light choice or torch alone)
    update_index([_article(src, 6)], idx, progress=False, compact=False, backend="openvino")
    monkeypatch.setenv("NEWSQA_BACKEND", "onnx")
    update_index([_article(src, 7)], idx, progress=False, compact=False)
    assert loads[1:] == [("hashing-256", "openvino"), ("hashing-256", "onnx")]


def test_a_reader_parses_no_file_records_until_asked_and_reads_them_after_its_folder_went(grown, monkeypatch):
    import shutil

    from newsqa.embeddings.segment import Segment

    _, idx = grown
    parsed = []
    real = Segment._read_files
    monkeypatch.setattr(Segment, "_read_files", lambda self: parsed.append(self.name) or real(self))
    r = open_reader(idx, ann=False)
    assert parsed == []  # serving opens every segment and parses none of their files.json
    seg = r.segments[0]
    shutil.rmtree(seg.dir)  # a compaction retired it while this reader had it open
    assert [k.rsplit("/", 1)[-1] for k in seg.files()] == ["a0.txt"] and len(parsed) == 1
    assert seg.files() is seg.files() and len(parsed) == 1


def test_a_small_new_index_is_encoded_by_one_model(tmp_path, loads):
    src = tmp_path / "src"
    src.mkdir()
    r = update_index([_article(src, 1)], tmp_path / "idx", progress=False, compact=False)
    assert r.written and r.encoded == 3 and loads == [(None, "small")]



def test_a_reader_that_never_reads_file_records_closes_them_when_it_goes(grown):
    import gc
    import os
    import warnings

    _, idx = grown
    fds = lambda: len(os.listdir("/proc/self/fd"))  # noqa: E731
    gc.collect()
    before = fds()
    r = open_reader(idx, ann=False)
    assert fds() > before  # each segment holds its files.json open until first use
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        del r
        gc.collect()
    assert fds() == before
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]  # closed, not left to the collector


def test_an_add_parses_the_file_records_only_of_the_segments_that_hold_its_files(grown, fake_encoder, monkeypatch):
    import shutil

    from newsqa.embeddings.segment import Segment

    src, idx = grown
    _WRITER_READERS.clear()  # a fresh writer process: no segment's records parsed yet
    parsed = []
    real = Segment._read_files
    monkeypatch.setattr(Segment, "_read_files", lambda self: parsed.append(self.name) or real(self))
    update_index([_article(src, 5)], idx, encoder=fake_encoder, progress=False, compact=False)
    assert parsed == []  # a new file: no segment's hashes hold its key
    update_index([_article(src, 1, extra=" edited")], idx, encoder=fake_encoder, progress=False, compact=False)
    assert parsed == ["s000002"]  # the replaced file's segment, for its record and its document's other holders
    shutil.copy(src / "a0.txt", src / "dup.txt")  # the same article from a second file
    update_index([src / "dup.txt"], idx, encoder=fake_encoder, progress=False, compact=False)
    assert parsed == ["s000002"]  # dup.txt is a new file
    rep = update_index([], idx, encoder=fake_encoder, progress=False, compact=False, remove=[src / "a0.txt"])
    assert sorted(parsed) == ["s000001", "s000002", "s000006"]  # a0's segment and dup's, whose records hold the article
    r = open_reader(idx, ann=False)
    assert rep.pruned and any(d["title"].startswith("Story 0 ") for d in r.documents.values())  # dup.txt holds it
    assert set(r.files) == {str((src / n).resolve()) for n in ("a1.txt", "a2.txt", "a5.txt", "dup.txt")}


def test_watch_loads_the_model_on_demand_once_one_model_for_small_adds(tmp_path, loads):
    from newsqa.embeddings.watch import watch

    src = tmp_path / "src"
    src.mkdir()
    idx = tmp_path / "idx"
    polls = iter(range(100))
    changes = {3: lambda: _article(src, 1), 6: lambda: (src / "a1.txt").unlink()}

    def stop():  # a listing change on some polls, checked from the watch loop itself
        k = next(polls)
        if k in changes:
            changes.pop(k)()
        return k > 8

    assert loads == []
    reports = list(watch([src], idx, interval=0, stop=stop))  # an empty folder: nothing loaded up front
    assert [r.added for r in reports] == [3, 0] and reports[1].removed == 3
    assert loads == [(None, "small")]  # one load, by the first add (small: one model); the delete none


def test_writing_elsewhere_records_the_model_entry_without_loading_a_model(tmp_path, loads):
    from newsqa.embeddings.encoder import DEFAULT_MODEL, DEFAULT_MODEL_SHA256, HashingEncoder
    from newsqa.embeddings.indexer import UpdateHooks, document_row, encode_missing, segment_data, stored_vectors
    from newsqa.embeddings.lexical import TOKENIZER_VERSION
    from newsqa.embeddings.model_identity import ModelIdentity
    from newsqa.embeddings.segment import write_segment

    got = []

    def write_segments(index_dir, batch, faiss_settings, prev, report, encoder):  # as Ray workers do
        got.append(encoder)
        vectors, sentences = stored_vectors(batch.passages, prev, encoder.dimension)
        encode_missing(batch.passages, vectors, sentences, HashingEncoder(encoder.dimension))
        data = segment_data(batch.passages, vectors, sentences, [document_row(d) for d in batch.documents], batch.files)
        return [write_segment(index_dir, ".hook.tmp", data, faiss_settings, TOKENIZER_VERSION)]

    src = tmp_path / "src"
    src.mkdir()
    r = update_index([_article(src, 1)], tmp_path / "idx", progress=False, compact=False,
                     hooks=UpdateHooks(write_segments=write_segments))
    assert r.written and loads == []  # the driver loaded no model: the workers encode
    assert isinstance(got[0], ModelIdentity) and got[0].dimension == 384 and got[0].backend == "torch"
    m = open_reader(tmp_path / "idx", ann=False).info.model
    assert (m.name, m.checksum, m.dimension, m.backend) == (DEFAULT_MODEL, DEFAULT_MODEL_SHA256, 384, "torch")


def test_damaged_file_key_hashes_are_refused_at_open(grown):
    from newsqa.embeddings.errors import IndexFormatError

    _, idx = grown
    f = idx / "segments" / "s000001" / "file_keys.npy"
    f.write_bytes(b"x" * f.stat().st_size)  # same size: only the parse can tell
    with pytest.raises(IndexFormatError, match="s000001 is damaged"):
        open_reader(idx, ann=False)
