"""District comparisons from a run's tables (``zhnews compare DIR``).

    zhnews compare DIR [--out DIR/compare] [--format parquet|csv]

Three tables, each also per month / quarter / year of ``published``:

- ``indicators``: district × indicator × unit: the sum of the counts'
  ``value`` (the lower bound: 90余个 → 90, 5至8个 → 5), the number of counts
  and the number of reports behind it.  Rates (``satisfaction_rate``,
  ``completion_rate``) are the **mean** of the stated percentages, not a
  sum (``measure`` says which).  ``other`` is left out: it mixes unrelated
  things that no sum can compare.  The unit is part of the key because 12
  盏 and 300 米 of ``projects`` do not add up; money is brought to 万元 and
  名/位/人 to 人 so that they do.
- ``categories``: district × issue label: reports whose label scores 0.5 or
  more (the spec's threshold) and the district's number of reports.
- ``functions``: district × department function: reports, mentions and
  distinct department names.

One copy per story: only articles whose ``duplicate_of`` is null count, so a
report re-posted by ten outlets is counted once.  A district is the
``province·city·district`` path (朝阳区 exists in Beijing and in Changchun);
a report placed only at city level keeps the city path.

Every aggregate is a ``groupby`` over the ``*_rows`` frames, which keep one
row per count / label / mention with its article: the HTML report
(``collect/report.py``) lists the same rows as the evidence of each figure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.collect.tables import SCHEMAS, TABLES

RATE_INDICATORS = ("satisfaction_rate", "completion_rate")
INDICATORS = (  # spec counts.md, in the order the report shows them
    "events_held",
    "participants",
    "deputies",
    "orgs_visited",
    "suggestions_collected",
    "suggestions_referred",
    "suggestions_resolved",
    "satisfaction_rate",
    "completion_rate",
    "platforms",
    "beneficiaries",
    "projects",
    "funds",
)
CATEGORY_THRESHOLD = 0.5  # spec categories.md: the document's labels
MONEY_TO_WAN = {"元": 1e-4, "万元": 1.0, "亿元": 1e4}
UNIT_ALIASES = {"名": "人", "位": "人", "％": "%"}
PERIODS = ("month", "quarter", "year")
PLACE_COLUMNS = ["place", "province", "city", "district"]
UNKNOWN_PLACE = "(地区不明)"
FORMATS = ("parquet", "csv")


# ---------------------------------------------------------------- loading


def load_run(run_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Every table of a run (parquet, csv or jsonl, as ``zhnews run`` wrote
    it); a missing table is an empty frame with its columns."""
    run_dir = Path(run_dir)
    tables = {}
    for name in TABLES:
        tables[name] = read_table(run_dir, name)
    return tables


def read_table(run_dir: Path, name: str) -> pd.DataFrame:
    schema = SCHEMAS[name]
    if (path := run_dir / f"{name}.parquet").exists():
        return pq.read_table(path, schema=schema).to_pandas()
    if (path := run_dir / f"{name}.csv").exists():
        options = pacsv.ConvertOptions(column_types=schema)
        return pacsv.read_csv(path, convert_options=options).to_pandas()
    if (path := run_dir / f"{name}.jsonl").exists():
        frame = pd.read_json(path, lines=True, dtype=False)
        return pa.Table.from_pandas(frame, schema=schema, preserve_index=False).to_pandas() if len(frame) else schema.empty_table().to_pandas()
    return schema.empty_table().to_pandas()


# ---------------------------------------------------------------- rows behind the figures


def place_of(articles: pd.DataFrame) -> pd.Series:
    """``province·city·district`` with the missing levels left out.

    >>> place_of(pd.DataFrame({"province": ["安徽省", None], "city": ["淮北市", None], "district": ["杜集区", None]})).tolist()
    ['安徽省·淮北市·杜集区', '(地区不明)']
    """
    parts = articles[["province", "city", "district"]].astype(object).where(articles[["province", "city", "district"]].notna(), "")
    joined = parts.apply(lambda row: "·".join(p for p in row if p), axis=1) if len(parts) else pd.Series([], dtype=object)
    return joined.replace("", UNKNOWN_PLACE).astype(object)


