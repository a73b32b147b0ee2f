"""Question files: JSONL (malformed lines named by number), SQuAD v1.1 and v2.0."""

import json

import pytest
from helpers import SQUAD, need

from newsqa.eval.errors import QuestionFileError
from newsqa.eval.question_sets import load_questions, parse_jsonl, write_corpus


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_fields(tmp_path):
    p = _write(tmp_path / "q.jsonl", [
        '{"id": "q1", "question": "Who met Putin?", "answers": ["Kim Jong Un", "Kim"], "kind": "who"}',
        "",
        '{"id": 2, "question": "Where did they meet?", "answers": ["Vostochny"], "history": ["Who met Putin?"], '
        '"doc_ids": ["abc"], "extra": 1}',
        '{"id": "q3", "question": "Who won the 2031 World Cup?", "answers": []}',
    ])
    qs = load_questions(p)
    assert qs.format == "jsonl" and [q.id for q in qs.questions] == ["q1", "2", "q3"]
    q1, q2, q3 = qs.questions
    assert q1.answers == ("Kim Jong Un", "Kim") and q1.kind == "who" and q1.answerable
    assert q2.history == ("Who met Putin?",) and q2.doc_ids == ("abc",) and q2.kind == ""
    assert q3.answers == () and not q3.answerable
    assert qs.limited(2).questions == qs.questions[:2]


def test_malformed_lines_are_reported_with_their_numbers(tmp_path):
    p = _write(tmp_path / "bad.jsonl", [
        '{"id": "q1", "question": "Fine?", "answers": ["yes"]}',
        '{"id": "q2", "question": "Broken", "answers": ["x"]',  # line 2: not JSON
        '{"id": "q3", "answers": ["x"]}',  # line 3: no question
        '{"id": "q4", "question": "No answers field"}',  # line 4
        '{"id": "q1", "question": "Again?", "answers": []}',  # line 5: duplicate id
        '{"id": "q6", "question": "Bad answers", "answers": "x"}',  # line 6: not a list
        '["not", "an", "object"]',  # line 7
    ])
    with pytest.raises(QuestionFileError) as e:
        load_questions(p)
    msg = str(e.value)
    assert str(p) in msg and "6 malformed lines" in msg
    for no, words in [(2, "not valid JSON"), (3, "'question'"), (4, "missing 'answers'"), (5, "already used on line 1"),
                      (6, "must be a list of strings")]:
        assert f"line {no}: " in msg and words in msg
    assert "and 1 more" in msg  # line 7, beyond the five listed


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(QuestionFileError, match="does not exist"):
        load_questions(tmp_path / "nope.jsonl")
    with pytest.raises(QuestionFileError, match="holds no questions"):
        parse_jsonl("\n\n", "empty.jsonl")
    (tmp_path / "x.json").write_text('{"questions": []}')
    with pytest.raises(QuestionFileError, match="not a SQuAD file"):
        load_questions(tmp_path / "x.json")


def test_squad_v11_dev_counts():
    qs = load_questions(need(SQUAD))
    assert qs.format == "squad-v1.1"
    assert len(qs.corpus) == 48
    assert sum(len(a["paragraphs"]) for a in qs.corpus) == 2067
    assert len(qs.questions) == 10570
    assert all(q.answerable and q.kind == "answerable" for q in qs.questions)
    assert len({q.id for q in qs.questions}) == 10570
    first = qs.questions[0]
    assert first.question == "Which NFL team represented the AFC at Super Bowl 50?"
    assert first.answers == ("Denver Broncos",)  # three identical gold answers kept once
    assert qs.corpus[0]["title"] == "Super Bowl 50"  # underscores made spaces


def test_squad_v20_is_impossible(squad_v2_file):
    qs = load_questions(squad_v2_file)
    assert qs.format == "squad-v2.0"
    assert [(q.id, q.answers, q.kind) for q in qs.questions] == [
        ("n1", ("France",), "answerable"), ("n2", (), "unanswerable"), ("n3", ("Rollo",), "answerable")]
    assert qs.corpus == ({"title": "Normans", "paragraphs": [
        "The Normans gave their name to Normandy, a region in France.", "Rollo was the first ruler of Normandy."]},)


def test_squad_shape_errors_say_where(tmp_path, squad_v2_file):
    bad = json.loads(squad_v2_file.read_text())
    del bad["data"][0]["paragraphs"][1]["qas"][0]["answers"]
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad))
    with pytest.raises(QuestionFileError, match=r"data\[0\]\.paragraphs\[1\]\.qas\[0\] has no \"answers\""):
        load_questions(p)
    p.write_text("{not json")
    with pytest.raises(QuestionFileError, match="not valid JSON at line 1"):
        load_questions(p)


def test_written_corpus_reads_as_one_document_per_article(tmp_path):
    from newsqa.embeddings.readers import read_file

    path = write_corpus(({"title": "Normans", "paragraphs": ["First para.", "Second para."]},
                         {"title": "Rollo", "paragraphs": ["Only para."]}), tmp_path)
    docs = read_file(path).documents
    assert [d.title for d in docs] == ["Normans", "Rollo"]
    assert [[b.kind for b in d.blocks] for d in docs] == [["headline", "paragraph", "paragraph"], ["headline", "paragraph"]]
    assert docs[0].text[docs[0].blocks[2].start:docs[0].blocks[2].end] == "Second para."


def test_split_qtype_and_excluded_files_are_read():
    from newsqa.eval.question_sets import parse_jsonl

    qs = parse_jsonl('{"id": "a", "question": "Who?", "answers": ["X"], "split": "dev", "qtype": "who"}\n'
                     '{"id": "b", "question": "What?", "answers": [], "split": "test", "exclude_files": ["t/1.txt"]}\n')
    assert [q.split for q in qs.questions] == ["dev", "test"] and qs.questions[0].qtype == "who"
    assert qs.questions[1].exclude_files == ("t/1.txt",)
    assert [q.id for q in qs.only("test").questions] == ["b"] and len(qs.only(None).questions) == 2


def test_an_unknown_split_is_refused():
    import pytest

    from newsqa.eval.errors import QuestionFileError
    from newsqa.eval.question_sets import parse_jsonl

    with pytest.raises(QuestionFileError, match="split"):
        parse_jsonl('{"id": "a", "question": "Who?", "answers": ["X"], "split": "train"}\n')
