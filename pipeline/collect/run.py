"""A batch run: inputs in, the dataset's tables out (``zhnews run``), resumable.

    zhnews run INPUT... --out DIR [--workers N] [--format parquet|csv|jsonl] [--shard-size N]
    zhnews run INPUT... --out DIR --engine dask [--scheduler tcp://HOST:8786]
    zhnews sql DIR "SELECT district, count(*) FROM articles GROUP BY 1"

Why shards: an archive of a million reports takes hours, and a run that is
killed (a reboot, an out-of-memory kill, Ctrl-C) must not start over.  The
inputs are enumerated lazily in a fixed order and cut into shards of
``shard_size`` documents; each shard is cleaned and extracted in a worker
process and written atomically (a temporary name, then ``os.replace``) as
one Parquet file per table under ``DIR/shards/``; then its line is appended
to ``DIR/shards/manifest.jsonl``.  A re-run reads the manifest and skips the
finished shards, so a run killed at any point and restarted ends with the
same tables.  The final tables ``DIR/<table>.parquet`` (or ``.csv`` with a
UTF-8 BOM, so that Excel reads Chinese, or ``.jsonl``) are the shards
concatenated in shard order, whatever the number of workers; ``DIR/zhnews.duckdb``
holds views over them for SQL.

Engines: ``local`` (the default) runs shards in a pool of processes on this
machine.  ``dask`` submits them to a ``dask.distributed`` cluster (the
``cluster`` extra: ``pip install 'zhnews[cluster]'``), to the scheduler at
``--scheduler`` or, without one, to a ``LocalCluster`` of ``--workers``
processes.  Workers return a shard's tables to this process, which writes
them and the manifest itself: the cluster needs no shared filesystem, only
zhnews installed on every worker (the same version, or the ids differ).
Start workers with one thread each (``dask worker ADDRESS --nthreads 1
--nworkers N``): the pipeline is pure Python, threads would wait on the GIL.
The reader and the final concatenation run here too, so the tables are
identical whichever engine made the shards, and a run may be resumed on
another engine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from itertools import islice
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.api import process_documents
from pipeline.collect.dedupe import DuplicateIndex
from pipeline.collect.tables import SCHEMAS, TABLES, item_rows, rows_to_table
from pipeline.read import MAX_BYTES, Columns, iter_files, read_inputs
from pipeline.read.tabular import DEFAULT_COLUMNS
from pipeline.types import Document, ReadError, Record

FORMATS = ("parquet", "csv", "jsonl")
ENGINES = ("local", "dask")
MANIFEST = "manifest.jsonl"
SETTINGS = "settings.json"
DATABASE = "zhnews.duckdb"
_SINGLE_DOCUMENT_SUFFIXES = (".txt", ".text", "", ".html", ".htm", ".shtml", ".xhtml")


_DETAILS_RE = re.compile(r":| \(")


class RunError(ValueError):
    """The output directory cannot take this run; the message says why."""


# ---------------------------------------------------------------- shards


def iter_shards(items: Iterable[Document | ReadError], size: int) -> Iterator[tuple[int, list]]:
    """Numbered slices of ``size`` inputs; only one slice is held at a time."""
    iterator = iter(items)
    index = 0
    while chunk := list(islice(iterator, size)):
        yield index, chunk
        index += 1


def shard_path(shard_dir: Path, index: int, table: str) -> Path:
    return shard_dir / f"{index:06d}.{table}.parquet"


def write_atomically(table: pa.Table, path: Path) -> None:
    """A reader (or a restarted run) never sees half a file."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, temp)
    os.replace(temp, path)


def shard_stats(index: int, items: list[Record | ReadError], input_bytes: int) -> dict:
    """What the manifest keeps of a shard: enough for the run's summary."""
    reasons: Counter[str] = Counter()
    noise: Counter[str] = Counter()
    records = 0
    for item in items:
        if isinstance(item, ReadError):
            reasons[error_kind(item.reason)] += 1
        else:
            records += 1
            noise.update(item.noise.counters)
    return {
        "shard": index,
        "documents": len(items),
        "records": records,
        "errors": dict(reasons),
        "noise": dict(noise),
        "bytes": input_bytes,
    }


def error_kind(reason: str) -> str:
    """Reasons carry details (sizes, names); the summary groups them by kind.

    >>> error_kind("file too large: 21.0 MB > 20 MB limit (--max-mb)")
    'file too large'
    >>> error_kind("row has no text in column 'text' (columns: id, url)")
    "row has no text in column 'text'"
    """
    return _DETAILS_RE.split(reason, 1)[0].strip()


