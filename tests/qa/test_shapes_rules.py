"""Rules of the answer shapes pinned on hand-made sentences and pools (no index, no model; fast):
who-is descriptions and the not-stated overrule, like-with-like compare pairs, the brief's lead."""

from types import SimpleNamespace

import pytest

from newsqa.qa.abstain import ANSWERED, NOT_FOUND, UNSURE, Decision
from newsqa.qa.quotes import Candidate
from newsqa.qa.shapes import Shape, overrule
from newsqa.qa.shapes.compare import Value, _best_pair, scale
from newsqa.qa.shapes.who_is import choose_who_is, description


def _cand(text: str, doc: str = "d", start: int = 0, score: float = 0.5, kind: str = "paragraph") -> Candidate:
    c = Candidate(SimpleNamespace(passage=SimpleNamespace(doc_id=doc, kind=kind)), start, start + len(text), text)
    c.score = score
    return c


@pytest.mark.parametrize("subject,sentence,kind", [
    ("Mikhail Khodorkovsky", "Mr Khodorkovsky, once Russia's richest man, is in prison.", "appositive"),
    ("Mikhail Khodorkovsky", "Once the country's richest man, Mr Khodorkovsky is on trial for fraud.", "appositive"),
    ("Delta Goodrem", "Goodrem, known in Britain for her role as Nina Tucker in Neighbours, also sang.", "appositive"),
    ("Mario Paniccia", "\"We've overcome a limit,\" said Dr Mario Paniccia, director of Intel's photonics lab.", "appositive"),
    ("Ashia Hansen", "British triple jumper Ashia Hansen has ruled out a comeback.", "role"),
    ("Platon Lebedev", "Mr Lebedev headed the Menatep group, the parent company of Yukos.", "copula"),
    ("David Blunkett", "David Blunkett - who has resigned as home secretary - built his reputation.", "appositive"),
    ("Delta Goodrem", "Goodrem, who played Nina Tucker, sang a duet.", "appositive"),
    # a copula's article is a whole word: "was also at the centre" describes nothing
    ("David Blunkett", "Mr Blunkett was also at the centre of a scandal.", ""),
    ("David Blunkett", "A week later, Mr Blunkett said he would stay.", ""),
    ("Gordon Brown", "Mr Blair is frustrated by a vengeful Mr Brown, who reportedly delights in secrecy.", ""),
])
def test_more_kinds_of_description(subject, sentence, kind):
    assert description(subject, sentence) == kind


def test_full_name_only_counts_the_name_as_asked():
    s = "Mr Lebedev headed the Menatep group."
    assert description("Platon Lebedev", s) == "copula"
    assert description("Platon Lebedev", s, full_name=True) == ""
    assert description("Platon Lebedev", "Platon Lebedev headed the Menatep group.", full_name=True) == "copula"


def _pool(scored, articles, texts):
    return SimpleNamespace(scored=scored, titles=lambda: [], article=lambda d: articles.get(d, []),
                           text=texts.__getitem__, memo={})


def test_an_article_naming_the_subject_in_full_fills_the_second_quote():
    top = _cand("Pop singer Delta Goodrem has won a prize.", "g", 0, 0.8)
    later = _cand("Goodrem, known for her role as Nina Tucker in Neighbours, sang.", "g", 200, 0.2)
    mention = _cand("Goodrem spoke to the board.", "h", 0, 0.9)
    stranger = _cand("Mr Goodrem, the chairman, spoke.", "h", 100, 0.3)  # his article lacks the full name: not read
    pool = _pool([mention, top], {"g": [top, later], "h": [mention, stranger]},
                 {"g": "Pop singer Delta Goodrem has won a prize.", "h": "Goodrem spoke to the board."})
    assert choose_who_is(pool, "Delta Goodrem") == [top, later]


