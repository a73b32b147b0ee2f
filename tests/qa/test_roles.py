"""Role words mined from the collection (qa/roles.py) and the who-is rules that read them: which words
the counts make titles or nouns, that the counts are summed over segments and kept per generation,
and the descriptions they add (and do not add) in hand-made sentences."""

import pytest

from newsqa.qa import roles as roles_module
from newsqa.qa.roles import Roles, collection_roles, count_roles, noun_words, role_words
from newsqa.qa.shapes.who_is import description

# "physio" stands before three different names and heads a noun phrase; "beat" stands before names
# too but is a verb ("he beat", "beat the"); "week" heads noun phrases but seldom stands before a
# name; "with" is a stopword; "DJ" is an acronym kept as written.
TEXTS = [
    "Wales physio Mark Davies said the physio was calm. Radio 1 DJ Annie Mac played a set.",
    "England physio Gary Lewin and the physio, who left, met. He beat Tom Jones in the final.",
    "Club physio Neil Hope said a physio had gone. The DJ was late: DJ Zane Lowe, DJ Pete Tong too.",
    "They beat the champions. Arsenal beat Chelsea. The week was long. A week, then another week.",
    "Last week Tony Blair spoke with Gordon Brown, with Jack Straw and with John Prescott.",
    "The international, who was injured, left. Wales international Gareth Thomas spoke.",
]


def test_titles_are_words_before_several_names_that_head_noun_phrases():
    words = role_words(count_roles(TEXTS))
    assert {"physio", "DJ"} <= words
    assert not words & {"beat", "week", "with", "international"}


def test_a_noun_is_a_noun_phrase_head_not_used_as_a_verb_or_adjective():
    nouns = noun_words(count_roles(TEXTS + ["The deal was lucrative and the lucrative, they said."]))
    assert {"physio", "international", "week"} <= nouns
    assert not nouns & {"beat", "lucrative", "with"}


def test_a_word_before_fewer_than_three_names_is_no_title():
    assert "physio" not in role_words(count_roles(TEXTS[:2]))  # two names only
    assert "physio" in role_words(count_roles(TEXTS[:2]), min_names=2)


ROLES = Roles(titles=frozenset({"bank", "DJ", "scientist", "van"}), nouns=frozenset({"international", "week", "night"}))


@pytest.mark.parametrize("subject,sentence,kind", [
    ("VEB", "The $6bn which Russian state bank VEB lent came from Chinese banks.", "role"),
    ("Norman Cook", "DJ Norman Cook - aka Fatboy Slim - has said dance music is not dead.", "role"),
    ("Andrew Stoddart", "Andrew Stoddart, chief scientist at 2d3, said the project was driven by a desire.", "appositive"),
    ("Emil Hallfredsson", "Tottenham are primed to snap up Iceland Under-21 international Emil Hallfredsson.", "role"),
    # a noun is a title only after a capitalised modifier, not a time or an opening function word
    ("Emil Hallfredsson", "An international Emil Hallfredsson joined.", ""),
    ("Tony Blair", "On Monday night Tony Blair said no.", ""),
    ("Gordon Brown", "Last week Gordon Brown spoke.", ""),
    # a word of the subject's own name is not a title of it
    ("Ruud van Nistelrooy", "Ruud van Nistelrooy scored twice.", ""),
    # a surname after another first name is someone else
    ("Dominic Cook", "DJ Norman Cook played a set.", ""),
])
def test_mined_descriptions(subject, sentence, kind):
    assert description(subject, sentence, roles=ROLES) == kind


def test_without_mined_roles_the_word_list_alone_decides():
    assert description("VEB", "Russian state bank VEB lent the money.") == ""
    assert description("VEB", "Russian state bank VEB lent the money.", roles=ROLES) == "role"


def test_collection_roles_sum_the_segments_and_are_kept_per_reader(tmp_path, fake_encoder):
    from newsqa.embeddings.indexer import update_index
    from newsqa.embeddings.reader import open_reader

    index = tmp_path / "index"
    for i, text in enumerate(TEXTS[:3]):  # one name of "physio" per segment: a title only over all three
        folder = tmp_path / f"part{i}"
        folder.mkdir()
        (folder / f"a{i}.txt").write_text(f"Story {i}\n\n{text}\n", encoding="utf-8")
        update_index([folder], index, encoder=fake_encoder, progress=False)
    reader = open_reader(index)
    assert len(reader.segments) == 3
    roles = collection_roles(reader)
    assert "physio" in roles.titles and "beat" not in roles.titles
    assert collection_roles(reader) is roles  # found once per generation
    assert collection_roles(None) == Roles()  # a stand-in with no documents mines nothing


def test_the_documents_read_are_bounded_over_all_segments(tmp_path, fake_encoder, monkeypatch):
    from newsqa.embeddings.indexer import update_index
    from newsqa.embeddings.reader import open_reader

    index = tmp_path / "index"
    for i, text in enumerate(TEXTS[:3]):
        folder = tmp_path / f"part{i}"
        folder.mkdir()
        (folder / f"a{i}.txt").write_text(f"Story {i}\n\n{text}\n", encoding="utf-8")
        update_index([folder], index, encoder=fake_encoder, progress=False)
    reader = open_reader(index)
    monkeypatch.setattr(roles_module, "MAX_TOTAL_DOCS", 2)  # one document a segment: two of three read
    read = []
    real = roles_module._segment_counts
    monkeypatch.setattr(roles_module, "_segment_counts", lambda seg, live, limit: read.append(seg) or real(seg, live, limit))
    roles = roles_module._mine(reader)
    assert len(read) == 2
    assert "physio" not in roles.titles  # its third name was in the segment left unread


