"""Byline, source, date and editor lines: read what they say.

Two shapes, told apart by ``kind`` in the result:

* ``"line"``: the whole line is metadata and leaves the body once read:
  ``来源:湖北人大网   时间:2023-07-31 08:45   [收藏] [打印] [关闭]``,
  ``责任编辑:周经韬``, ``(记者 何婧 通讯员 顾蝶)``, ``浏览次数:1842``,
  ``2024年01月07日  吴戈 雷梦``.
* ``"embedded"``: a dateline at the start of a body paragraph, which stays in
  the body unchanged: ``荆楚网(湖北日报网)讯(记者 何婧 通讯员 顾蝶)“没想到…``;
  ``end`` is where the dateline ends in the line.

A line is metadata only when *all* of it is labels (来源, 记者, 编辑, 发布时间…)
with short values, dates, page widgets, or a credit prefix (新华社记者 周闻韬):
any sentence left over means body text, and the function returns None.
Traditional labels (來源, 記者, 編輯) are read too, since bylines may be read
before script conversion.
"""

from __future__ import annotations

import re

from pipeline.extract.dates import parse_date, published_on_line
from pipeline.extract.people import is_person_name

_OUTLET_LABELS = "信息来源 来源于 來源於 來源于 来源 來源 稿源 出处 出處 转自 轉自"
_REPORTER_LABELS = (
    "本报记者 本報記者 本刊记者 本刊記者 特约记者 特約記者 全媒体记者 全媒體記者 融媒体记者 融媒體記者 "
    "首席记者 见习记者 見習記者 实习生 實習生 记者 記者 通讯员 通訊員 作者 撰稿 撰文 文/图 文／图 图/文 圖/文 文/圖"
)
_EDITOR_LABELS = {
    3: "责任编辑 責任編輯 责编 責編 值班编辑 值班編輯",
    2: "编辑 編輯 主编 主編",
    1: "审核 審核 终审 終審 审校 審校 校对 校對 初审 初審 复审 複審 审签 審簽",
}
_DATE_LABELS = (
    "发布时间 發布時間 发布日期 發布日期 发表时间 發表時間 发文日期 發文日期 更新时间 更新時間 时间 時間 日期"
)
_OTHER_LABELS = (
    "摄影 攝影 摄像 攝像 海报 海報 统筹 統籌 监制 監製 策划 策劃 设计 設計 美编 美編 制作 製作 剪辑 剪輯 "
    "浏览次数 瀏覽次數 浏览量 瀏覽量 阅读量 閱讀量 阅读次数 閱讀次數 点击数 點擊數 点击量 點擊量 访问量 "
    "索引号 索引號 发布机构 發布機構 责任部门 責任部門 组配分类 組配分類 文章字数 文章字數 字号 字號 字体 字體 分享到"
)


def _spaced(label: str) -> str:
    """编辑 → 编\\s*辑, so that 编 辑: and 索 引 号: are labels too."""
    return r"\s*".join(map(re.escape, label))


def _alternation(labels: str) -> str:
    return "|".join(_spaced(w) for w in sorted(labels.split(), key=len, reverse=True))


_FIELD_OF: dict[str, tuple[str, int]] = {}
for _field, _labels, _rank in (
    ("outlet", _OUTLET_LABELS, 0),
    ("reporters", _REPORTER_LABELS, 0),
    *(("editor", _EDITOR_LABELS[rank], rank) for rank in (3, 2, 1)),
    ("published", _DATE_LABELS, 0),
    ("other", _OTHER_LABELS, 0),
):
    for _w in _labels.split():
        _FIELD_OF[_w] = (_field, _rank)

