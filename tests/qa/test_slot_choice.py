"""The slot rules of the quote choice (qa/slot_choice.py), on small hand-made sentences: which close
sentence fills the asked slot, and when it takes the lead from the best-scoring one."""

from dataclasses import dataclass

import pytest

from newsqa.qa.quotes import near_duplicate
from newsqa.qa.slot_choice import (TIE_RATIO, add_close_second, anchor_terms, asked_verb, asks_for_person, doer_spans,
                                   fill_slot, filler_first, slot_level, unnamed_doer)


@pytest.mark.parametrize("q,s,want", [
    # a name next to the asked role, office or noun
    ("Which referee ruled out the try?", "South African referee Jonathan Kaplan ruled that Cueto was ahead.", 2),
    ("Who chairs the Mobile Data Association?", "Looking ahead, the MDA's chairman Mike Short has predicted growth.", 2),
    ("Who heads Athletics Kenya?", "\"She gave a reason,\" said AK chief Isaiah Kiplagat.", 2),
    ("Who is the chief executive of the US TV network Fox?", "Chief executive Gail Berman said the network drifted.", 2),
    ("Who will run Nissan day to day?", "As chief operating officer, Toshiyuki Shiga will run Nissan on a daily basis.", 2),
    ("Who runs Fox?", "Fox boss Rupert Murdoch said the network would grow.", 2),  # "boss" is no "bo" + "ss"
    ("Which Chelsea striker scored the winner?", "Chelsea striker Adrian scored the winner.", 2),  # a name, no nationality
    ("Which Dublin school complained about the video?", "The head of the Christian Brothers' school St Fintian's, said it.", 2),
    # a count next to the counted noun, or only of the asked kind
    ("How many caps has Gareth Llewellyn won for Wales?", "It is time to end his 92-cap Wales career.", 2),
    ("How many people were out of work?", "The jobless total rose 32,000 to 1.41 million.", 1),
    ("How old is Duncan Bannatyne?", "The 52-year-old said he was reviewing his donations.", 2),  # the age of a person
    ("How old is Tony Blair?", "The 51-year-old premier has marked his 2,838th day in the post.", 2),
    ("How old is Phil Vickery?", "The 28-year-old England prop broke his arm.", 2),
    ("How old is Vladimir Putin?", "Putin, 70, and Kim, 39, met in Vostochny.", 2),
    ("How old is Phil Vickery?", "The 28-year-old fractured the radius in his forearm.", 2),  # a verb the list lacks
    ("How old is Phil Vickery?", "He owns a 40-year-old listed building.", 1),  # not a sentence's "The N-year-old"
    ("How old is Duncan Bannatyne?", "The 64-year-old latest donation follows a gift.", 1),  # the age of a thing
    ("How old is the building?", "The 150-year-old listed building was sold to a developer.", 1),  # -ed before a noun
    ("How old is the factory?", "The 50-year-old red-brick factory was demolished on Monday.", 1),
    ("How old is Phil Vickery?", "The 28-year-old retired in 2004.", 2),  # -ed before a preposition: an act
    ("How old is Tony Blair?", "He came to power at the age of 43.", 1),  # the age at an event
    # a date that says when, over a weekday or a month alone
    ("When does the new show begin?", "The show will be broadcast from 1 February on Tuesdays.", 2),
    ("When does the new show begin?", "The new show goes on air on Tuesday.", 1),
    ("When does the new show begin?", "The new show starts in February.", 1),
    ("What will Nintendo's media adapter cost?", "It is expected to cost about 5000 yen (\u00a325).", 1),
    # nothing of the asked kind
    ("What will Nintendo's media adapter cost?", "Nintendo is releasing an adapter for its DS console.", 0),
    ("When did Ray Charles die?", "Ray Charles, who died last year, was honoured.", 0),  # relative date: no date
    ("How big was the trade gap?", "The gap narrowed, helped by a 7.5% rise in exports.", 0),  # a change, not a size
    ("Who will run Nissan when Carlos Ghosn takes charge?", "Mr Ghosn will devote 40% of his time to Nissan.", 0),
    ("What stamp duty threshold did they propose?", "By failing to uprate it, Gordon Brown hit first-time buyers.", 0),
    ("Why did he resign?", "He resigned on Wednesday.", 0),  # no typed slot at all
    # an event still to come: a sentence telling only an earlier one fills no slot
    ("When will the general election be held?", "A British general election was last held in February in 1974.", 0),
    ("When will the general election be held?", "It will be held, as expected, on 5 May 2005.", 2),
])
def test_slot_level(q, s, want):
    assert slot_level(q, s) == want


