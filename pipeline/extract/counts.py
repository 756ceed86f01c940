"""Counts: numbers with a measure word or a percent sign (shared/spec/counts.md).

``extract_counts(text)`` reads the clean text and never changes it.  One
compiled regex finds every candidate ``[approx word] numeral [余/多] measure
word [以上/左右]``; the grammar around it then decides whether it is a count:

1. the numeral must be a real quantity: not an ordinal (第三个, 前8名), not
   a code (G210, 12345热线 has no measure word anyway), not rhetorical 一
   (一批, 一件建议) or 二 (二次供水), not a bare 万/千 (万家灯火);
2. the measure word must be one: not part of another word (三部门), not a
   duration (两个月), not a session ordinal (十四届人大三次会议);
3. it must not sit inside a name: a short quoted brand (“七个直通”),
   a book title (《…》) or a fixed phrase of the exclusions file.

Units, approximation words, cue words and exclusions are data files
(``pipeline/data/counts_*.txt``) read once at import.  Money keeps its
scale in the unit (364万元 → 364 万元), every other 万/亿 is folded into the
value (19.5万吨 → 195000 吨), as the dev gold does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal

from pipeline.data import read_lines, read_sections
from pipeline.extract.numerals import CN_DIGIT_CHARS, parse_decimal
from pipeline.types import Count


def load_units() -> dict[str, str]:
    """``unit -> kind`` (count, measure, money, percent) from counts_units.txt."""
    units = {}
    for line in read_lines("counts_units.txt"):
        unit, kind = line.split("\t")
        units[unit.strip()] = kind.strip()
    return units


def load_approx() -> dict[str, dict[str, str]]:
    """``position -> {word: approx}`` from counts_approx.txt."""
    table: dict[str, dict[str, str]] = {"before": {}, "between": {}, "after": {}}
    for line in read_lines("counts_approx.txt"):
        word, position, approx = (part.strip() for part in line.split("\t"))
        table[position][word] = approx
    return table


def alternation(words) -> str:
    """A regex alternation that tries longer words first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


UNITS = load_units()
APPROX = load_approx()
EXCLUSIONS = read_sections("counts_exclusions.txt")

CN_NUM = rf"[{CN_DIGIT_CHARS}十百千万亿]+"
AR_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[十百千万亿](?![{d}]))*".replace("{d}", CN_DIGIT_CHARS)
ONE_NUM = rf"(?:{AR_NUM}|{CN_NUM})"
NUM_RANGE = rf"{ONE_NUM}(?:[余多]?\s?[-~～—–至到]\s?{ONE_NUM})?"

COUNT_RE = re.compile(
    rf"(?P<pre>{alternation(APPROX['before'])})?"
    rf"(?P<num>{NUM_RANGE})"
    rf"(?P<mid>{alternation(APPROX['between'])})?"
    rf"(?P<unit>{alternation(UNITS)})"
    rf"(?P<post>{alternation(APPROX['after'])})?"
)
PERCENT_CN_RE = re.compile(rf"(?P<pre>{alternation(APPROX['before'])})?百分之(?P<num>{ONE_NUM})")

PHRASE_RE = re.compile(alternation(EXCLUSIONS["phrases"]))
FOLLOWER_RE = re.compile(alternation(EXCLUSIONS["followers"]))
DURATION_RE = re.compile(rf"(?:{alternation(EXCLUSIONS['durations'])})")
POINT_NOUN_RE = re.compile(rf"[\w、]{{0,6}}?(?:{alternation(EXCLUSIONS['points'])})")
SESSION_RE = re.compile(r"(?:全体)?(?:会议|全会|大会)")
QUOTE_RE = re.compile(r"“[^“”\n]{1,24}”|‘[^‘’\n]{1,24}’|「[^「」\n]{1,24}」|『[^『』\n]{1,24}』|\"[^\"\n]{1,24}\"|《[^《》\n]{1,60}》|【[^【】\n]{1,30}】|〈[^〈〉\n]{1,30}〉")
CLAUSE_INSIDE_RE = re.compile(r"[,，。;；!！?？:：]")
CLAUSE_END_RE = re.compile(r"[,，。;；!！?？\n]")

