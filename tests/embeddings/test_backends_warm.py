"""``python -m newsqa.embeddings.backends.warm``: auto's one-time choice made up front and said,
and install.sh's demo answering on torch before it (so the first answer takes seconds)."""

from helpers import ROOT
from newsqa.embeddings.backends import warm


def test_warm_announces_the_one_time_choice_and_reports_it(capsys):
    assert warm.main(["--model", "hashing", "--backend", "auto"]) == 0
    first, last = capsys.readouterr().out.strip().splitlines()
    assert first.startswith("Choosing the fastest encoder backend for this CPU (the first time")
    assert last.startswith("encoder backend: hashing (fp32);") and "CPU-s]" in last


def test_warm_says_nothing_of_a_choice_for_a_pinned_backend(capsys, monkeypatch):
    monkeypatch.setenv("NEWSQA_BACKEND", "torch")
    assert warm.main(["--model", "hashing"]) == 0
    out = capsys.readouterr().out
    assert "Choosing" not in out and out.startswith("encoder backend: hashing")


def test_install_demo_answers_on_torch_then_warms_auto():
    script = (ROOT / "install.sh").read_text(encoding="utf-8")
    demo = script[script.index('if [ "${1:-}" != "--no-demo" ]'):]
    ask, choose = demo.index("newsqa ask --backend torch"), demo.index("-m newsqa.embeddings.backends.warm")
    assert ask < choose
