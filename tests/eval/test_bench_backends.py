"""The question-encode part of ``eval.bench_backends``: every backend timed on every question of every
round, CPU time and wall clock, with its cosine to torch fp32."""

import numpy as np

from newsqa.embeddings.encoder import HashingEncoder
from newsqa.eval.bench_backends import question_encode, questions


class Noisy(HashingEncoder):
    def encode_queries(self, texts):
        v = super().encode_queries(texts) + 0.05
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_question_encode_times_every_backend_and_compares_it_to_torch():
    encs = {"torch": HashingEncoder(64), "same": HashingEncoder(64), "noisy": Noisy(64)}
    got = question_encode(["Who met Putin?", "Where?", "When?"], encs, rounds=2)
    assert got["questions"] == 3 and got["rounds"] == 2 and len(got["load_average_per_round"]) == 2
    assert all(got[n]["cpu_p50_ms"] >= 0 and got[n]["wall_p50_ms"] >= 0 for n in encs)
    assert got["same"]["min_cosine_vs_torch"] >= 0.9999999 and got["noisy"]["min_cosine_vs_torch"] < 0.9999


def test_questions_are_the_bbc_dev_ones_first():
    qs = questions(200)
    assert len(qs) == 200 == len(set(qs)) and qs[0].startswith("How many people were unemployed in the UK")
