"""Training of the learned parts: ``zhnews train categories``.

The category model (pipeline/extract/categories.py) is fitted on the
hand-labeled reports only (the development corpus's gold, the seed goldens and
``corpora/dev-extra``): one L2 logistic regression per label over character
n-gram TF-IDF plus keyword features, each calibrated by Platt scaling on
out-of-fold decision values.  Held-out scores come from repeated K-fold
cross-validation with folds spread over the rare labels; the same folds score
the keyword-rule baseline, so the two are compared on identical documents.
Everything is seeded: the same data and seed give the same arrays.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from pipeline.extract import categories as cat

ROOT = Path(__file__).resolve().parents[1]
LABELED_DIRS = (
    ROOT / "corpora" / "dev" / "gold",
    ROOT / "tests" / "golden" / "seeds",
    ROOT / "corpora" / "dev-extra" / "gold",
)
NGRAMS = (2, 3)
MIN_DF = 2
MAX_FEATURES = 6000
C = 10.0  # the n-gram model's L2 strength
KEYWORD_C = 30.0  # the keyword model's: few features, little to regularize (3 x 5-fold CV: 10 -> 30 +0.004 micro-F1)


def load_labeled(dirs: Sequence[Path] = LABELED_DIRS) -> list[dict]:
    """Hand-labeled documents ``{id, text, labels}`` from gold JSON files (``clean`` + ``categories``)."""
    docs = []
    for folder in dirs:
        for path in sorted(folder.glob("*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            if gold.get("categories") is None or not gold.get("clean"):
                continue
            docs.append(
                {"id": f"{folder.parent.name}/{path.stem}", "text": gold["clean"], "labels": list(gold["categories"])}
            )
    return docs


def label_matrix(label_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Binary matrix documents x ``cat.LABELS``."""
    y = np.zeros((len(label_lists), len(cat.LABELS)), dtype=np.int8)
    for i, labels in enumerate(label_lists):
        for label in labels:
            y[i, cat.LABEL_INDEX[label]] = 1
    return y


def select_vocabulary(texts: Sequence[str], *, ngrams=NGRAMS, min_df=MIN_DF, max_features=MAX_FEATURES) -> list[str]:
    """Character n-grams seen in ``min_df`` documents or more, most frequent first (ties alphabetical)."""
    vectorizer = CountVectorizer(
        analyzer="char", ngram_range=ngrams, min_df=min_df, lowercase=False, max_features=max_features
    )
    vectorizer.fit(texts)
    return sorted(vectorizer.vocabulary_, key=lambda g: vectorizer.vocabulary_[g])


def compute_idf(texts: Sequence[str], automaton, n_vocab: int) -> np.ndarray:
    """Smoothed idf, ``ln((1 + n) / (1 + df)) + 1``, as scikit-learn's TfidfTransformer."""
    df = np.zeros(n_vocab)
    for text in texts:
        df[np.unique(cat.match_text(text, automaton).ngram_feature)] += 1
    return np.log((1 + len(texts)) / (1 + df)) + 1


def featurize(texts: Sequence[str], automaton, idf: np.ndarray) -> sparse.csr_matrix:
    """The inference features (``cat.weigh_features``) for many texts, as one sparse matrix."""
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        idx, v = cat.weigh_matches(cat.match_text(text, automaton), idf)
        rows.append(np.full(len(idx), i))
        cols.append(idx)
        vals.append(v)
    shape = (len(texts), len(idf) + cat.N_KEYWORD_FEATURES)
    if not texts:
        return sparse.csr_matrix(shape)
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)


def spread_folds(y: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Fold number per document, dealing documents with the rarest labels first
    so that every fold gets its share of each rare label (stratified-ish)."""
    freq = y.sum(axis=0)
    rarity = np.array([freq[row == 1].min() if row.any() else len(y) for row in y])
    order = np.lexsort((rng.permutation(len(y)), rarity))
    folds = np.empty(len(y), dtype=np.int64)
    folds[order] = np.arange(len(y)) % k
    return folds


def fit_linear(x, y: np.ndarray, *, seed: int, c: float = C) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression per label; a label without both classes gets a constant."""
    coef = np.zeros((y.shape[1], x.shape[1]))
    intercept = np.zeros(y.shape[1])
    for k in range(y.shape[1]):
        if y[:, k].min() == y[:, k].max():
            intercept[k] = 5.0 if y[0, k] else -5.0
            continue
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=seed)
        model.fit(x, y[:, k])
        coef[k], intercept[k] = model.coef_[0], model.intercept_[0]
    return coef, intercept


