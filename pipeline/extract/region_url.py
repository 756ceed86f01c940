"""The jurisdiction named in a report's address.

Government and local-press sites spell their jurisdiction in pinyin in the
host or the path (www.haishu.gov.cn → 海曙区, rd.zhuxi.gov.cn → 竹溪县,
cqcb.com/county/changshouqu/ → 长寿区).  When the text names no district,
a district spelled in the address, and consistent with the province and city
the text gives, fills it in.  The index is built from the shipped division
table with pypinyin, so it covers every county-level unit, not a list of sites.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from functools import cache
from itertools import islice, product
from urllib.parse import urlsplit

from pypinyin import Style, pinyin

from pipeline.data import read_lines
from pipeline.extract.region import TABLE, Unit
from pipeline.types import Region

MIN_TOKEN_LETTERS = 4  # shorter spellings (an, he, xi) match too many names
NOT_PLACES = frozenset(read_lines("url_stopwords.txt"))  # site kinds, CMS folders
_TOKEN = re.compile(r"[a-z]+")


MAX_SPELLINGS = 16


def spellings(name: str) -> list[str]:
    """Every toneless spelling of a name, polyphones included (朝阳 is
    chaoyang as a place, zhaoyang as a word)."""
    readings = pinyin(name, style=Style.NORMAL, heteronym=True)
    return ["".join(combo).lower() for combo in islice(product(*readings), MAX_SPELLINGS)]


@cache
def pinyin_index() -> dict[str, list[Unit]]:
    """Pinyin spelling → county-level units, with and without the suffix
    (changshouqu and changshou → 长寿区)."""
    index: dict[str, list[Unit]] = defaultdict(list)
    for unit in TABLE.units.values():
        if unit.level != "district":
            continue
        for form in {unit.name, re.sub(r"(自治县|自治旗|新区|区|县|市|旗)$", "", unit.name)}:
            if len(form) >= 2:
                for spelling in spellings(form):
                    if unit not in index[spelling]:
                        index[spelling].append(unit)
    return dict(index)


def url_tokens(url: str) -> list[str]:
    parts = urlsplit(url.lower())
    words = _TOKEN.findall(parts.hostname or "") + _TOKEN.findall(parts.path)
    return [w for w in words if len(w) >= MIN_TOKEN_LETTERS and w not in NOT_PLACES]


def districts_in_url(url: str) -> list[Unit]:
    """County-level units whose pinyin is a word of the address."""
    index = pinyin_index()
    found: dict[str, Unit] = {}
    for token in url_tokens(url):
        for unit in index.get(token, ()):
            found[unit.adcode] = unit
    return list(found.values())


def refine_region_by_url(region: Region, url: str | None) -> Region:
    """Fill a missing district from the address when exactly one county-level
    unit spelled there agrees with the province and city found in the text.

    >>> refine_region_by_url(Region("浙江省", "宁波市", None, "330200"), "http://www.haishu.gov.cn/art/1.html").district
    '海曙区'
    >>> refine_region_by_url(Region(), "http://www.huojia.gov.cn/contents/1069/61779.html").adcode
    '410724'
    """
    if not url or region.district:
        return region
    candidates = [
        unit
        for unit in districts_in_url(url)
        if (region.province in (None, unit.province)) and (region.city in (None, unit.city))
    ]
    if len(candidates) != 1:
        return region
    unit = candidates[0]
    return replace(region, province=unit.province, city=unit.city, district=unit.name, adcode=unit.adcode)
