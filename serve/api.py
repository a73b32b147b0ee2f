"""The HTTP API (FastAPI): ask, index summary, documents, health, metrics, OpenAI-compatible chat.

    >>> from newsqa.serve.api import create_app                                    # doctest: +SKIP
    >>> app = create_app(LocalBackend(Engine.open("my-index")), token="s3cret")  # doctest: +SKIP
    >>> uvicorn.run(app, host="127.0.0.1", port=8000)  # doctest: +SKIP

Endpoints (all JSON; the schema is at ``/openapi.json``, docs at ``/docs``):

    POST   /v1/ask                 one question -> the ``newsqa ask --json`` object
    POST   /v1/ask/batch           many questions -> {"answers": [...]}
    GET    /v1/index               what the index holds
    POST   /v1/documents           upload articles (multipart ``files``); needs the token
    DELETE /v1/documents/{doc_id}  remove an article; needs the token
    GET    /healthz, /metrics      liveness; Prometheus text
    POST   /v1/chat/completions, GET /v1/models    OpenAI-compatible (``serve.openai_compat``)

Write endpoints are off unless a token is configured (``NEWSQA_API_TOKEN``); clients send it as
``Authorization: Bearer <token>``. Every refusal is ``{"error": {"message", "type", "code"}}``
with a 4xx status; bad input is never logged as a traceback.
"""

from __future__ import annotations

import hmac
import importlib.metadata
import logging
import time

from fastapi import Depends, FastAPI, File, Header, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.concurrency import run_in_threadpool

from newsqa.embeddings.errors import NewsqaError
from newsqa.ui.uploads import UploadLimits

from .errors import ApiError, status_of
from .metrics import Metrics
from .openai_compat import add_routes
from .schemas import (AskAnswerModel, AskBatchRequest, AskRequest, AskBatchResponse, DeleteResponse, DocumentsResponse,
                      ErrorResponse)

log = logging.getLogger("newsqa.serve")
ERRORS = {400: {"model": ErrorResponse}, 401: {"model": ErrorResponse}, 403: {"model": ErrorResponse},
          404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 413: {"model": ErrorResponse},
          422: {"model": ErrorResponse}}


def error_response(status: int, message: str, kind: str = "invalid_request_error", headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status_code=status, headers=headers)


def validation_message(e: RequestValidationError) -> str:
    """Pydantic's errors as one line: ``body.k: Input should be less than or equal to 100``."""
    parts = []
    for err in e.errors()[:3]:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) + ("" if len(e.errors()) <= 3 else f" (and {len(e.errors()) - 3} more)")


def create_app(backend, *, token: str | None = None, limits: UploadLimits = UploadLimits(),
               metrics: Metrics | None = None) -> FastAPI:
    """The FastAPI app over ``backend`` (``LocalBackend`` or ``RayBackend``); not started.

    Args:
        backend: answers the calls (see ``serve.backend``).
        token: the bearer token of the write endpoints; None or "" turns them off (403).
        limits: upload limits (the browser's: ``ui.uploads.UploadLimits``).
    """
    metrics = metrics or Metrics()
    app = FastAPI(title="newsqa", version=_version(), description=__doc__.split("\n\n")[0],
                  docs_url="/docs", openapi_url="/openapi.json", redoc_url=None)
    app.state.backend, app.state.metrics = backend, metrics
    _install_error_handlers(app, metrics)
    _install_upload_limit(app, limits)
    _ask_routes(app, backend, metrics)
    _document_routes(app, backend, limits, _authorizer(token))
    _service_routes(app, backend, metrics)
    add_routes(app, backend, metrics)
    return app


def _ask_routes(app: FastAPI, backend, metrics: Metrics) -> None:
    """``/v1/ask``, ``/v1/ask/batch`` and ``/v1/index``."""
    @app.post("/v1/ask", response_model=AskAnswerModel, responses=ERRORS, tags=["ask"])
    def ask(req: AskRequest):
        """Answer one question with verbatim, cited quotes (the ``newsqa ask --json`` object).

        ``filter_note`` says why, when the filters left the question unanswered ("No article in
        section sport."); an unknown ``filters.kinds`` value is a 422."""
        t0 = time.perf_counter()
        got = backend.ask(req.question, req.k, _filters(req.filters), req.history_list())
        metrics.observe_answer(got, time.perf_counter() - t0)
        return JSONResponse(got)

    @app.post("/v1/ask/batch", response_model=AskBatchResponse, responses=ERRORS, tags=["ask"])
    def ask_batch(req: AskBatchRequest):
        """Answer many questions (same k and filters); their embeddings are computed together."""
        t0 = time.perf_counter()
        got = backend.ask_batch(req.questions, req.k, _filters(req.filters))
        each = (time.perf_counter() - t0) / max(1, len(got))
        for a in got:
            metrics.observe_answer(a, each, "batch")
        return JSONResponse({"answers": got})

    @app.get("/v1/index", tags=["index"])
    def index_summary() -> dict:
        """Articles, passages, date range, sections, sources, model, last update and generation."""
        s = backend.summary()
        metrics.observe_index(s)
        return s


