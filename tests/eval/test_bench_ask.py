"""eval.bench_ask: per-stage thread CPU time of ask, each stage exclusive of the stages nested in it."""

import time

from newsqa.eval.bench_ask import ORDER, StageClock, _child_env, serve_stages, stages_markdown, summarise


def _spin(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_nested_stage_counts_for_itself_alone():
    clock = StageClock()
    inner = clock.wrap("inner", lambda: _spin(0.02))

    def outer_body():
        _spin(0.02)
        inner()

    outer = clock.wrap("outer", outer_body)
    clock.start()
    outer()
    _spin(0.01)
    got = clock.stop()
    assert 15 < got["inner"] < 60 and 15 < got["outer"] < 60 and 5 < got["other"] < 60
    assert got["outer"] < got["inner"] + got["outer"] - 10  # the inner spin is not counted twice


def test_stages_of_a_small_index_add_up_to_the_ask(small_index_pristine):
    import newsqa.qa.answer as answer

    qs = ["Where did the minister speak?", "Who opened the port?", "What did the council say about the plan?",
          "When did the storm reach the coast?"]
    before = answer.score_candidates
    run = serve_stages(small_index_pristine, qs, warmup=1)  # reads the shared index, writes nothing
    assert answer.score_candidates is before  # the timers are gone after the run
    assert len(run["cpu_ms"]) == 3 and run["backend"] == "hashing" and run["wrapped"] > 15
    assert len(run["shapes"]) == 3 and all(run["shapes"])
    res = {"index": "idx", "questions": "q", "split": "dev", "rounds": 1, "runs": {"this/hashing": summarise([run])}}
    stages = res["runs"]["this/hashing"]["stages"]
    assert set(stages) == set(ORDER)
    assert stages["dense"]["mean"] > 0 and stages["bm25"]["mean"] > 0 and stages["sentences"]["mean"] > 0
    for per_ask, cpu in zip(run["stages"], run["cpu_ms"]):  # the stages are the ask, nothing counted twice
        assert 0.8 * cpu < sum(per_ask.values()) < 1.2 * cpu + 0.5
    md = stages_markdown(res)
    assert "| encode |" in md and "this/hashing" in md


def test_a_child_runs_the_given_checkout_on_one_thread(tmp_path):
    env = _child_env(tmp_path, "onnx")
    assert env["PYTHONPATH"] == str(tmp_path) and env["NEWSQA_BACKEND"] == "onnx"
    assert env["OMP_NUM_THREADS"] == "1" and env["NEWSQA_SMALL_BATCH_THREADS"] == "1"


def test_asks_are_summarised_by_the_shape_they_were_answered_with():
    runs = [{"backend": "x", "cpu_ms": [10.0, 30.0, 50.0, 70.0], "wall_ms": [1.0] * 4, "stages": [{}] * 4,
             "shapes": ["fact", "compare", "compare", "fact"]},
            {"backend": "x", "cpu_ms": [20.0], "wall_ms": [1.0], "stages": [{}], "shapes": ["compare"]}]
    got = summarise(runs)["shapes"]
    assert got == {"compare": {"asks": 3, "cpu_p50": 30.0}, "fact": {"asks": 2, "cpu_p50": 10.0}}
    md = stages_markdown({"index": "i", "questions": "q", "split": "dev", "rounds": 2, "runs": {"this/x": summarise(runs)}})
    assert "| ask CPU p50, shape compare (asks) | 30.0 (3) |" in md


def test_passes_report_the_last_of_repeated_asks_by_an_engine_without_caches(small_index_pristine, monkeypatch):
    """--stages-passes: a server's steady state (the mapped pages touched, nothing cached)."""
    from newsqa.eval import bench_ask

    opened, asked = [], []
    real_open, real_ask = bench_ask.engine.Engine.open, bench_ask.engine.Engine.ask
    monkeypatch.setattr(bench_ask.engine.Engine, "open",
                        classmethod(lambda cls, d, **k: opened.append(k) or real_open.__func__(cls, d, **k)))
    monkeypatch.setattr(bench_ask.engine.Engine, "ask", lambda self, q, **k: asked.append(q) or real_ask(self, q, **k))
    qs = ["Where did the minister speak?", "Who opened the port?", "What did the council say about the plan?"]
    run = serve_stages(small_index_pristine, qs, warmup=1, passes=3)
    assert len(run["cpu_ms"]) == len(run["stages"]) == 2 and run["passes"] == 3  # one pass reported
    assert asked == qs[:1] + qs[1:] * 3
    sizes = opened[0]["caches"]
    assert (sizes.queries, sizes.sentences, sizes.articles, sizes.passages) == (1, 1, 1, 1)
    assert serve_stages(small_index_pristine, qs, warmup=1)["passes"] == 1 and opened[1] == {}  # default: as before
    res = {"index": "idx", "questions": "q", "split": None, "rounds": 1, "passes": 3, "runs": {"this/hashing": summarise([run])}}
    assert "the last of 3 passes" in stages_markdown(res)