def fit_platt(decision: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Platt scaling per label on out-of-fold decision values."""
    a, b = np.ones(y.shape[1]), np.zeros(y.shape[1])
    for k in range(y.shape[1]):
        if y[:, k].min() == y[:, k].max():
            continue
        model = LogisticRegression(C=100.0, solver="lbfgs")
        model.fit(decision[:, [k]], y[:, k])
        a[k], b[k] = model.coef_[0, 0], model.intercept_[0]
    return a, b


def fit_model(
    texts: Sequence[str], y: np.ndarray, *, seed: int = 0, inner_folds: int = 5, c: float = C
) -> cat.CategoryModel:
    """Vocabulary, idf, linear weights, then Platt scaling on inner out-of-fold scores."""
    vocab = select_vocabulary(texts)
    automaton = cat.build_ngram_automaton(vocab)
    idf = compute_idf(texts, automaton, len(vocab))
    x = featurize(texts, automaton, idf)
    coef, intercept = fit_linear(x, y, seed=seed, c=c)
    oof = np.zeros(y.shape, dtype=np.float64)
    folds = spread_folds(y, min(inner_folds, len(texts)), np.random.default_rng(seed))
    for f in range(folds.max() + 1):
        train, test = folds != f, folds == f
        w, b = fit_linear(x[train], y[train], seed=seed, c=c)
        oof[test] = x[test] @ w.T + b
    platt_a, platt_b = fit_platt(oof, y)
    meta = {"method": "chars", "ngrams": list(NGRAMS), "min_df": MIN_DF, "C": c, "seed": seed, "documents": len(texts)}
    return cat.CategoryModel(cat.LABELS, vocab, idf, coef, intercept, platt_a, platt_b, meta)


def fit_keyword_model(texts: Sequence[str], y: np.ndarray, *, seed: int = 0, c: float = KEYWORD_C) -> cat.CategoryModel:
    """The keyword rule made probabilistic: per label, a logistic regression on
    that label's own keyword features and the report's length only (no vocabulary), whose output is
    its calibrated score.  The fallback when the n-gram model does not beat the rule."""
    x = featurize(texts, None, np.zeros(0))
    n = len(cat.LABELS)
    coef, intercept = np.zeros((n, x.shape[1])), np.zeros(n)
    for k in range(n):
        if y[:, k].min() == y[:, k].max():
            intercept[k] = 5.0 if y[0, k] else -5.0
            continue
        own = [k, n + k, 2 * n + k, 3 * n]  # its term hits, weak-term hits, any term, the report's length
        model = LogisticRegression(C=c, solver="liblinear", random_state=seed).fit(x[:, own], y[:, k])
        coef[k, own], intercept[k] = model.coef_[0], model.intercept_[0]
    meta = {"method": "keywords", "C": c, "seed": seed, "documents": len(texts)}
    return cat.CategoryModel(cat.LABELS, [], np.zeros(0), coef, intercept, np.ones(n), np.zeros(n), meta)


def score_labels(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Micro and macro F1 and per-label F1 / support."""
    tp = (y_true & y_pred).sum(axis=0).astype(float)
    fp = ((1 - y_true) & y_pred).sum(axis=0).astype(float)
    fn = (y_true & (1 - y_pred)).sum(axis=0).astype(float)
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros_like(tp), where=(2 * tp + fp + fn) > 0)
    micro = 2 * tp.sum() / max(2 * tp.sum() + fp.sum() + fn.sum(), 1)
    per_label = {
        code: {"f1": round(float(f1[k]), 3), "support": int(y_true[:, k].sum())} for k, code in enumerate(cat.LABELS)
    }
    return {"micro_f1": round(float(micro), 4), "macro_f1": round(float(f1.mean()), 4), "per_label": per_label}


def reliability(y_true: np.ndarray, scores: np.ndarray, bins: int = 5) -> list[dict]:
    """Calibration check: per score bin, the mean score and the observed rate of the label."""
    s, t = scores.ravel(), y_true.ravel()
    edges = np.linspace(0, 1, bins + 1)
    table = []
    for lo, hi in itertools.pairwise(edges):
        inside = (s >= lo) & ((s < hi) if hi < 1 else (s <= hi))
        if inside.any():
            table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(inside.sum()), "mean_score": round(float(s[inside].mean()), 3),
                          "observed": round(float(t[inside].mean()), 3)})  # fmt: skip
    return table


