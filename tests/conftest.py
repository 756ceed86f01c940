"""Shared paths, data loaders and fixtures for the tests.

Data lives outside the package: ``../shared`` (spec, seeds, dev corpus) and
``corpora/`` (the copy shipped with the repository).  Loaders are plain
functions (cached) so that test modules can also use them at import time,
e.g. to build hypothesis strategies or parametrize lists.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SHARED = ROOT.parent / "shared"
CASES = TESTS / "cases"
SEED_GOLDEN = TESTS / "golden" / "seeds"
SEEDS_RAW = SHARED / "seeds"
CORPORA = ROOT / "corpora"
DEV = CORPORA / "dev" if (CORPORA / "dev" / "gold").is_dir() else SHARED / "dev"
DEV_RAW = DEV / "raw"
DEV_GOLD = DEV / "gold"


@cache
def load_dev_gold() -> dict[str, dict]:
    """``{"d001": gold record, ...}`` for the development corpus."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(DEV_GOLD.glob("d*.json"))}


@cache
def load_dev_raw() -> dict[str, str]:
    """``{"d001": raw text, ...}`` for the development corpus."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(DEV_RAW.glob("d*.txt"))}


@cache
def load_seed_goldens() -> dict[str, dict]:
    """``{seed stem: hand-written golden record}`` (tests/golden/README.md)."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(SEED_GOLDEN.glob("*.json"))}


@cache
def load_seed_raw() -> dict[str, str]:
    """``{seed stem: raw text}`` of the five seeds."""
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SEEDS_RAW.glob("*.txt"))}


def load_case_file(name: str) -> list[pytest.param]:
    """Cases of ``tests/cases/<name>`` as pytest params (id: label); a case
    with an ``xfail`` key is a known gap, marked ``xfail(strict=True)``."""
    cases = json.loads((CASES / name).read_text(encoding="utf-8"))
    params = []
    for case in cases:
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
        params.append(pytest.param(case, id=case["label"], marks=marks))
    return params


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED


@pytest.fixture(scope="session")
def dev_gold() -> dict[str, dict]:
    return load_dev_gold()


@pytest.fixture(scope="session")
def dev_raw() -> dict[str, str]:
    return load_dev_raw()


@pytest.fixture(scope="session")
def seed_goldens() -> dict[str, dict]:
    return load_seed_goldens()


@pytest.fixture(scope="session")
def seed_raw() -> dict[str, str]:
    return load_seed_raw()
