"""Bytes to text: UTF-8, UTF-16/UTF-32 with BOM, GB18030/GBK/GB2312 and Big5.

Chinese news archives mix encodings, and a file rarely says which one it is.
The cascade in ``decode_bytes``:

1. empty input, a BOM (UTF-8, UTF-32, UTF-16: the BOM is removed), binary
   data (NUL bytes or many control bytes: a PNG, a zip, an executable);
2. strict UTF-8, which is C-speed and almost never succeeds by accident on
   GBK or Big5 bytes;
3. otherwise UTF-8 with bad bytes (a file cut inside a character, a stray
   byte), GB18030 (a superset of GBK and GB2312) and Big5-HKSCS are each
   decoded on a sample and scored by how common their Han characters are,
   less a penalty per bad byte.  A Big5 text read as GBK (or the reverse)
   still decodes, but into a jumble of rare characters;
4. ``DecodeError`` with a one-line reason.

How common a character is comes from jieba's word list (each character
weighted by the frequencies of the words it is in; traditional characters
through OpenCC t2s), computed once on first use; no table is shipped.
"""

from __future__ import annotations

import codecs
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple


class DecodeError(ValueError):
    """The bytes are not text in any encoding we read; the message says why."""


class Decoded(NamedTuple):
    text: str
    encoding: str  # codec name as Python spells it: utf-8, gb18030, big5hkscs, ...
    replaced: int  # bytes that did not decode and became U+FFFD


SAMPLE_BYTES = 256 * 1024
MAX_CONTROL_SHARE = 0.05  # control bytes (not tab/newline/CR/FF/ESC) in a sample
MAX_BAD_SHARE = 0.01  # bad bytes a decoding may have and still be accepted
MIN_SCORE = 3.0  # mean log10 weight of the Han characters: right decodings score ~5

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x0b\x1b")
_ESCAPED_RE = re.compile("[\udc80-\udcff]")  # one lone surrogate per bad byte (surrogateescape)
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CANDIDATES = ("utf-8", "gb18030", "big5hkscs")
_PRIVATE_RE = re.compile("[\ue000-\uf8ff]")


def decode_bytes(data: bytes) -> Decoded:
    """Decode a plain-text file's bytes, telling the encoding from the bytes.

    >>> decode_bytes("人大代表".encode("gbk"))
    Decoded(text='人大代表', encoding='gb18030', replaced=0)
    >>> decode_bytes("\\ufeff聯絡站".encode("utf-8")).text
    '聯絡站'
    """
    if not data:
        raise DecodeError("empty input")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return decode_with(data[len(bom) :], codec)
    reject_binary(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 0)
    except UnicodeDecodeError:
        pass
    return decode_best(data)


def decode_with(data: bytes, codec: str) -> Decoded:
    """Decode with one codec, bad bytes replaced by U+FFFD and counted one per byte."""
    text = data.decode(codec, "surrogateescape")
    replaced = len(_ESCAPED_RE.findall(text)) if _ESCAPED_RE.search(text) else 0
    if replaced:
        text = _ESCAPED_RE.sub("\ufffd", text)
    return Decoded(text, codec, replaced)


def reject_binary(data: bytes) -> None:
    """Raise ``DecodeError`` for bytes that are not text (NULs, many control bytes).

    UTF-16 without a BOM is also refused here: it is full of NULs and rare
    in Chinese news archives.
    """
    if b"\x00" in data:
        raise DecodeError("binary data: contains NUL bytes")
    sample = data[:SAMPLE_BYTES]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > len(sample) * MAX_CONTROL_SHARE:
        raise DecodeError(f"binary data: {controls / len(sample):.0%} control bytes")


def decode_best(data: bytes) -> Decoded:
    """Score UTF-8 (with bad bytes), GB18030 and Big5 on a sample; decode all with the best.

    A sample cut inside a character costs every candidate the same one bad
    byte at its end, so the cut does not bias the choice.
    """
    sample = data[:SAMPLE_BYTES]
    scored = [(score_decoding(decode_with(sample, codec)), codec) for codec in _CANDIDATES]
    best_score, codec = max(scored)
    if best_score <= MIN_SCORE:
        raise DecodeError("no encoding fits: not UTF-8, GB18030 or Big5 text")
    decoded = decode_with(data, codec)
    if decoded.replaced > 3 + len(data) * MAX_BAD_SHARE:
        raise DecodeError(f"no encoding fits: {decoded.replaced} bad bytes as {codec}")
    return decoded


def score_decoding(decoded: Decoded) -> float:
    """How much a decoding looks like Chinese text: mean frequency class of its Han characters.

    Each Han character scores the log10 of its weight in jieba's word list
    (traditional characters through their OpenCC simplified form), 0 if
    unknown; each bad byte scores -4 (up to 3 at the very end are a cut
    character and free) and so does each character that no
    Chinese text has (private use, kana and box drawing out of place are rare
    enough to leave to the Han score).  Right decodings of news text average
    about 5; GBK read as Big5 or the reverse averages near 2.
    """
    text = decoded.text.rstrip("\ufffd")
    replaced = decoded.replaced - min(3, len(decoded.text) - len(text))  # a cut last character is free
    han = HAN_RE.findall(text)
    if not han:
        return MIN_SCORE if replaced or _PRIVATE_RE.search(text) else 0.0
    weights = load_char_weights()
    simplified = to_simplified("".join(han))
    total = sum(weights.get(c, 0.0) for c in simplified)
    penalty = 4.0 * (replaced + len(_PRIVATE_RE.findall(text)))
    return (total - penalty) / (len(han) + replaced)


def to_simplified(text: str) -> str:
    """OpenCC t2s, loaded once (only non-UTF-8 input needs it here)."""
    return _load_t2s().convert(text)


@lru_cache(maxsize=1)
def _load_t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def load_char_weights() -> dict[str, float]:
    """log10 frequency of each Han character, from jieba's ``dict.txt``.

    A character's weight is the sum of the frequencies of the words it occurs
    in (jieba's word list: word, frequency, tag), so everyday characters
    score 5 to 7 and rare ones 0 to 2.  Computed once, on first use (~0.5 s).
    """
    import jieba

    counts: dict[str, int] = {}
    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, freq, *_ = line.split(" ")
            count = int(freq)
            for char in word:
                counts[char] = counts.get(char, 0) + count
    return {c: math.log10(n + 1) for c, n in counts.items() if HAN_RE.match(c)}
