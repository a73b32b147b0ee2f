"""Named errors of the indexing side. Messages say what was wrong and what to do."""


class NewsqaError(Exception):
    """Base of every error newsqa raises for a user's mistake or a bad input (shown as one line)."""


class ReadError(NewsqaError):
    """A file could not be read as a document (the indexer skips it and goes on)."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class IndexFormatError(NewsqaError):
    """An index folder is missing, damaged, or of an unknown format version."""


class ModelMismatchError(NewsqaError):
    """The index was built with another model or dimension than the one asked for."""


class ModelChecksumError(NewsqaError):
    """The model's weights are not the expected ones."""


class IndexLockedError(NewsqaError):
    """Another process is writing to the index."""


class BackendCacheError(NewsqaError):
    """A cached converted model does not match its recorded checksums (it is refused and rebuilt)."""


class BackendUnavailableError(NewsqaError):
    """An encoder backend cannot run here (its package is not installed, or it failed to load)."""


class DocumentNotFoundError(NewsqaError):
    """A document id asked for is not in the index."""


class PathNotFoundError(NewsqaError):
    """A file or folder given to ``newsqa index`` does not exist (nothing is indexed then). ``watch`` may
    follow a folder that does not exist yet, and does not raise it."""


class SettingsError(NewsqaError, ValueError):
    """A setting holds a value it does not take (the message names the field and the values it takes)."""


class NotAnIndexError(NewsqaError):
    """An index folder given to write into that holds other files and no index (a folder of articles)."""
