"""Question sets in: a JSONL file (one question a line) or a SQuAD JSON file (v1.1, or v2.0 with
``is_impossible``), read into typed ``Question`` values.

    >>> qs = load_questions("eval/questions/seed.jsonl")                   # doctest: +SKIP
    >>> qs.questions[0].question, qs.questions[0].answers  # doctest: +SKIP

JSONL line: ``{"id": str, "question": str, "answers": [str, ...], "history": [str]?, "kind": str?,
"doc_ids": [str]?}``. An empty ``answers`` list means the corpus does not answer the question (the
right response is to abstain). ``history`` holds the earlier questions of a conversation (follow-ups);
``doc_ids``, when given, are the documents an answer must come from. Other fields are ignored.

A SQuAD file brings its own corpus: ``QuestionSet.corpus`` holds one record per article (title and
paragraphs), which ``write_corpus`` writes as a JSONL file for the indexer (one document per article,
one passage per paragraph).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QuestionFileError

MAX_LISTED_ERRORS = 5  # malformed lines named in the error message (all are counted)


@dataclass(frozen=True)
class Question:
    """One question of an evaluation set.

    Attributes:
        id: unique within the set.
        question: the question as asked.
        answers: gold answer texts; empty when the corpus does not answer it.
        history: earlier questions of the conversation, oldest first.
        kind: a label for the per-kind breakdown (e.g. ``"follow-up"``); ``""`` when none.
        doc_ids: documents an answer must come from (empty: any document).
        split: ``"dev"`` (tuned on) or ``"test"`` (never tuned on); ``""`` when the file has none.
        qtype: the kind of answer asked for (``"who"``, ``"how much"``...), when the file says.
        exclude_files: article files searched around (synthetic near-misses: the question's own
            article removed), matched against the end of each document's origin path.
    """

    id: str
    question: str
    answers: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    kind: str = ""
    doc_ids: tuple[str, ...] = ()
    split: str = ""  # "dev" or "test" (hand-written sets); "" when none
    qtype: str = ""
    exclude_files: tuple[str, ...] = ()  # article files left out of the corpus for this question (synthetic near-misses)
    facts: tuple[tuple[str, ...], ...] = ()  # gold facts, each a tuple of verbatim alternatives
    alone: bool = False  # a standalone question after an unrelated one: must be answered as if alone
    corpus: str = ""  # which corpus the question is about ("bbc", "seed"), for mixed sets

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class QuestionSet:
    """Questions loaded from one file; ``corpus`` holds SQuAD's articles (empty for JSONL)."""

    path: str
    format: str  # "jsonl", "squad-v1.1", "squad-v2.0"
    questions: tuple[Question, ...]
    corpus: tuple[dict, ...] = field(default=(), repr=False)  # {"title": str, "paragraphs": [str, ...]}

    def only(self, split: str | None = None, corpus: str | None = None) -> "QuestionSet":
        """The questions of one split (``"dev"``/``"test"``) and/or one corpus (None or ``""``: all)."""
        qs = tuple(q for q in self.questions if (not split or q.split == split) and (not corpus or q.corpus == corpus))
        return QuestionSet(self.path, self.format, qs, self.corpus)

    def limited(self, n: int | None) -> "QuestionSet":
        """The first ``n`` questions (the corpus is kept whole, so retrieval is as hard as in a full run)."""
        if n is None:
            return self
        return QuestionSet(self.path, self.format, self.questions[:n], self.corpus)


def load_questions(path: str | os.PathLike) -> QuestionSet:
    """Read a question file: SQuAD JSON when it ends in ``.json``, else JSONL.

    Raises:
        QuestionFileError: missing or unreadable file, malformed lines (all named with their line
            numbers), duplicate ids, no questions.
    """
    p = Path(path)
    if not p.is_file():
        raise QuestionFileError(f"question file {p} does not exist")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise QuestionFileError(f"cannot read question file {p}: {e}") from e
    if p.suffix.lower() == ".json":
        return parse_squad(text, str(p))
    return parse_jsonl(text, str(p))


