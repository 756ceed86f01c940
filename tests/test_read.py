"""Readers: every kind of input becomes Documents, and every bad input a
ReadError with a one-line reason; the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.api import process_paths
from pipeline.read import Columns, read_bytes, read_inputs, read_path
from pipeline.types import Document, ReadError

REPORT = "区人大代表走访企业80余家,收集意见建议110余个,现场解决30余个。"


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16"])
def test_plain_text_in_every_common_encoding(tmp_path, encoding):
    text = REPORT if encoding != "big5" else "區人大代表走訪企業80餘家,收集意見建議110餘個,現場解決30餘個。"
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    document = only(read_path(str(path)))
    assert isinstance(document, Document)
    assert document.text == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4, "binary"),
        (bytes([0x81, 0x30, 0xFE, 0xFF, 0x80, 0x7F] * 200), ""),
    ],
)
def test_bad_bytes_give_a_read_error(data, reason):
    item = only(read_bytes(data, "bad.txt"))
    assert isinstance(item, ReadError)
    assert reason in item.reason
    assert "\n" not in item.reason


def test_a_huge_file_is_refused_with_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(REPORT.encode("utf-8") * (50 * 1024 * 1024 // len(REPORT.encode("utf-8")) + 1))
    item = only(read_path(str(path)))
    assert isinstance(item, ReadError)
    assert "too large" in item.reason and "MB" in item.reason


def test_spam_only_file_is_an_error_row_not_a_silent_drop(tmp_path):
    path = tmp_path / "spam.txt"
    path.write_text("欧美激情综合五月色丁香,国产精品怡红院永久免费\nPHP网站源码 XML地图 TXT地图 虚拟主机 SEO 网站制作 网站优化\n", encoding="utf-8")
    item = only(process_paths([str(path)]))
    assert isinstance(item, ReadError)
    assert "no article text" in item.reason and "spam_lines" in item.reason


def test_html_without_article_is_an_error_row(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><div>Login</div><script>var a=1;</script></body></html>", encoding="utf-8")
    item = only(process_paths([str(path)]))
    assert isinstance(item, ReadError)
    assert "without article" in item.reason


def test_html_page_gives_its_body_text(tmp_path):
    path = tmp_path / "page.html"
    html = f"<html><head><title>标题</title></head><body><div class='nav'>首页 > 新闻</div><p>{REPORT}</p></body></html>"
    path.write_text(html, encoding="utf-8")
    record = only(process_paths([str(path)]))
    assert record.text == REPORT
    assert record.title == "标题"


def test_jsonl_rows_with_configurable_columns_and_a_bad_line(tmp_path):
    path = tmp_path / "export.jsonl"
    rows = [
        json.dumps({"content": REPORT, "link": "http://example.org/a", "day": "2023-07-31"}, ensure_ascii=False),
        "{not json",
        json.dumps({"content": "", "link": "http://example.org/b"}),
        json.dumps({"content": REPORT + "另一篇。", "link": "http://example.org/c"}, ensure_ascii=False),
    ]
    path.write_text("\n".join(rows), encoding="utf-8")
    items = list(read_path(str(path), columns=Columns(text="content", url="link", date="day")))
    assert [type(i).__name__ for i in items] == ["Document", "ReadError", "ReadError", "Document"]
    assert items[0].source.url == "http://example.org/a" and items[0].published == "2023-07-31"
    assert items[1].source.position == 2 and "not JSON" in items[1].reason
    assert "no text in column 'content'" in items[2].reason


def test_csv_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f"title,text,url\n标题一,\"{REPORT}\",http://example.org/1\n标题二,\"{REPORT}\",http://example.org/2\n", encoding="utf-8")
    items = list(read_path(str(path)))
    assert [i.title for i in items] == ["标题一", "标题二"]
    assert all(i.text == REPORT for i in items)


def test_directory_is_read_recursively_in_order_and_non_documents_skipped(tmp_path, capsys):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "README.md").write_text("# notes", encoding="utf-8")
    items = list(read_path(str(tmp_path)))
    assert [i.source.path for i in items] == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "c.txt")]
    assert "skipped 1 file" in capsys.readouterr().err


def test_missing_path_is_an_error():
    item = only(read_path("/nonexistent/zhnews/file.txt"))
    assert isinstance(item, ReadError) and "no such file" in item.reason


def test_one_bad_document_does_not_stop_the_batch(tmp_path):
    (tmp_path / "1.txt").write_bytes(b"")
    (tmp_path / "2.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "3.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    items = list(process_paths([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["ReadError", "Record", "ReadError"]


def test_quoted_globs_are_expanded_in_order(tmp_path):
    for name in ("b.txt", "a.txt", "c.html"):
        (tmp_path / name).write_text(REPORT, encoding="utf-8")
    items = list(read_inputs([str(tmp_path / "*.txt")]))
    assert [Path(i.source.path).name for i in items] == ["a.txt", "b.txt"]
    missing = only(read_inputs([str(tmp_path / "*.warc")]))
    assert isinstance(missing, ReadError) and "no such file" in missing.reason
