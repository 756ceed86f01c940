"""A report and its content-farm copy give the same record items.

The copy is made by the noise generator (tests/noise.py): pinyin after words
or characters, traditional / HK / TW script, chrome, spam lines, inserted
spam addresses, a repeated paragraph or the whole article pasted twice, a
watermark, an editor line.  Counts, departments and region must not change.
"""

from __future__ import annotations

import random
from collections import Counter

from conftest import load_dev_gold
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from noise import make_noisy

from pipeline.api import extract_text
from pipeline.clean import clean

FARM_NOISE = ("pinyin", "script", "chrome", "spam_lines", "inline_spam", "duplicate_paragraph", "paste_twice", "watermark", "editor")


def _stable_reports() -> list[str]:
    """Gold clean texts that the cleaner leaves as they are (the others are
    listed by the cleaning property tests as cleaner gaps)."""
    return [g["clean"] for g in load_dev_gold().values() if clean(g["clean"]).text == g["clean"]]


REPORTS = _stable_reports()


def items(text: str):
    record = extract_text(text)
    counts = Counter((c.value, c.unit, c.approx, c.indicator) for c in record.counts)
    departments = Counter((d.mention, d.function, d.level) for d in record.departments)
    region = (record.region.province, record.region.city, record.region.district, record.region.adcode)
    return counts, departments, region


@settings(max_examples=60, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    report=st.sampled_from(REPORTS),
    kinds=st.sets(st.sampled_from(FARM_NOISE), min_size=1, max_size=4),
    seed=st.integers(0, 2**16),
)
def test_copy_gives_the_same_counts_departments_and_region(report, kinds, seed):
    copy = make_noisy(report, random.Random(seed), kinds=kinds)
    original_items, copy_items = items(report), items(copy)
    assert copy_items[0] == original_items[0], "counts"
    assert copy_items[1] == original_items[1], "departments"
    assert copy_items[2] == original_items[2], "region"


def test_most_gold_reports_are_stable_under_cleaning():
    assert len(REPORTS) >= 55, len(REPORTS)
