"""A polite crawler that writes a WARC archive (``zhnews fetch``), resumable.

    zhnews fetch [URL...] [--url-file FILE] [--sitemap URL]... [--list URL --follow RE --next RE]
                 --out crawl.warc.gz [--rate 1] [--concurrency 4] [--timeout 20] [--max-mb 5]

Why a WARC: the crawl is itself the archive that ``zhnews run`` reads, so a
page is fetched once and can be re-processed forever, and every answer the
server gave is kept, not only the good ones.  What is written:

1. an article page: its ``request`` and ``response`` records (a redirect hop
   and an error page too; ``read_warc`` skips the 3xx and reports the 4xx/5xx);
2. a navigation page (robots.txt, a sitemap, a list page): its ``request``
   and a ``metadata`` record holding the whole HTTP answer
   (``application/http; msgtype=response``), so that ``zhnews run`` does not
   take a list of links or a robots file for an article;
3. a refusal or a failure (robots-disallowed, too large, wrong content type,
   timeout, network error, an attempt that will be retried): a ``metadata``
   record of ``application/warc-fields`` saying what happened, so that no
   URL is dropped silently.

Politeness: robots.txt is read once per host (its ``Crawl-delay`` widens the
interval; 401/403 forbid the host, another 4xx allows it, a 5xx or no answer
forbids it for this run, as ``urllib.robotparser`` does); each host gets at
most ``rate_per_host`` requests a second and ``per_host_concurrency`` at a
time; a 429 or 5xx is retried with exponential backoff, and a
``Retry-After`` pauses the whole host; every request names the crawler in
its User-Agent.

Resuming: the WARC is written by one thread; after each URL's records are
flushed and fsync'd, a line with the archive's new length goes to the
append-only state file ``fetched.jsonl``.  A restart skips the article URLs
listed there (navigation pages are read again, since a list page or a
sitemap gains links) and cuts the archive back to the last recorded length,
dropping the records of a URL that was interrupted.
"""

from __future__ import annotations

import argparse
import email.utils
import http.client
import io
import json
import os
import re
import sys
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser
from xml.etree import ElementTree

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.read.warc import decode_payload

USER_AGENT = "zhnews/0.1 (+research crawler; contact in README)"
STATE_FILE = "fetched.jsonl"
PAGE_TYPES = ("text/html", "text/plain", "application/xhtml+xml")
SITEMAP_TYPES = ("application/xml", "text/xml", "application/gzip", "application/x-gzip", "application/octet-stream")
LIST_TYPES = ("text/html", "application/xhtml+xml")
SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
ROBOTS_MAX_BYTES = 500 * 1024  # what Google reads of a robots.txt
REDIRECTS = (301, 302, 303, 307, 308)
NAV_KINDS = ("robots", "sitemap", "list")
# Outcomes that are not failures of the crawl (the rest go to stderr and the exit status).
QUIET_OUTCOMES = ("ok", "robots-disallowed", "duplicate", "nav")


class FetchError(ValueError):
    """The crawl cannot start (a bad option, an archive that does not match its state)."""


@dataclass(frozen=True)
class FetchOptions:
    """How fast, how long, how much; ``total_timeout_factor`` times ``timeout``
    bounds a whole download (``timeout`` alone bounds each socket wait)."""

    rate_per_host: float = 1.0
    per_host_concurrency: int = 2
    concurrency: int = 4
    timeout: float = 20.0
    total_timeout_factor: float = 6.0
    max_bytes: int = 5 * 1024 * 1024
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 120.0  # cap on one Retry-After or backoff wait
    max_redirects: int = 5
    max_pages: int = 100_000
    max_list_pages: int = 50
    follow: str | None = None  # regex: links of a list page that are articles
    next: str | None = None  # regex on the link or its text: the next list page
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Task:
    url: str
    kind: str = "page"  # page | sitemap | list


