"""The question-answering engine: open an index once, answer many questions.

    >>> from newsqa.qa import Engine                                               # doctest: +SKIP
    >>> engine = Engine.open("my-index")  # doctest: +SKIP
    >>> answer = engine.ask("What did Putin say when asked if Moscow would help Kim build satellites?")  # doctest: +SKIP
    >>> answer.citations[0].quote  # doctest: +SKIP
    'When asked by Russian media if Moscow would help Kim build satellites, Putin said: “That’s why we came here.”'

An Engine is safe to share between threads: each question works on the ``IndexReader`` current when
it began. Before each question the engine checks the manifest (one ``stat``) and, when a writer
published since, opens the new manifest reusing every segment it already has open: an update is
answered from on the next question, without a restart and without disturbing questions in flight.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable


from newsqa.embeddings import sample_corpus_path
from newsqa.embeddings.encoder import Encoder, load_encoder
from newsqa.embeddings.errors import IndexFormatError
from newsqa.embeddings.indexer import update_index  # the sample index is built on first use
from newsqa.embeddings.manifest import FORMAT_VERSION, manifest_version, model_to_load, read_manifest
from newsqa.embeddings.reader import IndexReader, manifest_stamp, open_reader
from newsqa.embeddings.store import MANIFEST, check_model

from .answer import AnswerSettings, collection_summary, compose_answer
from .caches import ArticleTerms, CacheSizes, QueryVectors
from .choices import pick, split_choices
from .errors import QuestionError
from .explain import filter_note
from .followup import Resolved, resolve_followup
from .quotes import IdfTable, SentenceVectors
from .rerank import Reranker
from .shapes import detect, extra_queries, search_depth
from .retrieve import RetrievalSettings, Retriever
from .types import Answer, Filters

if TYPE_CHECKING:
    import numpy as np

    from .types import Hit

# search(retriever, query, k, filters, qvec) -> the top k hits, as Retriever.search returns them
Search = Callable[[Retriever, str, int, "Filters | None", "np.ndarray | None"], "list[Hit]"]
MAX_QUESTION_CHARS = 2000
MAX_K = 100


def default_home() -> Path:
    """Where newsqa keeps its data: ``$NEWSQA_HOME``, else ``$XDG_DATA_HOME/newsqa`` or ``~/.local/share/newsqa``."""
    if os.environ.get("NEWSQA_HOME"):
        return Path(os.environ["NEWSQA_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsqa"


def default_index_dir() -> Path:
    return default_home() / "index"


def sample_index_dir() -> Path:
    """The index of the built-in sample corpus, one per installed copy of newsqa: each citation's
    ``origin`` is then a file of this copy (a shared one pointed at the first clone that built it,
    a file that may since be gone)."""
    where = str(sample_corpus_path().resolve()).encode("utf-8")
    return default_home() / f"sample-index-{hashlib.sha256(where).hexdigest()[:12]}"


def validate_k(k) -> int:
    """``k`` if it is a whole number of passages in 1..``MAX_K`` (the one rule: engine, eval, UI).

    Raises:
        QuestionError: not an int, or out of range.
    """
    if not isinstance(k, int) or isinstance(k, bool) or k < 1 or k > MAX_K:
        raise QuestionError(f"k must be between 1 and {MAX_K}, got {k}")
    return k


@dataclass(frozen=True)
class EngineState:
    """One index generation as the engine answers from it (``Engine.current()``): read it whole, so
    the reader, retriever and idf table are of the same generation whatever a refresh does."""

    snapshot: IndexReader
    retriever: Retriever
    idf: IdfTable
    stamp: tuple | None  # the manifest file's identity when it was read

    @property
    def reader(self) -> IndexReader:
        return self.snapshot


class Engine:
    """Answers questions from one index. Build with ``Engine.open``."""

    def __init__(self, index_dir: Path, encoder: Encoder, state: EngineState,
                 retrieval: RetrievalSettings = RetrievalSettings(), answer: AnswerSettings = AnswerSettings(),
                 reranker: Reranker | None = None, search: Search | None = None, auto_refresh: bool = True,
                 caches: CacheSizes = CacheSizes()):
        self.index_dir = Path(index_dir)
        self.auto_refresh = auto_refresh
        self.encoder = encoder
        self._state = state
        self._lock = threading.Lock()
        self.retrieval_settings = retrieval
        self.answer_settings = answer
        self.caches = caches
        self.query_vectors = QueryVectors(encoder, caches.queries)
        self.sentence_vectors = SentenceVectors(encoder, caches.sentences)
        self.article_terms = ArticleTerms(caches.articles)
        self.reranker = reranker
        self.search = search  # None: the retriever's own search; else e.g. a fan-out over shards (qa.shards)

    @classmethod
    def open(cls, index_dir: str | os.PathLike | None = None, *, encoder: Encoder | None = None, model: str | None = None,
             retrieval: RetrievalSettings = RetrievalSettings(), answer: AnswerSettings = AnswerSettings(),
             reranker: Reranker | None = None, progress: bool = False, search: Search | None = None,
             backend: str | None = None, caches: CacheSizes = CacheSizes()) -> "Engine":
        """Open an index (and load its model).

        Args:
            index_dir: the index folder. ``None``: the default index if it exists, else the sample
                index, built from the built-in sample corpus on first use.
            encoder: an already loaded encoder (tests pass a fake one); else ``model`` or the model
                named in the manifest is loaded from local files.
            reranker: an optional re-ranking stage (``qa.rerank``); default: none.
            backend: the encoder's forward pass when it is loaded here (``embeddings.backends``;
                default ``auto``: the fastest that passes the parity check on this CPU).
            search: ``search(retriever, query, k, filters, qvec) -> hits`` instead of
                ``retriever.search`` (``qa.shards.fan_out`` searches shards).
            caches: how many entries each cache keeps (``qa.caches``).

        Raises:
            IndexFormatError: no index there, or a damaged one. ModelMismatchError: wrong model.
        """
        if index_dir is None:
            if encoder is None and not (default_index_dir() / MANIFEST).exists():
                encoder = load_encoder(model, backend=backend)  # load once: the sample index is built with it, then served
            index_dir = ensure_default_index(encoder=encoder, model=model, progress=progress)
        index_dir = Path(index_dir)
        manifest = read_manifest(index_dir)
        if encoder is None:
            encoder = load_encoder(model_to_load(manifest, model), backend=backend)
        check_model(manifest, encoder.name, encoder.checksum, encoder.dimension, index_dir)
        state = _load_state(index_dir, encoder, retrieval, None, caches)
        return cls(index_dir, encoder, state, retrieval, answer, reranker, search, caches=caches)

    def current(self) -> EngineState:
        """The generation the next question is answered from (reader, retriever, idf; one consistent view)."""
        return self._state

    @property
    def snapshot(self) -> IndexReader:
        """The index as this engine currently reads it (the public read model; see ``reader``)."""
        return self._state.snapshot

    @property
    def reader(self) -> IndexReader:
        return self._state.snapshot

    @property
    def retriever(self) -> Retriever:
        """The current retriever (dense + BM25 over the current reader)."""
        return self._state.retriever

    def refresh(self) -> bool:
        """Open the newer manifest if a writer published one (segments already open are reused).

        Cheap when nothing changed (one ``stat`` of manifest.json). Returns True if it swapped.
        """
        stamp = manifest_stamp(self.index_dir)
        if stamp is None or stamp == self._state.stamp:
            return False
        with self._lock:
            if stamp == self._state.stamp:
                return False
            m = read_manifest(self.index_dir)
            if m.generation == self._state.snapshot.generation:
                self._state = replace(self._state, stamp=stamp)
                return False
            self._state = _load_state(self.index_dir, self.encoder, self.retrieval_settings, self._state.snapshot,
                                      self.caches)
            return True

    def encode_queries(self, texts: list[str]) -> "np.ndarray":
        """Question vectors as the engine searches with them (cached: ``qa.caches.QueryVectors``)."""
        return self.query_vectors(texts)

    def summary(self) -> dict:
        """Articles, passages, date range, sections, sources and model of the open index."""
        return collection_summary(self._state.snapshot)

    def ask(self, question: str, *, k: int = 5, filters: Filters | None = None, history: list | None = None,
            retrieval: RetrievalSettings | None = None) -> Answer:
        """Answer ``question`` with verbatim quotes from the index, or abstain.

        Args:
            question: the question.
            k: how many passages to retrieve (1-100).
            filters: restrict to dates, sections, sources, kinds or documents.
            history: earlier turns of the conversation, oldest first (for follow-ups): ``qa.Turn``
                values, question strings, or ``{"question": ..., "answer": ...}`` dicts (the answer's
                names carry over).
            retrieval: other retrieval settings for this question (e.g. ``mode="bm25"``).

        Raises:
            QuestionError: empty, wordless or overlong question; k out of range.

        Example:
            >>> engine.ask("Where did Putin show Kim around?").citations[0].quote   # doctest: +SKIP
        """
        return self.ask_many([question], k=k, filters=filters, histories=[history or []], retrieval=retrieval)[0]

    def ask_many(self, questions: list[str], *, k: int = 5, filters: Filters | None = None,
                 histories: list[list[str]] | None = None, retrieval: RetrievalSettings | None = None) -> list[Answer]:
        """Answer several questions; their embeddings are computed in one batch (evaluation, load)."""
        t0 = time.perf_counter()
        questions = [validate_question(q) for q in questions]
        validate_k(k)
        histories = histories or [[] for _ in questions]
        if self.auto_refresh:
            self.refresh()
        state = self._state  # one snapshot for these questions, whatever refresh() does meanwhile
        retriever = state.retriever if retrieval is None else Retriever.with_settings(state.retriever, retrieval)
        resolved = [resolve_followup(q, h or []) for q, h in zip(questions, histories)]
        t1 = time.perf_counter()
        queries = [r.query for r in resolved] + [r.question for r in resolved if r.unsure]
        vecs = (self.query_vectors(queries) if retriever.settings.mode != "bm25" else [None] * len(queries))
        qvecs, alone_vecs = list(vecs[: len(resolved)]), iter(vecs[len(resolved):])
        embed_ms = (time.perf_counter() - t1) * 1e3 / max(1, len(questions))
        out = []
        for q, r, qvec in zip(questions, resolved, qvecs):
            t2 = time.perf_counter()
            answer = self._answer(q, r, qvec, k, filters, retriever, retrieval, state)
            t3 = t2 + answer.timings_ms.get("retrieve", 0.0) / 1e3
            if r.unsure:  # both readings: the rewrite only if its evidence is clearly better
                alone = self._answer(q, Resolved(q, q), next(alone_vecs), k, filters, retriever, retrieval, state)
                if not keep_rewrite(answer, alone):
                    answer = alone
            answer = _filter_reason_first(answer, state.snapshot, filters)
            t4 = time.perf_counter()
            timings = {"embed": embed_ms, "retrieve": (t3 - t2) * 1e3, "answer": (t4 - t3) * 1e3,
                       "total": embed_ms + (t4 - t2) * 1e3 + ((t1 - t0) * 1e3 / max(1, len(questions)))}
            out.append(replace(answer, timings_ms=timings))
        return out

    def _search(self, retriever, query: str, depth: int, filters, qvec):
        if self.search is None:
            return retriever.search(query, k=depth, filters=filters, qvec=qvec)
        return self.search(retriever, query, depth, filters, qvec)

    def _answer(self, q: str, r: Resolved, qvec, k: int, filters, retriever, retrieval, state: EngineState) -> Answer:
        """Retrieve for one reading of a question and compose its answer (retrieval time in timings)."""
        t0 = time.perf_counter()
        shape, choice = detect(r.query), split_choices(r.query)  # a quiz's "A, B or C?"
        if choice and shape.kind == "compare" and len(choice.options) == 2:
            choice = None  # "Which is bigger: A or B?" is a comparison, answered as one
        elif choice:
            shape = detect(choice.stem)
        depth = max(k, self.answer_settings.quotes.passages, search_depth(shape))
        hits = self._search(retriever, r.query, depth, filters, qvec)
        extra = extra_queries(r.query, shape)
        if extra:  # compare: each side searched on its own too, its passages interleaved with the question's
            hits = interleave([hits] + self._side_searches(retriever, extra, depth, filters, qvec))
        if self.reranker is not None and retrieval is None:
            hits = self.reranker.rerank(r.query, hits)
        ms = (time.perf_counter() - t0) * 1e3
        read = Resolved(choice.stem, choice.stem) if choice else r  # searched whole, read against the stem
        answer = compose_answer(q, read, qvec, hits, k, state.snapshot, self.sentence_vectors, state.idf,
                                self.answer_settings, article_terms=self.article_terms,
                                choices=choice.options if choice else ())
        if choice:
            answer = replace(pick(answer, choice), resolved_question=r.query)
        return replace(answer, timings_ms={"retrieve": ms}, rewritten=r.rewritten, shape=shape.kind)

    def _side_searches(self, retriever: Retriever, queries: list[str], depth: int, filters, qvec) -> list[list]:
        """The hits of each side query of a compare question. In hybrid mode a side is searched by its
        words alone (BM25): a side query is a side's names and the question's other words, and
        encoding and scanning for the sides was 30% (onnx) to 42% (torch) of a compare's CPU, while the BM25
        side searches keep every compare dev answer's values (docs/answer-shapes.md, "Eighth round").
        The side hits' dense scores are the question's own. Dense-only retrieval still encodes them."""
        if retriever.settings.mode == "dense":
            vecs = self.query_vectors(queries)
            return [self._search(retriever, x, depth, filters, v) for x, v in zip(queries, vecs)]
        lexical = Retriever.with_settings(retriever, replace(retriever.settings, mode="bm25"))
        return [self._search(lexical, x, depth, filters, qvec) for x in queries]


def _filter_reason_first(answer: Answer, snapshot, filters: Filters | None) -> Answer:
    """An answer not found under filters leads with why the filters found nothing ("No article from
    2024-01-01 on."): the first thing a reader is told, before "Not found ..." and the collection summary
    (a new user found it said third, after them)."""
    if not answer.abstained or filters is None or filters.is_empty():
        return answer
    note = filter_note(snapshot, filters)
    return replace(answer, answer=f"{note} {answer.answer}") if note else answer


def interleave(lists: list[list]) -> list:
    """Hits of several searches, round-robin, each passage once (its first place kept)."""
    out, seen = [], set()
    for i in range(max(len(x) for x in lists)):
        for x in lists:
            if i < len(x) and x[i].row not in seen:
                seen.add(x[i].row)
                out.append(x[i])
    return out


REWRITE_MARGIN = 0.15  # an unsure rewrite must beat the question alone by this much confidence


def keep_rewrite(rewritten: Answer, alone: Answer) -> bool:
    """Keep the rewritten reading of an unsure follow-up only when its evidence is clearly better."""
    if rewritten.abstained:
        return False
    return alone.abstained or rewritten.confidence >= alone.confidence + REWRITE_MARGIN


def validate_question(question) -> str:
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, got {type(question).__name__}")
    q = " ".join(question.split())
    if not q:
        raise QuestionError("the question is empty; ask something, e.g. newsqa ask \"Who met Putin?\"")
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(q)} characters long; the limit is {MAX_QUESTION_CHARS}: ask a shorter one")
    if not any(ch.isalnum() for ch in q):
        raise QuestionError("the question has no words (only punctuation or symbols); ask with words")
    return q


def _load_state(index_dir: Path, encoder: Encoder, retrieval: RetrievalSettings, previous: IndexReader | None,
                caches: CacheSizes) -> EngineState:
    stamp = manifest_stamp(index_dir)
    reader = open_reader(index_dir, previous=previous)
    if reader.dimension != encoder.dimension:
        raise IndexFormatError(f"index {index_dir} changed model while open; reopen it")
    retriever = Retriever(reader, encoder, retrieval, caches=caches)
    idf = IdfTable.from_counts(reader.live_passages, retriever.bm25.document_frequencies())
    return EngineState(reader, retriever, idf, stamp)


def ensure_default_index(*, encoder: Encoder | None = None, model: str | None = None, progress: bool = False) -> Path:
    """The default index if one exists, else the sample index (built from the sample corpus if needed)."""
    d = default_index_dir()
    if (d / MANIFEST).exists():
        return d
    s = sample_index_dir()
    if manifest_version(s) != FORMAT_VERSION:  # missing, or of an older format (the update migrates it)
        update_index([sample_corpus_path()], s, encoder=encoder, model=model, progress=progress)
    return s
