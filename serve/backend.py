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

from newsqa.embeddings.indexer import delete_documents
from newsqa.qa.types import Filters
from newsqa.ui.uploads import UploadLimits, default_upload_dir, index_uploads, save_uploads


def filters_from(d: dict | None) -> Filters | None:
    """A ``Filters`` from its JSON form (lists for tuples); a bad date raises QuestionError."""
    if not d:
        return None
    return Filters(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


class LocalBackend:
    """One ``Engine`` in this process; it refreshes to the newest index generation before each call."""

    def __init__(self, engine, *, upload_dir: str | os.PathLike | None = None, limits: UploadLimits = UploadLimits()):
        self.engine = engine
        self.upload_dir = Path(upload_dir) if upload_dir else default_upload_dir(engine.index_dir)
        self.limits = limits

    def ask(self, question: str, k: int = 5, filters: dict | None = None, history: list | None = None) -> dict:
        self.engine.refresh()
        return self.engine.ask(question, k=k, filters=filters_from(filters), history=history or []).to_dict()

    def ask_batch(self, questions: list[str], k: int = 5, filters: dict | None = None) -> list[dict]:
        self.engine.refresh()
        return [a.to_dict() for a in self.engine.ask_many(questions, k=k, filters=filters_from(filters))]

    def summary(self) -> dict:
        self.engine.refresh()
        return {**self.engine.summary(), "generation": self.engine.snapshot.generation}

    def add_documents(self, files: list[tuple[str, bytes]]) -> dict:
        """Check uploaded files exactly as the browser's uploads are checked, save and index them."""
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
            return {"saved": [], "refused": refused, "report": None}
        report = index_uploads([p for _, p in res.saved], self.engine)
        by_path = {str(p): n for n, p in res.saved}
        skipped = {by_path.get(s.path, Path(s.path).name): s.reason for s in report.skipped}
        refused += [{"name": n, "reason": r} for n, r in skipped.items()]
        out = {k: v for k, v in report.__dict__.items() if k != "skipped"}
        out["skipped"] = [{"path": s.path, "reason": s.reason} for s in report.skipped]
        return {"saved": [n for n, _ in res.saved if n not in skipped], "refused": refused, "report": out}

    def delete_document(self, doc_id: str) -> dict:
        report = delete_documents(self.engine.index_dir, [doc_id], encoder=self.engine.encoder)
        self.engine.refresh()
        out = {k: v for k, v in report.__dict__.items() if k != "skipped"}
        return {"deleted": doc_id, "report": out}


def upload_base_name(name: str) -> str:
    """The base name of an uploaded file's name, safe to create in a temp folder (checked later)."""
    base = Path((name or "").replace("\\", "/").replace("\x00", "")).name.strip()
    if base in ("", ".", ".."):
        base = "upload"
    if len(base.encode("utf-8")) > 200:  # file systems allow 255 bytes; keep the suffix, which decides the type
        suffix = Path(base).suffix[:16]
        base = base.encode("utf-8")[: 200 - len(suffix.encode("utf-8"))].decode("utf-8", "ignore") + suffix
    return base
