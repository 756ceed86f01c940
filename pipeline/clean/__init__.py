"""Clean: a noisy report in, the clean article out (spec: cleaning.md).

``clean(text)`` runs the cleaners in this order, each returning edits against
the text left by the one before, so every removal is counted by name in
``noise`` and every offset of the clean text maps back to the original:

1. ``control_chars``  zero-width and control characters, \\r\\n → \\n
2. ``mojibake``       UTF-8/GBK round-trip damage repaired where the bytes
                      prove it, otherwise marked (before anything reads words)
3. ``pinyin``         inline pinyin annotations (they spell the characters
                      as written, so this runs before script conversion)
4. ``script``         traditional / HK / TW forms to simplified
5. ``inline``         stray CMS tokens, image file names, inserted spam strings,
                      doubled punctuation, bullets lost to a bad encoding
6. ``watermark``      a token stamped after every paragraph (before the line
                      rules, which would read a paragraph ending in
                      "转载请注明出处" as the page footer)
7. ``lines``          chrome, spam, captions, metadata, title, header and tail
                      lines; the metadata is read before the lines go
8. ``repeats``        repeated paragraphs
9. ``blank_lines``    empty lines; paragraphs joined by one "\\n"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.clean.edits import Edit, OffsetMap, apply_edits
from pipeline.clean.inline import (
    find_broken_bullets,
    find_control_chars,
    find_doubled_punctuation,
    find_image_filenames,
    find_inline_spam,
    find_stray_tokens,
)
from pipeline.clean.lines import find_noise_lines
from pipeline.clean.mojibake import find_mojibake
from pipeline.clean.pinyin import MAX_PASSES as MAX_PINYIN_PASSES
from pipeline.clean.pinyin import find_pinyin_annotations
from pipeline.clean.repeats import find_repeated_paragraphs, find_watermark
from pipeline.clean.script import to_simplified
from pipeline.types import Metadata, Noise

CLEANER_NAMES = (
    "control_chars",
    "mojibake",
    "pinyin",
    "script",
    "inline",
    "watermark",
    "lines",
    "repeats",
    "blank_lines",
)

# Counters that add up to noise["lines_removed"] (the contract's summary field).
LINE_KINDS = (
    "spam_lines",
    "related_lines",
    "chrome_lines",
    "caption_lines",
    "metadata_lines",
    "header_lines",
    "tail_lines",
    "title_lines",
    "duplicate_paragraphs",
)


@dataclass
class Cleaned:
    text: str
    original: str
    noise: Noise
    metadata: Metadata
    offsets: OffsetMap
    # passages of the original left damaged (mojibake that the bytes could not prove)
    damaged: list[tuple[int, int]] = field(default_factory=list)

    def to_original(self, span: tuple[int, int]) -> tuple[int, int]:
        return self.offsets.to_original(span)


_BLANKS = re.compile(r"\n[ \t\u3000\xa0]*(?=\n)|^\s+|\s+$")


def find_blank_lines(text: str) -> list[Edit]:
    """Empty lines, and blank space at the start and end of the text."""
    return [Edit(m.start(), m.end(), "", "blank_lines") for m in _BLANKS.finditer(text) if m.end() > m.start()]


def _inline_edits(text: str) -> list[Edit]:
    edits = (
        find_stray_tokens(text)
        + find_image_filenames(text)
        + find_inline_spam(text)
        + find_doubled_punctuation(text)
        + find_broken_bullets(text)
    )
    return _drop_overlaps(edits)


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, -e.end)):
        if kept and edit.start < kept[-1].end:
            continue
        kept.append(edit)
    return kept


class _Run:
    """The state of one cleaning run: current text, offsets, noise."""

    def __init__(self, text: str):
        self.text = text
        self.offsets = OffsetMap()
        self.noise = Noise()
        self.damaged: list[tuple[int, int]] = []

    def apply(self, edits: list[Edit]) -> None:
        if not edits:
            return
        for edit in edits:
            if edit.kind:
                self.noise.add(edit.kind)
        self.text, step = apply_edits(self.text, edits)
        self.offsets.push(step)


def clean(text: str, *, skip: tuple[str, ...] = ()) -> Cleaned:
    """Clean one report.  ``skip`` names cleaners (see CLEANER_NAMES) to leave out.

    >>> clean("社区(shèqū)举行了接待活动,20余名居民参加。").text
    '社区举行了接待活动,20余名居民参加。'
    """
    if not isinstance(text, str):
        raise TypeError(f"clean() takes str, not {type(text).__name__}: decode bytes with pipeline.read first")
    run = _Run(text)
    metadata = Metadata()
    steps: list[tuple[str, Callable[[], None]]] = []

    def control_chars() -> None:
        run.apply(find_control_chars(run.text))

    def mojibake() -> None:
        repairs, damaged = find_mojibake(run.text)
        run.damaged = [run.offsets.to_original(span) for span in damaged]
        run.apply(repairs)
        run.noise.add("mojibake", len(damaged) + len(repairs))

    def pinyin() -> None:
        # a removal can bring another annotation next to its characters
        # (啊(a) (a)(a)): repeat until nothing is found, as strip_pinyin does
        for _ in range(MAX_PINYIN_PASSES):
            edits = find_pinyin_annotations(run.text)
            if not edits:
                break
            run.apply(edits)

    def script() -> None:
        edits, run.noise.script = to_simplified(run.text)
        run.apply(edits)

    def inline() -> None:
        run.apply(_inline_edits(run.text))

    def lines() -> None:
        nonlocal metadata
        edits, metadata = find_noise_lines(run.text)
        run.apply(edits)

    def watermark() -> None:
        run.apply(find_watermark(run.text))

    def repeats() -> None:
        run.apply(find_repeated_paragraphs(run.text))

    def blank_lines() -> None:
        run.apply(find_blank_lines(run.text))

    steps = [
        ("control_chars", control_chars),
        ("mojibake", mojibake),
        ("pinyin", pinyin),
        ("script", script),
        ("inline", inline),
        ("watermark", watermark),
        ("lines", lines),
        ("repeats", repeats),
        ("blank_lines", blank_lines),
    ]
    for name, step in steps:
        if name not in skip:
            step()

    counters = run.noise.counters
    counters["lines_removed"] = sum(counters.get(kind, 0) for kind in LINE_KINDS)
    counters.setdefault("pinyin_removed", 0)
    counters.setdefault("duplicate_paragraphs", 0)
    counters.setdefault("mojibake", 0)
    counters.pop("blank_lines", None)
    counters.pop("blank", None)
    counters.pop("whitespace", None)
    return Cleaned(
        text=run.text,
        original=text,
        noise=run.noise,
        metadata=metadata,
        offsets=run.offsets,
        damaged=run.damaged,
    )
