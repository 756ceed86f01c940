"""Find and repair mojibake: text that went through a broken GBK/UTF-8 round trip.

Two kinds are seen in Chinese news copies:

* **UTF-8 read as GBK**: each 3-byte UTF-8 character becomes one and a half
  GBK characters (人大代表 → 浜哄ぇ浠ｈ〃), a byte that makes no GBK pair
  becomes U+FFFD or ``?``.  Encoding the run back to GBK gives the UTF-8
  bytes again; where a byte was lost only the character holding it is lost.
* **GBK bytes out of step**: a byte was dropped or inserted in a GBK stream,
  so the following bytes pair up wrongly until the next ASCII byte resyncs
  them (。”斯凱孚 → ?!彼箘P孚: the ``?`` is the orphaned byte, ！ came
  out of a wrong pair and was made half-width).  Shifting the run's bytes by
  one byte gives the intended characters back, except the two at its edges,
  whose other byte is lost; such a character is restored only when an
  inline pinyin annotation right after it names a single candidate
  (``鶕?jù)`` → ``根據(jù)``: the lead byte 0x93 with reading jù is 據).

A repair is kept only when the bytes prove it: the run re-decodes cleanly
(apart from the lost bytes) into characters that are far more common than the
run itself.  Lost characters stay ``?`` and the passage is counted as damaged.
Where no repair is proven, a ``?`` or U+FFFD inside Chinese text next to rare
characters is reported as a damaged span and left as it is: nothing is
guessed.

Speed: one compiled regex over the whole text finds the seeds (U+FFFD, a
``?`` touching a Han character, characters that are rare in Chinese but
typical of mojibake); only the few windows around seeds get more work.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.clean.edits import Edit
from pipeline.read.decode import HAN_RE, load_char_weights, to_simplified

KIND = "mojibake"
KIND_REPAIRED = "mojibake_repaired"
KIND_PARTIAL = "mojibake_partial"  # repaired except characters whose bytes are lost (left as ?)

RARE_WEIGHT = 2.5  # log10 jieba weight below which a character is rare (names can be rare too)
PLAUSIBLE_WEIGHT = 4.0  # mean weight a repair's characters must reach
GAIN = 1.5  # how much more common the repair must be than the damaged run
WINDOW_REACH = 80  # characters looked at on each side of a seed
WHOLE_SHARE = 0.3  # share of mojibake-typical characters that makes a whole document suspect

_LOST = "?\ufffd"
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# a pinyin annotation whose "(" was eaten with the lost byte: "?jù)"
_EATEN_PAREN_RE = re.compile(rf"[{_PINYIN_LETTERS}]{{1,7}}\)")
# what a damaged window is made of: non-ASCII non-space characters, lost
# markers, punctuation a farm made half-width, pinyin annotations
_WINDOW_RE = re.compile(rf"(?:[^\x00-\x7f\s]|[?!,;:]|\(?[{_PINYIN_LETTERS}]{{1,7}}\))+")
# after a lost byte: a run of double-byte characters up to ASCII or another lost byte
# (€ is how Windows code page 936 shows a lone 0x80-ish byte)
_SHIFTED_RUN_RE = re.compile(rf"\?((?:[{_PINYIN_LETTERS}]{{1,7}}\))?)([!,;:]?[^\x00-\x7f?\ufffd€]+)")
_FULL_WIDTH = {"!": "！", ",": "，", ";": "；", ":": "："}


def load_seed_re() -> re.Pattern[str]:
    """The regex that says where mojibake may start (see ``load_seed_res``)."""
    return load_seed_res()[0]


@lru_cache(maxsize=1)
def load_seed_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Where mojibake may start, and the characters such a place starts at or just before.

    Rare characters are the GBK characters (traditional ones through t2s)
    with a jieba weight under ``RARE_WEIGHT``, plus private-use characters.
    Every seed starts at a character of the second regex (U+FFFD, ``?``, a
    rare or an odd character) or one before it (a Han character before an
    odd one), so ``search_seed`` scans for that one character class and
    tries the seed regex only there: a single class runs at scan speed, the
    alternation at each position does not.
    """
    weights = load_char_weights()
    gbk = bytes(b for lead in range(0x81, 0xFF) for trail in range(0x40, 0xFF) if trail != 0x7F for b in (lead, trail))
    chars = "".join(sorted(set(gbk.decode("gb18030", "ignore"))))
    chars = "".join(c for c in chars if HAN_RE.match(c))
    simplified = to_simplified(chars)
    rare = "".join(c for c, s in zip(chars, simplified, strict=False) if weights.get(s, 0.0) < RARE_WEIGHT)
    rare_class = "".join(re.escape(c) for c in rare)
    han = r"\u3400-\u4dbf\u4e00-\u9fff"
    # kana and full-width letters touching Han: typical of UTF-8 read as GBK (浜哄ぇ浠ｈ〃)
    odd = r"\u3040-\u30ff\uff21-\uff5a"
    # A single rare character is usually part of a name; mojibake comes in
    # clusters, so a seed is two rare characters at most one apart.
    rare = rf"[{rare_class}\ue000-\uf8ff]"
    # A "?" is a lost byte only with other signs of damage around it (Chinese
    # questions end in "?" here too): a pinyin annotation whose "(" it ate,
    # punctuation a shifted pair left behind, or a rare character close by.
    lost = rf"\?[{_PINYIN_LETTERS}]{{1,7}}\)|\?[!,;:]|\?[^\n]{{0,2}}{rare}|{rare}[^\n]{{0,2}}\?"
    seed = re.compile(rf"\ufffd|{rare}[^\x00-\x7f]?{rare}|[{han}][{odd}]|[{odd}][{han}]|{lost}")
    return seed, re.compile(rf"[\ufffd?{rare_class}\ue000-\uf8ff{odd}]")


