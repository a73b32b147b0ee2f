"""Run the engine (and the baselines) over a question set: questions in, per-question outcomes out.

    >>> from newsqa.eval.run import evaluate                                       # doctest: +SKIP
    >>> run = evaluate("../shared/benchmarks/squad-v1.1-dev.json", out="squad-eval", baselines=True)  # doctest: +SKIP
    >>> run.metrics["hit@5"], run.metrics["baselines"]["bm25"]["hit@5"]  # doctest: +SKIP

Questions go to ``Engine.ask_many`` in fixed batches (their embeddings are computed together), always
in file order, so a run over the same index and questions gives the same results. The baselines
(``--baselines``) answer the same questions over the same index with BM25 alone and dense retrieval
alone, taking the top passage as the answer.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from tqdm.auto import tqdm

from newsqa.embeddings.encoder import load_encoder
from newsqa.qa.answer import verified
from newsqa.qa.engine import Engine, validate_k, validate_question
from newsqa.qa.errors import QuestionError
from newsqa.qa.followup import resolve_followup
from newsqa.qa.retrieve import Retriever
from newsqa.qa.types import Filters

from .corpus import prepare_index
from .errors import EvalError, QuestionFileError
from .metrics import (Outcome, best_over_golds, by_kind, contains_answer, exact_match, f1_score, facts_found,
                      first_hit_rank, hit_curve, summarize, tradeoff)
from .question_sets import Question, QuestionSet, load_questions
from .records import BASELINES, SYSTEM, EvalRun, Record
from .report import write_report

__all__ = ["evaluate", "run_questions", "EvalRun", "Record", "SYSTEM", "BASELINES"]

BATCH = 64  # questions per ask_many call (fixed: batch composition must not change results)


def _answer_fields(d: dict) -> dict:
    keep = ("question", "answer", "abstained", "citations", "retrieved", "timings_ms", "resolved_question", "confidence",
            "answer_state", "abstain_reason", "signals", "rewritten", "shape", "verdict", "timeline")
    return {key: d[key] for key in keep if key in d}


def _in_docs(q: Question, doc_id: str) -> bool:
    return not q.doc_ids or doc_id in q.doc_ids


def system_outcome(q: Question, answer, snapshot) -> Outcome:
    """Score the engine's ``Answer`` to ``q`` (citations checked against the stored document text)."""
    texts = [h.passage.text if _in_docs(q, h.passage.doc_id) else "" for h in answer.retrieved]
    quotes = tuple(c.quote for c in answer.citations)
    valid = sum(verified(snapshot, c.doc_id, c.start, c.end, c.quote) for c in answer.citations)
    short = next((c.answer_text for c in answer.citations if c.answer_text), "")
    has_gold = q.answerable and bool(short)
    return Outcome(
        system=SYSTEM, id=q.id, kind=q.kind, answerable=q.answerable, abstained=answer.abstained,
        rank=first_hit_rank(texts, q.answers) if q.answerable else 0,
        quotes=quotes,
        quote_hit=q.answerable and any(contains_answer(c.quote, q.answers) and _in_docs(q, c.doc_id) for c in answer.citations),
        short_answer=short,
        em=best_over_golds(exact_match, short, q.answers) if has_gold else None,
        f1=best_over_golds(f1_score, short, q.answers) if has_gold else None,
        citations=len(answer.citations), citations_valid=valid,
        latency_ms=float(answer.timings_ms.get("total", 0.0)), confidence=float(answer.confidence),
        state=answer.state, split=q.split,
        facts=len(q.facts), facts_found=facts_found(quotes, q.facts), shape=getattr(answer, "shape", ""),
    )


def baseline_outcome(name: str, q: Question, hits, snapshot, latency_ms: float) -> Outcome:
    """Score a baseline: its top retrieved passage is its answer (no abstention, no short answer)."""
    texts = [h.passage.text if _in_docs(q, h.passage.doc_id) else "" for h in hits]
    top = hits[0].passage if hits else None
    valid = int(top is not None and verified(snapshot, top.doc_id, top.start, top.end, top.text))
    return Outcome(
        system=name, id=q.id, kind=q.kind, answerable=q.answerable, abstained=top is None,
        rank=first_hit_rank(texts, q.answers) if q.answerable else 0,
        quotes=(top.text,) if top is not None else (),
        quote_hit=q.answerable and bool(texts) and contains_answer(texts[0], q.answers),
        citations=int(top is not None), citations_valid=valid, latency_ms=latency_ms,
    )


