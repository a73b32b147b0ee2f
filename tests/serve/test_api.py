"""Every endpoint of the HTTP API through a real HTTP client against a server started here."""

from __future__ import annotations

import json
import logging

import pytest

TOKEN = "test-token-5b1f"  # = conftest.TOKEN (tests/serve is not a package: `serve` is the code's)


def without_timings(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}

Q = "When did the port reopen?"


def test_ask_returns_the_same_object_as_ask_json(api, client):
    url, engine = api
    r = client.post("/v1/ask", json={"question": Q, "k": 3})
    assert r.status_code == 200, r.text
    got = r.json()
    assert without_timings(got) == without_timings(engine.ask(Q, k=3).to_dict())
    assert not got["abstained"] and got["citations"][0]["quote"] == "The port reopened on Monday."
    text = engine.snapshot.document_text(got["citations"][0]["doc_id"])
    c = got["citations"][0]
    assert text[c["start"]:c["end"]] == c["quote"]


def test_ask_with_filters_and_history(api, client):
    url, engine = api
    from newsqa.qa.explain import filter_note
    from newsqa.qa.types import Filters

    body = {"question": Q, "filters": {"kinds": ["headline"]}, "history": ["Who met Putin?", {"question": "x", "answer": ""}]}
    got = client.post("/v1/ask", json=body).json()
    f = Filters(kinds=("headline",))
    want = engine.ask(Q, filters=f, history=["Who met Putin?", {"question": "x", "answer": ""}])
    note = {"filter_note": filter_note(engine.snapshot, f)} if want.abstained else {}  # why the filter found nothing
    assert without_timings(got) == without_timings({**want.to_dict(), **note})
    assert all(h["kind"] == "headline" for h in got["retrieved"])


def test_batch_answers_each_question(api, client):
    url, engine = api
    qs = [Q, "What did Putin say when asked if Moscow would help Kim build satellites?"]
    r = client.post("/v1/ask/batch", json={"questions": qs, "k": 4})
    assert r.status_code == 200, r.text
    got = r.json()["answers"]
    assert [a["question"] for a in got] == qs
    assert [without_timings(a) for a in got] == [without_timings(a.to_dict()) for a in engine.ask_many(qs, k=4)]


def test_index_summary_and_health(api, client):
    url, engine = api
    s = client.get("/v1/index").json()
    assert s["articles"] == len(engine.snapshot.documents) and s["passages"] == len(engine.snapshot.passages)
    assert s["generation"] == engine.snapshot.generation and s["model"] == "hashing-256"
    assert {"date_from", "date_to", "sections", "sources", "updated"} <= set(s)
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["generation"] == engine.snapshot.generation


@pytest.mark.parametrize("body, status, needle", [
    ({"question": Q, "k": 0}, 422, "k: Input should be greater than or equal to 1"),
    ({"question": Q, "k": "many"}, 422, "k: "),
    ({"question": ""}, 422, "question"),
    ({"question": "?!"}, 400, "no words"),
    ({"question": "x " * 3000}, 400, "the limit is 2000"),
    ({"k": 3}, 422, "question: Field required"),
    ({"question": Q, "colour": "red"}, 422, "colour: Extra inputs are not permitted"),
    ({"question": Q, "filters": {"date_from": "2023-13-40"}}, 400, "date_from must be a date"),
    ({"question": Q, "filters": {"section": "x"}}, 422, "filters.section"),
    ({"question": Q, "history": [{"q": 1}]}, 422, "history"),
])
def test_bad_requests_get_one_readable_4xx_and_no_traceback(client, caplog, body, status, needle):
    with caplog.at_level(logging.DEBUG):
        r = client.post("/v1/ask", json=body)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert needle in err["message"] and "\n" not in err["message"] and err["code"] == status
    assert not [rec for rec in caplog.records if rec.exc_info or "Traceback" in rec.getMessage()]


def test_malformed_json(client):
    r = client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["error"]["message"]


