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
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

import ahocorasick

from pipeline.clean.edits import Edit
from pipeline.data import read_lines, read_sections
from pipeline.extract.bylines import parse_byline
from pipeline.types import Metadata

CHROME_MAX_CHARS = 80  # chrome widgets are short; a long line is never chrome
SEO_TERMS_FOR_STUFFING = 3
TITLE_MIN_CHARS, TITLE_MAX_CHARS = 5, 90

_HAN = re.compile(r"[\u4e00-\u9fff]")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")
_BULLET = re.compile(r"^[-·•●◆■□▪*>]\s")
_MASKED_LINE = re.compile(r"^[*＊]+$")
_ORGAN_LINE = re.compile(
    r"^[\u4e00-\u9fff()（）*＊]{2,30}(?:局|委员会|常委会|办公室|政府|人民代表大会|人大|委|办|厅|院|中心|街道办事处|党委)$"
)
SIGNATURE_MAX_LINES = 3
HEADLINE_DUMP_MIN_HAN = 150  # a run of headlines is long; a paragraph without commas can reach 100
FRAGMENT_MAX_CHARS = 60
_ENUMERATED = re.compile(
    r"^(?:\d{1,2}[.、．]|[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）])"
)
PROSE_MIN_HAN_UNFINISHED = 60  # at the start, an unfinished line is prose only if longer than a title
TAIL_MIN_HAN_UNFINISHED = 10  # at the end, a report cut off mid-sentence
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
    literal = "|".join(re.escape(word) for word in sections["literal"])
    return re.compile("|".join(f"(?:{p})" for p in sections["short"])), re.compile(literal)


@cache
def _footer_cue() -> re.Pattern[str]:
    short, any_length = _footer()
    return re.compile(f"(?:{short.pattern})|(?:{any_length.pattern})", re.MULTILINE)


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


_PUNCT_CHARS = ",，。;；!！?？、:："
_DROP_PUNCT = str.maketrans("", "", _PUNCT_CHARS)


def count_wide(line: str) -> int:
    """Characters outside ASCII: Han characters and full-width marks.  Counted
    from the UTF-8 length (CJK takes three bytes), far faster than a regex."""
    return (len(line.encode("utf-8")) - len(line)) >> 1


def count_punct(line: str) -> int:
    return len(line) - len(line.translate(_DROP_PUNCT))


def is_spam_line(line: str) -> bool:
    """Porn or gambling words, or SEO keyword stuffing."""
    strong, seo = _spam_terms()
    if strong.search(line):
        return True
    return len(seo.findall(line)) >= SEO_TERMS_FOR_STUFFING


def is_headline_dump(line: str) -> bool:
    """A long run of text with almost no punctuation: concatenated trending
    headlines or a site map, never a paragraph of an article."""
    han = count_wide(line)
    if han < HEADLINE_DUMP_MIN_HAN:
        return False
    return count_punct(line) * 40 < han


def is_chrome_line(line: str) -> bool:
    return len(line) <= CHROME_MAX_CHARS and bool(_chrome().search(line))


def is_caption_line(line: str) -> bool:
    return len(line) <= 120 and bool(_captions().search(line))


_SENTENCE_MARKS = frozenset("。!！?？;；…")
_CLOSING_MARKS = frozenset("”」\"’)）")


def ends_sentence(line: str) -> bool:
    """Ends in sentence punctuation, or in a closing quote right after it
    (a title often ends in ”, a quoted sentence in 。”)."""
    if not line:
        return False
    last = line[-1]
    return last in _SENTENCE_MARKS or (last in _CLOSING_MARKS and len(line) > 1 and line[-2] in _SENTENCE_MARKS - {";", "；"})


def is_prose(line: str, *, unfinished_min_han: int = PROSE_MIN_HAN_UNFINISHED) -> bool:
    """A line that reads as article text: a finished sentence, an enumerated
    item, or a passage with punctuation long enough not to be a title.
    ``unfinished_min_han`` is lowered at the end of a report, where a text cut
    off mid-sentence leaves a short unfinished line."""
    han = count_wide(line)
    if han >= 3 and (ends_sentence(line) or _ENUMERATED.match(line)):
        return True
    punct = count_punct(line)
    return han >= unfinished_min_han and punct >= 1 and punct * 50 >= han


def is_menu_line(line: str) -> bool:
    """Navigation: five or more short words separated by spaces, no sentence."""
    if line.count(" ") < 4 or count_punct(line):
        return False
    words = line.split()
    return len(words) >= 5 and all(len(w) <= 8 for w in words)


def classify_line(line: str, flagged: bool = True) -> str | None:
    """The noise kind of one stripped line, or None when it may be body text.

    ``flagged=False`` says a whole-text scan found none of the spam, chrome or
    caption words on this line, so only the word-free checks run."""
    if not line:
        return "blank"
    if flagged and is_spam_line(line):
        return "spam_lines"
    if is_headline_dump(line):
        return "related_lines"
    if (flagged and is_chrome_line(line)) or is_menu_line(line):
        return "chrome_lines"
    if flagged and is_caption_line(line):
        return "caption_lines"
    return None