def test_a_lead_introducing_the_subject_before_naming_it_describes_him():
    from newsqa.qa.shapes.who_is import _lead_description

    lead = _cand("A close associate of former Yukos boss Mikhail Khodorkovsky has denied fraud.", "l", 0)
    named = _cand("Platon Lebedev has been on trial since June.", "l", 80)
    assert _lead_description([lead, named], "Platon Lebedev") == [lead]
    assert _lead_description([named, lead], "Platon Lebedev") == []  # the next sentence must name him
    week = _cand("A week of talks ended on Friday.", "l", 0)  # no role word: no description
    assert _lead_description([week, named], "Platon Lebedev") == []


def _verdict(code):
    return Decision(NOT_FOUND, 0.02, {"code": code, "text": "", "terms": []})


def test_a_who_is_answer_the_abstainer_found_no_role_for_is_unsure_when_described():
    described = _cand("Mr Lebedev headed the Menatep group.", "l", 300)
    pool = _pool([described], {"l": [described]}, {"l": "Platon Lebedev denies charges. Mr Lebedev headed the Menatep group."})
    who = Shape("who_is", subject="Platon Lebedev")
    assert overrule(_verdict("not_stated"), who, pool).state == UNSURE
    # only the not-stated reason, only who-is, only when the article names the subject in full
    assert overrule(_verdict("unknown_terms"), who, pool).state == NOT_FOUND
    assert overrule(_verdict("not_stated"), Shape("fact"), pool).state == NOT_FOUND
    stranger = _pool([described], {"l": [described]}, {"l": "Mr Lebedev headed the Menatep group."})
    assert overrule(_verdict("not_stated"), who, stranger).state == NOT_FOUND
    assert overrule(_verdict("not_stated"), Shape("who_is", subject="Lebedev"), pool).state == NOT_FOUND


def test_values_compare_like_with_like():
    assert scale("2.4 billion") == scale("2.3 billion") != scale("133m")
    assert scale("$12.2m") == scale("$8.5m") != scale("£8.5m")
    assert scale("3.1%") == scale("4.4%")
    a_near, a_far, b = _cand("133m were sent on New Year's Eve.", "x"), _cand("2.4 billion were sent in December.", "y"), \
        _cand("2.3 billion were sent in October.", "z")
    pair = _best_pair([(0.9, a_near, Value(0, 4, "133m")), (0.8, a_far, Value(0, 11, "2.4 billion"))],
                      [(0.9, b, Value(0, 11, "2.3 billion"))])
    assert pair[0][0] is a_far  # a little lower, but the same kind of figure as the other side's


def _para(text: str, passage: str, start: int, score: float) -> Candidate:
    c = Candidate(SimpleNamespace(passage=SimpleNamespace(doc_id="b", kind="paragraph", passage_id=passage, title="")),
                  start, start + len(text), text)
    c.score = score
    return c


def test_a_brief_opens_with_the_lead_passages_whole_in_article_order():
    """The first three passages (not sentences) open the brief, though they score lowest: a lead
    paragraph's facts sit in all its sentences ("Lib Dem MP Lembit Opik said ..." third in the second)."""
    from newsqa.qa.shapes.brief import EXTRA, LEAD_PASSAGES, choose_brief

    texts = [("p1", "The new law banning hunting with dogs is so poorly drafted no-one can define the offence."),
             ("p2", "The accusation came after it emerged a Devon man had been told he could chase away animals."),
             ("p2", "Because he did not intend to kill deer or foxes it was not hunting, officials said."),
             ("p2", "Lib Dem MP Lembit Opik said ministers had invented a new category of hunting."),
             ("p3", "North Devon landowner Giles Bradshaw was put in touch with the Middle Way Group."),
             ("p4", "Mr Opik said hunting with dogs and flushing out were not the same thing at all."),
             ("p4", "Tory MP Peter Luff, another co-chairman of the group, said the law was a mess."),
             ("p5", "The League Against Cruel Sports said the law was clear and would be enforced.")]
    scores = [0.3, 0.2, 0.1, 0.1, 0.1, 0.4, 0.9, 0.8]
    sents = [_para(t, p, i * 100, s) for i, ((p, t), s) in enumerate(zip(texts, scores))]
    pool = SimpleNamespace(scored=sorted(sents, key=lambda c: -c.score), article=lambda d: sents, question="Tell me about it")
    got = choose_brief(pool)
    assert LEAD_PASSAGES == 3 and got[:5] == sents[:5]  # passages p1, p2 (all three sentences), p3
    assert got[5:] == [sents[6]][:EXTRA]  # then the best later sentence; article order throughout
    assert got == sorted(got, key=lambda c: c.start)


