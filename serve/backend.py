"""What the HTTP app asks of an engine, as plain values (so the same app can front Ray Serve).

``LocalBackend`` runs an ``Engine`` in this process; ``serve.ray_serve.RayBackend`` forwards the
same calls to Ray Serve replicas. Every method takes and returns JSON-able values; engine errors
are ``NewsqaError`` (the app turns them into 4xx answers).

    >>> backend = LocalBackend(Engine.open("my-index"))                     # doctest: +SKIP
    >>> backend.ask("Where did Putin show Kim around?")["citations"][0]["quote"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from newsqa.embeddings.errors import DocumentNotFoundError
from newsqa.qa.explain import filter_note
from newsqa.qa.types import Filters
from newsqa.ui.documents import delete_article
from newsqa.ui.uploads import UploadLimits, default_upload_dir, index_uploads, save_uploads, upload_outcomes


def filters_from(d: dict | None) -> Filters | None:
    """A ``Filters`` from its JSON form (lists for tuples); a bad date raises QuestionError."""
    if not d:
        return None
    return Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def answer_json(answer, snapshot, filters: Filters | None) -> dict:
    """``Answer.to_dict()`` (the ``newsqa ask --json`` object), and for a question the filters left
    unanswered ``filter_note``: why (``qa.explain.filter_note``: "No article in section sport.", as
    the browser chat says it). Any other answer is the ``ask --json`` object as it is."""
    out = answer.to_dict()
    if answer.abstained and filters is not None and (note := filter_note(snapshot, filters)):
        out["filter_note"] = note
    return out


class LocalBackend:
    """One ``Engine`` in this process; it refreshes to the newest index generation before each call."""

    def __init__(self, engine, *, upload_dir: str | os.PathLike | None = None, limits: UploadLimits = UploadLimits()):
        self.engine = engine
        self.upload_dir = Path(upload_dir) if upload_dir else default_upload_dir(engine.index_dir)
        self.limits = limits

    def ask(self, question: str, k: int = 5, filters: dict | None = None, history: list | None = None) -> dict:
        self.engine.refresh()
        f = filters_from(filters)
        return answer_json(self.engine.ask(question, k=k, filters=f, history=history or []), self.engine.snapshot, f)

    def ask_batch(self, questions: list[str], k: int = 5, filters: dict | None = None) -> list[dict]:
        self.engine.refresh()
        f = filters_from(filters)
        return [answer_json(a, self.engine.snapshot, f) for a in self.engine.ask_many(questions, k=k, filters=f)]

    def summary(self) -> dict:
        self.engine.refresh()
        return {**self.engine.summary(), "generation": self.engine.snapshot.generation}

    def add_documents(self, files: list[tuple[str, bytes]]) -> dict:
        """Check uploaded files exactly as the browser's uploads are checked, save and index them.

        ``saved``: the files that added articles; ``duplicates``: those that added none (the same
        file, or articles the index holds already); ``refused``: those refused, or from which no
        article could be read. Each is matched to the upload by where it was saved, and named by the
        user's file name (with ``line N`` for a record of a JSONL/CSV file): no server path.
        """
        with tempfile.TemporaryDirectory(prefix="newsqa-upload-") as tmp:
            paths = []
            for i, (name, data) in enumerate(files):
                p = Path(tmp) / str(i) / upload_base_name(name)  # the user's name: save_uploads reads it
                p.parent.mkdir()
                p.write_bytes(data)
                paths.append(p)
            res = save_uploads(paths, self.upload_dir, self.limits)
        refused = [{"name": n, "reason": r} for n, r in res.refused]
        if not res.saved:
            return {"saved": [], "duplicates": [], "refused": refused, "report": None}
        before = self.engine.snapshot
        known_files, known_docs = set(before.files), set(before.documents)
        report = index_uploads([p for _, p in res.saved], self.engine)
        got = upload_outcomes(res.saved, report, self.engine.snapshot, known_files, known_docs)
        refused += [{"name": o.name, "reason": o.reason} for o in got if o.status == "refused"]
        out = report_json(report, {str(Path(p).resolve()): n for n, p in res.saved})
        return {"saved": [o.name for o in got if o.status == "ok"],
                "duplicates": [{"name": o.name, "reason": o.reason} for o in got if o.status == "duplicate"],
                "refused": refused, "report": out}

    def delete_document(self, doc_id: str) -> dict:
        """Remove one article; an upload that held only it is deleted too (``ui.documents.delete_article``),
        so uploading the same file again indexes it again."""
        try:
            done = delete_article(doc_id, self.engine, self.upload_dir)
        except DocumentNotFoundError as e:  # its message names the index folder: a server path
            raise DocumentNotFoundError(f"no document {doc_id} in the index; see the doc_id of a citation "
                                        "or GET /v1/index") from e
        return {"deleted": doc_id, "upload_deleted": done.file_deleted, "others_kept": done.others_kept,
                "report": report_json(done.report, {})}


def report_json(report, names: dict[str, str]) -> dict:
    """The indexer's report for the client: every file named as the user named it (``names``: saved
    path -> upload name), else by its base name; the index by its folder name. No server path."""
    out = {k: v for k, v in report.__dict__.items()
           if k not in ("skipped", "notes", "duplicate_articles", "pruned", "index_dir")}
    out["index_dir"] = Path(report.index_dir).name
    out["skipped"] = [{"path": client_origin(s.path, names), "reason": s.reason} for s in report.skipped]
    out["notes"] = [{"path": client_origin(n.path, names), "text": n.text} for n in report.notes]
    out["duplicate_articles"] = [{"origin": client_origin(d.origin, names), "title": d.title,
                                  "same_as": client_origin(d.same_as, names) if d.same_as else ""}
                                 for d in report.duplicate_articles]
    out["pruned"] = [client_origin(k, names) for k in report.pruned]
    return out


def client_origin(origin: str, names: dict[str, str]) -> str:
    """A reader's origin as the client may see it: its upload's name (``news.jsonl#L2``), never a server path.

    >>> client_origin("/srv/up/news-0f0fb64c.jsonl#L2", {"/srv/up/news-0f0fb64c.jsonl": "news.jsonl"})
    'news.jsonl#L2'
    """
    file, sep, at = origin.partition("#")
    key = str(Path(file).resolve()) if file else ""
    return (names.get(key) or Path(file).name) + sep + at


def upload_base_name(name: str) -> str:
    """The base name of an uploaded file's name, safe to create in a temp folder (checked later)."""
    base = Path((name or "").replace("\\", "/").replace("\x00", "")).name.strip()
    if base in ("", ".", ".."):
        base = "upload"
    if len(base.encode("utf-8")) > 200:  # file systems allow 255 bytes; keep the suffix, which decides the type
        suffix = Path(base).suffix[:16]
        base = base.encode("utf-8")[: 200 - len(suffix.encode("utf-8"))].decode("utf-8", "ignore") + suffix
    return base