def test_a_bare_name_does_not_lead():
    # "by the in-form Kiefer" fills a who-slot, but nothing ties it to the asked role or act
    assert slot_level("Whom did Marat Safin beat in the final?", "Safin was beaten 7-6 6-4 by the in-form Kiefer.") == 0
    assert slot_level("Who is the director of the festival?", "The festival opened with a film by Im Kwon-taek.") == 0
    assert slot_level("Who is the director of the festival?", "Festival director Dieter Kosslick opened it.") == 2


def test_anchor_terms_and_person_nouns():
    assert anchor_terms("Which referee ruled out the try?") == {"refere"}
    assert "inquiri" in anchor_terms("Who is leading the inquiry into the visa?")
    assert asks_for_person("Which Tory co-chairman said so?") and not asks_for_person("Which Sony console will use it?")


@dataclass(frozen=True)
class Doc:
    doc_id: str


@dataclass(frozen=True)
class At:  # the part of a Hit the tie step reads: which article the sentence is from
    passage: Doc


@dataclass
class C:  # the fields of quotes.Candidate that the choice reads
    text: str
    score: float
    hit: At = At(Doc("a"))
    covered: frozenset = frozenset()
    typed: bool = False


Q = "Who chairs the Mobile Data Association?"
RESTATES = C("Figures from the Mobile Data Association show the number of phones has doubled.", 0.60)
OTHER = C("The association said mobile data use would grow in 2005.", 0.55)
FILLS = C("The MDA's chairman Mike Short has predicted that more people will go online.", 0.47)


def test_the_close_sentence_that_fills_the_slot_leads():
    out = fill_slot(Q, [RESTATES, OTHER, FILLS], [RESTATES, OTHER])
    assert out == [FILLS, RESTATES]  # the filler first, then the best-scoring sentence; two at most


def test_a_filler_chosen_behind_a_sentence_that_fills_no_slot_is_shown_first():
    # the user's session: "Who is the Conservative leader?" showed the unmarked sentence first and
    # "...Tory leader Michael Howard has said" second
    assert filler_first(Q, [RESTATES, FILLS]) == [FILLS, RESTATES]
    assert filler_first(Q, [FILLS, RESTATES]) == [FILLS, RESTATES]
    assert filler_first("Why has mobile data use doubled?", [RESTATES, FILLS]) == [RESTATES, FILLS]
    # a "what <noun>" name is weak evidence: the order stays
    film = C("The Golden Bear prize went to the film Sideways on Sunday.", 0.40)
    other = C("The Golden Bear prize is the festival's top award.", 0.50)
    assert filler_first("Which film won the Golden Bear prize?", [other, film]) == [other, film]


def test_a_filler_far_below_the_best_does_not_lead():
    far = C(FILLS.text, 0.30)  # under 0.6 of the best score
    assert fill_slot(Q, [RESTATES, OTHER, far], [RESTATES, OTHER]) == [RESTATES, OTHER]


def test_the_first_choice_that_fills_the_slot_stays():
    best = C("Its chairman Mike Short said the figures were a record.", 0.60)
    assert fill_slot(Q, [best, OTHER, FILLS], [best]) == [best]


def test_untyped_questions_keep_their_choice():
    q = "Why has mobile data use doubled?"
    assert fill_slot(q, [RESTATES, OTHER, FILLS], [RESTATES, OTHER]) == [RESTATES, OTHER]


def test_the_better_of_two_fillers_of_the_same_level_is_kept():
    q = "How many people were unemployed in the final quarter?"
    best = C("Manufacturing lost 104,000 workers during the last quarter.", 0.70)  # a count, not of people
    gold = C("The number of people out of work rose 32,000 to 1.41 million people in the quarter.", 0.68)
    weak = C("\"We have effectively more than five million people unemployed,\" a minister said.", 0.61)
    assert slot_level(q, gold.text) == slot_level(q, weak.text) == 2
    assert fill_slot(q, [best, gold, weak], [best, weak])[0] is gold


