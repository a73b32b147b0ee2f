"""Property-based tests: readers, chunker and the question path on arbitrary input."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsqa.embeddings.chunker import ChunkerSettings, chunk_document
from newsqa.embeddings.documents import Document, Skipped
from newsqa.embeddings.readers import read_file
from newsqa.embeddings.readers.blocks import plain_document

# Modest by default (the whole file runs in seconds); NEWSQA_FUZZ_EXAMPLES=2000 for a deeper search.
N = int(os.environ.get("NEWSQA_FUZZ_EXAMPLES", "80"))
FAST = settings(max_examples=N, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text with the shapes that matter: blank lines, sentence ends, quotes, headings, odd whitespace,
# other scripts and astral characters.
TEXTISH = st.lists(st.one_of(
    st.sampled_from(list("ab .!?\n\t\r\u00a0\u2028\u201c\u201d#-*Zz0\u3002\u0627")
                    + ["Mr. ", "U.S. ", "\n\n", "# ", "The mayor said. ", "\n \n", "\U0001F600"]),
    st.characters(codec="utf-8"),
), max_size=300).map("".join)
SUFFIXES = [".txt", ".md", ".jsonl", ".csv", ".html"]

_tmp = Path(tempfile.mkdtemp(prefix="newsqa-fuzz-"))


def _check_document(d: Document, read: bool = True) -> None:
    assert d.doc_id and (d.text.strip() or not read)
    prev_end = 0
    for b in d.blocks:
        assert d.text[b.start:b.end] == b.text
        assert prev_end <= b.start < b.end <= len(d.text)
        prev_end = b.end


@FAST
@given(data=st.one_of(st.binary(max_size=2000), TEXTISH.map(lambda s: s.encode("utf-8")),
                      TEXTISH.map(lambda s: s.encode("utf-16")),
                      TEXTISH.map(lambda s: s.encode("cp1252", errors="ignore"))),
       suffix=st.sampled_from(SUFFIXES))
@example(data=b"\r!", suffix=".csv")  # once crashed the CSV reader (csv.Error)
@example(data=b"text\n\"" + b"x" * 200_000 + b"\"\n", suffix=".csv")  # a field over csv's 128 KiB default
def test_readers_never_crash(data, suffix):
    f = _tmp / f"fuzz{suffix}"
    f.write_bytes(data)
    r = read_file(f)
    assert all(isinstance(s, Skipped) and s.reason for s in r.skipped)
    assert r.documents or r.skipped, "a file gave neither documents nor a reason"
    for d in r.documents:
        _check_document(d)
        for p in chunk_document(d):
            assert d.text[p.start:p.end] == p.text


@FAST
@given(lines=st.lists(st.one_of(
    st.text(max_size=80).filter(lambda s: "\n" not in s),
    st.fixed_dictionaries({"title": st.text(max_size=30), "text": st.text(max_size=200)}).map(
        lambda r: json.dumps(r, ensure_ascii=False)),
    st.sampled_from(['{"text": 5}', "[]", "null", '{"body": "Body text."}', '{"text": "  "}']),
), max_size=12))
def test_jsonl_reports_each_bad_line_and_keeps_good_ones(lines):
    f = _tmp / "fuzz-lines.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = read_file(f)
    good = 0
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue  # blank lines are passed over
        try:
            rec = json.loads(line)
        except ValueError:
            rec = None
        text = rec.get("text") or rec.get("body") if isinstance(rec, dict) else None
        if isinstance(text, str) and text.strip():
            good += 1
        else:
            assert [s for s in r.skipped if s.path.endswith(f"#L{no}") and f"line {no}" in s.reason], (no, line)
    assert len(r.documents) == good
    assert all(d.origin.rsplit("#L", 1)[1].isdigit() for d in r.documents)


@FAST
@given(text=TEXTISH, markdown=st.booleans(), max_tokens=st.sampled_from([5, 20, 200]))
@example(text="#", markdown=True, max_tokens=5)  # once gave an empty headline passage
def test_chunker_covers_blocks_in_order_with_exact_offsets(text, markdown, max_tokens):
    doc = plain_document(text, origin="fuzz", fmt="markdown" if markdown else "text", title_from_markdown=markdown)
    _check_document(doc, read=False)
    passages = chunk_document(doc, ChunkerSettings(max_tokens=max_tokens))
    pos = 0
    by_block = {}
    for p in passages:
        assert doc.text[p.start:p.end] == p.text and p.text
        assert p.start >= pos, "passages out of order or overlapping"
        pos = p.end
        assert p.sentences and p.sentences[0][0] == p.start and p.sentences[-1][1] == p.end
        prev = p.start
        for s, e in p.sentences:
            assert prev <= s < e <= p.end, "a sentence outside its passage"
            prev = e
        by_block.setdefault((p.kind, p.paragraph), []).append(p)
    # Every block is covered: its passages start at its start and end at its end.
    for b in doc.blocks:
        ps = by_block.get((b.kind, b.paragraph), [])
        assert ps, f"block {b.paragraph} has no passage"
        assert ps[0].start == b.start and ps[-1].end == b.end
    assert len({p.passage_id for p in passages}) == len(passages)


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory, fake_encoder):
    from reliability.util import write_corpus

    from newsqa.embeddings.indexer import update_index
    from newsqa.qa import Engine

    d = tmp_path_factory.mktemp("fuzz-idx")
    update_index([write_corpus(d / "src", 12, seed=8)], d / "index", encoder=fake_encoder, progress=False)
    return Engine.open(d / "index", encoder=fake_encoder)


@FAST
@given(q=st.one_of(st.text(max_size=300), TEXTISH, st.text(min_size=1990, max_size=2100),
                   st.sampled_from(["", " ", "?", "\x00", "who", "Who closed the harbour?" * 3, "普京", "بوتين"])),
       k=st.one_of(st.integers(-5, 110), st.sampled_from([1, 5])))
def test_any_question_gives_an_answer_or_a_question_error(fuzz_engine, q, k):
    from newsqa.qa.errors import QuestionError

    try:
        a = fuzz_engine.ask(q, k=k)
    except QuestionError as e:
        assert str(e)
        return
    assert 1 <= k <= 100
    d = a.to_dict()
    assert isinstance(d["answer"], str) and d["answer"] and isinstance(d["abstained"], bool)
    assert d["abstained"] or d["citations"]
    snap = fuzz_engine.snapshot
    for c in a.citations:
        assert snap.document_text(c.doc_id)[c.start:c.end] == c.quote