SHORT_LINE_CHARS = 120  # chrome, captions and most metadata lines are shorter


@cache
def _short_line_patterns() -> re.Pattern[str]:
    """Chrome, caption and footer shapes: searched on short lines only."""
    parts = [_chrome().pattern, _captions().pattern, _footer_cue().pattern]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE | re.MULTILINE)


VERY_SHORT_LINE_CHARS = 6  # font-size widgets (大 中 小) have no trigger word
_CUE, _TRIGGER = 1, 2


@cache
def _literal_cues() -> ahocorasick.Automaton:
    """One Aho-Corasick automaton for two word lists, found in one pass over
    the whole text (regex alternations of this size run at a few MB/s):
    cues (spam, SEO, footer and byline words) flag a line of any length;
    triggers (line_triggers.txt) let a short line through to the chrome,
    caption and footer patterns."""
    automaton = ahocorasick.Automaton()
    sections = read_sections("spam_lines.txt")
    cues = [*sections["strong"], *sections["seo"], *read_sections("footer.txt")["literal"], *read_lines("byline_cues.txt")]
    words: dict[str, int] = {}
    for word in cues:
        for form in (word, word.lower(), word.upper()):  # the automaton is case-sensitive
            words[form] = words.get(form, 0) | _CUE
    for word in read_lines("line_triggers.txt"):
        words[word.strip()] = words.get(word.strip(), 0) | _TRIGGER
    for word, kind in words.items():
        automaton.add_word(word, kind)
    automaton.make_automaton()
    return automaton


# a date or time on a short line may make it a metadata line
_DATE_CUE = re.compile(r"\d{4}\s*[-/.年]|[〇零一二三四五六七八九]{4}年|\d{1,2}:\d{2}")


def _search_lines(lines: list[Line], indices: list[int], pattern: re.Pattern[str]) -> set[int]:
    """Indices (of ``indices``) of the lines where ``pattern`` matches, from
    one scan of those lines joined (a match start is mapped to its line)."""
    if not indices:
        return set()
    joined = "\n".join(lines[i].text for i in indices)
    offsets = []
    pos = 0
    for i in indices:
        offsets.append(pos)
        pos += len(lines[i].text) + 1
    return {indices[bisect_right(offsets, m.start()) - 1] for m in pattern.finditer(joined)}


def flag_lines(text: str, lines: list[Line], *, gate: bool = True) -> set[int]:
    """Indices of the lines worth a closer look: those holding a spam, footer
    or byline word anywhere, and short lines matching a chrome, caption,
    footer or date shape.  Body paragraphs, the bulk of a report, pass both
    scans untouched.  ``gate=False`` searches every short line with the
    patterns (tests compare the two)."""
    starts = [line.start for line in lines]
    flagged: set[int] = set()
    triggered: set[int] = set()
    for end, kind in _literal_cues().iter(text):
        i = bisect_right(starts, end) - 1
        if kind & _CUE:
            flagged.add(i)
        if kind & _TRIGGER:
            triggered.add(i)
    short = [i for i, line in enumerate(lines) if 0 < len(line.text) <= SHORT_LINE_CHARS and i not in flagged]
    candidates = [
        i for i in short if not gate or i in triggered or len(lines[i].text) <= VERY_SHORT_LINE_CHARS
    ]
    flagged |= _search_lines(lines, candidates, _short_line_patterns())
    flagged |= _search_lines(lines, [i for i in short if i not in flagged], _DATE_CUE)
    return flagged


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


def title_candidates(lines: list[Line], kinds: list[str | None], first: int) -> list[str]:
    """Header lines that may be the title: those above the first byline or
    date line when there is one (the headline sits right above it, widgets
    and account names below it), else all unclassified header lines."""
    header = range(min(first, len(lines)))
    byline = next((i for i in header if kinds[i] == "metadata_lines"), None)
    above = [lines[i].text for i in header if kinds[i] is None and (byline is None or i < byline)]
    return above or [lines[i].text for i in header if kinds[i] is None]


_ORIGINAL_TITLE = re.compile(r"^原标题\s*[:：]\s*")


def looks_like_title(line: str) -> bool:
    """A headline: mostly Chinese, not a sentence, not a list item or a number."""
    han = len(_HAN.findall(line))
    return (
        TITLE_MIN_CHARS <= len(line) <= TITLE_MAX_CHARS
        and han >= 4
        and han * 2 >= len(line)
        and not line.endswith("。")
        and not _BULLET.match(line)
    )