def search_seed(text: str, pos: int = 0) -> re.Match[str] | None:
    """``load_seed_re().search(text, pos)``, the same match, found faster.

    A match of the seed regex starts at a character of the start class or
    right before one, so only those positions are tried, in order.
    """
    seed, starts = load_seed_res()
    tried = pos - 1
    for hit in starts.finditer(text, pos):
        at = hit.start()
        for begin in (at - 1, at):
            if begin > tried:
                tried = begin
                found = seed.match(text, begin)
                if found is not None:
                    return found
    return None


def find_mojibake(text: str) -> tuple[list[Edit], list[tuple[int, int]]]:
    """Repairs of proven mojibake, and damaged spans that cannot be repaired.

    ``noise.mojibake`` counts both: every damaged passage, repaired or not.

    >>> find_mojibake("人大代表联络站")
    ([], [])
    >>> edits, damaged = find_mojibake("会上" + "人大代表".encode("utf-8").decode("gbk") + "发言。")
    >>> edits[0].replacement
    '人大代表'
    """
    if not text:
        return [], []
    seed = search_seed(text)
    if seed is None:
        return [], []
    whole = repair_whole(text)
    if whole is not None:
        return [whole], []
    edits: list[Edit] = []
    damaged: list[tuple[int, int]] = []
    pos = 0
    while seed is not None:
        start, end = find_window(text, seed.start())
        if end <= pos:
            seed = search_seed(text, seed.end())
            continue
        start = max(start, pos)
        found, lost = repair_window(text, start, end)
        edits.extend(found)
        damaged.extend(lost)
        pos = end
        seed = search_seed(text, end)
    return edits, damaged


def find_window(text: str, at: int) -> tuple[int, int]:
    """The stretch of non-ASCII text, lost markers and annotations around ``at``."""
    lo = max(0, at - WINDOW_REACH)
    for match in _WINDOW_RE.finditer(text, lo, min(len(text), at + WINDOW_REACH)):
        if match.start() <= at < match.end():
            return match.span()
    return at, at + 1


def repair_window(text: str, start: int, end: int) -> tuple[list[Edit], list[tuple[int, int]]]:
    """Try the UTF-8-as-GBK repair, then the out-of-step GBK repair; else mark lost bytes.

    A window holding only rare characters and no lost byte is left alone:
    rare characters in names are legitimate.
    """
    window = text[start:end]
    edits = [shift(e, start) for e in repair_utf8_as_gbk(window)]
    if not edits:
        edits = repair_shifted_gbk(text, start, end)
    damaged = []
    covered = [(e.start, e.end) for e in edits]
    for match in re.finditer(r"[?\ufffd]+", window):
        a, b = match.start() + start, match.end() + start
        if any(s <= a < e for s, e in covered):
            continue
        if is_damage(text, a, b):
            damaged.append((a, b))
    return edits, merge_spans(damaged)