BARE_MULTIPLIERS = {"百", "千", "万", "亿", "十万", "百万", "千万", "十亿", "百亿"}
ORDINAL_BEFORE = ("第", "几", "数", "星期", "周", "礼拜", "初", "No.", "NO.", "no.")
RANK_BEFORE = ("前", "后", "排名")
RANK_UNITS = {"名", "位"}
CODE_CHAR_RE = re.compile(r"[A-Za-z0-9０-９.#/／:：\-_@]")
PREFIX_BLOCKERS = {
    "近": "最附邻就靠亲贴临逼将接",
    "约": "预签制邀相节履违合公条婚集特大",
    "超": "赶高",
    "上": "",
    "逾": "",
}
MONEY_MULTIPLIERS = ("万", "亿")


def extract_counts(text: str) -> list[Count]:
    """Every count of counts.md in ``text``, in order of position.

    >>> [(c.text, c.value, c.unit, c.approx) for c in extract_counts("走访企业130家,收集建议诉求90余个")]
    [('130家', 130.0, '家', '='), ('90余个', 90.0, '个', '>')]
    """
    shields = find_shields(text)
    ends = [m.start() for m in CLAUSE_END_RE.finditer(text)]
    counts = []
    for match in COUNT_RE.finditer(text):
        count = read_count(text, match, shields)
        if count is not None:
            counts.append(describe_count(text, count, ends))
    for match in PERCENT_CN_RE.finditer(text):
        count = read_percent_words(text, match, shields)
        if count is not None:
            counts.append(describe_count(text, count, ends))
    counts.sort(key=lambda c: c.span)
    return counts


def find_shields(text: str) -> list[tuple[int, int]]:
    """Spans whose numbers belong to a name: short quoted brands, 《titles》, fixed phrases.

    A quote holding clause punctuation is reported speech, not a name, so
    its numbers stay counts (“200多只羊的‘口粮’快见底了,…”).
    """
    spans = [
        m.span()
        for m in QUOTE_RE.finditer(text)
        if m.group(0)[0] in "《【〈" or not CLAUSE_INSIDE_RE.search(m.group(0))
    ]
    spans.extend(m.span() for m in PHRASE_RE.finditer(text))
    spans.sort()
    return spans


def is_shielded(position: int, shields: list[tuple[int, int]]) -> bool:
    """True if ``position`` falls inside one of the sorted ``shields`` spans (each short)."""
    index = bisect_right(shields, (position, len(shields) + 1 << 40)) - 1
    while index >= 0 and shields[index][0] > position - 80:
        start, end = shields[index]
        if start <= position < end:
            return True
        index -= 1
    return False


def read_count(text: str, match: re.Match, shields: list[tuple[int, int]]) -> Count | None:
    """Turn one regex match into a Count, or None when the grammar says it is not one."""
    num, unit = match.group("num"), match.group("unit")
    start = match.start("num")
    pre = usable_prefix(text, match)
    if is_not_quantity(text, start, num, unit, pre or match.group("mid")):
        return None
    if is_not_measure_word(text, match.end("unit"), unit, num, start):
        return None
    if is_shielded(start, shields):
        return None
    kind = UNITS[unit]
    if kind == "money" and unit == "元" and num.endswith(MONEY_MULTIPLIERS):
        unit = num[-1] + "元"
        num = strip_multiplier(num, num[-1])
    parsed = parse_decimal(num)
    if parsed is None:
        return None
    low, high = parsed
    approx = choose_approx(pre, match.group("mid"), match.group("post"), high is not None)
    span_start = match.start("pre") if pre else start
    span_end = match.end("post") if match.group("post") else match.end("unit")
    return Count(
        value=to_number(low),
        unit=unit,
        approx=approx,
        text=text[span_start:span_end],
        span=(span_start, span_end),
        value_max=None if high is None else to_number(high),
    )