@dataclass
class Exchange:
    """One HTTP request and what came back (``error`` when nothing usable did)."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int = 0
    reason: str = ""
    version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    ip: str | None = None
    error: str | None = None  # timeout | network-error | too-large | bad-type
    detail: str = ""

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")


@dataclass
class Outcome:
    task: Task
    outcome: str
    final_url: str
    status: int = 0
    detail: str = ""
    entries: list[tuple] = field(default_factory=list)  # ("pair"|"nav", Exchange) or ("note", url, fields)
    found: list[Task] = field(default_factory=list)


@dataclass
class FetchSummary:
    outcomes: Counter = field(default_factory=Counter)
    skipped: int = 0  # fetched by an earlier run
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return f"{sum(self.outcomes.values())} URLs ({parts or 'none'}), {self.skipped} skipped, {self.seconds:.1f}s"


class HostGate:
    """Per-host pacing: a reserved time slot per request, a cap on requests in flight."""

    def __init__(self, interval: float, per_host: int) -> None:
        self._lock = threading.Lock()
        self._interval = interval
        self._per_host = max(1, per_host)
        self._next: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    def widen(self, host: str, interval: float) -> None:
        with self._lock:
            self._intervals[host] = max(self._interval, interval)

    def defer(self, host: str, seconds: float) -> None:
        """Nobody asks this host anything for ``seconds`` (a Retry-After)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), time.monotonic() + seconds)

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        with self._lock:
            slots = self._slots.setdefault(host, threading.BoundedSemaphore(self._per_host))
        with slots:
            with self._lock:
                now = time.monotonic()
                slot = max(now, self._next.get(host, 0.0))
                self._next[host] = slot + self._intervals.get(host, self._interval)
            time.sleep(max(0.0, slot - now))
            yield


def request_once(url: str, options: FetchOptions, accept: tuple[str, ...] | None) -> Exchange:
    """One GET with no redirect following; ``accept`` lists the media types a
    2xx may have (``None``: any), checked before the body is read, as is a
    declared Content-Length over ``max_bytes``."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [
        ("Host", parts.netloc),
        ("User-Agent", options.user_agent),
        ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"),
        ("Accept-Encoding", "gzip"),
        ("Connection", "close"),
    ]
    exchange = Exchange(url, headers)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=options.timeout)
    deadline = time.monotonic() + options.timeout * options.total_timeout_factor
    try:
        connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers[1:]:
            connection.putheader(name, value)
        connection.putheader("Host", parts.netloc)
        connection.endheaders()
        response = connection.getresponse()
        exchange.ip = connection.sock.getpeername()[0] if connection.sock else None
        exchange.status, exchange.reason = response.status, response.reason
        exchange.version = "HTTP/1.0" if response.version == 10 else "HTTP/1.1"
        exchange.headers = [(k, v) for k, v in response.getheaders() if k.lower() != "transfer-encoding"]
        refusal = check_headers(exchange, options.max_bytes, accept)
        if refusal:
            exchange.error, exchange.detail = refusal
            return exchange
        exchange.body = read_limited(response, options.max_bytes, deadline)
    except BodyTooLarge:
        exchange.error, exchange.detail = "too-large", f"body over {options.max_bytes} bytes"
    except TimeoutError:
        exchange.error, exchange.detail = "timeout", f"no answer within {options.timeout:g}s"
    except (OSError, http.client.HTTPException) as error:
        exchange.error, exchange.detail = "network-error", f"{type(error).__name__}: {error}"[:200]
    finally:
        connection.close()
    return exchange


class BodyTooLarge(Exception):
    pass


def check_headers(exchange: Exchange, max_bytes: int, accept: tuple[str, ...] | None) -> tuple[str, str] | None:
    """Refuse a page by its headers alone: a declared size over the limit, a
    media type that is not text (an image, a PDF) on a 2xx."""
    length = exchange.header("Content-Length")
    if length.isdigit() and int(length) > max_bytes:
        return "too-large", f"Content-Length {length} over {max_bytes} bytes"
    media = media_type(exchange.header("Content-Type"))
    if accept is not None and 200 <= exchange.status < 300 and media and media not in accept:
        return "bad-type", f"Content-Type {media}"
    return None


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def read_limited(response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    """The body, or ``BodyTooLarge`` past ``max_bytes`` (a server that sends no
    length), or a timeout past ``deadline`` (a server that drips bytes)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)


