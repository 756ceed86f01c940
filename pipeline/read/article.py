"""Main content of a Chinese news or government page: which block is the article.

Parsed with lxml directly (``lxml.html``, the parser that bs4's "lxml" builder
wraps): scoring walks every element of the page once, and lxml's own tree is
about ten times faster to walk than a BeautifulSoup tree.

The body container is found by a cascade:

1. the densest subtree: every text block scores by its Chinese punctuation
   and length, less its link text, and hands the score to its container and,
   halved, to the container's ancestors (readability's rule, with Chinese
   punctuation in place of commas); containers are weighed by their link
   density and by their class/id (CMS body names up, chrome names down, from
   ``data/html_blocks.txt``); the best-scoring container wins;
2. narrowed to a known CMS content container inside it (``TRS_Editor``,
   ``article-content``, ``#content``, ...; the innermost) when that one keeps
   70% of the score and is not a link list: templates wrap the text in the
   headline/date/toolbar block, the CMS's own container leaves those out;
3. the whole ``<body>`` when no block scores at all.

Inside the container, blocks whose class or id names chrome (nav, related,
comment, share, footer, ...) and link lists are left out; the rest is read
as paragraphs in document order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree, html

from pipeline.data import read_sections

DROP_TAGS = frozenset(
    ("script", "style", "noscript", "template", "iframe", "svg", "select", "textarea", "input", "head",
     "object", "embed", "canvas", "video", "audio", "map", "option", "label")
)  # fmt: skip
BLOCK_TAGS = frozenset(
    ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
     "header", "footer", "table", "tbody", "ul", "ol", "dl", "dd", "dt", "blockquote", "pre", "hr", "figure",
     "figcaption", "form", "center", "aside", "nav", "body", "html", "address", "fieldset", "caption")
)  # fmt: skip
CONTAINER_TAGS = frozenset(("div", "td", "article", "section", "main", "body", "table", "tbody", "form", "center"))
# A block's own text scores only from this length: shorter runs are labels and menus.
MIN_BLOCK_CHARS = 10
LINK_DENSE = 0.5  # a block whose text is more than half link text is a link list
_PUNCT = re.compile(r"[，。！？；、：]")
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_PAGE_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NON_SPACE = re.compile(r"\S")
_WORD_SPLIT = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u3000\u200b\ufeff]+")

_PARSER = html.HTMLParser(remove_comments=True, remove_pis=True)
_SECTIONS = read_sections("html_blocks.txt")
CONTENT_WORDS = frozenset(word.lower() for word in _SECTIONS["content"])
CHROME_WORDS = frozenset(word.lower() for word in _SECTIONS["chrome"])


@dataclass(slots=True)
class Block:
    """Text stats of one element: its own inline text and its whole subtree."""

    element: object
    parts: list = field(default_factory=list)
    link_chars: int = 0  # own inline text that sits inside <a>
    total: int = 0  # subtree characters (no spaces)
    total_links: int = 0  # subtree characters inside <a>
    score: float = 0.0  # paragraph score handed up from the blocks below


def block_words(element) -> tuple[str, list[str]]:
    """Lower-cased ``class id`` and its word parts (article-content → article, content)."""
    raw = (element.get("class") or "") + " " + (element.get("id") or "")
    if not raw.strip():
        return "", []
    tokens = raw.split()
    parts = [part.lower() for token in tokens for part in _WORD_SPLIT.split(token) if part]
    return " ".join(tokens).lower(), parts


def is_chrome(element) -> bool:
    """Class or id names navigation, related lists, comments, share, footer...

    A full CMS content name wins over a part: ``news_content`` is body even
    though a chrome word could hide in it; ``comment-content`` is chrome.
    """
    raw, parts = block_words(element)
    if not parts:
        return element.tag in ("nav", "aside", "footer")
    if any(token in CONTENT_WORDS and ("_" in token or "-" in token) for token in raw.split()):
        return False
    return any(part in CHROME_WORDS for part in parts) or raw in CHROME_WORDS


def content_weight(element) -> float:
    """Score factor from the class/id: CMS body names up, chrome names down."""
    raw, parts = block_words(element)
    if not parts:
        return 0.3 if element.tag in ("nav", "aside", "footer") else 1.0
    tokens = raw.split()
    if any(token in CONTENT_WORDS for token in tokens):
        return 1.5
    if is_chrome(element):
        return 0.3
    if any(part in CONTENT_WORDS for part in parts):
        return 1.2
    return 1.0


def is_hidden(element) -> bool:
    """``style="display:none"``: text kept for scripts (URL lists, templates), not shown."""
    style = element.get("style")
    return bool(style) and _HIDDEN.search(style) is not None


def count_chars(text: str | None) -> int:
    return len(_NON_SPACE.findall(text)) if text else 0


def add_text(block: Block, text: str | None, in_link: bool) -> tuple[int, int]:
    """Append a text node to ``block``; its characters, and those in a link."""
    if not text:
        return 0, 0
    block.parts.append(text)
    n = count_chars(text)
    if in_link:
        block.link_chars += n
        return n, n
    return n, 0


def measure_blocks(root) -> list[Block]:
    """Every block element with its own inline text and subtree counts, in document order."""
    blocks: list[Block] = []

    def walk(element, block: Block, in_link: bool) -> tuple[int, int]:
        tag = element.tag
        if not isinstance(tag, str) or tag in DROP_TAGS or is_hidden(element):
            return 0, 0
        tag = tag.lower()
        if tag in BLOCK_TAGS:
            own = Block(element)
            blocks.append(own)
            target = own
        else:
            target = block
            if tag == "br":
                block.parts.append("\n")
        link = in_link or tag == "a"
        total, links = add_text(target, element.text, link)
        for child in element:
            sub_total, sub_links = walk(child, target, link)
            tail_total, tail_links = add_text(target, child.tail, link)
            total += sub_total + tail_total
            links += sub_links + tail_links
        if target is not block:
            own.total, own.total_links = total, links
            block.parts.append("\n")
        return total, links

    top = Block(root)
    blocks.append(top)
    walk(root, top, False)
    top.total = sum(count_chars(part) for part in top.parts) or 1
    return blocks


def paragraph_score(text: str, link_chars: int) -> float:
    """How much a run of own text looks like an article paragraph.

    >>> paragraph_score("会议听取了代表的意见，并对议案进行了审议。", 0) > paragraph_score("首页 新闻 政务", 0)
    True
    """
    chars = count_chars(text)
    if chars - link_chars < MIN_BLOCK_CHARS or link_chars > chars * LINK_DENSE:
        return 0.0
    if len(_CJK.findall(text)) < MIN_BLOCK_CHARS:
        return 0.0
    return (1.0 + len(_PUNCT.findall(text)) + min(chars / 40, 5.0)) * (1 - link_chars / chars)


def score_containers(blocks: list[Block]) -> dict[object, Block]:
    """Hand each block's paragraph score to its container and ancestors."""
    by_element = {block.element: block for block in blocks}
    for block in blocks:
        score = paragraph_score("".join(part for part in block.parts if part), block.link_chars)
        if not score:
            continue
        element = block.element
        if element.tag not in CONTAINER_TAGS:
            element = element.getparent()
        share = 1.0
        while element is not None and share > 0.1:
            holder = by_element.get(element)
            if holder is not None:
                holder.score += score * share
            element = element.getparent()
            share /= 2
    return by_element


