"""The question-latency part of ``eval.bench_backends``: every backend timed on every question,
wall clock and CPU time."""

from newsqa.embeddings.encoder import HashingEncoder
from newsqa.eval.bench_backends import question_latency


def test_question_latency_times_every_backend_on_every_question():
    encs = {"torch": HashingEncoder(64), "other": HashingEncoder(32)}
    wall, cpu = question_latency(["Who met Putin?", "Where?", "When?"], encs)
    assert set(wall) == set(cpu) == set(encs)
    assert all(len(wall[n]) == len(cpu[n]) == 3 for n in encs)
    assert all(w >= 0 and c >= 0 for n in encs for w, c in zip(wall[n], cpu[n]))
