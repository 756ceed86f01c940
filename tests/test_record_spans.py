"""Every extracted item points at its evidence in the clean text, and through
the offset map at the same evidence in the original."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.api import process_paths
from pipeline.clean.pinyin import strip_pinyin
from pipeline.clean.script import convert_to_simplified
from pipeline.types import Record

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "sample"


def records() -> list[Record]:
    return [r for r in process_paths([str(SAMPLE)]) if isinstance(r, Record)]


def item_text(item) -> str:
    return getattr(item, "text", None) or getattr(item, "mention", None) or item.name


@pytest.mark.parametrize("record", records(), ids=lambda r: Path(r.source.path).name)
def test_spans_point_at_the_evidence_in_text_and_original(record):
    items = [*record.counts, *record.departments, *record.activities, *record.people]
    assert items
    same = 0
    for item in items:
        start, end = item.span
        assert record.text[start:end] == item_text(item)
        ostart, oend = item.original_span
        assert 0 <= ostart <= oend <= len(record.original)
        passage = convert_to_simplified(strip_pinyin(record.original[ostart:oend]))
        same += passage == item_text(item)
    # mojibake repairs change bytes, not only characters: allow a few
    assert same >= 0.95 * len(items), f"{same} of {len(items)}"
