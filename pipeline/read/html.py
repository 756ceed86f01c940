"""HTML pages: the article's title, date, outlet, author and body paragraphs.

``extract_article`` finds the body container with the density cascade of
``pipeline.read.article`` (lxml.html directly — the parser bs4's "lxml"
builder wraps — because scoring walks every element and lxml's tree is far
faster to walk than a BeautifulSoup tree) and reads the metadata from the meta
tags first, then from the lines between the headline and the body.
``html_to_text`` keeps its old contract (body text, title) for the reader;
the line cleaners still run after it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from pipeline.extract.dates import parse_date, published_on_line
from pipeline.read.article import Block, block_words, choose_container, parse_root, read_paragraphs

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u200b\ufeff]+")
# A full-width space next to a Chinese character or digit in a headline is typesetting, not a word break.
_WIDE_SPACE = re.compile(r"(?<=[\u4e00-\u9fff0-9])\u3000+|\u3000+(?=[\u4e00-\u9fff0-9])")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]*\n\s*(?=[\u4e00-\u9fff])")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|—{1,2}|\s-\s)\s*")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4}")
_SOURCE = re.compile(r"(?:来源|来自|稿源|出处)\s*[:：]\s*([^\s|｜/　]{2,30})")
_AUTHOR = re.compile(
    r"(?:作者|记者|撰稿|文)\s*[:：／/]\s*([\u4e00-\u9fff·]{2,4}(?:[ 、，,][\u4e00-\u9fff·]{2,4}){0,3})"
)
# Header and footer lines inside a body container: date/source/author/editor/view-count lines.
_META_LINE = re.compile(
    r"^(?:[【(（\[]?\s*(?:责任编辑|编辑|责编|校对|审核|审校|终审|初审|复审|来源|作者|发布时间|发布日期|时间|日期|浏览次数|点击数|"
    r"阅读|字号|字体|打印|关闭窗口|分享到)\s*[:：】]|\[?\s*责任编辑)"
)
_JSON_DATE = re.compile(r'"(?:datePublished|publishDate|pubDate|publish_time|publishTime)"\s*:\s*"([^"]{8,40})"')
_DATE_ONLY = re.compile(r"^[\d\s:：\-/年月日.时分秒]+$")
_META_CUE = re.compile(r"来源|作者|编辑|发布|时间|日期|浏览|点击|字号|字体|阅读")
DATE_META = (
    "article:published_time", "publishdate", "pubdate", "publish_date", "publishtime", "publish-date",
    "firstpublishedtime", "og:release_date", "datepublished", "dc.date", "dc.date.issued", "dcterms.created",
    "weibo:article:create_at", "ptime", "date", "og:article:published_time",
)  # fmt: skip
MIN_HEADLINE = 6  # shorter headings are channel names (新闻动态, 政务公开)
TITLE_META = ("og:title", "articletitle", "twitter:title", "title")
UPDATE_META = ("dateupdate", "datemodified", "article:modified_time", "lastmodifiedtime", "og:updated_time")
SOURCE_META = ("source", "contentsource", "og:article:source", "article:source")
SITE_META = ("og:site_name", "sitename", "site")


class NoArticleError(ValueError):
    """The page has no text that could be an article."""


@dataclass
class Article:
    """What a news page says about itself; ``body`` is the paragraphs joined by newlines."""

    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    paragraphs: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


def declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def normal_charset(name: str | None) -> str | None:
    """A Python codec name; GB2312 and GBK pages are read as GB18030 (their superset).

    >>> normal_charset("GB2312"), normal_charset("x-gbk"), normal_charset("nonsense")
    ('gb18030', 'gb18030', None)
    """
    if not name:
        return None
    name = name.strip().lower()
    if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn", "hz-gb-2312"):
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: str | bytes, http_charset: str | None = None) -> str:
    """Page text: the HTTP header's charset, then the meta tag's, then the bytes.

    Bytes that are valid UTF-8 are UTF-8 whatever a stale meta tag says;
    otherwise GB18030, which also covers GBK and GB2312.
    """
    if isinstance(data, str):
        return data
    for name in (normal_charset(http_charset), normal_charset(declared_charset(data))):
        if name:
            if name != "utf-8":
                try:
                    data.decode("utf-8")
                    return data.decode("utf-8")
                except UnicodeDecodeError:
                    pass
            return data.decode(name, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return (
        "<html" in head or "<!doctype html" in head or ("<body" in head) or head.count("<div") + head.count("<p") >= 3
    )


def clean_title(text: str | None) -> str:
    """One-line headline text.

    >>> clean_title(" 调整2007\u3000年末国债 ")
    '调整2007年末国债'
    """
    if not text:
        return ""
    return _SPACES.sub(" ", _CJK_GAP.sub("", _WIDE_SPACE.sub("", text))).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def read_meta(root) -> dict[str, str]:
    """Meta tags by lower-cased name/property/itemprop (the first of each name)."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("name") or element.get("property") or element.get("itemprop")
        value = element.get("content")
        if key and value and value.strip():
            meta.setdefault(key.strip().lower(), value.strip())
    for element in root.iter("time"):
        if element.get("itemprop", "").lower() == "datepublished" and element.get("datetime"):
            meta.setdefault("datepublished", element.get("datetime"))
    return meta