def test_the_first_choice_follows_the_lead_even_when_the_second_fills_a_lower_level():
    # the first choice's signals set the answer's state and reason: it stays shown, second
    q = "How many caps has Gareth Llewellyn won for Wales?"
    first = C("Gareth Llewellyn has been recalled to the Wales squad.", 0.60)
    second = C("The squad of 30 players meets on Monday.", 0.58)  # a count, not of caps: level 1
    lead = C("It is time to end his 92-cap Wales career.", 0.50)  # level 2
    assert fill_slot(q, [first, second, lead], [first, second]) == [lead, first]


def test_a_name_in_quote_marks_next_to_the_asked_noun_fills_a_called_slot():
    q = "What is Robert Kilroy-Silk's new party called?"
    assert slot_level(q, "Kilroy launches 'Veritas' party") == 2  # the quote mark is no word between them
    assert slot_level(q, "He said Veritas would avoid the old parties' lies.") == 0  # not next to "party"


HEADLINE = C("Kilroy launches 'Veritas' party", 0.50)
BODY = C("Mr Kilroy-Silk told Sky News there was support for him to form a new party.", 0.70)
BODY2 = C("He said he was ashamed to be a member of UKIP.", 0.60)


def test_a_headline_that_fills_the_slot_leads_only_when_no_body_sentence_does():
    q = "What is Robert Kilroy-Silk's new party called?"
    assert fill_slot(q, [BODY, BODY2], [BODY, BODY2], titles=[HEADLINE]) == [HEADLINE, BODY]
    far = C(HEADLINE.text, 0.30)  # below 0.6 of the best body sentence: not close
    assert fill_slot(q, [BODY, BODY2], [BODY], titles=[far]) == [BODY]
    fills = C("The party, called Veritas party, was launched.", 0.65)
    assert fill_slot(q, [BODY, fills], [BODY], titles=[HEADLINE])[0] is not HEADLINE
    # a question that asks for no name keeps its choice whatever the headlines say
    assert fill_slot("How many seats will it contest?", [BODY], [BODY], titles=[HEADLINE]) == [BODY]


def test_a_capitalised_word_after_a_or_an_describes_the_asked_noun_and_does_not_name_it():
    q = "What is his new party called?"
    assert slot_level(q, "He would deliver better as the leader of a Eurosceptic party.") == 0
    assert slot_level(q, "He launched the Veritas party on Wednesday.") == 2


def test_a_name_after_the_asked_noun_and_the_names_it():
    q = "What is Billboard's second new chart called?"
    assert slot_level(q, "Its second new chart - the Pop 100 - also combines airplay and sales.") == 2
    assert slot_level(q, "The chart is compiled by the Official Charts Company.") == 0  # "compiled by the": no noun


def test_a_who_is_clause_after_a_name_holds_the_owned_role():
    q = "Who is Veritas\u2019 deputy leader?"
    assert {"deputi", "leader"} <= anchor_terms(q)
    assert slot_level(q, "He was joined by Damien Hockney who is now Veritas' deputy leader.") == 2
    assert slot_level(q, "He said Mr Kilroy-Silk had made him deputy party leader of Veritas.") == 0


def test_title_candidates_find_the_matched_articles_own_headline_by_its_row():
    from newsqa.embeddings.chunker import Passage
    from newsqa.qa.quotes import Candidate, title_candidates
    from newsqa.qa.types import Hit

    text = "Kilroy launches 'Veritas' party\n\nHe launched it today. More text here."
    head = Passage("p0", "d1", "headline", 0, 0, 31, text[:31], ((0, 31),))
    body = Passage("p1", "d1", "paragraph", 1, 33, 54, text[33:54], ((33, 54),))
    other = Passage("p2", "d2", "paragraph", 1, 0, 5, "Other", ((0, 5),))

    class Snap:  # the two things the walk reads
        passages = [other, head, body]

        def document_text(self, doc_id):
            return text

    best = Candidate(Hit(body, 2, 1.0), 33, 54, text[33:54])
    got = title_candidates([best], Snap(), [Hit(body, 2, 1.0)])
    assert [(c.text, c.hit.row, c.start, c.end) for c in got] == [("Kilroy launches 'Veritas' party", 1, 0, 31)]
    lone = Candidate(Hit(other, 0, 1.0), 0, 5, "Other")  # an article whose headline is not stored: none
    assert title_candidates([lone], Snap(), [Hit(other, 0, 1.0)]) == []