def test_the_article_most_about_a_question_is_the_one_whose_lead_tells_it():
    """A follow-up report that tells the story in its fourth passage scores below the report whose lead does."""
    from newsqa.qa.shapes.brief import most_about

    def art(*passages):
        return [_para("x" * 40, f"p{i}", i * 100, s) for i, s in enumerate(passages)]

    arts = {"later": art(0.3, 0.3, 0.3, 0.9, 0.9, 0.9, 0.9), "report": art(0.7, 0.6, 0.6, 0.2)}
    pool = SimpleNamespace(article=arts.__getitem__, scored=[], question="Tell me about the story")
    assert most_about(pool, ["later", "report"]) == ["report", "later"]


def test_what_happened_ranks_a_question_headline_as_a_feature():
    from newsqa.qa.shapes.brief import FEATURE_HEADLINE

    assert FEATURE_HEADLINE.search("What now for Kelly Holmes?") and FEATURE_HEADLINE.search("Analysis: No pain, no gain?")
    assert not FEATURE_HEADLINE.search("Holmes is hit by hamstring injury")


def test_an_article_is_scored_once_per_question():
    from newsqa.qa.shapes.pool import Pool

    calls = []
    pool = Pool("q", None, [], [], None, None, None, None)
    pool._read = lambda d: calls.append(d) or [d]
    assert pool.article("a") == pool.article("a") == ["a"] and calls == ["a"]


def test_an_answered_who_is_reply_needs_a_sentence_that_describes_the_subject():
    """The fact path's quotes stand in when no sentence describes X; they need not be about X, so
    the reply is at most unsure (no bold answer). A described subject stays answered."""
    passing = _cand("17 Andrei Pavel (Romania) 18 Nicolas Massu (Chile)", "r", 0)
    pool = _pool([passing], {"r": [passing]}, {"r": "ATP rankings. 17 Andrei Pavel (Romania) 18 Nicolas Massu (Chile)"})
    answered = Decision(ANSWERED, 0.9, None)
    assert overrule(answered, Shape("who_is", subject="Andrei Pavel"), pool).state == UNSURE
    assert overrule(answered, Shape("fact"), pool).state == ANSWERED  # only who-is questions
    described = _cand("Romanian Andrei Pavel, the world number 17, won.", "r", 0)
    pool = _pool([described], {"r": [described]}, {"r": "Romanian Andrei Pavel, the world number 17, won."})
    assert overrule(answered, Shape("who_is", subject="Andrei Pavel"), pool).state == ANSWERED
    # a surname shared with someone else: "Charlize Theron, the actress," does not describe Sarah Theron
    other = _cand("Charlize Theron, the actress, won.", "t", 0)
    pool = _pool([other], {"t": [other]}, {"t": "Charlize Theron, the actress, won."})
    assert overrule(answered, Shape("who_is", subject="Sarah Theron"), pool).state == UNSURE
    assert overrule(answered, Shape("who_is", subject="Charlize Theron"), pool).state == ANSWERED


@pytest.mark.parametrize("subject,sentence,kind", [
    ("Dominic Carman", "The late libel lawyer George Carman was famous.", ""),  # another first name: George's role
    ("George Carman", "The late libel lawyer George Carman was famous.", "role"),
    ("George Carman", "Libel lawyer Carman was famous.", "role"),  # the surname alone, no other first name
    ("David Blunkett", "Home Secretary Blunkett said so.", "role"),  # a capitalised role before it is no first name
    ("Bill Ford", "Ford, the US car company, reported higher profits.", ""),  # an organisation by the same name
    ("Bill Ford", "Ford is a car company.", ""),
    ("Bill Ford", "Ford, the firm's chairman, said so.", "appositive"),  # a person's role in it
    ("Platon Lebedev", "Mr Lebedev headed the Menatep group.", "copula"),  # a group he heads, not a group he is
    ("Royal Mail", "Royal Mail, the postal company, said so.", "appositive"),  # the full name may be a company
])
def test_a_short_form_that_is_someone_else_describes_nobody(subject, sentence, kind):
    assert description(subject, sentence) == kind


