"""Score ``extract_activities`` against the gold activities of the dev corpus.

Runs on the gold ``clean`` texts (so cleaning errors do not count here).
Two matchings, each a one-to-one pairing per document:

* strict: the extracted name equals a gold name;
* lenient: one contains the other (“两员” vs “两员”活动 style boundary slips).

    PYTHONPATH=. python benchmarks/score_activities.py [--verbose] [--gold DIR]

``__main__`` prints P/R/F1 for both and the throughput; ``--verbose`` lists the
false positives and misses per document.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from pipeline.extract.activities import extract_activities

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "dev" / "gold"


def _strict(a: str, b: str) -> bool:
    return a == b


def _lenient(a: str, b: str) -> bool:
    return a in b or b in a


def match_names(got: list[str], gold: list[str], same) -> tuple[int, list[str], list[str]]:
    """Greedy one-to-one pairing: (true positives, false positives, misses)."""
    left = list(gold)
    false_pos = []
    tp = 0
    for name in got:
        hit = next((g for g in left if same(name, g)), None)
        if hit is None:
            false_pos.append(name)
        else:
            left.remove(hit)
            tp += 1
    return tp, false_pos, left


def prf(tp: int, n_got: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_got if n_got else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(gold_dir: Path = GOLD_DIR, *, verbose: bool = False) -> dict[str, tuple[float, float, float]]:
    """P/R/F1 strict and lenient over every ``*.json`` in ``gold_dir``."""
    totals = {"strict": [0, 0, 0], "lenient": [0, 0, 0]}
    chars = 0
    elapsed = 0.0
    for path in sorted(gold_dir.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        text = doc["clean"]
        t0 = time.perf_counter()
        got = [a.name for a in extract_activities(text)]
        elapsed += time.perf_counter() - t0
        chars += len(text)
        gold = list(dict.fromkeys(doc.get("activities") or []))
        for key, same in (("strict", _strict), ("lenient", _lenient)):
            tp, false_pos, missed = match_names(got, gold, same)
            totals[key][0] += tp
            totals[key][1] += len(got)
            totals[key][2] += len(gold)
            if verbose and key == "strict" and (false_pos or missed):
                print(f"{doc['id']}  FP {false_pos}  MISS {missed}")
    result = {key: prf(*vals) for key, vals in totals.items()}
    if verbose:
        print(f"{chars} chars in {elapsed:.3f}s = {chars / max(elapsed, 1e-9) / 1e6:.2f} M chars/s")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list false positives and misses")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="folder of gold/*.json")
    args = parser.parse_args(argv)
    for key, (p, r, f) in score(args.gold, verbose=args.verbose).items():
        print(f"{key:8s} P={p:.3f} R={r:.3f} F1={f:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