def shard_tables(index: int, documents: list[Document | ReadError]) -> tuple[dict[str, pa.Table], dict]:
    """Clean and extract one shard: its tables and its stats (nothing written,
    so that a cluster worker can send them back to the client).

    ``process_documents`` turns a failure on one document into an error row,
    so the shard is never lost for one bad document.
    """
    input_bytes = sum(len(d.text.encode("utf-8")) for d in documents if isinstance(d, Document))
    items = list(process_documents(documents))
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    for item in items:
        for name, item_table_rows in item_rows(item).items():
            rows[name].extend(item_table_rows)
    return {name: rows_to_table(rows[name], name) for name in TABLES}, shard_stats(index, items, input_bytes)


def write_shard(shard_dir: Path, index: int, tables: dict[str, pa.Table]) -> None:
    for name in TABLES:
        write_atomically(tables[name], shard_path(shard_dir, index, name))


def process_shard(index: int, documents: list[Document | ReadError], shard_dir: str) -> dict:
    """Clean, extract and write one shard; runs in a worker process."""
    tables, stats = shard_tables(index, documents)
    write_shard(Path(shard_dir), index, tables)
    return stats


# ---------------------------------------------------------------- manifest and settings


def load_manifest(shard_dir: Path) -> dict[int, dict]:
    """Finished shards; a line cut short by a kill is ignored (that shard is redone)."""
    done: dict[int, dict] = {}
    path = shard_dir / MANIFEST
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            stats = json.loads(line)
        except json.JSONDecodeError:
            continue
        if all(shard_path(shard_dir, stats["shard"], name).exists() for name in TABLES):
            done[stats["shard"]] = stats
    return done


def append_manifest(shard_dir: Path, stats: dict) -> None:
    with open(shard_dir / MANIFEST, "a", encoding="utf-8") as manifest:
        manifest.write(json.dumps(stats, ensure_ascii=False) + "\n")
        manifest.flush()
        os.fsync(manifest.fileno())


def check_settings(out_dir: Path, settings: dict) -> None:
    """Shards are only reusable by a run that cuts the same inputs the same way."""
    path = out_dir / "shards" / SETTINGS
    if path.exists():
        previous = json.loads(path.read_text(encoding="utf-8"))
        if previous != settings:
            changed = ", ".join(k for k in settings if previous.get(k) != settings[k])
            raise RunError(f"{out_dir} holds a run with other settings ({changed}); use another output directory")
        return
    path.write_text(json.dumps(settings, ensure_ascii=False, indent=1), encoding="utf-8")


def remove_temp_files(shard_dir: Path) -> None:
    for temp in shard_dir.glob(".*.tmp"):
        temp.unlink(missing_ok=True)


# ---------------------------------------------------------------- scheduling


def run_shards(
    shards: Iterable[tuple[int, list]], shard_dir: Path, done: dict[int, dict], workers: int
) -> Iterator[dict]:
    """Stats of every shard, finished ones from the manifest; new ones are
    processed (in worker processes when ``workers > 1``) and recorded."""
    if workers <= 1:
        for index, documents in shards:
            yield done.get(index) or _finish(shard_dir, process_shard(index, documents, str(shard_dir)))
        return
    pending: dict[Future, tuple[int, list]] = {}
    pool = ProcessPoolExecutor(workers)
    try:
        for index, documents in shards:
            if index in done:
                yield done[index]
                continue
            pending[_submit(pool, index, documents, shard_dir)] = (index, documents)
            if len(pending) >= 2 * workers:  # bounded: the inputs stream, they are not all read ahead
                yield from _collect(pending, shard_dir)
        while pending:
            yield from _collect(pending, shard_dir)
    finally:
        pool.shutdown(cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, index: int, documents: list, shard_dir: Path) -> Future:
    """A pool broken by a dead worker cannot take work: the shard runs here instead."""
    try:
        return pool.submit(process_shard, index, documents, str(shard_dir))
    except BrokenProcessPool:
        future: Future = Future()
        future.set_result(process_shard(index, documents, str(shard_dir)))
        return future


def _collect(pending: dict[Future, tuple[int, list]], shard_dir: Path) -> Iterator[dict]:
    """Wait for at least one shard to finish; record every finished one."""
    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in finished:
        index, documents = pending.pop(future)
        try:
            stats = future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): redo its shard here
            stats = process_shard(index, documents, str(shard_dir))
        yield _finish(shard_dir, stats)


def _finish(shard_dir: Path, stats: dict) -> dict:
    append_manifest(shard_dir, stats)
    return stats


