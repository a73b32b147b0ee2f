"""The question side's caches, their sizes, and the question-vector cache.

Every cache answers a repeat without changing an answer, and every one follows the same rule
(``embeddings.caching``): least recently used goes first, at a fixed size, under a lock.

==================  =======================================  ==========================  =============
cache               key -> value                             owner (lifetime)            size field
==================  =======================================  ==========================  =============
question vectors    query text -> its vector                 ``Engine`` (all indexes)    ``queries``
sentence vectors    sentence text -> its vector              ``quotes.SentenceVectors``  ``sentences``
filter rows         ``Filters`` -> allowed rows              ``Retriever`` (generation)  ``filters``
term frequencies    term -> live passages holding it         ``bm25.SegmentBM25`` (gen.) ``terms``
article terms       doc id -> its content terms              ``Engine``, per generation  ``articles``
built passages      row -> ``Passage``                       ``Retriever`` (generation)  ``passages``
==================  =======================================  ==========================  =============

Per generation, not keyed (``embeddings.caching.PerReader``, dropped with the reader): the coverage
note (``answer.coverage_note``), the main topics (``explain.main_topics``), the collection's time
scope and the years its texts mention most (``TIME_SCOPE`` / ``MENTIONED_YEARS`` here, read by
``signals.years_outside``). Pure functions keep
``functools.lru_cache`` (thread-safe; e.g. ``signals``, ``spans.question_type``, ``asked.asked_kind``,
the model checksum); ``text.terms`` keeps short texts' terms in one and each word's stem in
another (``text.stem_of``, ``STEM_MEMO_SIZE`` words). A format-1 index's
parsed document rows: ``embeddings.passage_table.DocumentTable.cache_size``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from newsqa.embeddings.caching import LockedLRU, PerReader
from newsqa.embeddings.encoder import Encoder

from .text import terms


@dataclass(frozen=True)
class CacheSizes:
    """How many entries each cache of an engine keeps (the concurrency test sets them small)."""

    queries: int = 4096
    sentences: int = 200_000
    filters: int = 64
    terms: int = 100_000
    articles: int = 4096
    passages: int = 8192  # built passages, row -> Passage (qa.retrieve)


class QueryVectors:
    """Question vectors, each text encoded once (the missing ones of a call in one batch)."""

    def __init__(self, encoder: Encoder, maxsize: int = CacheSizes.queries):
        self.encoder = encoder
        self.cache = LockedLRU(maxsize)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        found = self.cache.get_many(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            made = dict(zip(missing, self.encoder.encode_queries(missing)))
            self.cache.put_many(made.items())
            found.update(made)
        if not texts:
            return np.zeros((0, self.encoder.dimension), np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32)


TIME_SCOPE = PerReader()  # reader -> (first date, last date) of its dated articles
MENTIONED_YEARS = PerReader()  # idf table (one per generation) -> the span of the years most mentioned


class ArticleTerms:
    """``(reader, doc_id) -> frozenset`` of the article's content terms (``signals.compute_signals``),
    an LRU of ``maxsize`` articles per index generation."""

    def __init__(self, maxsize: int = CacheSizes.articles):
        self.maxsize = maxsize
        self._per_reader = PerReader()

    def __call__(self, snapshot, doc_id: str) -> frozenset:
        cache = self._per_reader.get_or_make(snapshot, lambda _: LockedLRU(self.maxsize))
        return cache.get_or_make(doc_id, lambda d: frozenset(terms(snapshot.document_text(d))))