def test_a_lead_introducing_someone_unnamed_whom_the_next_sentence_names_describes_him():
    """A news lead: "... prompted a Labour donor to say he ...", then "Duncan Bannatyne also ..."."""
    from newsqa.qa.shapes.who_is import _lead_description

    donor = _cand("The reported feud has prompted a Labour donor to say he will refuse to give more funds.", "l", 0)
    student = _cand("A Norwegian student who ran a website has been ordered to pay compensation.", "l", 0)
    named = _cand("Duncan Bannatyne also attacked the government over Iraq.", "l", 100)
    assert _lead_description([donor, named], "Duncan Bannatyne") == [donor]
    assert _lead_description([student, named], "Duncan Bannatyne") == [student]
    talks = _cand("A week of talks ended on Friday without a deal.", "l", 0)  # no person in it
    assert _lead_description([talks, named], "Duncan Bannatyne") == []
    assert _lead_description([donor, named], "Bannatyne") == []  # a one-word name may be anyone's


def test_in_an_article_about_the_subject_a_he_sentence_after_his_name_describes_him():
    from newsqa.qa.shapes.who_is import _pronoun_description

    texts = ["The reported feud has prompted a Labour donor to say he will refuse to give more funds.",
             "Duncan Bannatyne also attacked the government over Iraq.",
             "His broadside came as Robin Cook spoke.",
             "Mr Bannatyne has previously given Labour £50,000.",
             "He made his fortune from care homes and health clubs.",
             "He said he would remain a supporter."]
    sents = [_cand(t, "b", i * 100) for i, t in enumerate(texts)]
    assert _pronoun_description(sents, "Duncan Bannatyne") == [sents[4]]  # not "His broadside", not "He said"
    assert _pronoun_description(sents[:4] + [_cand("He was leaving the firm, it said.", "b", 400)], "Duncan Bannatyne") == []
    late = [_cand("Shares rose.", "c", 0), _cand("Oil fell.", "c", 50)] + sents[1:]
    assert _pronoun_description(late, "Duncan Bannatyne") == []  # an article naming him later is not about him


@pytest.mark.parametrize("subject,sentence,kind", [
    ("Barbara Stocking", "\"This scandal must stop,\" Oxfam's Barbara Stocking said.", "role"),
    ("Glenn Hoddle", "Glenn Hoddle will be unveiled as the new Wolves manager on Tuesday.", "copula"),
    ("Glenn Hoddle", "He saw Glenn Hoddle as a threat.", ""),
    ("Robert Kilroy-Silk", "Kilroy-Silk quits as UKIP member", ""),  # a headline verb only in a headline
])
def test_whose_and_as_descriptions(subject, sentence, kind):
    assert description(subject, sentence) == kind


def test_an_appointment_as_a_role_describes_the_subject():
    assert description("Glenn Hoddle", "Wolves appoint Hoddle as manager", headline=True) == "copula"
    assert description("Glenn Hoddle", "Hoddle was sacked as England coach in 1999.") == "copula"
    assert description("Glenn Hoddle", "Hoddle quits as a coach") == ""  # a headline verb, not "(was) named as"


def test_a_who_is_answer_reads_each_document_and_finds_its_descriptions_once():
    """The answer and the abstention overrule both ask for the descriptions: found once a question,
    each document's text read once (a snapshot lookup decodes the whole record)."""
    from newsqa.qa.shapes.pool import Pool
    from newsqa.qa.shapes.who_is import stated

    reads = []
    described = _cand("Mr Lebedev headed the Menatep group.", "l", 40)
    snapshot = SimpleNamespace(document_text=lambda d: reads.append(d) or "Platon Lebedev denies it. Mr Lebedev headed the Menatep group.")
    pool = Pool("Who is Platon Lebedev?", None, [described], [], snapshot, None, None, SimpleNamespace(passages=4))
    pool.article = lambda d: [described]
    first = choose_who_is(pool, "Platon Lebedev")
    assert first == [described] and stated(pool, "Platon Lebedev") and choose_who_is(pool, "Platon Lebedev") == first
    assert reads == ["l"]