def is_damage(text: str, start: int, end: int) -> bool:
    """A U+FFFD always is; a ``?`` only next to a rare character or an eaten-paren annotation.

    A question mark after a Han character is often just a half-width ？
    (为何火了?), so it needs a second sign.
    """
    if "\ufffd" in text[start:end]:
        return True
    weights = load_char_weights()
    near = to_simplified(text[max(0, start - 2) : end + 2])
    rare = any(HAN_RE.match(c) and weights.get(c, 0.0) < RARE_WEIGHT for c in near)
    out_of_step = text.startswith("!?", end) or text.startswith(",?", end)  # 。”→?!?
    return rare or out_of_step or _EATEN_PAREN_RE.match(text, end) is not None


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join damaged spans that are at most 4 characters apart into one passage."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a - merged[-1][1] <= 4:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def shift(edit: Edit, offset: int) -> Edit:
    return edit._replace(start=edit.start + offset, end=edit.end + offset)


def mean_weight(text: str) -> float:
    """Mean log10 frequency of the Han characters (traditional through t2s); 0 if none."""
    han = HAN_RE.findall(to_simplified(text))
    if not han:
        return 0.0
    weights = load_char_weights()
    return sum(weights.get(c, 0.0) for c in han) / len(han)


def is_plausible(repaired: str, damaged: str) -> bool:
    """The repair reads as Chinese and is much more common than what it replaces."""
    good = repaired.replace("?", "")
    if len(HAN_RE.findall(good)) < 2:
        return False
    score = mean_weight(good)
    return score >= PLAUSIBLE_WEIGHT and score >= mean_weight(damaged) + GAIN


# -- UTF-8 read as GBK -------------------------------------------------------


def gbk_bytes(chars: str) -> bytes | None:
    """GBK bytes of the characters: a lost marker as 0xFF (never valid in UTF-8), € as 0x80.

    € is code page 936's 0x80, which GB18030 would encode as two bytes.
    """
    marked = chars.translate(_MARK_TABLE)
    try:
        data = marked.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return data.replace(b"\x00", b"\xff").replace(b"\x01", b"\x80")


_MARK_TABLE = str.maketrans({"?": "\x00", "\ufffd": "\x00", "€": "\x01"})


def gbk_offsets(window: str) -> tuple[bytes, list[int], list[int]]:
    """The window's GBK bytes once, where each character's bytes start, and where the next unencodable one is.

    GB18030 is stateless, so ``gbk_bytes(window[i:j])`` is
    ``data[starts[i]:starts[j]]`` whenever ``j <= stop[i]`` (no character in
    between fails to encode: a lone surrogate), and None otherwise.
    """
    pieces = [gbk_bytes(c) for c in window]
    starts = [0]
    stop = [len(window)] * (len(window) + 1)
    for piece in pieces:
        starts.append(starts[-1] + (len(piece) if piece is not None else 0))
    for k in range(len(window) - 1, -1, -1):
        stop[k] = k if pieces[k] is None else stop[k + 1]
    return b"".join(p for p in pieces if p is not None), starts, stop


def decode_utf8_lost(data: bytes) -> str | None:
    """UTF-8 with lost bytes (0xFF): each damaged character becomes one ``?``; None if other bytes are bad.

    Between two lost bytes the bytes must be UTF-8, except for the broken
    character's remaining bytes right next to a lost byte.
    """
    pieces = data.split(b"\xff")
    out = []
    for k, piece in enumerate(pieces):
        if k > 0:
            piece = _drop_head(piece)
        if k < len(pieces) - 1:
            piece = _drop_tail(piece)
        try:
            out.append(piece.decode("utf-8"))
        except UnicodeDecodeError:
            return None
    return "?".join(out)