def run_shards_dask(
    shards: Iterable[tuple[int, list]], shard_dir: Path, done: dict[int, dict], scheduler: str | None, workers: int
) -> Iterator[dict]:
    """``run_shards`` on a Dask cluster: workers compute the tables
    (``shard_tables``), this process writes them and the manifest."""
    client, cluster = connect_dask(scheduler, workers)
    from distributed import as_completed

    try:
        in_flight = 2 * max(sum(client.nthreads().values()), 1)
        pending = as_completed()
        documents_of: dict[str, tuple[int, list]] = {}
        for index, documents in shards:
            if index in done:
                yield done[index]
                continue
            future = client.submit(shard_tables, index, documents, pure=False)
            documents_of[future.key] = (index, documents)
            pending.add(future)
            if pending.count() >= in_flight:  # bounded, as in run_shards
                yield _collect_dask(next(pending), documents_of, shard_dir)
        for future in pending:
            yield _collect_dask(future, documents_of, shard_dir)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def connect_dask(scheduler: str | None, workers: int):
    """A client of the scheduler at ``scheduler``, or of a new ``LocalCluster``
    of ``workers`` single-threaded processes (returned too, to be closed)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise RunError("--engine dask needs dask.distributed: pip install 'zhnews[cluster]'") from error
    if scheduler:
        try:
            return Client(scheduler), None
        except OSError as error:  # refused, or no answer within distributed.comm.timeouts.connect
            raise RunError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    return Client(cluster), cluster


def _collect_dask(future, documents_of: dict[str, tuple[int, list]], shard_dir: Path) -> dict:
    """Write a finished shard; one whose workers kept dying is redone here."""
    from distributed import KilledWorker

    index, documents = documents_of.pop(future.key)
    try:
        tables, stats = future.result()
    except KilledWorker:
        tables, stats = shard_tables(index, documents)
    future.release()
    write_shard(shard_dir, index, tables)
    return _finish(shard_dir, stats)


# ---------------------------------------------------------------- progress and summary


class Progress:
    """A line on stderr, at most once a second: documents/s, errors, ETA."""

    def __init__(self, total: int | None, *, stream=None, enabled: bool = True):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.start = time.monotonic()
        self.last = 0.0
        self.documents = 0
        self.processed = 0  # documents processed in this run (not skipped as finished)
        self.errors = 0
        self.shards = 0

    def add(self, stats: dict, *, skipped: bool) -> None:
        self.shards += 1
        self.documents += stats["documents"]
        self.errors += sum(stats["errors"].values())
        if not skipped:
            self.processed += stats["documents"]
        now = time.monotonic()
        if self.enabled and now - self.last >= 1.0:
            self.last = now
            print(f"\rzhnews run: {self.line(now)}", end="", file=self.stream, flush=True)

    def line(self, now: float) -> str:
        elapsed = max(now - self.start, 1e-9)
        rate = self.processed / elapsed
        text = f"{self.documents} documents, {self.errors} errors, {rate:.0f} documents/s"
        if self.total and rate > 0 and self.documents < self.total:
            eta = (self.total - self.documents) / rate
            text += f", ETA {int(eta // 60)}:{int(eta % 60):02d}"
        return text

    def close(self) -> None:
        if self.enabled and self.last:
            print(f"\rzhnews run: {self.line(time.monotonic())}", file=self.stream)


def count_documents(inputs: list[str]) -> int | None:
    """The number of documents when every input file holds one (a cheap
    directory walk), so that progress can show an ETA; ``None`` when an
    export or an archive holds an unknown number."""
    total = 0
    for path in inputs:
        if path == "-" or not Path(path).exists():
            return None
        for file in iter_files(Path(path)):
            if file.suffix.lower() not in _SINGLE_DOCUMENT_SUFFIXES:
                return None
            total += 1
    return total


def summarize(all_stats: list[dict], progress: Progress, seconds: float) -> dict:
    errors: Counter[str] = Counter()
    noise: Counter[str] = Counter()
    for stats in all_stats:
        errors.update(stats["errors"])
        noise.update(stats["noise"])
    processed_bytes = sum(s["bytes"] for s in all_stats)
    return {
        "documents": progress.documents,
        "records": sum(s["records"] for s in all_stats),
        "errors": dict(errors.most_common()),
        "noise": dict(sorted(noise.items())),
        "shards": progress.shards,
        "shards_processed": sum(1 for s in all_stats if s.get("_new")),
        "seconds": round(seconds, 3),
        "documents_per_second": round(progress.processed / seconds, 1) if seconds else None,
        "bytes": processed_bytes,
    }


def format_summary(summary: dict) -> str:
    lines = [
        f"zhnews run: {summary['documents']} documents, {summary['records']} records, "
        f"{sum(summary['errors'].values())} errors, {summary['seconds']:.1f} s "
        f"({summary['shards_processed']} of {summary['shards']} shards processed in this run)"
    ]
    for reason, n in summary["errors"].items():
        lines.append(f"  error  {n:>7}  {reason}")
    for name, n in summary["noise"].items():
        lines.append(f"  noise  {n:>7}  {name}")
    return "\n".join(lines)


# ---------------------------------------------------------------- final tables


# Stories kept in the near-duplicate index: about 11 kB each (collect/dedupe.py),
# so memory stays near 2 GB however large the archive; a re-post arriving
# more than this many stories after its original starts a new story.
DUPLICATE_INDEX_STORIES = 200_000


def concat_shards(shard_dir: Path, n_shards: int, name: str) -> Iterator[pa.Table]:
    tables = (pq.read_table(shard_path(shard_dir, index, name), schema=SCHEMAS[name]) for index in range(n_shards))
    yield from mark_duplicates(tables) if name == "articles" else tables


def mark_duplicates(tables: Iterable[pa.Table]) -> Iterator[pa.Table]:
    """``duplicate_of``: the first-seen copy of the same story, over the whole
    run in input order (near-duplicates need state across shards, so this is
    a pass over the finished articles, one shard in memory at a time)."""
    index = DuplicateIndex(max_stories=DUPLICATE_INDEX_STORIES)
    for table in tables:
        ids, texts = table.column("id").to_pylist(), table.column("text").to_pylist()
        first = [index.add(doc_id, text or "") for doc_id, text in zip(ids, texts, strict=True)]
        position = table.schema.get_field_index("duplicate_of")
        yield table.set_column(position, table.schema.field(position), pa.array(first, type=pa.string()))


def write_final_table(out_dir: Path, shard_dir: Path, n_shards: int, name: str, fmt: str) -> Path:
    """One table, shard after shard (only one shard in memory), written atomically."""
    path = out_dir / f"{name}.{fmt}"
    temp = path.with_name(f".{path.name}.tmp")
    schema = SCHEMAS[name]
    if fmt == "parquet":
        with pq.ParquetWriter(temp, schema) as writer:
            writer.write_table(schema.empty_table())
            for table in concat_shards(shard_dir, n_shards, name):
                writer.write_table(table)
    elif fmt == "csv":
        with open(temp, "wb") as stream:
            stream.write("\ufeff".encode())  # Excel reads UTF-8 only with a BOM
            with pacsv.CSVWriter(stream, schema) as writer:
                for table in concat_shards(shard_dir, n_shards, name):
                    writer.write_table(table)
    else:
        with open(temp, "w", encoding="utf-8") as stream:
            for table in concat_shards(shard_dir, n_shards, name):
                for row in table.to_pylist():
                    stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(temp, path)
    return path


def table_source(path: Path, fmt: str, name: str) -> str:
    """The duckdb expression that reads one final table, with its types."""
    quoted = str(path.resolve()).replace("'", "''")
    if fmt == "parquet":
        return f"read_parquet('{quoted}')"
    columns = ", ".join(f"'{f.name}': '{_duckdb_type(f.type)}'" for f in SCHEMAS[name])
    if fmt == "csv":
        return f"read_csv('{quoted}', header = true, columns = {{{columns}}})"
    return f"read_json('{quoted}', format = 'newline_delimited', columns = {{{columns}}})"


def _duckdb_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_integer(arrow_type):
        return "BIGINT"
    if pa.types.is_floating(arrow_type):
        return "DOUBLE"
    return "VARCHAR"


def create_views(connection, out_dir: Path) -> None:
    """A view per table found in ``out_dir``, whichever format it was written in."""
    for name in TABLES:
        for fmt in FORMATS:
            path = out_dir / f"{name}.{fmt}"
            if path.exists():
                connection.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM {table_source(path, fmt, name)}')
                break


def write_database(out_dir: Path) -> Path:
    """``zhnews.duckdb``: views (not copies) over the tables, for the duckdb CLI
    or ``duckdb.connect``; absolute paths, so it works from any directory."""
    import duckdb

    path = out_dir / DATABASE
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as connection:
        create_views(connection, out_dir)
    return path


def sql(out_dir: str | os.PathLike, query: str) -> list[tuple]:
    """Rows of a SQL query over a run's tables (duckdb, in memory; the views are
    made from the files, so a moved output directory still answers)."""
    return sql_with_header(out_dir, query)[1]


def sql_with_header(out_dir: str | os.PathLike, query: str) -> tuple[list[str], list[tuple]]:
    """The column names and the rows of a query."""
    import duckdb

    with duckdb.connect() as connection:
        create_views(connection, Path(out_dir))
        cursor = connection.execute(query)
        return [d[0] for d in cursor.description or []], cursor.fetchall()


# ---------------------------------------------------------------- the run


def run(
    inputs: list[str],
    out_dir: str | os.PathLike,
    *,
    workers: int | None = None,
    fmt: str = "parquet",
    shard_size: int = 1000,
    columns: Columns = DEFAULT_COLUMNS,
    max_bytes: int = MAX_BYTES,
    progress: bool = True,
    engine: str = "local",
    scheduler: str | None = None,
) -> dict:
    """Process ``inputs`` into ``out_dir``'s tables (see the module doc); the
    summary: documents, records, errors by kind, noise removed totals."""
    if fmt not in FORMATS:
        raise RunError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if engine not in ENGINES:
        raise RunError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    if scheduler and engine != "dask":
        raise RunError("a scheduler address needs --engine dask")
    if shard_size < 1:
        raise RunError("shard size must be at least 1")
    workers = workers or os.cpu_count() or 1
    out = Path(out_dir)
    shard_dir = out / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    settings = {"inputs": [_absolute(p) for p in inputs], "shard_size": shard_size, "columns": asdict(columns)}
    check_settings(out, settings)
    remove_temp_files(shard_dir)
    done = load_manifest(shard_dir)
    tracker = Progress(count_documents(inputs), enabled=progress)
    documents = read_inputs(inputs, columns=columns, max_bytes=max_bytes)
    shards = iter_shards(documents, shard_size)
    if engine == "dask":
        shard_stream = run_shards_dask(shards, shard_dir, done, scheduler, workers)
    else:
        shard_stream = run_shards(shards, shard_dir, done, workers)
    all_stats = []
    for stats in shard_stream:
        skipped = stats["shard"] in done
        tracker.add(stats, skipped=skipped)
        all_stats.append({**stats, "_new": not skipped})
    tracker.close()
    for name in TABLES:
        write_final_table(out, shard_dir, tracker.shards, name, fmt)
    write_database(out)
    return summarize(all_stats, tracker, time.monotonic() - tracker.start)


def _absolute(path: str) -> str:
    return path if path == "-" else str(Path(path).resolve())


# ---------------------------------------------------------------- command line


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``zhnews run`` (the input column options are the CLI's own)."""
    parser.add_argument("inputs", nargs="+", help="files, directories (recursively), exports, WARC archives")
    parser.add_argument("--out", "-o", required=True, help="output directory (a re-run resumes there)")
    parser.add_argument("--workers", "-j", type=int, default=None, help="processes (default: one per CPU)")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="table files (default: parquet)")
    parser.add_argument("--shard-size", type=int, default=1000, help="documents per shard (default: 1000)")
    parser.add_argument("--engine", choices=ENGINES, default="local", help="local processes or a Dask cluster")
    parser.add_argument(
        "--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786 (default: a local cluster)"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress line")


def add_sql_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="output directory of a run")
    parser.add_argument("query", help='SQL over the tables, e.g. "SELECT count(*) FROM articles"')


