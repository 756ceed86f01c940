"""Strip inline pinyin annotations: 社区(shèqū) → 社区, 區(qū) → 區.

Content farms "annotate" copied reports with the pinyin of words or single
characters, with or without tone marks, sometimes twice in a row
(推动(tuīdòng)(tuīdòng)).  A real parenthesis can hold Latin too: (LED), (WTO),
an English name, a code.  So the decision is made by pronunciation, never by
"Latin letters in brackets": a bracket is an annotation only if its letters,
cut into syllables, spell readings of the last k Han characters right before
it (k >= 1), in order, tones ignored, every reading of a polyphone allowed
(pypinyin ``heteronym=True``: recall over precision, since a pinyin bracket
that matches *some* reading of the characters it follows is not a real
parenthesis in practice).

This runs before traditional → simplified conversion, so the characters may
be traditional (區, 聯, 務): pypinyin knows most of them, and the readings of
a character's OpenCC t2s form are added for the rest (係 → 系 gives jì).
Mojibake characters before a bracket simply have no matching reading, so the
bracket stays: nothing is guessed.

Speed: one compiled regex finds candidate brackets over the whole text;
readings are looked up (and cached per character) only for the few
characters before a candidate, so text without brackets runs at regex speed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, pinyin

from pipeline.clean.edits import Edit, apply_edits

KIND = "pinyin_removed"

# Letters that occur in pinyin, tone-marked or not (ê and ḿ/ń for 欸/呣/嗯,
# ɑ as some fonts' "a").  Upper case included: "Shèqū" at a sentence start.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêếềńňǹḿɑ"
_LETTERS = "A-Za-z" + _TONED + _TONED.upper().replace("Ɑ", "")
# A candidate: half- or full-width bracket holding only pinyin letters,
# separators (space, apostrophe) and tone digits 1-5, with at least one letter.
CANDIDATE_RE = re.compile(rf"[(（][ '’1-5{_LETTERS}]*[{_LETTERS}][ '’1-5{_LETTERS}]*[)）]")
_SEPARATORS_RE = re.compile(r"[ '’1-5]+")
# Han characters (CJK unified ideographs, extension A, compatibility, ext. B+).
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ACRONYM_RE = re.compile(r"[A-Z]{2,}")
# Between the annotated characters and the bracket: at most one closing quote
# (“三服务”(sānfúwù)) or one space (社区 (shèqū)).
_SKIPPABLE = frozenset("”’」』\"' ")

MAX_CHARS = 16  # longest run of characters one annotation may spell
_EXTRA_READINGS_PATH = Path(__file__).resolve().parents[1] / "data" / "pinyin_extra_readings.txt"


def normalize_syllables(latin: str) -> str:
    """Lower-case, tone marks off, ü/v → u: the form readings are compared in.

    >>> normalize_syllables("Lǜsè")
    'luse'
    """
    decomposed = unicodedata.normalize("NFD", latin.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("ɑ", "a").replace("v", "u")


def load_extra_readings(path: Path = _EXTRA_READINGS_PATH) -> dict[str, frozenset[str]]:
    """Read ``char reading...`` lines: readings pypinyin lacks (erhua r, ...)."""
    extra: dict[str, set[str]] = {}
    if not path.exists():
        return {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        char, *readings = line.split()
        extra.setdefault(char, set()).update(normalize_syllables(r) for r in readings)
    return {char: frozenset(rs) for char, rs in extra.items()}


_EXTRA_READINGS = load_extra_readings()


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # only needed for characters pypinyin does not know

    return opencc.OpenCC("t2s")


def _pypinyin_readings(char: str) -> set[str]:
    found = pinyin(char, style=Style.TONE, heteronym=True, errors=lambda _: [[]])
    return {normalize_syllables(r) for group in found for r in group if r}


@lru_cache(maxsize=65536)
def readings_of(char: str) -> frozenset[str]:
    """Every toneless reading of one character, traditional forms included.

    >>> sorted(readings_of("區"))[:3]
    ['gou', 'kou', 'ou']
    >>> "ji" in readings_of("係")   # only through its simplified form 系
    True
    """
    found = _pypinyin_readings(char)
    simplified = _t2s().convert(char)
    if simplified != char:
        found |= _pypinyin_readings(simplified)
    found |= _EXTRA_READINGS.get(char, frozenset())
    return frozenset(found)


def split_annotation(inner: str) -> tuple[str, frozenset[int]]:
    """Letters of a bracket's content and the cut points its separators force.

    "she4 qu1" → ("shequ", {3}): a space, apostrophe or tone digit inside the
    bracket must fall between syllables.
    """
    letters: list[str] = []
    cuts: set[int] = set()
    length = 0
    for piece in _SEPARATORS_RE.split(inner):
        if not piece:
            continue
        if length:
            cuts.add(length)
        piece = normalize_syllables(piece)
        letters.append(piece)
        length += len(piece)
    return "".join(letters), frozenset(cuts)


def count_spelled_chars(text: str, end: int, letters: str, cuts: frozenset[int]) -> int:
    """How many Han characters ending at ``end`` the letters spell (0: none).

    Walks back one character at a time keeping the set of positions in
    ``letters`` from which the suffix is spelled by the characters seen so
    far; a reading may not straddle a forced cut.  This is a small DP over
    all segmentations, so joined syllables like "xian" (先 or 西安) are tried
    every way.  The shortest k that spells all the letters wins.

    >>> count_spelled_chars("西安", 2, "xian", frozenset())
    2
    >>> count_spelled_chars("先", 1, "xian", frozenset())
    1
    """
    if end > 0 and not cuts and _HAN_RE.match(text[end - 1]) and letters in readings_of(text[end - 1]):
        return 1  # the common case: one character, one syllable (區(qū)), as the loop below would find
    positions = {len(letters)}
    start = end
    while positions and start > 0 and end - start < MAX_CHARS:
        start -= 1
        char = text[start]
        if not _HAN_RE.match(char):
            return 0
        reads = readings_of(char)
        nxt = set()
        for pos in positions:
            for reading in reads:
                begin = pos - len(reading)
                if begin < 0 or not letters.startswith(reading, begin):
                    continue
                if cuts and any(begin < cut < pos for cut in cuts):
                    continue
                nxt.add(begin)
        if 0 in nxt:
            return end - start
        positions = nxt
    return 0


@lru_cache(maxsize=8192)
def parse_annotation(inner: str) -> tuple[str, frozenset[int]] | None:
    """``split_annotation`` of a bracket's content, None for an acronym; cached (the same few hundred recur)."""
    if looks_like_acronym(inner):
        return None
    return split_annotation(inner)


