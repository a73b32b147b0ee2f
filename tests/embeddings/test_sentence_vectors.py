"""Sentence vectors stored with the index: pooled from the passage's own forward pass, kept row for
row through updates (and merges), read by the quote step."""

import json
import shutil

import numpy as np
import pytest
from helpers import SEED

from newsqa.embeddings.errors import IndexFormatError
from newsqa.embeddings.indexer import embed_text, sentence_spans, update_index
from newsqa.embeddings.store import load_snapshot


def _index(tmp_path, encoder, name="idx"):
    src = tmp_path / "src"
    if not src.exists():
        src.mkdir()
        shutil.copy(SEED, src / "seed.txt")
    update_index([src], tmp_path / name, encoder=encoder, progress=False)
    return src, tmp_path / name


def _by_passage(snap):
    return {p.passage_id: snap.sentence_vectors_of(i) for i, p in enumerate(snap.passages)}


def test_one_vector_per_sentence_in_passage_order(tmp_path, fake_encoder):
    _, idx = _index(tmp_path, fake_encoder)
    snap = load_snapshot(idx)
    assert snap.sentence_vectors.dtype == np.float16
    assert list(np.diff(snap.sentence_rows)) == [len(p.sentences) for p in snap.passages]
    # The hashing encoder encodes each sentence alone: row k of a passage is its k-th sentence.
    p = next(p for p in snap.passages if len(p.sentences) > 1)
    row = list(snap.passages).index(p)
    text = snap.document_text(p.doc_id)
    want = fake_encoder.encode_documents([text[s:e] for s, e in p.sentences])
    got = snap.sentence_vectors_of(row)
    assert np.allclose(got, want, atol=2e-3)  # float16


def test_spans_index_the_embedded_text(tmp_path, fake_encoder):
    _, idx = _index(tmp_path, fake_encoder)
    snap = load_snapshot(idx)
    for p in snap.passages:
        t, doc = embed_text(p), snap.document_text(p.doc_id)
        assert [t[s:e] for s, e in sentence_spans(p)] == [doc[s:e] for s, e in p.sentences]


def test_update_keeps_each_passages_sentence_vectors(tmp_path, fake_encoder):
    src, idx = _index(tmp_path, fake_encoder)
    before = _by_passage(load_snapshot(idx))
    (src / "extra.md").write_text("# Extra story\n\nA new paragraph. With two sentences.\n")
    r = update_index([src], idx, encoder=fake_encoder, progress=False)
    assert r.added == 2 and r.unchanged == 233
    after = _by_passage(load_snapshot(idx))
    assert all(np.array_equal(before[k], after[k]) for k in before)
    _, fresh = _index(tmp_path, fake_encoder, "fresh")
    rebuilt = _by_passage(load_snapshot(fresh))
    assert after.keys() == rebuilt.keys() and all(np.allclose(after[k], rebuilt[k]) for k in after)


def test_sample_index_of_an_older_format_is_upgraded(tmp_path, fake_encoder):
    from format1 import format1_index

    from newsqa.qa.engine import ensure_default_index, sample_index_dir

    format1_index(tmp_path, fake_encoder, idx=sample_index_dir())
    with pytest.raises(IndexFormatError, match="newsqa compact"):
        load_snapshot(sample_index_dir())
    ensure_default_index(encoder=fake_encoder)  # the sample update migrates it
    snap = load_snapshot(sample_index_dir())
    assert snap.info.migrations == [1] and snap.sentence_vectors.shape[0] > 0


def test_damaged_sentence_vectors_are_named(tmp_path, fake_encoder):
    _, idx = _index(tmp_path, fake_encoder)
    m = json.loads((idx / "manifest.json").read_text())
    seg = m["segments"][0]
    rows = idx / "segments" / seg["name"] / "sentence_rows.npy"
    np.save(rows, np.load(rows)[:-1], allow_pickle=False)  # one row short, size updated to match
    seg["sizes"]["sentence_rows.npy"] = rows.stat().st_size
    (idx / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexFormatError, match="sentences"):
        load_snapshot(idx)
    seg["sizes"]["sentence_rows.npy"] += 8  # and a size that disagrees is named with the file
    (idx / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexFormatError, match="sentence_rows.npy is"):
        load_snapshot(idx)