class BaselineRetriever:
    """BM25-only or dense-only retrieval over the engine's own indexes, without composing an answer.

    A baseline needs only ranked passages; going through ``Engine.ask_many`` would also choose quotes
    (encoding sentences) and build abstention text for every question, work a baseline throws away.
    The query is resolved against the history exactly as the engine does.
    """

    def __init__(self, engine, mode: str):
        self.engine = engine
        self.mode = mode
        # the engine's own BM25 and FAISS indexes, searched in one mode (qa.retrieve's documented use)
        self.retriever = Retriever.with_settings(engine.retriever, replace(engine.retrieval_settings, mode=mode))

    def search(self, questions: list[Question], k: int, embed_ms: list[float]) -> list[tuple[list, float]]:
        """Top ``k`` hits and the latency (ms) of each question. ``embed_ms``: the query-embedding time of
        each question in the system's batch (the same query vectors, counted for the dense baseline too)."""
        queries = [resolve_followup(validate_question(q.question), list(q.history)).query for q in questions]
        qvecs = self.engine.encode_queries(queries) if self.mode != "bm25" else [None] * len(queries)
        out = []
        for query, qvec, e_ms in zip(queries, qvecs, embed_ms):
            t0 = time.perf_counter()
            hits = self.retriever.search(query, k=k, qvec=qvec)
            ms = (time.perf_counter() - t0) * 1e3 + (e_ms if self.mode != "bm25" else 0.0)
            out.append((hits, ms))
        return out


def check_questions(questions) -> None:
    """Fail before running when a question would be refused by the engine (empty of words, too long).

    Raises:
        QuestionFileError: naming the ids of the refused questions and why.
    """
    bad = []
    for q in questions:
        try:
            validate_question(q.question)
            for h in q.history:
                validate_question(h)
        except QuestionError as e:
            bad.append(f"{q.id}: {e}")
    if bad:
        raise QuestionFileError(f"{len(bad)} question(s) the engine refuses: " + "; ".join(bad[:5]))


def warm_sentence_vectors(engine, n_questions: int, *, progress: bool = False, chunk: int = 2048) -> float | None:
    """Encode every indexed sentence in one length-sorted pass, when the questions will touch most of them.

    The engine encodes the sentences of its top passages at question time, a few dozen at a time; over
    a large question set (SQuAD: 10,570 questions, 2,430 passages) that is nearly every sentence of
    the corpus, encoded in small, badly padded batches. Encoding them all up front, sorted by length,
    does the same work several times faster. Skipped (None) for a question set too small to touch
    most passages. Returns the seconds it took.
    """
    snap = engine.snapshot
    if snap.sentence_vectors is not None or n_questions * engine.answer_settings.quotes.passages < len(snap.passages):
        return None  # stored with the index, or too few questions to touch most passages
    texts = sorted(dict.fromkeys(snap.document_text(p.doc_id)[s:e] for p in snap.passages for s, e in p.sentences),
                   key=len)
    t0 = time.perf_counter()
    with tqdm(total=len(texts), desc="encoding sentences", unit="sent", file=sys.stderr, leave=False,
              disable=not progress) as bar:
        for i in range(0, len(texts), chunk):
            engine.sentence_vectors.encode_texts(texts[i : i + chunk])
            bar.update(len(texts[i : i + chunk]))
    return time.perf_counter() - t0


def excluding(snapshot, files) -> Filters:
    """Filters that keep every document except those whose origin path ends with one of ``files``."""
    ends = tuple("/" + f.lstrip("/") for f in files)
    keep = tuple(d for d, meta in snapshot.documents.items()
                 if not ("/" + str(meta.get("origin", "")).lstrip("/")).endswith(ends))
    return Filters(doc_ids=keep)


def run_questions(engine, questions, *, k: int = 10, baselines: bool = False, progress: bool = False,
                  batch: int = BATCH) -> list[Record]:
    """Answer every question with the engine (and the baselines); one ``Record`` per question, in order.

    Args:
        engine: an open ``qa.Engine``.
        questions: ``Question`` values.
        k: passages retrieved per question (hit@n needs n <= k).
        baselines: also run BM25-only and dense-only retrieval (top passage as the answer).
        progress: show a tqdm progress bar on stderr.
    """
    check_questions(questions)
    base_retrievers = {name: BaselineRetriever(engine, name) for name in (BASELINES if baselines else ())}
    records: list[Record] = []
    turns: dict = {}  # earlier questions of conversations -> their answers (asked once)
    with tqdm(total=len(questions), desc="evaluating", unit="q", file=sys.stderr, leave=False,
              disable=not progress) as bar:
        for i in range(0, len(questions), batch):
            qs = list(questions[i : i + batch])
            records += _run_batch(engine, qs, k, base_retrievers, turns)
            bar.update(len(qs))
    return records


