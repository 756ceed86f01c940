"""The command line: exact output on small inputs, errors as one line, every
command documented in the README."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from pipeline.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
SEED_000 = ROOT / "corpora" / "sample" / "000_3659b935b5e23ad8.txt"


def run(args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120
    )


def test_clean_prints_the_clean_text(tmp_path, capsys):
    path = tmp_path / "r.txt"
    path.write_text("当前位置: 首页 >> 正文\n社区(shèqū)举行了接待活动,20余名居民参加。\n打印本页 返回顶部\n", encoding="utf-8")
    assert main(["clean", str(path)]) == 0
    assert capsys.readouterr().out == "社区举行了接待活动,20余名居民参加。\n"


def test_clean_json_has_text_noise_and_metadata(capsys):
    assert main(["clean", str(SEED_000), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"text", "noise", "metadata"}
    assert out["noise"]["pinyin_removed"] == 62
    assert out["noise"]["duplicate_paragraphs"] >= 8
    assert out["metadata"]["title"].startswith("从“金点子”到“金钥匙”")
    assert "(shèqū)" not in out["text"]


def test_clean_reads_stdin():
    result = run(["clean", "-"], stdin="區人大代表走訪企業80餘家。".encode("big5"))
    assert result.returncode == 0
    assert result.stdout.decode("utf-8") == "区人大代表走访企业80余家。\n"


def test_bad_input_is_one_line_and_exit_1(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run(["clean", str(empty)])
    assert result.returncode == 1
    lines = result.stderr.decode("utf-8").strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"zhnews: {empty}:") and "empty" in lines[0]
    assert "Traceback" not in result.stderr.decode("utf-8")


def test_extract_jsonl_one_record_per_input_in_order(capsys):
    sample = sorted((ROOT / "corpora" / "sample").glob("*.txt"))[:3]
    assert main(["extract", *map(str, sample)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["source"]["path"] for r in records] == [str(p) for p in sample]
    contract = {"id", "content_hash", "source", "title", "published", "outlet", "reporters", "editor", "region",
                "text", "original", "noise", "counts", "departments", "categories", "activities", "people",
                "duplicate_of"}  # fmt: skip
    assert all(contract <= set(r) for r in records)
    for record in records:
        for count in record["counts"]:
            start, end = count["span"]
            assert record["text"][start:end] == count["text"]


def test_extract_table_and_json_formats(capsys):
    assert main(["extract", str(SEED_000), "--format", "table"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split("\t")[:4] == ["id", "path", "region", "adcode"]
    assert "湖北省/武汉市/江汉区" in row and "420103" in row
    assert main(["extract", str(SEED_000), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["region"]["district"] == "江汉区"


def test_extract_goes_on_past_a_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary\x00" * 50)
    assert main(["extract", str(bad), str(SEED_000)]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1
    assert "binary" in captured.err


def test_numbers_in_spam_related_headlines_and_chrome_are_never_extracted(capsys):
    """Seed 002's tail is full of numbers (14人死亡, 41.75亿, 近3万元 ...)."""
    seed = ROOT / "corpora" / "sample" / "002_88395f48fa7cc2e8.txt"
    assert main(["extract", str(seed)]) == 0
    record = json.loads(capsys.readouterr().out)
    texts = {c["text"] for c in record["counts"]}
    for spam in ("14人", "41.75亿", "3万元", "26元", "800个", "13亿", "3倍", "10倍"):
        assert not any(spam in t for t in texts), spam
    assert "358场" in texts and "1000人次" in "".join(texts)
    tail = record["original"][record["original"].index("打印本页") :]
    assert not any(t in tail for t in texts if len(t) > 3)


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert re.search(rf"zhnews {name}\b", readme), name


def test_readme_first_lines_are_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    commands = [line for line in readme[:8] if line.startswith("python3 -m venv")]
    assert "zhnews run corpora/sample" in commands[0]
    assert "pytest" in commands[1]
