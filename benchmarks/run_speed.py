"""Batch-run speed (``zhnews run``) with 1 and 2 workers, and peak memory.

    python benchmarks/run_speed.py [--docs 10000] [--workers 1 2] [--shard-size 1000]

The documents are made from the development corpus's hand-checked clean
reports by the noise generator (tests/noise.py): each is a content-farm copy
with a random mix of pinyin, traditional script, chrome, spam, watermarks and
repeats, seeded by its number, so the set is the same every run.  They are
written as one JSONL export (so that reading is not a hundred thousand small
files).  Each worker count runs in its own child process, so
that its peak RSS (``ru_maxrss`` of the child and of its workers) is its own.
Prints documents/s, MB/s (UTF-8 bytes of the input text), peak RSS and the
speed-up over the first worker count.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))

from noise import make_noisy  # noqa: E402

from benchmarks.throughput import load_documents  # noqa: E402

FARM_NOISE = (
    "pinyin",
    "script",
    "chrome",
    "header",
    "editor",
    "spam_lines",
    "inline_spam",
    "watermark",
    "duplicate_paragraph",
)


def noisy_documents(n: int):
    """``n`` content-farm copies of the clean reports, document i seeded by i."""
    import random

    reports = load_documents(72, "clean")
    for i in range(n):
        rng = random.Random(i)
        kinds = rng.sample(FARM_NOISE, rng.randint(0, 4))
        yield make_noisy(reports[i % len(reports)], rng, kinds=kinds)


def write_export(path: Path, n: int) -> int:
    """The JSONL export of ``n`` documents; its text's size in bytes."""
    total = 0
    with open(path, "w", encoding="utf-8") as stream:
        for i, text in enumerate(noisy_documents(n)):
            total += len(text.encode("utf-8"))
            stream.write(json.dumps({"url": f"http://bench.example/{i}", "text": text}, ensure_ascii=False) + "\n")
    return total


def measure_child(export: Path, out: Path, workers: int, shard_size: int) -> dict:
    """Runs one batch in this process (called in a child) and prints its numbers."""
    from pipeline.collect.run import run

    start = time.perf_counter()
    summary = run([str(export)], out, workers=workers, shard_size=shard_size, progress=False)
    seconds = time.perf_counter() - start
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    return {"seconds": seconds, "documents": summary["documents"], "peak_rss_mb": peak_kb / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--shard-size", type=int, default=1000)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)  # export out workers
    args = parser.parse_args()
    if args.child:
        export, out, workers = args.child
        print(json.dumps(measure_child(Path(export), Path(out), int(workers), args.shard_size)))
        return
    with tempfile.TemporaryDirectory() as temp:
        export = Path(temp) / "bench.jsonl"
        size = write_export(export, args.docs)
        print(f"{args.docs} documents, {size / 1e6:.1f} MB of text")
        base = None
        for workers in args.workers:
            command = [sys.executable, __file__, "--shard-size", str(args.shard_size)]
            command += ["--child", str(export), str(Path(temp) / f"out{workers}"), str(workers)]
            result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            rate = result["documents"] / result["seconds"]
            base = base or rate
            print(
                f"workers={workers}: {result['seconds']:.1f} s, {rate:.0f} docs/s, "
                f"{size / 1e6 / result['seconds']:.2f} MB/s, peak RSS {result['peak_rss_mb']:.0f} MB "
                f"(largest process), speed-up {rate / base:.2f}x"
            )


if __name__ == "__main__":
    main()
