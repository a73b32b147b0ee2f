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


def _random_postings(rng, n_rows: int = 3000, n_terms: int = 24) -> tuple[dict, dict]:
    """Postings of ``n_terms`` terms over ``n_rows`` passages, from rare (a few rows) to frequent
    (most rows), tf mostly 1 with some up to 6 in long passages: the arrays ``embeddings.segment`` stores."""
    names = np.array(sorted(f"t{i:02d}" for i in range(n_terms)))
    doclen = rng.integers(1, 60, n_rows).astype(np.int32)
    rows, tfs, indptr = [], [], [0]
    for i in range(n_terms):
        df = int(min(n_rows, max(1, n_rows * 0.9 ** (i * 1.6) * rng.uniform(0.5, 1.0)))) if i else 3
        r = np.sort(rng.choice(n_rows, size=df, replace=False)).astype(np.int32)
        repeats = (rng.random(df) < 0.1) & (doclen[r] >= 20) & (i % 2 == 0)  # as in news: in long passages
        tf = np.where(repeats, rng.integers(2, 7, df), 1).astype(np.float32)
        rows.append(r), tfs.append(tf), indptr.append(indptr[-1] + df)
    post = {"lex_terms": names, "lex_indptr": np.array(indptr, np.int64), "lex_rows": np.concatenate(rows),
            "lex_tf": np.concatenate(tfs), "lex_doclen": doclen}
    return post, {str(t): (indptr[i], indptr[i + 1]) for i, t in enumerate(names)}


def test_pruned_search_equals_the_full_path_row_for_row_and_bit_for_bit(monkeypatch):
    """MaxScore (``pruned_search``) against every posting read (``full_search``): over random
    postings, queries with repeated terms, tombstones, allowed rows (many and few) and k from 1 to
    more than the candidates, the same rows and the same float32 scores; and the pruned path is
    taken (with the idf bound alone and with the tf peaks) and given up, so the comparison is not vacuous."""
    from newsqa.qa import bm25 as mod

    monkeypatch.setattr(mod, "MIN_PRUNED_POSTINGS", 0)
    rng = np.random.default_rng(7)
    taken = {"idf": 0, "peaks": 0, "full": 0, "allowed": 0}
    for trial in range(4):
        post, spans = _random_postings(rng, n_rows=2000)
        n = len(post["lex_doclen"])
        scoring = mod.Scoring(mod.K1, mod.B, float(post["lex_doclen"].mean()))
        df = {t: e - s for t, (s, e) in spans.items()}
        idf = {t: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for t, d in df.items()}
        live = None if trial % 2 == 0 else rng.random(n) < 0.85
        for _ in range(40):
            qterms = list(rng.choice(sorted(spans), size=int(rng.integers(1, 8))))
            qterms += qterms[:1] if rng.random() < 0.3 else []  # a repeated term counts again
            hits = [(t, spans[t]) for t in qterms]
            pick = rng.random()
            allowed = (None if pick < 0.6 else np.sort(rng.choice(n, n // 2, replace=False)) if pick < 0.85
                       else np.sort(rng.choice(n, 12, replace=False)))
            k = int(rng.choice([1, 5, 50, 400, 10_000]))
            want = mod.full_search(post, hits, idf, k, live, allowed, scoring)
            peaks = lambda t: mod.tf_peaks(post, spans[t])  # noqa: E731
            for name, got in (("idf", mod.pruned_search(post, hits, idf, k, live, allowed, scoring)),
                              ("peaks", mod.pruned_search(post, hits, idf, k, live, allowed, scoring, peaks))):
                if got is None:
                    taken["full"] += 1
                    continue
                taken["allowed" if allowed is not None and len(allowed) == 12 else name] += 1
                assert np.array_equal(got[0], want[0]), (qterms, k)
                assert got[1].dtype == want[1].dtype == np.float32 and got[1].tobytes() == want[1].tobytes(), (qterms, k)
    print(taken)
    assert taken["peaks"] >= taken["idf"] > 10 and taken["full"] > 10 and taken["allowed"] > 5, taken


def test_term_bounds_hold_every_weight_of_the_term():
    """A term's tight bound (tf 1 at length 0, or its tf peaks) is at least every weight its
    postings give, for any mean length: what makes the pruned search exact."""
    from newsqa.qa import bm25 as mod

    rng = np.random.default_rng(3)
    post, spans = _random_postings(rng)
    for avgdl in (5.0, 25.0, 80.0):
        scoring = mod.Scoring(mod.K1, mod.B, avgdl)
        idf = {t: 2.0 + i / 7 for i, t in enumerate(spans)}
        bounds = mod.TermBounds(list(spans.items()), idf, scoring, lambda t: mod.tf_peaks(post, spans[t]))
        for t, (s, e) in spans.items():
            r = post["lex_rows"][s:e]
            w = scoring.weights(idf[t], post["lex_tf"][s:e], post["lex_doclen"][r].astype(np.float32))
            assert w.max() <= bounds.tight(t) * (1 + mod.PRUNE_MARGIN) and bounds.tight(t) <= idf[t], t  # float32 rounding
            assert bounds.tight(t) < 0.9 * idf[t] or post["lex_tf"][s:e].max() > 1, t  # tighter than the idf


def test_segment_search_prunes_over_an_index_and_finds_what_the_full_path_finds(tmp_path, fake_encoder, monkeypatch):
    """Through ``SegmentBM25.search`` on a segmented index with a tombstone: the same rows and
    scores as the full path for every query and filter."""
    from newsqa.qa import bm25 as mod

    reader = _segmented_index(tmp_path, fake_encoder)
    bm25 = SegmentBM25(reader)
    rng = np.random.default_rng(1)
    for q in QUERIES + ("Putin Kim Morocco quake oil", "the talks in the mountains"):
        allowed = np.array(sorted(rng.choice(len(reader), size=len(reader) // 2, replace=False)))
        for rows in (None, allowed):
            monkeypatch.setattr(mod, "MIN_PRUNED_POSTINGS", 10**9)
            monkeypatch.setattr(mod, "ALLOWED_SHARE", 0.0)
            want = bm25.search(q, 3, rows)
            monkeypatch.setattr(mod, "MIN_PRUNED_POSTINGS", 0)
            monkeypatch.setattr(mod, "ALLOWED_SHARE", 1.0)
            got = bm25.search(q, 3, rows)
            assert np.array_equal(got[0], want[0]) and got[1].tobytes() == want[1].tobytes(), q
