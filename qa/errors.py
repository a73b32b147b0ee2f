"""Named errors of the question side."""

from newsqa.embeddings.errors import IndexFormatError, NewsqaError  # noqa: F401  (re-exported)


class QuestionError(NewsqaError):
    """The question or its options cannot be answered as given (empty, too long, bad -k...)."""
