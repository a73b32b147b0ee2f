"""What happened / tell me about / overview: a short brief of 3-5 citations: the lead of the article most
about the question (its first three passages, whole: a passage of several sentences is one citation of
them all, so a brief may quote more than five sentences) and its best later sentence, in article order, then
the next article's best sentence when it scores near the best."""

from __future__ import annotations

import re

from ..quotes import Candidate, near_duplicate
from .pool import Pool

MIN_QUOTES = 3  # a brief holds 3-5 citations
ARTICLES_COMPARED, TOP_SENTENCES = 4, 4  # the article most about the question: best mean of its lead's top 4 sentences
SECOND_ARTICLE, SECOND_RATIO = 1, 0.8  # the next article adds its best sentence if it scores near the best


_FACT = re.compile(r"\d|\b[A-Z][a-z]+\s+[A-Z][a-z]+")
FACT_BONUS = 0.05  # a sentence with a figure or a full name tells a fact of the story


# news tells the story first: its first paragraphs are its summary. The brief opens with the article's first
# 3 passages whole (a passage is a paragraph, or a part of a long one: at most 200 tokens), not its first 3
# sentences: the facts of a lead paragraph sit in all its sentences
LEAD_PASSAGES = 3
EXTRA = 1  # then the best-scoring sentence of the later passages (what the question asks beyond the lead)


def lead_of(sents: list[Candidate]) -> list[Candidate]:
    """The sentences of the article's first ``LEAD_PASSAGES`` passages (article order)."""
    passages = list(dict.fromkeys(c.hit.passage.passage_id for c in sents))[:LEAD_PASSAGES]
    return [c for c in sents if c.hit.passage.passage_id in passages]


def fact_bonus(text: str) -> float:
    return FACT_BONUS if _FACT.search(text[1:]) else 0.0


def most_about(pool: Pool, docs: list[str]) -> list[str]:
    """``docs`` with the article most about the question first: the best mean score of the top
    sentences of its lead (one sentence matching well makes a passing mention, several make the story,
    and an article whose lead tells it is about it, not one that comes to it later: a follow-up report
    or a background piece)."""
    def aboutness(doc_id: str) -> float:
        top = sorted((c.score for c in lead_of(pool.article(doc_id))), reverse=True)[:TOP_SENTENCES]
        return sum(top) / len(top) if top else 0.0

    features = feature_docs(pool) if EVENT_Q.match(pool.question) else set()
    head = sorted(docs[:ARTICLES_COMPARED], key=lambda d: (d in features, -aboutness(d)))
    return head + docs[ARTICLES_COMPARED:]


EVENT_Q = re.compile(r"^\s*what\s+(?:has\s+|had\s+)?happened\b", re.I)
# a profile, a collection of quotes, a Q&A or a timeline tells a life or a background, not the events:
# "What happened to X?" reads the news reports about X first (a feature still serves "Tell me about X")
FEATURE_HEADLINE = re.compile(r"^(?:profile|q\s*&\s*a|timeline|obituary|in quotes|factfile|fact file|"
                              r"who's who|analysis)\s*:|\bin quotes$|^profile\b|\?$", re.I)


def feature_docs(pool: Pool) -> set[str]:
    """The articles among the candidates whose headline marks a feature, not a news report."""
    return {c.hit.passage.doc_id for c in pool.scored if FEATURE_HEADLINE.search(c.hit.passage.title or "")}


def choose_brief(pool: Pool) -> list[Candidate]:
    """The article's lead sentence and its best-scoring others, in article order; [] if none."""
    if not pool.scored:
        return []
    docs = most_about(pool, list(dict.fromkeys(c.hit.passage.doc_id for c in pool.scored[:10])))
    out: list[Candidate] = []
    for doc_id in docs[:2]:
        sents = pool.article(doc_id)
        if not sents:
            continue
        if out:  # a second article: its best sentence when it scores near the best, more if the first was short
            want = max(MIN_QUOTES - len(out), SECOND_ARTICLE)
            picked = sorted((c for c in sents if len(c.text) > 30 and c.score >= SECOND_RATIO * pool.scored[0].score),
                            key=lambda c: -c.score)
        else:
            lead = lead_of(sents)
            want = len(lead) + EXTRA
            picked = lead + sorted((c for c in sents[len(lead):] if len(c.text) > 30),
                                   key=lambda c: -(c.score + fact_bonus(c.text)))
        chosen: list[Candidate] = []
        for c in picked:
            if len(chosen) >= want:
                break
            if any(near_duplicate(c.text, o.text) for o in out + chosen):
                continue
            chosen.append(c)
        out.extend(sorted(chosen, key=lambda c: c.start))
    return out