def test_a_who_is_reason_names_the_subject_as_asked():
    """ "The articles about Emma do not give the role" said of Emma Adams: the name as the question gives it."""
    passing = _cand("Emma scored twice.", "e", 0)
    pool = _pool([passing], {"e": [passing]}, {"e": "Emma scored twice."})
    who = Shape("who_is", subject="Emma Adams")
    for code, text in (("not_stated", "the articles about Emma do not give the role"),
                       ("not_clear", "no sentence about Emma clearly gives the role")):
        got = overrule(Decision(NOT_FOUND, 0.1, {"code": code, "text": text, "terms": []}), who, pool)
        assert got.state == NOT_FOUND and got.reason["text"] == text.replace("Emma", "Emma Adams") and got.reason["code"] == code
    other = Decision(NOT_FOUND, 0.1, {"code": "not_stated", "text": "the articles about Emma do not give the role", "terms": []})
    assert overrule(other, Shape("fact"), pool).reason["text"] == other.reason["text"]  # a fact question's reason stays


def test_respectively_pairs_the_sides_with_the_values_in_order():
    from types import SimpleNamespace as NS

    from newsqa.qa.shapes.compare import _value_for
    from newsqa.qa.text import terms

    c = NS(text="US sales at GM sank 2% in January, while sales at GM and Ford fell 12.7% and 3% respectively.")
    gm, ford = set(terms("GM")), set(terms("Ford"))
    assert _value_for(c, ford, gm).text == "3%"  # the nearest value after "Ford" is GM's
    assert _value_for(c, gm, ford).text == "12.7%"
    three = NS(text="Sales at GM, Toyota and Ford fell 12.7%, 5% and 3% respectively.")
    assert _value_for(three, gm, ford) is None and _value_for(three, ford, gm) is None  # not Toyota's 5%, nor GM's 12.7% for Ford
    plain = NS(text="GM sales fell 12.7% while Ford sales dropped 3%.")
    assert _value_for(plain, ford, gm).text == "3%" and _value_for(plain, gm, ford).text == "12.7%"


def test_a_forecast_beside_the_figure_is_no_sides_value():
    from types import SimpleNamespace as NS

    from newsqa.qa.shapes.compare import _value_for
    from newsqa.qa.text import terms

    uk, us = set(terms("UK")), set(terms("US"))
    c = NS(text="UK output dropped 0.1%, while the US beat expectations of a 0.3% rise with 0.5%.")
    assert _value_for(c, uk, us).text == "0.1%"
    assert _value_for(c, us, uk).text == "0.5%"  # not the 0.3% expected, the nearest figure after "US"
    assert _value_for(c, us, uk, forecasts=True).text == "0.3%"
    after = NS(text="The UK rate was less than the 47.3% forecast by analysts.")
    assert _value_for(after, uk, us) is None  # the only figure is a forecast: no value, so no verdict
    assert _value_for(after, uk, us, forecasts=True).text == "47.3%"  # "Which is forecast to ...?" reads it
    actual = NS(text="The UK economy grew by an estimated 3.1% in 2004, and is forecast to grow 2.5% in 2005.")
    assert _value_for(actual, uk, us).text == "3.1%"  # an estimate of what happened is no forecast


