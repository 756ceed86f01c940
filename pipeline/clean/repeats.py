"""Repetition: a paragraph or a whole article pasted twice keeps one copy;
a watermark token repeated after every paragraph goes.
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.clean.edits import Edit

MIN_REPEAT_CHARS = 15  # shorter repeated lines (headings, table cells) can be legitimate
WATERMARK_MIN_PARAGRAPHS = 2  # with a token of WATERMARK_MIN_TOKEN_CHARS when only two
WATERMARK_MIN_TOKEN_CHARS = 4
WATERMARK_MAX_CHARS = 30
WATERMARK_MIN_PARAGRAPH_CHARS = 20
_WORDISH = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_SPACES = re.compile(r"\s+")
_CLAUSE = re.compile(r"[,，。;；]")  # paragraphs have clauses; chrome and keyword lines do not


def _paragraphs(text: str) -> list[tuple[int, int, str]]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def find_repeated_paragraphs(text: str) -> list[Edit]:
    """Later copies of a paragraph already seen (compared without spaces).

    Short lines (headings, a signature) repeat legitimately on their own, so
    a short repeated line goes only next to a repeated paragraph: that is a
    whole passage pasted twice.

    >>> [e.kind for e in find_repeated_paragraphs("甲乙丙丁戊己庚辛壬癸子丑寅卯辰。\\n其他段落内容。\\n甲乙丙丁戊己庚辛壬癸子丑寅卯辰。")]
    ['duplicate_paragraphs']
    """
    seen: set[str] = set()
    paragraphs = _paragraphs(text)
    repeated = []
    for _start, _end, raw in paragraphs:
        key = _SPACES.sub("", raw)
        repeated.append(bool(key) and key in seen)
        seen.add(key)
    # a long repeated paragraph goes; short repeated lines go when they touch a
    # run of removed lines (spread both ways through a pasted block)
    removed = [
        repeated[i] and len(_SPACES.sub("", raw)) >= MIN_REPEAT_CHARS for i, (_, _, raw) in enumerate(paragraphs)
    ]
    for order in (range(len(paragraphs)), reversed(range(len(paragraphs)))):
        for i in order:
            if repeated[i] and not removed[i]:
                removed[i] = any(0 <= j < len(paragraphs) and removed[j] for j in (i - 1, i + 1))
    return [
        Edit(start, min(end + 1, len(text)), "", "duplicate_paragraphs")
        for (start, end, _), gone in zip(paragraphs, removed, strict=True)
        if gone
    ]


def find_watermark(text: str) -> list[Edit]:
    """A token that ends at least three paragraphs and half of them, such as a
    site name stamped after every paragraph by a content farm.

    >>> text = "代表们走访了辖区的企业和社区居民。某某网\\n代表们收集意见建议一百余条并逐条交办。某某网\\n相关部门已经全部办结并且答复了代表。某某网"
    >>> len(find_watermark(text))
    3
    """
    # Only paragraphs count: chrome and spam lines around the article (this
    # runs before they are removed) must not dilute the share.
    # Each distinct paragraph counts once: a repeated caption or a pasted
    # copy shares its ending with itself, not with a stamp.
    lines = _paragraphs(text)
    paragraphs = list(
        dict.fromkeys(
            raw.rstrip()
            for _, _, raw in lines
            if len(raw.strip()) >= WATERMARK_MIN_PARAGRAPH_CHARS and _CLAUSE.search(raw)
        )
    )
    if len(paragraphs) < WATERMARK_MIN_PARAGRAPHS:
        return []
    # The stamp is the longest ending shared by as many paragraphs as the most
    # shared one: "等问题;" + stamp on half the lines does not widen it.
    needed = max(WATERMARK_MIN_PARAGRAPHS, (len(paragraphs) + 1) // 2)
    best, best_n = "", 0
    for size in range(2, WATERMARK_MAX_CHARS + 1):
        ends = Counter(paragraph[-size:] for paragraph in paragraphs if len(paragraph) > size + 4)
        if not ends:
            break
        suffix, n = ends.most_common(1)[0]
        if n < needed or n < best_n:
            break
        best, best_n = suffix, n
    if best_n < 3 and best_n < len(paragraphs):
        return []  # two paragraphs of many sharing an ending do so by chance
    token = watermark_token(best)
    if best_n < 3 and len(_WORDISH.findall(token)) < WATERMARK_MIN_TOKEN_CHARS:
        token = ""  # two paragraphs sharing a short ending may do so by chance
    if not token:
        return []
    edits = []
    for _, end, raw in lines:  # headings carry the stamp too
        stripped = raw.rstrip()
        if stripped.endswith(token) and len(stripped) > len(token):
            stop = end - (len(raw) - len(stripped))
            edits.append(Edit(stop - len(token), stop, "", "watermark"))
    return edits


_SENTENCE_END = '。!?!?”"'
_CLAUSE_END = ";；,，、:："


def watermark_token(suffix: str) -> str:
    """The part of a shared paragraph ending that follows the sentence's final
    punctuation (the whole shared ending when the paragraphs end differently
    before it); sentence endings shared by chance (``工作。``) give ''."""
    cut = max(suffix.rfind(mark) for mark in _SENTENCE_END)
    token = suffix[cut + 1 :].lstrip(_CLAUSE_END)
    if len(_WORDISH.findall(token)) < 2 or token[-1] in _CLAUSE_END:
        return ""  # list items sharing an ending (…等问题;) are not a stamp
    return token