def _run_batch(engine, qs: list[Question], k: int, base_retrievers: dict, turns: dict) -> list[Record]:
    """One batch of questions through the engine (one ``ask_many``) and the baselines."""
    snapshot = engine.snapshot
    histories = [conversation(engine, q.history, k, turns) for q in qs]
    answers = engine.ask_many([q.question for q in qs], k=k, histories=histories)
    for j, q in enumerate(qs):
        if q.exclude_files:  # a synthetic near-miss: asked again with its own article removed
            answers[j] = engine.ask(q.question, k=k, history=histories[j], filters=excluding(snapshot, q.exclude_files))
    alone_of = _alone_answers(engine, qs, k)
    embed_ms = [float(a.timings_ms.get("embed", 0.0)) for a in answers]
    base = {name: r.search(qs, k, embed_ms) for name, r in base_retrievers.items()}
    records = []
    for j, (q, a) in enumerate(zip(qs, answers)):
        out = system_outcome(q, a, snapshot)
        if q.id in alone_of:
            out = replace(out, same_as_alone=_cited(a) == _cited(alone_of[q.id]))
        rec = Record(q, _answer_fields(a.to_dict()), {SYSTEM: out})
        for name, results in base.items():
            hits, ms = results[j]
            rec.outcomes[name] = baseline_outcome(name, q, hits, snapshot, ms)
            rec.baseline_passages[name] = hits[0].to_dict() if hits else {}
        records.append(rec)
    return records


def conversation(engine, history: tuple[str, ...], k: int, cache: dict) -> list[dict]:
    """The earlier turns as the chat passes them: each earlier question asked in order (with the
    turns before it), with its answer text, so a follow-up can point at the previous answer."""
    turns: list[dict] = []
    for i, h in enumerate(history):
        key = tuple(history[: i + 1])
        if key not in cache:
            a = engine.ask(h, k=k, history=list(turns))
            cache[key] = "" if a.abstained else a.answer
        turns.append({"question": h, "answer": cache[key]})
    return turns


def _alone_answers(engine, qs, k: int) -> dict:
    """Answers of the standalone-after questions asked with no history (the reference they must equal)."""
    alone = [q for q in qs if q.alone and q.history]
    if not alone:
        return {}
    return dict(zip((q.id for q in alone), engine.ask_many([q.question for q in alone], k=k)))


def _cited(answer) -> tuple:
    return tuple((c.doc_id, c.start, c.end) for c in answer.citations)


def compute_metrics(records: list[Record], systems: tuple[str, ...], k: int) -> tuple[dict, dict, dict]:
    """metrics.json's figures (the system's at the top, baselines under ``baselines``), the hit@k
    curves and the latencies of each system."""
    per = {s: [r.outcomes[s] for r in records] for s in systems}
    metrics = summarize(per[SYSTEM], k)
    metrics["by_kind"] = by_kind(per[SYSTEM], k)
    metrics["tradeoff"] = tradeoff(per[SYSTEM])
    metrics["by_split"] = {sp: summarize([o for o in per[SYSTEM] if o.split == sp], k)
                           for sp in sorted({o.split for o in per[SYSTEM]} - {""})}
    metrics["baselines"] = {}
    for s in systems[1:]:
        m = summarize(per[s], k)
        m["by_kind"] = by_kind(per[s], k)
        metrics["baselines"][s] = m
    curves = {s: hit_curve(per[s], k) for s in systems}
    latencies = {s: [o.latency_ms for o in per[s]] for s in systems}
    return metrics, curves, latencies


