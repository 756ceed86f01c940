"""WARC web archives (plain or gzipped, also ARC): one ``Document`` per page.

The archive is streamed with warcio's ``ArchiveIterator``, one record at a
time, so a crawl of many gigabytes never sits in memory.  Which records
become documents:

1. ``response`` records (the HTTP answer) and ``resource`` records (a file
   stored as is) whose payload is HTML or plain text; everything else
   (requests, metadata, warcinfo, revisits, images, scripts) is not an
   article and is passed over;
2. a 3xx response (a redirect, no body) is passed over; a 4xx/5xx page is
   an error page, so it becomes a ``ReadError`` with the status;
3. the payload is decoded with the charset the HTTP header declares (GB2312
   and GBK widened to GB18030, which servers mislabel) and, when there is
   none or it does not fit the bytes, with ``decode_bytes``, which tells the
   encoding from the bytes;
4. a payload that cannot be read (bad content encoding, too large, binary)
   becomes a ``ReadError`` and the archive goes on; a damaged archive stream
   (a truncated gzip member, a garbled record header) ends the archive with
   a ``ReadError`` that says after which record, since the records after it
   cannot be found reliably.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pipeline.read.decode import Decoded, DecodeError, decode_bytes
from pipeline.read.html import looks_like_html
from pipeline.types import Document, ReadError, Source

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_PAYLOAD_BYTES = 20 * 1024 * 1024
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_WIDER_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}


def is_warc_path(path: str | Path) -> bool:
    """``x.warc.gz`` has the suffix ``.gz``: look at the whole name."""
    return str(path).lower().endswith(WARC_SUFFIXES)


def declared_charset(content_type: str) -> str | None:
    """The codec a Content-Type names, if Python knows it.

    >>> declared_charset("text/html; charset=GB2312")
    'gb18030'
    >>> declared_charset("text/html") is None
    True
    """
    match = _CHARSET_RE.search(content_type or "")
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1)).name
    except LookupError:
        return None
    return _WIDER_CODECS.get(name, name)


def decode_payload(data: bytes, content_type: str) -> Decoded:
    """The declared charset if the bytes fit it, else the bytes decide."""
    charset = declared_charset(content_type)
    if charset:
        try:
            return Decoded(data.decode(charset), charset, 0)
        except UnicodeDecodeError:
            pass
    return decode_bytes(data)


def _media_type(content_type: str) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def record_to_document(record, source: Source, *, max_bytes: int) -> Document | ReadError | None:
    """One WARC record as a document, an error, or ``None`` when it is not a page."""
    if record.rec_type not in ("response", "resource"):
        return None
    http = record.http_headers
    if http is not None and http.get_statuscode():
        status = http.get_statuscode()
        if status.startswith("3"):
            return None
        if not status.startswith("2"):
            return ReadError(source, f"HTTP status {status}")
        content_type = http.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media = _media_type(content_type)
    if media and media not in TEXT_TYPES:
        return None
    try:
        data = record.content_stream().read(max_bytes + 1)
    except Exception as error:  # a bad gzip/deflate/chunked body: this record only
        return ReadError(source, f"unreadable payload: {type(error).__name__}: {error}")
    if len(data) > max_bytes:
        return ReadError(source, f"payload too large: > {max_bytes / 1024 / 1024:.0f} MB limit")
    try:
        decoded = decode_payload(data, content_type)
    except DecodeError as error:
        return ReadError(source, str(error))
    is_html = media in ("text/html", "application/xhtml+xml") or (not media and looks_like_html(decoded.text))
    return Document(
        source=source,
        text=decoded.text,
        kind="html" if is_html else "text",
        encoding=decoded.encoding,
        replaced_bytes=decoded.replaced,
    )


def read_warc(path: str, *, max_bytes: int = MAX_PAYLOAD_BYTES) -> Iterator[Document | ReadError]:
    """Documents from the pages of a WARC/ARC archive, streamed (see module doc).

    ``position`` is the record's number in the archive (1-based, counting
    every record), so an error points at the record to look at.  Each item
    is held back until the archive has moved past its record, because only
    then does a cut-off record show (fewer bytes than its Content-Length).
    """
    try:
        stream = open(path, "rb")
    except OSError as error:
        yield ReadError(Source(path=path), f"cannot read archive: {error.strerror or error}")
        return
    with stream:
        size = os.fstat(stream.fileno()).st_size
        yield from _read_records(stream, path, size, max_bytes)


def _read_records(stream, path: str, size: int, max_bytes: int) -> Iterator[Document | ReadError]:
    position = 0
    held: tuple | None = None  # (record, item) of the record before the current one
    iterator = ArchiveIterator(stream, arc2warc=True)
    try:
        for position, record in enumerate(iterator, start=1):
            if held:
                yield _checked(*held)
                held = None
            item = record_to_document(record, _record_source(record, path, position), max_bytes=max_bytes)
            if item is not None:
                held = (record, item)
        if held:
            yield _checked(*held)
            held = None
        if iterator.offset < size:  # a gzip member cut off before its first complete block
            reason = f"truncated or damaged archive: {size - iterator.offset} bytes after record {position} unreadable"
            yield ReadError(Source(path=path, position=position + 1), reason)
    except Exception as error:  # warcio's ArchiveLoadFailed, zlib errors, EOFError
        if held:
            yield _checked(*held)
        reason = f"damaged archive after record {position}: {type(error).__name__}: {error}"
        yield ReadError(Source(path=path, position=position + 1), reason[:300])


def _record_source(record, path: str, position: int) -> Source:
    headers = record.rec_headers
    return Source(
        path=path,
        url=headers.get_header("WARC-Target-URI") or None,
        fetched_at=headers.get_header("WARC-Date") or None,
        position=position,
    )


def _checked(record, item: Document | ReadError) -> Document | ReadError:
    """A page whose record ended early is not the page: an error instead."""
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:
        return ReadError(item.source, f"record truncated: {missing} bytes missing")
    return item
