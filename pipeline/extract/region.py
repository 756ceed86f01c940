"""The jurisdiction a report is about: province / city / district + adcode.

The lexicon is the division table ``pipeline/data/adcodes.tsv`` (国家统计局
codes, see adcodes_SOURCE.md); nothing here knows a place name.  The resolver
tells the jurisdiction reported on apart from places merely mentioned:

1. **Find mentions** of every province, city and county-level unit (full
   names and the table's short forms) in the title and the text (a C-speed
   prefix filter, then dict look-ups), and of towns (乡镇/街道 with their suffix) by dictionary look-up
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
STREET_AFTER = re.compile(r"[路街巷道桥]")
TOWN_SUFFIX = re.compile(r"(?:街道|镇|乡|苏木)")
TOWN_ACTING_AFTER = re.compile(r"(?:人大|人民代表大会|第[一二三四五六七八九十]|党委|党工委|政府|办事处|召开)")
# A city-level survey of its districts: 各区、县(市), 各区县, 县(市、区).
MULTI_DISTRICT = re.compile(r"各(?:区|县)|[区县][、（(]*(?:县|区|市)[)）]|县[（(]市[、，]区[)）]|区县")
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
    prefixes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    town_tails: dict[str, tuple[int, ...]] = field(default_factory=dict)


def index_prefixes(words: list[str]) -> tuple[re.Pattern[str], dict[str, tuple[int, ...]]]:
    """A candidate-start regex and, per two-character prefix, the name lengths to try.

    One regex alternation over thousands of names runs at ~0.3 MB/s in
    Python's ``re`` (it tries the branches one by one); a character-class
    test for the first two characters runs in C and leaves about one
    position in eight for a few dict look-ups (~5 MB/s).  (pyahocorasick's
    ``iter`` over the same names was measured four times slower.)
    """
    lengths: dict[str, set[int]] = defaultdict(set)
    for word in words:
        lengths[word[:2]].add(len(word))
    first = "".join(sorted({w[0] for w in lengths}))
    second = "".join(sorted({w[1] for w in lengths}))
    pattern = re.compile(f"[{re.escape(first)}](?=[{re.escape(second)}])")
    return pattern, {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


def index_town_tails(names) -> dict[str, tuple[int, ...]]:
    """Last two characters of a town name → the lengths of the names ending so, longest first."""
    lengths: dict[str, set[int]] = defaultdict(set)
    for name in names:
        if len(name) >= 2:
            lengths[name[-2:]].add(len(name))
    return {tail: tuple(sorted(sizes, reverse=True)) for tail, sizes in lengths.items()}


def find_names(text: str) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping occurrences of table names (full or short)."""
    out = []
    last_end = 0
    surfaces, prefixes = TABLE.surfaces, TABLE.prefixes
    for m in TABLE.pattern.finditer(text):
        i = m.start()
        if i < last_end:
            continue
        for size in prefixes.get(text[i : i + 2], ()):
            if text[i : i + size] in surfaces:
                out.append((i, i + size, text[i : i + size]))
                last_end = i + size
                break
    return out


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
    table.town_tails = index_town_tails(table.towns)
    table.pattern, table.prefixes = index_prefixes([w for w in surfaces if len(w) >= 2])
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
    raw = find_names(text)
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
    return drop_street_names(out)


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
        return len(surface) >= 2 and not STREET_AFTER.match(after)
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
    """Towns and streets (矿山集街道, 四团镇) named in full, with their districts.

    A town with a two-character base counts only when it starts a clause
    (、县功镇), acts (双龙镇人大代表, 吕城镇第十八届) or follows its district
    (青山区乌素图街道): 关集镇 may be the tail of 有关集镇建设.
    """
    out = []
    for m in TOWN_SUFFIX.finditer(text):
        if m.end() < 2:
            continue
        for size in TABLE.town_tails.get(text[m.end() - 2 : m.end()], ()):
            start = m.end() - size
            units = TABLE.towns.get(text[start : m.end()]) if start >= 0 and size > len(m.group()) else None
            if not units:
                continue
            named = [u for u in units if text.endswith(u.name, 0, start)]
            if named:
                out.append((start, m.end(), named))
            elif size - len(m.group()) >= 3 or is_bounded_before(text, start) or TOWN_ACTING_AFTER.match(text, m.end()):
                out.append((start, m.end(), units))
            break
    return out


def drop_street_names(mentions: list[Mention]) -> list[Mention]:
    """Read a name right after another county-level name as part of a street name.

    乌苏市新市区街道 is a street of 乌苏市, not 乌鲁木齐's 新市区; a name right
    after its own city keeps only the readings under that city (福州市鼓楼区).
    """
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.end == m.start and m.level == "district":
            if prev.level == "district":
                continue
            under = [
                u
                for u in m.units
                if u.city in {p.name for p in prev.units} or u.province in {p.name for p in prev.units}
            ]
            if under:
                m.units = under
        out.append(m)
    return out


def weigh_mentions(mentions: list[Mention], text: str, lead_end: int) -> None:
    """Step 3: title, first paragraph and acting-organ weights, in place."""
    for m in mentions:
        w = 1.0
        if m.in_title:
            w += TITLE_WEIGHT
        elif m.start < lead_end:
            w += LEAD_WEIGHT
        if not m.in_title and ORGAN_AFTER.match(text, m.end):
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
    """Evidence for one reading of a shared name: its towns, its city (×3), its province."""
    score = town_support.get(unit.adcode, 0.0) + support.get(unit.province, 0.0)
    if unit.level == "district" and unit.city and unit.city != unit.province:
        score += 3 * support.get(unit.city, 0.0)
    return score


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


def choose_district(mentions: list[Mention], scores: dict[str, dict[Unit, float]], text: str) -> Unit | None:
    """Step 5 for the district level: the one district the report is about, or None.

    1. A district named in the title wins.
    2. A survey of a city's districts (各区、县(市), 区县) is a city report.
    3. Otherwise the best district must beat every other one, hold half of
       all district weight, and weigh at least half as much as the body's
       mentions of its own city (深圳 ×10 with 龙岗区 once is a 深圳 report).
    4. A title naming only the city (河北邯郸) allows one district of that
       city in the body, not two (山东济南 with 槐荫区 and 历城区).
    """
    districts = scores["district"]
    if not districts:
        return None
    title_d = [u for m in mentions if m.in_title and m.level == "district" for u in m.units]
    if title_d:
        return max(title_d, key=lambda u: districts[u])
    if MULTI_DISTRICT.search(text):
        return None
    ranked = sorted(districts.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0]
    if len(ranked) > 1 and ranked[1][1] >= best_score:
        return None
    if best_score < 0.5 * sum(districts.values()):
        return None
    if best_score < 0.5 * weigh_city_body(mentions, best):
        return None
    if any(m.in_title and m.level in ("city", "province") for m in mentions):
        if sum(1 for u in districts if u.city == best.city) > 1:
            return None
    return best


def weigh_city_body(mentions: list[Mention], district: Unit) -> float:
    """Weight of the body's mentions of a district's own city (the municipality for 北京 ...)."""
    return sum(
        m.weight
        for m in mentions
        if not m.in_title and m.level in ("city", "province") and any(u.name == district.city for u in m.units)
    )


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
    district = choose_district(mentions, scores, text)
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
