"""End-to-end evaluation of small question sets (fake encoder; one real-model run on the seed page)."""

import json

import pytest
from helpers import SEED

from newsqa.embeddings.indexer import update_index
from newsqa.eval import evaluate
from newsqa.eval.report import FILES
from newsqa.eval.run import SYSTEM, baseline_outcome, system_outcome
from newsqa.eval.question_sets import Question

QUESTIONS = [
    {"id": "sat", "question": "What did Putin say when asked if Moscow would help Kim build satellites?",
     "answers": ["That's why we came here"], "kind": "quote"},
    {"id": "who", "question": "Who met Putin at the Vostochny cosmodrome?", "answers": ["Kim Jong Un"], "kind": "who"},
    {"id": "where", "question": "Where did they meet?", "answers": ["Vostochny"], "history": ["Who met Putin?"],
     "kind": "follow-up"},
    {"id": "none", "question": "Who won the 2031 Cricket World Cup final in Mumbai?", "answers": [], "kind": "unanswerable"},
]
NAMED_KEYS = ["hit@1", "hit@5", "hit@10", "mrr", "quote_hit", "em", "f1", "mean_quote_words", "citation_validity",
              "abstain_precision", "abstain_recall", "false_abstain", "p50", "p95"]


def _qfile(tmp_path, rows=QUESTIONS):
    p = tmp_path / "questions.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory, fake_encoder):
    d = tmp_path_factory.mktemp("eval-idx")
    update_index([SEED], d, encoder=fake_encoder, progress=False)
    return d


