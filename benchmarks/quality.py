"""Extraction quality on the development corpus (and the seed goldens).

    python benchmarks/quality.py [--source raw|gold] [--corpus corpora/dev | --seeds] [--json]

``--source raw`` (default) runs the whole pipeline on the reports as found
(read → clean → extract), which is what a user gets; ``--source gold`` runs the
extractors on the hand-checked clean text, which isolates extraction from
cleaning.  Prints precision, recall and F1 for counts (value + unit), approx
and indicator accuracy over matched counts, department mentions P/R/F1 and
function accuracy, province / city / district accuracy, activities P/R/F1,
category labels (score >= 0.5) micro P/R/F1,
and the cleaning character error rate (raw only).

Scoring follows the corpus README: counts by distinct (value, unit), optional
items neither rewarded nor penalized; department mentions by string (contained
within two characters); region by exact names, null included.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.score_counts import score_counts  # noqa: E402
from benchmarks.score_departments import score_departments  # noqa: E402
from pipeline.api import extract, process_document  # noqa: E402
from pipeline.clean import clean  # noqa: E402
from pipeline.extract.categories import document_labels  # noqa: E402
from pipeline.read import read_path  # noqa: E402
from pipeline.types import Document, Record, Source  # noqa: E402

REGION_LEVELS = ("province", "city", "district")


def prf(tp: int, n_pred: int, found: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = found / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def record_from_gold(gold: dict) -> Record:
    """Extraction alone: the extractors on the hand-checked clean text."""
    cleaned = clean(gold["clean"])
    return extract(cleaned, Source(path=gold["id"], url=gold.get("url")), title_hint=gold.get("title"))


def record_from_raw(path: Path, url: str | None = None) -> Record:
    """The whole pipeline on a report as found, with its address when the
    corpus index gives one (as a scraped archive would)."""
    documents = [d for d in read_path(str(path)) if isinstance(d, Document)]
    documents[0].source.url = url
    return process_document(documents[0])


def corpus_urls(corpus: Path) -> dict[str, str]:
    index = corpus / "raw" / "index.jsonl"
    if not index.exists():
        return {}
    rows = (json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line.strip())
    return {row["id"]: row["url"] for row in rows if row.get("url")}


def activity_match(pred: list[str], gold: list[str]) -> tuple[int, int, int, int]:
    pred_set, gold_set = list(dict.fromkeys(pred)), list(dict.fromkeys(gold))
    tp = sum(1 for p in pred_set if p in gold_set)
    found = sum(1 for g in gold_set if g in pred_set)
    return tp, len(pred_set), found, len(gold_set)


def corpus_items(corpus: Path) -> list[tuple[Path, dict]]:
    """(raw report, gold) pairs of a corpus laid out as raw/NAME.txt + gold/NAME.json;
    the gold carries the report's address from raw/index.jsonl as ``url``."""
    urls = corpus_urls(corpus)
    items = []
    for gold_path in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        gold.setdefault("url", urls.get(gold_path.stem))
        items.append((corpus / "raw" / f"{gold_path.stem}.txt", gold))
    return items


def seed_items() -> list[tuple[Path, dict]]:
    """The five seeds (corpora/sample) with their hand-written goldens (tests/golden/seeds)."""
    goldens = sorted((ROOT / "tests" / "golden" / "seeds").glob("*.json"))
    return [(ROOT / "corpora" / "sample" / f"{g.stem}.txt", json.loads(g.read_text(encoding="utf-8"))) for g in goldens]


def evaluate(corpus: Path, source: str = "raw") -> dict:
    return evaluate_items(corpus_items(corpus), source)


