"""The categories' sentence-level evidence: in the record (every label the
document has, score >= 0.5, names the sentences that carry it, in ``text``
and in ``original``), in the ``category_evidence`` table of a run, and in the
comparison report (marked sentences, or the score alone for a dataset
written before the table existed)."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from bs4 import BeautifulSoup
from conftest import CORPORA, SEEDS_RAW, load_dev_raw, load_seed_raw

from pipeline.api import extract_text, process_paths
from pipeline.clean.pinyin import strip_pinyin
from pipeline.clean.script import convert_to_simplified
from pipeline.cli import main
from pipeline.collect import compare
from pipeline.collect.report import build_report
from pipeline.collect.run import run, sql
from pipeline.collect.tables import SCHEMAS, record_rows
from pipeline.extract.categories import THRESHOLD, classify_with_evidence
from pipeline.types import Record

SAMPLE = CORPORA / "sample"
HAN = re.compile(r"[\u4e00-\u9fff]")
DEV_SUBSET = 20  # dev reports checked besides the five seeds (keeps the module fast)


def real_reports() -> dict[str, str]:
    """The five seeds and the first dev reports, raw."""
    dev = dict(list(load_dev_raw().items())[:DEV_SUBSET])
    return {**load_seed_raw(), **dev}


@pytest.fixture(scope="module")
def records() -> dict[str, Record]:
    return {name: extract_text(text, path=name) for name, text in real_reports().items()}


def han_of(text: str) -> str:
    return "".join(HAN.findall(text))


# ---------------------------------------------------------------- the record


def test_every_document_label_has_evidence_and_the_others_none(records):
    assert len(records) >= 5
    labelled = 0
    for name, record in records.items():
        for category in record.categories:
            if category.score >= THRESHOLD:
                labelled += 1
                assert category.evidence, (name, category.label, category.score)
            else:
                assert category.evidence == [], (name, category.label, category.score)
    assert labelled >= len(records)  # every report has at least one label


def test_evidence_spans_slice_to_their_text_and_map_into_the_original(records):
    total = same = 0
    for name, record in records.items():
        for category in record.categories:
            for evidence in category.evidence:
                start, end = evidence.span
                assert 0 <= start < end <= len(record.text), (name, category.label)
                assert record.text[start:end] == evidence.text
                ostart, oend = evidence.original_span
                assert 0 <= ostart < oend <= len(record.original), (name, category.label)
                passage = convert_to_simplified(strip_pinyin(record.original[ostart:oend]))
                total += 1
                # the same sentence: cleaning removes noise and normalizes punctuation, not the words
                same += han_of(passage) == han_of(evidence.text)
    # mojibake repairs change bytes, not only characters: allow a few
    assert total and same >= 0.97 * total, f"{same} of {total}"


def test_evidence_sentences_are_in_text_order_and_do_not_overlap(records):
    for record in records.values():
        for category in record.categories:
            spans = [e.span for e in category.evidence]
            assert spans == sorted(spans)
            assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_record_json_shape_from_the_command_line(capsys):
    seed = sorted(SEEDS_RAW.glob("*.txt"))[0]
    assert main(["extract", str(seed), "--format", "json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    categories = record["categories"]
    assert [set(c) for c in categories] == [{"label", "score", "evidence"}] * len(categories)
    with_evidence = [c for c in categories if c["evidence"]]
    assert with_evidence and all(c["score"] >= THRESHOLD for c in with_evidence)
    for category in with_evidence:
        for evidence in category["evidence"]:
            assert set(evidence) == {"text", "span", "original_span"}
            start, end = evidence["span"]
            assert record["text"][start:end] == evidence["text"]


def test_same_input_same_evidence(records):
    name, text = next(iter(real_reports().items()))
    again = extract_text(text, path=name)
    assert again.categories == records[name].categories
    clean = records[name].text
    assert classify_with_evidence(clean) == classify_with_evidence(clean)


# ---------------------------------------------------------------- the table of a run


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> Path:
    """Three sample reports in two shards, the first posted twice."""
    root = tmp_path_factory.mktemp("category_evidence")
    inputs = root / "inputs"
    inputs.mkdir()
    files = sorted(SAMPLE.glob("*.txt"))[:3]
    for file in files:
        shutil.copy(file, inputs / file.name)
    shutil.copy(files[0], inputs / f"zz_repost_{files[0].name}")
    run([str(inputs)], root / "run", workers=1, shard_size=2, progress=False)
    return root / "run"


def expected_rows(run_dir: Path) -> list[dict]:
    """The table as the records say it should be, in input order."""
    settings = json.loads((run_dir / "shards" / "settings.json").read_text(encoding="utf-8"))
    records = [r for r in process_paths(settings["inputs"]) if isinstance(r, Record)]
    assert len(records) == 4
    return [row for record in records for row in record_rows(record)["category_evidence"]]


def test_category_evidence_table_round_trips_through_a_run(tiny_run):
    table = pq.read_table(tiny_run / "category_evidence.parquet")
    assert table.schema.equals(SCHEMAS["category_evidence"], check_metadata=False)
    rows = table.to_pylist()
    assert rows and rows == expected_rows(tiny_run)
    texts = {row["id"]: row["text"] for row in pq.read_table(tiny_run / "articles.parquet").to_pylist()}
    for row in rows:
        assert texts[row["id"]][row["start"] : row["end"]] == row["text"]
        assert row["original_start"] < row["original_end"]


def test_category_evidence_only_for_the_document_labels_in_sql(tiny_run):
    (n_rows,) = sql(tiny_run, "SELECT count(*) FROM category_evidence")[0]
    assert n_rows == len(pq.read_table(tiny_run / "category_evidence.parquet"))
    assert sql(
        tiny_run,
        "SELECT count(*) FROM category_evidence e LEFT JOIN categories c USING (id, label) WHERE NOT c.score >= 0.5 OR c.score IS NULL",
    ) == [(0,)]
    (missing,) = sql(
        tiny_run,
        "SELECT count(*) FROM categories c WHERE c.score >= 0.5 AND NOT EXISTS "
        "(SELECT 1 FROM category_evidence e WHERE e.id = c.id AND e.label = c.label)",
    )[0]
    assert missing == 0


def test_shards_written_before_the_table_existed_are_redone(tiny_run, tmp_path):
    """A run directory from before ``category_evidence``: its shards lack the
    table, so a re-run redoes them and ends with the same tables."""
    out = tmp_path / "old"
    shutil.copytree(tiny_run, out)
    reference = pq.read_table(tiny_run / "category_evidence.parquet").to_pylist()
    for path in (out / "shards").glob("*category_evidence*"):
        path.unlink()
    settings = json.loads((out / "shards" / "settings.json").read_text(encoding="utf-8"))
    summary = run(settings["inputs"], out, workers=1, shard_size=2, progress=False)
    assert summary["shards_processed"] == summary["shards"] == 2
    assert pq.read_table(out / "category_evidence.parquet").to_pylist() == reference


# ---------------------------------------------------------------- the report


def category_items(html_text: str) -> list:
    soup = BeautifulSoup(html_text, "html.parser")
    sections = [s for s in soup.select("section.evidence") if s["id"].startswith("ev-cat-")]
    assert sections
    return [li for section in sections for li in section.select("li")]


def test_report_marks_the_evidence_sentences(tiny_run):
    tables = compare.load_run(tiny_run)
    items = category_items(build_report(tables))
    evidence = set(tables["category_evidence"]["text"])
    for li in items:
        marks = li.select("mark.category")
        assert marks and {m.get_text() for m in marks} <= evidence
        assert "score" in li.get_text()


def test_report_of_a_dataset_without_the_table_shows_scores(tiny_run, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(tiny_run, old)
    (old / "category_evidence.parquet").unlink()
    tables = compare.load_run(old)
    assert tables["category_evidence"].empty
    items = category_items(build_report(tables))
    categories = tables["categories"]
    originals = set(tables["articles"].loc[tables["articles"]["duplicate_of"].isna(), "id"])
    labelled = categories[(categories["score"] >= THRESHOLD) & categories["id"].isin(originals)]
    assert len(items) == len(labelled)
    assert all(not li.select("mark") and "score" in li.get_text() for li in items)


def test_copies_of_a_story_add_no_evidence_to_the_report(tiny_run):
    tables = compare.load_run(tiny_run)
    articles = tables["articles"]
    copies = set(articles.loc[articles["duplicate_of"].notna(), "id"])
    assert copies
    soup = BeautifulSoup(build_report(tables), "html.parser")
    links = {a["href"] for a in soup.select("section.evidence a[href^='#art-']")}
    assert not {f"#art-{doc_id}" for doc_id in copies} & links
    assert {link.removeprefix("#art-") for link in links} <= set(articles["id"]) - copies
