"""An OpenAI-compatible chat endpoint, so any chat client can use newsqa as a "model".

``POST /v1/chat/completions``: the last user message is the question, the earlier user/assistant
turns are its history (follow-ups resolve as in the browser chat); the reply is the quoted answer
with its [n] markers and a Markdown list of sources. The citations are also given as data, in the
extra fields ``citations`` and ``newsqa`` (the whole ``newsqa ask --json`` object). With
``stream: true`` the reply comes as server-sent events of ``chat.completion.chunk`` objects,
ending with ``data: [DONE]``. ``GET /v1/models`` lists the one model, ``newsqa``.

    >>> from openai import OpenAI                                           # doctest: +SKIP
    >>> client = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="unused")  # doctest: +SKIP
    >>> r = client.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": "Who met Putin?"}])  # doctest: +SKIP
    >>> print(r.choices[0].message.content)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any, Literal, Optional, Union

from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from newsqa.qa.types import UNSURE_NOTE, location_label

from .errors import ApiError
from .schemas import K, FiltersModel

MODEL = "newsqa"
SOURCES_HEADING = "\n\n**Sources**\n"
RELATED_HEADING = "\n\n**Related, not an answer**\n"  # the terminal's and the browser's words
_MARKER = re.compile(r"\[\d+\]")


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str = ""


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Union[str, list[ContentPart], None] = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """The OpenAI request; sampling options are accepted and ignored (answers are quotes, not samples).
    ``k`` and ``filters`` (as in ``/v1/ask``) may be sent as extra body fields."""

    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: Optional[dict[str, Any]] = None
    n: int = 1
    k: K = 5
    filters: Optional[FiltersModel] = None  # type: ignore[valid-type]


def conversation(messages: list[ChatMessage]) -> tuple[str, list[dict]]:
    """(question, history): the last user message, and the turns before it as history dicts.

    An earlier assistant message contributes its answer text (the sources list cut off); one
    without citation markers was an abstention and carries no names into follow-ups, as in the UI.
    """
    turns = [m for m in messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise ApiError(400, "the last message must be the user's question (role 'user')")
    history: list[dict] = []
    for m in turns[:-1]:
        if m.role == "user":
            history.append({"question": m.text(), "answer": ""})
        elif history and not history[-1]["answer"]:
            said = _without_note(m.text().split(SOURCES_HEADING)[0].split(RELATED_HEADING)[0].strip())
            history[-1]["answer"] = said if _MARKER.search(said) else ""
    return turns[-1].text(), [h for h in history if h["question"].strip()]


def _without_note(said: str) -> str:
    """An earlier reply's answer without the unsure note ``render`` put before it."""
    if said.startswith("*" + _md(UNSURE_NOTE)):
        return said.partition("\n\n")[2].strip()
    return said


def render(answer: dict) -> str:
    """The assistant message: the unsure note (in italics) when there is one, the answer with [n]
    markers, then the sources (or related passages)."""
    note = answer.get("note") or ""
    out = (f"*{_md(note)}*\n\n" if note else "") + answer["answer"]  # a filtered refusal leads with why (the engine's)
    if answer["citations"]:
        lines = []
        for c in answer["citations"]:
            where = ", ".join(x for x in (c["source"], c["date"] or "undated", c["section"],
                                          location_label(c["kind"], c["paragraph"])) if x)
            lines.append(f"- [{c['n']}] **{_md(c['title']) or 'untitled'}** ({_md(where)})")
        out += SOURCES_HEADING + "\n".join(lines)
    elif answer.get("related"):
        lines = [f"- **{_md(h['title']) or 'untitled'}** ({h['date'] or 'undated'}): {_md(h['text'][:200])}"
                 for h in answer["related"]]
        out += RELATED_HEADING + "\n".join(lines)
    return out


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text or "")


def _words(text: str) -> int:
    return len(text.split())


def completion(answer: dict, request: ChatCompletionRequest) -> dict:
    content = render(answer)
    prompt = sum(_words(m.text()) for m in request.messages)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
        "model": MODEL, "system_fingerprint": None,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                     "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": _words(content), "total_tokens": prompt + _words(content)},
        "citations": answer["citations"], "newsqa": answer,
    }


def chunks(answer: dict, request: ChatCompletionRequest, piece_words: int = 12):
    """The streamed reply: a role chunk, content pieces, a final chunk (finish_reason, citations), [DONE]."""
    full = completion(answer, request)
    base = {"id": full["id"], "object": "chat.completion.chunk", "created": full["created"], "model": MODEL,
            "system_fingerprint": None}

    def event(delta: dict, finish=None, **extra) -> str:
        body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    content = full["choices"][0]["message"]["content"]
    pieces = re.findall(r"\S+\s*|\s+", content)
    for i in range(0, len(pieces), piece_words):
        yield event({"content": "".join(pieces[i:i + piece_words])})
    yield event({}, "stop", citations=full["citations"], newsqa=full["newsqa"])
    if (request.stream_options or {}).get("include_usage"):
        yield f"data: {json.dumps({**base, 'choices': [], 'usage': full['usage']})}\n\n"
    yield "data: [DONE]\n\n"


def add_routes(app: FastAPI, backend, metrics) -> None:
    """Add ``/v1/chat/completions`` and ``/v1/models`` to ``app``."""

    @app.post("/v1/chat/completions", tags=["openai"])
    def chat_completions(req: ChatCompletionRequest):
        """OpenAI-compatible chat: the answer to the last user message, with its sources."""
        if req.model != MODEL:
            raise ApiError(404, f"unknown model {req.model!r}; this server serves {MODEL!r} (GET /v1/models)",
                           "not_found_error")
        if req.n != 1:
            raise ApiError(400, f"n must be 1 (an answer is its quotes, there are no alternatives), got {req.n}")
        question, history = conversation(req.messages)
        t0 = time.perf_counter()
        answer = backend.ask(question, req.k, req.filters.model_dump() if req.filters else None, history)
        metrics.observe_answer(answer, time.perf_counter() - t0, "chat")
        if req.stream:
            return StreamingResponse(chunks(answer, req), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})
        return JSONResponse(completion(answer, req))

    def model_card() -> dict:
        return {"id": MODEL, "object": "model", "created": 0, "owned_by": "newsqa"}

    @app.get("/v1/models", tags=["openai"])
    def models() -> dict:
        """The models this server answers as: one, ``newsqa``."""
        return {"object": "list", "data": [model_card()]}

    @app.get("/v1/models/{model_id}", tags=["openai"])
    def model(model_id: str) -> dict:
        if model_id != MODEL:
            raise ApiError(404, f"unknown model {model_id!r}; this server serves {MODEL!r}", "not_found_error")
        return model_card()
