"""The Documents panel's data: the indexed articles as table rows, searched; deleting an article.

    >>> rows = [Row("d1", "Port reopens", "2023-09-14", "World", "Reuters", "a.txt", 3, "/x/a.txt", "x")]
    >>> [r.title for r in search(rows, "port")]
    ['Port reopens']
    >>> rows[0].cells()
    ['Port reopens', 'World', '2023-09-14', 'Reuters', 3, 'a.txt']

Pure functions over ``snapshot.documents`` (the stored document rows) and the passage table; the
ones that write (``delete_upload``, ``delete_article``, which the API's DELETE uses too) go through the
indexer, like an upload.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newsqa.embeddings.caching import PerReader
from newsqa.embeddings.errors import NewsqaError
from newsqa.embeddings.indexer import IndexReport, delete_documents, update_index
from newsqa.embeddings.passage_table import doc_ids_of
from newsqa.qa.present import UNTITLED

# The headline first, the file name last: a reader knows an article by its headline, not "077.txt".
COLUMNS = ["title", "section", "date", "source", "passages", "file"]
TITLE_CHARS = 120  # a first line used as the title is cut here


@dataclass(frozen=True)
class Row:
    doc_id: str
    title: str
    date: str
    section: str
    source: str
    file: str
    passages: int
    origin: str
    folder: str = ""  # the folder the file is in (``business`` for ``.../business/077.txt``)

    def cells(self) -> list:
        """The table's cells, in ``COLUMNS`` order; an article with no section shows its folder (``business/``)."""
        section = self.section or (f"{self.folder}/" if self.folder else "")
        return [self.title, section, self.date, self.source, self.passages, self.file]


def passage_counts(snapshot) -> Counter:
    """Passages per document id."""

    return Counter(doc_ids_of(snapshot.passages))


def document_rows(snapshot) -> list[Row]:
    """Every article of the snapshot as a row, newest first, then by title (made once per generation)."""
    return _ROWS.get_or_make(snapshot, _rows_of)


def _rows_of(snapshot) -> list[Row]:
    counts = passage_counts(snapshot)
    rows = []
    for doc_id, d in snapshot.documents.items():
        origin = d.get("origin") or ""
        path = Path(origin.split("#", 1)[0]) if origin else None
        rows.append(Row(doc_id, title_of(d), d.get("date") or "", d.get("section") or "", d.get("source") or "",
                        path.name if path else "", counts.get(doc_id, 0), origin,
                        path.parent.name if path and path.parent.name not in ("", ".", "..") else ""))
    rows.sort(key=lambda r: r.title.lower())
    rows.sort(key=lambda r: r.date, reverse=True)
    return rows


def title_of(document: dict) -> str:
    """The reader's title, else the first line of the text (cut at ``TITLE_CHARS``), else ``UNTITLED``.

    >>> title_of({"title": "", "text": "\\n  Port reopens after the storm\\n\\nThe port reopened."})
    'Port reopens after the storm'
    """
    if (document.get("title") or "").strip():
        return document["title"].strip()
    first = next((line.strip() for line in (document.get("text") or "").splitlines() if line.strip()), "")
    if len(first) > TITLE_CHARS:
        first = first[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "\u2026"
    return first or UNTITLED


_ROWS = PerReader()  # the rows of each open generation, dropped with its reader


def search(rows: list[Row], query: str) -> list[Row]:
    """The rows whose title, date, section, folder, source or file holds every word of ``query`` (any case)."""
    words = (query or "").lower().split()
    if not words:
        return list(rows)
    out = []
    for r in rows:
        hay = " ".join((r.title, r.date, r.section, r.folder, r.source, r.file)).lower()
        if all(w in hay for w in words):
            out.append(r)
    return out


def is_upload(row: Row, upload_dir: str | Path) -> bool:
    """True when the article's file lies in the upload folder (only those may be deleted here)."""
    if not row.origin:
        return False
    try:
        return Path(row.origin.split("#", 1)[0]).resolve().parent == Path(upload_dir).resolve()
    except OSError:
        return False


@dataclass(frozen=True)
class Deletion:
    """What deleting one article did."""

    report: IndexReport  # the indexer's
    file_deleted: bool  # its upload held nothing else: the file and its record went with it
    others_kept: int  # articles of the same file that stay (a JSONL or CSV upload holds many)


def delete_upload(row: Row, engine, upload_dir: str | Path) -> Deletion:
    """Take an uploaded article out of the index (``delete_article``); only uploads may be deleted here.

    Raises:
        NewsqaError: the article was not uploaded here, or the index cannot be updated.
    """
    if not is_upload(row, upload_dir):
        raise NewsqaError(f"{row.file or row.title} was not uploaded in the app (it is not in {upload_dir}); "
                          "remove it from its folder and run `newsqa index --prune` instead")
    return delete_article(row.doc_id, engine, upload_dir)


def delete_article(doc_id: str, engine, upload_dir: str | Path) -> Deletion:
    """Take one article out of the index, and nothing else.

    An upload that holds only this article is deleted with its file record (uploading the file
    again then indexes it again). A file that holds others too (a JSONL or CSV upload, a folder's
    file) stays, and so do its other articles: the article is removed by its id, and the file's
    record keeps the rest (re-indexing the unchanged file does not bring it back).

    Raises:
        DocumentNotFoundError: no indexed file holds ``doc_id``.
        NewsqaError: the index cannot be updated.
    """
    engine.refresh()  # the newest file records (another session or process may have written since)
    files = getattr(engine.snapshot, "files", None) or {}
    holders = [k for k, rec in files.items() if doc_id in (rec.get("doc_ids") or ())]
    root = Path(upload_dir).resolve()
    alone = [k for k in holders if Path(k).parent == root and list(files[k]["doc_ids"]) == [doc_id]]
    whole = bool(holders) and alone == holders
    try:
        if whole:
            report = update_index([], engine.index_dir, encoder=engine.encoder, progress=False,
                                  add_sentence_vectors=False, remove=alone)
            for k in alone:
                Path(k).unlink(missing_ok=True)
        else:
            report = delete_documents(engine.index_dir, [doc_id], encoder=engine.encoder)
    except OSError as e:
        raise NewsqaError(f"cannot delete article {doc_id}: {e.strerror or e}") from e
    engine.refresh()
    others = max((len(files[k]["doc_ids"]) - 1 for k in holders), default=0)
    return Deletion(report, whole, others)
