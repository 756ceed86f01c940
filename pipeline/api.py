"""The library API: documents in, records out.  The CLI is a thin layer on this.

Each document is processed inside its own try/except, so one bad input
becomes a ``ReadError`` with a reason and the rest of the batch goes on
(spaCy's ``Language.pipe`` idea).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from pipeline.clean import Cleaned, clean
from pipeline.collect.dedupe import digest_text, normalize_text
from pipeline.extract.activities import extract_activities
from pipeline.extract.categories import classify_with_evidence
from pipeline.extract.counts import extract_counts
from pipeline.extract.dates import parse_date
from pipeline.extract.departments import extract_departments
from pipeline.extract.people import extract_people
from pipeline.extract.region import extract_region
from pipeline.extract.region_url import refine_region_by_url
from pipeline.read import Columns, NoArticleError, document_text, read_inputs
from pipeline.read.tabular import DEFAULT_COLUMNS
from pipeline.types import Category, Document, Evidence, ReadError, Record, Source

_SPACES = re.compile(r"\s+")


def document_id(source: Source) -> str:
    """Stable across runs: from the address, else the path and row position."""
    key = source.url or f"{source.path or '-'}#{source.position or 0}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def content_hash(text: str) -> str:
    """Exact copies of the clean text share it, whatever their spacing,
    punctuation widths and line breaks (the duplicate index's exact key)."""
    return digest_text(normalize_text(text)).hex()


def extract(
    cleaned: Cleaned,
    source: Source,
    *,
    title_hint: str | None = None,
    date_hint: str | None = None,
    outlet_hint: str | None = None,
    author_hint: str | None = None,
) -> Record:
    """Build the record of one cleaned document: metadata (the byline lines
    first, then what the page or export said), region, items."""
    meta = cleaned.metadata
    text = cleaned.text
    title = meta.title or title_hint
    region = refine_region_by_url(extract_region(text, title=title), source.url)
    record = Record(
        id=document_id(source),
        content_hash=content_hash(text),
        source=source,
        title=title,
        published=meta.published or (parse_date(date_hint) if date_hint else None),
        outlet=meta.outlet or outlet_hint,
        reporters=list(meta.reporters) or ([author_hint] if author_hint else []),
        editor=meta.editor,
        region=region,
        text=text,
        original=cleaned.original,
        noise=cleaned.noise,
        counts=extract_counts(text),
        departments=extract_departments(text, region=region),
        categories=categories_with_evidence(cleaned),
        activities=extract_activities(text),
        people=extract_people(text),
    )
    for item in (*record.counts, *record.departments, *record.activities, *record.people):
        item.original_span = cleaned.to_original(item.span)
    return record


def categories_with_evidence(cleaned: Cleaned) -> list[Category]:
    """Every label with its score; the labels that apply (score >= 0.5) carry
    the sentences that speak for them, in ``text`` and in ``original``."""
    text = cleaned.text
    categories, evidence = classify_with_evidence(text)
    for category in categories:
        category.evidence = [
            Evidence(text=text[start:end], span=(start, end), original_span=cleaned.to_original((start, end)))
            for start, end in evidence.get(category.label, [])
        ]
    return categories


def process_document(document: Document) -> Record:
    """Clean and extract one document (raises on a document that has no article)."""
    text, title_hint = document_text(document)
    cleaned = clean(text)
    if document.replaced_bytes:
        cleaned.noise.add("undecodable_bytes", document.replaced_bytes)
    if not cleaned.text.strip():
        raise NoArticleError(f"no article text left after cleaning ({_removed_summary(cleaned)})")
    return extract(
        cleaned,
        document.source,
        title_hint=title_hint,
        date_hint=document.published,
        outlet_hint=document.outlet,
        author_hint=document.author,
    )


def _removed_summary(cleaned: Cleaned) -> str:
    counters = {k: v for k, v in cleaned.noise.counters.items() if v and k != "lines_removed"}
    return ", ".join(f"{k} {v}" for k, v in sorted(counters.items())) or "input was empty"


def process_documents(documents: Iterable[Document | ReadError]) -> Iterator[Record | ReadError]:
    for document in documents:
        if isinstance(document, ReadError):
            yield document
            continue
        try:
            yield process_document(document)
        except NoArticleError as error:
            yield ReadError(document.source, str(error))
        except Exception as error:  # one bad document fails alone, with its reason
            yield ReadError(document.source, f"internal error: {type(error).__name__}: {error}")


def process_paths(
    paths: Iterable[str], *, columns: Columns = DEFAULT_COLUMNS, max_bytes: int | None = None
) -> Iterator[Record | ReadError]:
    options: dict = {"columns": columns}
    if max_bytes is not None:
        options["max_bytes"] = max_bytes
    yield from process_documents(read_inputs(paths, **options))


def extract_text(text: str, *, path: str | None = None, url: str | None = None) -> Record:
    """Clean and extract a text given as a string (the Python API's short form)."""
    return process_document(Document(source=Source(path=path, url=url), text=text))
