"""Ray Serve on a local ``ray.init(num_cpus=2)``: 2 replicas, and 2 shards, answer as one process does."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.slow

QUESTIONS = ["What did Putin say when asked if Moscow would help Kim build satellites?",
             "Where did Putin show Kim around?", "What is the death toll from the floods in Greece?",
             "When did the port reopen?", "Who closed the harbour?", "What did the council say about the budget?"]


@pytest.fixture(scope="module")
def encoder():
    """The fake encoder the replicas load from the manifest (a real model would only add minutes)."""
    from newsqa.embeddings.encoder import load_encoder

    return load_encoder("hashing-256")


@pytest.fixture(scope="module")
def ray_apps(tmp_path_factory):
    """Two Serve applications over one index (seed page, Markdown article, 30 small articles):
    2 replicas; 1 replica over 2 shards."""
    pytest.importorskip("ray.serve")
    import ray

    from newsqa.embeddings.indexer import update_index
    from helpers import jittered_hashing_encoder, seed_and_markdown_index
    from reliability.util import write_corpus
    from newsqa.serve.ray_serve import deploy, shutdown

    os.environ.setdefault("RAY_raylet_start_wait_time_s", "180")  # 30 s is not always enough on a loaded machine
    root = tmp_path_factory.mktemp("ray")
    index = seed_and_markdown_index(root, jittered_hashing_encoder())  # passages without exact ties
    update_index([write_corpus(root / "more", 30)], index, encoder=jittered_hashing_encoder(), progress=False)
    for attempt in range(3):  # Ray gives its raylet 30 s to start: not always enough on a loaded 2-core machine
        try:
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            break
        except Exception as e:
            if "timed out during startup" not in str(e) or attempt == 2:
                raise
            ray.shutdown()
    try:
        replicas = deploy(index, replicas=2, name="t-replicas", num_cpus=0.25)  # 5 actors on 2 CPUs
        shards = deploy(index, replicas=1, shards=2, name="t-shards", num_cpus=0.25)
        yield index, replicas, shards
    finally:
        for name in ("t-replicas", "t-shards"):
            try:
                shutdown(name)
            except Exception:
                pass
        from ray import serve

        serve.shutdown()
        ray.shutdown()


def _comparable(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}


def test_replicas_and_shards_answer_as_one_process(ray_apps, encoder):
    from newsqa.qa import Engine

    index, replicas, shards = ray_apps
    one = Engine.open(index, encoder=encoder)
    for q in QUESTIONS:
        want = one.ask(q, k=10).to_dict()
        for backend in (replicas, shards):
            got = backend.ask(q, 10, None, [])
            assert [h["passage_id"] for h in got["retrieved"]] == [h["passage_id"] for h in want["retrieved"]]
            assert _comparable(got) == _comparable(want)
    batch = replicas.ask_batch(QUESTIONS[:2], 5, None)
    assert [a["answer"] for a in batch] == [one.ask(q).answer for q in QUESTIONS[:2]]


def _statuses(handle, method: str = "status", rounds: int = 12, want: int = 2) -> dict:
    """pid -> status of the replicas behind ``handle``, asking in concurrent rounds until ``want`` answered."""
    seen: dict = {}
    for _ in range(rounds):
        for p in [handle.call.remote(method) for _ in range(8)]:
            got = p.result()["ok"]
            seen[got["pid"]] = got
        if len(seen) >= want:
            break
    return seen


def test_http_api_over_ray_and_a_new_generation_is_picked_up(ray_apps, encoder, tmp_path):
    """Append a document: the next question on every replica (and every shard) answers from it."""
    import httpx
    from concurrent.futures import ThreadPoolExecutor

    from newsqa.embeddings.indexer import update_index
    from newsqa.serve.api import create_app
    from newsqa.serve.server import start

    index, replicas, shards = ray_apps
    before = _statuses(replicas.handle)
    assert len(before) == 2  # both replicas answered
    gen = next(iter(before.values()))["generation"]
    server = start(create_app(shards, token=None))
    try:
        with httpx.Client(base_url=server.url, timeout=120) as c:
            r = c.post("/v1/ask", json={"question": QUESTIONS[0]})
            assert r.status_code == 200 and r.json()["citations"]
            r = c.post("/v1/ask", json={"question": "?!"})
            assert r.status_code == 400 and "no words" in r.json()["error"]["message"]
            assert c.get("/v1/index").json()["generation"] == gen
            (tmp_path / "new.md").write_text("# Lighthouse relit\n\nThe old lighthouse at Skerry Point was relit on Friday.\n")
            update_index([tmp_path / "new.md"], index, encoder=encoder, progress=False)
            got = c.post("/v1/ask", json={"question": "When was the lighthouse at Skerry Point relit?"}).json()
            new_gen = c.get("/v1/index").json()["generation"]
            assert new_gen != gen
            assert "lighthouse" in got["citations"][0]["quote"]
    finally:
        server.stop()
    q = "When was the lighthouse at Skerry Point relit?"
    with ThreadPoolExecutor(8) as pool:  # concurrent, so both replicas take some
        answers = list(pool.map(lambda _: replicas.ask(q, 5, None, []), range(8)))
    assert all("Skerry Point" in a["citations"][0]["quote"] for a in answers)
    after = _statuses(replicas.handle)
    assert set(after) == set(before) and all(s["generation"] == new_gen for s in after.values())
    assert all(after[p]["passages"] > before[p]["passages"] for p in before)


def test_the_chat_is_mounted_in_ray_mode(ray_apps, encoder):
    """``serve --ray``: the browser chat at ``/`` asks the replicas (its Gradio /ask as one process answers)."""
    import httpx
    from gradio_client import Client

    from newsqa.qa import Engine
    from newsqa.serve.api import create_app
    from newsqa.serve.ray_serve import RemoteEngine
    from newsqa.serve.server import mount_chat, start

    index, replicas, shards = ray_apps
    remote = RemoteEngine(replicas)
    one = Engine.open(index, encoder=encoder)
    want = one.ask(QUESTIONS[1], k=5)
    assert _comparable(remote.ask(QUESTIONS[1], k=5).to_dict()) == _comparable(want.to_dict())
    assert remote.summary() == one.summary()
    app = create_app(replicas, token=None)
    mount_chat(app, remote)
    server = start(app)
    try:
        page = httpx.get(server.url + "/", timeout=60)
        assert page.status_code == 200 and "gradio" in page.text.lower()
        assert httpx.post(server.url + "/v1/ask", json={"question": QUESTIONS[1]}, timeout=60).json()["citations"]
        got = Client(server.url, verbose=False).predict(QUESTIONS[1], 5, api_name="/ask")
        assert _comparable(got) == _comparable(want.to_dict())
    finally:
        server.stop()


def test_a_shard_ahead_of_the_engine_makes_it_refresh_and_retry():
    """A writer published between the engine's refresh and a shard's: the engine refreshes, asks again."""
    from newsqa.qa.shards import ShardMismatchError
    from newsqa.serve.ray_serve import _wrapped

    calls = []

    def ask():
        calls.append(1)
        if len(calls) == 1:
            raise ShardMismatchError("shard 0 serves generation g000002, asked for g000001")
        return "answer"

    assert _wrapped(ask, refresh=lambda: True) == {"ok": "answer"} and len(calls) == 2
    calls.clear()
    got = _wrapped(ask, refresh=lambda: False)  # nothing newer to open: the refusal is the answer
    assert got["status"] == 400 and "g000002" in got["error"] and len(calls) == 1