def test_a_result_measured_against_a_forecast_is_still_the_sides_value():
    from types import SimpleNamespace as NS

    from newsqa.qa.shapes.compare import forecast, values

    for text, figure in [  # BBC business/488.txt and business/406.txt, then "as expected/forecast"
            ("The US budget deficit is set to hit a worse-than-expected $368bn (£197bn) this year, officials "
             "said on Tuesday.", "$368bn"),
            ("One discount retailer to fare well in December was Costco Wholesale, which continued a recent run "
             "of upbeat results with a better-than-expected 8% jump in same store sales.", "8%"),
            ("The UK economy grew by a better-than-expected 3.1% in 2004.", "3.1%"),
            ("Sales rose 5% as expected, while profits rose 8%.", "5%"),
            ("The US economy grew 4.4% as forecast by the Fed.", "4.4%")]:
        v = next(v for v in values(text) if v.text == figure)
        assert not forecast(text, v), text
    told = "Inflation hit 2.1%, less than the 2.3% forecast by analysts, after expectations of a 2.2% rate."
    assert [v.text for v in values(told) if forecast(told, v)] == ["2.3%", "2.2%"]


def test_an_unsure_who_is_reason_never_denies_the_description_it_quotes():
    described = _cand("Mr Lebedev headed the Menatep group.", "l", 300)
    pool = _pool([described], {"l": [described]}, {"l": "Platon Lebedev denies charges. Mr Lebedev headed the Menatep group."})
    who = Shape("who_is", subject="Platon Lebedev")
    for verdict in (_verdict("not_stated"), Decision(UNSURE, 0.3, {"code": "not_clear", "text": "no sentence about "
                                                                  "Platon Lebedev clearly gives the role", "terms": []})):
        got = overrule(verdict, who, pool)
        assert got.state == UNSURE and got.reason["code"] == "not_clear"
        assert got.reason["text"] == "Platon Lebedev is described only in passing, in sentences about something else"
    stranger = _pool([described], {"l": [described]}, {"l": "Mr Lebedev headed the Menatep group."})
    unsure = Decision(UNSURE, 0.3, {"code": "not_clear", "text": "no sentence about Platon Lebedev clearly gives the role", "terms": []})
    assert overrule(unsure, who, stranger) == unsure  # no description of the full name: the reason stands


@pytest.mark.parametrize("subject,sentence,kind", [
    # "X, who is/was ..." says who X is only with a noun phrase after the verb
    ("Juan Carlos Ferrero", "Ferrero, who was upset to be dropped for Friday's singles, hinted at more.", ""),
    ("Delta Goodrem", "Goodrem, who is the star of Neighbours, sang a duet.", "appositive"),
    ("Delta Goodrem", "Goodrem, who was chief executive until May, sang a duet.", "appositive"),
    # a copula's name is the clause's subject, not a preposition's object
    ("Juan Carlos Ferrero", "Among the low points of a difficult year for Ferrero was the decision of Spain captain "
                            "Jordi Arrese to drop him.", ""),
    ("Juan Carlos Ferrero", "Ferrero was the world number one in 2003.", "copula"),
    ("Glenn Hoddle", "Hayward revealed that Hoddle was one of the first to be approached.", ""),
    ("Ruslana", "Ruslana is one of the country's biggest stars.", "copula"),
    # an age before the name is a description ("the X-year-old")
    ("Sania Mirza", "The 18-year-old Mirza, who got a wild card entry, lost in the third round.", "role"),
    # whose job: "X's job of/as ROLE"
    ("Bill Conti", "Bill Conti's job of musical director of the Oscars show is not for the faint-hearted.", "appositive"),
    ("Bill Conti", "Bill Conti's job was done.", ""),
])
def test_who_clauses_prepositions_ages_and_jobs(subject, sentence, kind):
    assert description(subject, sentence) == kind


def test_a_sentence_after_the_name_that_refers_back_by_a_description_describes_him():
    from newsqa.qa.shapes.who_is import back_references

    named = _cand("Middlesbrough midfielder James Morrison has been ruled out for eight weeks.", "m", 0)
    age = _cand("The 18-year-old, who has played in 13 of the last 14 games, had surgery.", "m", 100)
    coach = _cand("The club have confirmed that the former England coach will be unveiled on Tuesday.", "m", 100)
    assert back_references([named, age], "James Morrison") == [age]
    assert back_references([named, coach], "James Morrison") == [coach]
    assert back_references([age, named], "James Morrison") == []  # only right after a sentence naming him
    nearer = _cand("Boss Steve Gibson said the former England coach will stay.", "m", 100)  # another name nearer
    bare = _cand("Shares rose, the company said.", "m", 100)  # a bare head describes nothing
    clause = _cand("He decreed after the 2003 World Cup that players should rest.", "m", 100)  # never across a clause
    assert all(back_references([named, c], "James Morrison") == [] for c in (nearer, bare, clause))
    band = _cand("News came after confirmation the Bristol band will play.", "p", 100)
    group = _cand("Cult British group Portishead are writing an album.", "p", 0)
    assert back_references([group, band], "Portishead") == [band]  # a body for a one-word name
    assert back_references([named, band], "James Morrison") == []  # a person's role or age for a full name