def cross_validate(
    docs: Sequence[dict], *, seed: int = 0, folds: int = 5, repeats: int = 3,
    fit: Callable[..., cat.CategoryModel] = fit_model,
) -> dict:  # fmt: skip
    """Held-out scores of the model and of the keyword baseline on the same folds.

    Each of ``repeats`` runs deals the documents into ``folds`` folds with its
    own seed; every document is predicted once per run by a model that never
    saw it.  Scores pool all runs.
    """
    texts = [d["text"] for d in docs]
    y = label_matrix([d["labels"] for d in docs])
    baseline = label_matrix([cat.classify_by_keywords(t) for t in texts])
    model_pred, model_scores, truth, base_pred, tested = [], [], [], [], []
    for r in range(repeats):
        assignment = spread_folds(y, folds, np.random.default_rng(seed + 1000 * r))
        for f in range(folds):
            train, test = np.flatnonzero(assignment != f), np.flatnonzero(assignment == f)
            model = fit([texts[i] for i in train], y[train], seed=seed)
            scores = np.array([model.predict_proba(texts[i]) for i in test])
            model_scores.append(scores)
            model_pred.append((scores >= cat.THRESHOLD).astype(np.int8))
            truth.append(y[test])
            base_pred.append(baseline[test])
            tested.append(test)
    truth_all, scores_all, pred_all = np.vstack(truth), np.vstack(model_scores), np.vstack(model_pred)
    source = np.array([docs[i]["id"].split("/")[0] for i in np.concatenate(tested)])
    return {
        "documents": len(docs), "folds": folds, "repeats": repeats, "seed": seed,
        "model": score_labels(truth_all, pred_all),
        "baseline": score_labels(truth_all, np.vstack(base_pred)),
        "reliability": reliability(truth_all, scores_all),
        # the same held-out predictions per corpus: the labelers differ (dev gold vs dev-extra)
        "by_source": {name: score_labels(truth_all[source == name], pred_all[source == name])["micro_f1"]
                      for name in sorted(set(source))},
    }  # fmt: skip


def score_fresh(docs: Sequence[dict], is_fresh: Callable[[dict], bool], *, seed: int = 0,
                fit: Callable[..., cat.CategoryModel] = fit_model) -> dict:  # fmt: skip
    """Train on the documents that are not ``is_fresh``, score on those that are,
    next to the keyword rule: a held-out set that no choice of terms or
    settings has seen (the labeled batch added after the taxonomy was revised)."""
    old = [d for d in docs if not is_fresh(d)]
    new = [d for d in docs if is_fresh(d)]
    model = fit([d["text"] for d in old], label_matrix([d["labels"] for d in old]), seed=seed)
    y = label_matrix([d["labels"] for d in new])
    pred = np.array([model.predict_proba(d["text"]) >= cat.THRESHOLD for d in new], dtype=np.int8)
    rule = label_matrix([cat.classify_by_keywords(d["text"]) for d in new])
    return {"trained_on": len(old), "documents": len(new), "model": score_labels(y, pred),
            "baseline": score_labels(y, rule)}  # fmt: skip


