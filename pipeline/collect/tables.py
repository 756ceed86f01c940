"""Records flattened into the rows of the dataset's tables (spec README, "Tables").

One row per item, keyed by the document ``id``: ``articles`` (one row per
record), ``counts``, ``departments``, ``categories`` (every label with its
score), ``category_evidence`` (the sentences that carry each label scored
0.5 or more), ``activities``, ``people`` and ``errors`` (inputs that could
not be processed, with the reason).  Every table has a fixed pyarrow schema, so that shards written by
different workers, or on different days, concatenate without type drift (a
shard whose ``value_max`` column is all null must not become a null-typed
column).
"""

from __future__ import annotations

import json

import pyarrow as pa

from pipeline.api import document_id
from pipeline.types import ReadError, Record, Span

REPORTER_SEPARATOR = "、"  # how Chinese bylines list several names

_STR = pa.string()
_INT = pa.int64()
_FLOAT = pa.float64()
_SPAN_FIELDS = [("start", _INT), ("end", _INT), ("original_start", _INT), ("original_end", _INT)]

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema(
        [
            ("id", _STR),
            ("content_hash", _STR),
            ("path", _STR),
            ("url", _STR),
            ("fetched_at", _STR),
            ("position", _INT),
            ("title", _STR),
            ("published", _STR),
            ("outlet", _STR),
            ("reporters", _STR),
            ("editor", _STR),
            ("province", _STR),
            ("city", _STR),
            ("district", _STR),
            ("adcode", _STR),
            ("script", _STR),
            ("noise", _STR),  # JSON object of the cleaners' counters: their names are open-ended
            ("noise_total", _INT),
            ("chars", _INT),
            ("duplicate_of", _STR),
            ("text", _STR),
        ]
    ),
    "counts": pa.schema(
        [
            ("id", _STR),
            ("value", _FLOAT),
            ("value_max", _FLOAT),
            ("unit", _STR),
            ("approx", _STR),
            ("text", _STR),
            ("indicator", _STR),
            ("object", _STR),
            ("action", _STR),
            ("evidence", _STR),
            ("part_of_start", _INT),  # start of the total this item breaks down (其中 …), or null
            *_SPAN_FIELDS,
        ]
    ),
    "departments": pa.schema(
        [("id", _STR), ("mention", _STR), ("name", _STR), ("function", _STR), ("level", _STR), *_SPAN_FIELDS]
    ),
    "categories": pa.schema([("id", _STR), ("label", _STR), ("score", _FLOAT)]),
    "category_evidence": pa.schema([("id", _STR), ("label", _STR), ("text", _STR), *_SPAN_FIELDS]),
    "activities": pa.schema([("id", _STR), ("name", _STR), *_SPAN_FIELDS]),
    "people": pa.schema([("id", _STR), ("name", _STR), ("role", _STR), *_SPAN_FIELDS]),
    "errors": pa.schema([("id", _STR), ("path", _STR), ("url", _STR), ("position", _INT), ("reason", _STR)]),
}
TABLES = tuple(SCHEMAS)


def span_columns(span: Span | None, original_span: Span | None) -> dict[str, int | None]:
    """``[start, end)`` in the clean text and in the original, as four columns
    (SQL users filter on them; a list column would need unnesting)."""
    start, end = span if span else (None, None)
    original_start, original_end = original_span if original_span else (None, None)
    return {"start": start, "end": end, "original_start": original_start, "original_end": original_end}


def article_row(record: Record) -> dict:
    """The record's document-level fields; the noise counters go in one JSON
    column because cleaners add new ones, and ``noise_total`` sums them."""
    noise = record.noise
    region = record.region
    return {
        "id": record.id,
        "content_hash": record.content_hash,
        "path": record.source.path,
        "url": record.source.url,
        "fetched_at": record.source.fetched_at,
        "position": record.source.position,
        "title": record.title,
        "published": record.published,
        "outlet": record.outlet,
        "reporters": REPORTER_SEPARATOR.join(record.reporters) or None,
        "editor": record.editor,
        "province": region.province,
        "city": region.city,
        "district": region.district,
        "adcode": region.adcode,
        "script": noise.script,
        "noise": json.dumps(dict(sorted(noise.counters.items())), ensure_ascii=False),
        "noise_total": sum(noise.counters.values()),
        "chars": len(record.text),
        "duplicate_of": record.duplicate_of,
        "text": record.text,
    }


def record_rows(record: Record) -> dict[str, list[dict]]:
    """Every table's rows for one record (``errors`` stays empty).

    >>> from pipeline.types import Category, Evidence, Noise, Region, Source
    >>> r = Record("d1", "h", Source(path="a.txt"), "标题", None, None, ["张三", "李四"], None,
    ...            Region(), "正文", "正文", Noise(),
    ...            categories=[Category("民生", 0.9, [Evidence("正文", (0, 2), (0, 2))]), Category("交通", 0.1)])
    >>> rows = record_rows(r)
    >>> rows["articles"][0]["reporters"], rows["categories"][0]
    ('张三、李四', {'id': 'd1', 'label': '民生', 'score': 0.9})
    >>> rows["category_evidence"]
    [{'id': 'd1', 'label': '民生', 'text': '正文', 'start': 0, 'end': 2, 'original_start': 0, 'original_end': 2}]
    """
    rid = record.id
    return {
        "articles": [article_row(record)],
        "counts": [
            {
                "id": rid,
                "value": float(c.value),
                "value_max": None if c.value_max is None else float(c.value_max),
                "unit": c.unit,
                "approx": c.approx,
                "text": c.text,
                "indicator": c.indicator,
                "object": c.object,
                "action": c.action,
                "evidence": c.evidence,
                "part_of_start": None if c.part_of is None else record.counts[c.part_of].span[0],
                **span_columns(c.span, c.original_span),
            }
            for c in record.counts
        ],
        "departments": [
            {
                "id": rid,
                "mention": d.mention,
                "name": d.name,
                "function": d.function,
                "level": d.level,
                **span_columns(d.span, d.original_span),
            }
            for d in record.departments
        ],
        "categories": [{"id": rid, "label": c.label, "score": float(c.score)} for c in record.categories],
        "category_evidence": [
            {"id": rid, "label": c.label, "text": e.text, **span_columns(e.span, e.original_span)}
            for c in record.categories
            for e in c.evidence
        ],
        "activities": [{"id": rid, "name": a.name, **span_columns(a.span, a.original_span)} for a in record.activities],
        "people": [
            {"id": rid, "name": p.name, "role": p.role, **span_columns(p.span, p.original_span)} for p in record.people
        ],
        "errors": [],
    }


def error_rows(error: ReadError) -> dict[str, list[dict]]:
    """An input that could not be processed: one ``errors`` row, keyed by the
    id its record would have had, so a later successful run can be joined."""
    source = error.source
    row = {
        "id": document_id(source),
        "path": source.path,
        "url": source.url,
        "position": source.position,
        "reason": error.reason,
    }
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    rows["errors"].append(row)
    return rows


def item_rows(item: Record | ReadError) -> dict[str, list[dict]]:
    return error_rows(item) if isinstance(item, ReadError) else record_rows(item)


def rows_to_table(rows: list[dict], name: str) -> pa.Table:
    """Rows of one table as a pyarrow table with that table's fixed schema."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])
