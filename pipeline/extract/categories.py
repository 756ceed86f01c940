"""Issue categories of a report (../shared/spec/categories.md), with evidence.

Two classifiers share one feature pass:

1. ``classify_by_keywords``: the baseline.  A label applies when its signal
   terms (``pipeline/data/categories.tsv``) occur at least twice.
2. ``classify_categories``: the shipped model, trained with scikit-learn by
   ``zhnews train categories`` (``pipeline/train.py``) and stored as plain
   arrays in ``models/categories/`` (``model.npz`` loaded with
   ``allow_pickle=False``, ``model.json`` for labels and vocabulary): loading
   it executes no code.  One linear map covers both trained methods, and
   training ships the one with the better held-out micro-F1:
   ``chars`` (sublinear TF-IDF of a fixed vocabulary of character 2-3-grams
   plus keyword features, Platt-calibrated on out-of-fold decision values) or
   ``keywords`` (per label a logistic regression on its own keyword features:
   log(1 + hits) and the rule hits >= 2).  Every feature is found in one
   Aho-Corasick pass over the text (no per-character Python loop).  Scores are
   calibrated on held-out reports (MODEL_CARD.md has the reliability table);
   0.5 or more is a label.

``category_evidence`` gives the sentences that carry a label: those whose
features contribute most to the label's linear score.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick
import numpy as np

from pipeline.types import Category, Span

DATA = Path(__file__).resolve().parents[1] / "data"
TAXONOMY_FILE = DATA / "categories.tsv"
# Shipped inside the package so that any install (not only an editable one)
# classifies; the repository's models/categories links here.
MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models" / "categories"
THRESHOLD = 0.5
KEYWORD_MIN_HITS = 2
KEYWORD_WEIGHT = 0.5  # scale of the log(1 + hits) keyword features next to the unit-norm TF-IDF part


_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")


@dataclass(frozen=True)
class LabelInfo:
    code: str
    zh: str
    description: str
    terms: tuple[str, ...]


def load_taxonomy(path: Path = TAXONOMY_FILE) -> list[LabelInfo]:
    """Read the taxonomy TSV: ``code  中文  description  term|term|...``."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("code\t"):
            continue
        code, zh, description, terms = line.split("\t")
        rows.append(LabelInfo(code, zh, description, tuple(t for t in terms.split("|") if t)))
    return rows


TAXONOMY = load_taxonomy()
LABELS: tuple[str, ...] = tuple(info.code for info in TAXONOMY)
LABEL_INDEX = {code: i for i, code in enumerate(LABELS)}
N_KEYWORD_FEATURES = 2 * len(LABELS)


def build_automaton(vocab: list[str] | tuple[str, ...], taxonomy: list[LabelInfo] = TAXONOMY) -> ahocorasick.Automaton:
    """One automaton for vocabulary n-grams and signal terms.

    Each key maps to ``(feature index or -1, labels whose signal term it is)``,
    so a single ``iter`` over the text yields both kinds of feature.
    """
    terms: dict[str, list[int]] = {}
    for i, info in enumerate(taxonomy):
        for term in info.terms:
            terms.setdefault(term, []).append(i)
    automaton = ahocorasick.Automaton()
    for key in set(vocab) | set(terms):
        automaton.add_word(key, (-1, tuple(terms.get(key, ()))))
    for j, key in enumerate(vocab):
        automaton.add_word(key, (j, tuple(terms.get(key, ()))))
    automaton.make_automaton()
    return automaton


def count_matches(text: str, automaton: ahocorasick.Automaton, n_labels: int) -> tuple[dict[int, int], list[int]]:
    """Vocabulary counts ``{feature: n}`` and signal-term hits per label."""
    counts: dict[int, int] = {}
    hits = [0] * n_labels
    if not text or len(automaton) == 0:
        return counts, hits
    for _end, (feature, labels) in automaton.iter(text):
        if feature >= 0:
            counts[feature] = counts.get(feature, 0) + 1
        for label in labels:
            hits[label] += 1
    return counts, hits


