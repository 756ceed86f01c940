"""Cleaning (and clean + extract) throughput against a pass of OpenCC alone.

    python benchmarks/throughput.py [--docs 10000] [--extract]

The documents are the development corpus's raw reports and the seeds,
repeated until ``--docs`` is reached (real noise: pinyin, traditional script,
chrome, spam, mojibake).  In the same run, on one core, it times:
- OpenCC ``t2s`` over every document (the reference pass);
- ``clean()`` over every document;
- with ``--extract``, clean + extract (the whole record) over every document.
It prints MB/s (UTF-8 bytes of the input) and the ratio to the OpenCC pass.
Targets (issues 2 and 3): clean ≤ 5× the OpenCC pass, clean + extract ≤ 10×.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.clean import clean  # noqa: E402
from pipeline.read.decode import decode_bytes  # noqa: E402


def load_documents(n: int, kind: str = "raw") -> list[str]:
    """``raw``: the reports as found; ``clean``: the hand-checked clean texts
    (a report with no noise, the best case for the cleaner)."""
    if kind == "clean":
        gold = sorted((ROOT / "corpora" / "dev" / "gold").glob("*.json"))
        base = [json.loads(f.read_text(encoding="utf-8"))["clean"] for f in gold]
    else:
        files = sorted((ROOT / "corpora" / "dev" / "raw").glob("*.txt"))
        files += sorted((ROOT / "corpora" / "sample").glob("0*.txt"))
        base = [decode_bytes(f.read_bytes()).text for f in files]
    return [base[i % len(base)] for i in range(n)]


def timed(label: str, fn, docs: list[str]) -> float:
    start = time.perf_counter()
    for doc in docs:
        fn(doc)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--extract", action="store_true", help="also time clean + extract")
    parser.add_argument(
        "--texts", choices=("raw", "clean"), default="raw", help="reports as found, or their clean text"
    )
    args = parser.parse_args()

    docs = load_documents(args.docs, args.texts)
    megabytes = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    converter = opencc.OpenCC("t2s")
    clean(docs[0])  # load data files and caches once, as a long batch would

    rows = [("opencc t2s", timed("opencc", converter.convert, docs))]
    rows.append(("clean", timed("clean", clean, docs)))
    if args.extract:
        from pipeline.api import extract_text

        extract_text(docs[0])
        rows.append(("clean + extract", timed("extract", extract_text, docs)))

    reference = rows[0][1]
    print(f"{len(docs)} documents ({args.texts}), {megabytes:.1f} MB (UTF-8), one core")
    print(f"{'pass':<18}{'seconds':>9}{'MB/s':>9}{'x opencc':>10}")
    for label, seconds in rows:
        print(f"{label:<18}{seconds:>9.2f}{megabytes / seconds:>9.2f}{seconds / reference:>10.1f}")


if __name__ == "__main__":
    main()
