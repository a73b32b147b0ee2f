"""BM25 over segments: the same scores as one bm25s index over the live passages, tombstones and
filters applied inside the search, collection-wide statistics summed over segments."""

from collections import Counter

import numpy as np

from newsqa.embeddings.indexer import embed_text, update_index
from newsqa.embeddings.reader import open_reader
from newsqa.qa.bm25 import BM25Index, SegmentBM25
from newsqa.qa.text import terms

TEXTS = [
    "Putin met Kim Jong Un at the Vostochny spaceport",
    "Morocco earthquake toll rises above two thousand",
    "Kim inspected Russian fighter jets in Komsomolsk",
    "The quake in Morocco destroyed villages in the Atlas mountains",
    "Markets fell as oil prices rose",
    "Putin praised the talks with Kim as useful",
]
QUERIES = ("Putin Kim talks", "Morocco quake toll", "oil markets", "Kim Kim jets", "nothing matches zzz", "Atlas villages")


def _segmented_index(tmp_path, encoder):
    """Three segments (one file each, added one by one), then one file replaced: a tombstone."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.md").write_text(f"# Story {i}\n\n" + "\n\n".join(TEXTS[i:] + TEXTS[:i][: i + 1]) + "\n")
        update_index([src], tmp_path / "idx", encoder=encoder, progress=False, compact=False)
    (src / "a1.md").write_text("# Story 1 again\n\n" + "\n\n".join(TEXTS[::2]) + "\n")
    update_index([src], tmp_path / "idx", encoder=encoder, progress=False, compact=False)
    return open_reader(tmp_path / "idx")


def test_segment_scores_equal_one_bm25s_index_over_live_passages(tmp_path, fake_encoder):
    reader = _segmented_index(tmp_path, fake_encoder)
    assert len(reader.segments) == 4 and reader.info.tombstones
    live = [i for i in range(len(reader)) if reader.is_live(i)]
    assert 0 < len(live) < len(reader)
    ref = BM25Index([embed_text(reader.passages[i]) for i in live])
    bm25 = SegmentBM25(reader)
    rng = np.random.default_rng(0)
    for q in QUERIES:
        allowed = np.array(sorted(rng.choice(len(reader), size=len(reader) // 2, replace=False)))
        for rows in (None, allowed):
            got_rows, got = bm25.search(q, 8, rows)
            mask = None if rows is None else np.isin(live, rows).astype(np.float32)
            want_rows, want = ref.search(q, 8, mask)
            assert (len(got) > 0) == (q != "nothing matches zzz"), q  # two empty results would be "close" too
            assert np.allclose(got, want, rtol=1e-5), q
            assert all(reader.is_live(r) for r in got_rows)  # tombstoned rows never come back
            if rows is not None:
                assert set(got_rows) <= set(rows)
            # Same passages at each score (rows differ: the reference numbers live rows only).
            assert sorted(np.array(live)[want_rows].tolist()) == sorted(got_rows.tolist()) or len(set(got)) < len(got)


def test_document_frequencies_are_collection_wide(tmp_path, fake_encoder):
    reader = _segmented_index(tmp_path, fake_encoder)
    bm25 = SegmentBM25(reader)
    df: dict[str, int] = {}
    for i in range(len(reader)):
        if reader.is_live(i):
            for w in set(terms(embed_text(reader.passages[i])) or [""]):
                df[w] = df.get(w, 0) + 1
    freqs = bm25.document_frequencies()
    assert all(freqs.get(w) == n for w, n in df.items()) and freqs.get("zzzz") == 0
    assert bm25.n == reader.live_passages == sum(1 for i in range(len(reader)) if reader.is_live(i))


def test_reference_sparse_search_equals_dense_scores():
    index = BM25Index(TEXTS * 7)
    for q in QUERIES:
        rows, scores = index.search(q, 5)
        dense = index._bm25.get_scores(terms(q))
        assert np.allclose(scores, np.sort(dense[dense > 0])[::-1][:5], rtol=1e-5), q


class _Counting(SegmentBM25):
    """Counts how often the MaxScore bound held (the pruned path answered)."""

    pruned = 0

    def max_score_search(self, *args):
        got = super().max_score_search(*args)
        self.pruned += got is not None
        return got


def _zipf_index(tmp_path, encoder):
    """Two segments of passages whose words follow Zipf's law (a few in most passages, most in a few)."""
    rng = np.random.default_rng(5)
    vocab = [f"w{chr(97 + i % 26)}{chr(97 + i // 26)}x" for i in range(400)]
    p = 1 / np.arange(1, 401)
    src = tmp_path / "zipf"
    src.mkdir()
    for f in range(2):
        paras = [" ".join(rng.choice(vocab, size=int(rng.integers(6, 30)), p=p / p.sum())) for _ in range(120)]
        (src / f"z{f}.md").write_text(f"# Zipf {f}\n\n" + "\n\n".join(paras) + "\n")
        update_index([src], tmp_path / "zidx", encoder=encoder, progress=False, compact=False)
    return open_reader(tmp_path / "zidx")


def test_pruning_frequent_terms_gives_the_full_scoring_bit_for_bit(tmp_path, fake_encoder):
    """MaxScore over frequent terms (here: 2 or 20 postings or more) returns the rows
    and scores of scoring every posting, with tombstones and allowed rows; and it does answer."""
    answered = []
    for reader, cut in ((_segmented_index(tmp_path, fake_encoder), 2), (_zipf_index(tmp_path, fake_encoder), 20)):
        full, pruned = SegmentBM25(reader, prune_from=10**9), _Counting(reader, prune_from=cut, prune_ratio=0)
        counts = Counter(w for i in range(len(reader)) for w in set(embed_text(reader.passages[i]).split()))
        words, common = sorted(counts), [w for w, _ in counts.most_common(2)]
        rng = np.random.default_rng(1)
        queries = list(QUERIES) + [" ".join(rng.choice(words, size=int(rng.integers(2, 7)))) for _ in range(60)]
        # a frequent term said again and again outweighs a rare one: the bound must refuse these
        queries += [" ".join([*common * int(rng.integers(2, 6)), str(rng.choice(words))]) for _ in range(20)]
        for q in queries:
            allowed = np.array(sorted(rng.choice(len(reader), size=max(1, len(reader) // 2), replace=False)))
            for rows in (None, allowed):
                for k in (1, 3, 10):
                    want, got = full.search(q, k, rows), pruned.search(q, k, rows)
                    assert want[0].tolist() == got[0].tolist() and want[1].tobytes() == got[1].tobytes(), (q, k)
        answered.append(pruned.pruned)
    assert min(answered) >= 10, answered  # the bound held often enough to be tested
