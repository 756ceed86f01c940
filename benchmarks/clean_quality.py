"""Cleaning quality on the development corpus.

    python benchmarks/clean_quality.py [--verbose] [--corpus corpora/dev]

Prints, over the reports of the corpus (raw/dNNN.txt against the hand-checked
gold/dNNN.json ``clean``):
- character error rate (Levenshtein distance / gold length, whitespace dropped);
- pinyin annotations left (brackets of pinyin after Han characters that spell them);
- real brackets lost (bracketed passages of the gold missing from the output);
- spam lines left (output lines that the spam/chrome rules would flag, plus gold-less
  lines made of spam words).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.clean import clean  # noqa: E402
from pipeline.clean.lines import is_spam_line  # noqa: E402
from pipeline.clean.pinyin import find_pinyin_annotations  # noqa: E402
from pipeline.read.decode import decode_bytes  # noqa: E402

_WS = re.compile(r"\s+")
_BRACKETED = re.compile(r"[(（][^()（）\n]{1,40}[)）]")


def character_error_rate(output: str, gold: str) -> tuple[int, int]:
    a, b = _WS.sub("", output), _WS.sub("", gold)
    return Levenshtein.distance(a, b), len(b)


def real_brackets_lost(output: str, gold: str) -> int:
    kept = _WS.sub("", output)
    return sum(1 for m in _BRACKETED.finditer(gold) if _WS.sub("", m.group()) not in kept)


def spam_lines_left(output: str) -> int:
    return sum(1 for line in output.split("\n") if is_spam_line(line))


def evaluate(corpus: Path, verbose: bool = False) -> dict:
    totals = {
        "docs": 0,
        "edits": 0,
        "gold_chars": 0,
        "pinyin_left": 0,
        "brackets_lost": 0,
        "gold_brackets": 0,
        "spam_left": 0,
    }
    per_doc = []
    for gold_file in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        raw = decode_bytes((corpus / "raw" / f"{gold_file.stem}.txt").read_bytes()).text
        out = clean(raw).text
        edits, chars = character_error_rate(out, gold["clean"])
        totals["docs"] += 1
        totals["edits"] += edits
        totals["gold_chars"] += chars
        totals["pinyin_left"] += len(find_pinyin_annotations(out))
        totals["brackets_lost"] += real_brackets_lost(out, gold["clean"])
        totals["gold_brackets"] += len(_BRACKETED.findall(gold["clean"]))
        totals["spam_left"] += spam_lines_left(out)
        per_doc.append((edits / max(chars, 1), gold_file.stem))
    totals["cer"] = totals["edits"] / max(totals["gold_chars"], 1)
    totals["worst"] = sorted(per_doc, reverse=True)[:10]
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "dev")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    t = evaluate(args.corpus, args.verbose)
    print(f"documents            {t['docs']}")
    print(f"character error rate {t['cer']:.4f}  ({t['edits']} edits / {t['gold_chars']} gold chars)")
    print(f"pinyin left          {t['pinyin_left']}")
    print(f"real brackets lost   {t['brackets_lost']} of {t['gold_brackets']}")
    print(f"spam lines left      {t['spam_left']}")
    if args.verbose:
        print("worst documents:", ", ".join(f"{name} {cer:.3f}" for cer, name in t["worst"]))


if __name__ == "__main__":
    main()