def _drop_head(piece: bytes) -> bytes:
    """Continuation bytes (at most 2) at the start belong to a character whose lead is lost."""
    n = 0
    while n < min(2, len(piece)) and 0x80 <= piece[n] <= 0xBF:
        n += 1
    return piece[n:]


def _drop_tail(piece: bytes) -> bytes:
    """An incomplete character (lead and at most 1 continuation) at the end lost its last byte."""
    for n in (1, 2):
        if len(piece) >= n and piece[-n] >= 0xC0:
            return piece[:-n]
    return piece


def repair_whole(text: str) -> Edit | None:
    """A whole document of UTF-8 read as GBK, repaired in one go when the round trip is clean.

    Only tried when many characters are GBK pairs with a UTF-8 lead byte,
    so ordinary text pays one count.
    """
    if len(text) < 20:
        return None
    han = HAN_RE.findall(text[:5000])
    if len(han) < 10:
        return None
    typical = len(load_typical_re().findall("".join(han)))
    if typical < len(han) * WHOLE_SHARE:
        return None
    data = gbk_bytes(text)
    repaired = decode_utf8_lost(data) if data is not None else None
    if repaired is None or not is_plausible(repaired[:5000], text[:5000]):
        return None
    return Edit(0, len(text), repaired, KIND_REPAIRED if "?" not in repaired else KIND_PARTIAL)


@lru_cache(maxsize=1)
def load_typical_re() -> re.Pattern[str]:
    """Han characters whose first GB18030 byte is a UTF-8 lead of Chinese text (0xE3-0xEF).

    Built once from the codec, so counting them is one regex call.
    """
    ranges = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F)]
    chars = (chr(c) for lo, hi in ranges for c in range(lo, hi + 1))
    typical = [c for c in chars if HAN_RE.match(c) and 0xE3 <= c.encode("gb18030")[0] <= 0xEF]
    return re.compile("[" + "".join(typical) + "]")


def repair_utf8_as_gbk(window: str) -> list[Edit]:
    """Longest runs of the window whose GBK bytes are UTF-8 of plausible Chinese.

    A run starts at a character whose first GBK byte can start a UTF-8
    character of Chinese text (0xE2-0xEF) or at a lost marker.  The window is
    encoded once; for each start only the ends that its bytes allow (see
    ``utf8_reach``) are decoded and scored.
    """
    edits: list[Edit] = []
    data, starts, stop = gbk_offsets(window)
    i = 0
    n = len(window)
    while i < n - 1:
        found = None
        first = window[i]
        a = starts[i]
        if first in _LOST or (not first.isascii() and stop[i] > i and 0xE2 <= data[a] <= 0xEF):
            allowed = utf8_reach(data, a)
            for j in range(min(n, stop[i]), i + 1, -1):
                if not allowed(starts[j]):
                    continue
                repaired = decode_utf8_lost(data[a : starts[j]])
                if repaired is not None and is_plausible(repaired, window[i:j]):
                    while (
                        j - i > 2
                        and window[j - 1] not in _LOST
                        and decode_utf8_lost(data[a : starts[j - 1]]) == repaired
                    ):
                        j -= 1  # a real character after the lost byte: keep it (建?。 not 建?)
                    found = Edit(i, j, repaired, KIND_REPAIRED if "?" not in repaired else KIND_PARTIAL)
                    break
        if found is None:
            i += 1
            continue
        edits.append(found)
        i = found.end
    return edits


def utf8_reach(data: bytes, start: int):  # type: ignore[no-untyped-def]
    """A test on byte ends ``b``: False only where ``decode_utf8_lost(data[start:b])`` is surely None.

    The bytes split at lost markers (0xFF) into pieces.  A piece that fails as
    an inner piece (head and tail trimmed) fails every longer slice; inside
    the last piece, a UTF-8 error that is not "unexpected end of data" fails
    every end at or past the bytes that show it.  So each piece gives an
    interval of possible ends, and only those are decoded in full.
    """
    intervals: list[tuple[int, int]] = []  # [lo, hi) ranges of b that may decode
    k = 0
    pos = start
    size = len(data)
    while True:
        cut = data.find(b"\xff", pos)
        end = size if cut < 0 else cut
        piece = data[pos:end]
        body_from = pos + (len(piece) - len(_drop_head(piece)) if k > 0 else 0)
        hi = end + 1
        try:
            data[body_from:end].decode("utf-8")
        except UnicodeDecodeError as error:
            if error.reason != "unexpected end of data":
                hi = min(hi, body_from + error.end)
        intervals.append((pos, hi))
        if cut < 0:
            break
        inner = _drop_tail(_drop_head(piece) if k > 0 else piece)
        try:
            inner.decode("utf-8")
        except UnicodeDecodeError:
            break
        pos = cut + 1
        k += 1

    def allowed(b: int) -> bool:
        return any(lo <= b < hi for lo, hi in intervals)

    return allowed