def original_articles(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per story (``duplicate_of`` null) with its place and periods
    (null when the date is unknown)."""
    articles = tables["articles"]
    originals = articles[articles["duplicate_of"].isna()].copy()
    originals["place"] = place_of(originals).to_numpy() if len(originals) else []
    dates = pd.to_datetime(originals["published"].astype(object), errors="coerce", format="mixed")
    originals["month"] = dates.dt.strftime("%Y-%m").where(dates.notna(), None)
    originals["quarter"] = (dates.dt.year.astype("Int64").astype(str) + "Q" + dates.dt.quarter.astype("Int64").astype(str)).where(
        dates.notna(), None
    )
    originals["year"] = dates.dt.strftime("%Y").where(dates.notna(), None)
    return originals


def _with_articles(items: pd.DataFrame, originals: pd.DataFrame) -> pd.DataFrame:
    keep = ["id", *PLACE_COLUMNS, "title", "published", *PERIODS]
    return items.merge(originals[keep], on="id", how="inner")


def normalize_unit(indicator: str, unit: str | None, value: float) -> tuple[str | None, float | None]:
    """The unit counts of one indicator are added in; ``None`` when the count
    cannot be added (``funds`` stated in 件).

    >>> normalize_unit("funds", "亿元", 1.2)
    ('万元', 12000.0)
    >>> normalize_unit("deputies", "名", 4.0)
    ('人', 4.0)
    >>> normalize_unit("funds", "件", 3.0)
    (None, None)
    """
    if unit in MONEY_TO_WAN:
        return "万元", value * MONEY_TO_WAN[unit]
    if indicator == "funds":
        return None, None
    return UNIT_ALIASES.get(unit, unit), value


def indicator_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The counts that enter ``district_indicators``, one row each, with the
    article's place, title, date and periods and the normalized unit/value."""
    counts = tables["counts"]
    # items of a breakdown (其中 …) are already in their total
    if "part_of_start" in counts:
        counts = counts[counts["part_of_start"].isna()]
    counts = counts[counts["indicator"].isin(INDICATORS)].copy()
    normalized = [normalize_unit(i, u, v) for i, u, v in zip(counts["indicator"], counts["unit"], counts["value"], strict=True)]
    counts["unit"] = [u for u, _ in normalized]
    counts["value"] = [v for _, v in normalized]
    counts = counts[counts["unit"].notna()]
    return _with_articles(counts, original_articles(tables))


def category_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    categories = tables["categories"]
    return _with_articles(categories[categories["score"] >= CATEGORY_THRESHOLD], original_articles(tables))


def function_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    departments = tables["departments"].copy()
    departments["function"] = departments["function"].fillna("other")
    return _with_articles(departments, original_articles(tables))


# ---------------------------------------------------------------- aggregates


def _keys(period: str | None) -> list[str]:
    if period is not None and period not in PERIODS:
        raise ValueError(f"unknown period {period!r} (one of {', '.join(PERIODS)})")
    return ([period] if period else []) + PLACE_COLUMNS


def aggregate_indicators(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum (rates: mean) of ``value``, counts and reports per ``keys`` × indicator × unit."""
    group = keys + ["indicator", "unit"]
    if rows.empty:
        return pd.DataFrame(columns=[*group, "measure", "value", "counts", "reports"])
    grouped = rows.groupby(group, dropna=False, sort=True)
    table = grouped.agg(total=("value", "sum"), mean=("value", "mean"), counts=("value", "size"), reports=("id", "nunique"))
    table = table.reset_index()
    is_rate = table["indicator"].isin(RATE_INDICATORS)
    table["measure"] = is_rate.map({True: "mean", False: "sum"})
    table["value"] = table["mean"].where(is_rate, table["total"])
    return table[[*group, "measure", "value", "counts", "reports"]]


def district_indicators(tables: dict[str, pd.DataFrame], *, period: str | None = None) -> pd.DataFrame:
    """District × indicator × unit (× period): ``value`` (sum, or mean for
    rates, see ``measure``), ``counts`` and ``reports``, one copy per story."""
    keys = _keys(period)
    rows = indicator_rows(tables)
    if period:
        rows = rows[rows[period].notna()]
    return aggregate_indicators(rows, keys)


def district_categories(tables: dict[str, pd.DataFrame], *, period: str | None = None) -> pd.DataFrame:
    """District × label (× period): ``reports`` with the label, and
    ``district_reports``, all the district's stories in that period."""
    keys = _keys(period)
    rows = category_rows(tables)
    originals = original_articles(tables)
    if period:
        rows, originals = rows[rows[period].notna()], originals[originals[period].notna()]
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "label", "reports", "district_reports"])
    table = rows.groupby(keys + ["label"], dropna=False).agg(reports=("id", "nunique")).reset_index()
    totals = originals.groupby(keys, dropna=False).agg(district_reports=("id", "nunique")).reset_index()
    return table.merge(totals, on=keys, how="left")


