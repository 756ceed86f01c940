"""``zhnews fetch`` against a local site on 127.0.0.1: every behaviour is checked.

The site (``http.server`` on port 0 in a thread) serves a GBK page (charset
in the header only), a UTF-8 page (meta charset only), a robots.txt that
disallows ``/private/``, a 429-then-200 page with ``Retry-After``, a 500, a
redirect chain, a page slower than the timeout, oversized pages (declared
and undeclared length), an image, a sitemap index with a gzipped sitemap,
and endless list pages.  Waits are kept tiny through the options, so the
whole file runs in a few seconds and touches no network.
"""

from __future__ import annotations

import argparse
import gzip
import json
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.api import process_documents
from pipeline.collect.fetch import (
    USER_AGENT,
    FetchError,
    add_fetch_arguments,
    cmd_fetch,
    fetch,
    parse_sitemap,
)
from pipeline.read import read_inputs
from pipeline.read.warc import read_warc
from pipeline.types import ReadError, Record

FAST = {
    "rate_per_host": 500.0,
    "timeout": 1.0,
    "retries": 2,
    "backoff": 0.01,
    "max_wait": 0.3,
    "max_bytes": 20_000,
    "concurrency": 4,
}
SLOW_SECONDS = 2.5

ARTICLE = (
    "<html><head>{meta}<title>{place}人大代表联络站开展“代表有约”活动</title></head><body>"
    "<div class='nav'>首页 | 新闻</div><div class='article'>"
    "<p>本报讯 近日，{place}人大代表联络站开展“代表有约”主题活动，{n}名区人大代表走进社区，面对面听取居民意见建议。</p>"
    "<p>活动现场共收集意见建议{m}条，涉及老旧小区改造、停车难等问题，已转交区住房和城乡建设局、区交通运输局等部门办理。</p>"
    "<p>截至目前，已办结{k}件，群众满意率明显提升。</p></div></body></html>"
)
PLACES = ["东湖街道", "西城街道", "南山镇", "北塘社区", "青山街道", "白云镇", "石桥街道", "柳林社区", "金沙街道"]


def article(i: int, meta: str = "") -> str:
    return ARTICLE.format(meta=meta, place=PLACES[i % len(PLACES)], n=i + 3, m=10 + i, k=i + 1)


