"""Numeral parsing: the cn2an traps of LIBRARIES.md and the forms reports use."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import load_case_file as load_cases
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.numerals import parse_decimal, parse_number

CASES = Path(__file__).resolve().parent / "cases"




@pytest.mark.parametrize("case", load_cases("numerals.json"))
def test_numeral_case(case):
    expected = case["expected"]
    result = parse_number(case["text"])
    if expected is None:
        assert result is None
    else:
        assert result == (expected[0], expected[1])


def test_exact_decimal_no_float_drift():
    assert parse_decimal("16.4亿") == (Decimal("1640000000.0"), None)
    assert int(parse_number("16.4亿")[0]) == 1640000000


def chinese_numeral(n: int) -> str:
    """A reference writer for 0 < n < 10**8 (standard reading, 零 for gaps)."""
    digits = "零一二三四五六七八九"

    def below_wan(m: int, leading: bool) -> str:
        out, zero = "", False
        for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = m // unit % 10
            if d:
                if zero or (not leading and not out and unit < 1000):
                    out += "零"
                out += digits[d] + name
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(n, 10**4)
    if not high:
        return below_wan(low, True)
    text = below_wan(high, True) + "万"
    return text + (below_wan(low, False) if low else "")


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n):
    assert parse_number(chinese_numeral(n)) == (float(n), None)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_arabic_decimals_exact(whole, cents):
    text = f"{whole}.{cents:02d}"
    assert parse_decimal(text)[0] == Decimal(text)


def test_fullwidth_and_separators():
    assert parse_number("１，２３４") == (1234.0, None)
    assert parse_number("12,345,678") == (12345678.0, None)
