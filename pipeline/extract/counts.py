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
from bisect import bisect_left, bisect_right
from decimal import Decimal

from pipeline.data import read_lines, read_sections
from pipeline.extract.numerals import CN_DIGIT_CHARS, parse_decimal
from pipeline.extract.wordtrie import trie_alternation
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
    """A regex alternation that tries longer words first (as a trie, for speed)."""
    return trie_alternation(words)


UNITS = load_units()
APPROX = load_approx()
EXCLUSIONS = read_sections("counts_exclusions.txt")

CN_NUM = rf"[{CN_DIGIT_CHARS}十百千万亿]+"
AR_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[十百千万亿](?![{d}]))*".replace("{d}", CN_DIGIT_CHARS)
ONE_NUM = rf"(?:{AR_NUM}|{CN_NUM})"
NUM_RANGE = rf"{ONE_NUM}(?:[余多]?\s?[-~～—–至到]\s?{ONE_NUM})?"

BEFORE_RE = re.compile(rf"(?:{alternation(APPROX['before'])})$")
# The leading lookahead lets the engine reject most positions with one set lookup.
COUNT_RE = re.compile(
    rf"(?=[\d{CN_DIGIT_CHARS}十百千万亿])"
    rf"(?P<num>{NUM_RANGE})"
    rf"(?P<mid>{alternation(APPROX['between'])})?"
    rf"(?P<unit>{alternation(UNITS)})"
    rf"(?P<post>{alternation(APPROX['after'])})?"
)
PERCENT_CN_RE = re.compile(rf"百分之(?P<num>{ONE_NUM})")
LOOKBACK = 300
CONTEXT_CHARS = 40  # how far back a count's object or verb is looked for

PHRASE_RE = re.compile(alternation(EXCLUSIONS["phrases"]))
FOLLOWER_RE = re.compile(alternation(EXCLUSIONS["followers"]))
DURATION_RE = re.compile(rf"(?:{alternation(EXCLUSIONS['durations'])})")
POINT_NOUN_RE = re.compile(rf"[\w、]{{0,6}}?(?:{alternation(EXCLUSIONS['points'])})")
SESSION_RE = re.compile(r"(?:全体)?(?:会议|全会|大会)")
SESSION_BEFORE_RE = re.compile(r"届|(?:人大|常委会|政协)$")
ADDRESS_UNITS = {"栋", "幢", "组", "单元"}
ADDRESS_BEFORE = "村社组苑园围庄里城湾号区"
QUOTE_RE = re.compile(
    r"“[^“”\n]{1,24}”|‘[^‘’\n]{1,24}’|「[^「」\n]{1,24}」|『[^『』\n]{1,24}』|\"[^\"\n]{1,24}\"|《[^《》\n]{1,60}》|【[^【】\n]{1,30}】|〈[^〈〉\n]{1,30}〉"
)
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
    bounds = find_clause_ends(text)
    counts = []
    for match in COUNT_RE.finditer(text):
        count = read_count(text, match, shields)
        if count is not None:
            counts.append(describe_count(text, count, bounds))
    if "百分之" in text:
        for match in PERCENT_CN_RE.finditer(text):
            count = read_percent_words(text, match, shields)
            if count is not None:
                counts.append(describe_count(text, count, bounds))
    counts.sort(key=lambda c: c.span)
    inherit_list_indicators(text, counts)
    return counts


SENTENCE_END_RE = re.compile(r"[。;；!！?？\n]")


def inherit_list_indicators(text: str, counts: list[Count]) -> None:
    """Items of a breakdown take the indicator of the total they break down,
    and point at it (``part_of``) so that sums do not count them twice.

    In ``建成25个活动室,其中,区级1个、街道8个、社区16个`` the items name no
    object of their own; after 其中, a count with the total's unit and no
    indicator of its own (``other``) gets the total's.  An item with the
    total's unit and indicator is part of it; one with another indicator
    (收集90件,其中办结80件) is a count of its own.
    """
    parent: int | None = None
    for index in range(1, len(counts)):
        previous, count = counts[index - 1], counts[index]
        between = text[previous.span[1] : count.span[0]]
        if SENTENCE_END_RE.search(between):
            parent = None
        if "其中" in between and previous.indicator != "other":
            parent = index - 1
        if parent is None or count.unit != counts[parent].unit:
            continue
        if count.indicator == "other":
            count.indicator = counts[parent].indicator
        if count.indicator == counts[parent].indicator:
            count.part_of = parent


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
    index = bisect_right(shields, (position, float("inf"))) - 1
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
    pre = usable_prefix(text, start, num)
    if is_not_quantity(text, start, num, unit, pre or match.group("mid")):
        return None
    if is_not_measure_word(text, match.end("unit"), unit, num, start):
        return None
    if is_shielded(start, shields):
        return None
    kind = UNITS[unit]
    if kind == "percent":
        unit = "%"
    if kind == "money" and unit == "元" and num.endswith(MONEY_MULTIPLIERS):
        unit = num[-1] + "元"
        num = strip_multiplier(num, num[-1])
    parsed = parse_decimal(num)
    if parsed is None:
        return None
    low, high = parsed
    approx = choose_approx(pre, match.group("mid"), match.group("post"), high is not None)
    span_start = start - len(pre) if pre else start
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
    start = match.start()
    pre = usable_prefix(text, start, match.group("num"))
    start -= len(pre or "")
    return Count(
        value=to_number(parsed[0]),
        unit="%",
        approx=choose_approx(pre, None, None, False),
        text=text[start : match.end()],
        span=(start, match.end()),
    )


