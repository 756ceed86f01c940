"""The line rules' fast path changes nothing: gating the chrome, caption and
footer patterns behind trigger words (data/line_triggers.txt) flags exactly
the lines that searching every short line flags."""

from __future__ import annotations

import json

import pytest
from conftest import CASES, CORPORA, load_dev_gold, load_dev_raw, load_seed_raw

from pipeline.clean.lines import flag_lines, split_lines
from pipeline.data import read_lines


def corpus_texts() -> list[tuple[str, str]]:
    texts = [(f"raw {k}", v) for k, v in load_dev_raw().items()]
    texts += [(f"gold {k}", v["clean"]) for k, v in load_dev_gold().items()]
    texts += [(f"seed {k}", v) for k, v in load_seed_raw().items()]
    texts += [(f"sample {p.name}", p.read_text(encoding="utf-8")) for p in sorted((CORPORA / "sample").glob("*.txt"))]
    for path in sorted(CASES.glob("clean_*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            texts.append((f"case {case['label']}", case.get("original") or case.get("text", "")))
    return texts


@pytest.mark.parametrize(("label", "text"), corpus_texts(), ids=lambda v: v if len(v) < 40 else None)
def test_trigger_gate_flags_the_same_lines(label, text):
    lines = split_lines(text)
    assert flag_lines(text, lines) == flag_lines(text, lines, gate=False), label


@pytest.mark.parametrize(
    "line",
    [
        "登录 | 加入收藏夹",
        "当前位置: 首页 >> 文章详情",
        "[收藏] [打印] [关闭]",
        "打印本页 返回顶部",
        "相关推荐",
        "暂无评论,快抢沙发吧~",
        "字号:大 中 小",
        "大 中 小",
        "> > >",
        "新华路联合国际大厦周边交通秩序井然。记者 罗云希 摄",
        "走访现场",
        "(资料图片)",
        "策划:浙江省人大常委会代表工委、研究室",
        "责任编辑:刘浪",
    ],
)
def test_noise_lines_are_flagged(line):
    text = "代表们走访了企业,收集意见建议一百余条。\n" + line + "\n相关部门已经全部办结。"
    assert 1 in flag_lines(text, split_lines(text))


def test_every_trigger_is_a_word():
    assert all(word.strip() for word in read_lines("line_triggers.txt"))
