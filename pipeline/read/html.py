"""HTML pages: the body text, one block element per line.

Full main-content extraction is the scraping issue's; this reader keeps the
text of block elements in order and leaves chrome to the line cleaners.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head", "select", "button", "form")
BLOCK_TAGS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "header", "footer", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr", "td", "figcaption",
)  # fmt: skip
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")


class NoArticleError(ValueError):
    """The page has no text that could be an article."""


def declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return (
        "<html" in head or "<!doctype html" in head or ("<body" in head) or head.count("<div") + head.count("<p") >= 3
    )


def html_to_text(html: str) -> tuple[str, str | None]:
    """(body text with one block per line, page title).

    >>> html_to_text("<html><head><title>标题</title></head><body><p>第一段正文。</p><p>第二段正文。</p></body></html>")
    ('第一段正文。\\n第二段正文。', '标题')
    """
    soup = BeautifulSoup(html, "lxml")
    title_tag = soup.find("title")
    title = title_tag.get_text(strip=True) if title_tag else None
    for tag in soup(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    body = soup.body or soup
    lines = (_SPACES.sub(" ", line).strip() for line in body.get_text().split("\n"))
    text = "\n".join(line for line in lines if line)
    if not re.search(r"[\u4e00-\u9fff]{4}", text):
        raise NoArticleError("HTML page without article text (no run of Chinese characters in its body)")
    return text, title or None
