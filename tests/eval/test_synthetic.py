from types import SimpleNamespace

from newsqa.eval.run import excluding
from newsqa.eval.synthetic import NEAR_MISS, bbc_near_miss, squad_near_miss, split_of


def _squad(n_articles=6, n_paras=8):
    data = []
    for a in range(n_articles):
        paras = []
        for p in range(n_paras):
            ctx = f"Article {a} paragraph {p} says the answer is value{a}x{p}."
            paras.append({"context": ctx, "qas": [
                {"id": f"{a}.{p}.{i}", "question": f"What does paragraph {p} of article {a} say ({i})?",
                 "answers": [{"text": f"value{a}x{p}", "answer_start": ctx.index("value")}]} for i in range(3)]})
        data.append({"title": f"Topic_{a}", "paragraphs": paras})
    return {"version": "1.1", "data": data}


def test_removed_paragraphs_give_near_misses_and_leave_the_corpus():
    corpus, qs = squad_near_miss(_squad(), remove_every=3, max_per_paragraph=2)
    texts = {p for r in corpus for p in r["paragraphs"]}
    near = [q for q in qs if q["kind"] == NEAR_MISS]
    kept = [q for q in qs if q["kind"] == "answerable"]
    assert near and kept
    for q in near:
        assert q["answers"] == [] and q["removed_answers"]
        # the paragraph holding the removed answer is gone, the rest of its article stays
        assert not any(q["removed_answers"][0] in t for t in texts)
    for q in kept:
        assert any(q["answers"][0] in t for t in texts)
    assert all(len(r["paragraphs"]) >= 1 for r in corpus) and len(corpus) == 6
    assert max(sum(1 for q in qs if q["id"].startswith(f"synth-{a}.{p}.")) for a in range(6) for p in range(8)) == 2


def test_generation_is_deterministic_and_splits_by_article():
    a = squad_near_miss(_squad())
    b = squad_near_miss(_squad())
    assert a == b
    by_article = {}
    for q in a[1]:
        art = q["id"].split(".")[0]
        by_article.setdefault(art, set()).add(q["split"])
    assert all(len(s) == 1 for s in by_article.values())  # one article's questions on one side only
    assert {split_of(f"Topic_{i}") for i in range(40)} == {"dev", "test"}


def test_bbc_questions_are_asked_without_their_article():
    recs = [{"id": "b1", "question": "How much?", "answers": ["$5bn"], "file": "business/001.txt", "split": "dev"},
            {"id": "b2", "question": "Who won in 2031?", "answers": [], "kind": "off_corpus"}]
    out = bbc_near_miss(recs)
    assert len(out) == 1
    assert out[0]["answers"] == [] and out[0]["exclude_files"] == ["business/001.txt"] and out[0]["kind"] == NEAR_MISS


def test_excluding_filters_drop_only_the_named_article():
    snap = SimpleNamespace(documents={"d1": {"origin": "/data/bbc/business/001.txt"},
                                      "d2": {"origin": "/data/bbc/business/0011.txt"},
                                      "d3": {"origin": "/data/bbc/tech/001.txt"}})
    f = excluding(snap, ["business/001.txt"])
    assert set(f.doc_ids) == {"d2", "d3"}
