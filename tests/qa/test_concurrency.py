"""Many threads asking one Engine at once, past every cache's size: no error, and the same answers.

Every cache of the engine is set to a few entries (``Engine.open(..., caches=CacheSizes(...))``), so
40 distinct questions (2 per thread, 15 distinct filters) are already past every size and the 20 threads
evict each other's entries all the time while they look them up and fill them. Both tests fail on
caches without their locks (checked in a scratch run with ``LockedLRU``'s lock replaced by a no-op:
KeyError / "OrderedDict mutated during iteration" in 1-5 of the 20 threads, in each of 10 runs).
"""

import json
import random
import re
import sys
import threading

import pytest
from helpers import SEED, run_threads

from newsqa.embeddings.indexer import update_index
from newsqa.qa import Engine, Filters
from newsqa.qa.caches import CacheSizes

THREADS = 20
PER_THREAD = 2  # distinct questions per thread: 40 in all, past every TINY size
LOOKUPS = 1000  # per thread, in the article-terms test
TINY = CacheSizes(queries=3, sentences=3, filters=2, terms=5, articles=1, passages=4)


def _questions(text: str) -> list[tuple[str, Filters | None]]:
    """THREADS * PER_THREAD distinct questions from the seed page's words, a third of them filtered."""
    words = sorted({w for w in re.findall(r"[A-Za-z]{4,}", text)})
    rng = random.Random(17)
    starts = ("Who", "What did", "Where did", "When did", "Why did", "How many")
    out, seen = [], set()
    while len(out) < THREADS * PER_THREAD:
        q = f"{rng.choice(starts)} {' '.join(rng.sample(words, 3))}?"
        if q in seen:
            continue
        seen.add(q)
        i = len(out)
        f = None
        if i % 3 == 1:  # more distinct filters than the filter cache holds
            f = Filters(date_from=f"2023-09-{1 + i % 28:02d}", keep_undated=bool(i % 2))
        elif i % 3 == 2:
            f = Filters(kinds=("paragraph",) if i % 2 else ("headline", "paragraph"))
        out.append((q, f))
    return out


def _comparable(answer) -> dict:
    d = answer.to_dict()
    d.pop("timings_ms")
    return d


@pytest.fixture
def busy_switching():
    """Threads switch every microsecond (not every 5 ms), so check-then-act races show up."""
    was = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(was)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, fake_encoder):
    """The seed page and 12 dated short articles made of its paragraphs (many articles: every cache keyed
    by article, and every date filter, has more keys than it holds)."""
    src = tmp_path_factory.mktemp("src")
    paras = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p) > 80]
    with open(src / "articles.jsonl", "w", encoding="utf-8") as f:
        for i in range(12):
            text = "\n\n".join(paras[i::12])
            f.write(json.dumps({"title": f"Report {i}: {paras[i][:40]}", "text": text,
                                "date": f"2023-09-{1 + 2 * i:02d}", "section": ("world", "asia")[i % 2]}) + "\n")
    d = tmp_path_factory.mktemp("idx")
    update_index([SEED, src], d, encoder=fake_encoder, progress=False)
    return d


def test_twenty_threads_past_every_cache_give_the_single_threaded_answers(index_dir, fake_encoder, busy_switching):
    questions = _questions(SEED.read_text(encoding="utf-8"))
    assert len({q for q, _ in questions}) == THREADS * PER_THREAD
    assert len({f for _, f in questions}) > TINY.filters + 10 and THREADS * PER_THREAD > 10 * TINY.queries
    alone = Engine.open(index_dir, encoder=fake_encoder, caches=TINY)
    assert len(alone.snapshot.documents) == 13
    expected = {q: _comparable(alone.ask(q, filters=f)) for q, f in questions}
    assert any(not a["abstained"] for a in expected.values()) and any(a["abstained"] for a in expected.values())

    shared = Engine.open(index_dir, encoder=fake_encoder, caches=TINY)
    errors: list[BaseException] = []
    wrong: list[str] = []
    start = threading.Barrier(THREADS)

    def worker(mine: list[tuple[str, Filters | None]]):
        try:
            start.wait()
            for _ in range(2):  # the second round finds its entries evicted by the other threads
                for q, f in mine:
                    if _comparable(shared.ask(q, filters=f)) != expected[q]:
                        wrong.append(q)
        except BaseException as e:  # noqa: BLE001 - every error of a thread is a failure here
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(questions[i::THREADS],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert errors == []
    assert wrong == []
    r = shared.current()
    assert len(r.retriever._rows_cache) <= TINY.filters and len(r.retriever.bm25._df_cache) <= TINY.terms
    assert len(shared.query_vectors.cache) <= TINY.queries


class _Pages:
    """A stand-in reader: five tiny articles."""

    def document_text(self, doc_id: str) -> str:
        return f"alpha beta gamma{doc_id} delta"


def test_article_terms_cache_evicting_under_twenty_threads(busy_switching):
    """The cache the signals read most, at one entry, looked up and evicted by 20 threads at once
    (the OrderedDict it replaced raised KeyError here: get, then move_to_end after another thread evicted)."""
    from newsqa.qa.caches import ArticleTerms

    terms_of, pages, errors = ArticleTerms(maxsize=1), _Pages(), []
    expected = {str(i): terms_of(pages, str(i)) for i in range(5)}
    assert len({frozenset(v) for v in expected.values()}) == 5

    def worker(seed: int):
        rng = random.Random(seed)
        try:
            for _ in range(LOOKUPS):
                d = str(rng.randrange(5))
                assert terms_of(pages, d) == expected[d]
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    run_threads(lambda i, stop: worker(i), THREADS)
    assert errors == []


def test_the_stem_memo_evicting_under_twenty_threads(busy_switching, monkeypatch):
    """``qa.text``'s word -> stem memo at 5 entries, filled and evicted by 20 threads tokenising the seed
    page's sentences at once: every thread gets the index tokenizer's terms, and the memo stays at its size
    (the dictionary it replaced was cleared when full, and grew past its size by a text's new words)."""
    from functools import lru_cache

    import newsqa.qa.text as text
    from newsqa.embeddings.lexical import terms as index_terms

    small = lru_cache(maxsize=5)(text.stem_of.__wrapped__)
    monkeypatch.setattr(text, "stem_of", small)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", SEED.read_text(encoding="utf-8")) if len(s) > 20]
    expected = {s: index_terms(s) for s in sentences}
    assert len(sentences) > 20 and len({w for s in sentences for w in expected[s]}) > 100
    errors, wrong, sizes = [], [], []

    def worker(seed: int):
        rng = random.Random(seed)
        try:
            for _ in range(LOOKUPS // 10):
                s = rng.choice(sentences)
                if text._terms(s) != expected[s]:
                    wrong.append(s)
                sizes.append(small.cache_info().currsize)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    run_threads(lambda i, stop: worker(i), THREADS)
    assert errors == [] and wrong == []
    assert max(sizes) <= 5 and small.cache_info().misses > 1000  # evicting all the time
