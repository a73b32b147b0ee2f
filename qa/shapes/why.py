"""Why: the sentence that carries the cause of the event asked about ("because", "after", "over",
"following", "due to", "amid", "the reason"), from the article about that event."""

from __future__ import annotations

import re

from ..quotes import Candidate
from ..text import STOPWORDS
from .pool import Pool

CAUSE = re.compile(r"\b(because|after|over|following|due to|amid|the reason|reasons?|as a result of|owing to|"
                   r"thanks to|blamed|caused by|led to|prompted|in protest|sparked|forced|so that|since|saying)\b", re.I)
STRONG = re.compile(r"\b(because|due to|the reason|reasons? for|as a result of|owing to|blamed|caused by|in protest)\b", re.I)
MIN_RATIO = 0.75  # a cause sentence must score this close to the best sentence
ARTICLE_RATIO = 0.3  # further down the event's article, a cause sentence need score only this share


# "eight months after taking charge", "since November", "over the past year": time, not cause
_TIME_BEFORE = re.compile(r"\b(?:minutes?|hours?|days?|weeks?|months?|years?|decades?|moments?|shortly|soon|long|"
                          r"straight|immediately)\s+$", re.I)
_TIME_AFTER = re.compile(r"^\s+(?:the\s+(?:past|last|next|first|start|end|beginning|summer|winter|spring|autumn|years?|"
                         r"weekend|holiday|festive|christmas)\b|(?:last|this|next)\b|then\b|\d|(?:january|february|march|april|"
                         r"may|june|july|august|september|october|november|december)\b|\w+\s+(?:years?|months?|weeks?|days?)\b)", re.I)
_TIME_WORDS = ("after", "since", "over", "following")
# "took over the job", "handed over": a verb's particle, not "over the row"
_PARTICLE = re.compile(r"\b(?:take|takes|took|taken|taking|hand|hands|handed|handing|turn|turns|turned|turning|"
                       r"win|won|winning|get|got|all|left|start|started|starting)\s+$", re.I)


def _causal(text: str, m: re.Match) -> bool:
    """A cause word that is not a mere time ("months after", "since May", "over the past year")."""
    word = m.group(0).lower()
    if word not in _TIME_WORDS:
        return True
    if word in ("after", "following") and _TIME_BEFORE.search(text[: m.start()]):
        return False
    if word == "over" and _PARTICLE.search(text[: m.start()]):
        return False
    return not _TIME_AFTER.match(text[m.end():])


def cause_bonus(text: str) -> float:
    if STRONG.search(text):
        return 0.12
    return 0.06 if any(_causal(text, m) for m in CAUSE.finditer(text)) else 0.0


# "Why did David Blunkett resign?": the subject and the act asked about
_WHY_ACT = re.compile(r"^(?i:why|how come)\s+(?i:did|does|do|has|have|had|was|were|is|are|will|would)\s+"
                      r"((?:[A-Z][\w'\u2019.-]*\s+)*[A-Z][\w'\u2019.-]*(?:\s+and\s+(?:[A-Z][\w'\u2019.-]*\s+)*"
                      r"[A-Z][\w'\u2019.-]*)?)\s+(?:been\s+)?([a-z]{3,})\b")
_NAME_BEFORE = re.compile(r"((?:[A-Z][\w'\u2019.-]*\s+)*[A-Z][\w'\u2019.-]*)\s+(?:(?:was|were|has|had|is)\s+)?"
                          r"(?:(?:forced|expected|set|due|asked|made)\s+)?(?:to\s+)?$")


def others_act(question: str, text: str) -> bool:
    """The sentence tells the asked act of someone else: "Ms Hughes was forced to resign in April over
    abuses" gives the cause of her resignation, not of David Blunkett's.

        >>> others_act("Why did David Blunkett resign?", "Ms Hughes was forced to resign in April over abuses.")
        True
        >>> others_act("Why did David Blunkett resign?", "Mr Blunkett resigned after an inquiry.")
        False
        >>> others_act("Why were Kenteris and Thanou charged?", "The Greek pair were charged after missing tests.")
        False
    """
    m = _WHY_ACT.match(" ".join(question.split()))
    if not m or m.group(2) in STOPWORDS:
        return False
    who = {w.lower() for w in re.findall(r"[\w'-]+", m.group(1))} - {"mr", "mrs", "ms", "dr"}
    stem = m.group(2)[:5].lower()  # "resign": resigned, resignation, resigning
    doers = []
    for v in re.finditer(rf"\b{re.escape(stem)}\w*", text, re.I):
        n = _NAME_BEFORE.search(text[: v.start()])
        if n:
            doers.append({w.lower() for w in re.findall(r"[\w'-]+", n.group(1))})
    return bool(doers) and all(not d & who for d in doers)


def choose_why(pool: Pool) -> list[Candidate]:
    """The best sentence and the best cause-bearing sentence of its article (or of the top sentences),
    in article order; [] if there is nothing to quote."""
    if not pool.scored:
        return []
    best = pool.scored[0]
    top_docs = {c.hit.passage.doc_id for c in pool.scored[:3]}
    cause = [c for c in pool.scored[:20] if cause_bonus(c.text) and c.score >= MIN_RATIO * best.score
             and c.hit.passage.doc_id in top_docs and not others_act(pool.question, c.text)]
    if not cause:  # the cause is often further down the event's own article
        article = pool.article(best.hit.passage.doc_id) if best.hit.passage.kind != "headline" else []
        cause = [c for c in article if cause_bonus(c.text) and c.text != best.text and c.score >= ARTICLE_RATIO * best.score
                 and not others_act(pool.question, c.text)]
        if not cause:  # no cause word: the event's sentence and the article's next best, for context
            rest = sorted((c for c in article if c.text != best.text), key=lambda c: -c.score)[:1]
            return sorted([best] + rest, key=lambda c: c.start) if rest else []
    if not cause:
        return []
    ranked = sorted(cause, key=lambda c: -(c.score + cause_bonus(c.text)))
    lead = ranked[0]
    out = [lead]
    if best is not lead and best.text != lead.text:
        out.append(best)
    if len(ranked) > 1 and ranked[1].hit.passage.doc_id == lead.hit.passage.doc_id and ranked[1].text != best.text:
        out.append(ranked[1])  # a second cause of the same article ("after ..." and "because ...")
    if all(c.hit.passage.doc_id == out[0].hit.passage.doc_id for c in out):
        out.sort(key=lambda c: c.start)
    return out