@pytest.mark.slow
def test_model_pools_sentences_from_the_passage_pass(real_encoder):
    texts = ["Putin met Kim at the cosmodrome. They talked about rockets.", "A headline alone",
             "word " * 400 + "Past the window."]
    spans = [[(0, 32), (33, 59)], [(0, 16)], [(0, 20), (2000, 2016)]]
    pvec, svec = real_encoder.encode_passages(texts, spans)
    # The passage vectors are the model's own (as encode gives them) ...
    assert (pvec * real_encoder.model.encode(texts, normalize_embeddings=True)).sum(1).min() >= 0.9999
    # ... each sentence is a unit vector near the same sentence encoded alone ...
    alone = real_encoder.encode_documents([texts[0][s:e] for s, e in spans[0]])
    assert np.allclose(np.linalg.norm(svec[:4], axis=1), 1.0, atol=1e-5)
    assert (svec[:2] * alone).sum(1).min() > 0.6 and svec[0] @ alone[0] > svec[0] @ alone[1]
    # ... a one-sentence passage's sentence is close to the passage ...
    assert svec[2] @ pvec[1] > 0.9
    # ... and a sentence past the model's window, or cut by it, is a zero row (encoded alone later).
    assert not svec[4].any()
    cut = "word " * 250 + "Kim Jong Un arrived at the Vostochny cosmodrome on Tuesday."
    _, s2 = real_encoder.encode_passages([cut], [[(0, 1250), (1250, len(cut))]])
    assert s2[0].any() and not s2[1].any()


@pytest.mark.slow  # loads the real packaged model
def test_a_model_that_cannot_be_pooled_leaves_sentences_to_question_time(tmp_path):
    from sentence_transformers import SentenceTransformer, models

    from newsqa.embeddings.encoder import default_model_dir, load_encoder

    st = SentenceTransformer(str(default_model_dir()), local_files_only=True)
    dense = models.Dense(in_features=384, out_features=128)  # a projection after pooling
    SentenceTransformer(modules=[st[0], st[1], dense]).save(str(tmp_path / "dense"))
    enc = load_encoder(str(tmp_path / "dense"))
    assert not enc.pools_sentences
    pvec, svec = enc.encode_passages(["One sentence. Two."], [[(0, 13), (14, 18)]])
    assert pvec.shape == (1, 128) and svec.shape == (2, 128) and not svec.any()


def test_a_question_encodes_only_itself(tmp_path, fake_encoder):
    from newsqa.embeddings.encoder import HashingEncoder
    from newsqa.qa import Engine

    _, idx = _index(tmp_path, fake_encoder)
    seen = []

    class Counting(HashingEncoder):
        def encode_documents(self, texts, *, progress=False):
            seen.extend(texts)
            return super().encode_documents(texts, progress=progress)

    engine = Engine.open(idx, encoder=Counting(256))
    a = engine.ask("Where did Putin show Kim around?")
    assert a.citations and seen == ["Where did Putin show Kim around?"]


def test_a_passage_never_borrows_the_next_ones_sentence_vector(tmp_path, fake_encoder):
    from types import SimpleNamespace

    from newsqa.qa.quotes import Candidate, SentenceVectors

    snap = SimpleNamespace(sentence_vectors=np.eye(3, 256, dtype=np.float16), sentence_rows=np.array([0, 1, 3]))
    hit = SimpleNamespace(row=0)
    vecs = SentenceVectors(fake_encoder).for_snapshot(snap)
    cands = [Candidate(hit, 0, 5, "First"), Candidate(hit, 6, 12, "Second", index=1)]  # row 0 stores one
    out = vecs(cands)
    assert np.allclose(out[0], np.eye(1, 256)[0]) and np.allclose(out[1], fake_encoder.encode_documents(["Second"])[0])