_ALL_LABELS = _alternation(" ".join(_FIELD_OF))
# a label followed by a colon or bar, or directly by a value (记者张晓博, 来源 X);
# 文 alone needs a separator after it (文/图 X, 文:X) so that 文化… is not a label
_LABEL = re.compile(rf"(?P<label>{_ALL_LABELS}|文(?=\s*[:\uff1a|｜]))\s*(?P<sep>[:\uff1a︰|｜])?\s*")
_WIDGETS = re.compile(
    r"[\[【〖(]\s*(?:收藏|打印|关闭|關閉|打印本页|关闭窗口|大|中|小|默认|返回顶部|纠错|字体|字號|字号)\s*[\]】〗)]"
    r"|(?:字号|字號|字体|字體)\s*[:\uff1a]?\s*(?:[\[【〖]?\s*[大中小默认]\s*[\]】〗]?\s*){0,4}"
    r"|(?<![\u4e00-\u9fff])[大中小](?=\s)|[【〖\[\]】〗]"
)
_DATE_TIME = re.compile(
    r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"|[〇零○一二三四五六七八九]{4}年[一二三十]{1,3}月[一二三十]{1,3}[日号]"
    r"|\d{1,2}:\d{2}(?::\d{2})?|星期[一二三四五六日天]"
)
_QUICK = re.compile(rf"{_ALL_LABELS}|(?:19|20)\d\d\s*[-/.年]|[〇零一二]{{4}}年|^[(\uff08]")
_NAME_SPLIT = re.compile(r"[、,\uff0c/／;\uff1b]|\s{2,}")
_NAME_SUFFIX = re.compile(r"(?:摄影|攝影|摄|攝|报道|報道|供图|供圖|文/图|图|圖|文)$")
_LEAD = re.compile(r"^[\s■□●◆▲◇*>·•]+")
_SELF_OUTLETS = re.compile(r"^(?:本报|本報|本刊|本台|本网|本網)")
_VALUE_MAX = 30
_QUICK_SCAN = 24  # a metadata line has a label or date near its start
_DATELINE_SCAN = 40  # a dateline's 讯/电 comes within the first characters
_DATELINE_HINT = re.compile(r"[讯訊电電]")
_LINE_MAX = 200
_PREFIX_MAX = 10

_OUTLET = (
    r"[\u4e00-\u9fffA-Za-z0-9/·.]{1,16}?"
    r"(?:网|網|报|報|社|台|刊|端|号|號|新闻|新聞|融媒|观察|觀察|在线|在線|频道|頻道|中心|之声|之聲)"
    r"(?:[(\uff08][\u4e00-\u9fff]{2,10}[)\uff09])?(?:[·/][\u4e00-\u9fff]{2,8})?"
)
_DATELINE = re.compile(
    rf"^\s*(?P<outlet>{_OUTLET})(?P<place>[\u4e00-\u9fff]{{0,6}}?)"
    r"(?:\d{1,2}月\d{1,2}日)?(?:讯|訊|电|電)"
    r"(?:\s*[(\uff08](?P<credits>[^()\uff08\uff09]{2,40})[)\uff09])?"
    r"(?:\s*(?P<credits2>(?:记者|記者|通讯员|通訊員)[^,\uff0c。“”\"]{2,40}?)(?:报道|報道)[:\uff1a])?"
)


def split_names(value: str) -> list[str]:
    """Names in a credit value: ``何 婧`` → 何婧; ``唐甜 刘晏男`` → two names.

    >>> split_names("高超、覃素"), split_names("何 婧"), split_names("王军方 文/图")
    (['高超', '覃素'], ['何婧'], ['王军方'])
    """
    names = []
    for chunk in _NAME_SPLIT.split(value):
        tokens = chunk.split()
        if not tokens:
            continue
        if all(len(t) == 1 for t in tokens) and 2 <= len(tokens) <= 4:
            tokens = ["".join(tokens)]
        for token in tokens:
            token = _NAME_SUFFIX.sub("", token).strip()
            if token and is_credit_name(token):
                names.append(token)
    return names


def is_credit_name(s: str) -> bool:
    """A name in a labelled credit: 2–4 Han characters, or a minority name with ·."""
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff·]{1,12}", s))


def _empty(kind: str) -> dict:
    return {"outlet": None, "reporters": [], "editor": None, "published": None, "kind": kind, "end": 0}


def _read_credits(credits: str, out: dict) -> None:
    """``记者 何婧 通讯员 顾蝶`` or a bare ``泽塔雍措`` inside a dateline."""
    if not _LABEL.search(credits):
        out["reporters"] += [n for n in split_names(credits) if is_person_name(n) or len(n) == 4]
        return
    fields = _read_fields(credits)
    if fields is not None:
        out["reporters"] += fields["reporters"]
    else:
        out["reporters"] += [n for n in split_names(_LABEL.sub(" ", credits)) if n]


