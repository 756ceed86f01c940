"""Named deputies and officials with their role: 区人大常委会主任张焕伦.

Reports name people in two shapes:

* role, then one or more names: 区人大代表朱春丽、左彬、陈姝含 (three people,
  each 区人大代表); 江汉区人大常委会主任何裕生说; 身为律师的区人大代表祁飞;
* name, then a short title: 张艳娟代表、葛霖代表参加….

A name is a surname from ``data/surnames.txt`` and one or two more Han
characters (two or three after a compound surname), followed by a boundary:
punctuation, or a word that starts the rest of the sentence (说, 表示, 在, 带队,
等…).  When the third character starts such a word, the two-character name is
taken (代表左彬在… → 左彬).  Common words that look like names after a role
(代表通过…, 主任表示…) are listed in ``data/roles.txt`` and never read as names.
The role is the run of Han characters before the title, up to punctuation or a
function word (的, 是, 在…), minus sentence words on its left (组织, 近日…).
"""

from __future__ import annotations

import re

from opencc import OpenCC

from pipeline.data import read_lines, read_sections
from pipeline.extract.scan import match_before_anchors
from pipeline.extract.wordtrie import trie_alternation
from pipeline.types import Person

_ROLES = read_sections("roles.txt")
TITLES = sorted(_ROLES["titles"], key=len, reverse=True)
NAME_BEFORE_TITLES = sorted(_ROLES["name_before"], key=len, reverse=True)
NOT_NAMES = frozenset(_ROLES["not_names"])
GROUP_NOUNS = frozenset(_ROLES["group_nouns"])
PREFIX_DROP = sorted(_ROLES["prefix_drop"], key=len, reverse=True)

_SURNAME_LINES = read_lines("surnames.txt")
# bylines may be read before script conversion: accept the traditional forms too
# (one converter for all: building an OpenCC converter loads its dictionaries)
_TRADITIONAL_SURNAMES = OpenCC("s2t").convert("\n".join(_SURNAME_LINES)).split("\n")
_SURNAME_LINES = tuple(dict.fromkeys(_SURNAME_LINES + tuple(_TRADITIONAL_SURNAMES)))
SINGLE_SURNAMES = "".join(s for s in _SURNAME_LINES if len(s) == 1)
COMPOUND_SURNAMES = [s for s in _SURNAME_LINES if len(s) == 2]

# Words that may follow a name (and so end it).  Single characters here also
# decide 2- vs 3-character names: 左彬在 → 左彬.
_FOLLOW_WORDS = (
    "说 讲 称 表示 介绍 指出 强调 认为 告诉 坦言 感慨 笑着 提出 建议 带队 带领 率 一行 等 同志 "
    "在 到 来到 参加 出席 主持 陪同 走访 深入 调研 视察 了解 接待 领衔 围绕 针对 作 做 "
    "和 与 及 同 向 对 为 的 就 也 都 又 还 是 将 已 正 便 则 先后 多次 积极 主动 "
    "现场 立即 当即 随即 耐心 认真 详细 专门 一起 共同 分别 个人 本人 代表 所 把 被 从 自 "
    "以 用 于 通过 结合 牵头 负责 当场 再次 首先 随后 亲自 第一时间 长期 连续 连任 曾 一直 始终 带头 "
    "一同 今年 近年来 近日 日前 坚持 高兴 欣慰 激动 动情 热情 笑 感叹 自豪"
).split()
_FOLLOW = trie_alternation(_FOLLOW_WORDS)  # longest first
_BOUNDARY = rf"(?:[^\u4e00-\u9fff]|$|{_FOLLOW}|[\u4e00-\u9fff]{{2}}地[说讲道])"
_HAN = r"[\u4e00-\u9fff]"
_GIVEN_CHAR = r"[\u4e00-\u9fff](?<!某)"

