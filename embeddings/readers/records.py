"""JSONL and CSV records: one article a record, with a text field and optional metadata fields."""

from __future__ import annotations

import csv
import io
import json
import threading
from typing import Iterator

from ..documents import Document, Skipped
from .blocks import plain_document
from .encoding import unescape_entities
from .html import PageDate

TEXT_FIELDS = ("text", "body", "content", "article")
TITLE_FIELDS = ("title", "headline")
SECTION_FIELDS = ("section", "category")


def _first(rec: dict, names) -> str:
    for n in names:
        v = rec.get(n)
        if isinstance(v, str) and v.strip():
            return v
    return ""


def record_date(value) -> str:
    """A record's date as ``YYYY-MM-DD`` by the HTML reader's rules (``PageDate.day``: ISO forms, and
    days written in words or in one possible order of numbers), else the value whole, which the
    reading notes then name as not a date (it was cut to 10 characters: "14 Septemb").

        >>> [record_date(v) for v in ("2023-09-14T10:00:00Z", "14 September 2023", "03/04/2023", 20230914)]
        ['2023-09-14', '2023-09-14', '03/04/2023', '2023-09-14']
    """
    raw = " ".join(str(value).split())
    return (PageDate(raw, "record").day or raw) if raw else ""


def record_document(rec: dict, origin: str) -> Document:
    """Turn one record into a Document.

    The text is ``text`` (or ``body``/``content``/``article``) or, failing that, the ``paragraphs``
    list joined by blank lines. When the text does not begin with the title, the title is put in
    front, so that the document text holds everything that is quoted from it.

    Raises:
        ValueError: no text field; the message names the fields looked for.
    """
    if not isinstance(rec, dict):
        raise ValueError(f"a record must be a JSON object, got {type(rec).__name__}")
    text = _first(rec, TEXT_FIELDS)
    paras = rec.get("paragraphs")
    if not text and isinstance(paras, list) and paras:
        text = "\n\n".join(str(p) for p in paras)
    if not text.strip():
        raise ValueError(f"no text: expected a non-empty field {', '.join(TEXT_FIELDS)} or paragraphs")
    text = unescape_entities(text)  # once, here: records exported from web pages carry "&#163;"
    title = " ".join(unescape_entities(_first(rec, TITLE_FIELDS)).split())
    first_line = " ".join(text.lstrip().split("\n", 1)[0].split())
    if title and first_line != title:
        text = f"{title}\n\n{text}"
    date = record_date(rec.get("date") or rec.get("published") or "")
    return plain_document(
        text,
        origin=origin,
        fmt="record",
        date=date,
        source=str(rec.get("source") or ""),
        section=_first(rec, SECTION_FIELDS),
        url=str(rec.get("url") or ""),
    )


def read_jsonl(lines: Iterator[str], path: str) -> Iterator[Document | Skipped]:
    """Yield a Document per good line and a Skipped (with its line number) per bad one."""
    for no, line in enumerate(lines, start=1):
        if isinstance(line, Skipped):  # a line the file reader already refused (e.g. over the size limit)
            yield line
            continue
        if not line.strip():
            continue
        origin = f"{path}#L{no}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield Skipped(origin, f"line {no}: not valid JSON ({e.msg} at column {e.colno})")
            continue
        try:
            yield record_document(rec, origin)
        except ValueError as e:
            yield Skipped(origin, f"line {no}: {e}")


def read_csv(text: str, path: str) -> Iterator[Document | Skipped]:
    """Yield a Document per CSV row (header row required) and a Skipped per bad row."""
    try:
        fieldnames, rows, error = _split_csv(text)
    except csv.Error as e:
        yield Skipped(path, f"not a readable CSV header ({e})")
        return
    if not fieldnames or not any(f in fieldnames for f in TEXT_FIELDS + ("paragraphs",)):
        yield Skipped(path, f"CSV header has no text column (expected one of {', '.join(TEXT_FIELDS)})")
        return
    for no, row in rows:
        origin = f"{path}#L{no}"
        try:
            yield record_document({k: v for k, v in row.items() if isinstance(k, str) and k}, origin)
        except (ValueError, AttributeError) as e:
            yield Skipped(origin, f"row at line {no}: {e}")
    if error is not None:  # the rest of the file cannot be split into rows reliably
        line, e = error
        yield Skipped(f"{path}#L{line}", f"line {line}: malformed CSV ({e}); rows after it not read")


# Articles are longer than the csv module's default 128 KiB field limit (the file itself is already
# bounded by the reader's size limit). The limit is process-wide: it is raised only while a file is
# split into rows, under this lock, and put back after.
_CSV_LIMIT = threading.Lock()


def _split_csv(text: str) -> tuple[list[str] | None, list[tuple[int, dict]], tuple[int, csv.Error] | None]:
    """The header, the rows with the line each starts on, and the first malformed row's (line, error) if any.

    Raises:
        csv.Error: the header row cannot be read.
    """
    rows: list[tuple[int, dict]] = []
    with _CSV_LIMIT:
        was = csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""))  # newline="": quoted fields keep their line breaks
            fieldnames = reader.fieldnames
            if not fieldnames or not any(f in fieldnames for f in TEXT_FIELDS + ("paragraphs",)):
                return fieldnames, rows, None
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return fieldnames, rows, None
                except csv.Error as e:
                    return fieldnames, rows, (reader.line_num, e)
                rows.append((reader.line_num - _breaks(row), row))
        finally:
            csv.field_size_limit(was)


def _breaks(row: dict) -> int:
    """Line breaks inside a row's quoted fields: the row starts that many lines above the line the
    csv reader ended it on (its ``line_num``; blank lines before the row are thus not counted)."""
    values = [v for v in row.values() if isinstance(v, str)]
    values += [x for v in row.values() if isinstance(v, list) for x in v if isinstance(x, str)]
    return sum(v.count("\n") + v.count("\r") - v.count("\r\n") for v in values)
