"""Edits and the offset map from clean text back to the original.

A cleaner never rewrites text behind our back: it returns a list of
``Edit(start, end, replacement, kind)`` against its input, and
``apply_edits`` builds the output together with a ``Step`` that can map any
output offset back to the input.  An ``OffsetMap`` chains the steps of a whole
cleaning run, so a span found by an extractor in the clean text can be shown in
the original (ftfy's ``apply_plan`` idea: a run that can be replayed and
explained).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple


class Edit(NamedTuple):
    start: int
    end: int
    replacement: str
    kind: str  # the noise counter this edit counts towards


class Step:
    """One cleaner's edits, with their positions in the output text."""

    __slots__ = ("edits", "out_ends", "out_starts")

    def __init__(self, edits: list[Edit]):
        self.edits = edits
        self.out_starts: list[int] = []
        self.out_ends: list[int] = []
        shift = 0
        for edit in edits:
            out_start = edit.start + shift
            out_end = out_start + len(edit.replacement)
            self.out_starts.append(out_start)
            self.out_ends.append(out_end)
            shift += len(edit.replacement) - (edit.end - edit.start)

    def to_input(self, pos: int, *, is_end: bool = False) -> int:
        """Map an output offset to the input offset it came from.

        Inside a same-length replacement (script conversion, mojibake repair of
        equal length) the mapping is character for character; inside any other
        replacement a span start goes to the edit's start and a span end to
        its end, so a mapped span always covers the source of the text.
        """
        i = bisect_right(self.out_starts, pos) - 1
        if is_end:
            # an end offset where an edit starts closes the text before that edit
            while i >= 0 and self.out_starts[i] == pos:
                i -= 1
        if i < 0:
            return pos
        edit = self.edits[i]
        out_start, out_end = self.out_starts[i], self.out_ends[i]
        if pos >= out_end:
            return edit.end + (pos - out_end)
        if len(edit.replacement) == edit.end - edit.start:
            return edit.start + (pos - out_start)
        return edit.end if is_end else edit.start


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, Step]:
    """Apply non-overlapping edits (sorted by start) to ``text``.

    >>> out, step = apply_edits("社区(shèqū)举行", [Edit(2, 9, "", "pinyin_removed")])
    >>> out, step.to_input(2)
    ('社区举行', 9)
    """
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    pieces = []
    last = 0
    kept: list[Edit] = []
    for edit in edits:
        if edit.start < last:  # overlapping: the earlier edit wins
            continue
        pieces.append(text[last : edit.start])
        pieces.append(edit.replacement)
        last = edit.end
        kept.append(edit)
    pieces.append(text[last:])
    return "".join(pieces), Step(kept)


class OffsetMap:
    """The chain of steps from the original text to the clean text."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def push(self, step: Step) -> None:
        if step.edits:
            self.steps.append(step)

    def to_original(self, span: tuple[int, int]) -> tuple[int, int]:
        start, end = span
        for step in reversed(self.steps):
            start = step.to_input(start)
            end = step.to_input(end, is_end=True)
        return start, max(start, end)
