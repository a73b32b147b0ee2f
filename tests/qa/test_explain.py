"""Words that explain: filters as a phrase, why a filtered question found nothing, a collection's topics."""

from pathlib import Path

import pytest

from newsqa.embeddings.indexer import update_index
from newsqa.qa import Engine
from newsqa.cli import main
from newsqa.qa.explain import describe_filters, filter_note, main_topics
from newsqa.qa.types import Filters

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def engine(tmp_path_factory, fake_encoder):
    root = tmp_path_factory.mktemp("explain")
    for rel, text in {"sport/a.txt": "Rugby cup final won by Tavua\n\nTavua beat Nadi 24 to 10 in the rugby cup final.\n",
                      "sport/b.txt": "Rugby coach quits\n\nThe rugby coach quit on Monday after the cup final.\n",
                      "business/c.txt": "Sugar mill raises cane price\n\nThe mill raised the cane price to 85 dollars.\n"}.items():
        (root / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / rel).write_text(text)
    update_index([root / "src"], root / "idx", encoder=fake_encoder, progress=False)
    return Engine.open(root / "idx", encoder=fake_encoder)


def test_describe_filters():
    assert describe_filters(Filters()) == ""
    assert describe_filters(Filters(date_from="2004-01-01")) == "from 2004-01-01 on"
    assert describe_filters(Filters(date_to="2004-01-01", sections=("sport", "tech"))) == "up to 2004-01-01 in sections sport or tech"
    assert describe_filters(Filters(doc_ids=("x",))) == "with doc_id x"
    assert describe_filters(Filters(sections=("sport",), doc_ids=("x", "y")), chosen="chosen in Documents") == \
        "in section sport and chosen in Documents"


def test_a_doc_filter_naming_no_indexed_document_says_so_in_neutral_words(engine):
    """``newsqa ask Q --doc nope`` said "No article chosen in Documents." (the browser panel's words)."""
    assert filter_note(engine.snapshot, Filters(doc_ids=("nope",))) == (
        "No document nope in the index (a document is named by its doc_id, as a citation shows it).")
    known = next(iter(engine.snapshot.documents))
    assert filter_note(engine.snapshot, Filters(doc_ids=(known,), sections=("weather",))) == (
        f"No article in section weather and with doc_id {known}.")
    assert "chosen in Documents" in filter_note(engine.snapshot, Filters(doc_ids=(known,)), chosen="chosen in Documents")


def test_filter_note_names_the_filter_and_the_undated_articles(engine):
    f = Filters(date_from="2004-01-01", date_to="2004-02-01", sections=("sport",))
    note = filter_note(engine.snapshot, f)
    assert note.startswith("No article from 2004-01-01 to 2004-02-01 in section sport")
    assert "all 3 articles have no date" in note
    assert filter_note(engine.snapshot, Filters(sections=("sport",))) == "Nothing in the 2 articles in section sport answers it."
    assert filter_note(engine.snapshot, Filters(sections=("weather",))) == "No article in section weather."
    assert filter_note(engine.snapshot, Filters()) == ""


def test_main_topics_are_sections_and_frequent_headline_words(engine):
    sections, words = main_topics(engine.snapshot)
    assert sections == ["business", "sport"]
    assert words[0] == "rugby"  # in two headlines


def test_not_found_names_the_topics(engine):
    a = engine.ask("Who won the 1966 football world cup in England?")
    assert a.abstained and not a.citations
    assert "Its sections: business, sport." in a.coverage and "rugby" in a.coverage
    assert a.coverage.startswith("The collection holds 3 undated articles (")


def test_the_coverage_sentence_has_no_doubled_brackets(engine, tmp_path, fake_encoder):
    """A new user read "2127 articles (undated) (13134 passages, ..."; a mixed collection read
    "dated X to Y (1 undated) (N passages"."""
    from helpers import tiny_engine
    from newsqa.qa.answer import coverage_note

    assert ") (" not in coverage_note(engine.snapshot)
    (tmp_path / "src").mkdir()
    mixed = tiny_engine(tmp_path / "src", tmp_path / "idx", {
        "a.jsonl": '{"title": "Port reopens", "text": "The port reopened.", "date": "2023-09-14"}\n'
                   '{"title": "Mill opens", "text": "The mill opened.", "date": "2023-09-20"}\n'
                   '{"title": "Rain falls", "text": "Rain fell."}\n'}, fake_encoder)
    note = coverage_note(mixed.snapshot)
    assert note.startswith("The collection holds 3 articles, 2 dated 2023-09-14 to 2023-09-20 and 1 undated (")
    assert ") (" not in note


def test_cli_ask_explains_an_empty_filtered_result(engine, capsys):
    code = main(["ask", "Who did Tavua beat in the rugby cup final?", "--index", str(engine.index_dir),
                 "--section", "business", "--since", "2004-01-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert "No article from 2004-01-01 on in section business" in out
    assert "Without the filters:" in out and "Nadi" in out


def test_the_filter_reason_is_said_first_in_the_answer_and_the_cli(engine, capsys):
    """A new user's run: "No article from 2024-01-01 on." came third, after "Not found ...", the
    reason "No passage came back" and the collection summary; it is why, so it leads."""
    f = Filters(date_from="2004-01-01")
    a = engine.ask("Who did Tavua beat in the rugby cup final?", filters=f)
    assert a.abstained and a.answer.startswith(filter_note(engine.snapshot, f) + " Not found in the indexed articles.")
    assert main(["ask", "Who did Tavua beat in the rugby cup final?", "--index", str(engine.index_dir),
                 "--since", "2004-01-01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No article from 2004-01-01 on")
    assert out.count("No article from 2004-01-01 on") == 1 and "Without the filters:" in out and "Nadi" in out
    unfiltered = engine.ask("Who did Tavua beat in the rugby cup final?")
    assert not unfiltered.answer.startswith("No article")


def test_cli_section_filter_works_on_folder_sections(engine, capsys):
    assert main(["ask", "Who did Tavua beat in the rugby cup final?", "--index", str(engine.index_dir),
                 "--section", "sport", "--json"]) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert not out["abstained"] and {c["section"] for c in out["citations"]} == {"sport"}
    c = out["citations"][0]
    assert Path(c["origin"]).name == "a.txt" and c["url"] == ""


def test_every_reason_code_written_is_a_named_constant():
    """The codes the abstainer writes are the ones named in explain (a rule matching a code string,
    such as the who-is overrule, reads the constant: a renamed code must fail here, not go quiet)."""
    import re

    from newsqa.qa import explain

    src = (ROOT / "qa" / "abstain.py").read_text(encoding="utf-8")
    written = set(re.findall(r'_reason\(\s*([A-Z_]+)\b', src))
    assert written and {getattr(explain, w) for w in written} <= set(explain.REASON_CODES)
    assert not re.findall(r'_reason\(\s*"', src)  # no code spelled as a string
    assert explain.KIND_NOT_GIVEN == {explain.NOT_STATED, explain.NOT_CLEAR}
    for path in ("qa/abstain.py", "qa/answer.py", "qa/shapes/__init__.py"):  # every writer and reader
        text = (ROOT / path).read_text(encoding="utf-8")
        assert not any(f'"{code}"' in text for code in explain.REASON_CODES), path
