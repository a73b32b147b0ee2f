"""Role words mined from the collection itself: what a who-is answer may read as a title.

A hand list of role words ("minister", "striker", ...) misses the ones its writer did not think of
("state bank VEB", "DJ Norman Cook"). The collection says which words are titles: a word that often
stands right before a capitalised name ("Balco boss Victor Conte", "oil giant Yukos"), before several
different names, and that also heads a noun phrase ("the boss said", "a giant,") at least twice as
often as it is used as a verb ("he beat", "to beat", "backs the plan") and more often than as an
adjective ("was lucrative"); never a place or time word ("north", "autumn"). Any noun (a head at
least as often as a verb: "international") is a title only after a capitalised modifier ("Iceland
Under-21 international Emil Hallfredsson"; `shapes/who_is.py` reads both). Counted per segment (a
segment is immutable, so its counts are kept on it) and summed over the segments of a reader, like
the BM25 statistics; the mined words are found once per index generation (~1 CPU-s for the 2,225
BBC articles, at a reader's first who-is question).

    >>> texts = ["Balco boss Victor Conte said the boss was calm.", "Ex-Balco boss Jim Valente and the boss, "
    ...          "who left.", "Balco boss Ann Smith said a boss had gone. He beat Tom Jones."]
    >>> sorted(role_words(count_roles(texts), min_names=3))
    ['boss']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from newsqa.embeddings.caching import PerReader
from newsqa.embeddings.lexical import STOPWORDS

_W = r"(?:[a-z][a-z-]{1,20}|[A-Z]{2,3})"  # a lower-case (or hyphenated) word, or a short acronym ("MEP", "DJ")
_NAME = r"[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){0,2}"
_BEFORE_NAME = re.compile(rf"(?<![\w'\u2019-])({_W})\s+({_NAME})")  # consumed: "the US Federal Reserve" counts for "the" (a stopword), not "US"
# the head of a noun phrase: a determiner, capitalised/hyphenated/number modifiers, the word, then a close
_HEAD = re.compile(rf"\b(?:the|a|an|The|A|An)\s+(?:(?:[A-Z][\w'\u2019-]*|\w+-[\w-]+|\d[\w,.]*)\s+){{0,3}}({_W})"
                   r"(?=\s*[,.;:)]|\s+(?:who|said|says|has|had|is|was|of|at|for|and)\b)")
_VERB = re.compile(rf"\b(?:he|she|they|we|I|it|to|will|would|could|can|not|who|He|She|They|We|It)\s+({_W})\b"
                   rf"|(?<![\w'\u2019-])({_W})\s+(?:the|his|her|its|their|him|them)\b")  # "he beat", "backs the plan"
_ADJ = re.compile(rf"\b(?:is|was|are|were|be|been|more|most|very|so|too|less)\s+({_W})\b")  # "was lucrative"
_WORD = re.compile(rf"(?<![\w'\u2019-])({_W})(?![\w'\u2019-])")
NAMES_KEPT = 3  # distinct names kept per word: enough for the threshold, bounded memory
MAX_DOCS = 5000  # documents of a segment read for the counts (its first ones): statistics, not an inventory
MAX_TOTAL_DOCS = 20000  # documents read over all segments (the largest segments first): the first who-is
# question of a reader costs ~1 CPU-s per 2,000 documents, bounded whatever the index's size


@dataclass
class RoleCounts:
    """Per word: times before a name, distinct names seen (up to NAMES_KEPT), noun-head, verb and adjective uses, all uses."""
    before: Counter = field(default_factory=Counter)
    names: dict = field(default_factory=dict)
    head: Counter = field(default_factory=Counter)
    verb: Counter = field(default_factory=Counter)
    adj: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)

    def add(self, other: "RoleCounts") -> None:
        for mine, theirs in ((self.before, other.before), (self.head, other.head), (self.verb, other.verb),
                             (self.adj, other.adj), (self.total, other.total)):
            mine.update(theirs)
        for w, ns in other.names.items():
            got = self.names.setdefault(w, set())
            for n in sorted(ns - got):  # sorted, not a set's order: the same words whatever PYTHONHASHSEED
                if len(got) >= NAMES_KEPT:
                    break
                got.add(n)


def count_roles(texts) -> RoleCounts:
    """The counts of ``texts`` (an iterable of document texts)."""
    c = RoleCounts()
    for t in texts:
        for m in _BEFORE_NAME.finditer(t):
            w = m.group(1)
            c.before[w] += 1
            ns = c.names.setdefault(w, set())
            if len(ns) < NAMES_KEPT:
                ns.add(m.group(2))
        c.head.update(_HEAD.findall(t))
        c.verb.update(a or b for a, b in _VERB.findall(t))
        c.adj.update(_ADJ.findall(t))
        c.total.update(_WORD.findall(t))
    return c


MIN_NAMES = 3  # before at least this many different names: a title, not one name's habit
MIN_HEAD = 1  # heads a noun phrase ("the DJ said") at least once
MIN_SHARE = 0.1  # of its uses, at least this share stands before a name ("week" stands before few)
VERB_SHARE = 0.5  # a title is used as a verb at most this share of its noun-phrase heads ("backs", "lifts" are more;
# any noun, read only after a capitalised modifier, needs no more than verb uses <= heads: "international")
# places and times that stand before names without describing them ("in east London Tony Blair",
# "this autumn Gordon Brown"): never titles, however often they stand there
_NOT_TITLE = re.compile(r"(?:north|south)(?:-?(?:east|west))?|east|west|(?:north|south|east|west)ern|spring|summer|"
                        r"autumn|winter|week|weekend|month|year|day|night|morning|afternoon|evening|today|"
                        r"yesterday|tonight")


def role_words(c: RoleCounts, min_names: int = MIN_NAMES) -> frozenset[str]:
    """The words the counts show to be titles (lower-cased, acronyms as written)."""
    out = set()
    for w, n in c.before.items():
        if (not _noun(c, w) or len(c.names.get(w, ())) < min_names or c.head[w] < MIN_HEAD
                or n < MIN_SHARE * c.total[w] or c.verb[w] > VERB_SHARE * c.head[w] or _NOT_TITLE.fullmatch(w)):
            continue
        out.add(_key(w))
    return frozenset(out)


def noun_words(c: RoleCounts) -> frozenset[str]:
    """The words the counts show to be nouns (heads of noun phrases, not mostly verbs or adjectives)."""
    return frozenset(_key(w) for w in c.head if _noun(c, w) and not _verb_form(c, w))


def _verb_form(c: RoleCounts, w: str) -> bool:
    """``w`` reads as the -s form of a word used more as a verb than as a noun ("Blair backs Brown":
    "back" is mostly a verb), so a capitalised word before it is its subject, not its modifier."""
    stem = w[:-1]
    return w.endswith("s") and not w.endswith("ss") and c.verb[stem] > c.head[stem]


def _noun(c: RoleCounts, w: str) -> bool:
    return (w.lower() not in STOPWORDS and c.head[w] >= MIN_HEAD and c.verb[w] <= c.head[w]
            and c.adj[w] < c.head[w])


def _key(w: str) -> str:
    return w if w.isupper() else w.lower()


@dataclass(frozen=True)
class Roles:
    """What the collection shows: ``titles`` (role words: "boss", "bank", "DJ") and ``nouns`` (any
    noun-phrase head: "international"), read only after a capitalised modifier ("Iceland Under-21
    international Emil Hallfredsson")."""
    titles: frozenset = frozenset()
    nouns: frozenset = frozenset()


def _segment_counts(seg, live, limit: int = MAX_DOCS) -> RoleCounts:
    texts = seg.documents.column("text").slice(0, limit).to_pylist()  # never the whole column
    return count_roles(t for t, ok in zip(texts, live.tolist()) if ok)


def _mine(snapshot) -> Roles:
    total = RoleCounts()
    if hasattr(snapshot, "segments"):  # kept per segment: a new reader after an update counts only the new one
        parts = sorted(zip(snapshot.segments, snapshot.tombstones, snapshot.live_docs),
                       key=lambda p: -p[0].documents.num_rows)
        budget = MAX_TOTAL_DOCS
        for seg, tomb, live in parts:
            if budget <= 0:
                break
            limit = min(MAX_DOCS, budget)  # what is left of the budget, so MAX_TOTAL_DOCS holds
            total.add(seg.kept(f"roles:{limit}", tomb,
                               lambda seg=seg, live=live, limit=limit: _segment_counts(seg, live, limit)))
            budget -= min(seg.documents.num_rows, limit)
    else:
        docs = list(snapshot.documents.values())[:MAX_DOCS]
        total = count_roles(d.get("text", "") for d in docs)
    return Roles(role_words(total), noun_words(total))


_ROLES = PerReader()


def collection_roles(snapshot) -> Roles:
    """The role words mined from ``snapshot``'s documents (once per index generation); none for an
    object that holds no documents (a stand-in reader of a test)."""
    if not (hasattr(snapshot, "segments") or hasattr(snapshot, "documents")):
        return Roles()
    return _ROLES.get_or_make(snapshot, _mine)