def find_headline(root, meta: dict[str, str], before: dict | None = None) -> tuple[str | None, object | None]:
    """The headline and its element.

    1. an ``h1``/``h2`` or a block whose class names a title, when its text is
       part of the ``<title>`` or the meta title (page titles add the site
       name) and is longer than a channel name (新闻动态);
    2. the meta title (og:title, ArticleTitle);
    3. the last heading before the body container (``before`` maps the
       elements before it to their order);
    4. the only ``h1``;
    5. the ``<title>`` cut at the first ``_`` / ``|`` / `` - ``.
    """
    title_element = root.find(".//title")
    page_title = clean_title(title_element.text_content()) if title_element is not None else ""
    meta_title = next((clean_title(meta[key]) for key in TITLE_META if meta.get(key)), "")
    references = [squash(text) for text in (page_title, meta_title) if text]
    headings = []
    for element in root.iter("h1", "h2", "h3", "div", "p", "span", "td", "strong"):
        tag = element.tag
        if tag not in ("h1", "h2") and not any("title" in part or "biaoti" in part for part in block_words(element)[1]):
            if not (tag in ("p", "td", "strong", "h3") and references):
                continue
        text = clean_title(element.text_content())
        if 4 <= len(text) <= 120:
            headings.append((text, element))
    for text, element in headings:
        key = squash(text)
        if len(key) >= MIN_HEADLINE and any(
            (key in reference and len(key) * 2 >= len(reference)) or key == reference for reference in references
        ):
            return text, element
    for text, element in headings:
        key = squash(text).rstrip(".…")
        if len(key) >= 8 and any(reference.startswith(key) for reference in references):
            return text, element
    if meta_title:
        return meta_title, None
    if before:
        near = [
            (before[element], text, element)
            for element in root.iter("h1", "h2", "h3", "h4", "h5", "h6")
            if element in before and len(text := clean_title(element.text_content())) >= MIN_HEADLINE
        ]
        if near:
            return max(near, key=lambda item: item[0])[1:]
    h1s = [(text, element) for text, element in headings if element.tag == "h1"]
    if len(h1s) == 1:
        return h1s[0]
    if page_title:
        parts = [part for part in _TITLE_SPLIT.split(page_title) if part]
        return (parts[0] if parts else page_title), None
    return None, None


def block_text(block: Block) -> str:
    return _SPACES.sub(" ", "".join(part for part in block.parts if part)).strip()


def header_lines(blocks: list[Block], headline, container) -> list[str]:
    """Lines between the headline and the body container (where date and source sit)."""
    order = {block.element: index for index, block in enumerate(blocks)}
    end = order.get(container, len(blocks))
    start = order.get(headline, -1) + 1 if headline is not None else max(0, end - 8)
    if start >= end:
        start = max(0, end - 8)
    return [text for block in blocks[start:end][:40] if (text := block_text(block))]


def trailer_lines(blocks: list[Block], container, limit: int = 12) -> list[str]:
    """The first lines after the body container (older templates put the date below the text)."""
    index = next((i for i, block in enumerate(blocks) if block.element is container), len(blocks))
    lines: list[str] = []
    for block in blocks[index + 1 :]:
        if container in block.element.iterancestors():
            continue
        if text := block_text(block):
            lines.append(text)
            if len(lines) >= limit:
                break
    return lines


def find_published(meta: dict[str, str], header: list[str], later: list[str], raw: str) -> str | None:
    """Publish date, YYYY-MM-DD.

    1. the publish-date meta tags (article:published_time, PubDate, ...);
    2. the first date on a line between the headline and the body;
    3. a metadata line (发布日期：…, 来源 … 时间 …) in the body's first lines or just after it,
       never a date in a narrative sentence;
    4. the modified-date meta tags, then a ``datePublished``-like key in the
       page's JSON (JSON-LD, server-side state);
    5. the first date in the header text at large.
    """
    for key in DATE_META:
        if meta.get(key) and (found := parse_date(meta[key])):
            return found
    for line in header:
        if len(line) <= 120 and (found := parse_date(line)) is not None:
            return found
    for line in later:
        if (found := published_on_line(line)) is not None:
            return found
    for key in UPDATE_META:
        if meta.get(key) and (found := parse_date(meta[key])):
            return found
    if match := _JSON_DATE.search(raw):
        if found := parse_date(match.group(1)):
            return found
    return parse_date(" ".join(header))


