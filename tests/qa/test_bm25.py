"""BM25 over segments: the same scores as one bm25s index over the live passages, tombstones and
filters applied inside the search, collection-wide statistics summed over segments."""

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


def test_a_spaced_or_dotted_compound_finds_its_joined_form(tmp_path, fake_encoder):
    """"Time Warner", "e-mail", "U.K." in a question find "TimeWarner", "email", "UK" in an article (the
    query side adds the joined form the index holds); a pair the index never joins adds nothing."""
    from newsqa.qa.bm25 import query_terms

    src = tmp_path / "src"
    src.mkdir()
    texts = ["TimeWarner posted record profits", "Email traffic doubled at the firm",
             "The UK economy grew", "Markets fell as oil prices rose"]
    (src / "a.md").write_text("# Story\n\n" + "\n\n".join(texts) + "\n")
    update_index([src], tmp_path / "idx", encoder=fake_encoder, progress=False)
    reader = open_reader(tmp_path / "idx")
    bm25 = SegmentBM25(reader)
    for question, want in (("Time Warner profits?", texts[0]), ("Who sent the e-mail?", texts[1]),
                           ("How did the U.K. do?", texts[2])):
        rows, _ = bm25.search(question, 3)
        assert len(rows) and texts.index(want) in [
            next(j for j, t in enumerate(texts) if t in reader.passages[int(r)].text) for r in rows[:1]], question
    assert query_terms("oil prices", bm25.df) == terms("oil prices")  # "oilpric" is in no passage