def parse_dateline(line: str) -> dict | None:
    """An embedded dateline: ``银川日报讯(记者张晓博)“通过…`` (kind ``embedded``).

    >>> d = parse_dateline("荆楚网(湖北日报网)讯(记者 何婧 通讯员 顾蝶)“没想到…”")
    >>> d["outlet"], d["reporters"], d["end"]
    ('荆楚网(湖北日报网)', ['何婧', '顾蝶'], 25)
    """
    m = _DATELINE.match(line)
    if not m:
        return None
    out = _empty("embedded")
    outlet = m.group("outlet")
    out["outlet"] = None if _SELF_OUTLETS.match(outlet) else outlet
    for group in ("credits", "credits2"):
        if m.group(group):
            _read_credits(m.group(group), out)
    out["end"] = m.end()
    return out


def _read_fields(text: str) -> dict | None:
    """Read ``label value`` fields covering all of ``text``, else None."""
    out = _empty("line")
    matches = list(_LABEL.finditer(text))
    if not matches:
        return None
    prefix = text[: matches[0].start()].strip()
    editor_rank = 0
    has_value_or_sep = False
    for i, m in enumerate(matches):
        label = re.sub(r"\s+", "", m.group("label"))
        field, rank = _FIELD_OF.get(label, ("reporters", 0))
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : end].strip(" \t|｜:\uff1a")
        has_value_or_sep = has_value_or_sep or bool(value or m.group("sep"))
        if len(value) > _VALUE_MAX or re.search(r"[。!?\uff01\uff1f“”\"]", value):
            return None
        if field == "outlet" and value:
            out["outlet"] = out["outlet"] or value.split()[0]
        elif field == "reporters":
            names = split_names(value)
            if value and not names and not _DATE_TIME.search(value) and len(value) > 8:
                return None
            out["reporters"] += names
        elif field == "editor":
            names = [n for n in split_names(value) if is_person_name(n)]
            if names and rank > editor_rank:
                out["editor"], editor_rank = names[0], rank
        elif field == "published":
            out["published"] = out["published"] or parse_date(value)
    if prefix:
        first_field = _FIELD_OF.get(re.sub(r"\s+", "", matches[0].group("label")), ("reporters", 0))[0]
        if len(prefix) > _PREFIX_MAX or first_field != "reporters" or re.search(r"[,\uff0c。、]", prefix):
            return None
        if not _SELF_OUTLETS.match(prefix):
            out["outlet"] = prefix
    return out if has_value_or_sep else None


def _read_undated_names(rest: str, out: dict) -> bool:
    """``2024年01月07日  吴戈 雷梦``: what is left beside a date is names, or nothing."""
    if not rest:
        return True
    names = split_names(rest)
    rest = re.sub(r"\s+", " ", rest)
    if names and all(is_person_name(n) for n in names) and len("".join(names)) == len(re.sub(r"\s", "", rest)):
        out["reporters"] += names
        return True
    return len(rest) <= 12 and not re.search(r"[,\uff0c。、;\uff1b!?\uff01\uff1f“”\"]", rest)


def parse_byline(line: str) -> dict | None:
    """What a metadata line says: outlet, reporters, editor, published, kind.

    >>> d = parse_byline("来源:湖北人大网   时间:2023-07-31 08:45   [收藏] [打印] [关闭]")
    >>> d["outlet"], d["published"], d["kind"]
    ('湖北人大网', '2023-07-31', 'line')
    >>> parse_byline("记者从区人大常委会获悉,今年以来共收集建议120条。") is None
    True
    """
    if not line:
        return None
    if _DATELINE_HINT.search(line, 0, _DATELINE_SCAN):
        embedded = parse_dateline(line)
        if embedded:
            return embedded
    if len(line) > _LINE_MAX:
        return None
    head = line.lstrip()
    if not _QUICK.search(head, 0, _QUICK_SCAN):
        return None
    text = _LEAD.sub("", line).strip()
    if text[:1] in "(\uff08" and text[-1:] in ")\uff09":
        text = text[1:-1].strip()
    text = _WIDGETS.sub(" ", text)
    dates_out = _DATE_TIME.sub("  ", text).strip()
    out = _read_fields(dates_out) if _LABEL.search(dates_out) else None
    published = parse_date(text) if out is not None else published_on_line(text)
    if out is None:
        if not published:
            return None
        out = _empty("line")
        if not _read_undated_names(dates_out, out):
            return None
    out["published"] = out["published"] or published
    return out