def parse_jsonl(text: str, path: str = "<questions>") -> QuestionSet:
    """Questions from JSONL text; every malformed line is reported with its number.

    Raises:
        QuestionFileError: malformed lines, duplicate ids, or no questions.

    Example:
        >>> parse_jsonl('{"id": "q1", "question": "Who met Putin?", "answers": ["Kim Jong Un"]}').questions[0].answers
        ('Kim Jong Un',)
    """
    questions: list[Question] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {no}: not valid JSON ({e.msg} at column {e.colno})")
            continue
        try:
            q = question_from_record(rec)
        except ValueError as e:
            errors.append(f"line {no}: {e}")
            continue
        if q.id in seen:
            errors.append(f"line {no}: id {q.id!r} was already used on line {seen[q.id]}")
            continue
        seen[q.id] = no
        questions.append(q)
    if errors:
        shown = "; ".join(errors[:MAX_LISTED_ERRORS])
        more = f"; and {len(errors) - MAX_LISTED_ERRORS} more" if len(errors) > MAX_LISTED_ERRORS else ""
        raise QuestionFileError(f"{path}: {len(errors)} malformed line{'s' if len(errors) != 1 else ''}: {shown}{more} "
                                "(fix them and run again)")
    if not questions:
        raise QuestionFileError(f"{path} holds no questions (expected one JSON object a line)")
    return QuestionSet(path, "jsonl", tuple(questions))


def _str_list(rec: dict, name: str, required: bool = False) -> tuple[str, ...]:
    if name not in rec or rec[name] is None:
        if required:
            raise ValueError(f"missing {name!r} (a list of strings; [] when the corpus does not answer)")
        return ()
    v = rec[name]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ValueError(f"{name!r} must be a list of strings, got {json.dumps(v, ensure_ascii=False)[:60]}")
    return tuple(v)


def question_from_record(rec) -> Question:
    """One JSONL record to a Question.

    Raises:
        ValueError: the message says which field is wrong and what was expected.
    """
    if not isinstance(rec, dict):
        raise ValueError(f"expected a JSON object, got {type(rec).__name__}")
    qid = rec.get("id")
    if isinstance(qid, bool) or not isinstance(qid, (str, int)) or not str(qid).strip():
        raise ValueError("missing or empty 'id' (a string)")
    question = rec.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("missing or empty 'question' (a string)")
    answers = _str_list(rec, "answers", required=True)
    if any(not a.strip() for a in answers):
        raise ValueError("'answers' holds an empty string")
    kind = rec.get("kind") or ""
    if not isinstance(kind, str):
        raise ValueError(f"'kind' must be a string, got {type(kind).__name__}")
    split, corpus = rec.get("split") or "", rec.get("corpus") or ""
    if not isinstance(split, str) or not isinstance(corpus, str):
        raise ValueError("'split' and 'corpus' must be strings")
    if split not in ("", "dev", "test"):
        raise ValueError(f"'split' must be \"dev\" or \"test\", got {split!r}")
    qtype = rec.get("qtype") or ""
    if not isinstance(qtype, str):
        raise ValueError(f"'qtype' must be a string, got {type(qtype).__name__}")
    return Question(str(qid), question, answers, _str_list(rec, "history"), kind, _str_list(rec, "doc_ids"),
                    split, qtype, _str_list(rec, "exclude_files"), _facts(rec), bool(rec.get("alone", False)), corpus)


def _facts(rec: dict) -> tuple[tuple[str, ...], ...]:
    """``facts``: a list whose items are a string or a list of alternative strings."""
    raw = rec.get("facts") or []
    if not isinstance(raw, list):
        raise ValueError("'facts' must be a list (each fact a string or a list of alternatives)")
    out = []
    for f in raw:
        alts = [f] if isinstance(f, str) else f
        if not isinstance(alts, list) or not alts or not all(isinstance(a, str) and a.strip() for a in alts):
            raise ValueError(f"a fact must be a non-empty string or list of strings, got {json.dumps(f)[:60]}")
        out.append(tuple(alts))
    return tuple(out)


