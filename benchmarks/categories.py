"""Issue categories on held-out hand-labeled reports: model vs keyword rule.

    python benchmarks/categories.py [--repeats 3] [--seed 0] [--json]

In one run, on the same repeated K-fold splits of the hand-labeled documents
(corpora/dev gold, seed goldens, corpora/dev-extra), it scores:
- ``rule``: the keyword baseline (``classify_by_keywords``, no training);
- ``chars``: the n-gram model (character 2-3-grams + keyword features);
- ``words``: the same model over jieba words (a private Tokenizer whose user
  dictionary holds the taxonomy's issue terms and the department lexicons'
  stems, organ names and abbreviations) instead of character n-grams;
- ``keywords``: the keyword rule made probabilistic (calibrated logistic);
and prints micro / macro / per-label F1, the reliability of the shipped
model's held-out scores, and inference time per document of the shipped model
next to clean + extract time on the development corpus's raw reports.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import jieba
import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import train  # noqa: E402
from pipeline.extract import categories as cat  # noqa: E402

DEPARTMENTS = ROOT / "pipeline" / "data" / "departments"


def department_words() -> set[str]:
    """Department words for the user dictionary: function stems (住房和城乡建设),
    fixed organ names (政府办公室) and abbreviations (住建委) from the department lexicons."""
    words = set()
    for name in ("stems.tsv", "bodies.tsv", "aliases.tsv"):
        for line in (DEPARTMENTS / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.add(line.split("\t")[0])
    return words


def make_tokenizer() -> jieba.Tokenizer:
    """A private jieba Tokenizer (the global one is left alone) whose user
    dictionary holds the taxonomy's issue terms and the department words."""
    tokenizer = jieba.Tokenizer()
    for word in sorted({t for info in cat.TAXONOMY for t in info.all_terms} | department_words()):
        tokenizer.add_word(word, freq=2000)
    return tokenizer


class WordModel:
    """The ``chars`` recipe over jieba words: for the comparison only (jieba is ~1 MB/s)."""

    def __init__(self, tokenizer, vocab, idf, coef, intercept, platt_a, platt_b):
        self.tokenizer, self.vocab, self.idf = tokenizer, vocab, idf
        self.coef, self.intercept, self.platt_a, self.platt_b = coef, intercept, platt_a, platt_b

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts: dict[int, int] = {}
        for word in self.tokenizer.lcut(text):
            j = self.vocab.get(word)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        hits = cat.count_tiered_hits(text)
        return cat.weigh_features(counts, hits, self.idf, len(text))

    def matrix(self, texts):
        rows = [self.features(t) for t in texts]
        shape = (len(texts), len(self.idf) + cat.N_KEYWORD_FEATURES)
        r = np.concatenate([np.full(len(i), n) for n, (i, _) in enumerate(rows)])
        return sparse.csr_matrix(
            (np.concatenate([v for _, v in rows]), (r, np.concatenate([i for i, _ in rows]))), shape=shape
        )

    def predict_proba(self, text: str) -> np.ndarray:
        idx, vals = self.features(text)
        return cat.calibrate_scores(self.coef[:, idx] @ vals + self.intercept, self.platt_a, self.platt_b)


TOKENIZER = make_tokenizer()


def fit_word_model(texts, y, *, seed: int = 0, c: float = train.C) -> WordModel:
    """Word vocabulary (df >= 2, no 1-character words), idf, linear fit and Platt scaling as ``train.fit_model``."""
    tokenized = [set(TOKENIZER.lcut(t)) for t in texts]
    df: dict[str, int] = {}
    for words in tokenized:
        for w in words:
            if len(w.strip()) > 1:
                df[w] = df.get(w, 0) + 1
    words = sorted(w for w, n in df.items() if n >= train.MIN_DF)
    vocab = {w: j for j, w in enumerate(words)}
    idf = np.log((1 + len(texts)) / (1 + np.array([df[w] for w in words], dtype=float))) + 1
    model = WordModel(TOKENIZER, vocab, idf, None, None, None, None)
    x = model.matrix(texts)
    model.coef, model.intercept = train.fit_linear(x, y, seed=seed, c=c)
    oof = np.zeros(y.shape)
    folds = train.spread_folds(y, 5, np.random.default_rng(seed))
    for f in range(5):
        w, b = train.fit_linear(x[folds != f], y[folds != f], seed=seed, c=c)
        oof[folds == f] = x[folds == f] @ w.T + b
    model.platt_a, model.platt_b = train.fit_platt(oof, y)
    return model