def test_a_near_tie_is_shown_beside_a_first_choice_that_stands_alone():
    best = C("The immune system protects organisms from infection with layered defenses.", 0.751)
    tie = C("The immune system is a system of structures that protects against disease.", 0.748)
    far = C("Immune systems appear even in the simplest forms of life.", 0.751 * TIE_RATIO - 0.01)
    assert add_close_second([best, tie, far], [best]) == [best, tie]
    assert add_close_second([best, far], [best]) == [best]  # not close enough: the first choice stays alone
    assert add_close_second([best, tie, far], [best, far]) == [best, far]  # a chosen second is never replaced
    assert add_close_second([best, tie], [best], max_sentences=1) == [best]
    assert add_close_second([best, C(best.text, 0.75)], [best]) == [best]  # the same text twice is no second


def test_a_near_tie_is_no_republished_copy_nor_a_sibling_articles_other_figure():
    best = C("The storm destroyed 40 homes in the coastal town of Brixham on Monday, officials said.", 0.80)
    copy = C("The storm destroyed 40 homes in the coastal town of Brixham on Monday, officials have said.", 0.79,
             At(Doc("b")))
    other = C("Officials in Torbay said 45 homes were destroyed by the storm on Monday.", 0.78,
              At(Doc("c")))
    own = C("Residents were moved to a school hall overnight.", 0.75)
    assert near_duplicate(best.text, copy.text) and not near_duplicate(best.text, other.text)
    assert add_close_second([best, copy, other], [best]) == [best]  # a copy skipped, a sibling adds nothing
    assert add_close_second([best, copy, other, own], [best]) == [best, own]  # the lead's own article: shown
    adds = C(other.text, 0.78, other.hit, covered=frozenset({"torbay"}))
    assert add_close_second([best, copy, adds], [best]) == [best, adds]  # a sibling adding question words
    news = C("Insurers expect large claims after the night of high winds along the coast.", 0.77, At(Doc("c")))
    assert add_close_second([best, copy, news], [best]) == [best, news]  # a sibling telling something else


# "Who <verb> ...?" answered sure from a lead sentence that names no doer: unnamed_doer (trust10's user session).
_TORY = ('He said that "very many of the prominent Conservatives" had slender leads in seats where the Lib Dems were second.',
         'Slough Conservative Association is being run from Conservative campaign headquarters, says a party spokesman.')


def test_a_body_is_not_the_doer_of_who_leads():
    assert unnamed_doer("Who leads the Conservative party?", list(_TORY)) == "who leads the Conservative party"
    assert unnamed_doer("Who leads the Conservative party?", ["Michael Howard leads the party into the election."]) == ""


def test_the_questions_own_names_are_not_the_doer():
    q = "Who wants to take over Manchester United?"
    assert unnamed_doer(q, ['"Manchester United fans can do nothing about it," he told the BBC.']) == "who wants to take over Manchester United"
    assert unnamed_doer(q, ["US tycoon Malcolm Glazer wants to take over the club."]) == ""
    lead = "Before he resigned on Wednesday, David Blunkett had been in charge of policing."
    assert unnamed_doer("And who replaced David Blunkett?", [lead]) == "who replaced David Blunkett"


def test_a_sentence_telling_the_act_done_to_another_names_no_doer():
    lead = "Before he resigned on Wednesday, David Blunkett had been in charge of policing."
    dog = "Lucy was replaced by her half-sister, Sadie, in 2003 after nearly a decade by Mr Blunkett's side."
    assert unnamed_doer("And who replaced David Blunkett?", [lead, dog]) == "who replaced David Blunkett"
    assert unnamed_doer("And who replaced David Blunkett?", [lead, "Charles Clarke replaced Mr Blunkett."]) == ""