def write_card(out_dir: Path, docs: Sequence[dict], cv: dict, model: cat.CategoryModel) -> None:
    """MODEL_CARD.md: data, date, features, held-out scores, how to retrain."""
    sources: dict[str, int] = {}
    for d in docs:
        sources[d["id"].split("/")[0]] = sources.get(d["id"].split("/")[0], 0) + 1
    support = label_matrix([d["labels"] for d in docs]).sum(axis=0)
    method = model.meta_.get("method")
    features = (
        f"character {NGRAMS[0]}-{NGRAMS[1]}-grams with document frequency >= {MIN_DF} ({len(model.vocab_)} kept), "
        "sublinear TF-IDF, unit norm; plus the keyword features below"
        if method == "chars"
        else "no n-grams: per label only its own keyword features"
    )
    lines = [
        "# Issue-category model (GENERATED by `zhnews train categories`, pipeline/train.py)",
        "",
        f"- Date: {model.meta_.get('date')}; seed {model.meta_.get('seed')}; scikit-learn LogisticRegression (liblinear), one per label.",
        f"- Shipped method: **{method}** (the better held-out micro-F1 of the methods below).",
        f"- Training data: {len(docs)} hand-labeled reports ({', '.join(f'{k}: {v}' for k, v in sorted(sources.items()))}); "
        "labels read against ../shared/spec/categories.md. No weak labels.",
        "- Label support: " + ", ".join(f"{code} {int(n)}" for code, n in zip(cat.LABELS, support, strict=True)) + ".",
        f"- Features: {features}. Keyword features per label (pipeline/data/categories.tsv, matched leftmost-longest, "
        f"phrases of categories_neutral.txt not counted): {cat.KEYWORD_WEIGHT} * log(1 + hits) of its terms and of its weak "
        f"terms, {cat.KEYWORD_WEIGHT} if any of its terms occurs; and log(1 + characters) / {cat.LENGTH_SCALE}. "
        f"C = {model.meta_.get('C')}.",
        "- Calibration: `chars`: Platt scaling per label on 5-fold out-of-fold decision values; `keywords`: the "
        "logistic output itself (no class weights). Labels are scores >= 0.5.",
        "- Files: `model.npz` (float arrays, load with `allow_pickle=False`) and `model.json` (labels, vocabulary, metadata). "
        "No pickle: loading runs no code.",
        "",
        f"## Held-out scores ({cv['repeats']} x {cv['folds']}-fold cross-validation, seed {cv['seed']}, same folds for all)",
        "",
        "| method | micro-F1 | macro-F1 |",
        "|---|---|---|",
        *[f"| model `{name}` | {m['micro_f1']} | {m['macro_f1']} |" for name, m in cv.get("methods", {}).items()],
        f"| keyword rule baseline (>= {cat.KEYWORD_MIN_HITS} term hits) | {cv['baseline']['micro_f1']} | {cv['baseline']['macro_f1']} |",
        "",
        f"Per label (shipped method `{method}`):",
        "",
        "| label | support | model F1 | baseline F1 |",
        "|---|---|---|---|",
    ]
    for code in cat.LABELS:
        m, b = cv["model"]["per_label"][code], cv["baseline"]["per_label"][code]
        lines.append(f"| {code} | {m['support'] // cv['repeats']} | {m['f1']} | {b['f1']} |")
    lines += [
        "",
        "Reliability of the held-out scores (all labels pooled):",
        "",
        "| score bin | n | mean score | observed rate |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r['bin']} | {r['n']} | {r['mean_score']} | {r['observed']} |" for r in cv["reliability"]]
    lines += [
        "",
        "## Retrain",
        "",
        "```",
        "zhnews train categories            # or: python -m pipeline.train categories --out models/categories --seed 0",
        "python benchmarks/categories.py    # model vs keyword baseline, chars vs jieba words",
        "```",
        "",
        "Add hand-labeled reports as `corpora/dev-extra/gold/*.json` (`clean`, `categories`, `url`) and retrain.",
        "Few documents: the rare labels (support under 10) have unstable F1; read the per-label table before trusting them.",
    ]
    (out_dir / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


FITTERS: dict[str, Callable[..., cat.CategoryModel]] = {"chars": fit_model, "keywords": fit_keyword_model}


def train_categories(out_dir: Path | str = cat.MODEL_DIR, *, seed: int = 0, docs: Sequence[dict] | None = None,
                     repeats: int = 3, date: str | None = None) -> dict:  # fmt: skip
    """Cross-validate each method, fit the best (held-out micro-F1) on all
    labeled documents, save arrays and card; return the held-out scores.

    The methods are the n-gram model (``chars``) and the calibrated keyword
    model (``keywords``); the plain keyword rule is scored alongside as the baseline.
    """
    out_dir = Path(out_dir)
    docs = list(docs if docs is not None else load_labeled())
    runs = {name: cross_validate(docs, seed=seed, repeats=repeats, fit=fit) for name, fit in FITTERS.items()}
    best = max(runs, key=lambda name: (runs[name]["model"]["micro_f1"], runs[name]["model"]["macro_f1"]))
    cv = dict(
        runs[best],
        method=best,
        methods={name: {m: run["model"][m] for m in ("micro_f1", "macro_f1")} for name, run in runs.items()},
    )
    model = FITTERS[best]([d["text"] for d in docs], label_matrix([d["labels"] for d in docs]), seed=seed)
    model.meta_["date"] = date or dt.date.today().isoformat()
    model.meta_["heldout"] = {"micro_f1": cv["model"]["micro_f1"], "macro_f1": cv["model"]["macro_f1"],
                              "baseline_micro_f1": cv["baseline"]["micro_f1"], "methods": cv["methods"]}  # fmt: skip
    model.save(out_dir)
    write_card(out_dir, docs, cv, model)
    return cv


def main(argv: Sequence[str] | None = None) -> int:
    """``train categories [--out DIR] [--seed N]``: prints the held-out scores as JSON."""
    parser = argparse.ArgumentParser(prog="zhnews train", description="Train a learned component.")
    parser.add_argument("what", choices=["categories"])
    parser.add_argument(
        "--out",
        default=str(cat.MODEL_DIR),
        help="output directory (default: the shipped model, pipeline/data/models/categories, linked from models/categories)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="cross-validation repeats for the held-out scores")
    args = parser.parse_args(argv)
    cv = train_categories(args.out, seed=args.seed, repeats=args.repeats)
    summary = {k: cv[k] for k in ("documents", "folds", "repeats", "method", "methods")}
    summary |= {m: {"micro_f1": cv[m]["micro_f1"], "macro_f1": cv[m]["macro_f1"]} for m in ("model", "baseline")}
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