def container_value(block: Block) -> float:
    """Score of a container, shrunk by its link density and class/id."""
    density = block.total_links / block.total if block.total else 1.0
    return block.score * (1 - density) * content_weight(block.element)


def find_known_container(blocks: list[Block], best: Block) -> Block | None:
    """Step 2: the innermost CMS content container inside the densest one that keeps most of its score."""
    found = None
    for block in blocks:
        if block.total < 30 or block.element.tag not in CONTAINER_TAGS:
            continue
        raw, _ = block_words(block.element)
        if not raw or not any(token in CONTENT_WORDS for token in raw.split()):
            continue
        if block.total_links > block.total * 0.3:
            continue
        if best.element in set(block.element.iterancestors()) and block.score >= best.score * 0.7:
            found = block  # innermost wins: blocks run in document order, children after parents
    return found


def choose_container(root) -> tuple[object, list[Block]]:
    """The element that holds the article body (see the module's cascade)."""
    blocks = measure_blocks(root)
    score_containers(blocks)
    candidates = [block for block in blocks if block.element.tag in CONTAINER_TAGS and block.score > 0]
    if not candidates:
        return root, blocks
    best = max(candidates, key=container_value)
    known = find_known_container(blocks, best)
    return (known or best).element, blocks


def read_paragraphs(container) -> list[str]:
    """Text lines of ``container`` in document order, chrome and link lists left out."""
    lines: list[str] = []
    current: list[str] = []
    link_chars = [0]

    def flush() -> None:
        text = _SPACES.sub(" ", "".join(current)).strip()
        chars = count_chars(text)
        if text and not (chars and link_chars[0] >= chars * 0.8 and chars < 60):
            lines.append(text)
        current.clear()
        link_chars[0] = 0

    def walk(element, in_link: bool) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in DROP_TAGS or is_hidden(element):
            return
        tag = tag.lower()
        if element is not container and is_chrome(element):
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
            if element is not container and is_link_list(element):
                return
        elif tag == "br":
            flush()
        link = in_link or tag == "a"
        if element.text:
            current.append(element.text)
            if link:
                link_chars[0] += count_chars(element.text)
        for child in element:
            walk(child, link)
            if child.tail:
                current.append(child.tail)
                if link:
                    link_chars[0] += count_chars(child.tail)
        if block:
            flush()

    walk(container, False)
    flush()
    return lines


def is_link_list(element) -> bool:
    """A list or box of links (related reports, menus): most of its text is link text."""
    if element.tag not in ("ul", "ol", "div", "dl", "table", "td", "section", "p", "li"):
        return False
    links = element.findall(".//a")
    if len(links) < 2:
        return False
    text = count_chars(element.text_content())
    linked = sum(count_chars(a.text_content()) for a in links)
    return text > 0 and linked >= text * 0.6


def parse_root(text: str):
    """The lxml root of a page, or None when lxml finds no element in it.

    Every ``</body>`` and ``</html>`` is dropped first: CMS pages that include
    a header fragment close the document early, and libxml2 then discards the
    article that follows (gov.cn gazette pages).
    """
    try:
        return etree.fromstring(_PAGE_END.sub("", text), _PARSER)
    except (etree.ParserError, ValueError):
        return None