def _document_routes(app: FastAPI, backend, limits: UploadLimits, authorize) -> None:
    """``POST /v1/documents`` and ``DELETE /v1/documents/{doc_id}`` (both behind ``authorize``)."""
    @app.post("/v1/documents", response_model=DocumentsResponse, responses=ERRORS, tags=["documents"],
              dependencies=[Depends(authorize)])
    async def add_documents(files: list[UploadFile] = File(..., description="article files")):
        """Add articles: the same checks as the browser's uploads (type, size, count, text only).

        Each file is reported by the name it was sent under: in ``saved`` when it added articles, in
        ``duplicates`` when it added none (sent before unchanged, or its articles are indexed already),
        in ``refused`` with the reason otherwise."""
        if len(files) > limits.max_files:
            raise ApiError(413, f"too many files at once ({len(files)}); the limit is {limits.max_files}")
        data = [(f.filename or "upload", await f.read(limits.max_file_bytes + 1)) for f in files]
        return await run_in_threadpool(backend.add_documents, data)

    @app.delete("/v1/documents/{doc_id}", response_model=DeleteResponse, responses=ERRORS, tags=["documents"],
                dependencies=[Depends(authorize)])
    def delete_document(doc_id: str):
        """Remove one article (all its passages) from the index, and nothing else.

        An uploaded file that held only this article is deleted with it (uploading the same file
        again then indexes it again); a file that holds other articles (a JSONL or CSV upload, an
        indexed folder's file) stays with them, and re-sending it unchanged does not bring the
        deleted one back (it is reported under ``duplicates``)."""
        return JSONResponse(backend.delete_document(doc_id))


def _service_routes(app: FastAPI, backend, metrics: Metrics) -> None:
    """``/healthz`` and ``/metrics``."""
    @app.get("/healthz", tags=["service"])
    def healthz() -> dict:
        """``{"status": "ok", ...}`` while the server can answer."""
        s = backend.summary()
        return {"status": "ok", "generation": s.get("generation", ""), "passages": s.get("passages", 0)}

    @app.get("/metrics", tags=["service"], response_class=Response)
    def prometheus() -> Response:
        """Prometheus text: questions, latency histogram, abstentions, errors, index generation."""
        metrics.observe_index(backend.summary())
        body, ctype = metrics.render()
        return Response(body, media_type=ctype)


def _filters(model) -> dict | None:
    return model.model_dump() if model is not None else None


def _authorizer(token: str | None):
    def authorize(authorization: str | None = Header(None, description="Bearer <NEWSQA_API_TOKEN>")):
        if not token:
            raise ApiError(403, "write endpoints are off: start the server with NEWSQA_API_TOKEN set and send "
                                "it as 'Authorization: Bearer <token>'", "permission_error")
        if not authorization:
            raise ApiError(401, "this endpoint needs the server's token: send 'Authorization: Bearer <token>'",
                           "authentication_error")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise ApiError(403, "the token sent is not the server's token (NEWSQA_API_TOKEN)", "permission_error")

    return authorize


def _install_error_handlers(app: FastAPI, metrics: Metrics) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, e: ApiError):
        metrics.observe_error(e.status)
        headers = {"WWW-Authenticate": "Bearer"} if e.status == 401 else None
        return error_response(e.status, str(e), e.kind, headers)

    @app.exception_handler(NewsqaError)
    async def engine_error(request: Request, e: NewsqaError):
        status = status_of(e)
        metrics.observe_error(status)
        return error_response(status, str(e), "not_found_error" if status == 404 else "invalid_request_error")

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, e: RequestValidationError):
        metrics.observe_error(422)
        return error_response(422, validation_message(e))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException):
        metrics.observe_error(e.status_code)
        return error_response(e.status_code, str(e.detail), "invalid_request_error", getattr(e, "headers", None))


def _install_upload_limit(app: FastAPI, limits: UploadLimits) -> None:
    """Refuse an upload body over the limits before it is read (413), and one of unknown size (411)."""
    cap = limits.max_total_bytes + limits.max_files * 4096 + 65536  # room for the multipart headers

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        if request.method == "POST" and request.url.path.rstrip("/") == "/v1/documents":
            size = request.headers.get("content-length")
            if size is None or not size.isdigit():
                return error_response(411, "send the upload with a Content-Length header")
            if int(size) > cap:
                return error_response(413, f"the upload is {int(size) / 2**20:.1f} MB; the limit is "
                                           f"{limits.max_total_bytes / 2**20:g} MB together")
        return await call_next(request)


def _version() -> str:
    try:
        return importlib.metadata.version("newsqa")
    except importlib.metadata.PackageNotFoundError:
        return "dev"
