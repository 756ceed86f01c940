"""Department mentions: organs of the state or the party named in a report.

``extract_departments(text, region=...)`` finds every mention of a bureau,
commission, office, people's congress body, party committee, court, sub-district
office or people's organization (spec/departments.md) and returns it with a
canonical name, a function code that compares across districts whatever the local
name, a level and its span.

How a mention is found, cheapest first:

1. One compiled regex finds the *core* of a mention anywhere in the text: a
   congress body (人大常委会, 人大社会委, 人大主席团, 常委会预算工委), a fixed organ
   (政府, 党委, 法院, 工商联, 办事处), a bureau made of function stems and an organ
   suffix (住建 + 局, 经济信息 + 和 + 科技 + 局), or a party committee (区委: 委 right
   after a jurisdiction word).
2. The jurisdiction before the core is read backwards: a chain of place tokens
   (丽水市缙云县, 乌鲁木齐市天山区翠泉路片区) or a bare level word (区, 镇, 自治区),
   a demonstrative (该区) or a town name used alone (武岗人大).  Place names come
   from the report's region, the place-name words of jieba's dictionary, and town
   names the text itself introduces; otherwise a name ends at punctuation or a
   function character.
3. A level word at a boundary followed by any short name and 局 catches bureaus
   with local names the stem list cannot know (区产业发展促进局).

Not departments (spec): generic words (相关部门), enterprises, banks, schools,
communities and buildings, names inside a quoted activity title, person roles
(区人大代表, 政协委员, 统战部长) and combinations of levels (县乡人大, 各区人大).

Data (pipeline/data/departments/): stems.tsv, aliases.tsv, suffixes.tsv,
bodies.tsv, congress.txt, places.tsv, exclusions.txt; each says where it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from pipeline.data import read_lines, read_sections
from pipeline.extract.scan import match_before_anchors
from pipeline.extract.wordtrie import trie_alternation
from pipeline.types import Department, Region

_DATA = "departments/"
HAN = "\u4e00-\u9fff"


def _read_table(name: str) -> list[list[str]]:
    """Rows of a tab-separated data file (comments and blank lines dropped)."""
    return [line.split("\t") for line in read_lines(_DATA + name)]


def _alternation(words) -> str:
    """Regex alternation of literal words, longest first so that 委员会 beats 委 (as a trie, for speed)."""
    return trie_alternation(words)


STEMS: dict[str, str] = {row[0]: row[1] for row in _read_table("stems.tsv")}
ALIASES: dict[str, str] = {row[0]: row[1] for row in _read_table("aliases.tsv")}
SUFFIXES: dict[str, str] = {row[0]: row[1] for row in _read_table("suffixes.tsv")}
BODIES: dict[str, tuple[str, str, str]] = {row[0]: (row[1], row[2], row[3]) for row in _read_table("bodies.tsv")}
CONGRESS_STEMS: tuple[str, ...] = read_lines(_DATA + "congress.txt")
PLACE_SUFFIXES: dict[str, tuple[str, int, int]] = {
    row[0]: (row[1], int(row[2]), int(row[3])) for row in _read_table("places.tsv")
}
_EXCLUDE = read_sections(_DATA + "exclusions.txt")
GENERIC: frozenset[str] = frozenset(_EXCLUDE["generic"])
NOT_AFTER: tuple[str, ...] = _EXCLUDE["after"]
NOT_PLACES: tuple[str, ...] = _EXCLUDE["places"]
STOP_CHARS: frozenset[str] = frozenset("".join(_EXCLUDE["stopchars"]))

LEVEL_CHARS = "省市区县州旗盟镇乡"
NATIONAL_WORDS = frozenset(w for w, (level, _, _) in PLACE_SUFFIXES.items() if level == "national")
DEMONSTRATIVES = "该本我"
COUNTY_AND_UP = frozenset("省市区县州旗盟")  # their names come from the gazetteer, the region or the text
PLURALS = "各全"

_STEM = f"(?:{_alternation(STEMS)})"
_CSTEM = f"(?:{_alternation(CONGRESS_STEMS)})"
_CTAIL = f"(?:(?:机关)?办公室|研究室|主任会议|主席团(?:办公室)?|{_CSTEM}(?:工作委员会|委员会|工委|委)|工委)"
_CONGRESS = (
    rf"人大(?:常委会|常务委员会){_CTAIL}?"
    rf"|人民代表大会常务委员会{_CTAIL}?"
    rf"|人大(?P<cplace>[{HAN}]{{2,6}}?(?:街道|镇|乡))(?:\(开发区\))?工委"
    rf"|人大{_CTAIL}"
    r"|人大(?!代表|代会|工作|制度|建设|干部|网|履职|新闻|机关|常委(?!会)|力量|街道|联络站)"
    rf"|常委会{_CSTEM}(?:工作委员会|工委)"
    rf"|{_CSTEM}(?:工作委员会|工委)"
)
_BODY = rf"(?:{_alternation(BODIES)})(?!长|员|委员)"
_BUREAU = (
    rf"{_STEM}(?:[和与及]?{_STEM})*"
    rf"(?:{_alternation(SUFFIXES)})(?<!局(?=[面势部限]))(?<!委(?=[员托]))(?<!办(?=[理法事好实结学班件公]))"
)
_PARTY = r"(?<=[省市区县州旗盟])委(?![员托会])"
_FIRST = "".join(sorted({w[0] for w in (*STEMS, *BODIES, *CONGRESS_STEMS)} | set("人常委")))
# The leading class lets the regex engine skip most positions with one set lookup.
CORE_RE = re.compile(
    rf"(?=[{_FIRST}])(?:(?P<congress>{_CONGRESS})|(?P<body>{_BODY})|(?P<bureau>{_BUREAU})|(?P<party>{_PARTY}))"
)
# 区产业发展促进局: a level word right after a boundary, a short local name, 局.
LOCAL_BUREAU_RE = re.compile(
    rf"(?P<level>[省市区县])(?:(?<=^.)|(?<=[^{HAN}].)|(?<=[{''.join(sorted(STOP_CHARS))}].))"
    rf"(?P<stem>[{HAN}]{{2,7}}?)局(?![面势部限])",
    re.M,
)
SUFFIXES_LONGEST_FIRST = sorted(SUFFIXES, key=len, reverse=True)
STEM_RE = re.compile(_STEM)
STEM_PARTS_RE = re.compile(_STEM + r"|[和与及]")
PLACE_SUFFIX_RE = re.compile(rf"(?:{_alternation(PLACE_SUFFIXES)})$")
QUOTE_RE = re.compile(r"“[^”\n]{1,40}”|‘[^’\n]{1,40}’|「[^」\n]{1,40}」")
_STOPS = "".join(sorted(STOP_CHARS))
TOWN_RE = re.compile(
    rf"(?:^|(?<=[^{HAN}])|(?<=[{LEVEL_CHARS}{_STOPS}]))((?:(?![{_STOPS}])[{HAN}]){{2,4}}?)(镇|乡|街道|办事处|区|县)",
    re.M,
)
TOWN_SUFFIX_RE = re.compile("[镇乡街办区县]")  # first characters of TOWN_RE's suffixes


def load_gazetteer() -> frozenset[str]:
    """Province, city and county-level names (渝中区, 乌鲁木齐市, 浚县) from the
    shipped table of administrative divisions (data/adcodes.tsv), the names a
    report prefixes to its departments; two-character names that are common
    nouns are left out."""
    from pipeline.extract.region import TABLE

    names = {unit.name for unit in TABLE.units.values() if unit.level != "town"}
    return frozenset(n for n in names if len(n) >= 3 and n not in NOT_PLACES)


GAZETTEER: frozenset[str] = load_gazetteer()


@dataclass
class _Prefix:
    start: int
    level: str | None
    places: list[str]  # explicit place names, outermost first (丽水市, 缙云县)
    bare: str | None  # the bare level word or demonstrative the chain ends with (区, 该区)
    suffix: str | None  # the innermost place suffix (片区, 镇)


def _short_names(region: Region | None) -> dict[str, str]:
    """Region names with and without their suffix: 渝中 -> 渝中区, 拉萨 -> 拉萨市."""
    names: dict[str, str] = {}
    if region is None:
        return names
    for full in (region.province, region.city, region.district):
        if not full:
            continue
        names[full] = full
        match = PLACE_SUFFIX_RE.search(full)
        if match and match.start() >= 2:
            names[full[: match.start()]] = full
    return names


def find_town_names(text: str) -> set[str]:
    """Town and sub-district names the text writes after a boundary (在姚村镇 -> 姚村).

    A name counts once it is seen twice, or once after a function word or a county
    (来到姚村镇, 晋源区姚村镇).  They let a later 汇报姚村镇政府 or 武岗人大 be cut at the right place.
    """
    seen: dict[str, int] = {}
    for m in _find_towns(text):
        # after 到/在/区 the name cannot have swallowed a verb (来到姚村镇); after a comma it may have
        weight = 2 if m.start() and text[m.start() - 1] in STOP_CHARS | COUNTY_AND_UP else 1
        seen[m.group(1)] = seen.get(m.group(1), 0) + weight
    return {name for name, n in seen.items() if n >= 2}


def _find_towns(text: str) -> list[re.Match]:
    """``TOWN_RE.finditer(text)``, trying only the starts 2 to 4 characters before
    a suffix (the suffixes are rare; the regex's boundary checks are costly)."""
    return match_before_anchors(TOWN_RE, TOWN_SUFFIX_RE, text)


def _scan_name(text: str, end: int, cap: int, default: int, floor: int = 0, single: bool = False) -> int:
    """Length of the place name ending at ``end``, read backwards up to ``cap`` chars.

    The name stops at punctuation, at a function character once two characters are
    read (在和平街道 -> 和平), or at another place suffix (丽水市缙云县 -> 缙云).  With no
    such boundary within ``cap`` the usual length ``default`` is taken.
    """
    n = 0
    while n < cap:
        pos = end - n - 1
        if pos < floor:
            return n
        ch = text[pos]
        if not ("\u4e00" <= ch <= "\u9fff"):
            return n
        if n == 0 and (ch in STOP_CHARS or (single and ch in LEVEL_CHARS)):
            return 0
        if n >= 2 and (ch in STOP_CHARS or ch in LEVEL_CHARS):
            return n
        n += 1
    pos = end - n - 1
    if pos < floor or not ("\u4e00" <= text[pos] <= "\u9fff") or text[pos] in STOP_CHARS:
        return n
    return default


def _known_name(text: str, end: int, known, floor: int = 0) -> int:
    """Length of the longest known name ending at ``end`` (0 if none)."""
    for size in range(8, 1, -1):
        if end - size >= floor and text[end - size : end] in known:
            return size
    return 0


def parse_prefix(text: str, start: int, known: set[str], gazetteer: frozenset[str], floor: int = 0) -> _Prefix | None:
    """Jurisdiction written right before ``start``, read backwards token by token.

    Returns None for a prefix that names no single jurisdiction: a combination of
    levels (县乡人大, 市县人大常委会), a plural (各区人大, 全市) or a community (华平社区党委).
    """
    places: list[str] = []
    level = None
    bare = None
    innermost = None
    pos = start
    while True:
        window = text[max(floor, pos - 12) : pos]
        match = PLACE_SUFFIX_RE.search(window)
        if match is None:
            break
        suffix = match.group()
        suf_start = pos - len(suffix)
        tok_level, cap, default = PLACE_SUFFIXES[suffix]
        if cap == 0:  # 国家, 全国, 中央
            level = level or tok_level
            innermost = innermost or suffix
            places.insert(0, suffix)
            pos = suf_start
            break
        size = _known_name(text, pos, gazetteer, floor) - len(suffix) if len(suffix) == 1 else 0
        if size <= 0:
            size = _known_name(text, suf_start, known, floor)
        if size <= 0:
            if text[max(floor, suf_start - 2) : pos].endswith(NOT_PLACES):
                return None  # 华平社区党委, 景区管委会
            if suffix not in COUNTY_AND_UP:
                size = _scan_name(text, suf_start, cap, default, floor, len(suffix) == 1)
        if size == 0:
            before = text[suf_start - 1] if suf_start > 0 else ""
            if before and before in LEVEL_CHARS and len(suffix) == 1:
                return None  # 县乡人大, 市县人大常委会
            if before and before in PLURALS:
                return None
            if not places:
                if before and before in DEMONSTRATIVES:
                    bare = before + suffix
                    suf_start -= 1
                else:
                    bare = suffix
                level = tok_level
                innermost = suffix
            pos = suf_start
            break
        name = text[suf_start - size : pos]
        level = level or tok_level
        innermost = innermost or suffix
        places.insert(0, name)
        pos = suf_start - size
    if level is None:
        size = _known_name(text, start, known, floor)
        if size == 0:
            return None
        return _Prefix(start - size, None, [text[start - size : start]], None, None)
    return _Prefix(pos, level, places, bare, innermost)


def _glued(ch: str) -> bool:
    """True for a Chinese character that is not a function word: the word goes on to the left."""
    return "\u4e00" <= ch <= "\u9fff" and ch not in STOP_CHARS


def _region_place(level: str | None, region: Region | None, text: str) -> tuple[str | None, str | None]:
    """The region name for a bare level word, and the level it really has (县级市 -> district)."""
    if region is None or level is None:
        return None, level
    if level == "district":
        return region.district, level
    if level == "city":
        district = region.district or ""
        if district.endswith("市") and not (region.city and region.city in text):
            return district, "district"
        return region.city, level
    if level == "province":
        return region.province, level
    return None, level


def _expand_stem(stem: str) -> str:
    """Long form of a bureau stem: 住建 -> 住房和城乡建设, 城管执法 -> 城市管理综合执法."""
    if stem in ALIASES:
        return ALIASES[stem]
    parts = STEM_PARTS_RE.findall(stem)
    return "".join(ALIASES.get(p, p) for p in parts) or stem


def _bureau_parts(core: str) -> tuple[str, str, str]:
    """Split a bureau core into (stem, suffix, function): 区住建局 core 住建局."""
    for suffix in SUFFIXES_LONGEST_FIRST:
        if core.endswith(suffix):
            stem = core[: -len(suffix)]
            first = STEM_RE.match(stem)
            return stem, suffix, STEMS.get(first.group() if first else stem, "other")
    return core, "", "other"


def _describe_core(kind: str, core: str, prefix: _Prefix | None) -> tuple[str, str] | None:
    """(function, long form of the core) or None when the core needs a prefix it lacks."""
    level = prefix.level if prefix else None
    if kind == "congress":
        if (
            core == "人大" or (core.startswith("人大") and core[2:3] not in "常主工机办研代" and "工委" not in core[2:])
        ) and prefix is None:
            return None
        long = core.replace("人大常委会", "人民代表大会常务委员会")
        if long == "人大":
            long = "人民代表大会"
        return "congress", long
    if kind == "party":
        return (
            ("party", "委员会")
            if prefix and prefix.suffix and len(prefix.suffix) == 1 and prefix.bare not in ("镇", "乡")
            else None
        )
    if kind == "body":
        function, mode, long = BODIES[core]
        if mode in ("required", "name") and prefix is None:
            return None
        if mode == "none" and prefix is not None:
            prefix = None
        if function == "gov_office" and level == "township":
            function = "subdistrict"
        if core == "管委会" and prefix and prefix.suffix == "片区":
            function = "subdistrict"
        return function, long
    stem, suffix, function = _bureau_parts(core)
    long = ALIASES.get(core) or _expand_stem(stem) + SUFFIXES.get(suffix, suffix)
    return function, long


def _is_excluded(text: str, end: int, mention: str, quotes: list[tuple[int, int]], start: int) -> bool:
    """Enterprise, school or building names, generic words and quoted activity titles."""
    if mention in GENERIC or mention.endswith(tuple(GENERIC)):
        return True
    if text.startswith(NOT_AFTER, end):
        return True
    i = bisect_right(quotes, (start, 10**12)) - 1
    if i >= 0:
        q_start, q_end = quotes[i]
        if q_start < start and end < q_end and (q_end - q_start - 2) > len(mention):
            return True
    return False


def _make_name(
    prefix: _Prefix | None, long: str, region: Region | None, text: str, short: dict[str, str]
) -> tuple[str, str | None]:
    """Canonical name and level: place chain (or the region for a bare level) + long form."""
    if prefix is None:
        levels = (("district", region.district), ("city", region.city), ("province", region.province)) if region else ()
        level, place = next(((lv, p) for lv, p in levels if p), (None, ""))
        return place + long, level
    if prefix.places and prefix.level is None:  # a place name used alone: 武岗人大, 江汉人大
        full = short.get(prefix.places[0])
        if full:
            match = PLACE_SUFFIX_RE.search(full)
            level = PLACE_SUFFIXES[match.group()][0] if match else None
            _, level = (
                _region_place(level, region, text) if full == (region.district if region else None) else (None, level)
            )
            return full + long, level
        return prefix.places[0] + long, "township"
    if prefix.places:
        return "".join(prefix.places) + long, prefix.level
    place, level = _region_place(prefix.level, region, text)
    bare = (prefix.bare or "").lstrip(DEMONSTRATIVES)
    return (place or bare) + long, level


def _is_subsequence(short: str, long: str) -> bool:
    """行政审批局 is a subsequence of 行政审批服务局; 发展和改革局 is not one of 产业发展促进局."""
    chars = iter(long)
    return all(ch in chars for ch in short)


def extract_departments(text: str, *, region: Region | None = None) -> list[Department]:
    """Department mentions in document order, one item per occurrence.

    >>> [d.mention for d in extract_departments("向区商务委、区住房城市建委交办")]
    ['区商务委', '区住房城市建委']
    >>> extract_departments("区行审局", region=Region(district="娄星区"))[0].name
    '娄星区行政审批局'
    """
    gazetteer = GAZETTEER
    short = _short_names(region)
    known = set(short) | find_town_names(text)
    quotes = [m.span() for m in QUOTE_RE.finditer(text)]
    items: list[Department] = []
    for match in CORE_RE.finditer(text):
        floor = _floor(items)
        item = _build_item(text, match, region, known, gazetteer, short, quotes, floor)
        if item is not None:
            items.append(item)
    items = _drop_nested(_add_local_bureaus(text, items, region, short, quotes))
    return _prefer_written_names(items)


def _floor(items: list[Department]) -> int:
    """Where the prefix of the next mention may begin: after the previous mention,
    or at its start when it is a place office the next one extends (清河办事处人大工委)."""
    if not items:
        return 0
    last = items[-1]
    return last.span[0] if last.mention.endswith(("办事处", "街道办")) else last.span[1]


def _build_item(text, match, region, known, gazetteer, short, quotes, floor) -> Department | None:
    """One core match -> a Department, or None when it is not one (see module doc)."""
    kind = match.lastgroup if match.lastgroup != "cplace" else "congress"
    core = match.group(kind)
    start, end = match.span()
    prefix = parse_prefix(text, start, known, gazetteer, floor)
    if kind == "body" and BODIES[core][1] == "none":
        prefix = None
    if kind == "body" and prefix is None and BODIES[core][1] == "name":
        size = _known_name(text, start, known, floor) or _scan_name(text, start, 5, 0, floor)
        if size >= 2:  # 清河办事处, 金融街管委会
            prefix = _Prefix(start - size, None, [text[start - size : start]], None, None)
    if kind == "bureau" and prefix is None and start > floor and _glued(text[start - 1]):
        return None  # 综合文化服务中心: the stem is the end of another word
    described = _describe_core(kind, core, prefix)
    if described is None:
        return None
    function, long = described
    m_start = prefix.start if prefix else start
    mention = text[m_start:end]
    if _is_excluded(text, end, mention, quotes, m_start):
        return None
    if kind == "congress" and match.group("cplace"):
        long = match.group("cplace") + "人大工委"
    name, level = _make_name(prefix, long, region, text, short)
    if kind == "body" and BODIES[core][1] == "none":
        name, level = long, "national"
    if kind == "congress" and match.group("cplace"):
        level = "township"
    if kind == "party":  # 中共渝中区委员会; a bare 区委 with no region stays 区委
        name = (
            "中共" + name
            if prefix and (prefix.places or name[0] != prefix.bare[-1])
            else mention.lstrip(DEMONSTRATIVES)
        )
    return Department(mention, name, function, level, (m_start, end))


def _add_local_bureaus(text, items, region, short, quotes) -> list[Department]:
    """Bureaus with a local name after a bare level word (区产业发展促进局), not overlapping."""
    taken = [d.span for d in items]
    extra: list[Department] = []
    for m in LOCAL_BUREAU_RE.finditer(text):
        start, end = m.span()
        stem = m.group("stem")
        if any(ch in STOP_CHARS for ch in stem) or any(s < end and start < e for s, e in taken):
            continue
        if _is_excluded(text, end, m.group(), quotes, start):
            continue
        inner = STEM_RE.search(stem)
        function = STEMS[inner.group()] if inner else "other"
        level_word = m.group("level")
        prefix = _Prefix(start, PLACE_SUFFIXES[level_word][0], [], level_word, level_word)
        name, level = _make_name(prefix, stem + "局", region, text, short)
        extra.append(Department(m.group(), name, function, level, (start, end)))
    return sorted(items + extra, key=lambda d: d.span) if extra else items


def _drop_nested(items: list[Department]) -> list[Department]:
    """Drop an item whose span lies inside another's (矿山集街道办事处 in ...人大工委)."""
    spans = sorted(d.span for d in items)
    kept = []
    for item in items:
        s, e = item.span
        i = bisect_right(spans, (s, 10**12))
        inside = any(o != item.span and o[0] <= s and e <= o[1] for o in spans[max(0, i - 3) : i])
        if not inside:
            kept.append(item)
    return kept


GOVERNMENT_FUNCTIONS = frozenset(STEMS.values()) - {"other"}
_ALIAS_STEMS = tuple(a for a in ALIASES if len(a) > 1)


def _prefer_written_names(items: list[Department]) -> list[Department]:
    """Give a short form the long name written elsewhere in the same text.

    区行审局 next to 娄星区行政审批服务局 (same function, level and organ type) is the
    same bureau, so both get the name of the form written out in full.
    """
    best: dict[tuple, Department] = {}
    for item in items:
        if item.function not in GOVERNMENT_FUNCTIONS or any(a in item.mention for a in _ALIAS_STEMS):
            continue
        key = (item.function, item.level, item.name[-1])
        if key not in best or len(item.mention) > len(best[key].mention):
            best[key] = item
    for item in items:
        key = (item.function, item.level, item.name[-1])
        if item.function in GOVERNMENT_FUNCTIONS and key in best and _is_subsequence(item.name, best[key].name):
            item.name = best[key].name
    return items
