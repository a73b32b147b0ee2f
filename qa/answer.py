"""Retrieved passages to a cited answer: choose quotes, check them, cite them, or abstain."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from newsqa.embeddings.caching import PerReader
from newsqa.embeddings.passage_table import kind_counts
from newsqa.embeddings.reader import IndexReader as Snapshot

from .abstain import ANSWERED, UNSURE, AbstainSettings, Decision, decide
from .caches import ArticleTerms
from .dates import resolve_relative_dates
from .explain import LOW_MATCH, NOT_CLEAR, topics_sentence
from .followup import Resolved, unbound_pronoun
from .signals import compute_signals, subject_of
from .quotes import (Candidate, IdfTable, QuoteSettings, candidates, choose, context_before, score_candidates,
                     title_candidates)
from .asked import asked_kind
from .choices import naming_first
from .slot_choice import add_close_second, fill_slot, filler_first, unnamed_doer
from .shapes import Pool, detect, merge_same_paragraph, overrule, shape_quotes
from .shapes.compare import apply_marks
from .spans import find_answer_span
from .subject import other_event, pronoun_holder, replaced_qualifier, unplaced_name
from .timeline import newest_first
from .types import Answer, Citation, Hit
from .unstated import match_part_asked, unheld_office

NOT_FOUND = "Not found in the indexed articles."
_ARTICLE_TERMS = ArticleTerms()  # content terms of each article (a cache, filled on use)


@dataclass(frozen=True)
class AnswerSettings:
    quotes: QuoteSettings = field(default_factory=QuoteSettings)
    abstain: AbstainSettings = field(default_factory=AbstainSettings)
    related: int = 3  # nearest passages shown when abstaining


def verified(snapshot: Snapshot, doc_id: str, start: int, end: int, quote: str) -> bool:
    """True when ``quote`` is exactly the stored document text at ``[start:end]``."""
    doc = snapshot.documents.get(doc_id)
    return doc is not None and 0 <= start < end <= len(doc["text"]) and doc["text"][start:end] == quote


def collection_summary(snap: Snapshot) -> dict:
    """Articles, passages, date range, sections, sources and model of an index generation."""
    meta = snap.document_columns(("date", "section", "source"))  # live documents, from the columns
    dates = sorted(d for d in meta["date"] if d)
    sections = sorted({d for d in meta["section"] if d})
    sources = sorted({d for d in meta["source"] if d})
    kinds = kind_counts(snap.passages)
    return {
        "index": str(snap.path),
        "articles": len(meta["date"]),
        "passages": snap.live_passages,
        "kinds": kinds,
        "date_from": dates[0] if dates else "",
        "date_to": dates[-1] if dates else "",
        "undated": sum(1 for d in meta["date"] if not d),
        "sections": sections,
        "sources": sources,
        "model": snap.manifest["model"]["name"],
        "backend": _backend(snap.manifest["model"]),
        # stored with the index since 0.2; without them sentences are encoded at question time
        "sentences": ("stored" if snap.sentence_vectors is not None
                      else "not stored: run `newsqa index` on it again to add them"),
        "updated": snap.manifest.get("updated", ""),
    }


def _backend(model: dict) -> str:
    """The encoder backend the index was built with, from its manifest ("torch fp32"; an index whose
    vectors came from several backends at parity names the others: "openvino fp32 (also torch)").

    >>> _backend({"backend": "openvino", "precision": "fp32", "backends": ["openvino", "torch"]})
    'openvino fp32 (also torch)'
    >>> _backend({"name": "x"})
    'not recorded'
    """
    if not model.get("backend"):
        return "not recorded"
    others = [b for b in model.get("backends") or () if b != model["backend"]]
    built = f"{model['backend']} {model.get('precision') or ''}".strip()
    return built + (f" (also {', '.join(others)})" if others else "")


def coverage_note(snapshot: Snapshot) -> str:
    """What the collection covers, in a sentence (computed once per index generation)."""
    return _COVERAGE.get_or_make(snapshot, _coverage_note)


def _coverage_note(snapshot: Snapshot) -> str:
    s = collection_summary(snapshot)
    a, lo, hi, undated = s["articles"], s["date_from"], s["date_to"], s["undated"]
    dates = (f"dated {lo} to {hi}" if lo != hi else f"dated {lo}") if lo else ""
    if not lo:  # "2127 undated articles", not "2127 articles (undated) (13134 passages, ..."
        held = f"{a} undated article{'s' if a != 1 else ''}"
    elif undated:
        held = f"{a} articles, {a - undated} {dates} and {undated} undated"
    else:
        held = f"{a} article{'s' if a != 1 else ''} {dates}"
    note = f"The collection holds {held} ({s['passages']} passages, {s['kinds'].get('headline', 0)} of them headlines)."
    topics = topics_sentence(snapshot)
    return f"{note} {topics}" if topics else note


_COVERAGE = PerReader()


def compose_answer(question: str, resolved: Resolved, qvec: np.ndarray | None, hits: list[Hit], k: int,
                   snapshot: Snapshot, sentence_vectors, idf: IdfTable, settings: AnswerSettings, *,
                   article_terms: ArticleTerms = _ARTICLE_TERMS, choices: tuple[str, ...] = ()) -> Answer:
    """The cited answer to ``resolved`` from ``hits``. ``choices`` are a quiz question's choices
    (``qa.choices``): a close sentence naming one of them leads when the best quotes name none."""
    text_of = lru_cache(maxsize=None)(snapshot.document_text)  # this ask's articles, each looked up once
    own, carried = resolved.scoring()  # the words that decide the quote; carried ones count half
    vectors = sentence_vectors.for_snapshot(snapshot)
    scored = score_candidates(own, qvec, candidates(hits, text_of, settings.quotes), vectors, idf,
                              settings.quotes, hits, carried=carried)
    best = scored[0] if scored else None
    first = choose(scored, settings.quotes)
    titles = (score_candidates(own, qvec, title_candidates(scored, snapshot, hits), vectors, idf,
                               settings.quotes, hits, carried=carried)
              if asked_kind(own) in ("person", "name") else [])  # only a name may come from a headline
    picked = fill_slot(own, scored, first, settings.quotes.max_sentences, titles)
    sig = compute_signals(own, scored, len(first), hits, snapshot, idf, article_terms, shown=picked)
    picked = add_close_second(scored, picked, settings.quotes.max_sentences)  # after the verdict's own choice
    shape = detect(resolved.query)
    pool = Pool(own, qvec, scored, hits, snapshot, vectors, idf, settings.quotes)
    verdict = overrule(decide(best, sig, settings.abstain, subject_of(own, best)), shape, pool)
    if verdict.state != UNSURE:
        picked = filler_first(own, picked)  # a sure answer shows the sentence that fills the slot first
    verdict = _sibling_stated(own, picked, shape.kind, _doer_named(own, picked, shape.kind, verdict))
    verdict = _name_placed(own, picked, shape.kind, _pronoun_bound(resolved, verdict), text_of)
    if choices and not verdict.abstained:
        picked, verdict = _choice_named(scored, picked, choices, verdict, settings.quotes.max_sentences)
    retrieved = tuple(hits[:k])
    extra = {"answer_state": verdict.state, "abstain_reason": verdict.reason, "signals": sig.to_dict()}
    if verdict.abstained:
        lead = picked[0] if picked else None  # the sentence a reason speaks of ("the closest sentence is about...")
        out = _abstention(question, resolved, _closest_first(hits, lead), retrieved, snapshot, settings,
                          verdict.confidence)
        return replace(out, answer=_with_reason(out.answer, verdict.reason), **extra)
    conf = verdict.confidence
    shaped = shape_quotes(shape, pool)
    chosen, timeline = ((shaped.chosen, []) if shaped.chosen
                        else newest_first(picked, scored, snapshot, resolved.question))
    chosen = merge_same_paragraph(chosen, text_of)
    citations = []
    for c in chosen:
        if not verified(snapshot, c.hit.passage.doc_id, c.start, c.end, c.text):
            continue  # never show a quote that does not match its document
        citations.append(_citation(len(citations) + 1, c, resolved.query, snapshot))
    if not citations:
        extra.update(answer_state="not_found", abstain_reason=verdict.reason or {
            "code": LOW_MATCH, "text": "no quote could be checked against its article", "terms": []})
        return replace(_abstention(question, resolved, hits, retrieved, snapshot, settings, 0.0), **extra)
    citations = apply_marks(citations, shaped.marks)
    unsure = verdict.state == UNSURE
    if unsure:
        citations = [replace(c, answer_span=None, answer_text="") for c in citations]  # no bold answer when unsure
    timeline = [t for t in timeline if verified(snapshot, t.doc_id, t.start, t.end, t.quote)]  # checked like quotes
    timeline = [replace(t, n=len(citations) + 1 + i) for i, t in enumerate(timeline)]  # markers after the answer's
    answer = " ".join(f"\u201c{c.quote}\u201d [{c.n}]" for c in citations)
    return Answer(question, answer, False, tuple(citations), retrieved, timeline=tuple(timeline),
                  resolved_question=resolved.query, confidence=conf, shape=shape.kind,
                  verdict=shaped.shown_verdict(citations, unsure), **extra)


def _unsure(verdict: Decision, text: str, terms: list[str]) -> Decision:
    """``verdict`` taken down to unsure, with its reason (``NOT_CLEAR``): the sure-answer checks below."""
    return Decision(UNSURE, verdict.confidence, {"code": NOT_CLEAR, "text": text, "terms": terms})


def _sure_fact(verdict: Decision, shape_kind: str) -> bool:
    return verdict.state == ANSWERED and shape_kind == "fact"


def _doer_reason(question: str, texts: list[str]) -> tuple[str, list[str]] | None:
    """Why the shown sentences may not say who or what the question asks for, first found: no doer of
    the act, no holder of the office, the asked event under another place, a part of a match."""
    asked = unnamed_doer(question, texts)
    if not asked:
        office = unheld_office(question, texts)  # "Who is the coach of X?" answered by a sentence naming no coach
        asked = f"the {office} asked for" if office else ""
    if asked:
        return f"the closest sentence does not name {asked}", []
    other, event = other_event(question, texts[0]) if texts else ("", "")
    if other:
        return f"the closest sentence is about the {other}, not the {event}", [event]
    ordinal, part = match_part_asked(question, texts[0] if texts else "")
    if part:  # "their first goal against Exeter City": which goal a sentence tells is not read
        return f"the closest sentence may tell another {part} than the {ordinal} asked for", []
    return None


def _doer_named(question: str, picked: list, shape_kind: str, verdict: Decision) -> Decision:
    """A sure answer to "Who <verb> ...?" whose lead sentence names nobody who did the act becomes
    unsure (``slot_choice.unnamed_doer``): a sure answer that does not answer is the worst outcome.
    So does one to "Who is the <office> of X?" whose quotes name no such office (``unstated.unheld_office``:
    "said Yoo Ji-chang, governor of Korean Development Bank" for the chief executive of LG Card), and one
    whose lead sentence tells of the asked event under another place (``subject.other_event``: "the
    Sydney Olympics" for "the Athens Olympics"), and one counting a part of a match ("their first goal
    against Exeter City": ``unstated.match_part_asked``)."""
    why = _doer_reason(question, [c.text for c in picked]) if _sure_fact(verdict, shape_kind) else None
    return _unsure(verdict, *why) if why else verdict


def _sibling_stated(question: str, picked: list, shape_kind: str, verdict: Decision) -> Decision:
    """A sure answer whose lead sentence states the asked relation for another thing of the same kind
    becomes unsure, naming both (sib13): the question's numbered name or year written with another
    ("the closest sentence is about Apollo 15, not Apollo 12", ``subject.replaced_qualifier``), or the
    asked thing of a named owner given to another name ("... about Morgan, not Tesla" for "Who was
    Tesla's secretary?" and "Morgan finally replied through his secretary", ``subject.pronoun_holder``)."""
    if not _sure_fact(verdict, shape_kind) or not picked:
        return verdict
    own, other = replaced_qualifier(question, picked[0].text)
    if not own:
        own, other = pronoun_holder(question, picked[0].text)
    return _unsure(verdict, f"the closest sentence is about {other}, not {own}", [own]) if own else verdict


def _name_placed(question: str, picked: list, shape_kind: str, verdict: Decision, text_of) -> Decision:
    """A sure answer whose lead quote's paragraph, the paragraph before and the article's opening leave
    out a name the question asks about is unsure (``subject.unplaced_name``): the sentence may state
    the fact of another. A headline lead is left alone (a site's headline list gives no paragraph)."""
    if not _sure_fact(verdict, shape_kind) or not picked or picked[0].hit.passage.kind == "headline":
        return verdict
    lead = picked[0]
    name = unplaced_name(question, text_of(lead.hit.passage.doc_id), lead.start)
    return _unsure(verdict, f"the closest passage does not mention {name}", [name]) if name else verdict


def _choice_named(scored: list, picked: list, choices: tuple[str, ...], verdict: Decision, max_sentences: int):
    """A quiz question's quotes led by a close sentence that names one of its choices, when the best
    ones name none (``choices.naming_first``). That sentence matches the question less well than the
    ones the verdict read, and quizzes take their distractors from the same story ("its non-EU
    shortfall dropped to £2.7bn"), so the answer it leads is unsure: shown, never marked."""
    moved = naming_first(scored, picked, choices, max_sentences)
    if not moved or not picked or moved[0] is picked[0]:
        return picked, verdict
    if verdict.state == UNSURE:
        return moved, verdict
    return moved, _unsure(verdict, "the closest passage that names one of the choices is not the closest match "
                                   "to the question", list(choices))


def _pronoun_bound(resolved: Resolved, verdict: Decision) -> Decision:
    """A sure answer to a question whose "he"/"him"/"her"/"they" no earlier turn resolved ("Who replaced
    him?" asked first, or after /clear) is unsure: the question names no one, so the quote is a guess at
    whom it means."""
    if verdict.state != ANSWERED or resolved.rewritten:
        return verdict
    pronoun = unbound_pronoun(resolved.question)
    if not pronoun:
        return verdict
    return _unsure(verdict, f"the question's \u201c{pronoun}\u201d names no one: ask again with the name", [pronoun])


def _with_reason(text: str, reason: dict | None) -> str:
    """"Not found in the indexed articles." followed by the reason as a sentence."""
    if not reason or not reason.get("text") or not text.startswith(NOT_FOUND):
        return text
    why = reason["text"][0].upper() + reason["text"][1:]
    return f"{NOT_FOUND} {why}.{text[len(NOT_FOUND):]}"


def _closest_first(hits: list[Hit], lead: Candidate | None) -> list[Hit]:
    """The hits with the lead sentence's passage first: a refusal's reason may speak of that sentence
    ("the closest sentence is about Silvio Berlusconi, not Putin"), so the related passages show it.

    >>> from types import SimpleNamespace as N
    >>> a, b = N(row=1), N(row=2)
    >>> [h.row for h in _closest_first([a, b], N(hit=b))], _closest_first([a], None) == [a]
    ([2, 1], True)
    """
    if lead is None:
        return hits
    return [lead.hit] + [h for h in hits if h is not lead.hit]


def _abstention(question: str, resolved: Resolved, hits: list[Hit], retrieved: tuple, snapshot: Snapshot,
                settings: AnswerSettings, conf: float) -> Answer:
    """Not found: say what the collection covers and show the nearest passages as related."""
    note = coverage_note(snapshot)
    return Answer(question, f"{NOT_FOUND} {note}", True, (), retrieved, related=tuple(hits[: settings.related]),
                  coverage=note, resolved_question=resolved.query, confidence=conf)


def _citation(n: int, c: Candidate, question: str, snapshot: Snapshot) -> Citation:
    p = c.hit.passage
    doc_text = snapshot.document_text(p.doc_id)
    doc = snapshot.documents.get(p.doc_id) or {}
    span = find_answer_span(question, c.text)
    dates = tuple(resolve_relative_dates(c.text, p.date, offset=c.start)) if p.kind != "headline" else ()
    return Citation(
        n=n, quote=c.text, doc_id=p.doc_id, passage_id=p.passage_id, title=p.title, date=p.date,
        source=p.source, section=p.section, kind=p.kind, paragraph=p.paragraph, start=c.start, end=c.end,
        score=c.score, heading=p.heading,
        answer_span=(c.start + span[0], c.start + span[1]) if span else None,
        answer_text=c.text[span[0]:span[1]] if span else "",
        dates=dates, context_before=context_before(c, doc_text),
        origin=doc.get("origin", ""), url=doc.get("url", ""),
    )
