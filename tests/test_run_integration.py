"""`zhnews run` end to end: a WARC archive and a JSONL export in one run,
content-farm re-posts marked as duplicates of their first copy."""

from __future__ import annotations

import json
import random

from conftest import load_dev_gold
from noise import make_noisy
from test_warc import write_archive

from pipeline.collect.run import run, sql


def test_warc_archive_through_a_run(tmp_path):
    archive = tmp_path / "crawl.warc.gz"
    write_archive(archive, gzip=True)
    run([str(archive)], tmp_path / "out", workers=1, progress=False)
    urls = [row[0] for row in sql(tmp_path / "out", "SELECT url FROM articles ORDER BY url")]
    assert "http://rd.example.cn/a.html" in urls
    reasons = [row[0] for row in sql(tmp_path / "out", "SELECT reason FROM errors")]
    assert any("404" in reason for reason in reasons)


def test_reposts_point_at_their_first_copy(tmp_path):
    reports = [g["clean"] for g in list(load_dev_gold().values())[:6]]
    rows = [{"text": text, "url": f"http://site-a.example.cn/{i}.html"} for i, text in enumerate(reports)]
    for i, text in enumerate(reports[:3]):  # a traditional + pinyin + chrome copy on another site
        copy = make_noisy(text, random.Random(i), kinds=("pinyin", "script", "chrome"))
        rows.append({"text": copy, "url": f"http://farm.example.com/{i}.html"})
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    run([str(export)], tmp_path / "out", workers=1, progress=False, shard_size=4)
    articles = sql(tmp_path / "out", "SELECT url, id, duplicate_of FROM articles ORDER BY position")
    ids = {url: doc_id for url, doc_id, _ in articles}
    duplicate_of = {url: dup for url, _, dup in articles}
    for i in range(3):
        assert duplicate_of[f"http://farm.example.com/{i}.html"] == ids[f"http://site-a.example.cn/{i}.html"]
    assert all(duplicate_of[f"http://site-a.example.cn/{i}.html"] is None for i in range(6))