def time_inference(texts: list[str], model: cat.CategoryModel, rounds: int = 20) -> float:
    """Milliseconds per document for what a record costs: ``classify_with_evidence``
    (scores for all labels, evidence sentences for those that apply) with the shipped model."""
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            cat.classify_with_evidence(text, model=model)
    return 1000 * (time.perf_counter() - start) / (rounds * len(texts))


def time_clean_extract(raws: list[str], rounds: int = 3) -> float | None:
    """Milliseconds per document for the whole record (clean + extract, the
    categories with their evidence included), after one warm-up pass that
    loads the lexicons and models."""
    try:
        from pipeline.api import extract_text
    except ImportError:
        return None
    for raw in raws:
        extract_text(raw)
    start = time.perf_counter()
    for _ in range(rounds):
        for raw in raws:
            extract_text(raw)
    return 1000 * (time.perf_counter() - start) / (rounds * len(raws))


FRESH_FROM = "dev-extra/e081"  # batch C: labeled after the taxonomy's terms were revised


def is_fresh(doc: dict) -> bool:
    return doc["id"].startswith("dev-extra/") and doc["id"] >= FRESH_FROM


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    parser.add_argument("--fresh", action="store_true",
                        help=f"also train on the older documents and score on dev-extra batch C ({FRESH_FROM} on), "
                             "labeled after the taxonomy was revised")  # fmt: skip
    args = parser.parse_args(argv)
    docs = train.load_labeled()
    fitters = {"chars": train.fit_model, "words": fit_word_model, "keywords": train.fit_keyword_model}
    runs = {
        name: train.cross_validate(docs, seed=args.seed, repeats=args.repeats, fit=fit) for name, fit in fitters.items()
    }
    results = {"documents": len(docs), "repeats": args.repeats, "folds": 5, "rule": runs["chars"]["baseline"]}
    results |= {name: run["model"] for name, run in runs.items()}
    results["reliability"] = {name: run["reliability"] for name, run in runs.items()}
    results["by_source"] = {name: run["by_source"] for name, run in runs.items()}
    if args.fresh:
        results["fresh"] = {
            name: train.score_fresh(docs, is_fresh, seed=args.seed, fit=fit) for name, fit in fitters.items()
        }
    shipped = cat.load_model()
    # the same documents for both: the dev reports, raw for the record, their clean gold for the classifier
    texts = [d["text"] for d in docs if d["id"].startswith("dev/")]
    raws = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "dev" / "raw").glob("*.txt"))]
    classify_ms, record_ms = time_inference(texts, shipped), time_clean_extract(raws)
    results["timing"] = {"shipped_method": shipped.meta_.get("method"), "classify_ms_per_doc": round(classify_ms, 4),
                         "clean_extract_ms_per_doc": record_ms and round(record_ms, 3),
                         "share": record_ms and round(classify_ms / record_ms, 4)}  # fmt: skip
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    methods = ["rule", "chars", "words", "keywords"]
    print(
        f"{len(docs)} hand-labeled documents, {args.repeats} x 5-fold CV (seed {args.seed}), same folds for all methods"
    )
    print(f"{'':18}" + "".join(f"{m:>10}" for m in methods))
    for key in ("micro_f1", "macro_f1"):
        print(f"{key:18}" + "".join(f"{results[m][key]:>10.3f}" for m in methods))
    for code in cat.LABELS:
        support = results["rule"]["per_label"][code]["support"] // args.repeats
        print(f"{code:16}{support:>2}" + "".join(f"{results[m]['per_label'][code]['f1']:>10.3f}" for m in methods))
    for name in ("chars", "keywords"):
        print(
            f"reliability ({name}): "
            + "; ".join(
                f"{r['bin']} n={r['n']} score={r['mean_score']} observed={r['observed']}"
                for r in results["reliability"][name]
            )
        )
    for name in methods[1:]:
        print(f"by corpus ({name}): " + ", ".join(f"{k} {v}" for k, v in results["by_source"][name].items()))
    for name, run in results.get("fresh", {}).items():
        print(f"fresh ({name}): trained on {run['trained_on']}, scored on {run['documents']}: "
              f"micro {run['model']['micro_f1']} macro {run['model']['macro_f1']}; "
              f"rule micro {run['baseline']['micro_f1']} macro {run['baseline']['macro_f1']}")  # fmt: skip
    print("timing:", json.dumps(results["timing"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