# -- GBK bytes out of step ---------------------------------------------------


def repair_shifted_gbk(window: str, start: int = 0, end: int | None = None) -> list[Edit]:
    """Re-pair the bytes of each run that follows a lost byte, shifted by one.

    A run is the double-byte characters after a ``?`` and maybe an annotation
    that lost its ``(`` (a ``!`` or ``,`` right
    after it stands for the full-width ！ or ，) up to the next ASCII
    character or ``?``.  Its first character's lead byte is the lost one; its
    last character's trail byte is lost too unless the run ends at ASCII that
    resyncs.  A ``?`` followed by ``pinyin)`` ate the annotation's ``(``.
    Runs are looked for in ``window[start:end]``; what follows may lie beyond.
    """
    edits: list[Edit] = []
    for match in _SHIFTED_RUN_RE.finditer(window, start, len(window) if end is None else end):
        lead_annotation, run = match.group(1), match.group(2)
        data = gbk_bytes("".join(_FULL_WIDTH.get(c, c) for c in run))
        if data is None or len(data) != 2 * len(run):
            continue  # a four-byte GB18030 character: not from a GBK stream
        end = match.end()
        annotation = ""
        resync: int | None = None  # the ASCII byte that completed the last pair
        if window.startswith("€", end):
            end += 1  # a lone byte that made no pair: the next pairs are in step again
        elif window.startswith("?", end):
            eaten = _EATEN_PAREN_RE.match(window, end + 1)
            if eaten:
                annotation = eaten.group()
                end = eaten.end()
            else:
                end += 1  # the lost partner of the last byte: shown as ? in the repair
        elif end < len(window) and window[end].isascii() and window[end].isprintable():
            resync = ord(window[end])
            end += 1
        pairs = [None, *data, resync]  # None: a lost byte
        chars = [decode_pair(pairs[k], pairs[k + 1]) for k in range(0, len(pairs) - 1, 2)]
        if chars[-1] is None and annotation and pairs[-2] is not None:
            chars[-1] = resolve_by_reading(pairs[-2], annotation[:-1])
        if annotation:
            chars.append("(" + annotation)
        chars.insert(1, lead_annotation)  # an annotation between the lost byte and the run stays
        repaired = "".join(c if c is not None else "?" for c in chars)
        if not is_plausible(repaired, run):
            continue
        kind = KIND_PARTIAL if None in chars else KIND_REPAIRED
        edits.append(Edit(match.start(), end, repaired, kind))
    return edits


def decode_pair(lead: int | None, trail: int | None) -> str | None:
    """One GBK character from two bytes, None if a byte is lost or the pair is not GBK."""
    if lead is None or trail is None:
        return None
    try:
        char = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


def resolve_by_reading(lead: int, syllable: str) -> str | None:
    """The one everyday GBK character with this lead byte that is read ``syllable``, else None.

    Several rare characters usually share the lead byte and reading (0x93 jù:
    揈 搸 據); the annotation was written for running text, so only a
    character of everyday weight counts, and it must be the only one.

    >>> resolve_by_reading(0x93, "jù")
    '據'
    """
    from pipeline.clean.pinyin import normalize_syllables, readings_of

    wanted = normalize_syllables(syllable)
    weights = load_char_weights()
    found = []
    for trail in range(0x40, 0xFF):
        char = decode_pair(lead, trail)
        if char is not None and wanted in readings_of(char):
            if weights.get(to_simplified(char), 0.0) >= PLAUSIBLE_WEIGHT:
                found.append(char)
    return found[0] if len(found) == 1 else None
