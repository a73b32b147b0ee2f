"""Filters over the passage columns select exactly the rows ``Filters.allows`` selects."""

from dataclasses import replace

from helpers import seed_and_markdown_index

from newsqa.embeddings.reader import PassageView
from newsqa.embeddings.store import load_snapshot
from newsqa.qa.retrieve import Retriever
from newsqa.qa.types import Filters


def test_column_filters_equal_row_filters(tmp_path, fake_encoder):
    snap = load_snapshot(seed_and_markdown_index(tmp_path, fake_encoder))
    assert isinstance(snap.passages, PassageView)
    r = Retriever(snap, fake_encoder)
    rows = list(snap.passages)
    doc = rows[-1].doc_id
    filters = (Filters(kinds=("headline",)), Filters(kinds=("paragraph",), date_to="2023-09-14"),
               Filters(date_from="2023-09-15"), Filters(date_from="2023-09-15", keep_undated=True),
               Filters(doc_ids=(doc,)), Filters(sections=("world",), kinds=("paragraph",)), Filters(sources=("nobody",)))
    wants = {f: [i for i, p in enumerate(rows) if f.allows(p)] for f in filters}
    assert len({tuple(w) for w in wants.values()}) >= 5  # the filters select different rows
    for f in filters:
        assert r.allowed_rows(f).tolist() == wants[f], f
    for f in reversed(filters):  # asked again, in another order: answered from the cache, each its own rows
        assert r.allowed_rows(replace(f)).tolist() == wants[f], f
    assert snap.passages.kind_counts() == {k: sum(p.kind == k for p in rows) for k in {p.kind for p in rows}}
    assert snap.passages[7] == rows[7] and snap.passages[-1] == rows[-1]
