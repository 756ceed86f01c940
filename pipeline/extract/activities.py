"""Names of activities, campaigns and mechanisms: “民呼我应·代表有约”, “三服务”.

Reports put the brand of an activity in quotes, but they quote much else
too: speech (“没想到…解决了!”), slogans (“最后一公里”), nicknames
(“金点子”), problem words (“老大难”).  A quoted string is read as an activity
name by general cues, each worth points (``score_quote``):

* the word right after the closing quote names a kind of activity or
  mechanism (“两员”活动, “吹哨”机制, “十个一”工作目标): ``data/activity_after.txt``;
* activity vocabulary inside the quote (代表, 有约, 接待, 直通车, 之家…):
  ``data/activity_words.txt``;
* a numbered formula (“三服务”, “六小”, “一老一小”, “双联系”);
* a parallel series of short items (“马上办、认真办、尽力办”).

and loses them for sentence punctuation, length, quoted speech (after 说: or
“…”), five-year plans (“十四五”) and the generic phrases of
``data/activity_stop.txt``.  Unquoted names are taken only from 开展…活动 when
the name ends like a brand (人大代表接待日, …在行动).
"""

from __future__ import annotations

import re

from pipeline.data import read_lines
from pipeline.types import Activity

AFTER_WORDS = tuple(sorted(read_lines("activity_after.txt"), key=len, reverse=True))
INSIDE_WORDS = tuple(read_lines("activity_words.txt"))
INSIDE_SET = frozenset(INSIDE_WORDS)
STOP_NAMES = frozenset(read_lines("activity_stop.txt"))

MIN_SCORE = 3
MAX_NAME_CHARS = 24

_QUOTE = re.compile(r"“([^“”‘’\n]{1,40})”|‘([^‘’\n]{1,40})’|「([^「」\n]{1,40})」|\"([^\"\n]{1,40})\"")
_AFTER = re.compile(
    r"[)\uff09]?(?:的)?(?:年度|系列|专项|集中|特色|品牌|常态化)?(?:" + "|".join(map(re.escape, AFTER_WORDS)) + ")"
)
_KIND_END = re.compile("(?:" + "|".join(re.escape(w) for w in AFTER_WORDS if len(w) >= 2 and w[0] not in "的为") + ")$")
_NAMED_DAY = re.compile(r"^[\u4e00-\u9fff]{2,8}日$")
_CLAUSE = re.compile(r"[就在是都要把让我你他们了吗呢不]")
_DEFINITION = re.compile(r"的")
_NAMING_BEFORE = re.compile(r"(?:简称|称为|命名为|名为|打造|创建|推出|开通)$")
_PLACE_END = re.compile(r"[点站室家会厅窗]$")
_INSIDE = re.compile("|".join(map(re.escape, INSIDE_WORDS)))
_SENTENCE = re.compile(r"[。!?\uff01\uff1f;\uff1b…]")
_COMMA = re.compile(r"[,\uff0c]")
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十两双百千万]|\d+)[个大小有进联送室家站点日]?[\u4e00-\u9fff]")
_NUMBER_FORMULA = re.compile(r"^[一二三四五六七八九十两双千万][\u4e00-\u9fff]{1,3}[一二三四五六七八九十两双]")
_FIVE_YEAR_PLAN = re.compile(r"^[十][一二三四五六七八九]五$|^[一二三四五六七八九]五$")
_DIGIT_FORMULA = re.compile(r"^[\d\s+n]+$")
_SPEECH_BEFORE = re.compile(r"[:\uff1a]\s*$|[说道问讲称]\s*$")
_SERIES_SPLIT = re.compile(r"[、,\uff0c]")
_UNQUOTED = re.compile(
    r"开展(?:了)?(?:一次|一场|一系列|系列|多次|首次|第[一二三四五六七八九十\d]+次)?(?P<name>[\u4e00-\u9fff·]{2,14}?(?:接待日|开放日|服务日|活动日|选民日|有约|在行动))(?:主题)?活动"
)


def is_series(name: str) -> bool:
    """“马上办、认真办、尽力办”: 2–5 parallel items of one length sharing one character.

    Items sharing more (初任培训、履职培训) are a list of things, not a slogan.

    >>> is_series("马上办、认真办、尽力办"), is_series("初任培训、履职培训、专题培训"), is_series("急、难、愁、盼")
    (True, False, False)
    """
    parts = _SERIES_SPLIT.split(name)
    if not 2 <= len(parts) <= 5 or not all(2 <= len(p) <= 6 for p in parts):
        return False
    shared = set(parts[0]).intersection(*map(set, parts[1:]))
    return len(shared) == 1 and len(set(map(len, parts))) == 1


def score_quote(name: str, before: str, after: str) -> int:
    """Points for a quoted string being an activity name (see the module doc).

    ``before`` and ``after`` are a few characters of context outside the quotes.
    """
    if name in STOP_NAMES or _FIVE_YEAR_PLAN.match(name) or len(name) > MAX_NAME_CHARS:
        return 0
    if _SENTENCE.search(name) or len(name) < 2:
        return 0
    score = 0
    if _AFTER.match(after):
        score += 3
    # a bare generic word (“联络站”, “服务”) is a thing, not a brand
    inside = 0 if name in INSIDE_SET else len(_INSIDE.findall(name))
    score += min(inside, 2) * 2
    if _KIND_END.search(name) and len(name) > 3:
        score += 3
    if (_NAMED_DAY.match(name) or _PLACE_END.search(name)) and inside:
        score += 1
    if _NAMING_BEFORE.search(before):
        score += 1
    if _DIGIT_FORMULA.match(name):
        score += 0 if score < 3 else 1
    elif _NUMBER_FORMULA.match(name):
        score += 3
    elif _NUMBERED.match(name):
        score += 3 if len(name) <= 4 else 2
    if is_series(name):
        score += 2
    has_after = bool(_AFTER.match(after))
    if _COMMA.search(name) and not has_after:
        score -= 2
    if _SPEECH_BEFORE.search(before):
        score -= 3
    if len(name) > 6 and _CLAUSE.search(name):
        score -= 2
    if len(name) > 8 and _DEFINITION.search(name):
        score -= 2
    if len(name) > 12 and not has_after:
        score -= 1
    return score


def _quoted_names(text: str):
    """(name, start, end) of every quoted string, the name's span inside the quotes."""
    for m in _QUOTE.finditer(text):
        group = next(i for i in range(1, 5) if m.group(i) is not None)
        name = m.group(group).strip()
        if not name:
            continue
        start = m.start(group) + (len(m.group(group)) - len(m.group(group).lstrip()))
        yield name, start, start + len(name), text[max(0, m.start() - 3) : m.start()], text[m.end() : m.end() + 6]


def extract_activities(text: str) -> list[Activity]:
    """Activity names in text order, once per name (the first span kept).

    >>> [a.name for a in extract_activities("创新开展“民呼我应·代表有约”活动,从“金点子”到“金钥匙”。")]
    ['民呼我应·代表有约']
    >>> [a.name for a in extract_activities("大明宫街道开展人大代表接待日活动。")]
    ['人大代表接待日']
    """
    found: dict[str, Activity] = {}
    for name, start, end, before, after in _quoted_names(text):
        if name not in found and score_quote(name, before, after) >= MIN_SCORE:
            found[name] = Activity(name=name, span=(start, end))
    for m in _UNQUOTED.finditer(text):
        name = m.group("name")
        if name not in found:
            found[name] = Activity(name=name, span=m.span("name"))
    return sorted(found.values(), key=lambda a: a.span)