class _SeenFirst(set):
    """A set that iterates its names in a fixed order: the order an unlucky PYTHONHASHSEED gives."""

    def __init__(self, ordered):
        super().__init__(ordered)
        self._order = list(ordered)

    def __iter__(self):
        return iter(self._order)


def test_names_summed_over_segments_skip_names_already_seen_whatever_the_set_order():
    # "boss" before Able and Baker in one segment, Able and Cole in the other: three names in all,
    # even when the second segment's set yields the name already seen ("Alan Able") first
    first = count_roles(["the boss said. Balco boss Alan Able said. Balco boss Bob Baker said."])
    second = count_roles(["the boss said. Balco boss Alan Able went. Balco boss Carl Cole went."])
    second.names["boss"] = _SeenFirst(["Alan Able", "Carl Cole"])
    total = roles_module.RoleCounts()
    total.add(first)
    total.add(second)
    assert sorted(total.names["boss"]) == ["Alan Able", "Bob Baker", "Carl Cole"]
    assert "boss" in role_words(total)


def test_names_kept_are_the_same_whatever_the_set_order():
    other = roles_module.RoleCounts()
    other.names["boss"] = _SeenFirst(["E e", "D d", "C c", "B b", "A a"])
    reverse = roles_module.RoleCounts()
    reverse.names["boss"] = _SeenFirst(["A a", "B b", "C c", "D d", "E e"])
    a, b = roles_module.RoleCounts(), roles_module.RoleCounts()
    a.add(other)
    b.add(reverse)
    assert a.names == b.names and len(a.names["boss"]) == roles_module.NAMES_KEPT


class _Segment:
    """A stand-in segment of ``n`` documents that computes whatever it is asked to keep."""

    def __init__(self, n):
        import pyarrow as pa

        self.documents = pa.table({"text": [f"Balco boss Person{i} Smith said." for i in range(n)]})

    def kept(self, name, tombstones, compute):
        return compute()


class _Snapshot:
    def __init__(self, sizes):
        import numpy as np

        self.segments = [_Segment(n) for n in sizes]
        self.tombstones = [frozenset()] * len(sizes)
        self.live_docs = [np.ones(n, bool) for n in sizes]


def test_the_last_segment_read_gets_only_what_is_left_of_the_budget(monkeypatch):
    monkeypatch.setattr(roles_module, "MAX_DOCS", 5)
    monkeypatch.setattr(roles_module, "MAX_TOTAL_DOCS", 12)  # 5 + 5 + 2 of three 5-document segments
    read = []
    real = roles_module.count_roles
    def counted(texts):
        texts = list(texts)
        read.extend(texts)
        return real(texts)

    monkeypatch.setattr(roles_module, "count_roles", counted)
    roles_module._mine(_Snapshot([5, 5, 5]))
    assert len(read) == 12


def test_place_and_time_words_are_never_titles():
    texts = ["The north was cold. Voters in north Alan Able said. In north Bob Baker spoke. From north Carl Cole."]
    c = count_roles(texts)
    assert len(c.names["north"]) == 3 and c.head["north"] >= 1  # the evidence a title has
    assert "north" not in role_words(c)


def test_a_word_used_as_a_verb_as_often_as_a_noun_is_no_title():
    # "backs" heads two noun phrases and stands before three names, but is a verb twice ("he backs the")
    texts = ["The backs, who ran. A backs said. Blair backs Alan Able. Blair backs Bob Baker. Blair backs Carl Cole.",
             "He backs the plan. She backs the bill."]
    c = count_roles(texts)
    assert c.head["backs"] == 2 and c.verb["backs"] >= 2
    assert "backs" not in role_words(c)


def test_a_capitalised_word_between_title_and_full_name_is_no_first_name():
    roles = Roles(titles=frozenset({"physio"}))
    assert description("Mark Davies", "Wales physio Mark Davies said.", roles=roles) == "role"
    assert description("Mark Davies", "The physio London Mark Davies saw said.", roles=roles) == ""


def test_the_s_form_of_a_verb_is_no_noun_after_a_capitalised_word():
    # "backs" heads noun phrases as often as it is a verb, but "back" is mostly a verb: in "Blair backs
    # Brown" the capitalised word is the subject of a verb, not the modifier of a noun
    texts = ["The backs, who ran. A backs said. The backs was. He backs the plan.",
             "To back the plan. We back the bill. They back the man. The back was sore."]
    c = count_roles(texts)
    assert c.verb["backs"] <= c.head["backs"] and c.verb["back"] > c.head["back"]
    assert "backs" not in noun_words(c)
    roles = Roles(titles=frozenset({"physio"}), nouns=noun_words(c))
    assert description("Gordon Brown", "Blair backs Brown over tax plans.", roles=roles) == ""
