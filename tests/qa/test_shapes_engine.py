"""Answer shapes end to end on a tiny corpus with the fake encoder: each shape's quotes, the
compare verdict, merged citations and timelines (fast)."""

import pytest
from helpers import tiny_engine

from newsqa.qa import Engine
from newsqa.qa.retrieve import RetrievalSettings
from newsqa.qa.shards import Shard, fan_out

ARTICLES = {
    "blunkett.txt": "Blunkett quits as home secretary\n\n"
                    "David Blunkett has resigned as home secretary after a row over a visa for his former lover's nanny.\n\n"
                    "Mr Blunkett, the home secretary since 2001, said he had done nothing wrong. "
                    "He resigned because an inquiry found that an application had been speeded up.\n\n"
                    "The prime minister said he accepted the resignation with great regret.\n\n"
                    "Charles Clarke will replace him at the Home Office.\n",
    "uk.txt": "UK economy grows at slower pace\n\n"
              "The UK economy grew by 3.1% in 2004, official figures showed.\n\n"
              "Growth slowed in the final quarter as consumers spent less.\n",
    "us.txt": "US economy expands strongly\n\n"
              "The US economy grew by 4.4% in 2004, the fastest pace in five years.\n\n"
              "Consumer spending rose strongly during the year.\n",
    "films.txt": "Oscar nominations announced\n\n"
                 "The Aviator was nominated for the best picture Oscar, with eleven nominations.\n\n"
                 "Million Dollar Baby and Finding Neverland received seven nominations each.\n",
    "films2.txt": "Ray wins praise\n\n"
                  "Ray was also among the films nominated for the best picture Oscar.\n",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory, fake_encoder):
    return tiny_engine(tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("idx"), ARTICLES, fake_encoder)


def _quotes(a):
    return " ".join(c.quote for c in a.citations)


def test_who_is_quotes_a_description(engine):
    a = engine.ask("Who is David Blunkett?")
    assert a.shape == "who_is" and not a.abstained
    # "Mr Blunkett, the home secretary ...", "... quits as home secretary" or "... has resigned as home secretary ..."
    assert "home secretary" in a.citations[0].quote


def test_why_quotes_the_cause(engine):
    a = engine.ask("Why did David Blunkett resign?")
    assert a.shape == "why"
    assert "because" in a.citations[0].quote or "after a row" in a.citations[0].quote


def test_overview_is_a_brief_in_article_order(engine):
    a = engine.ask("What happened to David Blunkett?")
    assert a.shape == "overview" and 3 <= len(a.citations) <= 5
    same_doc = [c for c in a.citations if c.doc_id == a.citations[0].doc_id]
    assert [c.start for c in same_doc] == sorted(c.start for c in same_doc)


def test_compare_quotes_both_sides_and_gives_a_verdict(engine):
    a = engine.ask("Which grew faster in 2004, the UK or the US economy?")
    assert a.shape == "compare"
    text = _quotes(a)
    assert "3.1%" in text and "4.4%" in text
    assert "3.1%" in a.verdict and "4.4%" in a.verdict
    assert a.verdict not in text  # the verdict is its own field, never a quote
    assert {c.answer_text for c in a.citations} >= {"3.1%", "4.4%"}


def test_compare_sides_are_searched_by_their_words_not_encoded(engine, fake_encoder):
    eng = Engine.open(engine.index_dir, encoder=fake_encoder, answer=engine.answer_settings)
    encoded, encode = [], eng.query_vectors

    def counting(texts):
        encoded.extend(texts)
        return encode(texts)

    eng.query_vectors = counting
    q = "Which grew faster in 2004, the UK or the US economy?"
    a = eng.ask(q)
    assert a.shape == "compare" and encoded == [q]  # the question alone: each side is a BM25 search
    assert "3.1%" in a.verdict and "4.4%" in a.verdict  # the side searches still find both reports
    encoded.clear()
    eng.ask(q, retrieval=RetrievalSettings(mode="dense"))  # dense only: a side has no other search
    assert encoded[0] == q and len(encoded) == 3


def test_compare_side_searches_over_shards_equal_one_process(engine, fake_encoder):
    shards = [Shard(engine.index_dir, i, 2) for i in range(2)]
    sharded = Engine.open(engine.index_dir, encoder=fake_encoder, answer=engine.answer_settings,
                          search=fan_out(lambda req: [s.ranked(**req) for s in shards]))
    q = "Which grew faster in 2004, the UK or the US economy?"
    a, b = engine.ask(q, k=10).to_dict(), sharded.ask(q, k=10).to_dict()
    a.pop("timings_ms"), b.pop("timings_ms")
    assert a["shape"] == "compare" and not a["abstained"] and a == b


def test_list_quotes_items_across_articles(engine):
    a = engine.ask("Which films were nominated for the Oscar?")
    assert a.shape == "list"
    docs = [c.doc_id for c in a.citations]
    assert len(set(docs)) >= 2 and max(docs.count(d) for d in docs) <= 3
    assert "Ray" in _quotes(a) and "Aviator" in _quotes(a)


def test_no_paragraph_is_cited_twice(engine):
    for q in ["Who is David Blunkett?", "Why did David Blunkett resign?", "What happened to David Blunkett?",
              "Which grew faster in 2004, the UK or the US economy?", "Which films were nominated for the Oscar?"]:
        a = engine.ask(q)
        keys = [c.passage_id for c in a.citations]
        assert keys and len(keys) == len(set(keys)), q  # answered (an abstention cites nothing twice, trivially)
        for c in a.citations:
            assert engine.snapshot.document_text(c.doc_id)[c.start:c.end] == c.quote


def test_undated_collection_has_no_timeline(engine):
    a = engine.ask("How much did the economy grow in 2004?")
    assert a.timeline == ()


def test_followup_is_shown_as_rewritten_and_standalone_is_not(engine):
    a = engine.ask("Why did he resign?", history=["Who is David Blunkett?"])
    assert a.rewritten and a.resolved_question == "Why did David Blunkett resign?"
    alone = engine.ask("Which films were nominated for the Oscar?")
    after = engine.ask("Which films were nominated for the Oscar?", history=["Who is David Blunkett?"])
    assert not after.rewritten and [c.quote for c in after.citations] == [c.quote for c in alone.citations]
    d = a.to_dict()
    assert d["rewritten"] is True and d["shape"] == "why"
