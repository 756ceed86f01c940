"""Score extract_region against the dev gold (../shared/dev/gold/dNNN.json).

The gold's region is {province, city, district}; the headline number is
district accuracy (exact match, null included), as in dev/README.md.

    PYTHONPATH=. python benchmarks/score_region.py [--verbose] [--gold DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.extract.region import extract_region
from pipeline.types import Region

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "dev" / "gold"
LEVELS = ("province", "city", "district")


def score_region(pred: Region, gold: dict) -> dict:
    """Per-level exact match (1/0) of a prediction against a gold ``region`` dict."""
    return {level: int(getattr(pred, level) == gold.get(level)) for level in LEVELS}


def evaluate(gold_dir: Path = GOLD_DIR) -> tuple[dict[str, float], list[dict]]:
    """Accuracy per level over every gold file, and the rows that missed the district (or more)."""
    totals = dict.fromkeys(LEVELS, 0)
    rows = []
    files = sorted(gold_dir.glob("d*.json"))
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        pred = extract_region(gold["clean"], title=gold.get("title"))
        hit = score_region(pred, gold["region"])
        for level in LEVELS:
            totals[level] += hit[level]
        if not all(hit.values()):
            rows.append({"id": gold["id"], "gold": gold["region"], "pred": pred, "hit": hit})
    n = max(len(files), 1)
    return {level: totals[level] / n for level in LEVELS} | {"n": len(files)}, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every document with a wrong level")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    args = parser.parse_args(argv)
    acc, errors = evaluate(args.gold)
    if args.verbose:
        for row in errors:
            g, p = row["gold"], row["pred"]
            print(
                f"{row['id']}  gold={g['province']}/{g['city']}/{g['district']}  "
                f"pred={p.province}/{p.city}/{p.district} ({p.adcode})  "
                f"{'' if row['hit']['district'] else 'DISTRICT'}"
            )
    print(f"n={acc['n']}  district={acc['district']:.3f}  city={acc['city']:.3f}  province={acc['province']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
