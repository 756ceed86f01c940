"""Date parsing and the publication-date finder: case file and the dev corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.dates import find_dates, find_published, parse_date

CASES = json.loads((Path(__file__).resolve().parent / "cases" / "dates.json").read_text(encoding="utf-8"))
DEV = Path(__file__).resolve().parents[2] / "shared" / "dev"
DEV_FLOOR = 70  # of 72 dev reports whose gold `published` find_published matches; only goes up


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES if "text" in c])
def test_parse_date_cases(case):
    assert parse_date(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", [_param(c) for c in CASES if "lines" in c])
def test_find_published_cases(case):
    assert list(find_published(case["lines"])) == case["expected"]


def test_find_dates_gives_spans():
    line = "发布时间:2019-05-07 浏览"
    [(iso, start, end)] = find_dates(line)
    assert (iso, line[start:end]) == ("2019-05-07", "2019-05-07")


@pytest.mark.skipif(not (DEV / "gold").exists(), reason="dev corpus not available")
def test_dev_published_floor():
    hits = 0
    for gold_path in sorted((DEV / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        raw = (DEV / "raw" / f"{gold['id']}.txt").read_text(encoding="utf-8")
        hits += find_published(raw.split("\n"))[0] == gold["published"]
    assert hits >= DEV_FLOOR
