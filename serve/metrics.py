"""Prometheus metrics of one server: questions, latency, abstentions, errors, the index generation.

Each app has its own registry (no process-global state: two apps in one process, as in tests, do not
share counts). ``GET /metrics`` returns ``render()`` in the Prometheus text format.

    >>> m = Metrics()
    >>> m.observe_answer({"abstained": True}, 0.012)
    >>> b"newsqa_abstentions_total 1.0" in m.render()[0]
    True
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

# Seconds; a question on the sample corpus takes ~10-30 ms, on a large index or under load up to seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The counters of one server."""

    def __init__(self):
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.questions = Counter("newsqa_questions", "Questions answered (abstentions included)", ["endpoint"], registry=r)
        self.abstentions = Counter("newsqa_abstentions", "Questions the articles did not answer", registry=r)
        self.errors = Counter("newsqa_request_errors", "Requests refused or failed, by status code", ["status"], registry=r)
        self.latency = Histogram("newsqa_question_seconds", "Time to answer one question (server side)",
                                 buckets=BUCKETS, registry=r)
        self.generation = Gauge("newsqa_index_generation", "Number of the index generation being served", registry=r)
        self.passages = Gauge("newsqa_index_passages", "Passages in the index being served", registry=r)
        self.articles = Gauge("newsqa_index_articles", "Articles in the index being served", registry=r)

    def observe_answer(self, answer: dict, seconds: float, endpoint: str = "ask") -> None:
        self.questions.labels(endpoint).inc()
        if answer.get("abstained"):
            self.abstentions.inc()
        self.latency.observe(seconds)

    def observe_error(self, status: int) -> None:
        self.errors.labels(str(status)).inc()

    def observe_index(self, summary: dict) -> None:
        """Record the served generation (``g000012`` -> 12) and its size."""
        gen = str(summary.get("generation", ""))
        digits = "".join(ch for ch in gen if ch.isdigit())
        self.generation.set(int(digits) if digits else 0)
        self.passages.set(summary.get("passages", 0))
        self.articles.set(summary.get("articles", 0))

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