@pytest.mark.slow  # matplotlib: its import and layout are most of a tiny evaluate's CPU (~1.5 s)
def test_the_report_draws_its_plots(tmp_path, fake_index, fake_encoder):
    out = tmp_path / "out"
    evaluate(_qfile(tmp_path), index=fake_index, encoder=fake_encoder, out=out, baselines=True)
    for png in ("hit_at_k.png", "latency.png", "tradeoff.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png


def test_outputs_and_named_keys(tmp_path, fake_index, fake_encoder, no_plots):
    out = tmp_path / "out"
    run = evaluate(_qfile(tmp_path), index=fake_index, encoder=fake_encoder, out=out, baselines=True)
    for name in FILES:
        assert (out / name).is_file(), name
        assert name.endswith(".png") or (out / name).stat().st_size > 0, name
    m = json.loads((out / "metrics.json").read_text())
    for key in NAMED_KEYS:
        assert key in m, key
        for b in ("bm25", "dense"):
            assert key in m["baselines"][b], (b, key)
    assert (m["questions"], m["answerable"], m["unanswerable"]) == (4, 3, 1)
    assert set(m["by_kind"]) == {"quote", "who", "follow-up", "unanswerable"}
    assert m["by_kind"]["unanswerable"]["questions"] == 1
    assert m["citations"] >= 3 and m["citation_validity"] == 1.0  # the fake encoder answers the three answerable
    assert m["baselines"]["bm25"]["citation_validity"] == 1.0
    assert m["run"]["index"] == str(fake_index) and m["run"]["index_build_s"] is None
    assert run.metrics["hit@5"] == pytest.approx(m["hit@5"], abs=1e-4)
    # every system answered the same questions in the same run
    assert [r.question.id for r in run.records] == ["sat", "who", "where", "none"]
    assert all(set(r.outcomes) == {SYSTEM, "bm25", "dense"} for r in run.records)


def test_results_jsonl_rows(tmp_path, fake_index, fake_encoder, no_plots):
    out = tmp_path / "out"
    evaluate(_qfile(tmp_path), index=fake_index, encoder=fake_encoder, out=out, baselines=True, k=5)
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["sat", "who", "where", "none"]
    for r, q in zip(rows, QUESTIONS):
        assert r["answers"] == q["answers"] and r["question"] == q["question"]
        for key in ("answer", "abstained", "citations", "retrieved", "rank", "quote_hit", "latency_ms"):
            assert key in r, key
        assert len(r["retrieved"]) <= 5
        assert r["hit@10"] is None  # k=5
        assert r["abstained"] or r["citations"], r["id"]
        for c in r["citations"]:
            assert "quote" in c and "start" in c
        assert set(r["baselines"]) == {"bm25", "dense"} and "passage" in r["baselines"]["bm25"]
    unanswerable = rows[3]
    assert unanswerable["hit@1"] is None and unanswerable["quote_hit"] is None
    # the hit flags agree with the retrieved passages
    for r in rows[:3]:
        assert r["hit@5"] == (0 < r["rank"] <= 5)


def test_report_embeds_plots_and_lists_failures(tmp_path, fake_index, fake_encoder, no_plots):
    out = tmp_path / "out"
    miss = {"id": "miss", "question": "What did Putin eat for breakfast?", "answers": ["zebra steak"], "kind": "quote"}
    run = evaluate(_qfile(tmp_path, QUESTIONS + [miss]), index=fake_index, encoder=fake_encoder, out=out,
                   baselines=True)
    md = (out / "report.md").read_text()
    assert "![hit@k for the system and the baselines](hit_at_k.png)" in md
    assert "![latency per question](latency.png)" in md
    assert "| metric | newsqa | bm25 | dense |" in md and "| hit@10 |" in md
    assert "## By kind" in md and "| follow-up |" in md
    failed = [r.question.id for r in run.records if not r.outcomes[SYSTEM].quote_hit and r.question.answerable]
    assert "miss" in failed  # its answer is in no article
    assert "## Failures" in md and "(miss)" not in md  # ids shown as code, not in brackets
    failures = md.split("## Failures", 1)[1]
    for r in run.records:  # every answerable question that missed is listed, and only those
        if r.question.answerable:
            assert (f"`{r.question.id}`" in failures) == (r.question.id in failed), r.question.id


def test_deterministic(tmp_path, fake_index, fake_encoder, no_plots):
    def strip(path):
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        for r in rows:
            r.pop("timings_ms"), r.pop("latency_ms")
            for b in r.get("baselines", {}).values():
                b.pop("latency_ms")
        return rows

    q = _qfile(tmp_path)
    evaluate(q, index=fake_index, encoder=fake_encoder, out=tmp_path / "a", baselines=True)
    evaluate(q, index=fake_index, encoder=fake_encoder, out=tmp_path / "b", baselines=True)
    assert strip(tmp_path / "a" / "results.jsonl") == strip(tmp_path / "b" / "results.jsonl")
    ma = json.loads((tmp_path / "a" / "metrics.json").read_text())
    mb = json.loads((tmp_path / "b" / "metrics.json").read_text())
    drop = lambda m: {k: v for k, v in m.items() if k not in ("p50", "p95", "run", "by_kind", "baselines")}  # noqa: E731
    assert drop(ma) == drop(mb)


def test_squad_file_builds_its_own_corpus(tmp_path, squad_v2_file, fake_encoder, no_plots):
    run = evaluate(squad_v2_file, encoder=fake_encoder, out=tmp_path / "out", baselines=True)
    r = run.metrics["run"]
    assert r["format"] == "squad-v2.0" and r["documents"] == 1
    assert r["passages"] == 3  # the title (a headline passage) and one passage per paragraph
    assert r["index_build_s"] is not None and r["index_build_s"] >= 0
    assert set(run.metrics["by_kind"]) == {"answerable", "unanswerable"}
    assert run.metrics["abstain_recall"] is not None  # one unanswerable question
    assert run.metrics["hit@1"] is not None
    # the temporary index is gone after the run
    assert not any(tmp_path.glob("newsqa-eval-*"))


def test_limit_keeps_the_first_questions(tmp_path, fake_index, fake_encoder):
    run = evaluate(_qfile(tmp_path), index=fake_index, encoder=fake_encoder, limit=2)
    assert [r.question.id for r in run.records] == ["sat", "who"] and run.metrics["questions"] == 2


def test_corpus_option_builds_a_temporary_index(tmp_path, fake_encoder):
    run = evaluate(_qfile(tmp_path), corpus=[SEED], encoder=fake_encoder)
    assert run.metrics["run"]["index_source"] == "corpus" and run.metrics["run"]["index_build_s"] is not None
    assert run.metrics["run"]["documents"] == 1


def test_invalid_citation_is_counted(fake_index, fake_encoder):
    """Citation validity can fail: a quote that does not match its document at its offsets."""
    from dataclasses import replace

    from newsqa.qa import Engine

    engine = Engine.open(fake_index, encoder=fake_encoder)
    q = Question("sat", QUESTIONS[0]["question"], ("That's why we came here",))
    a = engine.ask(q.question, k=10)
    hit = a.retrieved[0]
    from newsqa.qa.types import Citation

    p = hit.passage
    good = Citation(1, p.text, p.doc_id, p.passage_id, p.title, p.date, p.source, p.section, p.kind, p.paragraph,
                    p.start, p.end, 1.0)
    bad = replace(good, n=2, start=good.start + 1)
    o = system_outcome(q, replace(a, abstained=False, citations=(good, bad)), engine.snapshot)
    assert (o.citations, o.citations_valid) == (2, 1)
    b = baseline_outcome("bm25", q, list(a.retrieved), engine.snapshot, 1.0)
    assert b.citations == 1 and b.citations_valid == 1 and b.quotes == (p.text,)
    moved = replace(hit, passage=replace(p, start=p.start + 1))
    assert baseline_outcome("bm25", q, [moved], engine.snapshot, 1.0).citations_valid == 0


@pytest.mark.slow
def test_real_model_on_the_seed_page(tmp_path, seed_index, real_encoder):
    out = tmp_path / "out"
    run = evaluate(_qfile(tmp_path), index=seed_index, encoder=real_encoder, out=out, baselines=True)
    m = run.metrics
    assert m["citation_validity"] == 1.0 and m["citations"] >= 1
    assert m["hit@10"] >= 2 / 3  # the easy questions' answers are retrieved
    assert m["baselines"]["dense"]["hit@10"] >= 1 / 3
    assert m["run"]["model"] == "all-MiniLM-L6-v2"
    assert (out / "report.md").is_file()


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_baseline_retrieval_matches_the_engine_in_that_mode(fake_index, fake_encoder, mode):
    """The fast baseline path (retrieval only) ranks exactly as Engine.ask in the same mode."""
    from dataclasses import replace

    from newsqa.qa import Engine
    from newsqa.eval.run import BaselineRetriever

    engine = Engine.open(fake_index, encoder=fake_encoder)
    qs = [Question(r["id"], r["question"], tuple(r["answers"]), tuple(r.get("history", ()))) for r in QUESTIONS]
    got = BaselineRetriever(engine, mode).search(qs, 10, [0.0] * len(qs))
    for q, (hits, ms) in zip(qs, got):
        want = engine.ask(q.question, k=10, history=list(q.history),
                          retrieval=replace(engine.retrieval_settings, mode=mode)).retrieved
        assert [h.passage.passage_id for h in hits] == [h.passage.passage_id for h in want]
        assert ms >= 0
