"""Question -> retrieval -> cited answer: the Python API (``Engine``) and the ``newsqa`` CLI.

    >>> from newsqa.qa import Engine                                               # doctest: +SKIP
    >>> engine = Engine.open()            # the default index, or the built-in sample corpus  # doctest: +SKIP
    >>> a = engine.ask("Where did Putin show Kim around?")  # doctest: +SKIP
    >>> a.citations[0].quote, a.citations[0].title, a.citations[0].date  # doctest: +SKIP
"""

from .caches import CacheSizes
from .engine import Engine, EngineState, default_index_dir, sample_index_dir
from .errors import QuestionError
from .types import Answer, Citation, Filters, Hit, Turn

__all__ = ["Engine", "EngineState", "CacheSizes", "Answer", "Citation", "Filters", "Hit", "Turn", "QuestionError",
           "default_index_dir", "sample_index_dir"]
