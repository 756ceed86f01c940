"""WARC archives: pages become documents, the rest is passed over, damage is an error.

The archives are built in ``tmp_path`` with warcio's own writer (gzipped and
plain), so the tests need no data files and no network.
"""

from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.api import process_documents
from pipeline.read.warc import declared_charset, is_warc_path, read_warc
from pipeline.types import Document, ReadError, Record

PAGE = (
    "<html><head><title>街道人大代表联络站开展“代表有约”活动</title></head><body>"
    "<div class='article'><p>本报讯 近日，某某街道人大代表联络站开展“代表有约”主题活动，"
    "6名区人大代表走进社区，面对面听取居民意见建议。</p>"
    "<p>活动现场共收集意见建议15条，已转交区住建局等部门办理。</p></div></body></html>"
)
GBK_TEXT = "社区人大代表接待选民，收集意见建议十余条，涉及老旧小区改造、停车难等问题。"


def _response(writer, url, body: bytes, content_type: str, status: str = "200 OK"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)


def write_archive(path, *, gzip: bool) -> None:
    """Records 1..7: warcinfo, an HTML page, a GBK text page, an image, a
    redirect, a 404 page, a request."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        writer.write_record(_response(writer, "http://rd.example.cn/a.html", PAGE.encode(), "text/html; charset=utf-8"))
        writer.write_record(
            _response(writer, "http://rd.example.cn/b.txt", GBK_TEXT.encode("gbk"), "text/plain; charset=gbk")
        )
        writer.write_record(_response(writer, "http://rd.example.cn/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"))
        writer.write_record(_response(writer, "http://rd.example.cn/old", b"", "text/html", "301 Moved Permanently"))
        writer.write_record(
            _response(writer, "http://rd.example.cn/gone", b"<html>Not Found</html>", "text/html", "404 Not Found")
        )
        request = StatusAndHeaders("GET /a.html HTTP/1.1", [("Host", "rd.example.cn")], is_http_request=True)
        writer.write_record(writer.create_warc_record("http://rd.example.cn/a.html", "request", http_headers=request))


@pytest.fixture(params=[True, False], ids=["gzip", "plain"])
def archive(request, tmp_path):
    path = tmp_path / ("crawl.warc.gz" if request.param else "crawl.warc")
    write_archive(path, gzip=request.param)
    return path


def test_pages_become_documents_and_the_rest_is_passed_over(archive):
    items = list(read_warc(str(archive)))
    documents = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [d.source.url for d in documents] == ["http://rd.example.cn/a.html", "http://rd.example.cn/b.txt"]
    assert [d.source.position for d in documents] == [2, 3]
    assert [d.kind for d in documents] == ["html", "text"]
    assert documents[1].text == GBK_TEXT and documents[1].encoding == "gb18030"
    assert all(d.source.fetched_at and d.source.fetched_at.endswith("Z") for d in documents)
    assert [(e.source.url, e.reason) for e in errors] == [("http://rd.example.cn/gone", "HTTP status 404")]


def test_round_trip_to_records(archive):
    items = list(process_documents(read_warc(str(archive))))
    records = [i for i in items if isinstance(i, Record)]
    assert len(records) == 2
    page = records[0]
    assert page.source.url == "http://rd.example.cn/a.html"
    assert "代表有约" in page.text and "<p>" not in page.text
    assert any(c.value == 15 for c in page.counts)


def test_truncated_gzip_archive_keeps_earlier_pages_and_says_so(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    write_archive(whole, gzip=True)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-40])
    items = list(read_warc(str(cut)))
    assert [type(i).__name__ for i in items[:2]] == ["Document", "Document"]
    assert isinstance(items[-1], ReadError) and "truncated" in items[-1].reason


def test_truncated_plain_record_is_an_error(tmp_path):
    whole = tmp_path / "whole.warc"
    write_archive(whole, gzip=False)
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: data.index(b"WARC/1.0", data.index(b"b.txt")) - 30])  # inside record 3's body
    items = list(read_warc(str(cut)))
    assert isinstance(items[0], Document)
    assert isinstance(items[1], ReadError) and items[1].reason.startswith("record truncated")
    assert items[1].source.position == 3


def test_garbled_header_ends_the_archive_with_an_error(tmp_path):
    whole = tmp_path / "whole.warc"
    write_archive(whole, gzip=False)
    data = whole.read_bytes()
    boundary = data.index(b"WARC/1.0", data.index(b"b.txt"))  # where record 4 starts
    bad = tmp_path / "bad.warc"
    bad.write_bytes(data[:boundary] + b"NOT A WARC HEADER\r\n" + data[boundary:])
    items = list(read_warc(str(bad)))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "ReadError"]
    assert items[-1].reason.startswith("damaged archive after record 3")


def test_missing_archive_is_an_error(tmp_path):
    (item,) = read_warc(str(tmp_path / "none.warc.gz"))
    assert isinstance(item, ReadError) and item.reason.startswith("cannot read archive")


@pytest.mark.parametrize(
    ("name", "expected"), [("a.warc.gz", True), ("A.WARC", True), ("x.arc.gz", True), ("a.gz", False), ("a.txt", False)]
)
def test_is_warc_path(name, expected):
    assert is_warc_path(name) is expected


def test_declared_charset_widens_gb2312():
    assert declared_charset('text/html; charset="gb2312"') == "gb18030"
    assert declared_charset("text/html; charset=unknown-x") is None
