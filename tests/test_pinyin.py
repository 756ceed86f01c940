"""Inline pinyin annotations: case files, the seeds, and the dev corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import load_case_file as load_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean.edits import apply_edits
from pipeline.clean.pinyin import (
    CANDIDATE_RE,
    KIND,
    count_spelled_chars,
    find_pinyin_annotations,
    readings_of,
    split_annotation,
    strip_pinyin,
)

CASES = Path(__file__).resolve().parent / "cases"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
DEV_RAW = SHARED / "dev" / "raw"
DEV_GOLD = SHARED / "dev" / "gold"

# Annotations per seed (LIBRARIES.md: 933 on the five seeds, all real).
SEED_COUNTS = {"000": 62, "001": 399, "002": 0, "003": 231, "004": 241}




def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char >= "\U00020000"


@pytest.mark.parametrize("case", load_cases("pinyin.json"))
def test_strips_annotation(case):
    assert strip_pinyin(case["original"]) == case["expected"]


@pytest.mark.parametrize("case", load_cases("pinyin_negative.json"))
def test_keeps_real_brackets(case):
    assert find_pinyin_annotations(case["text"]) == []


def test_case_files_are_big_enough():
    assert len(load_cases("pinyin.json")) >= 30
    assert len(load_cases("pinyin_negative.json")) >= 20


def test_edits_are_deletions_of_the_bracket():
    text = "社区(shèqū)举行,推动(tuīdòng)(tuīdòng)落实"
    edits = find_pinyin_annotations(text)
    assert [text[e.start : e.end] for e in edits] == ["(shèqū)", "(tuīdòng)", "(tuīdòng)"]
    assert {(e.replacement, e.kind) for e in edits} == {("", KIND)}
    out, step = apply_edits(text, edits)
    assert out == "社区举行,推动落实"
    assert step.to_input(out.index("举")) == text.index("举")


def test_dp_tries_every_segmentation():
    assert count_spelled_chars("来到西安", 4, "xian", frozenset()) == 2
    assert count_spelled_chars("首先", 2, "xian", frozenset()) == 1
    assert count_spelled_chars("首先", 2, "xian", frozenset({2})) == 0
    assert count_spelled_chars("社区", 2, "shequ", frozenset()) == 2
    assert count_spelled_chars("社区", 2, "qushe", frozenset()) == 0


def test_split_annotation_cuts_at_separators():
    assert split_annotation("she4 qu1") == ("shequ", frozenset({3}))
    assert split_annotation("xī'ān") == ("xian", frozenset({2}))
    assert split_annotation("Lǜsè") == ("luse", frozenset())


def test_readings_cover_traditional_and_polyphones():
    assert "qu" in readings_of("區")
    assert {"hang", "xing"} <= readings_of("行")
    assert "ji" in readings_of("係")
    assert readings_of("摿") is not None  # mojibake character: no crash


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_annotations_all_removed(path):
    text = path.read_text(encoding="utf-8")
    edits = find_pinyin_annotations(text)
    assert len(edits) == SEED_COUNTS[path.name[:3]]
    stripped = apply_edits(text, edits)[0]
    # nothing that spells the characters before it is left, and on the seeds
    # every pinyin-looking bracket was an annotation
    assert find_pinyin_annotations(stripped) == []
    assert CANDIDATE_RE.search(stripped) is None


def dev_ids(noise: str | None = None) -> list[str]:
    rows = [json.loads(line) for line in (DEV_RAW / "index.jsonl").read_text().splitlines()]
    return [row["id"] for row in rows if noise is None or noise in row["noise"]]


@pytest.mark.parametrize("doc_id", dev_ids())
def test_dev_gold_clean_loses_no_bracket(doc_id):
    gold = json.loads((DEV_GOLD / f"{doc_id}.json").read_text(encoding="utf-8"))["clean"]
    assert find_pinyin_annotations(gold) == []


@pytest.mark.parametrize("doc_id", dev_ids("pinyin"))
def test_dev_raw_leftovers_follow_damaged_text(doc_id):
    """Whatever pinyin-looking bracket stays follows a non-Han (mojibake) char."""
    raw = (DEV_RAW / f"{doc_id}.txt").read_text(encoding="utf-8")
    stripped = strip_pinyin(raw)
    assert len(stripped) < len(raw)
    for match in CANDIDATE_RE.finditer(stripped):
        assert not is_han(stripped[match.start() - 1]), stripped[match.start() - 8 : match.end()]


PIECES = [*"社区西安先啊a ()“”", "(shequ)", "(she)", "(qu)", "(xian)", "(xi an)", "(LED)", "(a)"]


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_strip_is_idempotent(text):
    once = strip_pinyin(text)
    assert strip_pinyin(once) == once


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(st.text(max_size=60))
def test_never_raises(text):
    strip_pinyin(text)
