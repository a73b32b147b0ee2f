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
