"""Words that explain an answer's context: what a collection is about, and what a filter left out.

    >>> from newsqa.qa.types import Filters
    >>> describe_filters(Filters(date_from="2004-01-01", date_to="2004-02-01", sections=("sport",)))
    'from 2004-01-01 to 2004-02-01 in section sport'

``main_topics`` names a collection's sections and its most frequent headline words (computed once
per index generation); ``filter_note`` says, when a filtered question found nothing, whether the
filters left any article at all ("No article from 2004-01-01 to 2004-02-01 in section sport").
"""

from __future__ import annotations

from collections import Counter

from newsqa.embeddings.caching import PerReader
from newsqa.embeddings.documents import is_day
from newsqa.embeddings.plural import count
from newsqa.embeddings.reader import IndexReader as Snapshot

from .text import STOPWORDS, words
from .types import Filters

# Reason codes of an answer not given as answered (``Answer.abstain_reason["code"]``): every stage
# that writes or reads one uses these names, so a renamed code cannot silently stop a rule.
UNKNOWN_TERMS = "unknown_terms"  # a salient question word no article holds
OUT_OF_TIME_RANGE = "out_of_time_range"  # the question asks about years the collection has no article of
NOT_STATED = "not_stated"  # the articles about the subject do not give the asked kind (age, role...)
NOT_CLEAR = "not_clear"  # something of the asked kind is there, but no sentence clearly ties it to the subject
LOW_MATCH = "low_match"  # no passage (or no checked quote) matches the question closely enough
REASON_CODES = (UNKNOWN_TERMS, OUT_OF_TIME_RANGE, NOT_STATED, NOT_CLEAR, LOW_MATCH)
KIND_NOT_GIVEN = frozenset((NOT_STATED, NOT_CLEAR))  # the subject is known, the asked kind was not found

TOPIC_WORDS = 8
# Headline words that name no topic (reporting verbs, "new", numbers are dropped separately).
_NOT_TOPICS = frozenset("new says say said set back over top make makes made gets get takes take plan plans "
                        "call calls bid hits hit faces face us uk".split())


def describe_filters(f: Filters, chosen: str = "") -> str:
    """The filters as a phrase: "from 2004-01-01 to 2004-02-01 in section sport", "" for none.

    Document ids read "with doc_id X" (as ``--doc`` and the API take them), or ``chosen``, the
    caller's own words for how they were picked (the browser app's "chosen in Documents")."""
    parts = []
    if f.date_from and f.date_to:
        parts.append(f"from {f.date_from} to {f.date_to}")
    elif f.date_from:
        parts.append(f"from {f.date_from} on")
    elif f.date_to:
        parts.append(f"up to {f.date_to}")
    for label, values in (("section", f.sections), ("source", f.sources)):
        if values:
            parts.append(f"in {label}{'s' if len(values) > 1 else ''} {' or '.join(values)}")
    if f.kinds:
        parts.append("among " + " and ".join("headlines" if k == "headline" else "article paragraphs" for k in f.kinds))
    if f.doc_ids:
        ids = chosen or f"with doc_id {' or '.join(f.doc_ids)}"
        parts.append(ids if not parts else f"and {ids}")
    return " ".join(parts)


def matching_documents(snapshot: Snapshot, f: Filters) -> int:
    """How many documents pass the document-level filters (dates, sections, sources, document ids)."""
    secs = {s.lower() for s in f.sections}
    srcs = {s.lower() for s in f.sources}
    ids = set(f.doc_ids)
    n = 0
    for doc_id, d in snapshot.documents.items():
        if ids and doc_id not in ids:
            continue
        if secs and (d.get("section") or "").lower() not in secs:
            continue
        if srcs and (d.get("source") or "").lower() not in srcs:
            continue
        date = d.get("date") or ""
        if f.date_from or f.date_to:
            if not is_day(date):
                if not f.keep_undated:
                    continue
            elif (f.date_from and date < f.date_from) or (f.date_to and date > f.date_to):
                continue
        n += 1
    return n


def filter_note(snapshot: Snapshot, f: Filters, chosen: str = "") -> str:
    """Why a filtered question found nothing, in a sentence ("" when no filter was set); ``chosen``:
    as for ``describe_filters``. Document ids none of which is in the index are named so.

    Example: "No article from 2004-01-01 to 2004-02-01 in section sport (the 2127 articles are undated)."
    """
    if f is None or f.is_empty():
        return ""
    if f.doc_ids and not any(i in snapshot.documents for i in f.doc_ids):
        return (f"No document {' or '.join(f.doc_ids)} in the index (a document is named by its doc_id, "
                "as a citation shows it).")
    what = describe_filters(f, chosen)
    n = matching_documents(snapshot, f)
    if n == 0:
        undated = sum(1 for d in snapshot.documents.values() if not is_day(d.get("date") or ""))
        why = ""
        if (f.date_from or f.date_to) and undated:
            why = (f" ({'all ' if undated == len(snapshot.documents) else ''}{count(undated, 'article')} "
                   f"{'have' if undated != 1 else 'has'} no date, and a date filter leaves undated articles out)")
        return f"No article {what}{why}."
    return f"Nothing in the {count(n, 'article')} {what} answers it."


def _count_topics(section, title, sections: set, counts: Counter) -> None:
    if section:
        sections.add(section)
    for w in dict.fromkeys(words(title or "")):
        if len(w) > 2 and w not in STOPWORDS and w not in _NOT_TOPICS and not w.isdigit():
            counts[w] += 1


def _segment_topics(seg, live_docs) -> tuple[set, Counter]:
    """Sections and headline-word counts of a segment's live documents (two columns read, not every document)."""
    sections: set[str] = set()
    counts: Counter = Counter()
    titles, secs = seg.documents.column("title").to_pylist(), seg.documents.column("section").to_pylist()
    for title, section, ok in zip(titles, secs, live_docs.tolist()):
        if ok:
            _count_topics(section, title, sections, counts)
    return sections, counts


def main_topics(snapshot: Snapshot, n: int = TOPIC_WORDS) -> tuple[list[str], list[str]]:
    """The collection's sections and its ``n`` most frequent headline words (counted once per generation)."""
    sections, ranked = _TOPICS.get_or_make(snapshot, _headline_word_counts)
    top = [w for w, c in ranked[:n] if c > 1] or [w for w, _ in ranked[:n]]
    return sections, top


def _headline_word_counts(snapshot: Snapshot) -> tuple[list[str], list[tuple[str, int]]]:
    """The sorted sections, and the headline words with their counts, most frequent first."""
    counts: Counter = Counter()
    sections: set[str] = set()
    if hasattr(snapshot, "segments"):  # kept per segment: a new reader after an update counts only the new one
        for seg, tomb, live in zip(snapshot.segments, snapshot.tombstones, snapshot.live_docs):
            secs, c = seg.kept("topics", tomb, lambda seg=seg, live=live: _segment_topics(seg, live))
            sections |= secs
            counts.update(c)
    else:
        for d in snapshot.documents.values():
            _count_topics(d.get("section"), d.get("title"), sections, counts)
    return sorted(sections), sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))  # ties alphabetical: stable


_TOPICS = PerReader()


def topics_sentence(snapshot: Snapshot) -> str:
    """ "Its sections: business, sport. Frequent headline words: election, film, ..." ("" if none)."""
    sections, top = main_topics(snapshot)
    parts = []
    if sections:
        parts.append("Its sections: " + ", ".join(sections) + ".")
    if top:
        parts.append("Frequent headline words: " + ", ".join(top) + ".")
    return " ".join(parts)
