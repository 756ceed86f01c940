"""Publication dates: one line of metadata in, ``YYYY-MM-DD`` out.

News pages write the date in many shapes (2023-07-31 08:45, 2023/7/31,
2023.07.31, 2023年7月31日, 二〇二三年七月三十一日, 发布时间:2019-05-07).  A date
without a year (日期:08-27) gives ``None``: the year is never guessed, since
a wrong year silently moves a report into another period of a comparison.

``find_published`` picks the page's own date among the header lines (or a
signature date at the very end of an official letter), not a date told in
the narrative (2023年7月11日,…召开…).
"""

from __future__ import annotations

import re
from datetime import date

_FULLWIDTH = str.maketrans("０１２３４５６７８９／．－：", "0123456789/.-:")

_NUMERIC = re.compile(
    r"(?<![\d])((?:19|20)\d\d)\s*(?:"
    r"年\s*(\d{1,2})\s*月\s*(\d{1,2})(?!\d)"  # 2023年7月31日
    r"|([-/.])\s*(\d{1,2})\s*\4\s*(\d{1,2})(?!\d)"  # 2023-07-31, 2023/7/31, 2023.07.31
    r")"
)

_CN_DIGIT = "〇零○Ｏ一二三四五六七八九"
_CN_VALUE = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = r"(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_CHINESE = re.compile(rf"([{_CN_DIGIT}]{{4}})年({_CN_SMALL})月({_CN_SMALL})[日号]")

# A date right after one of these is not the page's publication date
# (交办日期:2015年2月9日, 截至2020年10月15日, 成立于2012年11月20日).
_NOT_PUBLISHED_BEFORE = re.compile(
    r"(?:交办|反馈|截至|截止|成立|答复|办结|签发|开工|竣工|完成|于|自|从|至|到)\s*(?:日期|时间)?\s*[:\uff1a]?\s*$"
)
_PUBLISHED_CUE = re.compile(r"(?:发布|發布|发表|發表|发文|更新|录入|上传)?(?:时间|時間|日期)\s*[:\uff1a|]|来源|來源")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_SENTENCE = re.compile(r"[。,\uff0c;\uff1b!\uff01?\uff1f]")
_HEADER_LINES = 15
_FOOTER_LINES = 5
_REST_MAX = 30
_CUE_LINE_MAX = 160


def _cn_number(s: str) -> int:
    """二十三 → 23, 十一 → 11, 七 → 7 (month and day numerals only)."""
    if "十" not in s:
        return _CN_VALUE[s]
    tens, _, ones = s.partition("十")
    return (_CN_VALUE[tens] if tens else 1) * 10 + (_CN_VALUE[ones] if ones else 0)


def _valid_iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_dates(s: str) -> list[tuple[str, int, int]]:
    """Every valid full date in ``s`` as ``(iso, start, end)``, in order.

    >>> [d for d, _, _ in find_dates("索引号:640100-142/2019-00027 发布日期:2019-07-16")]
    ['2019-07-16']
    """
    s = s.translate(_FULLWIDTH)
    found = []
    for m in _NUMERIC.finditer(s):
        year = int(m.group(1))
        month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(6))
        iso = _valid_iso(year, int(month), int(day))
        if iso:
            found.append((iso, m.start(), m.end()))
    for m in _CHINESE.finditer(s):
        year = int("".join(str(_CN_VALUE[c]) for c in m.group(1)))
        iso = _valid_iso(year, _cn_number(m.group(2)), _cn_number(m.group(3)))
        if iso:
            found.append((iso, m.start(), m.end()))
    return sorted(found, key=lambda item: item[1])


def parse_date(s: str) -> str | None:
    """The first complete, valid date in ``s`` as ``YYYY-MM-DD``, else None.

    >>> parse_date("来源:湖北人大网   时间:2023-07-31 08:45")
    '2023-07-31'
    >>> parse_date("二〇二三年七月三十一日")
    '2023-07-31'
    >>> parse_date("日期:08-27") is None
    True
    """
    if not s:
        return None
    found = find_dates(s)
    return found[0][0] if found else None


def published_on_line(line: str) -> str | None:
    """The date of a metadata line, or None when the line is narrative.

    A metadata line either names its date (发布时间:, 时间:, next to 来源) or
    is short once the date and time are taken out (2024年01月07日  吴戈 雷梦,
    长寿日报杨敏2018-06-25 09:36).  A date after 截至/交办日期 is another event.
    """
    for iso, start, end in find_dates(line):
        if _NOT_PUBLISHED_BEFORE.search(line[max(0, start - 6) : start]):
            continue
        if _PUBLISHED_CUE.search(line) and len(line) <= _CUE_LINE_MAX and "。" not in line:
            return iso
        rest = _TIME.sub("", line[:start] + line[end:]).strip()
        if len(rest) <= _REST_MAX and not _SENTENCE.search(rest):
            return iso
    return None


def find_published(lines: list[str]) -> tuple[str | None, int | None]:
    """The publication date of a page and the index of its line.

    1. The first metadata date line among the first header lines.
    2. Else a line that is only a date among the last lines (the signature
       date of an official letter or notice).

    >>> find_published(["标题", "2023年7月11日,区人大召开会议。", "发布时间:2023-07-31 08:45"])
    ('2023-07-31', 2)
    """
    for i, line in enumerate(lines[:_HEADER_LINES]):
        iso = published_on_line(line.strip())
        if iso:
            return iso, i
    start = max(0, len(lines) - _FOOTER_LINES)
    for i in range(len(lines) - 1, start - 1, -1):
        line = lines[i].strip()
        found = find_dates(line)
        if len(found) == 1 and len(_TIME.sub("", line).strip()) - (found[0][2] - found[0][1]) <= 1:
            return found[0][0], i
    return None, None