# one or two given-name characters; the second only if it does not start a follow word
_GIVEN = rf"(?:{_GIVEN_CHAR}(?!{_FOLLOW}){_GIVEN_CHAR}(?={_BOUNDARY})|{_GIVEN_CHAR}(?={_BOUNDARY}))"
NAME_PATTERN = (
    rf"(?:(?:{trie_alternation(COMPOUND_SURNAMES)}){_GIVEN}"
    rf"|[{SINGLE_SURNAMES}]{_GIVEN})"
)
_TITLE = trie_alternation(TITLES)  # longest first
_ROLE_THEN_NAMES = re.compile(rf"(?P<title>{_TITLE})(?P<names>{NAME_PATTERN}(?:[、和及与]{NAME_PATTERN})*)")
_NAME_THEN_TITLE = re.compile(
    rf"(?:(?<=[^\u4e00-\u9fff])|^|(?<=[、和与由请让]))(?P<name>{NAME_PATTERN.replace(_BOUNDARY, '(?:' + '|'.join(NAME_BEFORE_TITLES) + ')')})"
    rf"(?P<title>{'|'.join(NAME_BEFORE_TITLES)})(?!{_HAN}*?(?:团|之家|联络|工作站|大会|小组))"
)
# where a title of _NAME_THEN_TITLE may start: its name begins 2 to 4 characters before
_NAME_TITLE_FIRST = re.compile(f"[{''.join(sorted({t[0] for t in NAME_BEFORE_TITLES}))}]")
_NAME_IN_LIST = re.compile(NAME_PATTERN)
_TITLE_AT_END = re.compile(rf"(?:{_TITLE})$")
_LONGEST_TITLE = max(map(len, TITLES))
_ROLE_LEFT = re.compile(r"[\u4e00-\u9fff]{0,18}$")
# function words that end a role on its left (身为律师的区人大代表 → 区人大代表)
_ROLE_STOP = re.compile(r".*[的是为在由了着和与及对向请经将被把让给找等这该位名各届]")
_PREFIX_DROP = re.compile(rf"^(?:{'|'.join(map(re.escape, PREFIX_DROP))})+")
_NOT_NAME_CHARS = re.compile(r"某|人大|[的了们着]|日$")
_DIGIT_ROLE = re.compile(r"^[第一二三四五六七八九十]+")


def is_person_name(s: str) -> bool:
    """True for a plausible Chinese personal name (surname + 1–2 characters).

    >>> is_person_name("张焕伦"), is_person_name("表示"), is_person_name("通过")
    (True, False, False)
    """
    if s in NOT_NAMES or s[:2] in NOT_NAMES or s[1:] in GROUP_NOUNS or _NOT_NAME_CHARS.search(s):
        return False
    if len(s) >= 3 and s[:2] in COMPOUND_SURNAMES:
        return len(s) <= 4
    return 2 <= len(s) <= 3 and s[0] in SINGLE_SURNAMES


def read_role(text: str, title_start: int, title: str) -> tuple[str, int]:
    """The full role ending with ``title`` at ``title_start``, and its start."""
    left = _ROLE_LEFT.search(text, max(0, title_start - 18), title_start)
    prefix = left.group(0) if left else ""
    stop = _ROLE_STOP.match(prefix)
    if stop:
        prefix = prefix[stop.end() :]
    prefix = _PREFIX_DROP.sub("", prefix)
    prefix = _DIGIT_ROLE.sub("", prefix)
    role, start = prefix + title, title_start - len(prefix)
    if start > 0 and text[start - 1] == "、":
        before = _TITLE_AT_END.search(text, max(0, start - 1 - _LONGEST_TITLE), start - 1)
        if before:
            head, start = read_role(text, before.start(), before.group(0))
            role = head + "、" + role
    return role, start


def split_names(names: str, offset: int) -> list[tuple[str, int]]:
    """``朱春丽、左彬、陈姝含`` → each name with its offset."""
    return [(m.group(0), offset + m.start()) for m in _NAME_IN_LIST.finditer(names) if is_person_name(m.group(0))]


def find_names_then_titles(text: str) -> list[re.Match]:
    """``_NAME_THEN_TITLE.finditer(text)``, trying only the starts 2 to 4 characters
    before a title's first character (its boundary checks are costly at every position)."""
    return match_before_anchors(_NAME_THEN_TITLE, _NAME_TITLE_FIRST, text)


def extract_people(text: str) -> list[Person]:
    """Named people with their role, in text order, once per (name, role).

    >>> [(p.name, p.role) for p in extract_people("区人大代表朱春丽、左彬、陈姝含,与职能部门面对面沟通。")]
    [('朱春丽', '区人大代表'), ('左彬', '区人大代表'), ('陈姝含', '区人大代表')]
    >>> [(p.name, p.role) for p in extract_people("江汉区人大常委会主任何裕生说")]
    [('何裕生', '江汉区人大常委会主任')]
    """
    found: list[Person] = []
    seen: set[tuple[str, str]] = set()
    taken: set[int] = set()
    for m in _ROLE_THEN_NAMES.finditer(text):
        role, _ = read_role(text, m.start("title"), m.group("title"))
        for name, start in split_names(m.group("names"), m.start("names")):
            taken.add(start)
            if (name, role) not in seen:
                seen.add((name, role))
                found.append(Person(name=name, role=role, span=(start, start + len(name))))
    for m in find_names_then_titles(text):
        name, start = m.group("name"), m.start("name")
        if start in taken or not is_person_name(name):
            continue
        role = m.group("title")
        if (name, role) not in seen:
            seen.add((name, role))
            found.append(Person(name=name, role=role, span=(start, start + len(name))))
    found.sort(key=lambda p: p.span)
    return found