def evaluate(questions: str | os.PathLike | QuestionSet, *, index: str | os.PathLike | None = None,
             corpus: list[str | os.PathLike] | None = None, out: str | os.PathLike | None = None, k: int = 10,
             limit: int | None = None, baselines: bool = False, model: str | None = None, encoder=None,
             progress: bool = False, split: str | None = None, set_corpus: str | None = None,
             backend: str | None = None) -> EvalRun:
    """Evaluate the engine on a question set, and write the report when ``out`` is given.

    Args:
        questions: a JSONL or SQuAD JSON file, or a loaded ``QuestionSet``.
        index: an existing index folder; else ``corpus`` paths are indexed into a temporary folder;
            else a SQuAD file's own contexts; else the default index.
        out: folder for ``metrics.json``, ``results.jsonl``, ``report.md`` and the plots.
        k: passages retrieved per question (1-100).
        limit: only the first ``limit`` questions (the corpus stays whole).
        split, set_corpus: only the questions of this split ("dev", "test") / about this corpus ("bbc");
            None: all.
        baselines: also run BM25-only and dense-only retrieval.
        model, encoder: the model to build and open the index with (default: the packaged model, or
            the one named in an existing index).
        backend: the encoder's forward pass (``embeddings.backends``; default as ``Engine.open``).

    Returns:
        An ``EvalRun`` whose ``metrics`` is the content of ``metrics.json``.

    Raises:
        QuestionFileError: malformed question file (lines named). EvalError: conflicting options.
        NewsqaError: index or model problems.

    Example:
        >>> run = evaluate("questions.jsonl", corpus=["articles/"], out="eval-out", baselines=True)  # doctest: +SKIP
    """
    t0 = time.perf_counter()
    qs = _select(questions, k, limit, split, set_corpus)
    encoder = _encoder_for(qs, index, corpus, model, encoder, backend)
    prepared = prepare_index(qs, index=index, corpus=corpus, encoder=encoder, progress=progress)
    try:
        engine = Engine.open(prepared.path, encoder=encoder, model=model, backend=backend)
        systems = (SYSTEM,) + (BASELINES if baselines else ())
        warm_s = warm_sentence_vectors(engine, len(qs.questions), progress=progress)
        t_run = time.perf_counter()
        records = run_questions(engine, qs.questions, k=k, baselines=baselines, progress=progress)
        run_s = time.perf_counter() - t_run
        metrics, curves, latencies = compute_metrics(records, systems, k)
        metrics["run"] = _run_info(qs, k, limit, split, prepared, engine.summary(), warm_s, run_s, t0)
    finally:
        prepared.cleanup()
    run = EvalRun(qs, k, systems, records, metrics, curves, latencies)
    if out is not None:
        metrics["run"]["wall_s"] = round(time.perf_counter() - t0, 2)
        write_report(run, Path(out))
    return run


def _select(questions, k: int, limit: int | None, split: str | None, set_corpus: str | None) -> QuestionSet:
    """Check ``k`` and ``limit``; load the questions and keep those asked for."""
    validate_k(k)
    if limit is not None and limit < 1:
        raise EvalError(f"--limit must be at least 1, got {limit}")
    qs = questions if isinstance(questions, QuestionSet) else load_questions(questions)
    if split is not None or set_corpus is not None:
        qs = qs.only(split, set_corpus)
        if not qs.questions:
            raise EvalError(f"no question of split {split!r} and corpus {set_corpus!r} in {qs.path}")
    return qs.limited(limit)


def _encoder_for(qs: QuestionSet, index, corpus, model: str | None, encoder, backend: str | None = None):
    """The encoder to build a temporary index with (None: the engine loads the index's own model)."""
    if encoder is None and model is not None and (index is None or corpus or qs.corpus):
        return load_encoder(model, backend=backend)
    if encoder is None and index is None and (corpus or qs.corpus):
        return load_encoder(None, backend=backend)
    return encoder


def _run_info(qs: QuestionSet, k: int, limit, split, prepared, summary: dict, warm_s, run_s: float, t0: float) -> dict:
    """``metrics.json``'s ``run`` section: what was run, over which index, and how long it took."""
    return {
        "questions_file": str(qs.path), "format": qs.format, "k": k, "limit": limit, "split": split or "",
        "index": prepared.describe(),
        "index_source": prepared.source,
        "documents": summary["articles"], "passages": summary["passages"], "model": summary["model"],
        "index_build_s": round(prepared.build_s, 2) if prepared.build_s is not None else None,
        "sentence_warmup_s": round(warm_s, 2) if warm_s is not None else None,
        "answer_s": round(run_s, 2), "wall_s": round(time.perf_counter() - t0, 2),
        "skipped_files": list(prepared.skipped),
    }