def find_outlet(meta: dict[str, str], lines: list[str]) -> str | None:
    for line in lines:
        if match := _SOURCE.search(line):
            return match.group(1)
    for key in SOURCE_META:
        if value := meta.get(key):
            value = re.sub(r"^(来源|来自)[:：]\s*|\s*原创稿$", "", value).strip()
            if value:
                return value
    return next((meta[key] for key in SITE_META if meta.get(key)), None)


def find_author(meta: dict[str, str], lines: list[str]) -> str | None:
    for line in lines:
        if match := _AUTHOR.search(line):
            return match.group(1)
    value = meta.get("author", "")
    return value if CJK_RUN.search(value) is None and re.search(r"[\u4e00-\u9fff]", value) else None


def is_meta_line(line: str, title: str | None) -> bool:
    """A headline, date, source, editor or toolbar line inside the body container."""
    if title and squash(line) == squash(title):
        return True
    if _META_LINE.search(line) and len(line) <= 80:
        return True
    if _DATE_ONLY.match(line):
        return True
    return len(line) <= 80 and bool(_META_CUE.search(line)) and parse_date(line) is not None


def trim_paragraphs(lines: list[str], title: str | None) -> list[str]:
    """Body lines without the header/footer lines a content container often repeats,
    nor the headline when the container repeats it broken over lines."""
    key = squash(title or "")
    start = 0
    while start < len(lines) and key and len(squash(lines[start])) >= 4 and squash(lines[start]) in key:
        start += 1
    return [line for line in lines[start:] if not is_meta_line(line, title)]


def extract_article(html: str | bytes, *, url: str | None = None, http_charset: str | None = None) -> Article:
    """Title, date (YYYY-MM-DD), outlet, author and body paragraphs of a news page.

    ``url`` is accepted for callers that have it; the rules do not depend on it.

    >>> page = ("<html><head><title>代表联络站开放_某某人大网</title></head><body>"
    ...         "<div class='nav'><a href='/'>首页</a> <a href='/x'>人大要闻</a></div><h1>代表联络站开放</h1>"
    ...         "<div class='info'>来源：某某日报 2023-07-31</div><div class='TRS_Editor'>"
    ...         "<p>7月31日，代表联络站正式开放，接待群众来访，收集意见建议12条。</p>"
    ...         "<p>代表们表示，将把群众的意见带到人代会上。</p></div>"
    ...         "<div class='footer'>版权所有 某某人大</div></body></html>")
    >>> article = extract_article(page)
    >>> article.title, article.published, article.outlet
    ('代表联络站开放', '2023-07-31', '某某日报')
    >>> article.paragraphs
    ['7月31日，代表联络站正式开放，接待群众来访，收集意见建议12条。', '代表们表示，将把群众的意见带到人代会上。']
    """
    text = _XML_DECLARATION.sub("", decode_html(html, http_charset))
    root = parse_root(text) if text.strip() else None
    if root is None:
        return Article()
    meta = read_meta(root)
    body = root.find(".//body")
    container, blocks = choose_container(body if body is not None else root)
    before = {}
    for index, block in enumerate(blocks):
        if block.element is container:
            break
        before[block.element] = index
    title, headline = find_headline(root, meta, before)
    lines = header_lines(blocks, headline, container)
    paragraphs = read_paragraphs(container)
    lead = lines + paragraphs[:3]
    later = paragraphs[:3] + trailer_lines(blocks, container) + paragraphs[-3:]
    return Article(
        title=title,
        published=find_published(meta, lines, later, text),
        outlet=find_outlet(meta, lead),
        author=find_author(meta, lead),
        paragraphs=trim_paragraphs(paragraphs, title),
    )


def html_to_text(html: str) -> tuple[str, str | None]:
    """(article body with one paragraph per line, headline).

    >>> html_to_text("<html><head><title>标题</title></head><body><p>第一段正文。</p><p>第二段正文。</p></body></html>")
    ('第一段正文。\\n第二段正文。', '标题')
    """
    article = extract_article(html)
    text = article.body
    if not CJK_RUN.search(text):
        raise NoArticleError("HTML page without article text (no run of Chinese characters in its body)")
    return text, article.title or None