def read_percent_words(text: str, match: re.Match, shields: list[tuple[int, int]]) -> Count | None:
    """百分之九十五 → 95 %."""
    parsed = parse_decimal(match.group("num"))
    if parsed is None or is_shielded(match.start(), shields):
        return None
    pre = usable_prefix(text, match)
    start = match.start("pre") if pre else match.start("num") - 3
    return Count(
        value=to_number(parsed[0]),
        unit="%",
        approx=choose_approx(pre, None, None, False),
        text=text[start : match.end()],
        span=(start, match.end()),
    )


def usable_prefix(text: str, match: re.Match) -> str | None:
    """The approximation word before the number, unless it belongs to another word.

    最近3个 is "the last three", 签约12个 is "signed twelve": neither is approximate.
    上 only means "more than" before a bare multiplier (上万人).
    """
    pre = match.group("pre")
    if not pre:
        return None
    before = text[match.start("pre") - 1] if match.start("pre") > 0 else ""
    if pre in PREFIX_BLOCKERS and before and before in PREFIX_BLOCKERS[pre]:
        return None
    if pre == "上" and match.group("num") not in BARE_MULTIPLIERS:
        return None
    return pre


def is_not_quantity(text: str, start: int, num: str, unit: str, approximate: str | None) -> bool:
    """Ordinals, ranks, codes, rhetorical 一/二 and bare multipliers are not quantities."""
    before = text[max(0, start - 3) : start]
    if before.endswith(ORDINAL_BEFORE):
        return True
    if unit in RANK_UNITS and before.endswith(RANK_BEFORE):
        return True
    if before and CODE_CHAR_RE.match(before[-1]) and num[0].isdigit():
        return True
    core = num.rstrip("余多")
    if core in ("一", "壹", "二"):
        return True
    if core in BARE_MULTIPLIERS and not approximate:
        return True
    return False


def is_not_measure_word(text: str, end: int, unit: str, num: str, start: int) -> bool:
    """The measure word is really part of another word, a duration or a session name."""
    after = text[end : end + 6]
    if FOLLOWER_RE.match(text, end - len(unit)):
        return True
    if unit == "个" and DURATION_RE.match(after):
        return True
    if unit == "次" and SESSION_RE.match(after) and "届" in text[max(0, start - 10) : start]:
        return True
    if unit == "点" and not POINT_NOUN_RE.match(after):
        return True
    if unit == "期" and num[0] in CN_DIGIT_CHARS and after.startswith(("工程", "项目", "建设")):
        return True
    return False


def strip_multiplier(num: str, multiplier: str) -> str:
    """500万至1000万 → 500至1000 when the multiplier moves into the unit 万元."""
    return num.replace(multiplier, "")


def choose_approx(pre: str | None, mid: str | None, post: str | None, is_range: bool) -> str:
    """The approx of counts.md from the words around the number (first one wins)."""
    for position, word in (("before", pre), ("between", mid), ("after", post)):
        if word:
            return APPROX[position][word]
    return ">=" if is_range else "="


def to_number(value: Decimal) -> float:
    return float(value)


def describe_count(text: str, count: Count, ends: list[int]) -> Count:
    """Fill evidence, object, action and indicator from the count's clause."""
    start, end = count.span
    index = bisect_right(ends, start - 1)
    clause_start = ends[index - 1] + 1 if index > 0 else 0
    clause_end = ends[index] if index < len(ends) else len(text)
    while clause_end < end and index + 1 < len(ends):
        index += 1
        clause_end = ends[index]
    count.evidence = text[clause_start:clause_end]
    before = text[clause_start:start]
    after = text[end:clause_end]
    count.object = find_object(before, after)
    count.action = find_action(before, after)
    count.indicator = choose_indicator(count, before, after)
    return count