def test_a_second_quote_tells_something_the_first_does_not():
    """A sentence repeating the first quote's description ("former world number one") gives way to
    one that tells more, read from the article about X; it is kept before a "He ..." sentence."""
    top = _cand("Former world number one Juan Carlos Ferrero insists he can get back to his best.", "f", 0, 0.8)
    again = _cand("He was replaced by former world number one Ferrero in the doubles.", "g", 0, 0.7)
    back = _cand("The 2003 French Open champion has slipped to 64 in the world.", "f", 120, 0.3)
    pool = _pool([top, again], {"f": [top, back], "g": [again]},
                 {"f": "Former world number one Juan Carlos Ferrero insists ...", "g": "Juan Carlos Ferrero lost. He was replaced by ..."})
    assert choose_who_is(pool, "Juan Carlos Ferrero") == [top, back]
    he = _cand("He has some old dogs in his squad.", "f", 120, 0.3)
    pool = _pool([top, again], {"f": [top, he], "g": [again]},
                 {"f": "Former world number one Juan Carlos Ferrero insists ...", "g": "Juan Carlos Ferrero lost. He was replaced by ..."})
    assert choose_who_is(pool, "Juan Carlos Ferrero") == [top, again]


def test_a_lead_whose_role_word_is_a_possessor_introduces_nobody():
    from newsqa.qa.shapes.who_is import _lead_description

    lead = _cand("The first minister's statement has diverted attention from the real issues.", "l", 0)
    named = _cand("Jack Law, chief executive of Alcohol Focus Scotland, said so.", "l", 80)
    assert _lead_description([lead, named], "Jack Law") == []


def test_a_low_match_who_is_refusal_is_unsure_when_an_article_naming_him_in_full_describes_him():
    """A rare full name matches no passage closely ("Who is Livio Costantini?"), yet the article
    naming him says "said project manager Livio Costantini": unsure with that quote, not a refusal."""
    described = _cand("\"An overhaul is needed,\" said project manager Livio Costantini.", "n", 300)
    pool = _pool([described], {"n": [described]}, {"n": "Nuclear body seeks new tech. \"An overhaul is needed,\" said "
                                                        "project manager Livio Costantini."})
    assert overrule(_verdict("low_match"), Shape("who_is", subject="Livio Costantini"), pool).state == UNSURE
    assert overrule(_verdict("low_match"), Shape("who_is", subject="Mario Costantini"), pool).state == NOT_FOUND
    assert overrule(_verdict("low_match"), Shape("fact"), pool).state == NOT_FOUND


def test_a_role_word_after_a_modal_is_a_verb():
    assert description("Nathalie Dechy", "Navratilova will partner Nathalie Dechy in the doubles event.") == ""
    assert description("Nathalie Dechy", "Tennis star Nathalie Dechy won.") == "role"
    assert description("Brian Kerr", "He spoke to manager Brian Kerr.") == "role"


def test_a_role_word_after_a_negated_verb_is_a_verb():
    # "n't" follows a letter: a pattern with a word boundary before it never matched "won't"
    for neg in ("won't", "didn't", "won\u2019t", "couldn't"):
        assert description("Nathalie Dechy", f"Navratilova {neg} partner Nathalie Dechy in Paris.") == "", neg


