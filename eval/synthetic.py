"""Synthetic near-misses at scale: answerable questions asked after their answer was taken away.

Two generators, both deterministic (choices by content hash, not by a random state):

- ``squad_near_miss``: SQuAD v1.1 questions over the SQuAD corpus with a share of paragraphs removed.
  A question of a removed paragraph becomes unanswerable (kind ``synthetic_near_miss``): the rest of
  its article stays, so the best remaining sentence is about the same topic but does not answer. The
  questions of the kept paragraphs stay answerable (kind ``answerable``).
- ``bbc_near_miss``: the answerable questions of a JSONL set (with a ``file`` field) asked with their
  own article removed (``exclude_files``): the collection still covers the story elsewhere or not.

Each question gets a ``split``: ``dev`` (tune on it) or ``test`` (never tune on it), by a hash of its
article, so that one article's questions never sit on both sides.

    newsqa-synthetic squad ../shared/benchmarks/squad-v1.1-dev.json synth-squad/   # doctest: +SKIP
    newsqa eval synth-squad/questions.jsonl --corpus synth-squad/corpus.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from .errors import QuestionFileError
from .question_sets import write_corpus

NEAR_MISS = "synthetic_near_miss"


def _bucket(*parts: str, n: int) -> int:
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(h[:8], "little") % n


def split_of(article: str, test_share: int = 2) -> str:
    """``"test"`` for one article in ``test_share``, else ``"dev"`` (by a hash of the article's name)."""
    return "test" if _bucket("split", article, n=test_share) == 0 else "dev"


def squad_near_miss(squad: dict, *, remove_every: int = 4, max_per_paragraph: int = 2) -> tuple[list[dict], list[dict]]:
    """The corpus with about one paragraph in ``remove_every`` removed, and the questions.

    Args:
        squad: parsed SQuAD v1.1 JSON.
        remove_every: remove a paragraph when its hash bucket is 0 (about 1 in ``remove_every``);
            an article keeps at least one paragraph.
        max_per_paragraph: questions kept per paragraph (SQuAD has ~5; fewer keeps runs short).

    Returns:
        (corpus records ``{"title", "paragraphs"}``, question records for a JSONL file).
    """
    corpus, questions = [], []
    for ai, article in enumerate(squad.get("data", [])):
        title = " ".join(str(article.get("title") or f"article {ai + 1}").replace("_", " ").split())
        paras = article.get("paragraphs") or []
        removed = {pi for pi in range(len(paras)) if _bucket(title, str(pi), n=remove_every) == 0}
        if len(removed) >= len(paras):
            removed = set(sorted(removed)[1:])  # keep one paragraph of the article
        split = split_of(title)
        kept = []
        for pi, para in enumerate(paras):
            gone = pi in removed
            if not gone:
                kept.append(para["context"])
            for qa in (para.get("qas") or [])[:max_per_paragraph]:
                golds = list(dict.fromkeys(a["text"] for a in qa.get("answers") or [] if a.get("text", "").strip()))
                if not golds:
                    continue
                questions.append({"id": f"synth-{qa['id']}", "question": qa["question"],
                                  "answers": [] if gone else golds, "kind": NEAR_MISS if gone else "answerable",
                                  "split": split, "removed_answers": golds if gone else []})
        if kept:
            corpus.append({"title": title, "paragraphs": kept})
    return corpus, questions


def bbc_near_miss(records: list[dict]) -> list[dict]:
    """The answerable questions of ``records`` (with a ``file``), asked with their own article removed."""
    out = []
    for r in records:
        if not r.get("answers") or not r.get("file"):
            continue
        out.append({"id": f"synth-{r['id']}", "question": r["question"], "answers": [], "kind": NEAR_MISS,
                    "split": r.get("split") or split_of(r["file"]), "qtype": r.get("qtype", ""),
                    "exclude_files": [r["file"]], "removed_answers": list(r["answers"])})
    return out


def _write_jsonl(records: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _read_jsonl(path: Path) -> list[dict]:
    try:
        return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as e:
        raise QuestionFileError(f"cannot read {path} as JSONL: {e}") from e


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m newsqa.eval.synthetic", description="Write synthetic near-miss sets.")
    p.add_argument("source", choices=("squad", "bbc"))
    p.add_argument("input", help="SQuAD v1.1 JSON (squad) or a JSONL question set with `file` fields (bbc)")
    p.add_argument("out", help="output folder: questions.jsonl (and corpus.jsonl for squad)")
    p.add_argument("--remove-every", type=int, default=4)
    p.add_argument("--per-paragraph", type=int, default=2)
    a = p.parse_args(argv)
    out = Path(a.out)
    if a.source == "squad":
        try:
            squad = json.loads(Path(a.input).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise SystemExit(f"cannot read {a.input} as SQuAD JSON: {e}")
        corpus, qs = squad_near_miss(squad, remove_every=a.remove_every, max_per_paragraph=a.per_paragraph)
        write_corpus(corpus, out)
    else:
        qs = bbc_near_miss(_read_jsonl(Path(a.input)))
    _write_jsonl(qs, out / "questions.jsonl")
    n_nm = sum(1 for q in qs if q["kind"] == NEAR_MISS)
    print(f"wrote {len(qs)} questions ({n_nm} near-miss) to {out / 'questions.jsonl'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
