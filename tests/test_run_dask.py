"""`zhnews run --engine dask`: a Dask cluster makes the same tables as a local run,
and a run interrupted on one engine resumes on the other."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.collect.run import MANIFEST, RunError, add_run_arguments, run
from pipeline.collect.tables import TABLES

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "corpora" / "sample")
SHARD_SIZE = 3  # ten reports: four shards, more than the two workers take at once


def read_tables(out_dir: Path) -> dict[str, list[dict]]:
    return {name: pq.read_table(out_dir / f"{name}.parquet").to_pylist() for name in TABLES}


def sorted_by_id(tables: dict[str, list[dict]]) -> dict[str, list[str]]:
    return {
        name: sorted(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)
        for name, rows in tables.items()
    }


@pytest.fixture(scope="module")
def local_tables(tmp_path_factory) -> dict[str, list[dict]]:
    out = tmp_path_factory.mktemp("local")
    run([SAMPLE], out, workers=1, shard_size=SHARD_SIZE, progress=False)
    return read_tables(out)


@pytest.fixture(scope="module")
def scheduler():
    """Two single-threaded worker processes, as a real cluster would have."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    ) as cluster:
        yield cluster.scheduler_address


def test_dask_cluster_writes_the_same_tables(local_tables, scheduler, tmp_path):
    summary = run([SAMPLE], tmp_path, shard_size=SHARD_SIZE, progress=False, engine="dask", scheduler=scheduler)
    tables = read_tables(tmp_path)
    assert len(tables["articles"]) == 10
    assert sorted_by_id(tables) == sorted_by_id(local_tables)
    assert tables == local_tables  # and in the same order: shard order, whoever computed them
    assert summary["shards_processed"] == summary["shards"] == 4


def test_a_local_run_resumes_on_the_cluster(local_tables, scheduler, tmp_path):
    run([SAMPLE], tmp_path, workers=1, shard_size=SHARD_SIZE, progress=False)
    manifest = tmp_path / "shards" / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines()
    manifest.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # as if killed after two shards
    for name in TABLES:
        (tmp_path / f"{name}.parquet").unlink()
    summary = run([SAMPLE], tmp_path, shard_size=SHARD_SIZE, progress=False, engine="dask", scheduler=scheduler)
    assert summary["shards_processed"] == 2
    assert read_tables(tmp_path) == local_tables


def test_dask_without_a_scheduler_starts_a_local_cluster(local_tables, tmp_path):
    run([SAMPLE], tmp_path, workers=2, shard_size=SHARD_SIZE, progress=False, engine="dask")
    assert read_tables(tmp_path) == local_tables


def test_a_scheduler_needs_the_dask_engine(tmp_path):
    with pytest.raises(RunError, match="engine dask"):
        run([SAMPLE], tmp_path, scheduler="tcp://127.0.0.1:8786", progress=False)
    with pytest.raises(RunError, match="unknown engine"):
        run([SAMPLE], tmp_path, engine="spark", progress=False)


def test_command_line_options():
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    args = parser.parse_args(["in", "--out", "o", "--engine", "dask", "--scheduler", "tcp://10.0.0.1:8786"])
    assert (args.engine, args.scheduler) == ("dask", "tcp://10.0.0.1:8786")
    assert parser.parse_args(["in", "--out", "o"]).engine == "local"


def test_without_distributed_the_error_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as in a base install
    with pytest.raises(RunError, match=r"zhnews\[cluster\]"):
        run([SAMPLE], tmp_path, engine="dask", progress=False)


def test_an_unreachable_scheduler_is_a_run_error(tmp_path):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), pytest.raises(RunError, match="cannot reach"):
        run([SAMPLE], tmp_path, engine="dask", scheduler="tcp://127.0.0.1:9", progress=False)
