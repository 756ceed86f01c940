"""A district spelled in pinyin in the report's address fills a missing district."""

from __future__ import annotations

import pytest

from pipeline.extract.region_url import districts_in_url, refine_region_by_url
from pipeline.types import Region


@pytest.mark.parametrize(
    ("url", "district"),
    [
        ("http://www.haishu.gov.cn/art/2021/12/1/art_1229825359_4521777.html", "海曙区"),
        ("http://rd.zhuxi.gov.cn/gzdt/202302/t20230206_4177978.shtml", "竹溪县"),
        ("https://cqcb.com/county/changshouqu/changshouquxinwen/2018-06-25/917823.html", "长寿区"),
        ("http://www.huojia.gov.cn/contents/1069/61779.html", "获嘉县"),
    ],
)
def test_district_from_address_when_text_has_none(url, district):
    assert refine_region_by_url(Region(), url).district == district


def test_text_district_wins_over_address():
    region = Region("湖北省", "武汉市", "江汉区", "420103")
    assert refine_region_by_url(region, "http://www.haishu.gov.cn/a.html") == region


def test_address_must_agree_with_the_province_of_the_text():
    region = Region("湖北省", "武汉市", None, "420100")
    assert refine_region_by_url(region, "http://www.haishu.gov.cn/a.html") == region


@pytest.mark.parametrize(
    "url",
    [
        None,
        "https://www.qianlima.com/bid-493549869.html",
        "https://news.cnjiwang.com/jwyc/202504/3938022.html",
        "https://www.gov.cn/xinwen/content.htm",
    ],
)
def test_addresses_without_a_place_change_nothing(url):
    assert refine_region_by_url(Region(), url) == Region()


def test_ambiguous_spelling_is_not_guessed():
    # 朝阳区 exists in Beijing and Changchun: the bare spelling decides nothing
    assert len(districts_in_url("http://www.chaoyang.gov.cn/")) > 1
    assert refine_region_by_url(Region(), "http://www.chaoyang.gov.cn/").district is None
    assert (
        refine_region_by_url(Region("北京市", "北京市", None, "110000"), "http://www.chaoyang.gov.cn/").district
        == "朝阳区"
    )