def evaluate_items(items: list[tuple[Path, dict]], source: str = "raw") -> dict:
    totals = dict.fromkeys(
        ["c_tp", "c_fp", "c_fn", "c_approx", "c_ind", "d_tp", "d_fp", "d_found", "d_gold", "d_fok", "d_fn",
         "a_tp", "a_pred", "a_found", "a_gold", "g_tp", "g_pred", "g_gold", "docs"], 0)  # fmt: skip
    region_ok = dict.fromkeys(REGION_LEVELS, 0)
    metadata_ok = {"title": 0, "published": 0}
    errors: list[str] = []
    for raw_path, gold in items:
        try:
            record = record_from_raw(raw_path, gold.get("url")) if source == "raw" else record_from_gold(gold)
        except Exception as error:  # a failed document scores as all misses
            errors.append(f"{raw_path.stem}: {error}")
            record = None
        totals["docs"] += 1
        counts = score_counts(record.counts if record else [], gold["counts"])
        totals["c_tp"] += counts["tp"]
        totals["c_fp"] += counts["fp"]
        totals["c_fn"] += counts["fn"]
        totals["c_approx"] += counts["approx_ok"]
        totals["c_ind"] += counts["indicator_ok"]
        pred_departments = (
            [{"mention": d.mention, "function": d.function} for d in record.departments] if record else []
        )
        departments = score_departments(pred_departments, gold["departments"])
        totals["d_tp"] += departments["tp"]
        totals["d_fp"] += departments["fp"]
        totals["d_found"] += departments["found"]
        totals["d_gold"] += departments["gold"]
        totals["d_fok"] += departments["func_ok"]
        totals["d_fn"] += departments["func_n"]
        for field in metadata_ok:
            metadata_ok[field] += int(record is not None and getattr(record, field) == gold.get(field))
        for level in REGION_LEVELS:
            region_ok[level] += int(record is not None and getattr(record.region, level) == gold["region"].get(level))
        tp, n_pred, found, n_gold = activity_match(
            [a.name for a in record.activities] if record else [], gold["activities"]
        )
        totals["a_tp"] += tp
        totals["a_pred"] += n_pred
        totals["a_found"] += found
        totals["a_gold"] += n_gold
        if gold.get("categories") is not None:
            labels = set(document_labels(record.categories)) if record else set()
            totals["g_tp"] += len(labels & set(gold["categories"]))
            totals["g_pred"] += len(labels)
            totals["g_gold"] += len(set(gold["categories"]))
    t = totals
    c_p, c_r, c_f = prf(t["c_tp"], t["c_tp"] + t["c_fp"], t["c_tp"], t["c_tp"] + t["c_fn"])
    d_p, d_r, d_f = prf(t["d_tp"], t["d_tp"] + t["d_fp"], t["d_found"], t["d_gold"])
    a_p, a_r, a_f = prf(t["a_tp"], t["a_pred"], t["a_found"], t["a_gold"])
    g_p, g_r, g_f = prf(t["g_tp"], t["g_pred"], t["g_tp"], t["g_gold"])
    n = max(t["docs"], 1)
    return {
        "documents": t["docs"],
        "counts_precision": c_p,
        "counts_recall": c_r,
        "counts_f1": c_f,
        "counts_approx_accuracy": t["c_approx"] / max(t["c_tp"], 1),
        "counts_indicator_accuracy": t["c_ind"] / max(t["c_tp"], 1),
        "departments_precision": d_p,
        "departments_recall": d_r,
        "departments_f1": d_f,
        "departments_function_accuracy": t["d_fok"] / max(t["d_fn"], 1),
        **{f"{level}_accuracy": region_ok[level] / n for level in REGION_LEVELS},
        "title_accuracy": metadata_ok["title"] / n,
        "published_accuracy": metadata_ok["published"] / n,
        "activities_precision": a_p,
        "activities_recall": a_r,
        "activities_f1": a_f,
        # micro over (document, label); the shipped model was trained on corpora/dev and the
        # seeds, so only a corpus it never saw (corpora/holdout) gives an honest figure
        "categories_precision": g_p,
        "categories_recall": g_r,
        "categories_micro_f1": g_f,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "dev")
    parser.add_argument("--source", choices=("raw", "gold"), default="raw")
    parser.add_argument("--seeds", action="store_true", help="score the five seeds against tests/golden/seeds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    items = seed_items() if args.seeds else corpus_items(args.corpus)
    scores = evaluate_items(items, args.source)
    if args.json:
        print(json.dumps(scores, indent=1))
        return
    print(f"{scores['documents']} documents ({'seeds' if args.seeds else args.corpus.name}), source: {args.source}")
    for key, value in scores.items():
        if isinstance(value, float):
            print(f"{key:<34}{value:.3f}")
    for error in scores["errors"]:
        print("error:", error)


if __name__ == "__main__":
    main()
