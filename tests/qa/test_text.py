"""Question words: what a question is about, apart from the words that say what kind of answer it wants."""

from newsqa.qa.text import question_terms


def test_the_word_after_how_names_the_kind_of_answer():
    assert question_terms("How old is Putin?") == ["putin"]


def test_answer_type_nouns_after_what_or_which_are_not_topic_words():
    assert question_terms("What age is the Russian president?") == ["russian", "presid"]
    assert question_terms("In which year did the war end?") == ["war", "end"]
    assert question_terms("What is the number of people evacuated?") == ["peopl", "evacu"]


def test_the_same_nouns_elsewhere_are_topic_words():
    assert "age" in question_terms("Which leader spoke about the age of Putin?")
    assert "year" in question_terms("What happened last year in Morocco?")


# -- qa.text.terms: the index's tokenizer, memoised ------------------------------------------------

def test_terms_equal_the_index_tokenizer_on_the_seed_page_and_tricky_words():
    import newsqa.qa.text as text
    from newsqa.embeddings.lexical import terms as index_terms
    from helpers import SEED

    page = SEED.read_text()
    samples = [page, *page.split("\n"), *page.split(". "), "Bush\u2019s plan", "O'Neill's 'quote'", "it\u2019S", "\u2019s",
               "x\u2019s\u2019s", "\u0130stanbul\u2019s", "don\u2019t", "\u00c6\u00d8\u00c5's", "a_b c__d", "", "the of and"]
    text.stem_of.cache_clear()
    for s in samples * 2:  # the second pass answers from the memos
        assert text.terms(s) == index_terms(s), s
        assert text._terms(s) == index_terms(s), s


def test_terms_equal_the_index_tokenizer_on_the_bbc_corpus():
    import json

    import newsqa.qa.text as text
    from newsqa.embeddings.lexical import terms as index_terms
    from helpers import BBC, need

    rows = [json.loads(line) for line in need(BBC / "bbc_news.jsonl").read_text().splitlines()[::10]]
    for r in rows:
        for s in [r["text"], *r["text"].split("\n")]:
            assert text.terms(s) == index_terms(s), s[:80]


def test_terms_returns_a_new_list_each_call():
    from newsqa.qa.text import terms

    a = terms("Putin met Kim")
    a.append("changed")
    assert terms("Putin met Kim") == ["putin", "met", "kim"]


def test_the_stem_memo_keeps_the_words_used_last(monkeypatch):
    """Bounded, least recently used out first (the caches' rule), even within one text."""
    from functools import lru_cache

    import newsqa.qa.text as text

    small = lru_cache(maxsize=3)(text.stem_of.__wrapped__)
    monkeypatch.setattr(text, "stem_of", small)
    assert text._terms("running dogs bark loudly") == ["run", "dog", "bark", "loud"]
    assert small.cache_info().currsize == 3
    assert text._terms("the cats running") == ["cat", "run"]  # "the": a stop word, memoised as None
    assert small.cache_info().currsize == 3 and small.cache_info().misses == 7
    assert text._terms("running") == ["run"] and small.cache_info().hits == 1  # used last: still there
    assert text.stem_of("the") is None and text.stem_of("") == ""


# says_whole: a whole-word search without a regex compiled per phrase (asked._said's hot path)
import re  # noqa: E402

from hypothesis import example, given, strategies as st  # noqa: E402

from newsqa.qa.text import says_whole  # noqa: E402

_ALPHABET = st.sampled_from(list("ab_1 £%-.'é\u00b2\u0661"))  # word chars of several kinds and non-word chars


def test_says_whole_reads_words_not_pieces_of_words():
    assert says_whole("how many phones were sold in one week", "one")
    assert not says_whole("how many phones were sold", "one")  # "phones" holds "one", not as a word
    assert says_whole("priced at £229 in the uk", "£229")
    assert not says_whole("priced at £2290", "£229")
    assert not says_whole("a_one", "one")  # "_" is a word character, as for re's \w


@given(st.text(_ALPHABET, max_size=12), st.text(_ALPHABET, max_size=4))
@example("x", "")
@example("", "")
@example("a-b", "")
def test_says_whole_is_the_regex_it_replaced(text, phrase):
    expected = re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text) is not None
    assert says_whole(text, phrase) == expected
