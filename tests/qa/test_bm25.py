"""BM25: the sparse search ranks as bm25s's dense scoring does; the saved index is reused."""

import numpy as np

from qa.bm25 import CACHE_DIR, BM25Index
from qa.text import terms

TEXTS = [
    "Putin met Kim Jong Un at the Vostochny spaceport",
    "Morocco earthquake toll rises above two thousand",
    "Kim inspected Russian fighter jets in Komsomolsk",
    "The quake in Morocco destroyed villages in the Atlas mountains",
    "Markets fell as oil prices rose",
    "",
    "Putin praised the talks with Kim as useful",
] * 7


def _dense(index: BM25Index, query: str, mask=None):
    scores = index._bm25.get_scores(terms(query))
    return scores if mask is None else scores * mask


def test_sparse_search_equals_dense_scores():
    index = BM25Index(TEXTS)
    rng = np.random.default_rng(0)
    for q in ("Putin Kim talks", "Morocco quake toll", "oil markets", "Kim Kim jets", "nothing matches zzz"):
        mask = (rng.random(len(TEXTS)) > 0.4).astype(np.float32)
        for m in (None, mask):
            rows, scores = index.search(q, 5, m)
            dense = _dense(index, q, m)
            want = np.sort(dense[dense > 0])[::-1][:5]
            assert np.allclose(scores, want, rtol=1e-5), q
            assert np.allclose(dense[rows], scores, rtol=1e-5)
            if m is not None:
                assert m[rows].all()


def test_saved_index_is_reused_and_checked(tmp_path):
    calls = []

    def texts():
        calls.append(1)
        return TEXTS

    a = BM25Index.for_generation(tmp_path, len(TEXTS), 1234, texts)
    assert (tmp_path / CACHE_DIR / "newsqa.json").is_file() and len(calls) == 1
    b = BM25Index.for_generation(tmp_path, len(TEXTS), 1234, texts)
    assert len(calls) == 1  # loaded, not tokenised again
    assert a.search("Morocco quake", 3)[0].tolist() == b.search("Morocco quake", 3)[0].tolist()
    assert a.document_frequencies() == b.document_frequencies()
    BM25Index.for_generation(tmp_path, len(TEXTS), 999, texts)  # another passages file: rebuilt
    assert len(calls) == 2


def test_document_frequencies_match_a_count():
    index = BM25Index(TEXTS)
    df: dict[str, int] = {}
    for t in TEXTS:
        for w in set(terms(t)):
            df[w] = df.get(w, 0) + 1
    assert index.document_frequencies() == df
