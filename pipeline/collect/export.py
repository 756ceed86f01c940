"""A run's tables in the formats researchers' tools read (``zhnews export``).

    zhnews export DIR --to docbin [--out PATH]   # spaCy DocBin, to train span models
    zhnews export DIR --to stata  [--out DIR]    # one Stata .dta (version 118) per table
    zhnews export DIR --to r      [--out DIR]    # one UTF-8 CSV per table, NA for missing

``DIR`` is the output directory of ``zhnews run`` in any of its formats
(parquet, csv, jsonl); tables are read with their fixed schemas
(``collect/tables.py``), so an all-null column keeps its type.

* **DocBin**: one ``Doc`` per story (copies marked in ``duplicate_of`` are
  left out unless asked, so that a train/test split cannot see the same
  story twice), on the clean text, with spans in ``doc.spans["sc"]``
  labelled ``DEPARTMENT``, ``COUNT`` and ``REGION`` (overlaps are allowed
  there, which a spancat model expects and ``doc.ents`` would refuse).  The
  blank Chinese pipeline segments by character, so no jieba or pkuseg
  model is needed and every character offset falls on a token boundary.
  ``doc.user_data["id"]`` is the article id.
* **Stata**: format 118 (Stata 14+) stores Unicode.  Stata has no missing
  string, so a null string is ``""``; integers with nulls become doubles
  with ``.``; ``published`` also gets a Stata date twin ``published_date``;
  columns named with a Stata reserved word get a trailing ``_`` (``end_``,
  ``function_``).
  A string column longer than 2045 bytes (Stata's ``str#`` limit; a Chinese
  character is 3 bytes) is stored as ``strL`` rather than truncated.
* **R**: UTF-8 without a BOM (``readr::read_csv`` and ``read.csv(...,
  encoding = "UTF-8")`` both read it), ``NA`` for missing, dates already
  ISO 8601 (``YYYY-MM-DD``), integers written without ``.0``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from pipeline.collect.tables import SCHEMAS, TABLES

# Tables added after the first release: a run directory written before them
# exports with the table empty rather than failing.
OPTIONAL_TABLES = frozenset({"category_evidence"})

TARGETS = ("docbin", "stata", "r")
SPAN_KEY = "sc"
STATA_VERSION = 118
STATA_STR_MAX_BYTES = 2045
STATA_NAME_MAX = 32
DEFAULT_OUT = {"docbin": "export/zhnews.spacy", "stata": "export/stata", "r": "export/r"}
# Administrative suffixes dropped to find a short mention (江汉区 -> 江汉) when
# the full name is not in the text; longest first so 自治区 wins over 区.
_REGION_SUFFIX_RE = re.compile(
    r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|新区|省|市|区|县|盟|旗)$"
)
_STATA_NAME_RE = re.compile(r"[^A-Za-z0-9_]")
# Stata's reserved words (the list pandas checks in ``StataWriter``): a
# column so named gets a trailing ``_`` (``end`` -> ``end_``).
STATA_RESERVED = frozenset(
    "aggregate array boolean break byte case catch class colvector complex const continue default delegate delete "
    "do double else eltypedef end enum explicit export external float for friend function global goto if inline "
    "int local long NULL pragma protected quad rowvector short typedef typename virtual _all _N _skip _b _pi str# "
    "in _pred strL _coef _rc using _cons _se with _n".split()
)


class ExportError(ValueError):
    """The run directory cannot be exported; the message says why."""


# ---------------------------------------------------------------- reading a run


def load_table(run_dir: str | Path, name: str) -> pd.DataFrame:
    """One table of a run as pandas, with the schema's types whichever format
    the run wrote (integer columns are nullable ``Int64``, not floats)."""
    schema = SCHEMAS[name]
    table = read_arrow_table(Path(run_dir), name, schema)
    frame = table.to_pandas()
    for field in schema:
        if pa.types.is_integer(field.type):
            frame[field.name] = frame[field.name].astype("Int64")
    return frame


def read_arrow_table(run_dir: Path, name: str, schema: pa.Schema) -> pa.Table:
    """The table file in the first format found (parquet, csv, jsonl)."""
    for suffix in ("parquet", "csv", "jsonl"):
        path = run_dir / f"{name}.{suffix}"
        if not path.exists():
            continue
        if path.stat().st_size == 0:
            return schema.empty_table()
        if suffix == "parquet":
            return pq.read_table(path, schema=schema)
        if suffix == "csv":
            options = pacsv.ConvertOptions(column_types=schema, strings_can_be_null=True)
            return pacsv.read_csv(path, convert_options=options).select(schema.names).cast(schema)
        return pajson.read_json(path, parse_options=pajson.ParseOptions(explicit_schema=schema)).select(schema.names)
    has_articles = any((run_dir / f"articles.{suffix}").exists() for suffix in ("parquet", "csv", "jsonl"))
    if name in OPTIONAL_TABLES and has_articles:
        return schema.empty_table()  # a run written before the table existed: it has no rows of it
    raise ExportError(f"{run_dir} has no {name} table (run `zhnews run INPUT --out {run_dir}` first)")


def load_tables(run_dir: str | Path, names: tuple[str, ...] = TABLES) -> dict[str, pd.DataFrame]:
    return {name: load_table(run_dir, name) for name in names}


# ---------------------------------------------------------------- spaCy DocBin


def blank_chinese():
    """``spacy.blank("zh")`` with the character segmenter: the default wants
    jieba's or pkuseg's model, and characters keep every offset aligned."""
    try:
        import spacy
    except ImportError as error:
        raise ExportError("--to docbin needs spaCy: pip install 'zhnews[export]'") from error
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})


def find_region_span(text: str, province, city, district) -> tuple[int, int] | None:
    """Where the article names its most specific region: the district, else
    the city, else the province; the full name first, then the name without
    its administrative suffix.  A stand-in for the region's own span, which
    the articles table does not keep.

    >>> find_region_span("江汉区人大常委会", "湖北省", "武汉市", "江汉区")
    (0, 3)
    >>> find_region_span("江汉人大代表", "湖北省", "武汉市", "江汉区")
    (0, 2)
    >>> find_region_span("市场监管", None, "重庆市", None) is None
    True
    """
    for name in (district, city, province):
        if not isinstance(name, str) or not name:
            continue
        short = _REGION_SUFFIX_RE.sub("", name)
        for candidate in (name, short) if len(short) >= 2 else (name,):
            start = text.find(candidate)
            if start >= 0:
                return start, start + len(candidate)
    return None


def article_span_rows(tables: dict[str, pd.DataFrame]) -> dict[str, list[tuple[int, int, str]]]:
    """``{article id: [(start, end, label), ...]}`` from the departments and
    counts tables (rows without offsets are left out)."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for name, label in (("departments", "DEPARTMENT"), ("counts", "COUNT")):
        rows = tables[name].dropna(subset=["start", "end"])
        for doc_id, start, end in zip(rows["id"], rows["start"], rows["end"], strict=True):
            spans.setdefault(doc_id, []).append((int(start), int(end), label))
    return spans


