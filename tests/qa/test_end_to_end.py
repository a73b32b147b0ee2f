"""End to end with the real packaged model, offline."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SEED

pytestmark = pytest.mark.slow

PUTIN_Q = "What did Putin say when asked if Moscow would help Kim build satellites?"


def test_putin_satellites_quote(seed_engine):
    a = seed_engine.ask(PUTIN_Q)
    assert not a.abstained
    assert any("That\u2019s why we came here" in c.quote for c in a.citations)
    c = a.citations[0]
    assert (c.date, c.source, c.title) == ("2023-09-14", "Reuters", "Kim Jong Un meets Putin in Russia as missiles launch from North Korea")
    text = seed_engine.snapshot.document_text(c.doc_id)
    assert text[c.start:c.end] == c.quote


def test_off_corpus_question_abstains(seed_engine):
    a = seed_engine.ask("What is the boiling point of mercury in Kelvin?")
    assert a.abstained and not a.citations
    assert "Not found in the indexed articles" in a.answer
    assert "1 article" in a.coverage


def test_cli_ask_json_on_sample_corpus(tmp_path):
    """No index anywhere: `newsqa ask` builds one from the built-in sample corpus."""
    env = {"NEWSQA_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "newsqa.cli", "ask", PUTIN_Q, "--json"], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) >= {"question", "answer", "abstained", "citations", "retrieved", "timings_ms"}
    assert obj["citations"], obj
    text = SEED.read_text(encoding="utf-8")
    for c in obj["citations"]:
        assert set(c) >= {"n", "quote", "doc_id", "title", "date", "source", "section", "kind", "paragraph", "start", "end", "score"}
        assert text[c["start"]:c["end"]] == c["quote"]
    assert any("That\u2019s why we came here" in c["quote"] for c in obj["citations"])
    built = list(tmp_path.glob("sample-index-*/manifest.json"))
    assert len(built) == 1  # one per installed copy: its citations' origins are this copy's files
    assert all(Path(c["origin"]).resolve().is_relative_to(ROOT) for c in obj["citations"]), obj["citations"]
