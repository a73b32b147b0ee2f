from qa.abstain import AbstainSettings, confidence, should_abstain
from qa.quotes import Candidate

S = AbstainSettings()


def cand(dense, lexical):
    return Candidate(hit=None, start=0, end=1, text="x", dense=dense, lexical=lexical)


def test_far_in_meaning_is_never_answered_even_with_shared_words():
    assert should_abstain(cand(S.min_dense - 0.05, 1.0), S)[0]


def test_close_in_meaning_is_answered_with_few_shared_words():
    assert not should_abstain(cand(S.confident_dense + 0.05, 0.0), S)[0]


def test_in_between_needs_the_question_words():
    between = (S.min_dense + S.confident_dense) / 2
    assert should_abstain(cand(between, S.min_lexical - 0.1), S)[0]
    assert not should_abstain(cand(between, S.min_lexical + 0.1), S)[0]


def test_confidence_is_monotone_and_bounded():
    grid = [(d / 20, l / 10) for d in range(0, 21) for l in range(0, 11)]
    for d, l in grid:
        c = confidence(cand(d, l), S)
        assert 0.0 <= c <= 1.0
        assert confidence(cand(min(1.0, d + 0.05), l), S) >= c - 1e-9
        assert confidence(cand(d, min(1.0, l + 0.1)), S) >= c - 1e-9


def test_nothing_retrieved_abstains():
    assert should_abstain(None, S) == (True, 0.0)


def test_headlines_are_judged_on_their_own_scale():
    from types import SimpleNamespace

    headline = Candidate(hit=SimpleNamespace(passage=SimpleNamespace(kind="headline")), start=0, end=1, text="x",
                         dense=(S.confident_dense + S.headline_confident_dense) / 2, lexical=0.0)
    paragraph = Candidate(hit=SimpleNamespace(passage=SimpleNamespace(kind="paragraph")), start=0, end=1, text="x",
                          dense=headline.dense, lexical=0.0)
    assert S.confident_dense < S.headline_confident_dense
    assert should_abstain(headline, S)[0] and not should_abstain(paragraph, S)[0]
