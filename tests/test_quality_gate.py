"""The quality gate: scores on the development corpus never fall below the
floors pinned in benchmarks/floors.json (which only go up)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.clean_quality import evaluate as evaluate_cleaning
from benchmarks.quality import evaluate, evaluate_items, seed_items

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpora" / "dev"
FLOORS = json.loads((ROOT / "benchmarks" / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw_scores():
    return evaluate(DEV, "raw")


@pytest.fixture(scope="module")
def gold_scores():
    return evaluate(DEV, "gold")


@pytest.mark.parametrize("metric", sorted(FLOORS["raw"]))
def test_pipeline_on_raw_reports_meets_floor(raw_scores, metric):
    assert raw_scores[metric] >= FLOORS["raw"][metric], f"{metric} {raw_scores[metric]:.3f}"


@pytest.mark.parametrize("metric", sorted(FLOORS["gold"]))
def test_extractors_on_gold_text_meet_floor(gold_scores, metric):
    assert gold_scores[metric] >= FLOORS["gold"][metric], f"{metric} {gold_scores[metric]:.3f}"


@pytest.fixture(scope="module")
def holdout_scores():
    return evaluate(ROOT / "corpora" / "holdout", "raw")


@pytest.mark.parametrize("metric", sorted(FLOORS["holdout"]))
def test_pipeline_on_held_out_reports_meets_floor(holdout_scores, metric):
    """Reports labeled after the extractors were written and never tuned on."""
    assert holdout_scores[metric] >= FLOORS["holdout"][metric], f"{metric} {holdout_scores[metric]:.3f}"


@pytest.fixture(scope="module")
def seed_scores():
    return evaluate_items(seed_items(), "raw")


@pytest.mark.parametrize("metric", sorted(FLOORS["seeds"]))
def test_pipeline_on_seeds_meets_floor(seed_scores, metric):
    assert seed_scores[metric] >= FLOORS["seeds"][metric], f"{metric} {seed_scores[metric]:.3f}"


def test_no_document_fails(raw_scores):
    assert raw_scores["errors"] == []


def test_cleaning_quality_meets_floor():
    scores = evaluate_cleaning(DEV)
    floors = FLOORS["cleaning"]
    assert scores["cer"] <= floors["max_character_error_rate"], scores["cer"]
    assert scores["pinyin_left"] <= floors["max_pinyin_left"]
    assert scores["spam_left"] <= floors["max_spam_lines_left"]
    assert scores["brackets_lost"] <= floors["max_real_brackets_lost"]
