"""Traditional, Hong Kong and Taiwan forms to simplified, with OpenCC.

The configuration was chosen by round trips of the development corpus
(s2t/s2hk/s2tw and back; see tests/test_script.py): ``tw2s`` followed by
``hk2s`` came back exact but for one character on every variant, where
``t2s`` alone left 24 differences on s2tw text (着/著, 裡/里 ...).  ``tw2s``
turns every 著 into 着, so the mainland words that keep 著 (显著, 著名 ...)
are put back from a data file.  Text that is already simplified is returned
unchanged: the conversion only runs where ``hk2s`` would change something.
"""

from __future__ import annotations

import re
from functools import cache
from operator import ne

import opencc

from pipeline.clean.edits import Edit
from pipeline.data import read_lines


@cache
def _converters() -> tuple[opencc.OpenCC, opencc.OpenCC]:
    return opencc.OpenCC("tw2s"), opencc.OpenCC("hk2s")


@cache
def _zhe_pattern() -> re.Pattern[str]:
    words = sorted(read_lines("zhe_words.txt"), key=len, reverse=True)
    return re.compile("|".join(re.escape(word.replace("著", "着")) for word in words))


@cache
def _traditional_chars() -> re.Pattern[str]:
    """Every CJK character that the conversion changes, as one character class.

    Searching for one of them is several times faster than converting the
    whole text, and simplified reports (most of an archive) need no more.
    Built at first use from OpenCC itself, so it follows the installed
    dictionaries."""
    chars = [chr(c) for c in range(0x3400, 0xA000)] + [chr(c) for c in range(0xF900, 0xFB00)]
    joined = "\n".join(chars)
    # t2s and hk2s, not tw2s: tw2s maps some simplified characters to variants
    # when they stand alone (么 → 幺), which would flag simplified text.
    changed = {
        c
        for config in ("t2s", "hk2s")
        for c, new in zip(chars, opencc.OpenCC(config).convert(joined).split("\n"), strict=True)
        if new != c and c != "著"
    }
    return re.compile("[" + "".join(re.escape(c) for c in sorted(changed)) + "]")


def convert_to_simplified(text: str) -> str:
    """Convert one passage, keeping the mainland words written with 著.

    >>> convert_to_simplified("區人大常委會在這裡開展著活動,成效顯著")
    '区人大常委会在这里开展着活动,成效显著'
    """
    tw2s, hk2s = _converters()
    converted = hk2s.convert(tw2s.convert(text))
    if "着" in converted:
        converted = _zhe_pattern().sub(lambda m: m.group().replace("着", "著"), converted)
    return converted


def count_changed_chars(before: str, after: str) -> int:
    """Characters that differ position by position, plus the difference in length.

    >>> count_changed_chars("區人大常委會", "区人大常委会")
    2
    """
    return abs(len(before) - len(after)) + sum(map(ne, before, after))


def classify_script(han_chars: int, changed: int) -> str:
    """simplified | traditional | mixed, from the share of converted Han characters.

    Traditional text changes in roughly one character out of four to six;
    a handful of converted characters in simplified text is ``mixed``.
    """
    if changed == 0:
        return "simplified"
    if han_chars and changed / han_chars >= 0.08:
        return "traditional"
    return "mixed"


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")  # runs: far fewer matches than characters


def to_simplified(text: str) -> tuple[list[Edit], str]:
    """Edits that turn ``text`` simplified, and the script it was written in.

    Same-length lines become one same-length edit (offsets map character for
    character); a line whose length changes (rare phrase conversions) is one
    edit of its own.  The text is converted in one OpenCC call: no dictionary
    entry spans a line break, so it converts line by line all the same.
    """
    if not _traditional_chars().search(text):
        return [], "simplified"
    lines = text.split("\n")
    converted_lines = convert_lines(text, lines)
    edits: list[Edit] = []
    changed = 0
    pos = 0
    for line, converted in zip(lines, converted_lines, strict=True):
        if converted != line:
            changed += count_changed_chars(line, converted)
            edits.append(Edit(pos, pos + len(line), converted, "script_converted"))
        pos += len(line) + 1
    return edits, classify_script(count_han(text) if changed else 0, changed)


def count_han(text: str) -> int:
    """Characters of the CJK unified block, counted a run at a time.

    >>> count_han("區人大,2024年")
    4
    """
    return sum(map(len, _HAN_RUN.findall(text)))


def convert_lines(text: str, lines: list[str]) -> list[str]:
    """``convert_to_simplified`` of each line of ``text``, from one call where possible.

    A NUL would end the text for OpenCC's C API, and a line count that comes
    back different means the conversion crossed a line: then line by line.
    """
    if "\x00" not in text:
        converted = convert_to_simplified(text).split("\n")
        if len(converted) == len(lines):
            return converted
    return [convert_to_simplified(line) for line in lines]
