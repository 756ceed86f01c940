"""Mojibake repair: case file, must-not-change texts, and the dev reports marked mojibake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.clean.edits import apply_edits
from pipeline.clean.mojibake import find_mojibake

CASES = json.loads((Path(__file__).parent / "cases" / "mojibake.json").read_text(encoding="utf-8"))
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
        yield pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_case(case):
    edits, damaged = find_mojibake(case["original"])
    repaired, _ = apply_edits(case["original"], edits)
    assert repaired == case["expected"]
    assert len(edits) + len(damaged) == case["damaged"]


def test_repairs_do_not_overlap_damaged_spans():
    text = "挖掘發(fā)展?jié)摿?、推進。希望盡快改善?!薄案鶕?jù)前期調研"
    edits, damaged = find_mojibake(text)
    for a, b in damaged:
        assert all(b <= e.start or a >= e.end for e in edits)
        assert set(text[a:b]) <= set("?\ufffd")


def _clean_texts():
    import opencc

    s2t = opencc.OpenCC("s2t")
    for path in sorted((SHARED / "dev" / "gold").glob("*.json")):
        clean = json.loads(path.read_text(encoding="utf-8"))["clean"]
        yield clean
        yield s2t.convert(clean)


def test_gold_clean_texts_unchanged():
    """Every dev gold text, simplified and converted to traditional: zero edits, zero spans."""
    touched = [text[:20] for text in _clean_texts() if find_mojibake(text) != ([], [])]
    assert touched == []


def test_seeds_without_mojibake_unchanged():
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        if path.name.startswith("004"):
            continue
        assert find_mojibake(path.read_text(encoding="utf-8")) == ([], []), path.name


def test_dev_mojibake_reports_found():
    """The four dev reports with mojibake noise each get at least one damaged passage."""
    index = [json.loads(line) for line in (SHARED / "dev" / "raw" / "index.jsonl").read_text().splitlines()]
    ids = [row["id"] for row in index if "mojibake" in row["noise"]]
    assert len(ids) == 4
    for doc_id in ids:
        edits, damaged = find_mojibake((SHARED / "dev" / "raw" / f"{doc_id}.txt").read_text(encoding="utf-8"))
        assert edits or damaged, doc_id


def test_seed_004_repairs_only_proven_bytes():
    text = (SHARED / "seeds").glob("004_*.txt").__next__().read_text(encoding="utf-8")
    edits, damaged = find_mojibake(text)
    repaired, _ = apply_edits(text, edits)
    assert "?”斯凱孚(新昌)" in repaired
    assert "?jié)摿?" in repaired  # lost on both sides: left as is, but marked
    assert any(text[a:b] == "?" and text[b : b + 4] == "jié)" for a, b in damaged)