def iter_docs(nlp, tables: dict[str, pd.DataFrame], *, include_duplicates: bool = False) -> Iterator:
    """One ``Doc`` per article with its spans in ``doc.spans["sc"]``; a span
    whose offsets do not fit the text is dropped (counted under ``skipped``
    in ``doc.user_data``)."""
    from spacy.tokens import SpanGroup

    articles = tables["articles"]
    if not include_duplicates:
        articles = articles[articles["duplicate_of"].isna()]
    spans_of = article_span_rows(tables)
    for row in articles.itertuples(index=False):
        text = row.text if isinstance(row.text, str) else ""
        doc = nlp.make_doc(text)
        wanted = list(spans_of.get(row.id, []))
        region = find_region_span(text, row.province, row.city, row.district)
        if region:
            wanted.append((*region, "REGION"))
        spans = [doc.char_span(start, end, label=label, alignment_mode="expand") for start, end, label in wanted]
        kept = [span for span in spans if span is not None and len(span)]
        doc.spans[SPAN_KEY] = SpanGroup(doc, name=SPAN_KEY, spans=kept)
        doc.user_data["id"] = row.id
        doc.user_data["skipped"] = len(wanted) - len(kept)
        yield doc


def export_docbin(run_dir: str | Path, path: str | Path, *, include_duplicates: bool = False) -> dict[str, int]:
    """Write the run's articles as a spaCy ``DocBin`` at ``path``; returns the
    number of docs and of spans per label (and ``skipped`` spans)."""
    from spacy.tokens import DocBin

    nlp = blank_chinese()
    tables = load_tables(run_dir, ("articles", "departments", "counts"))
    docbin = DocBin(store_user_data=True)
    summary: Counter[str] = Counter()
    for doc in iter_docs(nlp, tables, include_duplicates=include_duplicates):
        docbin.add(doc)
        summary["docs"] += 1
        summary["skipped"] += doc.user_data["skipped"]
        summary.update(span.label_ for span in doc.spans[SPAN_KEY])
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(out)
    return dict(summary)