def test_write_endpoints_need_the_token(client):
    files = [("files", ("a.md", b"# T\n\nText.\n"))]
    r = client.post("/v1/documents", files=files)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in r.json()["error"]["message"]
    r = client.post("/v1/documents", files=files, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 403 and "not the server's token" in r.json()["error"]["message"]
    r = client.delete("/v1/documents/0123456789abcdef", headers={"Authorization": f"Basic {TOKEN}"})
    assert r.status_code == 403


def test_write_endpoints_are_off_without_a_configured_token(serve_index_pristine, fake_encoder, tmp_path):
    import shutil

    import httpx

    from newsqa.qa import Engine
    from newsqa.serve.server import local_app, start

    shutil.copytree(serve_index_pristine, tmp_path / "i")
    server = start(local_app(Engine.open(tmp_path / "i", encoder=fake_encoder), token=None, gradio=False))
    try:
        r = httpx.delete(server.url + "/v1/documents/0123456789abcdef", headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "NEWSQA_API_TOKEN" in r.json()["error"]["message"]
        assert httpx.get(server.url + "/").status_code == 404  # gradio=False: no chat at /
        r = httpx.get(server.url + "/v1/ask")
        assert r.status_code == 405 and r.json()["error"]["message"] == "Method Not Allowed"
    finally:
        server.stop()


def test_upload_checks_indexes_and_delete_removes(api, client):
    url, engine = api
    auth = {"Authorization": f"Bearer {TOKEN}"}
    gen0 = client.get("/v1/index").json()["generation"]
    article = "# Bridge opens at dawn\n\nThe new bridge over the Vale river opened to traffic on Tuesday.\n".encode()
    files = [("files", ("../../bridge.md", article)), ("files", ("tool.exe", b"MZ")),
             ("files", ("empty.txt", b"")), ("files", ("bin.txt", b"ab\x00cd"))]
    r = client.post("/v1/documents", files=files, headers=auth)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["saved"] == ["bridge.md"] and out["report"]["added"] >= 1
    reasons = {x["name"]: x["reason"] for x in out["refused"]}
    assert ".exe is not a supported type" in reasons["tool.exe"]
    assert reasons["empty.txt"] == "the file is empty" and "binary" in reasons["bin.txt"]
    got = client.post("/v1/ask", json={"question": "When did the bridge over the Vale river open?"}).json()
    assert got["citations"] and "bridge" in got["citations"][0]["quote"]
    doc_id = got["citations"][0]["doc_id"]
    assert client.get("/v1/index").json()["generation"] != gen0

    r = client.delete(f"/v1/documents/{doc_id}", headers=auth)
    assert r.status_code == 200 and r.json()["report"]["removed"] >= 1, r.text
    assert doc_id not in engine.snapshot.documents
    again = client.post("/v1/ask", json={"question": "When did the bridge over the Vale river open?"}).json()
    assert doc_id not in {c["doc_id"] for c in again["citations"]} | {h["doc_id"] for h in again["retrieved"]}
    r = client.delete(f"/v1/documents/{doc_id}", headers=auth)
    assert r.status_code == 404 and doc_id in r.json()["error"]["message"]
    assert str(engine.index_dir) not in r.json()["error"]["message"]  # no server path


def test_upload_over_the_limit_is_refused_before_it_is_read(client):
    big = b"a" * (51 * 2**20)
    r = client.post("/v1/documents", files=[("files", ("big.txt", big))], headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 413 and "limit" in r.json()["error"]["message"]


def test_metrics_count_questions_abstentions_and_generation(client):
    def value(text, name):
        lines = [ln for ln in text.splitlines() if ln.startswith(name + " ") or ln.startswith(name + "{")]
        return sum(float(ln.rsplit(" ", 1)[1]) for ln in lines)

    before = client.get("/metrics").text
    client.post("/v1/ask", json={"question": Q})
    client.post("/v1/ask", json={"question": "Who won the Mercury Prize for jazz in 1997?"})
    client.post("/v1/ask", json={"question": Q, "k": 0})
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    after = r.text
    assert value(after, "newsqa_questions_total") == value(before, "newsqa_questions_total") + 2
    assert value(after, "newsqa_question_seconds_count") == value(before, "newsqa_question_seconds_count") + 2
    assert value(after, "newsqa_abstentions_total") >= value(before, "newsqa_abstentions_total")
    assert value(after, 'newsqa_request_errors_total{status="422"}') == value(before, 'newsqa_request_errors_total{status="422"}') + 1
    assert value(after, "newsqa_index_generation") >= 1 and "newsqa_question_seconds_bucket" in after


def test_openapi_schema_mirrors_the_answer_dataclass(api, client):
    url, engine = api
    from newsqa.serve.schemas import AnswerModel

    spec = client.get("/openapi.json").json()
    assert {"/v1/ask", "/v1/ask/batch", "/v1/index", "/v1/documents", "/v1/documents/{doc_id}", "/healthz",
            "/metrics", "/v1/chat/completions", "/v1/models"} <= set(spec["paths"])
    answer = engine.ask(Q).to_dict()
    schema = spec["components"]["schemas"]["AskAnswer"]  # the Answer's fields and the API's filter_note
    assert set(schema["properties"]) == set(answer) | {"filter_note"} and set(answer) == set(AnswerModel.model_fields)
    assert set(spec["components"]["schemas"]["Citation"]["properties"]) == set(answer["citations"][0])
    assert set(spec["components"]["schemas"]["Hit"]["properties"]) == set(answer["retrieved"][0])
    AnswerModel.model_validate(answer)
    assert client.get("/docs").status_code == 200


def test_a_new_answer_field_flows_into_the_model(monkeypatch):
    """Issues 11/12 add Answer fields: the derived model follows the dataclass, no list to edit."""
    import dataclasses

    from newsqa.qa.types import Answer
    from newsqa.serve.schemas import CitationModel, HitModel, model_from_to_dict
    from newsqa.qa.types import Citation, Hit

    @dataclasses.dataclass(frozen=True)
    class Answer2(Answer):
        abstain_reason: str = ""

        def to_dict(self):
            return {**super().to_dict(), "abstain_reason": self.abstain_reason}

    m = model_from_to_dict(Answer2, {Citation: CitationModel, Hit: HitModel})
    assert m.model_fields["abstain_reason"].annotation is str


@pytest.mark.slow  # imports Gradio (~7 CPU-s); the API tests above run without the chat
def test_the_chat_is_mounted_at_the_root(chat_api):
    import httpx

    url, engine = chat_api
    with httpx.Client(base_url=url, timeout=60) as client:
        r = client.get("/")
        assert r.status_code == 200 and "<html" in r.text.lower()
        cfg = client.get("/config")
        assert cfg.status_code == 200 and "components" in cfg.json()
        # the chat at / shadows none of the API's routes
        got = client.post("/v1/ask", json={"question": Q, "k": 3})
        assert got.status_code == 200 and without_timings(got.json()) == without_timings(engine.ask(Q, k=3).to_dict())
        assert client.get("/healthz").json()["status"] == "ok"


def _unsure(engine, question: str):
    """The engine's real answer to ``question``, made unsure (the fake encoder gives no unsure one)."""
    from dataclasses import replace

    a = engine.ask(question, k=3)
    assert a.citations, "the question must be answered for the test to mean anything"
    return replace(a, answer_state="unsure", abstain_reason={"code": "not_stated", "text": "no quote says when",
                                                              "terms": []})


def test_an_unsure_answer_carries_its_note_in_every_json_form(api, client, monkeypatch):
    """The label the terminal and the browser put before an unsure answer is the JSON's ``note``
    (``answer`` stays the quotes alone, ``answer_state`` the state); the chat reply starts with it."""
    from newsqa.qa.types import UNSURE_NOTE

    url, engine = api
    unsure = _unsure(engine, Q)
    monkeypatch.setattr(engine, "ask", lambda *a, **kw: unsure)
    got = client.post("/v1/ask", json={"question": Q, "k": 3}).json()
    assert got["answer_state"] == "unsure" and got["answer"] == unsure.answer
    assert got["note"] == f"{UNSURE_NOTE} (no quote says when)." == unsure.note
    r = client.post("/v1/chat/completions", json={"model": "newsqa", "messages": [{"role": "user", "content": Q}]})
    content = r.json()["choices"][0]["message"]["content"]
    assert content.startswith(f"*{UNSURE_NOTE}") and unsure.answer in content
    monkeypatch.undo()
    sure = client.post("/v1/ask", json={"question": Q, "k": 3}).json()
    assert sure["answer_state"] == "answered" and sure["note"] == ""


BANK = b"Bank rates rise\n\nThe central bank raised rates by half a point on Tuesday, its governor said."


def _articles(client) -> int:
    return client.get("/v1/index").json()["articles"]


def test_a_deleted_upload_comes_back_when_uploaded_again(own_api):
    """review10 #4: DELETE, then the same file again, was `saved` but indexed nothing."""
    client, engine, uploads = own_api
    n = _articles(client)
    r = client.post("/v1/documents", files=[("files", ("a.txt", BANK))]).json()
    assert r["saved"] == ["a.txt"] and r["duplicates"] == [] and _articles(client) == n + 1
    doc = next(i for i, d in engine.snapshot.documents.items() if d["title"] == "Bank rates rise")
    deleted = client.delete(f"/v1/documents/{doc}")
    assert deleted.status_code == 200 and _articles(client) == n, deleted.text
    r = client.post("/v1/documents", files=[("files", ("a.txt", BANK))]).json()
    assert r["report"]["added"] >= 1 and _articles(client) == n + 1 and r["saved"] == ["a.txt"]
    assert deleted.json()["upload_deleted"] is True and deleted.json()["others_kept"] == 0
    # the same bytes once more: nothing new, and said so (not "saved")
    r = client.post("/v1/documents", files=[("files", ("a.txt", BANK))]).json()
    assert r["saved"] == [] and r["duplicates"] == [
        {"name": "a.txt", "reason": "the same file was uploaded before; nothing changed"}]


def test_deleting_one_record_of_an_uploaded_jsonl_keeps_the_file_and_the_others(own_api):
    client, engine, uploads = own_api
    body = "".join(json.dumps({"title": t, "text": x}) + "\n" for t, x in [
        ("Port reopens", "The port reopened on Monday after a strike."),
        ("Mayor quits", "The mayor resigned on Friday.")]).encode()
    assert client.post("/v1/documents", files=[("files", ("two.jsonl", body))]).json()["saved"] == ["two.jsonl"]
    doc = next(i for i, d in engine.snapshot.documents.items() if d["title"] == "Mayor quits")
    r = client.delete(f"/v1/documents/{doc}").json()
    assert r["upload_deleted"] is False and r["others_kept"] == 1
    assert "Port reopens" in {d["title"] for d in engine.snapshot.documents.values()}
    assert len(list(uploads.iterdir())) == 1
    r = client.post("/v1/documents", files=[("files", ("two.jsonl", body))]).json()
    assert r["saved"] == [] and r["duplicates"][0]["name"] == "two.jsonl"


def test_upload_outcomes_are_matched_by_saved_file_not_by_name(own_api):
    """review10 #7 (a): two files named a.txt, one good, one blank."""
    client, engine, _ = own_api
    n = _articles(client)
    r = client.post("/v1/documents", files=[("files", ("a.txt", BANK)), ("files", ("a.txt", b"   \n\n  \n"))]).json()
    assert _articles(client) == n + 1
    assert r["saved"] == ["a.txt"] and [x["name"] for x in r["refused"]] == ["a.txt"], r


def test_upload_names_a_left_out_record_by_the_clients_name_and_line(own_api, tmp_path):
    """review10 #7 (b): a JSONL with a broken line and a record without text."""
    client, engine, uploads = own_api
    body = (json.dumps({"title": "A", "text": "Alpha text here."}) + "\n{bad\n" + json.dumps({"title": "B"}) + "\n").encode()
    r = client.post("/v1/documents", files=[("files", ("news.jsonl", body))])
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["saved"] == ["news.jsonl"] and out["refused"] == []
    paths = [s["path"] for s in out["report"]["skipped"]]
    assert paths == ["news.jsonl#L2", "news.jsonl#L3"], paths
    text = json.dumps(out)
    for server_path in (str(uploads), str(tmp_path), str(engine.index_dir)):
        assert server_path not in text
    # a file none of whose records can be read is refused, by its name, with the line
    r = client.post("/v1/documents", files=[("files", ("bad.jsonl", b"{bad\n"))]).json()
    assert r["saved"] == [] and r["refused"] == [
        {"name": "bad.jsonl", "reason": "line 1: not valid JSON (Expecting property name enclosed in double quotes at column 2)"}]


@pytest.mark.parametrize("filters, needle", [
    ({"kinds": ["foo"]}, "filters.kinds.0: Input should be 'paragraph' or 'headline'"),
    ({"kinds": ["paragraph", "Headline"]}, "filters.kinds.1: Input should be 'paragraph' or 'headline'"),
])
def test_an_unknown_passage_kind_is_a_422(client, filters, needle):
    """review10 #9: {"kinds": ["foo"]} answered 200 "Not found ... No passage came back"."""
    for path, body in (("/v1/ask", {"question": Q, "filters": filters}),
                       ("/v1/ask/batch", {"questions": [Q], "filters": filters}),
                       ("/v1/chat/completions", {"model": "newsqa", "filters": filters,
                                                 "messages": [{"role": "user", "content": Q}]})):
        r = client.post(path, json=body)
        assert r.status_code == 422 and needle in r.json()["error"]["message"], (path, r.text)


def test_a_filter_that_leaves_nothing_says_so_in_the_answer(client):
    """review10 #9: the browser chat's filter note, in the API's answer and the chat's reply."""
    filters = {"sections": ["no-such-section"]}
    got = client.post("/v1/ask", json={"question": Q, "filters": filters}).json()
    assert got["answer_state"] == "not_found" and got["filter_note"] == "No article in section no-such-section."
    batch = client.post("/v1/ask/batch", json={"questions": [Q], "filters": filters}).json()["answers"]
    assert batch[0]["filter_note"] == got["filter_note"]
    chat = client.post("/v1/chat/completions", json={"model": "newsqa", "filters": filters,
                                                     "messages": [{"role": "user", "content": Q}]}).json()
    said = chat["choices"][0]["message"]["content"]
    assert said.startswith("No article in section no-such-section. Not found") and said.count("no-such-section") == 1
    assert got["answer"].startswith(got["filter_note"])  # the answer leads with why, as the chat and the CLI say it
    # answered, or not filtered: the ``ask --json`` object as it is
    assert "filter_note" not in client.post("/v1/ask", json={"question": Q}).json()
    spec = client.get("/openapi.json").json()["components"]["schemas"]
    assert "filter_note" in spec["AskAnswer"]["properties"]
    assert spec["Filters"]["properties"]["kinds"]["items"]["enum"] == ["paragraph", "headline"]
