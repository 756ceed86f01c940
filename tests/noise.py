"""Damage clean reports the way content farms do, for property tests.

Every function is pure: ``(text, rng) -> text`` with a seedable
``random.Random``, so a failing example replays from its seed.  The noise is
what the seeds and the dev corpus show (shared/spec/README.md "Seeds"):
inline pinyin, traditional script, page chrome, header and editor lines,
spam lines, inserted gambling addresses, repeated paragraphs, watermarks,
UTF-8 read as GBK.  ``make_noisy`` composes several in the order a page is
built: the farm converts and annotates the article first, then the page
template wraps it, then a broken export garbles the bytes.

Only damage that the clean text determines is generated: annotations spell
the characters before them (pypinyin readings), mojibake is generated only
where the bytes still hold the original (``damage_encoding`` returns None
otherwise), a title line is never the start of the first paragraph.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from functools import cache

import opencc
from pypinyin import Style, pinyin

from pipeline.clean.inline import REFERENCE_CUES

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")

# -- inline pinyin ------------------------------------------------------------

PINYIN_STYLES = {"toned": Style.TONE, "toneless": Style.NORMAL, "tone_digits": Style.TONE3}
BRACKETS = {"half": ("(", ")"), "full": ("（", "）")}


def spell_pinyin(word: str, *, style: str = "toned", spaced: bool = False) -> str:
    """The pinyin of ``word`` as a content farm writes it after the word.

    >>> spell_pinyin("社区")
    'shèqū'
    >>> spell_pinyin("社区", style="toneless", spaced=True)
    'she qu'
    """
    syllables = [group[0] for group in pinyin(word, style=PINYIN_STYLES[style])]
    return (" " if spaced else "").join(syllables)


def chunk_han_run(run: str, rng: random.Random, *, max_word: int = 4) -> list[str]:
    """Cut a run of Han characters into pieces of one to ``max_word`` characters."""
    pieces = []
    pos = 0
    while pos < len(run):
        size = rng.randint(1, max_word)
        pieces.append(run[pos : pos + size])
        pos += size
    return pieces


def add_pinyin(
    text: str,
    rng: random.Random,
    *,
    rate: float = 0.3,
    style: str | None = None,
    spaced: bool | None = None,
    brackets: str | None = None,
    single_chars: bool | None = None,
    doubled_rate: float = 0.05,
) -> str:
    """Annotate words (or single characters) with their pinyin: 社区(shèqū), 區(qū).

    One style per document, as a farm's script would do it; options left at
    None are drawn from ``rng``.
    """
    style = style or rng.choice(list(PINYIN_STYLES))
    spaced = rng.random() < 0.2 if spaced is None else spaced
    opening, closing = BRACKETS[brackets or rng.choice(["half", "half", "full"])]
    single_chars = rng.random() < 0.3 if single_chars is None else single_chars

    def annotate(match: re.Match[str]) -> str:
        out = []
        for word in chunk_han_run(match.group(), rng, max_word=1 if single_chars else 4):
            out.append(word)
            if rng.random() < rate:
                note = opening + spell_pinyin(word, style=style, spaced=spaced) + closing
                out.append(note * (2 if rng.random() < doubled_rate else 1))
        return "".join(out)

    return _HAN_RUN.sub(annotate, text)


# -- script ------------------------------------------------------------------

SCRIPT_CONFIGS = ("s2t", "s2hk", "s2tw")


@cache
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str, rng: random.Random, *, config: str | None = None) -> str:
    """Simplified → traditional (mainland, Hong Kong or Taiwan forms).

    >>> to_traditional("区人大常委会", random.Random(0), config="s2t")
    '區人大常委會'
    """
    return _opencc(config or rng.choice(SCRIPT_CONFIGS)).convert(text)


# -- whole lines around the article -------------------------------------------

CHROME_TOP = (
    "登录 | 加入收藏夹",
    "当前位置: 首页 >> 正文",
    "当前位置：首页 > 新闻中心 > 基层动态",
    "[收藏] [打印] [关闭]",
    "首页 | 新闻 | 政务 | 人大 | 视频",
    "设为首页 | 加入收藏 | 联系我们",
    "【字体:大 中 小】",
)
CHROME_BOTTOM = (
    "打印本页 返回顶部",
    "[收藏] [打印] [关闭]",
    "相关推荐",
    "评论列表",
    "暂无评论,快抢沙发吧~",
    "上一篇:全区人大工作会议召开",
    "分享到:",
    "版权所有:某某区人民政府 ICP备12345678号",
)
TITLES = (
    "“代表有约”活动走进社区 收集民意暖人心",
    "听民声 解民忧:人大代表联络站里的民生答卷",
    "区人大常委会开展“三服务”活动纪实",
    "从“金点子”到“金钥匙”,代表建议落地见效",
    "民呼我应·代表有约:把群众的事办好办实",
)
SOURCE_LINES = (
    "来源:{outlet}   时间:{date} 08:45",
    "{date} 06:30:39 来源: {outlet}",
    "发布时间:{date}  来源:{outlet}",
    "来源：{outlet} 发布日期：{date}",
)
OUTLETS = ("湖北人大网", "渝中报", "绍兴市人大", "中国人大网", "某某日报")
EDITOR_LINES = ("责任编辑:{name}", "编辑:{name}", "责编:{name}", "责任编辑：{name}")
EDITORS = ("董霞", "刘浪", "伏志勇", "王小明")
SPAM_LINES = (
    "欧美激情综合五月色丁香,国产精品怡红院永久免费,农村乱子伦毛片国产乱,av天堂亚洲区无码先锋影音,蜜臀av在线观看",
    "PHP网站源码 XML地图 TXT地图 虚拟主机 SEO 网站制作 网站优化",
    "澳门新葡京娱乐城官网 真人百家乐 注册即送88元",
    "南山关键词排名包年推广 网站建设 网站优化 按天计费",
    "久久精品国产精品 一本道 在线观看免费",
)


def make_source_line(rng: random.Random) -> tuple[str, str, str]:
    """A 来源/时间 line, and the outlet and date (YYYY-MM-DD) it states."""
    outlet = rng.choice(OUTLETS)
    date = f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return rng.choice(SOURCE_LINES).format(outlet=outlet, date=date), outlet, date


def add_header(text: str, rng: random.Random) -> str:
    """A title line and a 来源/时间 line above the article (the title never
    starts the first paragraph: a glued title would be cut from it)."""
    title = rng.choice([t for t in TITLES if not text.startswith(t)])
    line, _, _ = make_source_line(rng)
    return f"{title}\n\n{line}\n\n{text}"


def add_editor_line(text: str, rng: random.Random) -> str:
    """``责任编辑:董霞`` under the article."""
    return text + "\n\n" + rng.choice(EDITOR_LINES).format(name=rng.choice(EDITORS))


def add_chrome(text: str, rng: random.Random) -> str:
    """Navigation lines on top, toolbar and comment widgets at the bottom."""
    top = rng.sample(CHROME_TOP, rng.randint(1, 3))
    bottom = rng.sample(CHROME_BOTTOM, rng.randint(1, 3))
    return "\n".join([*top, text, *bottom])


def add_spam_lines(text: str, rng: random.Random) -> str:
    """Porn, gambling or SEO lines above or below the article (or both)."""
    where = rng.choice(["top", "bottom", "both"])
    top = [rng.choice(SPAM_LINES)] if where in ("top", "both") else []
    bottom = [rng.choice(SPAM_LINES)] if where in ("bottom", "both") else []
    return "\n\n".join([*top, text, *bottom])


# -- inside the article --------------------------------------------------------

INLINE_SPAM = ("www.xpj8888.com", "www.amxpj.vip", "js1234.cc", "澳门新葡京官网", "am888.net")
_INSERT_POINT = re.compile(r"(?<=[\u4e00-\u9fff])(?=[,，。;；])")
_REFERENCE_CUES = REFERENCE_CUES  # the cleaner keeps addresses after these: avoid them


def insert_inline_spam(text: str, rng: random.Random, *, count: int | None = None) -> str:
    """A gambling address pasted inside a sentence, before a comma or full stop:
    代表们走访了企业www.xpj8888.com,收集意见."""
    to_simplified = _opencc("t2s").convert  # the cues are read after script conversion
    points = [
        m.start()
        for m in _INSERT_POINT.finditer(text)
        if not any(cue in to_simplified(text[max(0, m.start() - 8) : m.start()]) for cue in _REFERENCE_CUES)
    ]
    if not points:
        return text
    chosen = sorted(rng.sample(points, min(len(points), count or rng.randint(1, 3))), reverse=True)
    for at in chosen:
        text = text[:at] + rng.choice(INLINE_SPAM) + text[at:]
    return text


_BRACKETED_LATIN = re.compile(r"[(（][^()（）\u4e00-\u9fff]*[)）]")


def duplicate_paragraph(text: str, rng: random.Random, *, min_chars: int = 15) -> str:
    """One paragraph pasted a second time, right after itself or further down.

    Only paragraphs of ``min_chars`` or more (pinyin annotations not counted):
    a short line that recurs is a heading or a table cell, not a repeat.
    """
    paragraphs = text.split("\n")
    candidates = [i for i, p in enumerate(paragraphs) if len(_BRACKETED_LATIN.sub("", p).strip()) >= min_chars]
    if not candidates:
        return text
    i = rng.choice(candidates)
    at = rng.randint(i + 1, len(paragraphs))
    return "\n".join([*paragraphs[:at], paragraphs[i], *paragraphs[at:]])


def paste_twice(text: str, rng: random.Random) -> str:
    """The whole article pasted twice (seed 000), with or without a blank line between."""
    return text + rng.choice(["\n", "\n\n", "\n\n\n"]) + text


WATERMARKS = ("北方新闻网", "(来源:人民网)", "【某某资讯网】", "原创文章,转载请注明出处")


def add_watermark(text: str, rng: random.Random, *, token: str | None = None) -> str:
    """A site name stamped after every paragraph."""
    token = token or rng.choice(WATERMARKS)
    return "\n".join(p + token if p else p for p in text.split("\n"))


# -- encoding ------------------------------------------------------------------


def damage_encoding(text: str) -> str | None:
    """The whole text's UTF-8 bytes read as GBK, or None where a byte would be
    lost (then no repair can give the text back, and no test may expect one).

    >>> damage_encoding("人大代表")
    '浜哄ぇ浠ｈ〃'
    """
    try:
        damaged = text.encode("utf-8").decode("gbk")
    except UnicodeDecodeError:
        return None
    return damaged if damaged.encode("gbk") == text.encode("utf-8") else None


def damage_encoding_lossy(text: str, _rng: random.Random | None = None) -> str:
    """The whole text's UTF-8 bytes read as GBK, bytes that make no GBK pair
    replaced by U+FFFD: what a real broken export gives.  The characters that
    lost a byte cannot be repaired, only marked.

    >>> damage_encoding_lossy("人大代表。")
    '浜哄ぇ浠ｈ〃銆\ufffd'
    """
    return text.encode("utf-8").decode("gbk", errors="replace")


_EVEN_HAN = re.compile(r"[\u4e00-\u9fff]{4,}")


def damage_passage(text: str, rng: random.Random) -> str:
    """One run of an even number (≥4) of Han characters read as GBK, where the
    bytes round-trip; the text is unchanged when no run does."""
    runs = [m for m in _EVEN_HAN.finditer(text)]
    rng.shuffle(runs)
    for match in runs:
        size = len(match.group()) // 2 * 2
        offset = rng.randint(0, len(match.group()) - size)
        start = match.start() + offset
        damaged = damage_encoding(text[start : start + size])
        if damaged is not None:
            return text[:start] + damaged + text[start + size :]
    return text


# -- composition -------------------------------------------------------------

NOISE_KINDS: dict[str, Callable[[str, random.Random], str]] = {
    "script": to_traditional,
    "pinyin": add_pinyin,
    "inline_spam": insert_inline_spam,
    "duplicate_paragraph": duplicate_paragraph,
    "paste_twice": paste_twice,
    "watermark": add_watermark,
    "header": add_header,
    "editor": add_editor_line,
    "chrome": add_chrome,
    "spam_lines": add_spam_lines,
    "mojibake_passage": damage_passage,
    "mojibake_lossy": damage_encoding_lossy,
}
# The order a page is made in: the farm rewrites the article, the template wraps it.
ORDER = (*NOISE_KINDS, "mojibake")


def make_noisy(text: str, rng: random.Random, kinds: Iterable[str] = ("pinyin", "script", "chrome")) -> str:
    """Apply each noise of ``kinds`` in page-making order (``ORDER``).

    ``mojibake`` garbles the whole result (UTF-8 read as GBK) and is skipped
    when the bytes would not round-trip; ``mojibake_lossy`` garbles it anyway.

    >>> make_noisy("代表们走访了企业,收集意见建议。", random.Random(1), kinds=["editor"])[-6:]
    '\\n编辑:董霞'
    """
    wanted = set(kinds)
    unknown = wanted - set(ORDER)
    if unknown:
        raise ValueError(f"unknown noise kinds: {sorted(unknown)}")
    for kind in ORDER:
        if kind not in wanted:
            continue
        if kind == "mojibake":
            text = damage_encoding(text) or text
        else:
            text = NOISE_KINDS[kind](text, rng)
    return text