def parse_squad(text: str, path: str = "<squad>") -> QuestionSet:
    """Questions and corpus from SQuAD JSON (v1.1; v2.0's ``is_impossible`` questions get no answers).

    Each question's ``kind`` is ``"answerable"`` or ``"unanswerable"``. Gold answers keep their first
    appearance order, without repeats. Article titles have their underscores made spaces.

    Raises:
        QuestionFileError: not JSON, not SQuAD-shaped (the message says where), or no questions.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise QuestionFileError(f"{path}: not valid JSON at line {e.lineno} column {e.colno} ({e.msg}); "
                                "a .json file must be SQuAD JSON (questions in JSONL go in a .jsonl file)") from e
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise QuestionFileError(f"{path}: not a SQuAD file (no top-level \"data\" list); "
                                "questions in JSONL go in a .jsonl file")
    version = str(data.get("version", "1.1"))
    questions: list[Question] = []
    corpus: list[dict] = []
    seen: set[str] = set()
    v2 = False
    for ai, article in enumerate(data["data"]):
        where = f"{path}: data[{ai}]"
        if not isinstance(article, dict) or not isinstance(article.get("paragraphs"), list):
            raise QuestionFileError(f"{where} has no \"paragraphs\" list")
        title = " ".join(str(article.get("title") or f"article {ai + 1}").replace("_", " ").split())
        paragraphs = []
        for pi, para in enumerate(article["paragraphs"]):
            pw = f"{where}.paragraphs[{pi}]"
            if not isinstance(para, dict) or not isinstance(para.get("context"), str) or not isinstance(para.get("qas"), list):
                raise QuestionFileError(f"{pw} needs a \"context\" string and a \"qas\" list")
            paragraphs.append(para["context"])
            for qi, qa in enumerate(para["qas"]):
                qw = f"{pw}.qas[{qi}]"
                if not isinstance(qa, dict) or not isinstance(qa.get("question"), str) or not qa["question"].strip():
                    raise QuestionFileError(f"{qw} has no \"question\" string")
                qid = str(qa.get("id") or f"{ai}.{pi}.{qi}")
                if qid in seen:
                    raise QuestionFileError(f"{qw}: id {qid!r} is used twice")
                seen.add(qid)
                impossible = bool(qa.get("is_impossible", False))
                v2 = v2 or "is_impossible" in qa
                answers: tuple[str, ...] = ()
                if not impossible:
                    raw = qa.get("answers")
                    if not isinstance(raw, list) or not raw:
                        raise QuestionFileError(f"{qw} has no \"answers\" (and is not is_impossible)")
                    texts = [a.get("text") if isinstance(a, dict) else None for a in raw]
                    if not all(isinstance(t, str) and t.strip() for t in texts):
                        raise QuestionFileError(f"{qw}: every answer needs a non-empty \"text\"")
                    answers = tuple(dict.fromkeys(texts))
                questions.append(Question(qid, qa["question"], answers, (), "unanswerable" if impossible else "answerable"))
        if paragraphs:
            corpus.append({"title": title, "paragraphs": paragraphs})
    if not questions:
        raise QuestionFileError(f"{path}: the SQuAD file holds no questions")
    fmt = "squad-v2.0" if v2 or version.startswith("v2") or version.startswith("2") else "squad-v1.1"
    return QuestionSet(path, fmt, tuple(questions), tuple(corpus))


def write_corpus(records: tuple[dict, ...] | list[dict], folder: str | os.PathLike) -> Path:
    """Write corpus records as ``corpus.jsonl`` in ``folder`` (read by the indexer's record reader:
    the title is the document's first block, the paragraphs its blank-line-separated blocks).

    Returns:
        The file's path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "corpus.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({"title": r["title"], "paragraphs": list(r["paragraphs"])}, ensure_ascii=False) + "\n")
    return out
