"""Counts (shared/spec/counts.md): case files, the seed example, and a dev-corpus floor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import load_case_file as load_cases

from pipeline.extract.counts import extract_counts

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
DEV_GOLD = ROOT.parent / "shared" / "dev" / "gold"
sys.path.insert(0, str(ROOT))

from benchmarks.score_counts import load_gold, score_corpus  # noqa: E402

# Measured with benchmarks/score_counts.py; floors only go up.
F1_FLOOR = 0.99
APPROX_FLOOR = 0.99
INDICATOR_FLOOR = 0.84




@pytest.mark.parametrize("case", load_cases("counts.json"))
def test_count_case(case):
    got = [[c.text, c.value, c.unit, c.approx, c.indicator] for c in extract_counts(case["text"])]
    assert got == case["expected"]


@pytest.mark.parametrize("case", [p.values[0] for p in load_cases("counts.json")], ids=lambda c: c["label"])
def test_spans_point_at_text(case):
    text = case["text"]
    for count in extract_counts(text):
        start, end = count.span
        assert text[start:end] == count.text
        assert count.text in count.evidence
        assert count.evidence in text


def test_range_value_max():
    (count,) = extract_counts("走访了两三个村民小组")
    assert (count.value, count.value_max) == (2.0, 3.0)


def test_object_and_action():
    (count,) = extract_counts("走访企业130家")
    assert (count.object, count.action, count.evidence) == ("企业", "走访", "走访企业130家")


def test_money_range():
    (count,) = extract_counts("各县区每年设立500万至1000万元的专项资金")
    assert (count.text, count.value, count.value_max, count.unit) == ("500万至1000万元", 500.0, 1000.0, "万元")


def test_empty_and_plain_text():
    assert extract_counts("") == []
    assert extract_counts("人大代表深入基层倾听民意。") == []


@pytest.mark.skipif(not DEV_GOLD.is_dir(), reason="dev corpus not present")
def test_dev_corpus_floor():
    result = score_corpus(load_gold(DEV_GOLD))
    assert result["f1"] >= F1_FLOOR
    assert result["approx_accuracy"] >= APPROX_FLOOR
    assert result["indicator_accuracy"] >= INDICATOR_FLOOR


def test_breakdown_items_point_at_their_total():
    counts = extract_counts("今年建成25个活动室,其中,区级1个、街道8个、社区16个。收集建议90件,其中办结80件。")
    assert [(c.text, c.indicator, c.part_of) for c in counts] == [
        ("25个", "platforms", None),
        ("1个", "platforms", 0),
        ("8个", "platforms", 0),
        ("16个", "platforms", 0),
        ("90件", "suggestions_collected", None),
        ("80件", "suggestions_resolved", None),
    ]
