"""Named people with roles: case file (seeds and dev texts; no gold exists for people)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.people import extract_people, is_person_name

CASES = json.loads((Path(__file__).resolve().parent / "cases" / "people.json").read_text(encoding="utf-8"))


def _param(case):
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_people_cases(case):
    assert [[p.name, p.role] for p in extract_people(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", [c for c in CASES if c["expected"] and "xfail" not in c], ids=lambda c: c["label"])
def test_spans_point_at_the_name(case):
    for person in extract_people(case["text"]):
        start, end = person.span
        assert case["text"][start:end] == person.name


@pytest.mark.parametrize("word", ["表示", "介绍", "通过", "王某"])
def test_common_words_are_not_names(word):
    assert not is_person_name(word)


def test_same_person_same_role_once():
    people = extract_people("区人大代表左彬说,区人大代表左彬表示。")
    assert [(p.name, p.role) for p in people] == [("左彬", "区人大代表")]
