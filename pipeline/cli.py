"""``zhnews``: the command line, a thin layer over ``pipeline.api``.

    zhnews clean FILE|- [--json]
    zhnews extract FILE|DIR|- ... [--format jsonl|json|table]
    zhnews run INPUT... --out DIR [--workers N] [--format parquet|csv|jsonl] [--shard-size N] [--quiet]
    zhnews sql DIR "SELECT ..."
    zhnews compare DIR [--out DIR/compare] [--format parquet|csv]
    zhnews export DIR --to docbin|stata|r [--out PATH] [--include-duplicates]
    zhnews fetch [URL...] [--url-file F] [--sitemap URL] [--list URL --follow RE --next RE] --out X.warc.gz
    zhnews train categories [--seed N]

Errors are one line on stderr (``zhnews: PATH: reason``) and a non-zero exit
status; a batch goes on past a bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from pipeline.api import process_paths
from pipeline.clean import clean
from pipeline.collect.compare import add_compare_arguments, cmd_compare
from pipeline.collect.export import add_export_arguments, cmd_export
from pipeline.collect.fetch import add_fetch_arguments, cmd_fetch
from pipeline.collect.run import add_run_arguments, add_sql_arguments, cmd_run, cmd_sql
from pipeline.read import Columns, NoArticleError, document_text, read_path
from pipeline.types import ReadError, Record

EXIT_INPUT_ERROR = 1


def _columns(args: argparse.Namespace) -> Columns:
    return Columns(text=args.text_col, url=args.url_col, date=args.date_col, title=args.title_col)


def _report(error: ReadError) -> None:
    where = error.source.path or error.source.url or "-"
    if error.source.position:
        where += f":{error.source.position}"
    print(f"zhnews: {where}: {error.reason}", file=sys.stderr)


def _max_bytes(args: argparse.Namespace) -> int:
    return int(args.max_mb * 1024 * 1024)


def cmd_clean(args: argparse.Namespace) -> int:
    failed = False
    for document in read_path(args.input, columns=_columns(args), max_bytes=_max_bytes(args)):
        if isinstance(document, ReadError):
            _report(document)
            failed = True
            continue
        try:
            text, title_hint = document_text(document)
        except NoArticleError as error:
            _report(ReadError(document.source, str(error)))
            failed = True
            continue
        cleaned = clean(text)
        if args.json:
            meta = cleaned.metadata
            out = {
                "path": document.source.path,
                "text": cleaned.text,
                "noise": cleaned.noise.to_dict(),
                "metadata": {
                    "title": meta.title or title_hint,
                    "published": meta.published,
                    "outlet": meta.outlet,
                    "reporters": meta.reporters,
                    "editor": meta.editor,
                },
                "encoding": document.encoding,
            }
            print(json.dumps(out, ensure_ascii=False))
        else:
            if not cleaned.text:
                _report(ReadError(document.source, f"nothing left after cleaning: {cleaned.noise.to_dict()}"))
                failed = True
            print(cleaned.text)
    return EXIT_INPUT_ERROR if failed else 0


def _records(args: argparse.Namespace) -> Iterator[Record]:
    args.failed = False
    for item in process_paths(args.inputs, columns=_columns(args), max_bytes=_max_bytes(args)):
        if isinstance(item, ReadError):
            _report(item)
            args.failed = True
            continue
        yield item


def format_table_row(record: Record) -> str:
    region = record.region
    place = "/".join(x for x in (region.province, region.city, region.district) if x) or "-"
    return "\t".join(
        [
            record.id,
            record.source.path or record.source.url or "-",
            place,
            region.adcode or "-",
            str(len(record.counts)),
            str(len(record.departments)),
            record.title or "-",
        ]
    )


def cmd_extract(args: argparse.Namespace) -> int:
    records = _records(args)
    if args.format == "json":
        print(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=1))
    elif args.format == "table":
        print("id\tpath\tregion\tadcode\tcounts\tdepartments\ttitle")
        for record in records:
            print(format_table_row(record))
    else:
        for record in records:
            print(json.dumps(record.to_dict(), ensure_ascii=False))
    return EXIT_INPUT_ERROR if args.failed else 0


def cmd_train(args: argparse.Namespace) -> int:
    from pipeline.train import main as train_main

    return train_main([args.what, *args.rest])


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text-col", default="text", help="JSONL/CSV column with the article text (default: text)")
    parser.add_argument("--url-col", default="url", help="JSONL/CSV column with the address (default: url)")
    parser.add_argument("--date-col", default="date", help="JSONL/CSV column with the date (default: date)")
    parser.add_argument("--title-col", default="title", help="JSONL/CSV column with the title (default: title)")
    parser.add_argument("--max-mb", type=float, default=20.0, help="skip single files larger than this (default: 20)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhnews", description="Clean and mine Chinese news reports.")
    sub = parser.add_subparsers(dest="command", required=True)

    p_clean = sub.add_parser("clean", help="print the clean text of a report")
    p_clean.add_argument("input", help="a file, a directory, or - for stdin")
    p_clean.add_argument("--json", action="store_true", help="print text, noise counters and metadata as JSON")
    _add_input_options(p_clean)
    p_clean.set_defaults(func=cmd_clean)

    p_extract = sub.add_parser("extract", help="print one record per input document")
    p_extract.add_argument("inputs", nargs="+", help="files, directories, or - for stdin")
    p_extract.add_argument("--format", choices=("jsonl", "json", "table"), default="jsonl")
    _add_input_options(p_extract)
    p_extract.set_defaults(func=cmd_extract)

    p_run = sub.add_parser("run", help="process a batch into tables (parquet/csv/jsonl, resumable)")
    add_run_arguments(p_run)
    _add_input_options(p_run)
    p_run.set_defaults(func=cmd_run)

    p_sql = sub.add_parser("sql", help="query a run's tables with SQL (duckdb)")
    add_sql_arguments(p_sql)
    p_sql.set_defaults(func=cmd_sql)

    p_compare = sub.add_parser("compare", help="district comparison tables and an HTML report of a run")
    add_compare_arguments(p_compare)
    p_compare.set_defaults(func=cmd_compare)

    p_export = sub.add_parser("export", help="a run's tables as a spaCy DocBin, Stata .dta or R-friendly CSV")
    add_export_arguments(p_export)
    p_export.set_defaults(func=cmd_export)

    p_fetch = sub.add_parser("fetch", help="crawl URLs, sitemaps and list pages politely into a WARC archive (resumable)")
    add_fetch_arguments(p_fetch)
    p_fetch.set_defaults(func=cmd_fetch)

    p_train = sub.add_parser("train", help="train a model shipped under models/ (categories)")
    p_train.add_argument("what", choices=("categories",))
    p_train.add_argument("rest", nargs=argparse.REMAINDER, help="options of the trainer, e.g. --seed 0")
    p_train.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
