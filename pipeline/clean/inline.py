"""Noise inside lines: stray CMS tokens, image file names, inserted spam strings.

Each finder returns edits against its input; nothing here removes whole lines
(clean/lines.py does that).
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.clean.edits import Edit
from pipeline.data import read_lines

# A site address right after one of these words is a reference the article
# makes (请登录 www.gov.cn), not an insertion.
REFERENCE_CUES = ("网址", "登录", "登陆", "访问", "网站", "官网", "浏览", "邮箱", "关注", "搜索")

_IMAGE_FILE = re.compile(
    r"[A-Za-z0-9_\-./\\]*[A-Za-z0-9_\-]+\.(?:jpe?g|png|gif|webp|bmp|tiff?)(?![A-Za-z0-9])", re.IGNORECASE
)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2028\u2029\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{line})" for line in read_lines(name)))


def find_control_chars(text: str) -> list[Edit]:
    """Zero-width and control characters; \\r\\n and lone \\r become \\n."""
    edits = [Edit(m.start(), m.end(), "", "control_chars") for m in _ZERO_WIDTH.finditer(text)]
    edits += [Edit(m.start(), m.end(), "\n", "newlines") for m in re.finditer(r"\r\n?", text)]
    return sorted(edits)


def find_stray_tokens(text: str) -> list[Edit]:
    """``endprint``, HTML entities and tags left by a CMS export.

    >>> [e.kind for e in find_stray_tokens("全部安装到位。endprint")]
    ['stray_tokens']
    """
    return [Edit(m.start(), m.end(), "", "stray_tokens") for m in _pattern("stray_tokens.txt").finditer(text)]


def find_image_filenames(text: str) -> list[Edit]:
    """Image file names such as ``W020230731345.jpg`` or ``/upload/2023/a.png``."""
    return [Edit(m.start(), m.end(), "", "image_filenames") for m in _IMAGE_FILE.finditer(text)]


def find_inline_spam(text: str) -> list[Edit]:
    """Gambling brands and site addresses inserted into sentences.

    >>> from pipeline.clean.edits import apply_edits
    >>> apply_edits("代表们走访了企业www.abc123.com,收集意见", find_inline_spam("代表们走访了企业www.abc123.com,收集意见"))[0]
    '代表们走访了企业,收集意见'
    >>> find_inline_spam("详情请登录www.gov.cn查询")
    []
    """
    edits = []
    for match in _pattern("inline_spam.txt").finditer(text):
        before = text[max(0, match.start() - 6) : match.start()]
        if any(cue in before for cue in REFERENCE_CUES):
            continue
        edits.append(Edit(match.start(), match.end(), "", "spam_inline"))
    return edits
