"""The OpenAI-compatible endpoint through the official ``openai`` client against the running server."""

from __future__ import annotations

import openai  # a test dependency (pyproject's test extra): no skip
import pytest

Q = "What did Putin say when asked if Moscow would help Kim build satellites?"


@pytest.fixture
def oai(api):
    with openai.OpenAI(base_url=api[0] + "/v1", api_key="unused", max_retries=0, timeout=60) as c:
        yield c


def _quotes_and_markers(content: str, citations: list[dict], engine) -> None:
    assert citations, content
    for c in citations:
        assert engine.snapshot.document_text(c["doc_id"])[c["start"]:c["end"]] == c["quote"]
        assert c["quote"] in content and f"[{c['n']}]" in content
        assert f"- [{c['n']}] **" in content.split("**Sources**")[1]  # the Markdown sources list


def test_chat_completion_returns_cited_quotes(api, oai):
    url, engine = api
    r = oai.chat.completions.create(model="newsqa", messages=[{"role": "system", "content": "Be brief."},
                                                              {"role": "user", "content": Q}])
    assert r.object == "chat.completion" and r.model == "newsqa" and r.choices[0].finish_reason == "stop"
    msg = r.choices[0].message
    assert msg.role == "assistant"
    want = engine.ask(Q).to_dict()
    assert msg.content.startswith(want["answer"])
    _quotes_and_markers(msg.content, r.model_extra["citations"], engine)
    assert r.model_extra["newsqa"]["citations"] == r.model_extra["citations"]
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens > 0


def test_streaming_gives_the_same_message_in_chunks(api, oai):
    url, engine = api
    messages = [{"role": "user", "content": Q}]
    whole = oai.chat.completions.create(model="newsqa", messages=messages).choices[0].message.content
    stream = oai.chat.completions.create(model="newsqa", messages=messages, stream=True,
                                         stream_options={"include_usage": True})
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    with_choices = [c for c in chunks if c.choices]
    assert with_choices[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in with_choices)
    assert text == whole and len(with_choices) >= 3
    assert with_choices[-1].choices[0].finish_reason == "stop"
    _quotes_and_markers(text, with_choices[-1].model_extra["citations"], engine)
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_a_follow_up_is_resolved_as_in_the_ui(api, oai):
    url, engine = api
    q1, q2 = "Who did Kim Jong Un meet in Russia?", "Where did they meet?"
    first = oai.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": q1}])
    content = first.choices[0].message.content
    r = oai.chat.completions.create(model="newsqa", messages=[
        {"role": "user", "content": q1}, {"role": "assistant", "content": content}, {"role": "user", "content": q2}])
    a1 = engine.ask(q1)
    ui_history = [{"question": q1, "answer": "" if a1.abstained else a1.answer}]  # what ui.app keeps
    want = engine.ask(q2, history=ui_history).to_dict()
    got = r.model_extra["newsqa"]
    assert got["resolved_question"] == want["resolved_question"]
    assert [c["passage_id"] for c in got["citations"]] == [c["passage_id"] for c in want["citations"]]
    assert got["answer"] == want["answer"]
    alone = engine.ask(q2).to_dict()
    assert [h["passage_id"] for h in got["retrieved"]] != [h["passage_id"] for h in alone["retrieved"]]


def test_models_and_errors(oai):
    assert [m.id for m in oai.models.list()] == ["newsqa"]
    assert oai.models.retrieve("newsqa").owned_by == "newsqa"
    with pytest.raises(openai.NotFoundError) as e:
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": Q}])
    assert "this server serves 'newsqa'" in str(e.value)
    with pytest.raises(openai.BadRequestError) as e:
        oai.chat.completions.create(model="newsqa", messages=[{"role": "assistant", "content": "hi"}])
    assert "last message must be the user's question" in str(e.value)
    with pytest.raises(openai.UnprocessableEntityError):
        oai.chat.completions.create(model="newsqa", messages=[])


def test_content_parts_and_extra_body_filters(api, oai):
    url, engine = api
    r = oai.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": [{"type": "text", "text": Q}]}],
                                    extra_body={"k": 3, "filters": {"kinds": ["headline"]}})
    got = r.model_extra["newsqa"]
    assert got["question"] == Q and all(h["kind"] == "headline" for h in got["retrieved"])


def test_an_unsure_note_is_not_carried_into_a_follow_up():
    """A client sends the earlier reply back as it got it: its answer is the quotes, without the note."""
    from newsqa.qa.types import UNSURE_NOTE
    from newsqa.serve.openai_compat import ChatMessage, conversation, render

    said = render({"answer": "\u201cKim met Putin.\u201d [1]", "note": UNSURE_NOTE + ".", "citations": [],
                   "related": []})
    assert said.startswith(f"*{UNSURE_NOTE}.*\n\n")
    msgs = [ChatMessage(role="user", content="Who met Putin?"), ChatMessage(role="assistant", content=said),
            ChatMessage(role="user", content="Where?")]
    assert conversation(msgs) == ("Where?", [{"question": "Who met Putin?", "answer": "\u201cKim met Putin.\u201d [1]"}])


def test_a_filtered_refusal_says_why_once_and_labels_related_passages_as_the_cli_and_browser_do():
    """The answer text leads with the filter note (the engine puts it first); the message said it
    again after, and headed the related passages "Related, but not an answer" (the README, the
    terminal and the browser: "related, not an answer")."""
    from newsqa.serve.openai_compat import render

    note = "No article in section weather."
    said = render({"answer": f"{note} Not found in the indexed articles.", "note": "", "filter_note": note,
                   "citations": [], "related": [{"title": "Port reopens", "date": "", "text": "The port reopened."}]})
    assert said.startswith(note) and said.count(note) == 1
    assert "**Related, not an answer**" in said and "but not" not in said