def test_a_repeated_role_is_the_role_phrase_not_the_words_before_it():
    """ "Critics ... claim president Hugo Chavez is ..." repeats "Venezuelan President Hugo Chavez":
    its role is "president", not "claim president"."""
    first = _cand("Venezuelan President Hugo Chavez signed the deal on Tuesday.", "v", 0, 0.8)
    again = _cand("Critics of the land reform policy claim president Hugo Chavez is trying to enforce it.", "w", 0, 0.7)
    pool = _pool([first, again], {"v": [first], "w": [again]},
                 {"v": "Venezuelan President Hugo Chavez signed.", "w": "Hugo Chavez. Critics ..."})
    from newsqa.qa.shapes.who_is import _told_already
    assert _told_already("Hugo Chavez", again.text, "role", [first])
    assert not _told_already("Hugo Chavez", "Oil minister Hugo Chavez spoke.", "role", [first])
    assert choose_who_is(pool, "Hugo Chavez") == [first, again]  # nothing new to say: the repeat fills the slot


def test_no_back_reference_past_someone_named_after_the_subject():
    from newsqa.qa.shapes.who_is import back_references

    named = _cand("Mr Blair defended Mr Blunkett on Monday.", "b", 0)
    back = _cand("The home secretary has already admitted he was wrong.", "b", 60)
    assert back_references([named, back], "Blair") == []  # Mr Blunkett is the nearer referent
    assert back_references([named, back], "David Blunkett") == [back]
    place = _cand("Spurs want Iceland Under-21 international Emil Hallfredsson after a trial at White Hart Lane.", "h", 0)
    age = _cand("The 20-year-old midfielder, who plays for FH, also starred.", "h", 90)
    assert back_references([place, age], "Emil Hallfredsson") == [age]  # a place is nobody


def test_no_he_sentence_past_someone_named_after_the_subject():
    from newsqa.qa.shapes.who_is import _pronoun_description

    texts = ["Duncan Bannatyne attacked the government.", "Mr Bannatyne praised Mr Brown on Monday.",
             "He had then changed his mind in June."]
    sents = [_cand(t, "b", i * 100) for i, t in enumerate(texts)]
    assert _pronoun_description(sents, "Duncan Bannatyne") == []  # "He" is Mr Brown as likely as him
    sents[1] = _cand("Mr Bannatyne has previously given Labour £50,000.", "b", 100)
    assert _pronoun_description(sents, "Duncan Bannatyne") == [sents[2]]


def test_a_career_sentence_of_the_article_about_him_adds_to_a_description():
    from newsqa.qa.shapes.who_is import career_sentences

    texts = ["Bill Conti's job of musical director of the Oscars show is not for the faint-hearted.",
             "This year marks Conti's 17th turn at the helm.",
             "Conti received an Oscar in 1983 for the original score of The Right Stuff.",
             "Conti said the show was hard."]
    sents = [_cand(t, "c", i * 100, 0.5 - i * 0.1) for i, t in enumerate(texts)]
    assert career_sentences(sents, "Bill Conti") == [sents[2]]
    assert career_sentences([_cand("James Grady scored.", "g", 0), _cand("Grady received a pass from Crawford.", "g", 50)],
                            "James Grady") == []  # a match's events are no career
    assert career_sentences(sents[1:], "Bill Conti") == []  # an article about him names him in full first
    pool = _pool([sents[0]], {"c": sents}, {"c": " ".join(texts)})
    assert choose_who_is(pool, "Bill Conti") == [sents[0], sents[2]]
    # alone, a career sentence is no description: the fact answer stands in, and the reply is unsure
    lone = [_cand("Mr Blunkett visited Sheffield.", "b", 0), _cand("David Blunkett spoke.", "b", 40),
            _cand("Mr Blunkett entered Parliament for Sheffield Brightside in 1987.", "b", 80)]
    pool = _pool([lone[2]], {"b": lone}, {"b": "Mr Blunkett visited Sheffield. David Blunkett spoke. Mr Blunkett entered ..."})
    assert choose_who_is(pool, "David Blunkett") == []
    assert overrule(Decision(ANSWERED, 0.9, None), Shape("who_is", subject="David Blunkett"), pool).state == UNSURE