def looks_like_acronym(inner: str) -> bool:
    """(LED), (WTO), (GDP): upper-case runs are abbreviations, not pinyin."""
    return bool(_ACRONYM_RE.search(inner)) and not any(c in _TONED.upper() for c in inner)


def find_pinyin_annotations(text: str) -> list[Edit]:
    """Edits that delete every inline pinyin annotation of ``text``.

    A run of brackets right after the same characters (推动(tuīdòng)(tuīdòng),
    理(li)(li)) is checked against the characters before the run, so doubled
    annotations go in one pass; a real bracket around an annotation stays:
    (以下(xia)簡稱…) loses only (xia).

    >>> strip_pinyin("社区(shèqū)举行了一场“人大代表与(yǔ)职能部门(zhínéngbùmén)面对面”")
    '社区举行了一场“人大代表与职能部门面对面”'
    >>> strip_pinyin("荆楚网(湖北日报网)推广LED(LED)照明,三(san)服務")
    '荆楚网(湖北日报网)推广LED(LED)照明,三服務'
    """
    edits: list[Edit] = []
    anchor = -1  # where the characters annotated by the current run end
    run_end = -1  # end of the last removed bracket
    for match in CANDIDATE_RE.finditer(text):
        start, end = match.span()
        if start != run_end:
            anchor = start - 1 if start and text[start - 1] in _SKIPPABLE else start
        parsed = parse_annotation(match.group()[1:-1])
        if parsed is None:
            continue
        letters, cuts = parsed
        if count_spelled_chars(text, anchor, letters, cuts):
            # a space put in only for the annotation goes with it
            cut_from = anchor if start == anchor + 1 and text[anchor] == " " else start
            edits.append(Edit(cut_from, end, "", KIND))
            run_end = end
    return edits


MAX_PASSES = 3


def strip_pinyin(text: str) -> str:
    """``text`` without its inline pinyin annotations (see find_pinyin_annotations).

    A removal can bring another annotation next to the characters it spells
    (啊(a) (a)(a)): passes repeat until nothing changes.
    """
    for _ in range(MAX_PASSES):
        edits = find_pinyin_annotations(text)
        if not edits:
            break
        text = apply_edits(text, edits)[0]
    return text
