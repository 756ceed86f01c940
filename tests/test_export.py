"""Exports of a run's tables (``pipeline/collect/export.py``) and the analysis
notebook, on a run of the shipped sample corpus and on small hand-made runs."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from pipeline.collect.export import (
    SPAN_KEY,
    ExportError,
    add_export_arguments,
    blank_chinese,
    cmd_export,
    export_docbin,
    export_r_csv,
    export_stata,
    find_region_span,
    load_table,
    load_tables,
    stata_name,
)
from pipeline.collect.run import run
from pipeline.collect.tables import SCHEMAS, TABLES, rows_to_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "sample"
NOTEBOOK = ROOT / "notebooks" / "district_comparison.ipynb"
LONG_TEXT = "区人大常委会收集建议" * 300  # 3000 characters, 9000 UTF-8 bytes: over Stata's str2045


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample_run")
    run([str(SAMPLE)], out, workers=1, progress=False)
    return out


def write_run(out: Path, rows: dict[str, list[dict]], fmt: str = "parquet") -> Path:
    """A run directory holding ``rows`` (missing tables empty), the way
    ``zhnews run`` writes it in ``fmt``."""
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        table_rows = [{field.name: row.get(field.name) for field in SCHEMAS[name]} for row in rows.get(name, [])]
        table = rows_to_table(table_rows, name)
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        elif fmt == "csv":
            with open(path, "wb") as stream:
                stream.write("\ufeff".encode())
                pacsv.write_csv(table, stream)
        else:
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in table.to_pylist()), "utf-8")
    return out


def tiny_rows() -> dict[str, list[dict]]:
    """Two copies of one story (the second marked), one long text, one count
    whose offsets are past the end of its text."""
    text = "江汉区人大常委会收集建议30条。"
    return {
        "articles": [
            {"id": "a1", "province": "湖北省", "city": "武汉市", "district": "江汉区", "adcode": "420103",
             "published": "2024-03-05", "chars": len(text), "text": text},
            {"id": "a2", "province": "湖北省", "city": "武汉市", "district": "江汉区", "duplicate_of": "a1",
             "text": text},
            {"id": "a3", "title": "长文", "text": LONG_TEXT},
        ],
        "counts": [
            {"id": "a1", "value": 30.0, "unit": "条", "approx": "=", "text": "30条",
             "indicator": "suggestions_collected", "start": 12, "end": 15},
            {"id": "a1", "value": 9.0, "unit": "个", "approx": "=", "text": "9个", "indicator": "other",
             "start": 90, "end": 92},
        ],
        "departments": [
            {"id": "a1", "mention": "区人大常委会", "name": "江汉区人民代表大会常务委员会", "function": "congress",
             "level": "district", "start": 2, "end": 8},
        ],
    }  # fmt: skip


def read_docbin(path: Path) -> list:
    pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(blank_chinese().vocab))


# ---------------------------------------------------------------- DocBin


def test_docbin_spans_are_the_table_rows(sample_run, tmp_path):
    pytest.importorskip("spacy")
    summary = export_docbin(sample_run, tmp_path / "sample.spacy")
    docs = read_docbin(tmp_path / "sample.spacy")
    tables = load_tables(sample_run)
    stories = tables["articles"][tables["articles"]["duplicate_of"].isna()]
    assert [doc.user_data["id"] for doc in docs] == list(stories["id"])
    assert summary["docs"] == len(docs) and summary["COUNT"] > 0 and summary["DEPARTMENT"] > 0
    for doc, text in zip(docs, stories["text"], strict=True):
        assert doc.text == text
        spans = doc.spans[SPAN_KEY]
        got = {(label, s.start_char, s.end_char, s.text) for s in spans for label in [s.label_] if label != "REGION"}
        expected = set()
        for name, label, column in (("counts", "COUNT", "text"), ("departments", "DEPARTMENT", "mention")):
            rows = tables[name][tables[name]["id"] == doc.user_data["id"]]
            expected |= {(label, int(r.start), int(r.end), getattr(r, column)) for r in rows.itertuples()}
        assert got == expected


def test_docbin_region_span_names_the_region(sample_run, tmp_path):
    pytest.importorskip("spacy")
    export_docbin(sample_run, tmp_path / "sample.spacy")
    articles = load_table(sample_run, "articles").set_index("id")
    regions = 0
    for doc in read_docbin(tmp_path / "sample.spacy"):
        row = articles.loc[doc.user_data["id"]]
        for span in (s for s in doc.spans[SPAN_KEY] if s.label_ == "REGION"):
            regions += 1
            names = [n for n in (row.district, row.city, row.province) if isinstance(n, str)]
            assert any(name.startswith(span.text) for name in names), (span.text, names)
    assert regions >= 5


def test_docbin_leaves_out_copies_and_bad_offsets(tmp_path):
    pytest.importorskip("spacy")
    run_dir = write_run(tmp_path / "run", tiny_rows())
    summary = export_docbin(run_dir, tmp_path / "tiny.spacy")
    docs = read_docbin(tmp_path / "tiny.spacy")
    assert [d.user_data["id"] for d in docs] == ["a1", "a3"]
    assert sorted((s.label_, s.text) for s in docs[0].spans[SPAN_KEY]) == [
        ("COUNT", "30条"),
        ("DEPARTMENT", "区人大常委会"),
        ("REGION", "江汉区"),
    ]
    assert summary["skipped"] == 1
    with_copies = export_docbin(run_dir, tmp_path / "all.spacy", include_duplicates=True)
    assert with_copies["docs"] == 3


@pytest.mark.parametrize(
    "text, names, expected",
    [
        ("江汉区人大常委会", ("湖北省", "武汉市", "江汉区"), "江汉区"),
        ("武汉江汉人大", ("湖北省", "武汉市", "江汉区"), "江汉"),
        ("武汉市人大", ("湖北省", "武汉市", None), "武汉市"),
        ("内蒙古各地", ("内蒙古自治区", None, None), "内蒙古"),
        ("市人大代表", (None, "重庆市", None), None),  # 市 alone is not 重庆
    ],
)
def test_find_region_span(text, names, expected):
    span = find_region_span(text, *names)
    assert (text[span[0] : span[1]] if span else None) == expected


# ---------------------------------------------------------------- Stata


def test_stata_reads_back_the_same_rows(sample_run, tmp_path):
    paths = export_stata(sample_run, tmp_path)
    assert sorted(p.name for p in paths) == sorted(f"{name}.dta" for name in TABLES)
    for name in TABLES:
        original = load_table(sample_run, name)
        back = pd.read_stata(tmp_path / f"{name}.dta")
        assert len(back) == len(original)
        assert list(back["id"]) == list(original["id"])
    counts, back = load_table(sample_run, "counts"), pd.read_stata(tmp_path / "counts.dta")
    assert list(back["value"]) == list(counts["value"])
    assert list(back["text"]) == list(counts["text"])
    assert list(back["end_"]) == [float(v) for v in counts["end"]]
    articles, back = load_table(sample_run, "articles"), pd.read_stata(tmp_path / "articles.dta")
    assert list(back["text"]) == list(articles["text"])
    assert list(back["title"]) == list(articles["title"].fillna(""))  # Stata has no missing string


def test_stata_keeps_long_texts_and_dates(tmp_path):
    run_dir = write_run(tmp_path / "run", tiny_rows())
    export_stata(run_dir, tmp_path / "dta")
    back = pd.read_stata(tmp_path / "dta" / "articles.dta")
    assert back.loc[2, "text"] == LONG_TEXT
    assert back.loc[0, "published_date"] == pd.Timestamp("2024-03-05")
    assert pd.isna(back.loc[1, "published_date"])
    assert pd.isna(back.loc[1, "chars"])  # a null integer is Stata's missing "."


def test_stata_names():
    assert stata_name("function") == "function_"
    assert stata_name("x" * 40) == "x" * 32
    assert all(len(stata_name(f.name)) <= 32 for schema in SCHEMAS.values() for f in schema)


# ---------------------------------------------------------------- R


def test_r_csv_reads_back(sample_run, tmp_path):
    export_r_csv(sample_run, tmp_path)
    for name in TABLES:
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
        back = pd.read_csv(tmp_path / f"{name}.csv", keep_default_na=False, na_values=["NA"], dtype=str)
        original = load_table(sample_run, name)
        assert list(back.columns) == list(original.columns)
        assert list(back["id"]) == list(original["id"])
    back = pd.read_csv(tmp_path / "counts.csv", keep_default_na=False, na_values=["NA"], dtype=str)
    counts = load_table(sample_run, "counts")
    assert list(back["start"]) == [str(v) for v in counts["start"]]  # integers, not 12.0
    assert list(back["text"]) == list(counts["text"])


def test_r_csv_writes_na_and_iso_dates(tmp_path):
    run_dir = write_run(tmp_path / "run", tiny_rows())
    export_r_csv(run_dir, tmp_path / "csv")
    lines = (tmp_path / "csv" / "articles.csv").read_text("utf-8").splitlines()
    header = lines[0].split(",")
    first = dict(zip(header, lines[1].split(","), strict=True))
    assert first["published"] == "2024-03-05" and first["url"] == "NA" and first["chars"] == "16"


# ---------------------------------------------------------------- loading and the command


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_load_table_reads_every_run_format(tmp_path, fmt):
    run_dir = write_run(tmp_path / fmt, tiny_rows(), fmt)
    counts = load_table(run_dir, "counts")
    assert list(counts["start"]) == [12, 90] and str(counts["start"].dtype) == "Int64"
    assert load_table(run_dir, "articles")["text"].iloc[2] == LONG_TEXT
    assert len(load_table(run_dir, "errors")) == 0


def parse_export(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_export_arguments(parser)
    return parser.parse_args(argv)


def test_cmd_export_writes_to_default_places(tmp_path, capsys):
    run_dir = write_run(tmp_path / "run", tiny_rows())
    assert cmd_export(parse_export([str(run_dir), "--to", "r"])) == 0
    assert cmd_export(parse_export([str(run_dir), "--to", "stata", "--out", str(tmp_path / "dta")])) == 0
    assert (run_dir / "export" / "r" / "counts.csv").exists() and (tmp_path / "dta" / "people.dta").exists()
    assert (
        capsys.readouterr().err.splitlines()[0] == f"zhnews export: {len(TABLES)} tables -> {run_dir / 'export' / 'r'}"
    )


def test_cmd_export_refuses_a_directory_without_tables(tmp_path, capsys):
    assert cmd_export(parse_export([str(tmp_path / "missing"), "--to", "r"])) == 2
    assert cmd_export(parse_export([str(tmp_path), "--to", "stata"])) == 2
    assert "has no articles table" in capsys.readouterr().err


# ---------------------------------------------------------------- the notebook


def test_notebook_runs_top_to_bottom():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = "\n".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in outputs)
    assert "suggestions_collected" in shown and "resolved_share" in shown
    assert "10 reports" in shown


def test_run_written_before_category_evidence_exports(sample_run, tmp_path):
    """A run directory from before the category_evidence table exports with it empty."""
    old = tmp_path / "old_run"
    shutil.copytree(sample_run, old)
    for path in old.glob("category_evidence.*"):
        path.unlink()
    assert load_table(old, "category_evidence").empty
    export_r_csv(old, tmp_path / "r")
    assert (tmp_path / "r" / "articles.csv").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError):  # no run there at all: still an error
        load_table(tmp_path / "empty", "category_evidence")
