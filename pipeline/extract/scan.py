"""Regex scans that only try the positions a cheap anchor allows."""

from __future__ import annotations

import re


def match_before_anchors(
    pattern: re.Pattern[str], anchors: re.Pattern[str], text: str, *, min_back: int = 2, max_back: int = 4
) -> list[re.Match]:
    """``pattern.finditer(text)`` where every match starts ``min_back`` to
    ``max_back`` characters before a match of ``anchors`` (a town suffix, a
    title's first character).

    Patterns with costly boundary checks are tried only at those starts, and
    the matches are the same, provided no match of ``pattern`` starts
    elsewhere.

    >>> [m.group() for m in match_before_anchors(re.compile("[一-龥]{2}镇"), re.compile("镇"), "前往东山镇和西坝镇")]
    ['东山镇', '西坝镇']
    """
    matches: list[re.Match] = []
    end = 0  # the next start to try: after the last match and the last start tried
    for anchor in anchors.finditer(text):
        for start in range(max(end, anchor.start() - max_back), anchor.start() - min_back + 1):
            match = pattern.match(text, start)
            if match:
                matches.append(match)
                end = match.end()
                break
            end = start + 1
    return matches
