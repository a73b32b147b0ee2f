"""Question -> retrieval -> cited answer: the Python API (``Engine``) and the ``newsqa`` CLI.

    >>> from newsqa.qa import Engine                                               # doctest: +SKIP
    >>> engine = Engine.open()            # the default index, or the built-in sample corpus  # doctest: +SKIP
    >>> a = engine.ask("Where did Putin show Kim around?")  # doctest: +SKIP
    >>> a.citations[0].quote, a.citations[0].title, a.citations[0].date  # doctest: +SKIP
"""

from .engine import Engine, default_index_dir, sample_index_dir
from .errors import QuestionError
from .types import Answer, Citation, Filters, Hit

__all__ = ["Engine", "Answer", "Citation", "Filters", "Hit", "QuestionError", "default_index_dir", "sample_index_dir"]
