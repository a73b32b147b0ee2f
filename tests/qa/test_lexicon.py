"""The shared word lists (qa/lexicon.py): one home that the answer rules agree on."""

import re

import pytest

from newsqa.qa import followup, lexicon, spans, slot_choice
from newsqa.qa.shapes import who_is
from newsqa.qa.signals import is_demonym


@pytest.mark.parametrize("word,want", [
    ("Canadian", True), ("Chinese", True), ("South African", True), ("Scots", True), ("Americans", True),
    ("Brian", False), ("Adrian", False), ("Japan", False), ("Ferrari", False), ("Capgemini", False),
    ("canadian", False),  # a nationality is written with a capital
])
def test_nationalities_are_listed_not_guessed_by_suffix(word, want):
    assert lexicon.is_nationality(word) is want


def test_the_demonym_check_of_the_signals_reads_the_same_list():
    assert is_demonym("Russian") and not is_demonym("Sebastian") and not is_demonym("Pakistan")


def test_the_lists_nest_as_the_rules_need():
    assert lexicon.OFFICE_ROLES <= lexicon.ROLE_WORDS <= lexicon.PERSON_NOUNS
    assert lexicon.ROLE_WORDS <= lexicon.DESCRIPTION_WORDS
    assert not lexicon.BODY_WORDS & lexicon.ROLE_WORDS  # a firm is no person
    assert all(w == w.lower() for w in lexicon.DESCRIPTION_WORDS | lexicon.PERSON_NOUNS)


def test_every_rule_reads_the_one_lexicon():
    assert set(who_is.ROLE_WORDS) == lexicon.DESCRIPTION_WORDS
    assert spans.DESCRIPTION_WORDS is lexicon.DESCRIPTION_WORDS
    assert slot_choice.PERSON_NOUNS is lexicon.PERSON_NOUNS and slot_choice.OFFICE_ROLES is lexicon.OFFICE_ROLES
    for old in ("_NATIONALITIES", "_OFFICE_ROLES", "_PERSON_NOUNS"):
        assert not hasattr(slot_choice, old)


def test_a_who_is_role_before_a_name_uses_the_shared_roles():
    assert spans.role_span("Phil Vickery", "England prop Phil Vickery broke his arm.") is not None


def test_each_nationality_word_is_written_once():
    forms = [f for c in lexicon.COUNTRIES for f in c.names + c.adjectives + c.people]
    assert len(forms) == len(set(forms))
    assert not lexicon.OTHER_NATIONALITIES & set(forms)  # a listed country's adjective lives in its row
    assert lexicon.NATIONALITIES == lexicon.OTHER_NATIONALITIES | {a for c in lexicon.COUNTRIES for a in c.adjectives}
    assert lexicon.COUNTRY_FORMS == tuple(c.names + c.adjectives + c.people for c in lexicon.COUNTRIES)


@pytest.mark.parametrize("form,nationality", [
    ("British", True), ("Briton", False), ("Britain", False), ("Swede", False), ("Swedish", True),
    ("New Zealander", False), ("South African", True), ("North Korean", True), ("Saudi", True),
])
def test_a_country_row_says_which_forms_are_nationalities(form, nationality):
    assert lexicon.country_of(form) is not None
    assert lexicon.is_nationality(form) is nationality


@pytest.mark.parametrize("verb", ["said", "told", "insists", "denied", "believes"])
def test_the_person_did_rules_read_the_one_list_of_saying_verbs(verb):
    # the rules' patterns are private and have no public seam that shows the verb alone
    assert re.fullmatch(lexicon.SAYING_VERBS, verb)
    assert re.fullmatch(followup._ACTS, verb)  # "Putin insisted": a person
    assert slot_choice._AGE_OF_PERSON.match(f"-year-old {verb}")  # "The 52-year-old denied": a person's age
    assert re.fullmatch(who_is._BACK_VERB, verb)
    assert not who_is._HE.match(f"He {verb} he was"), "a pronoun that says something describes nobody"
