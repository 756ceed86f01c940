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
NEUTRAL_FILE = DATA / "categories_neutral.txt"
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
    terms: tuple[str, ...]  # specific: one names a concrete matter of the label
    weak_terms: tuple[str, ...] = ()  # generic words of the area, often in passing

    @property
    def all_terms(self) -> tuple[str, ...]:
        return self.terms + self.weak_terms


def load_taxonomy(path: Path = TAXONOMY_FILE) -> list[LabelInfo]:
    """Read the taxonomy TSV: ``code  中文  description  term|term|...  weak|weak|...``."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("code\t"):
            continue
        code, zh, description, terms, *weak = line.split("\t")
        split = lambda field: tuple(t for t in field.split("|") if t)  # noqa: E731
        rows.append(LabelInfo(code, zh, description, split(terms), split(weak[0]) if weak else ()))
    return rows


TAXONOMY = load_taxonomy()
LABELS: tuple[str, ...] = tuple(info.code for info in TAXONOMY)
LABEL_INDEX = {code: i for i, code in enumerate(LABELS)}
# three per label (see weigh_keyword_hits) and one shared: the report's length
N_KEYWORD_FEATURES = 3 * len(LABELS) + 1
LENGTH_SCALE = 5.0  # log(1 + chars) / LENGTH_SCALE is about 1 for a 150-char report, 1.6 for 3,000


def load_neutral_phrases(path: Path = NEUTRAL_FILE) -> list[str]:
    """Phrases in which a signal term says nothing of its label (``营商环境`` is
    not ``environment``, ``高质量发展`` is a slogan): one per line, ``#`` comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def build_term_automaton(
    taxonomy: list[LabelInfo] = TAXONOMY, neutral: list[str] | tuple[str, ...] = ()
) -> ahocorasick.Automaton:
    """Signal terms -> ``((label, weak), ...)``, the labels they signal and
    whether as a weak term; neutral phrases -> no label.

    Matched leftmost-longest (``iter_long``), so a term inside a longer term or
    neutral phrase does not count: ``营商环境`` is one business_env hit, not
    also an environment hit for ``环境``.
    """
    labels_of: dict[str, list[tuple[int, bool]]] = {phrase: [] for phrase in neutral}
    for i, info in enumerate(taxonomy):
        for term in info.terms:
            labels_of.setdefault(term, []).append((i, False))
        for term in info.weak_terms:
            labels_of.setdefault(term, []).append((i, True))
    automaton = ahocorasick.Automaton()
    for key, labels in labels_of.items():
        automaton.add_word(key, tuple(labels))
    automaton.make_automaton()
    return automaton


def build_ngram_automaton(vocab: list[str] | tuple[str, ...]) -> ahocorasick.Automaton | None:
    """Vocabulary n-gram -> feature index (overlapping matches: every n-gram counts)."""
    if not vocab:
        return None
    automaton = ahocorasick.Automaton()
    for j, key in enumerate(vocab):
        automaton.add_word(key, j)
    automaton.make_automaton()
    return automaton


@cache
def shipped_term_automaton() -> ahocorasick.Automaton:
    return build_term_automaton(TAXONOMY, load_neutral_phrases())


def iter_term_hits(text: str, automaton: ahocorasick.Automaton | None = None):
    """``(end, ((label, weak), ...))`` for each leftmost-longest signal-term match; ``end`` is inclusive."""
    if automaton is None:
        automaton = shipped_term_automaton()
    if not text:
        return iter(())
    return ((end, labels) for end, labels in automaton.iter_long(text) if labels)


def count_tiered_hits(
    text: str, automaton: ahocorasick.Automaton | None = None, n_labels: int = len(LABELS)
) -> tuple[list[int], list[int]]:
    """Occurrences of each label's terms and of its weak terms, in ``LABELS`` order."""
    return tally_tiers(iter_term_hits(text, automaton), n_labels)


def tally_tiers(term_hits, n_labels: int = len(LABELS)) -> tuple[list[int], list[int]]:
    """Per label, the hits of its terms and of its weak terms, from ``iter_term_hits``' pairs."""
    strong, weak = [0] * n_labels, [0] * n_labels
    for _end, labels in term_hits:
        for label, is_weak in labels:
            (weak if is_weak else strong)[label] += 1
    return strong, weak


def count_term_hits(
    text: str, automaton: ahocorasick.Automaton | None = None, n_labels: int = len(LABELS)
) -> list[int]:
    """Occurrences of each label's signal terms of both tiers, in ``LABELS`` order."""
    strong, weak = count_tiered_hits(text, automaton, n_labels)
    return [s + w for s, w in zip(strong, weak, strict=True)]


