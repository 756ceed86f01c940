"""The jurisdiction a report is about: province / city / district + adcode.

The lexicon is the division table ``pipeline/data/adcodes.tsv`` (国家统计局
codes, see adcodes_SOURCE.md); nothing here knows a place name.  The resolver
tells the jurisdiction reported on apart from places merely mentioned:

1. **Find mentions** of every province, city and county-level unit (full
   names and the table's short forms) with one trie regex over the title and
   the text, and of towns (乡镇/街道 with their suffix) by dictionary look-up
   in front of 街道/镇/乡.
2. **Accept** them: a full name of three or more characters always counts;
   a two-character full name (浚县, 城区) and every short form (江汉, 渝中,
   朝阳) only with evidence: its parent city or province right before it
   (福州鼓楼), an organ or title colon right after it (江汉人大, 渝中：), or
   its full form elsewhere in the text.
3. **Weigh** each mention: title ×4, first paragraph, an acting organ after
   it (X区人大常委会, X县人大, X区委).
4. **Disambiguate** names shared by several units (鼓楼区, 朝阳区, 城关区,
   市中区) by the weight of their city, province and towns in the text.
5. **Choose the level**: a district named in the title, or one district
   that dominates the body and acts, gives a district report; a title naming
   only a city, or several districts of one city side by side, gives a
   city-level report (district null); only a province gives city null.

Conventions: municipalities (北京 天津 上海 重庆) have ``city`` equal to the
municipality; county-level units under a province directly (仙桃市, 济源市,
海南's counties) have ``city`` null and ``district`` the unit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.types import Region

TABLE_PATH = Path(__file__).resolve().parents[1] / "data" / "adcodes.tsv"

# Text right after a name that shows the place acting or being the subject.
ORGAN_AFTER = re.compile(
    r"(?:人大|人民代表大会|人民政府|政府|党委|[区县市旗州]?委(?!员)|常委会|代表|人民法院|人民检察院)"
)
# Text right after a short form that shows it is used as a place name.
SHORT_CONTEXT_AFTER = re.compile(r"(?:人大|人民代表大会|区委|县委|党委|区政府|县政府|[：:])")
# Names that are also common words (城区, 老城区, 郊区, 东区): only after their parent.
GENERIC_NAME = re.compile(r"^(?:[新老旧主]?城|郊|矿|[东西南北中])区$")
# One character before a two-character name (浚县) that still leaves it a name.
PREPOSITIONS = set("在于赴到至从对向给为是了的")
_CJK = re.compile(r"[\u3400-\u9fff]")
TOWN_SUFFIX = re.compile(r"(?:街道|镇|乡|苏木)")
TOWN_ACTING_AFTER = re.compile(r"(?:人大|人民代表大会|第[一二三四五六七八九十]|党委|党工委|政府|办事处|召开)")
# A city-level survey of its districts: 各区、县(市), 各区县, 县(市、区).
MULTI_DISTRICT = re.compile(r"各(?:区|县)|[区县][、（(]*(?:县|区|市)[)）]|县[（(]市[、，]区[)）]|区县")
# Bare level words: who is speaking when no name is given (市人大常委会, 全区).
BARE_CITY = re.compile(r"全市|我市|本市|市人大|市委|市政府|市级|市直")
BARE_DISTRICT = re.compile(r"全区|我区|本区|该区|区人大|区委|区政府|区级|区直|全县|我县|本县|该县|县人大|县委|县政府|县级|全旗|旗人大")
TITLE_WEIGHT = 4.0
LEAD_WEIGHT = 1.0
ORGAN_WEIGHT = 2.0
LEVELS = ("province", "city", "district")


@dataclass(frozen=True)
class Unit:
    """One row of the division table."""

    adcode: str
    level: str
    name: str
    province: str
    city: str | None
    district: str | None
    functional: bool


@dataclass
class Mention:
    """One accepted occurrence of a place name."""

    start: int
    end: int
    surface: str
    level: str
    units: list[Unit]
    in_title: bool
    weight: float = 1.0


@dataclass
class Table:
    """The division table indexed for matching."""

    units: dict[str, Unit] = field(default_factory=dict)
    surfaces: dict[str, list[tuple[Unit, bool]]] = field(default_factory=dict)
    towns: dict[str, list[Unit]] = field(default_factory=dict)
    pattern: re.Pattern[str] = re.compile("(?!)")
    max_town_len: int = 0


def build_trie_pattern(words: list[str]) -> str:
    """A regex alternation shaped as a trie, longest match first.

    Python's ``re`` tries plain alternatives one by one; a trie keeps the
    match over thousands of names linear in the text.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


