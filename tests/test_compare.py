"""``zhnews compare``: the report's figures are the tables' figures, and each
leads to its evidence.  The expected values are recomputed here with plain
pandas from the run's parquet files, not with compare.py's functions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from pipeline.collect import compare
from pipeline.collect.run import run
from pipeline.collect.tables import SCHEMAS

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "sample"
RATES = {"satisfaction_rate", "completion_rate"}


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A run over the sample with one report posted twice, then compare."""
    root = tmp_path_factory.mktemp("compare")
    inputs = root / "inputs"
    inputs.mkdir()
    files = sorted(SAMPLE.glob("*.txt"))
    for file in files:
        shutil.copy(file, inputs / file.name)
    shutil.copy(files[0], inputs / f"zz_repost_{files[0].name}")
    run([str(inputs)], root / "run", workers=1, progress=False)
    paths = compare.write_comparison(root / "run", root / "run" / "compare")
    soup = BeautifulSoup(paths[-1].read_text(encoding="utf-8"), "html.parser")
    return root / "run", soup


def expected_indicators(run_dir: Path) -> dict[tuple[str, str], tuple[float, int]]:
    articles = pd.read_parquet(run_dir / "articles.parquet")
    counts = pd.read_parquet(run_dir / "counts.parquet")
    counts = counts[counts["part_of_start"].isna()]  # breakdown items are inside their total
    originals = articles[articles["duplicate_of"].isna()].copy()
    parts = originals[["province", "city", "district"]].fillna("")
    originals["place"] = ["·".join(p for p in row if p) or "(地区不明)" for row in parts.itertuples(index=False)]
    rows = counts.merge(originals[["id", "place"]], on="id")
    rows = rows[rows["indicator"].isin(compare.INDICATORS)].copy()
    money = {"元": 1e-4, "万元": 1.0, "亿元": 1e4}
    rows["value"] = [v * money.get(u, 1.0) for v, u in zip(rows["value"], rows["unit"], strict=True)]
    rows["unit"] = ["万元" if u in money else {"名": "人", "位": "人"}.get(u, u) for u in rows["unit"]]
    rows = rows[(rows["indicator"] != "funds") | (rows["unit"] == "万元")]
    expected = {}
    for (place, indicator, unit), group in rows.groupby(["place", "indicator", "unit"]):
        value = group["value"].mean() if indicator in RATES else group["value"].sum()
        expected[(place, f"{indicator} {unit}")] = (value, group["id"].nunique())
    return expected


def cell_figures(soup, table: str) -> dict[tuple[str, str], tuple[float, int]]:
    figures = {}
    for td in soup.find_all("td", attrs={"data-table": table}):
        value = float(td.find("a", attrs={"data-figure": "value"}).get_text())
        reports = int(td.find("a", attrs={"data-figure": "reports"}).get_text().rstrip("篇"))
        figures[(td["data-place"], td["data-column"])] = (value, reports)
    return figures


def test_indicator_cells_equal_pandas(compared):
    run_dir, soup = compared
    expected = expected_indicators(run_dir)
    shown = cell_figures(soup, "indicators")
    assert expected and shown.keys() == expected.keys()
    for key, (value, reports) in expected.items():
        assert shown[key][0] == pytest.approx(value, abs=0.051), key
        assert shown[key][1] == reports, key
    assert cell_figures(soup, "ranking") == shown


def test_category_and_function_cells_equal_pandas(compared):
    run_dir, soup = compared
    articles = pd.read_parquet(run_dir / "articles.parquet")
    originals = set(articles.loc[articles["duplicate_of"].isna(), "id"])
    categories = pd.read_parquet(run_dir / "categories.parquet")
    labelled = categories[(categories["score"] >= 0.5) & categories["id"].isin(originals)]
    shown = cell_figures(soup, "categories")
    for label, group in labelled.groupby("label"):
        assert sum(r for (_, column), (_, r) in shown.items() if column == label) == group["id"].nunique()
    departments = pd.read_parquet(run_dir / "departments.parquet")
    departments = departments[departments["id"].isin(originals)]
    shown = cell_figures(soup, "functions")
    for function, group in departments.groupby(departments["function"].fillna("other")):
        assert sum(r for (_, column), (_, r) in shown.items() if column == function) == group["id"].nunique()


def test_every_figure_links_to_an_existing_anchor(compared):
    _, soup = compared
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    links = [a["href"][1:] for a in soup.find_all("a", href=re.compile("^#"))]
    assert links and set(links) <= ids
    for td in soup.find_all("td", class_="num"):
        assert td.find("a", href=True), td


def test_evidence_marks_the_counted_text(compared):
    run_dir, soup = compared
    counts = pd.read_parquet(run_dir / "counts.parquet")
    marked = {m.get_text() for m in soup.select("section.evidence mark:not(.category)")}
    assert marked and marked <= set(counts["text"]) | set(pd.read_parquet(run_dir / "departments.parquet")["mention"])


def test_category_evidence_marks_the_label_sentences(compared):
    run_dir, soup = compared
    evidence = pd.read_parquet(run_dir / "category_evidence.parquet")
    marked = {m.get_text() for m in soup.select("section.evidence mark.category")}
    assert marked and marked <= set(evidence["text"])


def test_duplicates_are_counted_once(compared):
    run_dir, soup = compared
    articles = pd.read_parquet(run_dir / "articles.parquet")
    duplicates = articles.loc[articles["duplicate_of"].notna(), "id"]
    assert len(duplicates) >= 1
    for doc_id in duplicates:
        assert soup.find(id=f"art-{doc_id}") is None
    indicators = pd.read_parquet(run_dir / "compare" / "indicators.parquet")
    assert indicators["reports"].sum() == indicators.merge(
        compare.indicator_rows(compare.load_run(run_dir)).groupby(["place", "indicator", "unit"])["id"].nunique().rename("n"),
        on=["place", "indicator", "unit"],
    )["n"].sum()


def test_rates_are_means_not_sums():
    articles = pd.DataFrame(
        {"id": ["a", "b", "c"], "province": ["甲省"] * 3, "city": ["乙市"] * 3, "district": ["丙区"] * 3,
         "published": ["2024-01-05", "2024-04-01", "2024-01-05"], "duplicate_of": [None, None, "a"]}
    )
    counts = pd.DataFrame(
        {"id": ["a", "b", "c", "a", "c"], "indicator": ["satisfaction_rate", "satisfaction_rate", "satisfaction_rate", "events_held", "events_held"],
         "unit": ["%", "%", "%", "场", "场"], "value": [90.0, 100.0, 10.0, 3.0, 3.0]}
    )
    empty = {name: schema.empty_table().to_pandas() for name, schema in SCHEMAS.items()}
    tables = {"articles": pd.concat([empty["articles"], articles]), "counts": pd.concat([empty["counts"], counts])}
    table = compare.district_indicators(tables).set_index("indicator")
    assert table.loc["satisfaction_rate", "value"] == 95.0 and table.loc["satisfaction_rate", "measure"] == "mean"
    assert table.loc["events_held", "value"] == 3.0 and table.loc["events_held", "reports"] == 1
    by_quarter = compare.district_indicators(tables, period="quarter")
    assert sorted(by_quarter["quarter"].unique()) == ["2024Q1", "2024Q2"]
