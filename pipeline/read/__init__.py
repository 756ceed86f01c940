"""Read: files, directories and stdin into ``Document``s, or ``ReadError``s.

Plain text in any common Chinese encoding (told apart from the bytes), HTML
pages, JSONL and CSV exports.  A bad input never stops the batch: it becomes
a ``ReadError`` with a one-line reason.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.read.decode import DecodeError, decode_bytes
from pipeline.read.html import CJK_RUN, NoArticleError, extract_article, looks_like_html
from pipeline.read.tabular import DEFAULT_COLUMNS, Columns, read_csv, read_jsonl, read_jsonl_stream
from pipeline.read.warc import is_warc_path, read_warc
from pipeline.types import Document, ReadError, Source

MAX_BYTES = 20 * 1024 * 1024  # a news report is kilobytes; 20 MB is a dump, not an article
TABULAR_MAX_BYTES = 4 * 1024**3  # exports hold many documents
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
# In a directory, only files of these kinds are documents (a corpus folder also
# holds READMEs and source lists); a file named on the command line is always read.
DOCUMENT_SUFFIXES = (".txt", ".text", "", *HTML_SUFFIXES, ".jsonl", ".ndjson", ".csv", ".tsv")

__all__ = ["Columns", "Document", "ReadError", "iter_files", "read_bytes", "read_inputs", "read_path"]


def iter_files(path: Path, skipped: list[Path] | None = None) -> Iterator[Path]:
    """A file, or every document file under a directory (recursively, sorted,
    hidden files skipped); other files under a directory go to ``skipped``."""
    if not path.is_dir():
        yield path
        return
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            file = Path(root) / name
            if file.suffix.lower() in DOCUMENT_SUFFIXES or is_warc_path(file):
                yield file
            elif skipped is not None:
                skipped.append(file)


def read_bytes(
    data: bytes, path: str, *, columns: Columns = DEFAULT_COLUMNS, max_bytes: int = MAX_BYTES
) -> Iterator[Document | ReadError]:
    """Documents from the bytes of one file (``path`` names it in the source)."""
    suffix = Path(path).suffix.lower()
    tabular = suffix in (".jsonl", ".ndjson", ".csv", ".tsv")
    limit = TABULAR_MAX_BYTES if tabular else max_bytes
    if len(data) > limit:
        mb = len(data) / 1024 / 1024
        yield ReadError(
            Source(path=path), f"file too large: {mb:.1f} MB > {limit / 1024 / 1024:.0f} MB limit (--max-mb)"
        )
        return
    try:
        decoded = decode_bytes(data)
    except DecodeError as error:
        yield ReadError(Source(path=path), str(error))
        return
    if suffix in (".jsonl", ".ndjson"):
        yield from read_jsonl(decoded.text, path, columns)
        return
    if suffix in (".csv", ".tsv"):
        yield from read_csv(decoded.text, path, columns)
        return
    kind = "html" if suffix in HTML_SUFFIXES or looks_like_html(decoded.text) else "text"
    yield Document(
        source=Source(path=path),
        text=decoded.text,
        kind=kind,
        encoding=decoded.encoding,
        replaced_bytes=decoded.replaced,
    )


def read_path(
    path: str, *, columns: Columns = DEFAULT_COLUMNS, max_bytes: int = MAX_BYTES
) -> Iterator[Document | ReadError]:
    """Documents from a file, a directory (recursively) or ``-`` for stdin."""
    if path == "-":
        yield from read_bytes(sys.stdin.buffer.read(), "-", columns=columns, max_bytes=max_bytes)
        return
    root = Path(path)
    if not root.exists():
        yield ReadError(Source(path=path), "no such file or directory")
        return
    skipped: list[Path] = []
    for file in iter_files(root, skipped):
        if is_warc_path(file):  # streamed record by record, never read whole
            yield from read_warc(str(file), max_bytes=max_bytes)
            continue
        if file.suffix.lower() in (".jsonl", ".ndjson"):  # streamed row by row
            yield from read_jsonl_stream(file, columns)
            continue
        try:
            data = file.read_bytes()
        except OSError as error:
            yield ReadError(Source(path=str(file)), f"cannot read file: {error.strerror or error}")
            continue
        yield from read_bytes(data, str(file), columns=columns, max_bytes=max_bytes)
    if skipped:
        kinds = ", ".join(sorted({f.suffix or "(none)" for f in skipped}))
        print(f"zhnews: {path}: skipped {len(skipped)} file(s) that are not documents ({kinds})", file=sys.stderr)


def expand_inputs(paths: Iterable[str]) -> Iterator[str]:
    """Inputs as given, with quoted globs (``'archive/**/*.warc.gz'``) expanded
    in sorted order; a glob that matches nothing stays, to be reported."""
    for path in paths:
        if path != "-" and any(c in path for c in "*?["):
            matches = sorted(glob.glob(path, recursive=True))
            yield from matches or [path]
        else:
            yield path


def read_inputs(paths: Iterable[str], **options) -> Iterator[Document | ReadError]:
    for path in expand_inputs(paths):
        yield from read_path(path, **options)


def document_text(document: Document) -> tuple[str, str | None]:
    """The text to clean and a title hint.  An HTML page is reduced to its
    article body; what its header says (date, 来源, author) is kept on the
    document, since those lines no longer reach the cleaner."""
    if document.kind == "html":
        article = extract_article(document.text)
        if not CJK_RUN.search(article.body):
            raise NoArticleError("HTML page without article text (no run of Chinese characters in its body)")
        document.published = document.published or article.published
        document.outlet = document.outlet or article.outlet
        document.author = document.author or article.author
        return article.body, document.title or article.title
    return document.text, document.title


__all__ += ["NoArticleError", "document_text"]
