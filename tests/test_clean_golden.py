"""The five seeds against their hand-written goldens (tests/golden/README.md).

The goldens are written by reading, not produced by the code, so there is no
``--update-goldens`` flag: a change here is a change of the cleaner's quality.
Seeds already cleaned exactly must stay exact; the others must stay under a
pinned character error rate (CER, whitespace dropped, the dev scoring), pinned
at the measured value rounded up to three decimals: lower it when the cleaner
improves, never raise it.
"""

from __future__ import annotations

import difflib
import re

import pytest
from conftest import load_seed_goldens, load_seed_raw
from rapidfuzz.distance import Levenshtein

from pipeline.clean import clean

EXACT = ("000_3659b935b5e23ad8", "001_e2065d88f1dc0037", "003_cec600499f15d53a")
# seed -> CER ceiling (measured 0.00235 and 0.0109)
CER_CEILING = {
    "002_88395f48fa7cc2e8": 0.003,  # the trailing credit (通讯员:夏帆) and the page tail
    "004_f538c14dba7c5ab8": 0.011,  # three shifted-GBK mojibake spots not repaired
}
METADATA_FIELDS = ("title", "published", "outlet", "reporters", "editor")
# (seed, field) the cleaner does not read yet
METADATA_GAPS = {
    ("002_88395f48fa7cc2e8", "published"): "the 来源/时间 line also holds [收藏] [打印] [关闭] and is dropped as chrome unread",
    ("002_88395f48fa7cc2e8", "outlet"): "the 来源/时间 line also holds [收藏] [打印] [关闭] and is dropped as chrome unread",
    ("002_88395f48fa7cc2e8", "reporters"): "the trailing credit (通讯员:夏帆) glued to the last paragraph is not read",
}
_SPACES = re.compile(r"\s+")


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over the reference length, whitespace dropped (dev scoring)."""
    ref, hyp = _SPACES.sub("", reference), _SPACES.sub("", hypothesis)
    return Levenshtein.distance(ref, hyp) / max(1, len(ref))


def show_diff(expected: str, got: str) -> str:
    lines = difflib.unified_diff(expected.split("\n"), got.split("\n"), "golden", "clean()", lineterm="", n=0)
    return "\n".join(line[:200] for line in lines)


@pytest.fixture(scope="module")
def cleaned_seeds() -> dict:
    return {stem: clean(text) for stem, text in load_seed_raw().items()}


def test_every_seed_has_a_golden():
    assert sorted(load_seed_goldens()) == sorted(load_seed_raw())
    assert sorted(EXACT + tuple(CER_CEILING)) == sorted(load_seed_raw())


@pytest.mark.parametrize("stem", EXACT)
def test_seed_text_exact(stem, cleaned_seeds):
    golden = load_seed_goldens()[stem]["clean"]
    got = cleaned_seeds[stem].text
    assert got == golden, show_diff(golden, got)


@pytest.mark.parametrize("stem", sorted(CER_CEILING))
def test_seed_text_cer_under_ceiling(stem, cleaned_seeds):
    golden = load_seed_goldens()[stem]["clean"]
    got = cleaned_seeds[stem].text
    cer = character_error_rate(golden, got)
    assert cer <= CER_CEILING[stem], f"CER {cer:.4f} > {CER_CEILING[stem]}\n" + show_diff(golden, got)


def _metadata_params() -> list:
    params = []
    for stem in sorted(load_seed_goldens()):
        for name in METADATA_FIELDS:
            reason = METADATA_GAPS.get((stem, name))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(stem, name, id=f"{stem[:3]}-{name}", marks=marks))
    return params


@pytest.mark.parametrize(("stem", "name"), _metadata_params())
def test_seed_metadata(stem, name, cleaned_seeds):
    expected = load_seed_goldens()[stem][name]
    got = getattr(cleaned_seeds[stem].metadata, name)
    assert got == expected


def test_character_error_rate_ignores_whitespace():
    assert character_error_rate("社区 举行\n活动", "社区举行活动") == 0.0
    assert character_error_rate("社区举行活动", "社区举行") == pytest.approx(2 / 6)
