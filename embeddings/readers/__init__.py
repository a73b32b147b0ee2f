"""Files and folders to Documents: one reader per format, chosen by file name and content.

    >>> from newsqa.embeddings.readers import read_file
    >>> got = read_file("embeddings/sample_corpus/2023-09-14-kim-putin-summit.txt")
    >>> got.documents[0].title
    'Kim Jong Un meets Putin in Russia as missiles launch from North Korea'

Formats: news pages (``.txt`` starting with `` date YYYY-MM-DD Section``), plain ``.txt``, Markdown
``.md``, HTML ``.html``/``.htm``, ``.jsonl``/``.ndjson`` and ``.csv`` records. A file that cannot be
read becomes a ``Skipped`` with the reason; the rest goes on.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

from ..documents import Document, Note, Skipped, file_sha256, is_day
from ..errors import ReadError
from .encoding import decode, unescape_entities
from .blocks import plain_document
from .html import read_html
from .newspage import looks_like_newspage, read_newspage
from .records import read_csv, read_jsonl

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv"}
SUPPORTED = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
# A single article file larger than this is refused (JSONL is streamed line by line and exempt).
DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
# In folder walks, project files that are not articles.
_NOT_ARTICLES = ("readme", "license", "licence", "changelog", "copying")


@dataclass
class FileRead:
    """What one file gave: its documents, what was skipped in it, and the sha256 of its bytes."""

    path: str
    sha256: str = ""
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # about documents indexed all the same (a bad date)


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Skipped]:
    """Yield each readable file under ``paths`` (folders recursively, sorted), or a Skipped.

    Symlinked folders are followed once; a symlink loop is reported, not followed forever.
    """
    seen_dirs: set[str] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            yield Skipped(str(p), "no such file or folder")
            continue
        if p.is_file():
            yield p
            continue
        if not p.is_dir():
            yield Skipped(str(p), "not a regular file or folder")
            continue
        yield from _walk(p, seen_dirs)


def _walk(root: Path, seen_dirs: set[str]) -> Iterator[Path | Skipped]:
    real = os.path.realpath(root)
    if real in seen_dirs:
        yield Skipped(str(root), "folder already visited (symlink loop or repeated path)")
        return
    seen_dirs.add(real)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as e:
        yield Skipped(str(root), f"cannot list folder: {e.strerror or e}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as e:
            yield Skipped(str(path), f"cannot read: {e.strerror or e}")
            continue
        if is_dir:
            yield from _walk(path, seen_dirs)
        elif entry.is_file():
            if path.suffix.lower() not in SUPPORTED:
                yield Skipped(str(path), unsupported_type(path))
            elif path.stem.lower().startswith(_NOT_ARTICLES):
                yield Skipped(str(path), f"passed over: a file named {path.stem.split('.')[0].upper()}... is taken for "
                                         "project notes, not an article; to index it anyway, give its path "
                                         "on its own or rename it")
            else:
                yield path
        else:
            yield Skipped(str(path), "not a regular file (broken link or special file)")


def unsupported_type(path: str | os.PathLike, supported: Iterable[str] = SUPPORTED) -> str:
    """Why a file of a type newsqa does not read is refused, in the one wording of every path (a
    folder's walk, a file given by its path, an upload); the line it is shown on names the file.

    >>> unsupported_type("notes/report.docx", (".txt", ".md"))
    '.docx is not a supported type; supported: .md, .txt'
    >>> unsupported_type("README", (".txt",))
    'a file without an extension is not a supported type; supported: .txt'
    """
    suffix = Path(path).suffix.lower()
    return f"{suffix or 'a file without an extension'} is not a supported type; supported: {', '.join(sorted(supported))}"


def folder_section(path: str | os.PathLike, roots: Iterable[str | os.PathLike]) -> str:
    """The section a folder gives ``path``: the name of its folder when that folder lies inside one of
    the ``roots`` (the folders being indexed), else "".

    >>> folder_section("bbc/articles/sport/001.txt", ["bbc/articles"])
    'sport'
    >>> folder_section("bbc/articles/001.txt", ["bbc/articles"])
    ''
    """
    parent = Path(path).parent
    for root in roots:
        root = Path(root)
        if parent != root and parent.is_relative_to(root):
            return parent.name
    return ""


def read_file(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_FILE_BYTES, section: str = "") -> FileRead:
    """Read one file into documents. Never raises for bad content: problems become ``skipped``.

    Args:
        path: the file.
        max_bytes: refuse a single article file larger than this.
        section: the section of a plain ``.txt``/``.md`` article that names none itself (the folder's,
            see ``folder_section``); news pages, HTML and records keep their own.
    """
    path = Path(path)
    out = FileRead(str(path))
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if suffix in JSONL_SUFFIXES:
            out.sha256 = file_sha256(path)
            out.documents, out.skipped = _split(_read_jsonl_file(path, max_bytes))
            if not out.documents and not out.skipped:
                out.skipped.append(Skipped(str(path), "empty file"))
            return _undate_invalid(out)
        if suffix not in SUPPORTED:
            raise ReadError(path, unsupported_type(path))
        if size > max_bytes:
            raise ReadError(path, f"file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB "
                            "limit for one article file (raise --max-file-mb, or use JSONL records)")
        data = path.read_bytes()
        out.sha256 = hashlib.sha256(data).hexdigest()
        text, _enc = decode(data, path)
        if suffix not in HTML_SUFFIXES and suffix not in CSV_SUFFIXES:  # HTML's parser and records do their own
            text = unescape_entities(text)  # plain text exported from web pages: "&#163;5m" is "£5m"
        if suffix in CSV_SUFFIXES:
            out.documents, out.skipped = _split(read_csv(text, str(path)))
        elif suffix in HTML_SUFFIXES:
            doc, note = read_html(text, str(path))
            out.documents.append(doc)
            if note:
                out.notes.append(Note(str(path), note))
        elif suffix in MARKDOWN_SUFFIXES:
            out.documents.append(plain_document(text, origin=str(path), fmt="markdown", title_from_markdown=True,
                                                section=section))
        elif looks_like_newspage(text):
            out.documents.append(read_newspage(text, str(path)))
        else:
            out.documents.append(plain_document(text, origin=str(path), fmt="text", section=section))
    except ReadError as e:
        out.skipped.append(Skipped(e.path, e.reason))
    except PermissionError:
        out.skipped.append(Skipped(str(path), "permission denied (cannot read the file)"))
    except OSError as e:
        out.skipped.append(Skipped(str(path), f"cannot read: {e.strerror or e}"))
    out.documents = [d for d in out.documents if _has_content(d, out)]
    for d in out.documents:  # indexed all the same, but a reader should know why it never answers
        if not any(b.kind == "paragraph" for b in d.blocks):
            out.notes.append(Note(d.origin or str(path), TITLE_ONLY))
    return _undate_invalid(out)


TITLE_ONLY = "only a title, no body paragraphs: indexed as its headline alone"


def _undate_invalid(out: FileRead) -> FileRead:
    """Every reader's dates checked in one place (``is_day``): a date that is not a day is not stored;
    the document is kept undated, and a note names its file (and record line)."""
    for i, d in enumerate(out.documents):
        if d.date and not is_day(d.date):
            out.notes.append(Note(d.origin, f"date {d.date!r} is not a date (YYYY-MM-DD); stored undated"))
            out.documents[i] = replace(d, date="")
    return out


def _has_content(doc: Document, out: FileRead) -> bool:
    if any(b.text.strip() for b in doc.blocks):
        return True
    out.skipped.append(Skipped(doc.origin, "no text to index"))
    return False


# Bad records reported one by one per file; past this, one line counts the rest (a binary or non-JSONL
# file renamed .jsonl would otherwise print a line for each of its millions of lines).
MAX_REPORTED_BAD_RECORDS = 20


def _split(items) -> tuple[list[Document], list[Skipped]]:
    docs, skipped, more, first_more = [], [], 0, None
    for it in items:
        if isinstance(it, Document):
            docs.append(it)
        elif len(skipped) < MAX_REPORTED_BAD_RECORDS:
            skipped.append(it)
        else:
            more += 1
            first_more = first_more or it
    if more:
        where = first_more.path.rsplit("#", 1)[0]
        skipped.append(Skipped(where, f"{more} more bad records after the first {MAX_REPORTED_BAD_RECORDS} "
                                      f"(from {first_more.path.rsplit('#', 1)[-1]}); is this really a records file?"))
    return docs, skipped


def _read_jsonl_file(path: Path, max_line_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Iterator[Document | Skipped]:
    """Stream a JSONL file line by line (never whole into memory); each line decoded on its own.

    A line over ``max_line_bytes`` (one record bigger than the article size limit) is skipped without
    being held in memory, and reported with its line number.
    """
    def lines():
        with open(path, "rb") as f:
            no = 0
            while True:
                raw = f.readline(max_line_bytes + 1)
                if not raw:
                    break
                no += 1
                if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                    while (rest := f.readline(1 << 20)) and not rest.endswith(b"\n"):
                        pass  # the rest of the overlong line, read in bounded pieces and dropped
                    yield Skipped(f"{path}#L{no}", f"line {no}: record is over the {max_line_bytes / 2**20:.0f} MiB "
                                                   "limit for one article (raise --max-file-mb)")
                    continue
                try:
                    yield raw.decode("utf-8-sig" if no == 1 else "utf-8")
                except UnicodeDecodeError:
                    try:
                        yield decode(raw, f"{path}#L{no}")[0]
                    except ReadError:
                        yield "\x00"  # reported as invalid JSON on its line

    yield from read_jsonl(lines(), str(path))


__all__ = ["FileRead", "folder_section", "iter_files", "read_file", "file_sha256", "unsupported_type",
           "DEFAULT_MAX_FILE_BYTES", "SUPPORTED"]
