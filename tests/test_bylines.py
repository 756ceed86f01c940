"""Byline / source / editor / date lines: case file, seeds, and kind on the dev corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.bylines import parse_byline, split_names

CASES = json.loads((Path(__file__).resolve().parent / "cases" / "bylines.json").read_text(encoding="utf-8"))
SHARED = Path(__file__).resolve().parents[2] / "shared"
FIELDS = ("outlet", "reporters", "editor", "published", "kind", "end")


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_byline_cases(case):
    found = parse_byline(case["text"])
    if case["expected"] is None:
        assert found is None
    else:
        assert found is not None
        assert {k: found[k] for k in case["expected"]} == case["expected"]


def test_result_has_every_field():
    found = parse_byline("记者 刘庆红")
    assert set(FIELDS) <= set(found)


def test_embedded_end_is_inside_the_line():
    line = "长城网8月20日讯(记者 李文鹏 张笑宇)“姜代表,咱们小区附近连个菜市场都没有。”"
    found = parse_byline(line)
    assert found["kind"] == "embedded"
    assert line[: found["end"]] == "长城网8月20日讯(记者 李文鹏 张笑宇)"


@pytest.mark.parametrize("value, names", [("唐甜 刘晏男", ["唐甜", "刘晏男"]), ("何 婧", ["何婧"]), ("杨伟平/廖凤江", ["杨伟平", "廖凤江"]), ("站点管理员", [])])
def test_split_names(value, names):
    assert split_names(value) == names


@pytest.mark.parametrize("text", ["", "   ", "(", "来源", "记者:", "2023-13-45", "讯" * 300])
def test_odd_input_never_raises(text):
    parse_byline(text)


@pytest.mark.skipif(not (SHARED / "dev" / "gold").exists(), reason="dev corpus not available")
def test_no_gold_body_paragraph_is_a_metadata_line():
    """A line the hand-checkers kept in `clean` must never be classified as a whole metadata line."""
    wrong = []
    for gold_path in sorted((SHARED / "dev" / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        for para in gold["clean"].split("\n"):
            found = parse_byline(para)
            if found and found["kind"] == "line" and len(para) > 20:
                wrong.append((gold["id"], para[:40]))
    assert wrong == []
