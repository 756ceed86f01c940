"""Repetition: a paragraph or a whole article pasted twice keeps one copy;
a watermark token repeated after every paragraph goes.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.clean.edits import Edit

MIN_REPEAT_CHARS = 15  # shorter repeated lines (headings, table cells) can be legitimate
WATERMARK_MIN_PARAGRAPHS = 3
WATERMARK_MAX_CHARS = 30
_WORDISH = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_SPACES = re.compile(r"\s+")


def _paragraphs(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def find_repeated_paragraphs(text: str) -> list[Edit]:
    """Later copies of a paragraph already seen (compared without spaces).

    >>> [e.kind for e in find_repeated_paragraphs("甲乙丙丁戊己庚辛壬癸子丑寅卯辰。\\n其他段落内容。\\n甲乙丙丁戊己庚辛壬癸子丑寅卯辰。")]
    ['duplicate_paragraphs']
    """
    seen: set[str] = set()
    edits = []
    for start, end, raw in _paragraphs(text):
        key = _SPACES.sub("", raw)
        if len(key) < MIN_REPEAT_CHARS:
            continue
        if key in seen:
            edits.append(Edit(start, min(end + 1, len(text)), "", "duplicate_paragraphs"))
        seen.add(key)
    return edits


def find_watermark(text: str) -> list[Edit]:
    """A token that ends at least three paragraphs and half of them, such as a
    site name stamped after every paragraph by a content farm.

    >>> text = "第一段内容。某某网\\n第二段内容。某某网\\n第三段内容。某某网"
    >>> len(find_watermark(text))
    3
    """
    paragraphs = [p for p in _paragraphs(text) if p[2]]
    if len(paragraphs) < WATERMARK_MIN_PARAGRAPHS:
        return []
    best = ""
    for size in range(2, WATERMARK_MAX_CHARS + 1):
        ends = Counter(raw[-size:] for _, _, raw in paragraphs if len(raw) > size + 4)
        if not ends:
            break
        suffix, n = ends.most_common(1)[0]
        if n < max(WATERMARK_MIN_PARAGRAPHS, (len(paragraphs) + 1) // 2):
            break
        best = suffix
    token = watermark_token(best)
    if not token:
        return []
    return [
        Edit(end - len(token), end, "", "watermark")
        for _, end, raw in paragraphs
        if raw.endswith(token) and len(raw) > len(token) + 4
    ]


_SENTENCE_END = '。!?!?”"'


def watermark_token(suffix: str) -> str:
    """The part of a shared paragraph ending that follows the sentence's final
    punctuation; sentence endings shared by chance (``工作。``) give ''."""
    cut = max(suffix.rfind(mark) for mark in _SENTENCE_END)
    if cut < 0:
        return ""
    token = suffix[cut + 1 :]
    return token if len(_WORDISH.findall(token)) >= 2 else ""
