"""Batch runs: the same tables whatever the workers, a killed run resumes, SQL answers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipeline.collect.run as run_module
from pipeline.collect.run import RunError, format_summary, run, sql
from pipeline.collect.tables import SCHEMAS, TABLES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "corpora" / "sample")
DEV_RAW = str(ROOT / "corpora" / "dev" / "raw")


def read_tables(out_dir: Path, fmt: str = "parquet") -> dict[str, list[dict]]:
    return {name: pq.read_table(out_dir / f"{name}.{fmt}").to_pylist() for name in TABLES}


def sorted_rows(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("one")
    run([SAMPLE], out, workers=1, shard_size=3, progress=False)
    return out


def test_tables_have_their_schema_and_one_article_per_document(one_worker):
    tables = read_tables(one_worker)
    assert len(tables["articles"]) == 10  # the ten reports of the sample corpus
    assert len({row["id"] for row in tables["articles"]}) == 10
    assert tables["counts"] and tables["departments"] and tables["categories"]
    for name in TABLES:
        assert pq.read_schema(one_worker / f"{name}.parquet").equals(SCHEMAS[name], check_metadata=False)
    ids = {row["id"] for row in tables["articles"]}
    for name in ("counts", "departments", "categories", "activities", "people"):
        assert {row["id"] for row in tables[name]} <= ids


def test_two_workers_write_the_same_tables(one_worker, tmp_path):
    run([SAMPLE], tmp_path, workers=2, shard_size=3, progress=False)
    assert read_tables(tmp_path) == read_tables(one_worker)


def test_csv_has_a_bom_and_the_same_rows(one_worker, tmp_path):
    run([SAMPLE], tmp_path, workers=1, shard_size=3, fmt="csv", progress=False)
    data = (tmp_path / "articles.csv").read_bytes()
    assert data.startswith(b'\xef\xbb\xbf"id"')
    assert sql(tmp_path, "SELECT id FROM articles") == sql(one_worker, "SELECT id FROM articles")


def test_jsonl_rows(one_worker, tmp_path):
    run([SAMPLE], tmp_path, workers=1, shard_size=3, fmt="jsonl", progress=False)
    rows = [json.loads(line) for line in (tmp_path / "counts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows == read_tables(one_worker)["counts"]


def test_sql_counts(one_worker):
    assert sql(one_worker, "SELECT count(*) FROM articles") == [(10,)]
    (n_counts,) = sql(one_worker, "SELECT count(*) FROM counts JOIN articles USING (id)")[0]
    assert n_counts == len(read_tables(one_worker)["counts"])


def test_duckdb_file_has_views(one_worker):
    import duckdb

    with duckdb.connect(str(one_worker / "zhnews.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (10,)


def test_bad_inputs_are_error_rows_and_the_batch_goes_on(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "ok.txt").write_text((ROOT / "corpora" / "sample" / "d001.txt").read_text(encoding="utf-8"))
    summary = run([str(tmp_path / "in"), str(tmp_path / "missing")], tmp_path / "out", workers=1, progress=False)
    errors = read_tables(tmp_path / "out")["errors"]
    assert sorted(row["reason"] for row in errors) == ["empty input", "no such file or directory"]
    assert summary["records"] == 1 and summary["errors"] == {"empty input": 1, "no such file or directory": 1}
    assert "2 errors" in format_summary(summary)


def test_a_failing_document_fails_alone(tmp_path, monkeypatch):
    real = run_module.process_documents.__globals__["process_document"]

    def flaky(document):
        if document.source.path.endswith("d011.txt"):
            raise RuntimeError("boom")
        return real(document)

    monkeypatch.setitem(run_module.process_documents.__globals__, "process_document", flaky)
    run([SAMPLE], tmp_path, workers=1, shard_size=3, progress=False)
    tables = read_tables(tmp_path)
    assert [row["reason"] for row in tables["errors"]] == ["internal error: RuntimeError: boom"]
    assert len(tables["articles"]) == 9


def test_a_dead_worker_does_not_lose_its_shard(one_worker, tmp_path, monkeypatch):
    """A worker killed mid-shard (out of memory, say): the shard is redone."""
    parent = os.getpid()
    real = run_module.process_documents

    def dying(documents):
        if os.getpid() != parent:
            os._exit(1)
        return real(documents)

    monkeypatch.setattr(run_module, "process_documents", dying)
    run([SAMPLE], tmp_path, workers=2, shard_size=3, progress=False)
    assert read_tables(tmp_path) == read_tables(one_worker)


def test_other_settings_in_the_same_directory_are_refused(one_worker):
    with pytest.raises(RunError, match="shard_size"):
        run([SAMPLE], one_worker, workers=1, shard_size=4, progress=False)


def test_rerun_skips_finished_shards(one_worker):
    summary = run([SAMPLE], one_worker, workers=1, shard_size=3, progress=False)
    assert summary["shards"] == 4 and summary["shards_processed"] == 0
    assert summary["documents"] == 10


def test_killed_run_resumes_to_the_same_tables(tmp_path):
    inputs = [SAMPLE, DEV_RAW]
    reference = tmp_path / "reference"
    run(inputs, reference, workers=1, shard_size=4, progress=False)
    out = tmp_path / "killed"
    code = (
        f"from pipeline.collect.run import run; run({inputs!r}, {str(out)!r}, workers=1, shard_size=4, progress=False)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.DEVNULL)
    manifest = out / "shards" / "manifest.jsonl"
    deadline = time.monotonic() + 30
    while not (manifest.exists() and manifest.read_text()) and time.monotonic() < deadline:
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    finished = len(manifest.read_text().splitlines())
    assert 1 <= finished < 39, "the run was not killed mid-way"  # 154 inputs in shards of 4
    assert not (out / "articles.parquet").exists()

    summary = run(inputs, out, workers=1, shard_size=4, progress=False)
    assert summary["shards_processed"] == 39 - finished
    killed, whole = read_tables(out), read_tables(reference)
    for name in TABLES:
        assert sorted_rows(killed[name]) == sorted_rows(whole[name]), name
