"""Synthetic near-misses at scale: answerable questions asked after their answer was taken away.

Three generators, all deterministic (choices by content hash, not by a random state):

- ``squad_near_miss``: SQuAD v1.1 questions over the SQuAD corpus with a share of paragraphs removed.
  A question of a removed paragraph becomes unanswerable (kind ``synthetic_near_miss``): the rest of
  its article stays, so the best remaining sentence is about the same topic but does not answer. The
  questions of the kept paragraphs stay answerable (kind ``answerable``).
- ``bbc_near_miss``: the answerable questions of a JSONL set (with a ``file`` field) asked with their
  own article removed (``exclude_files``): the collection still covers the story elsewhere or not.
  Given the corpus's texts, a question whose answer another article states too is dropped (it is
  no near miss): ``stated_elsewhere`` — a sentence of another file holds the gold answer and at
  least half of the question's content words.

- ``squad_swap``: SQuAD 2.0's entity swaps made from v1.1, over the whole SQuAD corpus: a question
  with one of its names swapped for another name of its article, of the same sort and size, that its
  paragraph does not hold (kind ``synthetic_swap``: "What did Edison establish following his Colorado
  experiments?"); a swap the corpus might answer after all is dropped.

Each question gets a ``split``: ``dev`` (tune on it) or ``test`` (never tune on it), by a hash of its
article, so that one article's questions never sit on both sides.

    newsqa-synthetic squad ../shared/benchmarks/squad-v1.1-dev.json synth-squad/   # doctest: +SKIP
    newsqa eval synth-squad/questions.jsonl --corpus synth-squad/corpus.jsonl
    newsqa-synthetic bbc eval/questions/bbc.jsonl synth-bbc/ --corpus ../shared/corpus/bbc/articles  # doctest: +SKIP
    newsqa-synthetic score synth-bbc/questions.jsonl out-synth/results.jsonl --split dev       # doctest: +SKIP
    newsqa-synthetic swap ../shared/benchmarks/squad-v1.1-dev.json synth-swap/ --skip-ids sample.jsonl  # doctest: +SKIP

``score`` prints what a run did on such a set (``near_miss_figures``): the share abstained, and the
share among the questions whose quotes do not hold the removed answer (another article stated it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

from newsqa.embeddings.errors import ReadError
from newsqa.embeddings.readers.encoding import decode
from newsqa.embeddings.sentences import split_sentences
from newsqa.qa.lexicon import MONTHS, WEEKDAYS
from newsqa.qa.text import STOPWORDS, question_terms, terms

from .errors import QuestionFileError
from .question_sets import write_corpus

NEAR_MISS = "synthetic_near_miss"
STATED_SHARE = 0.5  # of the question's content words, in the other article's sentence holding the gold


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


SWAP = "synthetic_swap"
_CAP_RUN = re.compile(r"(?<![\w'\u2019])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*")  # "Nikola Tesla", "Super Bowl"


_NOT_NAMES = re.compile(rf"(?:{MONTHS}|{WEEKDAYS})\b")  # a date, not a name (qa.lexicon's months and days)


def _a_name(run: str) -> bool:
    """A capitalised run that may be swapped: three letters or more, not a stop word first, not a date."""
    return len(run) > 2 and run.split()[0].lower() not in STOPWORDS and not _NOT_NAMES.match(run)


def _cap_runs(text: str) -> list[str]:
    """Names of ``text``: runs of capitalised words not starting a sentence (a first word is
    capitalised anyway: "Furthermore"), nor a stop word, a day or a month, three letters or more."""
    out = []
    for a, b in split_sentences(text):
        sent = text[a:b]
        for m in _CAP_RUN.finditer(sent):
            name = m.group(0)
            if m.start() > 0 and _a_name(name):
                out.append(name)
    return out


def squad_swap(squad: dict, *, every: int = 3, skip_ids: frozenset = frozenset()) -> list[dict]:
    """Unanswerable questions in the manner of SQuAD 2.0's entity swaps, over the whole SQuAD corpus:
    a v1.1 question with a name of its paragraph swapped for another name of the same article
    ("What did Tesla establish following his Colorado experiments?" -> "... did Edison establish ...").
    The name must be in the question and its paragraph; the swap-in has as many words and is in the
    article but not in the paragraph. The question is dropped when it might be answerable after all:
    a sentence of the corpus writes the swap-in with at least half of the question's other content
    words, or the gold answer with the swap-in. One question per paragraph in about ``every``, by
    hash; ``skip_ids``: v1.1 ids to leave out (a sample kept for reporting). ``split`` by article."""
    sentences = [p["context"][a:b] for art in squad.get("data", []) for p in art.get("paragraphs") or []
                 for a, b in split_sentences(p["context"])]
    out = []
    for ai, article in enumerate(squad.get("data", [])):
        title = " ".join(str(article.get("title") or f"article {ai + 1}").replace("_", " ").split())
        paras = article.get("paragraphs") or []
        counts = Counter(n for p in paras for n in _cap_runs(p["context"]))
        text = "\n".join(p["context"] for p in paras)
        names = {n: _sort_of(n, text) for n, c in counts.items() if c >= 2}  # a name the article is about
        for pi, para in enumerate(paras):
            if _bucket("swap", title, str(pi), n=every) != 0:
                continue
            for qa in para.get("qas") or []:
                if qa["id"] in skip_ids:
                    continue
                q = _swapped(qa, para["context"], names, text, sentences, title)
                if q:
                    out.append(q)
                    break
    return out


_PLACE_BEFORE = frozenset("in at from near across into to".split())


def _sort_of(name: str, text: str) -> str:
    """What sort of name ``name`` is in ``text``, read off the word before it, most often: "place"
    after in/at/from..., "the" after "the" (a body, a work, a thing), "bare" else (people mostly), so that
    a swap puts a person for a person ("When was Kublai born?", not "When was Central Asia born?")."""
    sorts = Counter()
    for m in re.finditer(r"(\w+)\s+" + re.escape(name) + r"(?![\w-])", text):
        low = m.group(1).lower()
        sorts["place" if low in _PLACE_BEFORE else "the" if low == "the" else "bare"] += 1
    return sorts.most_common(1)[0][0] if sorts else "bare"


def _swapped(qa: dict, context: str, names: dict[str, str], text: str, sentences: list[str], title: str) -> dict | None:
    question = qa["question"]
    golds = [a["text"] for a in qa.get("answers") or [] if a.get("text", "").strip()]
    olds = [m.group(0) for m in _CAP_RUN.finditer(question) if m.start() > 0 and m.group(0) in context
            and m.group(0).split()[0].lower() not in STOPWORDS and not _NOT_NAMES.match(m.group(0))  # a month is no name
            and not any(m.group(0) in g or g in m.group(0) for g in golds)]
    if not olds or not golds:
        return None
    old = olds[_bucket("old", qa["id"], n=len(olds))]
    words = len(old.split())
    sort = _sort_of(old, "\n".join([context, question]))
    news = [n for n, k in names.items() if k == sort and len(n.split()) == words and n not in context
            and n not in question and not (set(n.split()) & set(old.split()))
            and not any(f"{x} {y}" in text for x, y in ((n, old), (old, n)))]  # "Nikola" for "Tesla": one man
    if not news:
        return None
    new = news[_bucket("new", qa["id"], n=len(news))]
    swapped = re.sub(r"(?<![\w-])" + re.escape(old) + r"(?![\w-])", new, question)
    rest = set(question_terms(swapped)) - set(terms(new))
    gold_res = [re.compile(r"(?<!\w)" + re.escape(g) + r"(?!\w)", re.I) for g in golds]
    for sent in sentences:
        if new not in sent:
            continue
        if len(rest & set(terms(sent))) >= STATED_SHARE * max(1, len(rest)) or any(g.search(sent) for g in gold_res):
            return None  # the swap-in may have the asked fact too: not surely unanswerable
    return {"id": f"swap-{qa['id']}", "question": swapped, "answers": [], "kind": SWAP, "split": split_of(title),
            "swapped": [old, new], "original_answers": golds}


def bbc_near_miss(records: list[dict], texts: dict[str, str] | None = None) -> list[dict]:
    """The answerable questions of ``records`` (with a ``file``), asked with their own article removed.

    With ``texts`` (file -> text, as the records name files), questions whose gold answer another
    file states (``stated_elsewhere``) are left out: removing their article leaves the answer in."""
    out = []
    for r in records:
        if not r.get("answers") or not r.get("file"):
            continue
        if texts is not None and stated_elsewhere(r, texts):
            continue
        out.append({"id": f"synth-{r['id']}", "question": r["question"], "answers": [], "kind": NEAR_MISS,
                    "split": r.get("split") or split_of(r["file"]), "qtype": r.get("qtype", ""),
                    "exclude_files": [r["file"]], "removed_answers": list(r["answers"])})
    return out


def stated_elsewhere(record: dict, texts: dict[str, str], share: float = STATED_SHARE) -> str:
    """The first file other than ``record["file"]`` with a sentence that holds one of the record's
    gold answers (as a whole word, any case) and at least ``share`` of its question's content words;
    "" when none does (a copy of the same article under another name counts: it may be the one kept)."""
    golds = [re.compile(r"(?<!\w)" + re.escape(" ".join(g.split())) + r"(?!\w)", re.I)
             for g in record.get("answers") or [] if g.strip()]
    asked = set(question_terms(record["question"]))
    for name, text in texts.items():
        if name == record.get("file") or not any(g.search(text) for g in golds):
            continue
        for a, b in split_sentences(text):
            sent = text[a:b]
            if any(g.search(sent) for g in golds) and len(asked & set(terms(sent))) >= share * len(asked):
                return name
    return ""


def near_miss_figures(questions: list[dict], results: list[dict]) -> dict:
    """How a run did on synthetic near misses: the share abstained (``not_found``), and the same
    among those whose quotes do not hold a removed answer (``real``): a question answered from
    another article that states it too was answered, not missed (the set without ``--corpus`` keeps
    such questions; ``stated_elsewhere`` leaves out only the ones its sentence test finds).

    >>> q = [{"id": "a", "removed_answers": ["Clara Furse"]}, {"id": "b", "removed_answers": ["£5m"]}]
    >>> r = [{"id": "a", "answer_state": "answered", "citations": [{"quote": "LSE chief Clara Furse said"}]},
    ...      {"id": "b", "answer_state": "not_found", "citations": []}]
    >>> near_miss_figures(q, r)
    {'n': 2, 'abstained': 0.5, 'gold_in_quotes': 1, 'real_n': 1, 'real_abstained': 1.0}
    """
    removed = {q["id"]: [g for g in q.get("removed_answers") or [] if g.strip()] for q in questions}
    n = ab = held = 0
    for r in results:
        if r["id"] not in removed:
            continue
        golds = [re.compile(r"(?<!\w)" + re.escape(" ".join(g.split())) + r"(?!\w)", re.I) for g in removed[r["id"]]]
        quotes = " ".join(c.get("quote", "") for c in r.get("citations") or [])
        gone = r.get("answer_state") == "not_found"
        inside = not gone and any(g.search(quotes) for g in golds)  # an abstention shows no quotes
        n, ab, held = n + 1, ab + gone, held + inside
    real = n - held
    return {"n": n, "abstained": round(ab / n, 3) if n else None, "gold_in_quotes": held, "real_n": real,
            "real_abstained": round(ab / real, 3) if real else None}


def read_texts(root: str | Path) -> dict[str, str]:
    """``relative/path.txt -> text`` of every ``.txt`` file under ``root`` (decoded as the indexer does)."""
    root = Path(root)
    out = {}
    for p in sorted(root.rglob("*.txt")):
        try:
            out[p.relative_to(root).as_posix()] = decode(p.read_bytes(), p)[0]
        except (OSError, ReadError):
            continue  # an empty or unreadable file states nothing
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


def _score(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m newsqa.eval.synthetic score",
                                description="Figures of a newsqa eval run over a synthetic set: near_miss_figures over "
                                "its near misses alone; a SQuAD set's answerable questions are scored apart "
                                "(answerable_n, and false_abstention: the share of them answered not_found).")
    p.add_argument("questions", help="the synthetic questions.jsonl")
    p.add_argument("results", help="results.jsonl of newsqa eval over it")
    p.add_argument("--split", choices=("dev", "test"), default=None, help="only this split's questions")
    a = p.parse_args(argv)
    qs = [q for q in _read_jsonl(Path(a.questions)) if a.split is None or q.get("split") == a.split]
    results = _read_jsonl(Path(a.results))
    # A near miss is what squad_near_miss / bbc_near_miss mark so; the SQuAD kind's "answerable" rows
    # in the same file counted as near misses, and their false abstentions lowered "abstained".
    misses = [q for q in qs if q.get("kind") in (NEAR_MISS, SWAP) or any(g.strip() for g in q.get("removed_answers") or [])]
    figures = near_miss_figures(misses, results)
    answerable = {q["id"] for q in qs if q.get("kind") == "answerable"}
    if answerable:
        states = [r.get("answer_state") for r in results if r["id"] in answerable]
        figures["answerable_n"] = len(states)
        figures["false_abstention"] = round(states.count("not_found") / len(states), 3) if states else None
    print(json.dumps(figures))
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    except QuestionFileError as e:  # a missing or broken question file: one line, no traceback
        raise SystemExit(f"error: {e}")


def _main(argv: list[str]) -> int:
    if argv[:1] == ["score"]:
        return _score(argv[1:])
    p = argparse.ArgumentParser(prog="python -m newsqa.eval.synthetic", description="Write synthetic unanswerable sets: squad (a SQuAD "
                                "corpus with paragraphs removed, their questions asked of the rest), bbc (the BBC questions "
                                "asked without their article), swap (SQuAD 2.0's entity swaps: a question's name swapped for "
                                "another of its article; asked of an index of the whole SQuAD corpus: newsqa eval "
                                "OUT/questions.jsonl --index SQUAD-INDEX). Score a run: python -m newsqa.eval.synthetic score QUESTIONS RESULTS.")
    p.add_argument("source", choices=("squad", "bbc", "swap"))
    p.add_argument("input", help="SQuAD v1.1 JSON (squad, swap) or a JSONL question set with `file` fields (bbc)")
    p.add_argument("out", help="output folder: questions.jsonl (and corpus.jsonl for squad)")
    p.add_argument("--remove-every", type=int, default=4)
    p.add_argument("--per-paragraph", type=int, default=2)
    p.add_argument("--skip-ids", default="", metavar="JSONL", help="swap: leave out the v1.1 questions whose "
                   "ids this question file holds (a sample kept for reporting)")
    p.add_argument("--corpus", default="", help="bbc: the articles folder the `file` fields are relative to; "
                   "questions whose answer another article states are then left out (not near misses)")
    a = p.parse_args(argv)
    out = Path(a.out)
    if a.source in ("squad", "swap"):
        try:
            squad = json.loads(Path(a.input).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise SystemExit(f"cannot read {a.input} as SQuAD JSON: {e}")
        if a.source == "swap":  # asked of the whole SQuAD corpus: no corpus file of its own
            skip = frozenset(r["id"] for r in _read_jsonl(Path(a.skip_ids))) if a.skip_ids else frozenset()
            qs = squad_swap(squad, skip_ids=skip)
        else:
            corpus, qs = squad_near_miss(squad, remove_every=a.remove_every, max_per_paragraph=a.per_paragraph)
            write_corpus(corpus, out)
    else:
        records = _read_jsonl(Path(a.input))
        texts = read_texts(a.corpus) if a.corpus else None
        if texts is not None and not texts:
            raise SystemExit(f"no .txt files under {a.corpus}: give the folder the questions' `file` fields are in")
        qs = bbc_near_miss(records, texts)
        if texts is not None:
            n_all = len(bbc_near_miss(records))
            print(f"left out {n_all - len(qs)} of {n_all}: another article states their answer", file=sys.stderr)
    _write_jsonl(qs, out / "questions.jsonl")
    n_nm = sum(1 for q in qs if q["kind"] in (NEAR_MISS, SWAP))
    print(f"wrote {len(qs)} questions ({n_nm} near-miss) to {out / 'questions.jsonl'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