def district_functions(tables: dict[str, pd.DataFrame], *, period: str | None = None) -> pd.DataFrame:
    """District × department function (× period): ``reports`` naming one,
    ``mentions`` and distinct department ``names``."""
    keys = _keys(period)
    rows = function_rows(tables)
    if period:
        rows = rows[rows[period].notna()]
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "function", "reports", "mentions", "names"])
    grouped = rows.groupby(keys + ["function"], dropna=False)
    return grouped.agg(reports=("id", "nunique"), mentions=("id", "size"), names=("name", "nunique")).reset_index()


COMPARISONS = {"indicators": district_indicators, "categories": district_categories, "functions": district_functions}


def comparison_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``indicators``, ``categories``, ``functions`` and their ``_by_month`` /
    ``_by_quarter`` / ``_by_year`` variants."""
    out = {}
    for name, build in COMPARISONS.items():
        out[name] = build(tables)
        for period in PERIODS:
            out[f"{name}_by_{period}"] = build(tables, period=period)
    return out


def write_comparison(run_dir: str | Path, out_dir: str | Path | None = None, fmt: str = "parquet") -> list[Path]:
    """The comparison tables (``fmt``) and ``report.html`` in ``out_dir``
    (default ``run_dir/compare``); the paths written."""
    from pipeline.collect.report import write_report

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    out = Path(out_dir) if out_dir else Path(run_dir) / "compare"
    out.mkdir(parents=True, exist_ok=True)
    tables = load_run(run_dir)
    written = []
    for name, frame in comparison_tables(tables).items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False, encoding="utf-8-sig")  # Excel reads UTF-8 only with a BOM
        written.append(path)
    written.append(write_report(tables, out / "report.html"))
    return written


# ---------------------------------------------------------------- command line


def add_compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", metavar="DIR", help="output directory of `zhnews run`")
    parser.add_argument("--out", "-o", default=None, help="where to write (default: DIR/compare)")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="table files (default: parquet)")


def cmd_compare(args: argparse.Namespace) -> int:
    if not (Path(args.run_dir) / "articles.parquet").exists() and not any(
        (Path(args.run_dir) / f"articles.{f}").exists() for f in ("csv", "jsonl")
    ):
        print(f"zhnews: {args.run_dir} holds no run (no articles table)", file=sys.stderr)
        return 2
    paths = write_comparison(args.run_dir, args.out, args.format)
    print(f"zhnews compare: {len(paths)} files in {paths[-1].parent} (open {paths[-1].name})", file=sys.stderr)
    return 0
