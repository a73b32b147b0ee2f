"""Named errors of the evaluation side (the CLI prints them as one line and exits with status 2)."""

from newsqa.embeddings.errors import NewsqaError


class EvalError(NewsqaError):
    """The evaluation cannot run as asked (conflicting options, nothing to evaluate, no corpus)."""


class QuestionFileError(EvalError):
    """A question file cannot be read, or has malformed lines (the message names the file and lines)."""
