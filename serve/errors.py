"""Named errors of the HTTP side, each with the status code it is answered with."""

from newsqa.embeddings.errors import DocumentNotFoundError, IndexLockedError, NewsqaError


class ApiError(NewsqaError):
    """A request the server refuses: ``status`` is its HTTP code, the message says what to do."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.kind = kind


def status_of(e: NewsqaError) -> int:
    """The HTTP status of an engine error: 404 unknown document, 409 index busy, else 400."""
    if isinstance(e, ApiError):
        return e.status
    if isinstance(e, DocumentNotFoundError):
        return 404
    if isinstance(e, IndexLockedError):
        return 409
    return 400


def missing_extra(module: str, extra: str) -> ImportError:
    return ImportError(f"{module} is not installed; pip install 'newsqa[{extra}]'")
