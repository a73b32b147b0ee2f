"""The README's commands run as written (from the clone, in a fresh NEWSQA_HOME).

Every line of its ```bash blocks is run: ``newsqa ...`` through ``newsqa.cli.main`` (the console script's
function) in a temporary folder that sees the clone's ``embeddings/`` (so ``embeddings/sample_corpus``
resolves as it does in the clone), and its ```python block with ``exec``. The two set-up commands
are checked to be the ones CI runs (``.ci/run``), not run again. The sample corpus's index is there
already (``sample_home``: built once per session, not once per test). Blocks without ``bash`` (the BBC
build, ``newsqa ui``) are shown, not run: they take minutes or serve forever.
"""

from __future__ import annotations

import os
import re
import shlex

import pytest

from helpers import ROOT

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
SETUP = ["./install.sh", ".venv/bin/python -m pytest"]


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def commands() -> list[str]:
    out = []
    for block in blocks("bash"):
        for line in block.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line:
                out.append(line)
    return out


def test_readme_is_a_short_page_that_links_its_docs():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    for link in re.findall(r"\]\((docs/[^)#]+)\)", text):
        if link.endswith((".png", ".md")) and link not in ("docs/answer-shapes.md", "docs/backends.md", "docs/serving.md"):
            assert (ROOT / link).exists(), link
    assert "no dates" in text.lower() and "sections" in text


def test_the_setup_commands_are_the_ones_ci_runs():
    cmds = commands()
    assert cmds[:2] == SETUP
    ci = (ROOT / ".ci" / "run").read_text()
    assert "install.sh" in ci and "-m pytest" in ci


def test_every_readme_command_runs(tmp_path, monkeypatch, capsys, sample_home):
    from newsqa.cli import main

    monkeypatch.chdir(tmp_path)
    os.symlink(ROOT / "embeddings", tmp_path / "embeddings")
    ran = []
    for line in commands()[2:]:
        argv = shlex.split(line)
        assert argv[0] == "newsqa", f"a README command that the test does not know how to run: {line}"
        try:
            code = main(argv[1:])
        except SystemExit as e:  # --help
            code = e.code
        out = capsys.readouterr()
        assert code == 0, f"{line}\n{out.err}"
        ran.append((line, " ".join(out.out.split())))  # text answers are wrapped at 100 columns
    text = dict(ran)
    assert any("That\u2019s why we came here" in o for c, o in ran if c.startswith('newsqa ask "What did Putin say when'))
    # the filter example shows a quote that answers it ("What did Putin say?" was answered with the lunch)
    assert any("That\u2019s why we came here" in o for c, o in ran if "--since" in c)
    assert any("articles" in o and "sections" in o for c, o in ran if c.startswith("newsqa info"))
    assert any('"origin":' in o for c, o in ran if "--json" in c)
    assert any("examples:" in o for c, o in ran if c == "newsqa --help")
    assert len(text) >= 6


def test_the_python_example_runs(tmp_path, monkeypatch, capsys, sample_home):
    monkeypatch.chdir(tmp_path)
    (code,) = blocks("python")
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "sample_corpus" in out and "Putin" in out


def test_install_says_what_it_installs_before_the_silent_step():
    """pip -q is silent for minutes on a fresh machine: a new user saw nothing and wondered."""
    script = (ROOT / "install.sh").read_text()
    pip = script.index("pip install -q ${TORCH")
    assert "echo \"Installing newsqa" in script[:pip] and "several minutes" in script[:pip]


def test_install_silences_only_the_editable_install_notice():
    """setuptools' "Editable installation ... folders with the same name as your package" notice is
    printed by every editable install of our package-dir layout; a new user read it as an error."""
    script = (ROOT / "install.sh").read_text()
    pip = script.index("pip install -q ${TORCH")
    line = script[script.rindex("\n", 0, script.rindex("\n", 0, pip)) + 1: pip]
    assert 'PYTHONWARNINGS="ignore:Editable installation"' in line
    assert script.count("PYTHONWARNINGS=") == 1  # no other warning is hidden


def test_the_folders_the_readme_makes_are_ignored_by_git():
    """A new user who runs the README's commands in the clone should not see their indexes (and the
    uploads folder the browser app keeps beside one) as untracked files."""
    ignored = set((ROOT / ".gitignore").read_text(encoding="utf-8").splitlines())
    made = set(re.findall(r"--(?:index|out) ([\w.-]+)", README.read_text(encoding="utf-8")))
    assert made, "the README names no folder"
    for name in made:
        assert f"/{name}/" in ignored, name
        if name.endswith("index"):
            assert f"/{name}-uploads/" in ignored, name


def test_the_json_fields_the_readme_names_are_in_the_object(tmp_path, monkeypatch, capsys, sample_home):
    """The ``--json`` line's comment lists the object's fields; a new user looked for ``file`` and
    found no such key (the file is ``origin``). Each name must be a key of the object or of its
    citations ("quotes" and "offsets" are prose for ``quote`` and ``start``/``end``)."""
    import json

    from newsqa.cli import main

    (line,) = [ln for block in blocks("bash") for ln in block.splitlines() if "--json" in ln and "#" in ln]
    command, comment = line.split("#", 1)
    names = [re.sub(r"\(.*?\)", "", part).strip() for part in comment.split(":", 1)[1].split(",")]
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(command)[1:]) == 0
    obj = json.loads(capsys.readouterr().out)
    keys = set(obj) | set(obj["citations"][0]) | {"quotes", "offsets"}
    assert names and not [n for n in names if n not in keys], names


def test_the_bbc_counts_the_readme_gives_are_the_corpus_own():
    """The README gives 2,225 BBC articles; ``newsqa info`` on its index says 2,127 (a new user
    wondered where 98 went: they are word-for-word copies, left out as duplicates). Both numbers
    are on the page and match the files."""
    import hashlib

    from helpers import BBC, need

    files = sorted(need(BBC / "articles").rglob("*.txt"))
    distinct = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert f"({len(files):,} BBC News articles" in text
    assert f"{len(files) - len(distinct)} are copies of another: an index holds {len(distinct):,}" in text


def test_the_browser_apps_ask_endpoint_says_how_to_call_it(capsys):
    """A new user read "the browser app serves the same object at /ask", ran ``curl -X POST .../ask``
    and got 404: /ask is a Gradio API endpoint, called through ``gradio_client``. The README says so
    where it names /ask, and ``newsqa ui --help`` (which it points to) shows the call."""
    from newsqa.cli import main

    text = " ".join(README.read_text(encoding="utf-8").split())
    sentence = text[text.index("The browser app serves the same object at `/ask`"):][:200]
    assert "gradio_client" in sentence and "newsqa ui --help" in sentence
    with pytest.raises(SystemExit):
        main(["ui", "--help"])
    assert 'api_name="/ask"' in capsys.readouterr().out


def test_the_readme_names_every_file_type_the_readers_take():
    # a new user's run: uploads took .markdown and .text, which the README's table did not list
    from newsqa.embeddings.readers import SUPPORTED

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [s for s in sorted(SUPPORTED) if f"`{s}`" not in text] == []