def load_table(path: Path = TABLE_PATH) -> Table:
    """Read adcodes.tsv once: units, surface index, trie regex, towns."""
    table = Table()
    surfaces: dict[str, list[tuple[Unit, bool]]] = defaultdict(list)
    towns: dict[str, list[Unit]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if not line.startswith("#")]
    for adcode, level, name, short, province, city, district, kind in rows[1:]:
        if level == "town":
            if district:
                towns[name].append(table.units[_district_code(adcode)])
            continue
        unit = Unit(adcode, level, name, province, city or None, district or None, kind == "functional")
        table.units[adcode] = unit
        surfaces[name].append((unit, False))
        for alias in filter(None, short.split("|")):
            surfaces[alias].append((unit, True))
    table.surfaces = dict(surfaces)
    table.towns = {name: units for name, units in towns.items() if TOWN_SUFFIX.search(name[-2:])}
    table.max_town_len = max(map(len, table.towns), default=0)
    table.pattern = re.compile(build_trie_pattern(sorted(surfaces)))
    return table


def _district_code(town_code: str) -> str:
    return town_code[:6]


TABLE = load_table()


def precedes_with_parent(text: str, start: int, unit: Unit) -> bool:
    """True when the unit's city or province (full or short) ends right before it: 福州鼓楼."""
    head = text[max(0, start - 12) : start]
    for parent in (unit.city, unit.province):
        if not parent:
            continue
        forms = [parent] + [s for s, entries in _ALIASES.get(parent, [])]
        if any(head.endswith(f) for f in forms):
            return True
    return False


def _index_aliases() -> dict[str, list[tuple[str, list]]]:
    """Full name of a province/city → its short forms (for parent look-behind)."""
    out: dict[str, list[tuple[str, list]]] = defaultdict(list)
    for surface, entries in TABLE.surfaces.items():
        for unit, is_short in entries:
            if is_short and unit.level in ("province", "city"):
                out[unit.name].append((surface, entries))
    return dict(out)


_ALIASES = _index_aliases()


def scan_names(text: str, in_title: bool) -> list[Mention]:
    """Every province/city/district name in ``text`` that passes step 2."""
    raw = []
    for m in TABLE.pattern.finditer(text):
        surface = m.group()
        if surface not in TABLE.surfaces:
            continue
        raw.append((m.start(), m.end(), surface))
    full_seen = {s for _, _, s in raw}
    out: list[Mention] = []
    for start, end, surface in raw:
        entries = TABLE.surfaces[surface]
        kept = [u for u, short in entries if accept_entry(text, start, end, surface, u, short, full_seen)]
        if not kept:
            continue
        level = _dominant_level(kept)
        units = [u for u in kept if u.level == level]
        out.append(Mention(start, end, surface, level, units, in_title))
    return out


def accept_entry(text: str, start: int, end: int, surface: str, unit: Unit, short: bool, seen: set[str]) -> bool:
    """Step 2 of the cascade for one candidate reading of a matched name."""
    after = text[end : end + 6]
    if not short:
        if GENERIC_NAME.match(surface):
            return precedes_with_parent(text, start, unit)
        if len(surface) >= 3:
            return True
        return precedes_with_parent(text, start, unit) or is_bounded_before(text, start)
    if unit.level == "province":
        return True
    if unit.level == "city":
        return len(surface) >= 2 and not re.match(r"[路街巷道桥]", after)
    if unit.name in seen:
        return True
    return precedes_with_parent(text, start, unit) or bool(SHORT_CONTEXT_AFTER.match(after))


