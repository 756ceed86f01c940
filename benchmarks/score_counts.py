"""Score extract_counts against the dev gold (shared/dev/README.md "Scoring").

Counts are matched by (value, unit), once per distinct pair per document;
gold items marked ``optional`` are neither rewarded nor penalized (a
prediction equal to one is simply ignored).  Approx and indicator are scored
over the matched pairs.

    PYTHONPATH=. python benchmarks/score_counts.py [--verbose] [--gold DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pipeline.extract.counts import extract_counts
from pipeline.types import Count

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "dev" / "gold"


def pair_of(value: float, unit: str) -> tuple[float, str]:
    return round(float(value), 6), unit


def score_counts(pred: list[Count], gold: list[dict]) -> dict:
    """tp/fp/fn over distinct (value, unit) pairs, and approx/indicator agreement on matches.

    The first prediction and the first non-optional gold item of a pair
    stand for it (the gold lists each pair once, at its first mention).
    """
    required: dict[tuple[float, str], dict] = {}
    optional: set[tuple[float, str]] = set()
    for item in gold:
        key = pair_of(item["value"], item["unit"])
        if item.get("optional"):
            optional.add(key)
        else:
            required.setdefault(key, item)
    predicted: dict[tuple[float, str], Count] = {}
    for count in pred:
        predicted.setdefault(pair_of(count.value, count.unit), count)
    matched = [key for key in predicted if key in required]
    false_pos = [key for key in predicted if key not in required and key not in optional]
    false_neg = [key for key in required if key not in predicted]
    return {
        "tp": len(matched),
        "fp": len(false_pos),
        "fn": len(false_neg),
        "approx_ok": sum(predicted[k].approx == required[k]["approx"] for k in matched),
        "indicator_ok": sum(predicted[k].indicator == required[k]["indicator"] for k in matched),
        "false_positives": [predicted[k] for k in false_pos],
        "misses": [required[k] for k in false_neg],
        "mismatches": [
            (predicted[k], required[k])
            for k in matched
            if predicted[k].indicator != required[k]["indicator"] or predicted[k].approx != required[k]["approx"]
        ],
    }


def load_gold(gold_dir: Path = GOLD_DIR) -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(gold_dir.glob("d*.json"))]


def score_corpus(docs: list[dict]) -> dict:
    """Micro-averaged precision, recall, F1 and match accuracies over ``docs``."""
    totals = {"tp": 0, "fp": 0, "fn": 0, "approx_ok": 0, "indicator_ok": 0}
    per_doc = []
    for doc in docs:
        result = score_counts(extract_counts(doc["clean"]), doc["counts"])
        per_doc.append((doc["id"], result))
        for key in totals:
            totals[key] += result[key]
    tp, fp, fn = totals["tp"], totals["fp"], totals["fn"]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        **totals,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "approx_accuracy": totals["approx_ok"] / tp if tp else 1.0,
        "indicator_accuracy": totals["indicator_ok"] / tp if tp else 1.0,
        "per_doc": per_doc,
    }


def measure_throughput(docs: list[dict], repeat: int = 20) -> float:
    """MB/s (UTF-8 bytes of clean text) of extract_counts over ``docs`` repeated."""
    texts = [doc["clean"] for doc in docs]
    size = sum(len(t.encode("utf-8")) for t in texts) * repeat
    started = time.perf_counter()
    for _ in range(repeat):
        for t in texts:
            extract_counts(t)
    return size / (time.perf_counter() - started) / 1e6


def print_errors(per_doc: list) -> None:
    for doc_id, result in per_doc:
        for count in result["false_positives"]:
            print(f"FP {doc_id} {count.text!r} {count.value} {count.unit} :: {count.evidence}")
        for item in result["misses"]:
            print(f"FN {doc_id} {item['text']!r} {item['value']} {item['unit']}")
        for count, item in result["mismatches"]:
            print(
                f"MM {doc_id} {count.text!r} approx {count.approx}/{item['approx']} "
                f"indicator {count.indicator}/{item['indicator']} obj={count.object} act={count.action} :: {count.evidence}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    parser.add_argument("--verbose", action="store_true", help="list misses, false positives, mismatches")
    parser.add_argument("--repeat", type=int, default=20, help="repetitions for the throughput number")
    args = parser.parse_args(argv)
    docs = load_gold(args.gold)
    result = score_corpus(docs)
    if args.verbose:
        print_errors(result["per_doc"])
    print(f"docs {len(docs)}  tp {result['tp']}  fp {result['fp']}  fn {result['fn']}")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}")
    print(f"approx accuracy {result['approx_accuracy']:.3f}  indicator accuracy {result['indicator_accuracy']:.3f}")
    if args.repeat:
        print(f"throughput {measure_throughput(docs, args.repeat):.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