def pick_title(candidates: list[str]) -> str | None:
    """The title is the last header line that looks like one (navigation and
    site names come first on a page, the headline right above the byline)."""
    for line in reversed(candidates):
        line = _ORIGINAL_TITLE.sub("", line)
        if looks_like_title(line):
            return strip_site_suffix(line)
    return None


def find_noise_lines(text: str) -> tuple[list[Edit], Metadata]:
    """Edits removing every non-body line, and the metadata read on the way."""
    meta = Metadata()
    lines = split_lines(text)
    flagged = flag_lines(text, lines)
    kinds: list[str | None] = []
    for i, line in enumerate(lines):
        kind = classify_line(line.text, i in flagged)
        if kind is None and i in flagged and read_metadata_line(line.text, meta):
            kind = "metadata_lines"
        kinds.append(kind)

    prose = [i for i, line in enumerate(lines) if kinds[i] is None and is_prose(line.text)]
    if not prose:
        # no line reads as a finished sentence (a table, a list, a text without
        # punctuation): keep every line the rules did not flag, lose nothing
        return _line_edits(text, lines, kinds, {}), meta
    first = prose[0]
    # the first footer line (editor line, 打印本页, 免责声明 ...) closes the article
    footer = next((i for i in sorted(flagged) if i > first and is_footer_line(lines[i].text)), None)
    limit = footer if footer is not None else len(lines)
    last = max(
        (
            i
            for i in range(first, limit)
            if kinds[i] is None and is_prose(lines[i].text, unfinished_min_han=TAIL_MIN_HAN_UNFINISHED)
        ),
        default=first,
    )
    last = min(extend_to_signature(lines, kinds, last), limit - 1)
    for i in range(limit, len(lines)):
        if kinds[i] in (None, "blank"):
            kinds[i] = "tail_lines"
        if footer is not None and lines[i].text:
            read_metadata_line(lines[i].text, meta)

    meta.title = pick_title(title_candidates(lines, kinds, first))
    for i in range(len(lines)):
        if kinds[i] is None and (i < first or i > last):
            kinds[i] = "header_lines" if i < first else "tail_lines"

    glued = find_glued_title(lines, kinds, meta.title)
    return _line_edits(text, lines, kinds, glued), meta


def _line_edits(text: str, lines: list[Line], kinds: list[str | None], glued: dict[int, int]) -> list[Edit]:
    edits = [
        Edit(line.start, min(line.end + 1, len(text)), "", kind)
        for line, kind in zip(lines, kinds, strict=False)
        if kind is not None
    ]
    edits += strip_line_margins(text, lines, kinds, glued)
    return sorted(edits)


def extend_to_signature(lines: list[Line], kinds: list[str | None], last: int) -> int:
    """Notices and reports end with the issuing organ and a date on lines of
    their own (运城市人大常委会办公室 / 2026年3月5日): they belong to the body."""
    end = last
    for i in range(last + 1, min(len(lines), last + 1 + SIGNATURE_MAX_LINES + 1)):
        text = lines[i].text
        if kinds[i] == "blank":
            continue
        if kinds[i] is None and (_ORGAN_LINE.match(text) or _MASKED_LINE.match(text)):
            end = i
            continue
        if kinds[i] in (None, "metadata_lines") and _DATE_LINE.match(text):
            kinds[i] = None
            end = i
            continue
        break
    if end == last:
        end = keep_cut_off_fragment(lines, kinds, last)
    return end


def keep_cut_off_fragment(lines: list[Line], kinds: list[str | None], last: int) -> int:
    """A report cut off at its end leaves a short unfinished line; it is body
    when nothing but noise follows it."""
    rest = [i for i in range(last + 1, len(lines)) if kinds[i] is None]
    if len(rest) != 1:
        return last
    text = lines[rest[0]].text
    if len(text) <= FRAGMENT_MAX_CHARS and _HAN.search(text) and not is_footer_line(text):
        return rest[0]
    return last


def find_glued_title(lines: list[Line], kinds: list[str | None], title: str | None) -> dict[int, int]:
    """A title repeated as the first body line goes; one pasted onto the start
    of the first paragraph (a heading and lead exported without a line break)
    is cut off.  Returns {line index: characters to cut}; marks whole lines in
    ``kinds``."""
    if not title or len(title) < 8:
        return {}
    for i, (line, kind) in enumerate(zip(lines, kinds, strict=False)):
        if kind is not None:
            continue
        if line.text == title:
            kinds[i] = "title_lines"
            continue
        if line.text.startswith(title) and len(line.text) > len(title) + 8:
            return {i: len(title)}
        return {}
    return {}


def strip_line_margins(text: str, lines: list[Line], kinds: list[str | None], cuts: dict[int, int]) -> list[Edit]:
    """Leading and trailing spaces (ASCII, ideographic, no-break) of kept lines,
    and the glued title at the start of a line (``cuts``)."""
    edits = []
    for i, (line, kind) in enumerate(zip(lines, kinds, strict=False)):
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
