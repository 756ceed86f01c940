"""The cleaner on case files: one file per noise type, and texts that must not change.

Schema: tests/cases/README.md.  Known gaps are ``xfail`` in the case file.
"""

from __future__ import annotations

import pytest
from conftest import CASES, load_case_file

from pipeline.clean import clean

NOISE_TYPES = (
    "chrome",
    "spam",
    "captions",
    "metadata_lines",
    "title",
    "repeats",
    "watermark",
    "inline_spam",
    "stray_tokens",
    "image_filenames",
    "script",
    "doubled_punct",
    "mojibake",
)
MIN_CASES = 5
MIN_MUST_NOT_CHANGE = 25

CASE_PARAMS = [param for name in NOISE_TYPES for param in load_case_file(f"clean_{name}.json")]


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_clean_case(case):
    cleaned = clean(case["original"])
    assert cleaned.text == case["expected"]
    for counter, value in case.get("noise", {}).items():
        assert cleaned.noise.counters.get(counter, 0) == value, counter
    for field, value in case.get("metadata", {}).items():
        assert getattr(cleaned.metadata, field) == value, field


@pytest.mark.parametrize("case", load_case_file("must_not_change.json"))
def test_must_not_change(case):
    cleaned = clean(case["text"])
    assert cleaned.text == case["text"]
    assert cleaned.noise.counters.get("lines_removed", 0) == 0
    assert cleaned.noise.counters.get("pinyin_removed", 0) == 0
    assert cleaned.noise.script == "simplified"


@pytest.mark.parametrize("case", load_case_file("must_not_change.json"))
def test_must_not_change_maps_to_itself(case):
    """Nothing edited: every offset of the clean text is the same offset of the original."""
    cleaned = clean(case["text"])
    n = len(cleaned.text)
    assert cleaned.to_original((0, n)) == (0, n)


@pytest.mark.parametrize("name", NOISE_TYPES)
def test_case_file_is_big_enough(name):
    assert len(load_case_file(f"clean_{name}.json")) >= MIN_CASES


def test_must_not_change_is_big_enough():
    assert len(load_case_file("must_not_change.json")) >= MIN_MUST_NOT_CHANGE


def test_case_files_follow_the_schema():
    for path in [*sorted(CASES.glob("clean_*.json")), CASES / "must_not_change.json"]:
        for param in load_case_file(path.name):
            case = param.values[0]
            keys = set(case)
            assert {"label", "comment"} <= keys, (path.name, case)
            assert ("original" in keys and "expected" in keys) or "text" in keys, (path.name, case["label"])
            assert keys <= {"label", "comment", "original", "expected", "text", "noise", "metadata", "xfail"}, (path.name, keys)