def build_site() -> dict[str, tuple[int, list[tuple[str, str]], bytes]]:
    """Path -> (status, headers, body) for the static part of the site."""
    html = [("Content-Type", "text/html; charset=utf-8")]
    site = {
        "/robots.txt": (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow: /private/\n"),
        "/gbk.html": (200, [("Content-Type", "text/html; charset=GBK")], article(0).encode("gbk")),
        "/utf8.html": (200, [("Content-Type", "text/html")], article(1, '<meta charset="utf-8">').encode()),
        "/private/secret.html": (200, html, article(2).encode()),
        "/error": (500, html, b"<html><body>Internal Server Error</body></html>"),
        "/redirect1": (302, [("Location", "/redirect2")], b""),
        "/redirect2": (301, [("Location", "http://{host}/page.html")], b""),
        "/page.html": (200, html, article(3).encode()),
        "/big": (200, html, b"<p>" + "大".encode() * 10_000 + b"</p>"),
        "/image.png": (200, [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
    }
    for i in range(1, 4):
        site[f"/news/a{i}.html"] = (200, html, article(3 + i).encode())
    index = '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    index += "<sitemap><loc>http://{host}/sitemap1.xml.gz</loc></sitemap></sitemapindex>"
    site["/sitemap_index.xml"] = (200, [("Content-Type", "application/xml")], index.encode())
    urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    urlset += (
        "<url><loc>http://{host}/news/a1.html</loc></url><url><loc>http://{host}/news/a2.html</loc></url></urlset>"
    )
    site["/sitemap1.xml.gz"] = (200, [("Content-Type", "application/x-gzip")], urlset.encode())
    return site


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (the timeout test) breaks the pipe: expected


class Site:
    """The local server, what it served, and who asked when."""

    def __init__(self) -> None:
        self.pages = build_site()
        self.hits: Counter = Counter()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.agents: set[str] = set()
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site.serve(self)

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def body(self, path: str) -> bytes:
        body = self.pages[path][2]
        body = body.replace(b"{host}", self.host.encode())
        return gzip.compress(body) if path.endswith(".gz") else body

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self.lock:
            self.hits[path] += 1
            self.times[path].append(time.monotonic())
            self.agents.add(handler.headers.get("User-Agent", ""))
            hit = self.hits[path]
        if path == "/flaky" and hit == 1:
            return self.send(handler, 429, [("Retry-After", "1")], b"slow down")
        if path == "/flaky":
            return self.send(handler, 200, [("Content-Type", "text/html; charset=utf-8")], article(8).encode())
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            return self.send(handler, 200, [("Content-Type", "text/html")], b"<p>late</p>")
        if path == "/big-stream":  # no Content-Length: the reader must stop on its own
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.end_headers()
            handler.wfile.write(b"<p>" + b"x" * 50_000)
            return None
        if path.startswith("/list/"):
            n = int(path.rsplit("/", 1)[1].split(".")[0])
            links = f'<a href="/news/a{min(n, 3)}.html">新闻</a><a href="/list/{n + 1}.html">下一页</a>'
            return self.send(
                handler, 200, [("Content-Type", "text/html")], f"<html><body>{links}</body></html>".encode()
            )
        if path not in self.pages:
            return self.send(handler, 404, [("Content-Type", "text/html")], b"not found")
        status, headers, _ = self.pages[path]
        headers = [(k, v.replace("{host}", self.host)) for k, v in headers]
        return self.send(handler, status, headers, self.body(path))

    @staticmethod
    def send(handler: BaseHTTPRequestHandler, status: int, headers: list, body: bytes) -> None:
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture(scope="module")
def site():
    server = Site()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


PATHS = [
    "/gbk.html", "/utf8.html", "/private/secret.html", "/flaky", "/error", "/redirect1",
    "/slow", "/big", "/big-stream", "/image.png", "/missing.html#frag",
]  # fmt: skip


@pytest.fixture(scope="module")
def crawl(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("crawl") / "crawl.warc.gz"
    started = time.monotonic()
    summary = fetch(
        [site.url(p) for p in PATHS],
        out,
        sitemaps=[site.url("/sitemap_index.xml")],
        lists=[site.url("/list/1.html")],
        follow=r"/news/a\d+\.html$",
        next="下一页",
        max_list_pages=3,
        **FAST,
    )
    return out, summary, time.monotonic() - started


def warc_records(path) -> list[tuple[str, str, str, str]]:
    """(type, url, HTTP status or note outcome, content type) per record."""
    rows = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            status = record.http_headers.get_statuscode() if record.http_headers else ""
            if record.rec_type == "metadata":
                block = record.content_stream().read().decode("utf-8", errors="replace")
                status = block.split("\r\n", 1)[0].replace("outcome: ", "")
            rows.append((record.rec_type, url, status, record.content_type))
    return rows


def test_every_request_names_the_crawler_and_robots_is_read_once(site, crawl):
    assert site.agents == {USER_AGENT}
    assert site.hits["/robots.txt"] == 1


def test_robots_disallowed_path_is_never_requested_but_noted(site, crawl):
    out, summary, _ = crawl
    assert site.hits["/private/secret.html"] == 0
    assert (
        "metadata",
        site.url("/private/secret.html"),
        "robots-disallowed",
        "application/warc-fields",
    ) in warc_records(out)
    assert summary.outcomes["robots-disallowed"] == 1


def test_429_is_retried_after_the_retry_after_wait(site, crawl):
    out, _, _ = crawl
    assert site.hits["/flaky"] == 2
    first, second = site.times["/flaky"]
    assert second - first >= FAST["max_wait"] * 0.9  # Retry-After: 1, capped; backoff alone is 0.01
    rows = [r for r in warc_records(out) if r[1] == site.url("/flaky")]
    # warcio writes a pair response first, then the request that points to it
    assert [r[:3] for r in rows] == [("metadata", site.url("/flaky"), "retry"), ("response", site.url("/flaky"), "200"),
                                     ("request", site.url("/flaky"), "/flaky")]  # fmt: skip


def test_500_is_retried_then_archived_as_an_error_page(site, crawl):
    out, summary, _ = crawl
    assert site.hits["/error"] == FAST["retries"] + 1
    assert summary.outcomes["http-500"] == 1
    errors = [i for i in read_warc(str(out)) if isinstance(i, ReadError)]
    assert (site.url("/error"), "HTTP status 500") in [(e.source.url, e.reason) for e in errors]


def test_redirect_chain_archives_each_hop_and_the_page(site, crawl):
    out, _, _ = crawl
    hops = [(r[1].rsplit("/", 1)[1], r[2]) for r in warc_records(out) if r[0] == "response" and "redirect" in r[1]]
    assert hops == [("redirect1", "302"), ("redirect2", "301")]
    assert ("response", site.url("/page.html"), "200", "application/http; msgtype=response") in warc_records(out)
    assert site.hits["/page.html"] == 1


def test_slow_page_times_out_and_is_noted(site, crawl):
    out, summary, seconds = crawl
    assert summary.outcomes["timeout"] == 1
    assert site.hits["/slow"] == FAST["retries"] + 1
    assert [r[0] for r in warc_records(out) if r[1] == site.url("/slow")] == ["metadata"] * (FAST["retries"] + 1)
    assert seconds < 10


@pytest.mark.parametrize("path", ["/big", "/big-stream"])
def test_oversized_page_is_refused_and_noted(site, crawl, path):
    out, _, _ = crawl
    rows = [r for r in warc_records(out) if r[1] == site.url(path)]
    assert rows == [("metadata", site.url(path), "too-large", "application/warc-fields")]
    assert site.hits[path] == 1


def test_wrong_content_type_is_refused_and_noted(site, crawl):
    out, summary, _ = crawl
    assert [r[2] for r in warc_records(out) if r[1] == site.url("/image.png")] == ["bad-type"]
    assert summary.outcomes["bad-type"] == 1


def test_sitemap_index_leads_through_the_gzipped_sitemap_to_its_pages(site, crawl):
    out, _, _ = crawl
    assert site.hits["/sitemap_index.xml"] == site.hits["/sitemap1.xml.gz"] == 1
    assert site.hits["/news/a1.html"] == site.hits["/news/a2.html"] == 1  # also linked from list pages: fetched once
    navs = {r[1].rsplit("/", 1)[1] for r in warc_records(out) if r[0] == "metadata" and r[2].startswith("HTTP/")}
    assert {"robots.txt", "sitemap_index.xml", "sitemap1.xml.gz", "1.html", "2.html", "3.html"} == navs


def test_list_pages_follow_articles_and_stop_at_the_page_limit(site, crawl):
    assert [site.hits[f"/list/{n}.html"] for n in range(1, 5)] == [1, 1, 1, 0]
    assert site.hits["/news/a3.html"] == 1


def test_fragment_is_dropped_and_404_is_archived(site, crawl):
    out, summary, _ = crawl
    assert site.hits["/missing.html"] == 1
    assert summary.outcomes["http-404"] == 1
    assert ("response", site.url("/missing.html"), "404") in [r[:3] for r in warc_records(out)]


def test_summary_counts_every_url(crawl):
    _, summary, _ = crawl
    assert summary.outcomes == Counter(
        {"ok": 7, "nav": 5, "robots-disallowed": 1, "http-500": 1, "http-404": 1, "timeout": 1, "too-large": 2,
         "bad-type": 1}
    )  # fmt: skip


def _key(record: Record) -> tuple:
    counts = [(c.value, c.unit, c.text) for c in record.counts]
    departments = [(d.mention, d.name, d.function) for d in record.departments]
    return record.text, record.title, counts, departments


def test_processing_the_warc_gives_the_records_of_the_saved_pages(site, crawl, tmp_path):
    out, _, _ = crawl
    saved = tmp_path / "saved"
    saved.mkdir()
    ok = [p for p in site.pages if p.endswith(".html") and not p.startswith("/private/")] + ["/flaky"]
    for path in ok:
        body = site.body(path) if path != "/flaky" else article(8).encode()
        (saved / (path.strip("/").replace("/", "_") + ".html")).write_bytes(body)
    from_saved = [r for r in process_documents(read_inputs([str(saved)])) if isinstance(r, Record)]
    from_warc = [r for r in process_documents(read_warc(str(out))) if isinstance(r, Record)]
    assert len(from_saved) == len(ok) == 7
    assert sorted(map(_key, from_warc)) == sorted(map(_key, from_saved))
    assert all(r.counts and r.departments for r in from_warc)
    assert {r.source.url for r in from_warc} == {site.url(p) for p in ok}


def test_a_rerun_skips_fetched_urls_and_repairs_a_torn_archive(site, tmp_path):
    out = tmp_path / "crawl.warc"
    before = site.hits["/news/a1.html"]
    first = fetch([site.url("/news/a1.html")], out, **FAST)
    assert first.outcomes["ok"] == 1
    with open(out, "ab") as stream:  # a crash in the middle of writing a record
        stream.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999\r\n\r\n<html>")
    second = fetch([site.url("/news/a1.html"), site.url("/news/a2.html"), site.url("/news/a2.html")], out, **FAST)
    assert second.skipped == 1 and second.outcomes["ok"] == 1
    assert site.hits["/news/a1.html"] == before + 1
    items = list(read_warc(str(out)))
    assert all(not isinstance(i, ReadError) for i in items)
    assert [i.source.url for i in items] == [site.url("/news/a1.html"), site.url("/news/a2.html")]
    state = [json.loads(line) for line in (tmp_path / "crawl.warc.state" / "fetched.jsonl").read_text().splitlines()]
    assert [s.get("url") for s in state] == [None, site.url("/news/a1.html"), site.url("/news/a2.html")]


def test_a_rerun_tries_transient_failures_again(site, tmp_path):
    out = tmp_path / "crawl.warc.gz"
    before = site.hits["/error"]
    urls = [site.url("/error"), site.url("/news/a3.html")]
    fetch(urls, out, **{**FAST, "retries": 0})
    again = fetch(urls, out, **{**FAST, "retries": 0})
    assert again.skipped == 1 and again.outcomes == Counter({"http-500": 1})
    assert site.hits["/error"] == before + 2


def test_an_archive_without_its_state_is_not_overwritten(tmp_path):
    out = tmp_path / "old.warc.gz"
    out.write_bytes(b"something")
    with pytest.raises(FetchError, match="no record of it"):
        fetch(["http://127.0.0.1:9/"], out, **FAST)
    assert out.read_bytes() == b"something"


def test_sitemap_parser_ignores_image_locations():
    xml = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">'
        b"<url><loc>http://a.cn/1.html</loc><image:image><image:loc>http://a.cn/1.jpg</image:loc></image:image></url>"
        b"</urlset>"
    )
    assert parse_sitemap(xml) == (["http://a.cn/1.html"], [])
    with pytest.raises(ValueError, match="entities"):
        parse_sitemap(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><urlset>&a;</urlset>')


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="zhnews fetch")
    add_fetch_arguments(parser)
    return cmd_fetch(parser.parse_args(argv))


def test_cli_reads_a_url_file_and_then_zhnews_run_reads_the_archive(site, tmp_path, capsys):
    from pipeline.cli import main

    urls = tmp_path / "urls.txt"
    urls.write_text(f"# articles\n{site.url('/gbk.html')}\n\n{site.url('/utf8.html')}\n", encoding="utf-8")
    out = tmp_path / "c.warc.gz"
    fast = ["--rate", "500", "--timeout", "1", "--backoff", "0.01", "-q"]
    assert _cli(["--url-file", str(urls), "--out", str(out), *fast]) == 0
    assert "2 URLs (ok 2), 0 skipped" in capsys.readouterr().err
    assert _cli([site.url("/error"), "--out", str(out), "--retries", "0", *fast]) == 1
    assert _cli(["--follow", "x", "--out", str(out)]) == 1
    assert "need a --list URL" in capsys.readouterr().err
    assert main(["run", str(out), "--out", str(tmp_path / "run"), "--format", "jsonl", "--workers", "1", "-q"]) == 0
    articles = [json.loads(line) for line in (tmp_path / "run" / "articles.jsonl").read_text().splitlines()]
    assert len(articles) == 2
