from helpers import SEED

from newsqa.embeddings.readers import read_file
from newsqa.embeddings.readers.newspage import is_headline_like, is_subheading


def _doc():
    r = read_file(SEED)
    assert not r.skipped
    assert len(r.documents) == 1
    return r.documents[0]


def test_metadata():
    d = _doc()
    assert d.title == "Kim Jong Un meets Putin in Russia as missiles launch from North Korea"
    assert (d.date, d.section, d.source) == ("2023-09-14", "World", "Reuters")
    assert d.published == "September 14, 2023 9:14 am"
    assert d.fmt == "newspage"


def test_paragraph_and_headline_counts():
    d = _doc()
    paras = [b for b in d.blocks if b.kind == "paragraph"]
    listed = [b for b in d.blocks if b.kind == "headline" and b.paragraph > 0]
    title = [b for b in d.blocks if b.kind == "headline" and b.paragraph == 0]
    # 35 body blocks less one furniture line and one subheading; 200 listed headlines less the own one.
    assert len(paras) == 33
    assert len(listed) == 199
    assert len(title) == 1
    assert [b.paragraph for b in paras] == list(range(1, 34))


def test_furniture_dropped_and_subheading_attached():
    d = _doc()
    texts = [b.text for b in d.blocks]
    assert "Article continues after advertisement" not in texts
    assert "BALLISTIC MISSILES" not in texts
    under = [b for b in d.blocks if b.heading == "BALLISTIC MISSILES"]
    assert under[0].text.startswith("As Kim was making his way through the forests")
    assert len(under) == 6
    assert all(b.heading == "" for b in d.blocks if b.kind == "paragraph" and b.paragraph < 28)


def test_own_headline_not_indexed_twice_and_positions_kept():
    d = _doc()
    own = [b for b in d.blocks if b.text == d.title]
    assert len(own) == 1 and own[0].paragraph == 0
    listed = [b for b in d.blocks if b.kind == "headline" and b.paragraph > 0]
    assert listed[0].text == "Stop falling for promises of easy money: Tabuya" and listed[0].paragraph == 1
    positions = [b.paragraph for b in listed]
    assert positions == sorted(positions)
    # The own headline's position in the list is skipped, not renumbered.
    assert len(set(range(1, 201)) - set(positions)) == 1
    morocco = {b.text: b.paragraph for b in listed if b.text.startswith("Morocco")}
    assert morocco["Morocco quake: death toll rises to 2,901"] < morocco["Morocco earthquake toll passes 2,800"]


def test_offsets_slice_back():
    d = _doc()
    assert all(d.text[b.start:b.end] == b.text for b in d.blocks)


def test_line_classifiers():
    assert is_subheading("BALLISTIC MISSILES")
    assert not is_subheading("Putin met Kim.")
    assert is_headline_like("Morocco quake: death toll rises to 2,901")
    assert not is_headline_like("Kim said, raising his glass.")
    assert not is_headline_like("\u201cThis folk wisdom is fully applicable.\u201d")