# ---------------------------------------------------------------- Stata


def stata_name(name: str) -> str:
    """A valid Stata variable name: ASCII letters, digits, ``_``, ≤ 32 chars,
    not a reserved word (``end`` and ``function`` are columns here).

    >>> stata_name("original-start"), stata_name("end"), stata_name("function")
    ('original_start', 'end_', 'function_')
    """
    name = _STATA_NAME_RE.sub("_", name)[:STATA_NAME_MAX]
    return f"{name}_" if name in STATA_RESERVED else name


def to_stata_frame(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """The frame as Stata takes it, the columns that need ``strL`` and the
    date conversions: strings without nulls, integers as doubles."""
    out = pd.DataFrame(index=frame.index)
    strl: list[str] = []
    for field in SCHEMAS[name]:
        column = frame[field.name]
        target = stata_name(field.name)
        if pa.types.is_string(field.type):
            values = column.astype(object).where(column.notna(), "")
            out[target] = values
            if max((len(v.encode("utf-8")) for v in values), default=0) > STATA_STR_MAX_BYTES:
                strl.append(target)
        else:
            out[target] = column.astype("float64")
    dates: dict[str, str] = {}
    if "published" in frame:
        out["published_date"] = pd.to_datetime(frame["published"], format="%Y-%m-%d", errors="coerce")
        dates["published_date"] = "td"
    return out.reset_index(drop=True), strl, dates


def export_stata(run_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """``<table>.dta`` for every table, in ``out_dir``; the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        frame, strl, dates = to_stata_frame(load_table(run_dir, name), name)
        path = out / f"{name}.dta"
        frame.to_stata(
            path,
            version=STATA_VERSION,
            write_index=False,
            convert_strl=strl,
            convert_dates=dates,
            data_label=f"zhnews {name}",
        )
        written.append(path)
    return written


# ---------------------------------------------------------------- R


def export_r_csv(run_dir: str | Path, out_dir: str | Path) -> list[Path]:
    """``<table>.csv`` for every table, in ``out_dir``: UTF-8 without a BOM,
    ``NA`` for missing, ``\\n`` line ends; the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        path = out / f"{name}.csv"
        load_table(run_dir, name).to_csv(path, index=False, na_rep="NA", encoding="utf-8", lineterminator="\n")
        written.append(path)
    return written


# ---------------------------------------------------------------- command line


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", metavar="DIR", help="output directory of `zhnews run`")
    parser.add_argument("--to", choices=TARGETS, required=True, help="spaCy DocBin, Stata .dta or R-friendly CSV")
    parser.add_argument(
        "--out", "-o", default=None, help="DocBin file or directory for the tables (default: DIR/export/...)"
    )
    parser.add_argument(
        "--include-duplicates", action="store_true", help="docbin: keep copies of a story (default: first copy only)"
    )


def cmd_export(args: argparse.Namespace) -> int:
    """One line on stderr saying what was written; an unusable run is exit 2."""
    out = Path(args.out) if args.out else Path(args.run_dir) / DEFAULT_OUT[args.to]
    if not Path(args.run_dir).is_dir():
        print(f"zhnews: {args.run_dir}: not a directory", file=sys.stderr)
        return 2
    try:
        if args.to == "docbin":
            summary = export_docbin(args.run_dir, out, include_duplicates=getattr(args, "include_duplicates", False))
            details = ", ".join(f"{n} {label}" for label, n in sorted(summary.items()) if label != "docs")
            print(f"zhnews export: {summary.get('docs', 0)} docs ({details}) -> {out}", file=sys.stderr)
        else:
            paths = export_stata(args.run_dir, out) if args.to == "stata" else export_r_csv(args.run_dir, out)
            print(f"zhnews export: {len(paths)} tables -> {out}", file=sys.stderr)
    except ExportError as error:
        print(f"zhnews: {error}", file=sys.stderr)
        return 2
    return 0
