"""Answers from two encoders that agree to parity (vectors ~1e-6 apart) are the same answers, and
``qa.agreement.same_answer`` says so where comparing ``to_dict()`` objects with ``==`` did not."""

import hashlib
import json

import numpy as np
import pytest

from helpers import ROOT, jittered_hashing_encoder, seed_and_markdown_index
from newsqa.qa import Engine
from newsqa.qa.agreement import differences, same_answer

QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "eval" / "questions" / "seed.jsonl").read_text(encoding="utf-8").splitlines()[:12]]


class NoisyEncoder:
    """``base`` with every vector moved by a text-seeded random ``eps`` (relative), renormalised: what
    another backend at parity (cosine 1.000000) gives."""

    def __init__(self, base, eps: float):
        self.base, self.eps = base, eps
        self.name, self.checksum, self.dimension = base.name, base.checksum, base.dimension
        self.backend, self.precision = base.backend, base.precision

    def _noisy(self, texts, v):
        out = np.array(v, dtype=np.float32)
        for i, t in enumerate(texts):
            rng = np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little"))
            d = rng.standard_normal(out.shape[1])
            out[i] += self.eps * d / np.linalg.norm(d)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_documents(self, texts, *, progress=False):
        return self._noisy(texts, self.base.encode_documents(texts))

    def encode_queries(self, texts):
        return self._noisy(texts, self.base.encode_queries(texts))

    def encode_passages(self, texts, spans, *, progress=False):
        p, s = self.base.encode_passages(texts, spans)
        return self._noisy(texts, p), s


@pytest.fixture(scope="module")
def jittered_index(tmp_path_factory):
    return seed_and_markdown_index(tmp_path_factory.mktemp("agree"), jittered_hashing_encoder())


def test_parity_noise_changes_scores_not_answers(jittered_index):
    enc = jittered_hashing_encoder()
    ref = Engine.open(jittered_index, encoder=enc)
    noisy = Engine.open(jittered_index, encoder=NoisyEncoder(enc, 2e-6))
    a = [ref.ask(q, k=10).to_dict() for q in QUESTIONS]
    b = [noisy.ask(q, k=10).to_dict() for q in QUESTIONS]
    assert sum(not x["abstained"] and bool(x["citations"]) for x in a) >= 3  # the answers quote something
    for x in a + b:
        x.pop("timings_ms")
    # The noise reaches the printed scores (so ``==`` on the objects calls the answers changed) ...
    assert any(x != y for x, y in zip(a, b))
    # ... and nothing an answer says: the same text, quotes, offsets and ranking, every score within 1e-4.
    for q, x, y in zip(QUESTIONS, a, b):
        assert same_answer(x, y), (q, differences(x, y))
        assert [h["passage_id"] for h in x["retrieved"]] == [h["passage_id"] for h in y["retrieved"]]


def test_same_answer_sees_every_real_difference():
    a = {"answer": "The port closed.", "abstained": False, "confidence": 0.91,
         "citations": [{"quote": "The port closed.", "start": 10, "end": 26, "score": 0.812345}],
         "retrieved": [{"passage_id": "p1", "score": 0.8}, {"passage_id": "p2", "score": 0.7}],
         "timings_ms": {"total": 5.0}}

    def changed(**kw):
        return {**a, **kw}

    assert same_answer(a, changed(timings_ms={"total": 50.0}, confidence=0.91000004))
    assert differences(a, changed(confidence=0.92)) == ["confidence"]
    assert differences(a, changed(abstained=True)) == ["abstained"]
    cite = dict(a["citations"][0], end=27)
    assert differences(a, changed(citations=[cite])) == ["citations[0].end"]
    assert set(differences(a, changed(retrieved=a["retrieved"][::-1]))) == {
        "retrieved[0].passage_id", "retrieved[1].passage_id", "retrieved[0].score", "retrieved[1].score"}
    assert differences(a, changed(citations=[])) == ["citations"]
    assert differences(a, {k: v for k, v in a.items() if k != "confidence"}) == ["confidence"]
