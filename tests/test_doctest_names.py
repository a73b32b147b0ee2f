"""Doctests import each library module once, by its ``newsqa.`` name (root conftest.py's collector).

pytest's own doctest collector would import ``qa/engine.py`` as ``qa.engine``: a second copy of the
module beside ``newsqa.qa.engine``, with its own classes and module-level state.
"""

import sys
from pathlib import Path

from _pytest.doctest import DoctestModule
from helpers import ROOT

STAGES = ("embeddings", "qa", "ui", "eval", "serve")


def test_a_library_file_is_collected_for_doctests_under_its_newsqa_name(request):
    path = ROOT / "embeddings" / "caching.py"
    found = [c for c in request.config.hook.pytest_collect_file(file_path=path, parent=request.session)
             if isinstance(c, DoctestModule)]
    assert len(found) == 1
    items = list(found[0].collect())
    assert items and all(i.name.startswith("newsqa.embeddings.caching.") or i.name == "newsqa.embeddings.caching"
                         for i in items), [i.name for i in items]
    assert found[0].obj is sys.modules["newsqa.embeddings.caching"]


def test_no_library_module_is_loaded_under_a_bare_folder_name(request):
    """Every library module with an example collected and imported here (so the check holds when this
    file runs alone): no ``qa.engine`` beside ``newsqa.qa.engine``."""
    with_examples = [p for stage in STAGES for p in sorted((ROOT / stage).rglob("*.py"))
                     if ">>>" in p.read_text(encoding="utf-8")]
    assert len(with_examples) > 5
    for path in with_examples:
        for c in request.config.hook.pytest_collect_file(file_path=path, parent=request.session):
            if isinstance(c, DoctestModule):
                c.obj  # imports the module as the doctest run does
    bare = []
    for name, mod in list(sys.modules.items()):
        file = getattr(mod, "__file__", None)
        if name.split(".")[0] in STAGES and file and Path(file).resolve().is_relative_to(ROOT):
            bare.append(name)
    assert bare == []


def test_an_example_marked_skip_is_not_collected_as_a_skipped_test(request):
    """A full run ended with "SKIPPED [30] .../_pytest/doctest.py:464: all tests skipped by +SKIP
    option": 30 docstrings whose every example is marked +SKIP (they need a model or an index, and
    are there to be read), reported under pytest's own file. They are not collected: a docstring
    with a running example still is."""
    import doctest

    for path in (ROOT / "qa" / "shards.py", ROOT / "qa" / "rerank.py", ROOT / "embeddings" / "caching.py"):
        found = [c for c in request.config.hook.pytest_collect_file(file_path=path, parent=request.session)
                 if isinstance(c, DoctestModule)]
        items = [i for c in found for i in c.collect()]
        assert not [i.name for i in items if all(ex.options.get(doctest.SKIP) for ex in i.dtest.examples)], path
    assert items  # caching.py's examples run