def weigh_features(counts: dict[int, int], hits: list[int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sparse feature vector ``(indices, values)``: unit-norm sublinear TF-IDF
    over the vocabulary, then ``KEYWORD_WEIGHT * log(1 + hits)`` per label at
    index ``len(idf) + label``."""
    n_vocab = len(idf)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    vals = (1.0 + np.log(tf)) * idf[idx] if len(idx) else tf
    norm = math.sqrt(float(vals @ vals)) if len(idx) else 0.0
    if norm:
        vals = vals / norm
    kw_idx, kw_vals = weigh_keyword_hits(hits, n_vocab)
    return np.concatenate([idx, kw_idx]), np.concatenate([vals, kw_vals])


def weigh_keyword_hits(hits: list[int], offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Two features per label: ``KEYWORD_WEIGHT * log(1 + hits)`` at ``offset + label``
    and the baseline's rule (hits >= ``KEYWORD_MIN_HITS``) at ``offset + n_labels + label``,
    so the linear model can start from the rule and correct it."""
    n = len(hits)
    idx = [offset + i for i, h in enumerate(hits) if h]
    vals = [KEYWORD_WEIGHT * math.log1p(h) for h in hits if h]
    idx += [offset + n + i for i, h in enumerate(hits) if h >= KEYWORD_MIN_HITS]
    vals += [KEYWORD_WEIGHT] * (len(idx) - len(vals))
    return np.array(idx, dtype=np.int64), np.array(vals, dtype=np.float64)


class CategoryModel:
    """The linear model as plain arrays: ``coef_`` (labels x features),
    ``intercept_``, Platt ``platt_a_``/``platt_b_`` and the vocabulary's ``idf_``."""

    def __init__(self, labels, vocab, idf, coef, intercept, platt_a, platt_b, meta=None):
        self.labels_ = tuple(labels)
        self.vocab_ = list(vocab)
        self.idf_ = np.asarray(idf, dtype=np.float64)
        self.coef_ = np.asarray(coef, dtype=np.float64)
        self.intercept_ = np.asarray(intercept, dtype=np.float64)
        self.platt_a_ = np.asarray(platt_a, dtype=np.float64)
        self.platt_b_ = np.asarray(platt_b, dtype=np.float64)
        self.meta_ = dict(meta or {})
        self.automaton_ = build_automaton(self.vocab_)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts, hits = count_matches(text, self.automaton_, len(LABELS))
        return weigh_features(counts, hits, self.idf_)

    def decision_function(self, text: str) -> np.ndarray:
        idx, vals = self.features(text)
        return self.coef_[:, idx] @ vals + self.intercept_

    def predict_proba(self, text: str) -> np.ndarray:
        return calibrate_scores(self.decision_function(text), self.platt_a_, self.platt_b_)

    def save(self, out_dir: Path) -> None:
        """``model.npz`` (numbers) and ``model.json`` (labels, vocabulary, metadata)."""
        out_dir.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            out_dir / "model.npz",
            idf=self.idf_.astype(np.float32),
            coef=self.coef_.astype(np.float32),
            intercept=self.intercept_,
            platt_a=self.platt_a_,
            platt_b=self.platt_b_,
        )
        doc = {"labels": list(self.labels_), "vocab": self.vocab_, "meta": self.meta_}
        (out_dir / "model.json").write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def calibrate_scores(decision: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Platt scaling: ``1 / (1 + exp(-(a * d + b)))``, clipped to [0, 1]."""
    return 1.0 / (1.0 + np.exp(-np.clip(a * decision + b, -50.0, 50.0)))


def load_model(model_dir: Path = MODEL_DIR) -> CategoryModel:
    """Load the shipped arrays; no pickle, so a model file cannot run code."""
    with np.load(model_dir / "model.npz", allow_pickle=False) as arrays:
        numbers = {key: arrays[key] for key in arrays.files}
    doc = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    if tuple(doc["labels"]) != LABELS:
        raise ValueError(f"model labels {doc['labels']} differ from the taxonomy {LABELS}")
    return CategoryModel(
        doc["labels"], doc["vocab"], numbers["idf"], numbers["coef"], numbers["intercept"],
        numbers["platt_a"], numbers["platt_b"], doc.get("meta"),
    )  # fmt: skip


@cache
def shipped_model() -> CategoryModel:
    return load_model()


def classify_categories(text: str, *, model: CategoryModel | None = None) -> list[Category]:
    """Every label with its calibrated score, highest first (ties by code).

    Labels scored ``THRESHOLD`` (0.5) or more are the document's labels.
    """
    model = model or shipped_model()
    scores = model.predict_proba(text)
    ranked = sorted(zip(model.labels_, scores, strict=True), key=lambda pair: (-pair[1], pair[0]))
    return [Category(label, round(float(score), 4)) for label, score in ranked]


def document_labels(categories: list[Category]) -> list[str]:
    """The labels that apply: score >= 0.5."""
    return [c.label for c in categories if c.score >= THRESHOLD]


@cache
def keyword_automaton() -> ahocorasick.Automaton:
    return build_automaton([])


def count_keyword_hits(text: str) -> list[int]:
    """Occurrences of each label's signal terms, in ``LABELS`` order."""
    return count_matches(text, keyword_automaton(), len(LABELS))[1]


def classify_by_keywords(text: str, *, min_hits: int = KEYWORD_MIN_HITS) -> list[str]:
    """The keyword-rule baseline: labels whose signal terms occur ``min_hits`` times.

    >>> classify_by_keywords("代表联络站收集到停车难、乱停车问题")
    ['transport', 'deputy_work']
    """
    hits = count_keyword_hits(text)
    return [code for code, n in zip(LABELS, hits, strict=True) if n >= min_hits]


def split_sentences(text: str) -> list[Span]:
    """Sentence spans, cut after 。！？； and at line breaks.

    >>> split_sentences("一句。两句！\\n三")
    [(0, 3), (3, 6), (7, 8)]
    """
    return [m.span() for m in _SENTENCE.finditer(text)]


def category_evidence(text: str, label: str, *, model: CategoryModel | None = None, share: float = 0.3) -> list[Span]:
    """Spans of the sentences that carry ``label``, in text order.

    A sentence's weight is the sum of the label's feature contributions that
    fall inside it (the TF-IDF weight of each n-gram occurrence times the
    label's coefficient, plus its signal terms).  Sentences with a positive
    weight of at least ``share`` of the best one are kept; none when no
    sentence speaks for the label.
    """
    model = model or shipped_model()
    k = LABEL_INDEX[label]
    sentences = split_sentences(text)
    if not sentences:
        return []
    idx, vals = model.features(text)
    weight_of = dict(zip(idx.tolist(), (model.coef_[k, idx] * vals).tolist(), strict=True))
    counts, _ = count_matches(text, model.automaton_, len(LABELS))
    kw_weight = model.coef_[k, len(model.idf_) + k] * KEYWORD_WEIGHT
    ends = np.array([end for _, end in sentences])
    sentence_weight = np.zeros(len(sentences))
    for end, (feature, labels) in model.automaton_.iter(text):
        s = min(int(np.searchsorted(ends, end, side="right")), len(sentences) - 1)
        if feature >= 0:
            sentence_weight[s] += weight_of.get(feature, 0.0) / counts[feature]
        if k in labels:
            sentence_weight[s] += kw_weight
    best = float(sentence_weight.max())
    if best <= 0:
        return []
    return [span for span, w in zip(sentences, sentence_weight, strict=True) if w > 0 and w >= share * best]


def classify_with_evidence(
    text: str, *, model: CategoryModel | None = None
) -> tuple[list[Category], dict[str, list[Span]]]:
    """Scores for all labels, and evidence spans for the labels that apply."""
    categories = classify_categories(text, model=model)
    evidence = {c.label: category_evidence(text, c.label, model=model) for c in categories if c.score >= THRESHOLD}
    return categories, evidence
