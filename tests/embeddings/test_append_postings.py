"""``append_postings`` (the streaming build's merge of consecutive parts) equals ``merge_postings``."""

import numpy as np

from newsqa.embeddings.segment import append_postings, merge_postings, postings_csr


def _part(rng, n: int, tag: str) -> dict:
    names = np.array(sorted({f"t{x}" for x in rng.integers(0, 40, 30)} | {tag, "unused"}))
    t, r = rng.integers(0, len(names) - 1, 300), rng.integers(0, n, 300)  # "unused" (last) gets no postings
    key = np.unique(t * n + r)
    return postings_csr(names, key // n, (key % n).astype(np.int32), rng.random(len(key)).astype(np.float32),
                        rng.integers(1, 9, n))


def test_append_postings_equals_merge_postings_and_reads_each_part_one_at_a_time():
    rng = np.random.default_rng(0)
    parts, offsets, n = [], [], 0
    for k in range(4):
        parts.append(_part(rng, 50 + 7 * k, f"doc{k}"))
        offsets.append(n)
        n += 50 + 7 * k
    want = merge_postings([(p, np.arange(len(p["lex_doclen"])) + o) for p, o in zip(parts, offsets)])
    calls = []
    loaders = [lambda i=i: calls.append(i) or parts[i] for i in range(4)]
    got = append_postings(loaders, offsets, n)
    assert set(got) == set(want) and "unused" not in got["lex_terms"]
    for key in want:
        assert got[key].dtype == want[key].dtype and np.array_equal(got[key], want[key]), key
    assert calls == [0, 1, 2, 3] * 3  # names, counts, fill: one part held at a time
