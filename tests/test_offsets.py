"""Offsets: every span of the clean text maps back to its source in the original.

Unit tests of pipeline.clean.edits (apply_edits, Step.to_input, OffsetMap),
then the whole cascade on the dev raw texts and the seeds: numbers map to
the same digits, and passages map to originals that differ only by pinyin
annotations and script.
"""

from __future__ import annotations

import random
import re

import pytest
from conftest import load_dev_raw, load_seed_raw

from pipeline.clean import clean
from pipeline.clean.edits import Edit, OffsetMap, apply_edits
from pipeline.clean.pinyin import strip_pinyin
from pipeline.clean.script import convert_to_simplified

RAW = {**load_dev_raw(), **load_seed_raw()}
_NUMBER = re.compile(r"\d+")
# Cleaners whose edits only delete whole lines, pinyin brackets or line margins,
# or convert script: in texts with nothing else, a passage maps back exactly.
PLAIN_KINDS = {
    "pinyin_removed",
    "script_converted",
    "lines_removed",
    "chrome_lines",
    "spam_lines",
    "related_lines",
    "caption_lines",
    "metadata_lines",
    "header_lines",
    "tail_lines",
    "duplicate_paragraphs",
    "blank",
    "newlines",
}
SPANS_PER_LINE = 3


# -- apply_edits and Step.to_input --------------------------------------------


def test_deletion_maps_around_the_gap():
    out, step = apply_edits("社区(shèqū)举行", [Edit(2, 9, "", "pinyin_removed")])
    assert out == "社区举行"
    assert step.to_input(0) == 0
    assert step.to_input(2) == 9  # a span starting after the gap starts after the bracket
    assert step.to_input(2, is_end=True) == 2  # a span ending at the gap ends before the bracket
    assert step.to_input(4, is_end=True) == 11


def test_insertion_maps_to_its_point():
    out, step = apply_edits("甲乙", [Edit(1, 1, "丙丁", "test")])
    assert out == "甲丙丁乙"
    assert step.to_input(1) == 1
    assert step.to_input(2) == 1  # inside inserted text: the insertion point
    assert step.to_input(3, is_end=True) == 1
    assert step.to_input(3) == 1
    assert step.to_input(4, is_end=True) == 2


def test_same_length_replacement_maps_char_for_char():
    out, step = apply_edits("區人大常委會", [Edit(0, 6, "区人大常委会", "script_converted")])
    assert out == "区人大常委会"
    assert [step.to_input(i) for i in range(7)] == list(range(7))
    assert step.to_input(3, is_end=True) == 3


def test_longer_replacement_covers_its_source():
    out, step = apply_edits("共收集浜哄ぇ浠ｈ〃。", [Edit(3, 9, "人大代表", "mojibake")])
    assert out == "共收集人大代表。"
    assert step.to_input(4) == 3  # start inside the repair: the repair's start
    assert step.to_input(5, is_end=True) == 9  # end inside the repair: the repair's end
    assert step.to_input(7) == 9
    assert step.to_input(8, is_end=True) == 10


def test_end_at_deletion_point_closes_before_the_deletion():
    text = "甲乙丙丁"
    out, step = apply_edits(text, [Edit(1, 3, "", "test")])
    assert out == "甲丁"
    assert step.to_input(1, is_end=True) == 1
    assert step.to_input(1) == 3


def test_edits_are_sorted_and_overlaps_dropped():
    out, step = apply_edits("abcdef", [Edit(3, 5, "", "x"), Edit(0, 2, "", "x"), Edit(1, 4, "Z", "x")])
    assert out == "cf"
    assert len(step.edits) == 2


def test_offset_map_chains_steps():
    original = "社區(shèqū)舉行活動。\n\n"
    text1, step1 = apply_edits(original, [Edit(2, 9, "", "pinyin_removed")])
    text2, step2 = apply_edits(text1, [Edit(0, 6, "社区举行活动", "script_converted")])
    text3, step3 = apply_edits(text2, [Edit(7, 9, "", "blank_lines")])
    offsets = OffsetMap()
    for step in (step1, step2, step3):
        offsets.push(step)
    assert text3 == "社区举行活动。"
    assert offsets.to_original((0, 2)) == (0, 2)
    assert offsets.to_original((2, 4)) == (9, 11)
    assert offsets.to_original((0, 7)) == (0, 14)
    assert original[slice(*offsets.to_original((4, 6)))] == "活動"


def test_offset_map_skips_empty_steps():
    offsets = OffsetMap()
    offsets.push(apply_edits("甲", [])[1])
    assert offsets.steps == []
    assert offsets.to_original((0, 1)) == (0, 1)


# -- the whole cascade ---------------------------------------------------------


@pytest.fixture(scope="module")
def cleaned_raw() -> dict:
    return {stem: clean(text) for stem, text in RAW.items()}


@pytest.mark.parametrize("stem", sorted(RAW))
def test_numbers_map_to_the_same_digits(stem, cleaned_raw):
    cleaned = cleaned_raw[stem]
    for match in _NUMBER.finditer(cleaned.text):
        start, end = cleaned.to_original(match.span())
        assert match.group() in cleaned.original[start:end], (match.group(), cleaned.original[start:end])


@pytest.mark.parametrize("stem", sorted(RAW))
def test_whole_text_maps_inside_original(stem, cleaned_raw):
    cleaned = cleaned_raw[stem]
    start, end = cleaned.to_original((0, len(cleaned.text)))
    assert 0 <= start <= end <= len(cleaned.original)


def normalize_passage(passage: str) -> str:
    """What the cleaner does to a passage that no other edit touched."""
    return convert_to_simplified(strip_pinyin(passage))


def plain_stems(cleaned_raw: dict) -> list[str]:
    return [stem for stem, c in cleaned_raw.items() if set(c.noise.counters) - {"mojibake", "whitespace"} <= PLAIN_KINDS and not c.noise.counters.get("mojibake")]


def test_enough_plain_texts(cleaned_raw):
    assert len(plain_stems(cleaned_raw)) >= 20


def test_passages_map_back(cleaned_raw):
    """Each line of texts edited only by pinyin, script and whole-line
    cleaners maps to an original passage that, annotations stripped and
    converted, is the line; random spans inside the line map to the same
    characters of that passage (compared before conversion, which depends on
    the neighbouring characters: 什麼 → 什么 but 麼 alone → 幺)."""
    rng = random.Random(7)
    checked = 0
    for stem in plain_stems(cleaned_raw):
        cleaned = cleaned_raw[stem]
        pos = 0
        for line in cleaned.text.split("\n"):
            line_start, line_end = cleaned.to_original((pos, pos + len(line)))
            source = strip_pinyin(cleaned.original[line_start:line_end])
            assert normalize_passage(cleaned.original[line_start:line_end]) == line, stem
            if len(source) == len(line):  # no length-changing phrase conversion in this line
                for _ in range(SPANS_PER_LINE):
                    a, b = sorted(rng.sample(range(len(line) + 1), 2))
                    start, end = cleaned.to_original((pos + a, pos + b))
                    assert line_start <= start <= end <= line_end
                    assert strip_pinyin(cleaned.original[start:end]) == source[a:b], (stem, line[a:b])
                    checked += 1
            pos += len(line) + 1
    assert checked > 100
