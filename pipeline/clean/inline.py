"""Noise inside lines: stray CMS tokens, image file names, inserted spam strings.

Each finder returns edits against its input; nothing here removes whole lines
(clean/lines.py does that).
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.clean.edits import Edit
from pipeline.data import read_lines, read_sections

# A site address right after one of these words is a reference the article
# makes (请登录 www.gov.cn), not an insertion.
REFERENCE_CUES = read_lines("reference_cues.txt")

# An image file name is found from its extension (a literal "." the regex
# engine scans for quickly), then widened to the left over name characters
# and an optional Chinese prefix joined by "_" (微信图片_20220411.jpg).
_IMAGE_EXTENSION = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|tiff?)(?![A-Za-z0-9])", re.IGNORECASE)
_FILE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./\\")
_HAN_PREFIX = re.compile(r"(?:微信)?(?:图片|截图|照片|圖片|截圖|照片)$")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2028\u2029\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{line})" for line in read_lines(name)))


def find_control_chars(text: str) -> list[Edit]:
    """Zero-width and control characters; \\r\\n and lone \\r become \\n."""
    edits = [Edit(m.start(), m.end(), "", "control_chars") for m in _ZERO_WIDTH.finditer(text)]
    edits += [Edit(m.start(), m.end(), "\n", "newlines") for m in re.finditer(r"\r\n?", text)]
    return sorted(edits)


# every pattern of stray_tokens.txt holds one of these characters or words
_STRAY_GATE = re.compile(r"[<&\[]|endprint|nbsp")


def find_stray_tokens(text: str) -> list[Edit]:
    """``endprint``, HTML entities and tags left by a CMS export.

    >>> [e.kind for e in find_stray_tokens("全部安装到位。endprint")]
    ['stray_tokens']
    """
    if not _STRAY_GATE.search(text):
        return []
    return [Edit(m.start(), m.end(), "", "stray_tokens") for m in _pattern("stray_tokens.txt").finditer(text)]


def find_image_filenames(text: str) -> list[Edit]:
    """Image file names such as ``W020230731345.jpg`` or ``/upload/2023/a.png``."""
    edits = []
    for match in _IMAGE_EXTENSION.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _FILE_NAME_CHARS:
            start -= 1
        if start == match.start():
            continue
        prefix = _HAN_PREFIX.search(text, max(0, start - 4), start) if text[start] == "_" else None
        edits.append(Edit(prefix.start() if prefix else start, match.end(), "", "image_filenames"))
    return edits


# A bare domain (abc123.com) is found from its top-level domain, a literal
# "." that the regex engine can scan for quickly, then widened to the left.
_TLD = re.compile(
    r"\.(?:com|net|cc|vip|xyz|top|me|tv|co|info|club|site|online|shop|app|io)(?:\.[a-z]{2})?(?:/[A-Za-z0-9./?=&_%#-]*)?(?![A-Za-z0-9])"
)
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")


def find_bare_domains(text: str) -> list[tuple[int, int]]:
    """Spans of bare site addresses such as ``abc123.com`` or ``x8.vip/reg``."""
    spans = []
    for match in _TLD.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _HOST_CHARS:
            start -= 1
        if match.start() - start >= 2 and (start == 0 or text[start - 1] != "@"):
            spans.append((start, match.end()))
    return spans


def find_inline_spam(text: str) -> list[Edit]:
    """Gambling brands and site addresses inserted into sentences.

    >>> from pipeline.clean.edits import apply_edits
    >>> apply_edits("代表们走访了企业www.abc123.com,收集意见", find_inline_spam("代表们走访了企业www.abc123.com,收集意见"))[0]
    '代表们走访了企业,收集意见'
    >>> find_inline_spam("详情请登录www.gov.cn查询")
    []
    """
    spans = [m.span() for m in _inline_spam().finditer(text)] if _may_hold_spam(text) else []
    spans += find_bare_domains(text)
    edits = []
    for start, end in sorted(set(spans)):
        if edits and start < edits[-1].end:
            continue
        before = text[max(0, start - 6) : start]
        if any(cue in before for cue in REFERENCE_CUES):
            continue
        edits.append(Edit(start, end, "", "spam_inline"))
    return edits


@cache
def _inline_spam() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in read_sections("inline_spam.txt")["patterns"]))


@cache
def _spam_gate() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(word) for word in read_sections("inline_spam.txt")["gate"]))


def _may_hold_spam(text: str) -> bool:
    """Every inline spam pattern holds a gate word; most texts hold none."""
    return _spam_gate().search(text) is not None


_DOUBLED_PUNCT = re.compile(r"[,，](?=[,，、。;；:：!！?？])|。(?=。)")
_BROKEN_BULLET = re.compile(r"(?m)^[ \t\u3000]*[?？](?=[\u4e00-\u9fff])")


def find_doubled_punctuation(text: str) -> list[Edit]:
    """A comma doubled or put before another mark by a broken export: ``,,`` ``,、`` ``,。``.

    >>> from pipeline.clean.edits import apply_edits
    >>> apply_edits("辣椒,、茄子,,还有台风,。", find_doubled_punctuation("辣椒,、茄子,,还有台风,。"))[0]
    '辣椒、茄子,还有台风。'
    """
    return [Edit(m.start(), m.end(), "", "doubled_punct") for m in _DOUBLED_PUNCT.finditer(text)]


def find_broken_bullets(text: str) -> list[Edit]:
    """A bullet character lost in a bad encoding round trip shows as ``?`` at
    the start of a line; the item's text stays."""
    return [Edit(m.start(), m.end(), "", "broken_bullets") for m in _BROKEN_BULLET.finditer(text)]