def cmd_run(args: argparse.Namespace) -> int:
    columns = Columns(
        text=getattr(args, "text_col", "text"),
        url=getattr(args, "url_col", "url"),
        date=getattr(args, "date_col", "date"),
        title=getattr(args, "title_col", "title"),
    )
    max_bytes = int(getattr(args, "max_mb", MAX_BYTES / 1024 / 1024) * 1024 * 1024)
    try:
        summary = run(
            args.inputs,
            args.out,
            workers=args.workers,
            fmt=args.format,
            shard_size=args.shard_size,
            columns=columns,
            max_bytes=max_bytes,
            progress=not args.quiet,
            engine=getattr(args, "engine", "local"),
            scheduler=getattr(args, "scheduler", None),
        )
    except RunError as error:
        print(f"zhnews: {error}", file=sys.stderr)
        return 2
    print(format_summary(summary), file=sys.stderr)
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Tab-separated rows with a header line (``-`` for a null)."""
    import duckdb

    try:
        header, rows = sql_with_header(args.out, args.query)
    except duckdb.Error as error:
        print(f"zhnews: {str(error).splitlines()[0]}", file=sys.stderr)
        return 1
    print("\t".join(header))
    for row in rows:
        print("\t".join("-" if v is None else str(v) for v in row))
    return 0
