"""Chinese and Arabic numerals to exact numbers.

Why not cn2an (shared/LIBRARIES.md): it reads 两三个 as 23, fails on 两千 and
万零三千, and goes through a float (16.4亿 → 1639999999).  Here every value
is built with :class:`decimal.Decimal` and only turned into a float at the
end, so ``16.4亿`` is exactly 1640000000.

Grammar handled (the approximation words 余/多/来/几 are stripped at the end
and left to the caller, which turns them into ``approx``):

- Arabic digits, full-width digits, decimals, thousands separators
  (``1,000``), with 万/亿 (and 千/百/十) multipliers: ``3541.07万``;
- Chinese numerals with 十百千万亿 and 零/〇: ``二十五``, ``一千零八``,
  ``两千``, ``万零三千``, abbreviated tails ``一万五`` (15000);
- digit-by-digit numerals ``二〇二三``;
- ranges: ``两三`` (2, 3), ``三四十`` (30, 40), ``十三四`` (13, 14),
  ``10-15``, ``500万至1000万``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2,
    "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

CN_DIGIT_CHARS = "".join(DIGITS)
CN_UNIT_CHARS = "".join(SMALL_UNITS) + "".join(BIG_UNITS)
APPROX_TAIL_CHARS = "余多来几"
RANGE_SEPARATORS = "-~～—–至到"

FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
ARABIC_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?")
RANGE_RE = re.compile(rf"^(.+?)\s*[{RANGE_SEPARATORS}]\s*(.+)$")
TOKEN_RE = re.compile(rf"{ARABIC_RE.pattern}|[{CN_DIGIT_CHARS}]|[{CN_UNIT_CHARS}]")
BIG_TAIL_RE = re.compile(rf"[{''.join(BIG_UNITS)}]+$")
BIG_UNIT_RE = re.compile(rf"[{''.join(BIG_UNITS)}]")
DIGIT_PAIR_RE = re.compile(rf"([{CN_DIGIT_CHARS}])([{CN_DIGIT_CHARS}])")
DIGIT_RUN_RE = re.compile(rf"[{CN_DIGIT_CHARS}]{{3}}")
DIGITS_ONLY_RE = re.compile(rf"[{CN_DIGIT_CHARS}]{{2,}}")

Number = tuple[float, float | None]


def parse_number(s: str) -> Number | None:
    """Parse a numeral into ``(value, value_max)``; ``value_max`` only for ranges.

    Returns None for anything that is not a numeral.

    >>> parse_number("16.4亿")
    (1640000000.0, None)
    >>> parse_number("两三")
    (2.0, 3.0)
    >>> parse_number("三四十")
    (30.0, 40.0)
    >>> parse_number("一百多")
    (100.0, None)
    """
    parsed = parse_decimal(s)
    if parsed is None:
        return None
    low, high = parsed
    return float(low), None if high is None else float(high)


def parse_decimal(s: str) -> tuple[Decimal, Decimal | None] | None:
    """Like :func:`parse_number` but exact: ``(Decimal, Decimal | None)``."""
    s = s.strip().translate(FULLWIDTH).rstrip(APPROX_TAIL_CHARS)
    if not s:
        return None
    whole = parse_single(s)
    if whole is not None:
        return whole, None
    return parse_range(s)


def parse_range(s: str) -> tuple[Decimal, Decimal] | None:
    """Ranges with a separator (``10-15``, ``500万至1000万``) or adjacent digits (``两三``).

    A multiplier written only on the upper end applies to both ends:
    ``5至10万`` is 50000..100000.
    """
    match = RANGE_RE.match(s)
    if match:
        left, right = match.group(1).rstrip(APPROX_TAIL_CHARS), match.group(2)
        high = parse_single(right)
        low = parse_single(left)
        if low is None or high is None:
            return None
        tail = BIG_TAIL_RE.search(right)
        if tail and not BIG_UNIT_RE.search(left):
            scaled = parse_single(left + tail.group(0))
            if scaled is not None and scaled <= high:
                low = scaled
        return (low, high) if low < high else None
    return parse_adjacent_range(s)


def parse_adjacent_range(s: str) -> tuple[Decimal, Decimal] | None:
    """``两三`` → (2, 3), ``三四十`` → (30, 40), ``十三四`` → (13, 14), ``三五`` → (3, 5).

    Two adjacent non-zero Chinese digits, the second larger, are read as
    "either"; each one is put back into the numeral in turn.
    """
    match = DIGIT_PAIR_RE.search(s)
    if not match:
        return None
    first, second = DIGITS[match.group(1)], DIGITS[match.group(2)]
    if not 0 < first < second or s.count(match.group(0)) != 1:
        return None
    if DIGIT_RUN_RE.search(s):
        return None
    low = parse_single(s[: match.start()] + match.group(1) + s[match.end() :])
    high = parse_single(s[: match.start()] + match.group(2) + s[match.end() :])
    if low is None or high is None or low >= high:
        return None
    return low, high


def parse_single(s: str) -> Decimal | None:
    """One numeral, no range: Arabic, Chinese or mixed (``3万5千``, ``1.2万``)."""
    if ARABIC_RE.fullmatch(s):
        return to_decimal(s)
    if DIGITS_ONLY_RE.fullmatch(s) and ("〇" in s or "零" in s or "○" in s or len(s) >= 3):
        return Decimal("".join(str(DIGITS[c]) for c in s))
    tokens = TOKEN_RE.findall(s)
    if not tokens or "".join(tokens) != s:
        return None
    return combine_tokens(tokens)


def to_decimal(s: str) -> Decimal | None:
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


def combine_tokens(tokens: list[str]) -> Decimal | None:
    """Positional reading of 十百千 within a section and 万/亿 between sections.

    A missing coefficient means one (十五, 万余), and a bare digit after a
    unit continues one place lower (一万五 = 15000, 三千五 = 3500), unless
    a 零 came in between (一万零五 = 10005).
    """
    total = Decimal(0)  # finished 亿 / 万 groups
    section = Decimal(0)  # below the last 万 / 亿
    digit: Decimal | None = None
    last_unit = 0
    after_zero = False
    biggest_open = None  # the last big unit applied, to refuse 亿万 / 万亿 misuse
    for token in tokens:
        if token in DIGITS:
            value = DIGITS[token]
            if value == 0:
                after_zero = True
                continue
            if digit is not None:
                return None
            digit = Decimal(value)
        elif token in SMALL_UNITS:
            unit = SMALL_UNITS[token]
            if last_unit and unit >= last_unit and last_unit < 10**4:
                return None
            section += (digit if digit is not None else Decimal(1)) * unit
            digit, last_unit, after_zero = None, unit, False
        elif token in BIG_UNITS:
            unit = BIG_UNITS[token]
            if digit is None and section == 0 and (total != 0 or biggest_open is not None):
                return None
            group = section + (digit if digit is not None else Decimal(0))
            if group == 0 and total == 0:
                group = Decimal(1)
            if biggest_open is not None and unit > biggest_open:
                total = (total + group) * unit
            else:
                total += group * unit
            section, digit, last_unit, after_zero = Decimal(0), None, unit, False
            biggest_open = unit
        else:
            number = to_decimal(token)
            if number is None or digit is not None:
                return None
            digit = number
    if digit is not None:
        if last_unit and not after_zero and digit < 10 and digit == digit.to_integral_value():
            digit *= Decimal(last_unit) / 10
        section += digit
    return total + section