def is_bounded_before(text: str, start: int) -> bool:
    """True when a short full name (浚县) starts a clause or follows a preposition.

    Blocks the conjunction reading of 和县 in 市委市政府和县委.
    """
    return start == 0 or not _CJK.match(text[start - 1]) or text[start - 1] in PREPOSITIONS


def _dominant_level(units: list[Unit]) -> str:
    """A surface naming units of several levels (吉林 the province and the city) reads as the highest."""
    levels = {u.level for u in units}
    return next(level for level in LEVELS if level in levels)


def scan_towns(text: str) -> list[tuple[int, int, list[Unit]]]:
    """Towns and streets (矿山集街道, 四团镇) named in full and acting, with their districts.

    Only a town followed by its organ or session (双龙镇人大代表, 吕城镇第十八届)
    counts: a bare 关集镇 may be the tail of 有关集镇建设.
    """
    out = []
    for m in TOWN_SUFFIX.finditer(text):
        if not TOWN_ACTING_AFTER.match(text, m.end()):
            continue
        for size in range(TABLE.max_town_len, len(m.group()), -1):
            start = m.end() - size
            if start < 0:
                continue
            units = TABLE.towns.get(text[start : m.end()])
            if units:
                out.append((start, m.end(), units))
                break
    return out


def weigh_mentions(mentions: list[Mention], text: str, lead_end: int) -> None:
    """Step 3: title, first paragraph and acting-organ weights, in place."""
    for m in mentions:
        w = 1.0
        if m.in_title:
            w += TITLE_WEIGHT
        elif m.start < lead_end:
            w += LEAD_WEIGHT
        source = text if not m.in_title else None
        if source is not None and ORGAN_AFTER.match(source, m.end):
            w += ORGAN_WEIGHT
        m.weight = w


def resolve_ambiguous(mentions: list[Mention], towns: list[tuple[int, int, list[Unit]]]) -> None:
    """Step 4: keep, for a name shared by several units, the best-supported one."""
    support: dict[str, float] = defaultdict(float)
    for m in mentions:
        if len(m.units) == 1 or m.level != "district":
            for u in m.units:
                support[u.name] += m.weight / len(m.units)
    town_support: dict[str, float] = defaultdict(float)
    for _, _, units in towns:
        for u in units:
            town_support[u.adcode] += 1.0 / len(units)
    for m in mentions:
        if len(m.units) < 2:
            continue
        scored = [(_context_score(u, support, town_support), u) for u in m.units]
        scored.sort(key=lambda su: -su[0])
        if scored[0][0] > 0 and scored[0][0] > scored[1][0]:
            m.units = [scored[0][1]]


def _context_score(unit: Unit, support: dict[str, float], town_support: dict[str, float]) -> float:
    score = town_support.get(unit.adcode, 0.0)
    if unit.level == "district":
        score += 2 * support.get(unit.city or "", 0.0) if unit.city != unit.province else 0.0
    return score + support.get(unit.province, 0.0) + (support.get(unit.city or "", 0.0) if unit.level == "district" else 0.0)


def tally(mentions: list[Mention], towns: list[tuple[int, int, list[Unit]]]) -> dict[str, dict[Unit, float]]:
    """Score per unit and level; a district's weight also counts for its city and province."""
    scores: dict[str, dict[Unit, float]] = {level: defaultdict(float) for level in LEVELS}
    for m in mentions:
        for u in m.units:
            scores[m.level][u] += m.weight / len(m.units)
    for _, _, units in towns:
        if len(units) == 1:
            scores["district"][units[0]] += 0.5
    return scores


def count_bare_levels(text: str, mentions: list[Mention]) -> tuple[int, int]:
    """How often the text speaks of 市 and of 区/县 without naming them (全市, 区人大)."""
    covered = {i for m in mentions if not m.in_title for i in range(m.start, m.end)}
    city = sum(1 for m in BARE_CITY.finditer(text) if m.start() not in covered)
    district = sum(1 for m in BARE_DISTRICT.finditer(text) if m.start() not in covered)
    return city, district


