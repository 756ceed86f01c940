"""JSONL and CSV exports: one document per row, with configurable columns."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.types import Document, ReadError, Source


@dataclass(frozen=True)
class Columns:
    """Which columns of an export hold what (``--text-col`` etc. on the CLI)."""

    text: str = "text"
    url: str = "url"
    date: str = "date"
    title: str = "title"
    html: str = "html"  # a row without text but with HTML in this column is read as a page


DEFAULT_COLUMNS = Columns()


def _row_to_document(row: dict, source: Source, columns: Columns) -> Document | ReadError:
    text = row.get(columns.text)
    kind = "text"
    if not text and row.get(columns.html):
        text, kind = row[columns.html], "html"
    if not isinstance(text, str) or not text.strip():
        found = ", ".join(sorted(map(str, row))) or "none"
        return ReadError(source, f"row has no text in column '{columns.text}' (columns: {found})")
    source.url = row.get(columns.url) or None
    title = row.get(columns.title)
    date = row.get(columns.date)
    return Document(
        source=source,
        text=text,
        kind=kind,
        title=title if isinstance(title, str) and title else None,
        published=str(date) if date else None,
    )


def read_jsonl(text: str, path: str, columns: Columns) -> Iterator[Document | ReadError]:
    for number, line in enumerate(io.StringIO(text), start=1):
        if line.strip():
            yield from _parse_jsonl_line(line, number, Source(path=path, position=number), columns)


def read_jsonl_stream(path, columns: Columns) -> Iterator[Document | ReadError]:
    """A JSONL export read line by line, so memory does not grow with its
    size (exports hold millions of rows).  JSON is UTF-8 (a BOM is allowed);
    a line that does not decode is an error row, and the rest goes on."""
    with open(path, "rb") as stream:
        for number, raw in enumerate(stream, start=1):
            source = Source(path=str(path), position=number)
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield ReadError(source, f"line {number} is not UTF-8: {error.reason} at byte {error.start}")
                continue
            yield from _parse_jsonl_line(line, number, source, columns)


def _parse_jsonl_line(line: str, number: int, source: Source, columns: Columns) -> Iterator[Document | ReadError]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        yield ReadError(source, f"line {number} is not JSON: {error.msg}")
        return
    if not isinstance(row, dict):
        yield ReadError(source, f"line {number} is a JSON {type(row).__name__}, not an object")
        return
    yield _row_to_document(row, source, columns)


def read_csv(text: str, path: str, columns: Columns) -> Iterator[Document | ReadError]:
    csv.field_size_limit(1 << 30)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    row_number = 1
    while True:
        row_number += 1
        source = Source(path=path, position=row_number)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield ReadError(source, f"row {row_number} is not valid CSV: {error}")
            return
        yield _row_to_document(row, source, columns)
