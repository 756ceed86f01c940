"""The comparison report in a real browser (headless Chromium): it renders,
its charts are there, and an evidence link leads to the highlighted sentence.

Chromium comes from Debian's packages (.ci/run installs it with a CJK font);
without it the test is skipped, never faked."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.collect.compare import write_comparison
from pipeline.collect.run import run

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package chromium)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    run([str(ROOT / "corpora" / "sample")], out, workers=1, progress=False)
    paths = write_comparison(out)
    return next(p for p in paths if p.name == "report.html")


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_report_renders_with_its_charts(report, tmp_path):
    shot = tmp_path / "report.png"
    chromium("--window-size=1280,1600", f"--screenshot={shot}", report.as_uri(), profile=tmp_path / "p1")
    assert shot.exists() and shot.stat().st_size > 20_000  # a page with text and charts, not a blank one
    dom = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "p2").stdout
    assert dom.count("<svg") >= 3  # the ranking charts were rendered into the page
    assert "District" in dom or "district" in dom


def test_an_evidence_link_leads_to_the_highlighted_sentence(report, tmp_path):
    dom = chromium("--dump-dom", report.as_uri(), profile=tmp_path / "p3").stdout
    target = re.search(r'<a[^>]+data-figure="value"[^>]+href="#(ev-[^"]+)"|<a[^>]+href="#(ev-[^"]+)"[^>]+data-figure="value"', dom)
    assert target, "no evidence link in the rendered report"
    anchor = target.group(1) or target.group(2)
    section = re.search(rf'<section[^>]+id="{re.escape(anchor)}".*?</section>', dom, re.S)
    assert section, f"the link's target #{anchor} is not in the page"
    assert "<mark" in section.group(0)  # the evidence sentence with the count highlighted