def test_the_loser_and_the_other_competition_name_no_winner():
    q = "Who won the Australian Open men's title?"
    assert unnamed_doer(q, ["Serena Williams beat Lindsay Davenport to win her second Australian Open title."])
    assert unnamed_doer(q, ["Lleyton Hewitt was beaten by Marat Safin, who won the Australian Open title."]) == ""
    assert doer_spans("Who won the final?", "Safin beat Lleyton Hewitt in the final.") == []


def test_a_doer_in_the_second_sentence_next_to_the_act_keeps_the_answer():
    q = "Who is expected to replace Philippe Camus at the head of EADS?"
    lead = "The co-head of EADS Philippe Camus is to leave his post."
    assert asked_verb(q) == "replace"
    assert unnamed_doer(q, [lead, "Airbus head Noel Forgeard is now set to replace Mr Camus."]) == ""
    assert unnamed_doer(q, [lead, "Airbus head Noel Forgeard spoke in Paris."]) == "who is expected to replace Philippe Camus at the head of EADS"


def test_who_is_and_object_questions_are_left_alone():
    for q in ("Who is Philippe Camus?", "Who did John Toshack succeed?", "Whom did Safin beat?", "Who is the chief of EADS?",
              "Who is chief executive of the London Stock Exchange?"):
        assert unnamed_doer(q, ["The market rose on Tuesday."]) == ""
    assert asked_verb("Who originally led the Space Task Group?") == "led"


def test_a_passive_question_is_answered_by_the_one_acted_on():
    assert unnamed_doer("Who was limited by Denver's defense?", ["Newton was limited by Denver's defense."]) == ""


def test_a_one_word_name_counts_when_it_names_the_doer():
    assert unnamed_doer("Who scored twice in Belgium's rout?", ["Lukaku shrugs off cobwebs to score twice."]) == ""
    assert unnamed_doer("Who plotted the relationship?", ["Plotting the relationship, Kuznets saw a curve."]) == ""
    assert unnamed_doer("Who scored twice in Belgium's rout?", ["Goals came late on Tuesday, he said."])


@pytest.mark.parametrize("q,s", [
    ("Which US bank, accused of concealing the general's assets, agreed to pay?",
     "Last month in a US court, Riggs Bank pleaded guilty to failing to report suspicious activity."),
    ("Which QC resigned from the panel of special advocates?",
     "Ian MacDonald QC quit when the government failed to recognise a House of Lords ruling."),
    ("Which creator of The Sims surprised the conference with a preview of Spore?",
     "One developer bucking the trend is Will Wright, the creator of the best-selling Sims."),
])
def test_a_name_that_is_of_the_asked_kind_fills_the_slot(q, s):
    """"Riggs Bank" for "Which US bank...?": a name ending in the asked noun is the answer, not the
    question's own subject; a person named beside "the creator of" is one for "Which creator...?"."""
    assert slot_level(q, s) == 2


def test_a_name_ending_in_the_asked_noun_that_the_question_holds_does_not_fill_it():
    assert slot_level("Which Riggs bank branch agreed to pay?", "Riggs Bank pleaded guilty.") == 0


def test_a_place_based_description_is_no_name_of_the_asked_kind():
    q = "Which Boston-based private investment firm offered $3.25bn for the retailer?"
    assert slot_level(q, "Highfield said that it intends to take the Virginia-based firm private.") == 0


def test_the_asked_nouns_describing_word_must_stand_by_a_name_that_fills_it():
    """"Which Russian defence minister...?": a foreign minister is a minister, not the one asked for."""
    q = "Which Russian defence minister took part in the talks?"
    assert slot_level(q, "Russian Foreign Minister Sergei Lavrov will visit Pyongyang for more talks.") == 0
    assert slot_level(q, "The talks were attended by defence minister Sergei Shoigu.") == 2


def test_a_name_ending_in_the_asked_noun_does_not_fill_a_new_or_called_thing():
    """"What is his new party called?", "Which new party ...?": the old party's name ends in "Party" too."""
    s = "Robert Kilroy-Silk has quit the UK Independence Party."
    assert slot_level("What is Robert Kilroy-Silk's new party called?", s) == 0
    assert slot_level("Which new party did Robert Kilroy-Silk found?", s) == 0
