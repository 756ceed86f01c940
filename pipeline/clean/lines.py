"""Whole-line noise: chrome, spam, captions, metadata lines, title, page tail.

A report as found on the web is a header (navigation, title, date and source
lines), the body, and a tail (editor line, related headlines, comment widgets,
spam).  The cascade in ``find_noise_lines``:

1. every line is classified on its own (spam, chrome, caption, metadata);
2. the body runs from the first to the last *prose* line that survived 1;
3. header lines before the body are dropped, the last plausible one read as
   the title; tail lines after the body are dropped, metadata read first;
4. a title glued to the front of the first paragraph is cut off.

Metadata lines are parsed with ``pipeline.extract.bylines.parse_byline``
before they leave, so nothing of the byline is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.clean.edits import Edit
from pipeline.data import read_lines, read_sections
from pipeline.extract.bylines import parse_byline
from pipeline.types import Metadata

CHROME_MAX_CHARS = 80  # chrome widgets are short; a long line is never chrome
SEO_TERMS_FOR_STUFFING = 3
TITLE_MIN_CHARS, TITLE_MAX_CHARS = 5, 90

_HAN = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_PUNCT = re.compile(r"[,，。;；!！?？、:：]")
_PROSE_END = re.compile(r"[。!！?？;；”」\"…)）]$")
_LIST_BULLET = re.compile(r"^(?:[-·•●◆■□▪*>]|\d{1,2}[.、)])\s*")
_SITE_SUFFIX = re.compile(r"\s*[-_|｜—]+\s*[^-_|｜—]{2,16}(?:网|报|频道|新闻|政府|人大|门户|在线|日报|晚报|客户端)$")


@dataclass
class Line:
    start: int  # offset of the line's first character in the text
    end: int  # offset after its last character (before the newline)
    text: str  # the line, stripped


@cache
def _chrome() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in read_lines("chrome.txt")))


FOOTER_SHORT_CHARS = 40


@cache
def _footer() -> tuple[re.Pattern[str], re.Pattern[str]]:
    sections = read_sections("footer.txt")
    return tuple(re.compile("|".join(f"(?:{p})" for p in sections[name])) for name in ("short", "any"))  # type: ignore[return-value]


def is_footer_line(line: str) -> bool:
    """A line that closes the article (editor line, 打印本页, 免责声明 ...)."""
    short, any_length = _footer()
    return bool(any_length.search(line)) or (len(line) <= FOOTER_SHORT_CHARS and bool(short.search(line)))


@cache
def _captions() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in read_lines("captions.txt")))


@cache
def _spam_terms() -> tuple[re.Pattern[str], re.Pattern[str]]:
    sections = read_sections("spam_lines.txt")
    strong = re.compile("|".join(re.escape(t) for t in sections["strong"]), re.IGNORECASE)
    seo = re.compile("|".join(re.escape(t) for t in sections["seo"]), re.IGNORECASE)
    return strong, seo


def split_lines(text: str) -> list[Line]:
    lines = []
    pos = 0
    for raw in text.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw.strip(" \t\u3000\xa0")))
        pos += len(raw) + 1
    return lines


def is_spam_line(line: str) -> bool:
    """Porn or gambling words, or SEO keyword stuffing."""
    strong, seo = _spam_terms()
    if strong.search(line):
        return True
    return len(seo.findall(line)) >= SEO_TERMS_FOR_STUFFING


def is_headline_dump(line: str) -> bool:
    """A long run of text with almost no punctuation: concatenated trending
    headlines or a site map, never a paragraph of an article."""
    han = len(_HAN.findall(line))
    if han < 60:
        return False
    return len(_SENTENCE_PUNCT.findall(line)) * 40 < han


def is_chrome_line(line: str) -> bool:
    return len(line) <= CHROME_MAX_CHARS and bool(_chrome().search(line))


def is_caption_line(line: str) -> bool:
    return len(line) <= 120 and bool(_captions().search(line))


def is_prose(line: str) -> bool:
    """A line that reads as article text: enough Han characters and punctuation."""
    han = len(_HAN.findall(line))
    if han < 8:
        return False
    punct = len(_SENTENCE_PUNCT.findall(line))
    return bool(_PROSE_END.search(line)) or (punct >= 1 and punct * 50 >= han)


def classify_line(line: str) -> str | None:
    """The noise kind of one stripped line, or None when it may be body text."""
    if not line:
        return "blank"
    if is_spam_line(line):
        return "spam_lines"
    if is_headline_dump(line):
        return "related_lines"
    if is_chrome_line(line):
        return "chrome_lines"
    if is_caption_line(line):
        return "caption_lines"
    return None


def merge_metadata(meta: Metadata, found: dict) -> None:
    """Fill fields still empty from one parsed byline; keep the first seen."""
    if found.get("outlet") and not meta.outlet:
        meta.outlet = found["outlet"]
    if found.get("editor") and not meta.editor:
        meta.editor = found["editor"]
    if found.get("published") and not meta.published:
        meta.published = found["published"]
    for name in found.get("reporters") or ():
        if name not in meta.reporters:
            meta.reporters.append(name)


def read_metadata_line(line: str, meta: Metadata) -> bool:
    """Read a byline / source / date / editor line; True if the line is only that."""
    found = parse_byline(line)
    if not found:
        return False
    merge_metadata(meta, found)
    return found.get("kind") != "embedded"


def strip_site_suffix(title: str) -> str:
    """``渝中:…沉下去-华龙网`` → the title without the site name."""
    return _SITE_SUFFIX.sub("", title)


def pick_title(candidates: list[str]) -> str | None:
    """The title is the last header line that looks like one (navigation and
    site names come first on a page, the headline right above the byline)."""
    for line in reversed(candidates):
        if TITLE_MIN_CHARS <= len(line) <= TITLE_MAX_CHARS and not line.endswith("。"):
            return strip_site_suffix(line)
    return None


def find_noise_lines(text: str) -> tuple[list[Edit], Metadata]:
    """Edits removing every non-body line, and the metadata read on the way."""
    meta = Metadata()
    lines = split_lines(text)
    kinds: list[str | None] = []
    for line in lines:
        kind = classify_line(line.text)
        if kind is None and read_metadata_line(line.text, meta):
            kind = "metadata_lines"
        kinds.append(kind)

    prose = [i for i, line in enumerate(lines) if kinds[i] is None and is_prose(line.text)]
    first, last = (prose[0], prose[-1]) if prose else (len(lines), -1)
    footer = next((i for i in range(first + 1, len(lines)) if is_footer_line(lines[i].text)), None)
    if footer is not None:
        last = max((i for i in prose if i < footer), default=first)
        for i in range(footer, len(lines)):
            if kinds[i] is None or kinds[i] == "blank":
                kinds[i] = "tail_lines"
            if lines[i].text:
                read_metadata_line(lines[i].text, meta)

    header = [lines[i].text for i in range(min(first, len(lines))) if kinds[i] is None]
    meta.title = pick_title(header)
    for i in range(len(lines)):
        if kinds[i] is None and (i < first or i > last):
            kinds[i] = "header_lines" if i < first else "tail_lines"

    glued = find_glued_title(lines, kinds, meta.title)
    edits = [
        Edit(line.start, min(line.end + 1, len(text)), "", kind)
        for line, kind in zip(lines, kinds)
        if kind is not None
    ]
    edits += strip_line_margins(text, lines, kinds, glued)
    return sorted(edits), meta


def find_glued_title(lines: list[Line], kinds: list[str | None], title: str | None) -> dict[int, int]:
    """A title repeated as the first body line goes; one pasted onto the start
    of the first paragraph (a heading and lead exported without a line break)
    is cut off.  Returns {line index: characters to cut}; marks whole lines in
    ``kinds``."""
    if not title or len(title) < 8:
        return {}
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if kind is not None:
            continue
        if line.text == title:
            kinds[i] = "title_lines"
            continue
        if line.text.startswith(title) and len(line.text) > len(title) + 8:
            return {i: len(title)}
        return {}
    return {}


def strip_line_margins(
    text: str, lines: list[Line], kinds: list[str | None], cuts: dict[int, int]
) -> list[Edit]:
    """Leading and trailing spaces (ASCII, ideographic, no-break) of kept lines,
    and the glued title at the start of a line (``cuts``)."""
    edits = []
    for i, (line, kind) in enumerate(zip(lines, kinds)):
        if kind is not None:
            continue
        raw = text[line.start : line.end]
        lead = len(raw) - len(raw.lstrip(" \t\u3000\xa0"))
        trail = len(raw) - len(raw.rstrip(" \t\u3000\xa0"))
        if i in cuts:
            edits.append(Edit(line.start, line.start + lead + cuts[i], "", "title_lines"))
        elif lead:
            edits.append(Edit(line.start, line.start + lead, "", "whitespace"))
        if trail:
            edits.append(Edit(line.end - trail, line.end, "", "whitespace"))
    return edits