def weigh_features(
    counts: dict[int, int], hits: tuple[list[int], list[int]], idf: np.ndarray, n_chars: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse feature vector ``(indices, values)``: unit-norm sublinear TF-IDF
    over the vocabulary, then the keyword block (``weigh_keyword_hits``) from
    index ``len(idf)``; ``hits`` is ``count_tiered_hits``'s pair."""
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    vals = (1.0 + np.log(tf)) * idf[idx] if len(idx) else tf
    norm = math.sqrt(float(vals @ vals)) if len(idx) else 0.0
    if norm:
        vals = vals / norm
    kw_idx, kw_vals = weigh_keyword_hits(*hits, len(idf), n_chars)
    return np.concatenate([idx, kw_idx]), np.concatenate([vals, kw_vals])


def weigh_keyword_hits(strong: list[int], weak: list[int], offset: int, n_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """The keyword block, from ``offset``.  Per label: ``KEYWORD_WEIGHT * log(1 + hits)``
    of its terms (at ``offset + label``) and of its weak terms (at ``offset + n + label``),
    and ``KEYWORD_WEIGHT`` when one of its specific terms occurs at all (at
    ``offset + 2n + label``: one concrete item is enough, says the spec).  Then
    ``log(1 + n_chars) / LENGTH_SCALE`` (at ``offset + 3n``), because a long report
    repeats a word more often for the same relevance than a short one."""
    n = len(strong)
    idx = [offset + i for i, h in enumerate(strong) if h]
    vals = [KEYWORD_WEIGHT * math.log1p(h) for h in strong if h]
    idx += [offset + n + i for i, h in enumerate(weak) if h]
    vals += [KEYWORD_WEIGHT * math.log1p(h) for h in weak if h]
    idx += [offset + 2 * n + i for i, h in enumerate(strong) if h]
    vals += [KEYWORD_WEIGHT] * (len(idx) - len(vals))
    idx.append(offset + 3 * n)
    vals.append(math.log1p(n_chars) / LENGTH_SCALE)
    return np.array(idx, dtype=np.int64), np.array(vals, dtype=np.float64)


@dataclass
class TextMatches:
    """One text's matches, found once and shared by scoring and evidence:
    every vocabulary n-gram occurrence (``ngram_end`` inclusive, ``ngram_feature``)
    and every leftmost-longest signal-term hit (``(end, ((label, weak), ...))``)."""

    n_chars: int
    ngram_end: np.ndarray
    ngram_feature: np.ndarray
    term_hits: list

    def ngram_counts(self) -> dict[int, int]:
        # in order of first occurrence, the order the training features were summed in
        features, first, counts = np.unique(self.ngram_feature, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        return dict(zip(features[order].tolist(), counts[order].tolist(), strict=True))

    def tiered_hits(self, n_labels: int = len(LABELS)) -> tuple[list[int], list[int]]:
        return tally_tiers(self.term_hits, n_labels)


def match_text(text: str, ngram_automaton: ahocorasick.Automaton | None) -> TextMatches:
    """One pass of each automaton over ``text``."""
    hits = list(ngram_automaton.iter(text)) if ngram_automaton is not None and text else []
    ends = np.fromiter((end for end, _ in hits), dtype=np.int64, count=len(hits))
    features = np.fromiter((feature for _, feature in hits), dtype=np.int64, count=len(hits))
    return TextMatches(len(text), ends, features, list(iter_term_hits(text)))


def weigh_matches(matches: TextMatches, idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The feature vector of a text from its matches (``weigh_features``)."""
    return weigh_features(matches.ngram_counts(), matches.tiered_hits(), idf, matches.n_chars)


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
        self.ngram_automaton_ = build_ngram_automaton(self.vocab_)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self.features_of(match_text(text, self.ngram_automaton_))

    def features_of(self, matches: TextMatches) -> tuple[np.ndarray, np.ndarray]:
        return weigh_matches(matches, self.idf_)

    def decision_function(self, text: str) -> np.ndarray:
        idx, vals = self.features(text)
        return self.coef_[:, idx] @ vals + self.intercept_

    def predict_proba(self, text: str) -> np.ndarray:
        return calibrate_scores(self.decision_function(text), self.platt_a_, self.platt_b_)

    def proba_of(self, features: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        idx, vals = features
        return calibrate_scores(self.coef_[:, idx] @ vals + self.intercept_, self.platt_a_, self.platt_b_)

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
    expected = len(numbers["idf"]) + N_KEYWORD_FEATURES
    if numbers["coef"].shape != (len(LABELS), expected):
        raise ValueError(
            f"model weights {numbers['coef'].shape} do not fit this version's features ({len(LABELS)}, {expected}): "
            "retrain with `zhnews train categories`"
        )
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
    return rank_categories(model, model.predict_proba(text))


def rank_categories(model: CategoryModel, scores: np.ndarray) -> list[Category]:
    ranked = sorted(zip(model.labels_, scores, strict=True), key=lambda pair: (-pair[1], pair[0]))
    return [Category(label, round(float(score), 4)) for label, score in ranked]


def document_labels(categories: list[Category]) -> list[str]:
    """The labels that apply: score >= 0.5."""
    return [c.label for c in categories if c.score >= THRESHOLD]


def classify_by_keywords(text: str, *, min_hits: int = KEYWORD_MIN_HITS) -> list[str]:
    """The keyword-rule baseline: labels whose signal terms occur ``min_hits`` times.

    >>> classify_by_keywords("代表联络站收集到停车难、乱停车问题")
    ['transport', 'deputy_work']
    """
    hits = count_term_hits(text)
    return [code for code, n in zip(LABELS, hits, strict=True) if n >= min_hits]


def split_sentences(text: str) -> list[Span]:
    """Sentence spans, cut after 。！？； and at line breaks.

    >>> split_sentences("一句。两句！\\n三")
    [(0, 3), (3, 6), (7, 8)]
    """
    return [m.span() for m in _SENTENCE.finditer(text)]


EVIDENCE_SHARE = 0.3  # a sentence is evidence when it weighs at least this share of the best one


def sentence_weights(
    sentences: list[Span],
    labels: list[int],
    model: CategoryModel,
    matches: TextMatches,
    features: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """``labels x sentences``: how much each sentence adds to each label's linear score.

    From the text's matches (found once): every n-gram occurrence adds its
    share of the feature's TF-IDF value times the label's coefficient; every
    signal term of a label adds what one hit of its tier is worth (never less
    than a small positive: the terms signal the label by construction).
    """
    ends = np.fromiter((end for _, end in sentences), dtype=np.int64, count=len(sentences))
    weights = np.zeros((len(labels), len(sentences)))
    rows = np.asarray(labels, dtype=np.int64)
    if len(matches.ngram_feature):
        idx, vals = features
        n_vocab = len(model.idf_)
        value = np.zeros(n_vocab)
        in_vocab = idx < n_vocab
        value[idx[in_vocab]] = vals[in_vocab]
        hit_feature = matches.ngram_feature
        per_hit = value[hit_feature] / np.bincount(hit_feature, minlength=n_vocab)[hit_feature]
        sentence = np.minimum(np.searchsorted(ends, matches.ngram_end, side="right"), len(sentences) - 1)
        for row, k in enumerate(rows):
            weights[row] += np.bincount(
                sentence, weights=model.coef_[k, hit_feature] * per_hit, minlength=len(sentences)
            )
    offset, n = len(model.idf_), len(LABELS)
    row_of = {int(k): row for row, k in enumerate(rows)}
    for end, hit_labels in matches.term_hits:
        for k, is_weak in hit_labels:
            row = row_of.get(k)
            if row is None:
                continue
            coef = (
                model.coef_[k, offset + n + k]
                if is_weak
                else model.coef_[k, offset + k] + model.coef_[k, offset + 2 * n + k]
            )
            s = min(int(np.searchsorted(ends, end, side="right")), len(sentences) - 1)
            weights[row, s] += max(float(coef) * KEYWORD_WEIGHT, 1e-3)
    return weights


def select_evidence(sentences: list[Span], weights: np.ndarray, share: float = EVIDENCE_SHARE) -> list[Span]:
    """The sentences with a positive weight of at least ``share`` of the best one, in text order."""
    best = float(weights.max()) if len(weights) else 0.0
    if best <= 0:
        return []
    return [span for span, w in zip(sentences, weights, strict=True) if w > 0 and w >= share * best]


def category_evidence(
    text: str, label: str, *, model: CategoryModel | None = None, share: float = EVIDENCE_SHARE
) -> list[Span]:
    """Spans of the sentences that carry ``label``, in text order; none when no
    sentence speaks for it (``sentence_weights`` says how a sentence weighs)."""
    model = model or shipped_model()
    sentences = split_sentences(text)
    if not sentences:
        return []
    matches = match_text(text, model.ngram_automaton_)
    weights = sentence_weights(sentences, [LABEL_INDEX[label]], model, matches, model.features_of(matches))
    return select_evidence(sentences, weights[0], share)


def classify_with_evidence(
    text: str, *, model: CategoryModel | None = None
) -> tuple[list[Category], dict[str, list[Span]]]:
    """Scores for all labels, and evidence spans for the labels that apply (one pass for all of them)."""
    model = model or shipped_model()
    matches = match_text(text, model.ngram_automaton_)
    features = model.features_of(matches)
    categories = rank_categories(model, model.proba_of(features))
    applying = [LABEL_INDEX[c.label] for c in categories if c.score >= THRESHOLD]
    sentences = split_sentences(text)
    if not applying or not sentences:
        return categories, {LABELS[k]: [] for k in applying}
    weights = sentence_weights(sentences, applying, model, matches, features)
    return categories, {LABELS[k]: select_evidence(sentences, weights[row]) for row, k in enumerate(applying)}
