"""Score extract_departments on the dev corpus (shared/dev/README.md "Scoring").

Department mentions are compared by string: a predicted mention matches a gold one
when one contains the other and their lengths differ by at most two characters.
Gold items marked optional are neither rewarded nor penalized.  Function accuracy
is measured over the predicted mentions that match a required gold mention.

    PYTHONPATH=. python benchmarks/score_departments.py [--verbose] [--dev DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pipeline.extract.departments import extract_departments
from pipeline.types import Region

DEV = Path(__file__).resolve().parents[2] / "shared" / "dev"


def mentions_match(pred: str, gold: str) -> bool:
    """区商务委 ~ 渝中区商务委: one contains the other, within two characters."""
    return abs(len(pred) - len(gold)) <= 2 and (pred in gold or gold in pred)


def score_departments(pred: list[dict], gold: list[dict]) -> dict:
    """Counts for one document: pred items {mention, function}, gold items {mention, function, optional}.

    Predictions are deduplicated by mention; each required gold mention is found
    or missed once.
    """
    seen: dict[str, dict] = {}
    for item in pred:
        seen.setdefault(item["mention"], item)
    required = [g for g in gold if not g.get("optional")]
    optional = [g for g in gold if g.get("optional")]
    tp = fp = func_ok = func_n = 0
    false_pos: list[str] = []
    for mention, item in seen.items():
        hits = [g for g in required if mentions_match(mention, g["mention"])]
        if hits:
            tp += 1
            func_n += 1
            func_ok += any(g["function"] == item["function"] for g in hits)
        elif not any(mentions_match(mention, g["mention"]) for g in optional):
            fp += 1
            false_pos.append(mention)
    missed = [g["mention"] for g in required if not any(mentions_match(m, g["mention"]) for m in seen)]
    found = len(required) - len(missed)
    return {
        "tp": tp,
        "fp": fp,
        "found": found,
        "gold": len(required),
        "func_ok": func_ok,
        "func_n": func_n,
        "missed": missed,
        "false_positives": false_pos,
    }


def prf(total: dict) -> dict:
    """Precision over predictions, recall over required gold mentions, and their F1."""
    p = total["tp"] / (total["tp"] + total["fp"]) if total["tp"] + total["fp"] else 1.0
    r = total["found"] / total["gold"] if total["gold"] else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    acc = total["func_ok"] / total["func_n"] if total["func_n"] else 1.0
    return {"precision": p, "recall": r, "f1": f, "function_accuracy": acc}


def evaluate(dev: Path = DEV, verbose: bool = False, out=sys.stdout) -> dict:
    """Run the extractor on every gold ``clean`` text (region from the gold) and sum the counts."""
    total = {"tp": 0, "fp": 0, "found": 0, "gold": 0, "func_ok": 0, "func_n": 0}
    chars = 0
    elapsed = 0.0
    for path in sorted((dev / "gold").glob("d*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        reg = doc.get("region") or {}
        region = Region(reg.get("province"), reg.get("city"), reg.get("district"))
        t0 = time.perf_counter()
        pred = extract_departments(doc["clean"], region=region)
        elapsed += time.perf_counter() - t0
        chars += len(doc["clean"].encode("utf-8"))
        result = score_departments([{"mention": d.mention, "function": d.function} for d in pred], doc["departments"])
        for key in total:
            total[key] += result[key]
        if verbose and (result["missed"] or result["false_positives"]):
            print(f"{doc['id']}: missed {result['missed']} false+ {result['false_positives']}", file=out)
        if verbose:
            wrong = [
                (d.mention, d.function, g["function"])
                for d in pred
                for g in doc["departments"]
                if not g.get("optional") and mentions_match(d.mention, g["mention"]) and d.function != g["function"]
            ]
            if wrong:
                print(f"{doc['id']}: function {sorted(set(wrong))}", file=out)
    scores = prf(total) | total | {"mb_per_s": chars / 1e6 / elapsed if elapsed else 0.0}
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and false positives")
    parser.add_argument("--dev", type=Path, default=DEV, help="dev corpus directory (with gold/)")
    args = parser.parse_args(argv)
    s = evaluate(args.dev, args.verbose)
    print(
        f"P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
        f"function accuracy {s['function_accuracy']:.3f}  "
        f"(tp {s['tp']} fp {s['fp']} found {s['found']}/{s['gold']})  {s['mb_per_s']:.2f} MB/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