def retry_wait(exchange: Exchange, attempt: int, options: FetchOptions) -> float:
    """``Retry-After`` (seconds or an HTTP date) when given, else exponential
    backoff; never more than ``max_wait``."""
    value = exchange.header("Retry-After").strip()
    wait_s = options.backoff * 2**attempt
    if value.isdigit():
        wait_s = float(value)
    elif value:
        try:
            wait_s = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            pass
    return max(0.0, min(wait_s, options.max_wait))


def is_retryable(exchange: Exchange) -> bool:
    return exchange.status == 429 or exchange.status >= 500 or exchange.error in ("timeout", "network-error")


class Crawler:
    """The parts shared by the worker threads: options, pacing, robots rules."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self.gate = HostGate(
            1.0 / options.rate_per_host if options.rate_per_host > 0 else 0.0, options.per_host_concurrency
        )
        self.done: set[str] = set()  # article URLs fetched, this run or before
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self.follow = re.compile(options.follow) if options.follow else None
        self.next = re.compile(options.next) if options.next else None

    def get(self, url: str, accept: tuple[str, ...] | None, entries: list) -> Exchange:
        """A GET paced by the host gate and retried on 429/5xx/timeouts; each
        attempt that will be retried leaves a note in ``entries``."""
        host = urlsplit(url).netloc
        attempt = 0
        while True:
            with self.gate.turn(host):
                exchange = request_once(url, self.options, accept)
            if attempt >= self.options.retries or not is_retryable(exchange):
                return exchange
            wait_s = retry_wait(exchange, attempt, self.options)
            status = f"{exchange.status} {exchange.reason}" if exchange.status else exchange.error
            entries.append(
                ("note", url, {"outcome": "retry", "attempt": attempt + 1, "status": status, "wait": f"{wait_s:.2f}"})
            )
            self.gate.defer(host, wait_s)
            attempt += 1

    def allowed(self, url: str, entries: list) -> bool:
        """Whether robots.txt lets us fetch ``url``; the first caller for a host
        reads its robots.txt (others wait) and archives it in ``entries``."""
        parts = urlsplit(url)
        with self._lock:
            lock = self._robots_locks.setdefault(parts.netloc, threading.Lock())
        with lock:
            if parts.netloc not in self._robots:
                self._robots[parts.netloc] = self._read_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", entries)
        return self._robots[parts.netloc].can_fetch(self.options.user_agent, url)

    def _read_robots(self, url: str, entries: list) -> RobotFileParser:
        parser = RobotFileParser(url)
        exchange = self.get(url, None, entries)
        for _ in range(self.options.max_redirects):
            if exchange.status not in REDIRECTS or not exchange.header("Location"):
                break
            entries.append(("nav", exchange))
            exchange = self.get(urljoin(exchange.url, exchange.header("Location")), None, entries)
        entries.append(("nav", exchange) if not exchange.error else ("note", url, note_fields(exchange)))
        if exchange.status in (401, 403):
            parser.disallow_all = True
        elif 400 <= exchange.status < 500:
            parser.allow_all = True
        elif 200 <= exchange.status < 300:
            text = decode_body(exchange)[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            parser.parse(text.splitlines())
            delay = parser.crawl_delay(self.options.user_agent)
            if delay:
                self.gate.widen(urlsplit(url).netloc, min(float(delay), self.options.max_wait))
        else:  # 5xx or no answer: the site may be down; ask nothing of it this run
            parser.disallow_all = True
        return parser

    def process(self, task: Task) -> Outcome:
        """Fetch one task, following redirects (each hop checked against
        robots.txt), and say what came of it."""
        entries: list = []
        url, chain = task.url, {task.url}
        for _ in range(self.options.max_redirects + 1):
            if not self.allowed(url, entries):
                entries.append(("note", url, {"outcome": "robots-disallowed", "user-agent": self.options.user_agent}))
                return Outcome(task, "robots-disallowed", url, entries=entries)
            if task.kind == "page" and url != task.url and url in self.done:
                entries.append(("note", url, {"outcome": "duplicate", "redirected-from": task.url}))
                return Outcome(task, "duplicate", url, entries=entries)
            accept = {"page": PAGE_TYPES, "sitemap": SITEMAP_TYPES, "list": LIST_TYPES}[task.kind]
            exchange = self.get(url, accept, entries)
            location = exchange.header("Location")
            if exchange.error or exchange.status not in REDIRECTS or not location:
                return self._conclude(task, exchange, entries)
            entries.append(("pair", exchange))
            url = urldefrag(urljoin(url, location))[0]
            if url in chain:
                break
            chain.add(url)
        entries.append(("note", url, {"outcome": "redirect-loop", "from": task.url}))
        return Outcome(task, "redirect-loop", url, entries=entries)

    def _conclude(self, task: Task, exchange: Exchange, entries: list) -> Outcome:
        if exchange.error:
            entries.append(("note", exchange.url, note_fields(exchange)))
            return Outcome(task, exchange.error, exchange.url, exchange.status, exchange.detail, entries)
        ok = 200 <= exchange.status < 300
        outcome = Outcome(task, "ok" if ok else f"http-{exchange.status}", exchange.url, exchange.status, "", entries)
        if task.kind == "page" or not ok:
            entries.append(("pair", exchange))
            return outcome
        entries.append(("nav", exchange))
        outcome.outcome = "nav"
        try:
            if task.kind == "sitemap":
                pages, sitemaps = parse_sitemap(decode_body(exchange))
                outcome.found = [Task(u) for u in pages] + [Task(u, "sitemap") for u in sitemaps]
            else:
                outcome.found = self._list_links(exchange)
        except (ValueError, ElementTree.ParseError, zlib.error) as error:
            outcome.outcome, outcome.detail = "bad-sitemap", f"{type(error).__name__}: {error}"[:200]
        return outcome

    def _list_links(self, exchange: Exchange) -> list[Task]:
        html = decode_payload(decode_body(exchange), exchange.header("Content-Type")).text
        links = extract_links(html, exchange.url)
        found = [Task(u) for u, _ in links if self.follow and self.follow.search(u)]
        nxt = self.next
        return found + [Task(u, "list") for u, text in links if nxt and (nxt.search(u) or nxt.search(text))]


def note_fields(exchange: Exchange) -> dict:
    fields = {"outcome": exchange.error or f"http-{exchange.status}", "detail": exchange.detail}
    if exchange.status:
        fields["status"] = f"{exchange.status} {exchange.reason}"
        fields.update({f"header-{k.lower()}": v for k, v in exchange.headers})
    return fields


def decode_body(exchange: Exchange, limit: int = SITEMAP_MAX_BYTES) -> bytes:
    """The body with its Content-Encoding and any gzip wrapping undone (a
    ``.xml.gz`` sitemap may come either way), at most ``limit`` bytes."""
    data = exchange.body
    if exchange.header("Content-Encoding").lower() in ("gzip", "x-gzip", "deflate") or data[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header
        data = inflater.decompress(data, limit)
        if inflater.unconsumed_tail:
            raise ValueError(f"more than {limit} bytes once decompressed")
        if data[:2] == b"\x1f\x8b":  # a .gz file served with Content-Encoding: gzip
            return decode_body(Exchange(exchange.url, [], body=data), limit)
    return data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_sitemap(data: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, sitemap URLs) of a ``<urlset>`` or a ``<sitemapindex>``.

    Only the ``<loc>`` directly under ``<url>``/``<sitemap>`` counts (an
    ``<image:loc>`` is not a page).  A document declaring entities is refused
    (no entity expansion games).

    >>> parse_sitemap(b'<sitemapindex><sitemap><loc> http://a.cn/s1.xml </loc></sitemap></sitemapindex>')
    ([], ['http://a.cn/s1.xml'])
    """
    if b"<!ENTITY" in data:
        raise ValueError("sitemap declares XML entities")
    root = ElementTree.fromstring(data)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap: <{kind}>")
    locs = []
    for child in root:
        loc = next((el.text for el in child if _local(el.tag) == "loc" and el.text), None)
        if _local(child.tag) in ("url", "sitemap") and loc and loc.strip().startswith(("http://", "https://")):
            locs.append(loc.strip())
    return ([], locs) if kind == "sitemapindex" else (locs, [])


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[list[str]] = []
        self.base: str | None = None
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "base" and href and self.base is None:
            self.base = href
        elif tag == "a" and href:
            self._open = [href, ""]
            self.links.append(self._open)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None