def choose_district(
    mentions: list[Mention], scores: dict[str, dict[Unit, float]], bare: tuple[int, int]
) -> Unit | None:
    """Step 5 for the district level: the one district the report is about, or None."""
    districts = scores["district"]
    if not districts:
        return None
    title_d = [m for m in mentions if m.in_title and m.level == "district" and len(m.units) >= 1]
    if title_d:
        return max((u for m in title_d for u in m.units), key=lambda u: districts[u])
    title_city = any(m.in_title and m.level in ("city", "province") for m in mentions)
    if title_city:
        return None
    ranked = sorted(districts.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0]
    total = sum(districts.values())
    city_own = sum(v for u, v in scores["city"].items() if u.name == best.city)
    bare_city, bare_district = bare
    if best_score < 0.5 * total:
        return None
    if bare_city > bare_district + 1 and city_own >= best_score:
        return None
    return best


def choose_city(mentions: list[Mention], scores: dict[str, dict[Unit, float]], district: Unit | None) -> Unit | None:
    """The city: the district's own, else the best-supported city (its districts count)."""
    if district is not None:
        return TABLE.units.get(district.adcode[:4] + "00")
    title_prov_only = [m for m in mentions if m.in_title and m.level == "province"] and not [
        m for m in mentions if m.in_title and m.level in ("city", "district")
    ]
    support: dict[Unit, float] = defaultdict(float)
    for u, v in scores["city"].items():
        support[u] += v
    for u, v in scores["district"].items():
        city = TABLE.units.get(u.adcode[:4] + "00")
        if city is not None:
            support[city] += 0.5 * v
    if not support:
        return None
    best = max(support, key=lambda u: support[u])
    if title_prov_only and not any(m.in_title for m in mentions if best in m.units):
        return None
    return best


def choose_province(scores: dict[str, dict[Unit, float]]) -> Unit | None:
    """The province: the most supported, directly or through its cities and districts."""
    support: dict[str, float] = defaultdict(float)
    for level in LEVELS:
        for u, v in scores[level].items():
            support[u.adcode[:2]] += v
    if not support:
        return None
    return TABLE.units.get(max(support, key=lambda c: support[c]) + "0000")


def extract_region(text: str, *, title: str | None = None) -> Region:
    """The jurisdiction ``text`` reports on (see the module docstring for the steps).

    >>> r = extract_region("近日，福州市鼓楼区人大常委会组织代表开展视察。")
    >>> (r.province, r.city, r.district, r.adcode)
    ('福建省', '福州市', '鼓楼区', '350102')
    """
    mentions = scan_names(title, True) if title else []
    mentions += scan_names(text, False)
    towns = scan_towns(text) + (scan_towns(title) if title else [])
    lead_end = _lead_end(text)
    weigh_mentions(mentions, text, lead_end)
    resolve_ambiguous(mentions, towns)
    scores = tally(mentions, towns)
    district = choose_district(mentions, scores, count_bare_levels(text, mentions))
    city = choose_city(mentions, scores, district)
    if district is not None:
        province = TABLE.units[district.adcode[:2] + "0000"]
    elif city is not None:
        province = TABLE.units[city.adcode[:2] + "0000"]
    else:
        province = choose_province(scores)
    return build_region(province, city, district, mentions)


def _lead_end(text: str) -> int:
    """End of the first paragraph (or the first 200 characters)."""
    nl = text.find("\n", 20)
    return min(nl if nl > 0 else len(text), 200)


def build_region(province: Unit | None, city: Unit | None, district: Unit | None, mentions: list[Mention]) -> Region:
    """Assemble the Region with the most specific unit's code and deciding span."""
    if province is None:
        return Region()
    most = district or city or province
    city_name = district.city if district else (city.name if city else None)
    if city_name is None and province.name in _MUNICIPALITIES:
        city_name = province.name
    span = next(((m.start, m.end) for m in mentions if not m.in_title and most in m.units), None)
    return Region(province.name, city_name, district.name if district else None, most.adcode, span)


_MUNICIPALITIES = {u.province for u in TABLE.units.values() if u.level == "district" and u.city == u.province}