def usable_prefix(text: str, start: int, num: str) -> str | None:
    """The approximation word just before the number, unless it belongs to another word.

    最近3个 is "the last three", 签约12个 is "signed twelve": neither is approximate.
    上 only means "more than" before a bare multiplier (上万人).
    """
    found = BEFORE_RE.search(text, max(0, start - 4), start)
    if not found:
        return None
    pre = found.group(0)
    before = text[found.start() - 1] if found.start() > 0 else ""
    if pre in PREFIX_BLOCKERS and before and before in PREFIX_BLOCKERS[pre]:
        return None
    if pre == "上" and num not in BARE_MULTIPLIERS:
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
    if unit == "次" and SESSION_RE.match(after) and SESSION_BEFORE_RE.search(text[max(0, start - 10) : start]):
        return True
    if unit in ADDRESS_UNITS and is_address(text, start, end, unit):
        return True
    if unit == "点" and not POINT_NOUN_RE.match(after):
        return True
    if unit == "期" and (
        text[start - 1 : start] == "年" or (num[0] in CN_DIGIT_CHARS and after.startswith(("工程", "项目", "建设")))
    ):
        return True
    return False


def is_address(text: str, start: int, end: int, unit: str) -> bool:
    """新围21栋, 天泉村六组, “45栋、95栋的女儿墙”: a building or group number, not a count."""
    if start > 0 and text[start - 1] in ADDRESS_BEFORE:
        return True
    after = text[end : end + 8]
    return after.startswith("的") or (after.startswith("、") and re.match(rf"、\d+{unit}", after) is not None)


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


def load_cues() -> tuple[dict[str, str], dict[str, str]]:
    """``object word -> indicator`` and ``action word -> indicator``; the first section listing a word wins."""
    objects: dict[str, str] = {}
    actions: dict[str, str] = {}
    for indicator, lines in read_sections("counts_cues.txt").items():
        for line in lines:
            role, _, words = line.partition(":")
            table = objects if role.strip() == "object" else actions
            for word in words.split():
                table.setdefault(word, indicator)
    return objects, actions


OBJECT_CUES, ACTION_CUES = load_cues()
CUE_RE = re.compile(alternation([*OBJECT_CUES, *ACTION_CUES]))
OBJECT_RE = re.compile(alternation(OBJECT_CUES))
ACTION_RE = re.compile(alternation(ACTION_CUES))
RATE_RE = re.compile(alternation(w for w, i in OBJECT_CUES.items() if i.endswith("_rate")) + "|基本满意")
NOUN_PHRASE_END_RE = re.compile(r"[在对向把将从给同被是为由]|来(?!自)|、(?=.{0,4}\d)|[^\w“”‘’「」()（）、]")
QUOTED_AFTER_RE = re.compile(r"[“‘「]([^”’」]{1,20})[”’」]")
SUGGESTION_FLOW = ("suggestions_referred", "suggestions_resolved", "suggestions_collected")
PEOPLE_UNITS = {"名", "人", "位", "人次"}
EVENT_UNITS = {"次", "场", "场次", "期", "轮", "个"}
ORG_UNITS = {"家", "个", "户", "所"}
PLATFORM_UNITS = {"个", "处", "家", "所", "座"}
UNIT_FALLBACK = {
    "人次": "participants", "户": "beneficiaries", "场": "events_held", "场次": "events_held",
    "栋": "projects", "幢": "projects", "盏": "projects", "株": "projects", "棵": "projects",
}  # fmt: skip
UNIT_CHECKS = {  # the units an object's indicator accepts
    "deputies": PEOPLE_UNITS,
    "participants": PEOPLE_UNITS | {"批"},
    "events_held": EVENT_UNITS,
    "beneficiaries": {"名", "人", "人次"},
    "orgs_visited": ORG_UNITS,
    "platforms": PLATFORM_UNITS,
    "satisfaction_rate": set(),
    "completion_rate": set(),
}
OBJECT_WINDOW = 16
CUE_GAP = 1
FLOW_WINDOW = 10


def describe_count(text: str, count: Count, bounds: list[int]) -> Count:
    """Fill evidence, object, action and indicator from the count's clause.

    When the clause names nothing countable but has a verb (共建立了16个),
    the clause before it is searched for the object.  ``bounds`` are the
    positions of the text's clause ends (:func:`find_clause_ends`).
    """
    start, end = count.span
    clause_start = find_clause_start(bounds, start)
    previous_start = find_clause_start(bounds, clause_start - 1) if clause_start > 0 else 0
    index = bisect_left(bounds, end)
    clause_end = bounds[index] if index < len(bounds) else len(text)
    count.evidence = text[clause_start:clause_end]
    before = text[max(clause_start, start - CONTEXT_CHARS) : start]
    after = text[end:clause_end]
    context = text[max(previous_start, clause_start - CONTEXT_CHARS) : clause_start]
    count.object = find_object(before, after)
    count.action = find_action(before, after)
    if count.object is None and count.action and text[clause_start - 1 : clause_start] in ",，":
        count.object = find_object(context, "")
    count.indicator = choose_indicator(count, before, after, context)
    return count


