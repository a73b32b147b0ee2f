import json

import numpy as np

from newsqa.eval.calibrate import fit, load_rows, simulate
from newsqa.qa.abstain import AbstainModel, AbstainSettings, decide
from newsqa.qa.signals import Signals


def _rows(n=200, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        ans = i % 2 == 0
        dense = rng.normal(0.6 if ans else 0.35, 0.1)
        rows.append({"set": "s", "id": str(i), "kind": "a" if ans else "u", "answerable": ans, "split": "dev",
                     "signals": {"dense": dense, "lexical": rng.uniform(0.3, 1.0), "type_missing": (not ans) and i % 3 == 0}})
    return rows


def test_fit_keeps_false_abstention_within_the_budget_and_separates():
    rows = _rows()
    model = fit(rows, budget=0.05, unsure_budget=0.2)
    sim = simulate(rows, model)
    assert sim["s/a/dev"]["abstained"] <= 0.05 and sim["s/a/dev"]["abstained_or_unsure"] <= 0.2
    assert sim["s/u/dev"]["abstained"] > 0.3  # the unanswerable ones are mostly caught
    w = dict(zip(model["features"], model["weights"]))
    assert w["dense"] > 0 and w["type_missing"] < 0
    # the stored dict is what qa.abstain reads, and gives the same verdicts
    m = AbstainModel.from_dict(json.loads(json.dumps(model)))
    r = rows[1]
    sig = Signals(dense=r["signals"]["dense"], lexical=r["signals"]["lexical"], type_missing=r["signals"]["type_missing"])
    p = m.probability(sig)
    assert (decide(object(), sig, AbstainSettings(), model=m).state == "not_found") == (p < m.abstain_below)


def test_test_rows_are_never_fitted_on(tmp_path):
    f = tmp_path / "out" / "results.jsonl"
    f.parent.mkdir()
    f.write_text("\n".join(json.dumps({"id": i, "answerable": True, "split": sp, "signals": {"dense": 0.5}})
                           for i, sp in enumerate(["dev", "test", "", "test"])) + "\n")
    assert [r["split"] for r in load_rows([str(f)])] == ["dev", ""]


def test_slot_features_are_read_from_the_signals_and_can_be_chosen(tmp_path, capsys):
    from newsqa.eval.calibrate import features_of, main
    from newsqa.qa.signals import FEATURES

    sig = Signals(dense=0.5, lexical=0.4, kind_missing=True, slot_lexical=0.2, focus_missing=True, dense_margin=0.1)
    assert features_of(sig.to_dict()) == sig.features()  # the dict of an answer gives the engine's vector
    assert len(sig.features()) == len(FEATURES)
    rows = _rows()
    for r in rows:  # the unanswerable ones lack the asked kind more often
        r["signals"]["kind_missing"] = (not r["answerable"]) and int(r["id"]) % 4 == 1
    model = fit(rows, use=("dense", "kind_missing", "bias"))
    w = dict(zip(model["features"], model["weights"]))
    assert model["features"] == ["dense", "kind_missing", "bias"] and w["kind_missing"] < 0
    f = tmp_path / "run" / "results.jsonl"
    f.parent.mkdir()
    f.write_text("\n".join(json.dumps({**r, "split": "test" if i % 5 == 0 else "dev"}) for i, r in enumerate(rows)) + "\n")
    assert main([str(f), "--features", "dense,lexical", "--out", str(tmp_path / "m.json")]) == 0
    err = capsys.readouterr().err
    assert "run/a/dev" in err and "run/a/test" not in err  # test rows' outcomes are not shown while tuning
    assert json.loads((tmp_path / "m.json").read_text())["features"] == ["dense", "lexical", "bias"]


def _noisy(n, seed):
    """Few rows, several pure-noise features: an in-sample fit overfits them."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        ans = i % 2 == 0
        sig = {"dense": rng.normal(0.6 if ans else 0.45, 0.1)}
        for f in ("lexical", "slot_lexical", "dense_margin", "article_missing", "article_missing_min"):
            sig[f] = rng.uniform(0, 1)
        rows.append({"set": "s", "id": f"{seed}-{i}", "kind": "a" if ans else "u", "answerable": ans, "split": "dev",
                     "signals": sig})
    return rows


def test_out_of_fold_thresholds_keep_the_budget_on_unseen_questions():
    from newsqa.eval.calibrate import fold_of

    use = ("dense", "lexical", "slot_lexical", "dense_margin", "article_missing", "article_missing_min", "bias")
    fresh = _noisy(2000, seed=99)
    fa = {0: [], 10: []}
    for seed in range(6):
        rows = _noisy(60, seed)
        for folds in fa:
            m = fit(rows, budget=0.05, use=use, folds=folds)
            fa[folds].append(simulate(fresh, m)["s/a/dev"]["abstained"])
    # in-sample thresholds let more than the budget abstain on new questions; out-of-fold ones less
    assert np.mean(fa[0]) > 0.05 and np.mean(fa[10]) < np.mean(fa[0])
    assert np.mean(fa[10]) <= 0.06
    assert fit(_noisy(60, 1), use=use, folds=10) == fit(_noisy(60, 1), use=use, folds=10)  # deterministic
    assert {fold_of(r, 10) for r in _noisy(60, 1)} == set(range(10))


def test_the_fit_does_not_hang_on_the_results_folders_name():
    use = ("dense", "lexical", "slot_lexical", "dense_margin", "bias")
    a = fit(_noisy(80, 3), use=use, folds=10)
    renamed = [{**r, "set": "another-folder"} for r in _noisy(80, 3)]
    b = fit(renamed, use=use, folds=10)
    assert (a["abstain_below"], a["unsure_below"], a["weights"]) == (b["abstain_below"], b["unsure_below"], b["weights"])


def test_the_kind_rules_rows_are_left_out_of_the_fit_like_the_other_rules():
    from newsqa.eval.calibrate import features_of, ruled_out
    from newsqa.qa.signals import FEATURES

    for key, value in (("edition_missing", ["Windows 7"]), ("successor_missing", "Jose Mourinho"),
                       ("event_ahead", "Beijing Olympics")):
        sig = Signals(**{key: tuple(value) if isinstance(value, list) else value}).to_dict()
        assert ruled_out(sig) and features_of(sig)[FEATURES.index(key)] == 1.0
    assert not ruled_out(Signals(dense=0.5).to_dict())


def test_a_large_set_can_be_weighted_down_so_that_it_does_not_decide_the_fit_alone(tmp_path):
    """A synthetic set of thousands of rows at full weight fits its own kind and the small hand-written
    set's kind loses (docs/history/answer-quality-log.md, synsq12); ``set_weights`` lets it inform the
    fit, not decide it."""
    from newsqa.eval.calibrate import main

    rng = np.random.default_rng(7)
    small = [{"set": "bbc", "id": f"b{i}", "kind": "a" if i % 2 == 0 else "u", "answerable": i % 2 == 0, "split": "dev",
              "signals": {"dense": rng.normal(0.6 if i % 2 == 0 else 0.4, 0.1), "lexical": rng.uniform(0, 1)}}
             for i in range(100)]
    big = [{"set": "synsq", "id": f"s{i}", "kind": "a" if i % 2 == 0 else "u", "answerable": i % 2 == 0, "split": "dev",
            "signals": {"dense": rng.uniform(0, 1), "lexical": rng.normal(0.7 if i % 2 == 0 else 0.4, 0.1)}}
           for i in range(2000)]
    use = ("dense", "lexical", "bias")
    alone = dict(zip(use, fit(small, use=use)["weights"]))
    full = dict(zip(use, fit(small + big, use=use)["weights"]))
    light = fit(small + big, use=use, set_weights={"synsq": 0.01})
    lw = dict(zip(use, light["weights"]))
    assert full["lexical"] > full["dense"]  # the big set decides
    assert lw["dense"] > lw["lexical"] and abs(lw["dense"] - alone["dense"]) < abs(full["dense"] - alone["dense"])
    assert light["fitted_on"]["set_weights"] == {"synsq": 0.01}
    assert fit(small, use=use, set_weights={"bbc": 1.0})["weights"] == fit(small, use=use)["weights"]  # 1.0: as before
    f = tmp_path / "synsq" / "results.jsonl"
    f.parent.mkdir()
    f.write_text("\n".join(json.dumps(r) for r in big) + "\n")
    g = tmp_path / "bbc" / "results.jsonl"
    g.parent.mkdir()
    g.write_text("\n".join(json.dumps(r) for r in small) + "\n")
    out = tmp_path / "m.json"
    assert main([str(g), str(f), "--features", "dense,lexical", "--set-weight", "synsq=0.01", "--folds", "0",
                 "--out", str(out)]) == 0
    assert json.loads(out.read_text())["weights"] == light["weights"]
