"""decode_bytes: each encoding, BOMs, damage, refusals, and a 50 MB file."""

from __future__ import annotations

import codecs
import time

import pytest

from pipeline.read.decode import DecodeError, decode_bytes

SIMPLIFIED = "今年以来，街道人大代表联络站共收集群众意见建议123条，已办结110条。代表们表示：“要把好事办好。”"
TRADITIONAL = "今年以來，街道人大代表聯絡站共收集群眾意見建議123條，已辦結110條。代表們表示：「要把好事辦好。」"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le"),
        (codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), TRADITIONAL, "utf-16-be"),
        (SIMPLIFIED.encode("gb2312"), SIMPLIFIED, "gb18030"),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),
        (TRADITIONAL.encode("gbk"), TRADITIONAL, "gb18030"),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030"),
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5hkscs"),
        (b"ascii only", "ascii only", "utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "gb2312", "gbk", "gbk-trad", "gb18030", "big5", "ascii"],
)
def test_decodes(data, text, encoding):
    assert decode_bytes(data) == (text, encoding, 0)


@pytest.mark.parametrize("codec", ["utf-8", "gbk", "big5"])
def test_truncated_last_character(codec):
    data = TRADITIONAL.encode(codec)[:-1]
    decoded = decode_bytes(data)
    assert decoded.text.startswith(TRADITIONAL[:-2])
    assert decoded.replaced >= 1
    assert decoded.text.endswith("\ufffd")


def test_stray_byte_in_utf8_is_replaced_and_counted():
    data = SIMPLIFIED.encode("utf-8") * 5
    cut = len("今年以来，".encode())  # a character boundary
    data = data[:cut] + b"\xff" + data[cut:]
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.replaced == 1
    assert decoded.text.replace("\ufffd", "") == SIMPLIFIED * 5


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
        ("café au lait, crème brûlée".encode("latin-1"), "no encoding fits"),
        (bytes(range(128, 256)) * 10, "no encoding fits"),
    ],
    ids=["empty", "png", "zip", "controls", "latin1", "high-bytes"],
)
def test_refuses(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_executable_is_binary():
    from pathlib import Path

    ls = Path("/bin/ls")
    if not ls.exists():
        pytest.skip("no /bin/ls")
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(ls.read_bytes())


@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_50_mb_file(tmp_path, codec):
    path = tmp_path / "big.txt"
    line = (SIMPLIFIED + "\n").encode(codec)
    path.write_bytes(line * (50_000_000 // len(line)))
    start = time.perf_counter()
    decoded = decode_bytes(path.read_bytes())
    elapsed = time.perf_counter() - start
    assert decoded.encoding == codec and decoded.replaced == 0
    assert decoded.text[: len(SIMPLIFIED)] == SIMPLIFIED
    assert len(decoded.text) == (len(SIMPLIFIED) + 1) * (50_000_000 // len(line))
    assert elapsed < 30  # correctness within a generous bound; UTF-8 takes ~0.1 s here