def find_clause_ends(text: str) -> list[int]:
    """Positions of every , 。 ; ! ? and line break, found once per text."""
    return [m.start() for m in CLAUSE_END_RE.finditer(text)]


def find_clause_start(bounds: list[int], position: int) -> int:
    """Start of the clause holding ``position``: just after the last , 。 ; ! ? or line
    break before it (``bounds``), looking back at most ``LOOKBACK`` characters."""
    low = max(0, position - LOOKBACK)
    index = bisect_left(bounds, position) - 1
    return bounds[index] + 1 if index >= 0 and bounds[index] >= low else low


def find_object(before: str, after: str) -> str | None:
    """What is counted: the head noun of the phrase after the measure word
    (98家企业, 11个街道人大代表接待室 → 接待室), else the nearest cue noun
    before the number (走访企业130家).

    The phrase after the count runs over adjacent cue words and stops at a
    verb, a preposition or punctuation; a quoted name right after the count
    (25个“代表联系群众活动室”) is read as that phrase.
    """
    quoted = QUOTED_AFTER_RE.match(after)
    if quoted:
        found = OBJECT_RE.findall(quoted.group(1))
        if found:
            return found[-1]
    head = read_head_noun(after[:OBJECT_WINDOW])
    if head:
        return head
    found = [word for word in CUE_RE.findall(before) if word in OBJECT_CUES]
    return found[-1] if found else None


def read_head_noun(window: str) -> str | None:
    """The last cue noun of the first run of adjacent cue nouns in ``window``."""
    stop = NOUN_PHRASE_END_RE.search(window)
    window = window[: stop.start()] if stop else window
    head, last_end = None, None
    for match in CUE_RE.finditer(window):
        word = match.group(0)
        if word not in OBJECT_CUES:
            break
        if last_end is not None and match.start() - last_end > CUE_GAP:
            break
        head, last_end = word, match.end()
    return head


def find_action(before: str, after: str) -> str | None:
    """The verb of the count: the nearest cue verb before it, else the first after it."""
    found = ACTION_RE.findall(before)
    if found:
        return found[-1]
    match = ACTION_RE.search(after)
    return match.group(0) if match else None


def choose_indicator(count: Count, before: str, after: str, context: str = "") -> str:
    """The indicator of counts.md, from the unit, the object and the verbs around.

    1. rates: the rate noun before a percentage (满意率, 办结率);
    2. money units are funds;
    3. the object's indicator, checked against the unit (代表 counted by 名
       are deputies, 代表小组 counted by 个 are not);
    4. suggestions (建议, 诉求, 问题…) follow their verb: 交办 → referred,
       办结 → resolved, otherwise collected;
    5. the unit alone (人次, 户, 场次), else other.

    ``context`` is the clause before, where a rate's noun often stands
    (代表对办理工作满意的160件,占96.39%).
    """
    unit = count.unit
    if unit == "%":
        rates = RATE_RE.findall(before) or RATE_RE.findall(context)
        return OBJECT_CUES.get(rates[-1], "other") if rates else "other"
    if UNITS.get(unit) == "money":
        return "funds"
    indicator = OBJECT_CUES.get(count.object or "")
    if unit == "户":
        return indicator if indicator in ("orgs_visited", "projects") else "beneficiaries"
    if indicator == "suggestions_collected" or (indicator is None and unit in ("件", "条", "个", "项")):
        return choose_suggestion_flow(before, after, indicator)
    if indicator in ("other", "projects") and unit in ("件", "条"):
        flow = choose_suggestion_flow(before, after, None)
        if flow != "other" and (indicator == "other" or count.object not in after[:OBJECT_WINDOW]):
            return flow
    if indicator in UNIT_CHECKS:
        return indicator if unit in UNIT_CHECKS[indicator] else "other"
    if indicator is not None:
        return indicator
    return UNIT_FALLBACK.get(unit, "other")


def choose_suggestion_flow(before: str, after: str, indicator: str | None) -> str:
    """Collected, referred or resolved, by the verb of the count.

    A verb right after the count wins (13条已办理到位, 10余条意见建议当天便交办),
    then the nearest one before it in the clause; a count of nothing in
    particular with no such verb is ``other``.
    """
    for word in CUE_RE.findall(after[:FLOW_WINDOW]):
        if ACTION_CUES.get(word) in SUGGESTION_FLOW:
            return ACTION_CUES[word]
    verbs = [ACTION_CUES[w] for w in CUE_RE.findall(before) if ACTION_CUES.get(w) in SUGGESTION_FLOW]
    if verbs:
        return verbs[-1]
    return indicator or "other"