def extract_links(html: str, page_url: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, anchor text) of each http(s) link, in order.

    >>> extract_links('<a href="/n/1.html#top"> 下一页 </a><a href="javascript:;">x</a>', "http://a.cn/list/")
    [('http://a.cn/n/1.html', '下一页')]
    """
    parser = _LinkParser()
    parser.feed(html)
    base = urljoin(page_url, parser.base) if parser.base else page_url
    links = []
    for href, text in parser.links:
        url = urldefrag(urljoin(base, href.strip()))[0]
        if url.startswith(("http://", "https://")):
            links.append((url, " ".join(text.split())))
    return links


class Archive:
    """The WARC file and its state file, written by one thread, in step."""

    def __init__(self, path: Path, state_dir: Path, options: FetchOptions) -> None:
        self.path, self.state_path = path, state_dir / STATE_FILE
        state_dir.mkdir(parents=True, exist_ok=True)
        self.done, end = load_state(self.state_path)
        size = path.stat().st_size if path.exists() else 0
        if end is None and size:
            raise FetchError(f"{path}: exists but {self.state_path} has no record of it; choose another --out")
        if end is not None and size < end:
            raise FetchError(f"{path}: {size} bytes, but {self.state_path} says {end}; the archive was changed")
        self.stream = open(path, "ab")
        if end is not None and size > end:  # records of a URL interrupted mid-write
            self.stream.truncate(end)
        self.writer = WARCWriter(self.stream, gzip=str(path).endswith(".gz"))
        if end is None:
            info = {"software": "zhnews fetch", "http-header-user-agent": options.user_agent, "robots": "obey"}
            self.writer.write_record(self.writer.create_warcinfo_record(path.name, info))
            self._commit({"warcinfo": True})

    def write(self, outcome: Outcome) -> None:
        for entry in outcome.entries:
            if entry[0] == "note":
                self.writer.write_record(note_record(self.writer, entry[1], entry[2]))
            else:
                self.writer.write_request_response_pair(*exchange_records(self.writer, entry[1], entry[0] == "nav"))
        line = {"url": outcome.task.url, "kind": outcome.task.kind, "outcome": outcome.outcome}
        if outcome.final_url != outcome.task.url:
            line["final"] = outcome.final_url
        if outcome.status:
            line["status"] = outcome.status
        self._commit(line)

    def _commit(self, line: dict) -> None:
        self.stream.flush()
        os.fsync(self.stream.fileno())
        line["warc_end"] = self.stream.tell()
        with open(self.state_path, "a", encoding="utf-8") as state:
            state.write(json.dumps(line, ensure_ascii=False) + "\n")
            state.flush()
            os.fsync(state.fileno())

    def close(self) -> None:
        self.stream.close()


def load_state(path: Path) -> tuple[set[str], int | None]:
    """(article URLs done, archive length after the last complete URL).

    A torn last line (a crash while writing it) is ignored; a transient
    failure (timeout, 5xx) does not count as done."""
    done: set[str] = set()
    end = None
    if not path.exists():
        return done, end
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            line = json.loads(raw)
        except json.JSONDecodeError:
            continue
        end = line["warc_end"]
        if line.get("kind") == "page" and not is_transient(line.get("outcome", "")):
            done.update(u for u in (line.get("url"), line.get("final")) if u)
    return done, end


def is_transient(outcome: str) -> bool:
    """Failures that a later run should try again (the site may be back)."""
    return outcome in ("timeout", "network-error", "internal-error", "http-429") or outcome.startswith("http-5")


def exchange_records(writer: WARCWriter, exchange: Exchange, nav: bool) -> tuple:
    """The request record and, for an article, the response record; for a
    navigation page, a metadata record holding the whole HTTP answer."""
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_line = StatusAndHeaders(f"GET {target} HTTP/1.1", exchange.request_headers, is_http_request=True)
    request = writer.create_warc_record(exchange.url, "request", http_headers=request_line)
    status = StatusAndHeaders(f"{exchange.status} {exchange.reason}", exchange.headers, protocol=exchange.version)
    extra = {"WARC-IP-Address": exchange.ip} if exchange.ip else {}
    if not nav:
        payload = io.BytesIO(exchange.body)
        response = writer.create_warc_record(
            exchange.url, "response", payload=payload, http_headers=status, warc_headers_dict=extra
        )
        return request, response
    block = status.to_bytes() + exchange.body
    metadata = writer.create_warc_record(
        exchange.url,
        "metadata",
        payload=io.BytesIO(block),
        length=len(block),
        warc_content_type="application/http; msgtype=response",
        warc_headers_dict=extra,
    )
    return request, metadata


def note_record(writer: WARCWriter, url: str, fields: dict):
    block = "".join(f"{k}: {' '.join(str(v).split())}\r\n" for k, v in fields.items()).encode("utf-8")
    return writer.create_warc_record(
        url, "metadata", payload=io.BytesIO(block), length=len(block), warc_content_type="application/warc-fields"
    )


def fetch(
    urls: Iterable[str],
    out_warc: str | Path,
    *,
    sitemaps: Iterable[str] = (),
    lists: Iterable[str] = (),
    state_dir: str | Path | None = None,
    options: FetchOptions | None = None,
    **settings,
) -> FetchSummary:
    """Crawl ``urls`` (articles), ``sitemaps`` and ``lists`` into ``out_warc``.

    ``settings`` override fields of ``options`` (``rate_per_host=2``);
    ``state_dir`` defaults to ``<out_warc>.state``.
    """
    options = replace(options or FetchOptions(), **settings)
    path = Path(out_warc)
    archive = Archive(path, Path(state_dir) if state_dir else path.with_name(path.name + ".state"), options)
    crawler = Crawler(options)
    crawler.done = archive.done
    summary = FetchSummary()
    started = time.monotonic()
    frontier = deque([*(Task(u, "sitemap") for u in sitemaps), *(Task(u, "list") for u in lists), *map(Task, urls)])
    try:
        _crawl(crawler, archive, frontier, summary)
    finally:
        archive.close()
        summary.seconds = time.monotonic() - started
    return summary


def _crawl(crawler: Crawler, archive: Archive, frontier: deque, summary: FetchSummary) -> None:
    options = crawler.options
    seen: set[str] = set()
    budget = {"page": options.max_pages, "list": options.max_list_pages, "sitemap": options.max_pages}
    in_flight: dict[Future, Task] = {}
    with ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
        while frontier or in_flight:
            while frontier and len(in_flight) < 2 * max(1, options.concurrency):
                task = frontier.popleft()
                task = replace(task, url=urldefrag(task.url.strip())[0])
                if (task.kind, task.url) in seen or budget[task.kind] <= 0:
                    continue
                seen.add((task.kind, task.url))
                if task.kind == "page" and task.url in crawler.done:
                    summary.skipped += 1
                    continue
                if not task.url.startswith(("http://", "https://")):
                    summary.outcomes["bad-url"] += 1
                    summary.failures.append((task.url, "bad-url: not an http(s) URL"))
                    continue
                budget[task.kind] -= 1
                in_flight[pool.submit(crawler.process, task)] = task
            if not in_flight:
                continue
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                task = in_flight.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # a bug in one task must not lose the crawl
                    detail = f"internal error: {type(error).__name__}: {error}"[:200]
                    outcome = Outcome(task, "internal-error", task.url, detail=detail)
                    outcome.entries.append(("note", task.url, {"outcome": "internal-error", "detail": detail}))
                archive.write(outcome)
                if task.kind == "page" and outcome.outcome not in ("robots-disallowed",):
                    crawler.done.update({task.url, outcome.final_url})
                summary.outcomes[outcome.outcome] += 1
                if outcome.outcome not in QUIET_OUTCOMES:
                    summary.failures.append((task.url, f"{outcome.outcome}: {outcome.detail}".rstrip(": ")))
                frontier.extend(outcome.found)


def read_url_file(path: str) -> list[str]:
    """One URL per line; blank lines and ``#`` comments skipped; ``-`` is stdin."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``zhnews fetch``."""
    parser.add_argument("urls", nargs="*", help="article URLs")
    parser.add_argument(
        "--url-file", "-i", action="append", default=[], help="file of URLs, one per line (- for stdin)"
    )
    parser.add_argument("--sitemap", action="append", default=[], help="sitemap or sitemap index URL (.xml, .xml.gz)")
    parser.add_argument("--list", action="append", default=[], dest="lists", help="list page URL (with --follow)")
    parser.add_argument("--follow", help="regex: links on list pages that are articles")
    parser.add_argument("--next", help="regex on a link's URL or text: the next list page (e.g. 下一页)")
    parser.add_argument("--max-list-pages", type=int, default=50, help="list pages read at most (default: 50)")
    parser.add_argument("--max-pages", type=int, default=100_000, help="article URLs fetched at most (default: 100000)")
    parser.add_argument("--out", "-o", required=True, help="WARC file to write (.warc.gz); a re-run resumes it")
    parser.add_argument("--state", help="state directory (default: OUT.state)")
    parser.add_argument("--rate", type=float, default=1.0, help="requests per second per host (default: 1)")
    parser.add_argument("--concurrency", "-j", type=int, default=4, help="requests in flight (default: 4)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for a server (default: 20)")
    parser.add_argument("--max-mb", type=float, default=5.0, help="largest page fetched, MB (default: 5)")
    parser.add_argument("--retries", type=int, default=3, help="retries on 429/5xx/timeouts (default: 3)")
    parser.add_argument("--backoff", type=float, default=1.0, help="first retry wait in seconds, doubled (default: 1)")
    parser.add_argument("--user-agent", default=USER_AGENT, help=f"User-Agent (default: {USER_AGENT})")
    parser.add_argument("--quiet", "-q", action="store_true", help="no line per failed URL")


def cmd_fetch(args: argparse.Namespace) -> int:
    urls = list(args.urls)
    try:
        for file in args.url_file:
            urls += read_url_file(file)
        options = FetchOptions(
            rate_per_host=args.rate,
            concurrency=args.concurrency,
            timeout=args.timeout,
            max_bytes=int(args.max_mb * 1024 * 1024),
            retries=args.retries,
            backoff=args.backoff,
            max_pages=args.max_pages,
            max_list_pages=args.max_list_pages,
            follow=args.follow,
            next=args.next,
            user_agent=args.user_agent,
        )
        if (args.follow or args.next) and not args.lists:
            raise FetchError("--follow and --next need a --list URL")
        if not (urls or args.sitemap or args.lists):
            raise FetchError("nothing to fetch: give URLs, --url-file, --sitemap or --list")
        summary = fetch(urls, args.out, sitemaps=args.sitemap, lists=args.lists, state_dir=args.state, options=options)
    except (FetchError, OSError, re.error) as error:
        print(f"zhnews: fetch: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        for url, reason in summary.failures:
            print(f"zhnews: {url}: {reason}", file=sys.stderr)
    print(f"zhnews: fetch: {summary.line()} -> {args.out}", file=sys.stderr)
    return 1 if summary.failures else 0
