"""Near-duplicate grouping quality: precision and recall of ``duplicate_of``.

    python benchmarks/dedupe_quality.py [--corpus corpora/dev] [--copies 12] [--seed 7]

(a) Synthetic re-posts: every gold ``clean`` text of the corpus is copied the
way content farms copy (tests/noise.py: pinyin, traditional/HK/TW script,
chrome, spam lines, inline spam, watermark, repeated paragraph, editor and
header lines, mojibake; plus small edits: a sentence dropped or replaced by
one of another report, and a cut-off ending), each copy cleaned by
``pipeline.clean.clean`` as the pipeline would.  Originals and copies are
streamed in a shuffled order (fixed seed) through ``DuplicateIndex`` at each
threshold; a predicted group is the set of documents sharing a first copy.
Pairwise precision = same-story pairs among the pairs put in one group;
recall = pairs put in one group among the same-story pairs.  The different
reports of the corpus are the negatives; pairs from the same city are the
hard ones (same place, same kind of activity), and their highest similarity
is printed.

(b) Real re-posts: all cleaned raw texts of the dev and holdout corpora and
the seeds, all pairs; the most similar pairs are printed for reading.

Also: time per document of ``add`` and memory per indexed story.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from noise import make_noisy  # noqa: E402

from pipeline.clean import clean  # noqa: E402
from pipeline.collect.dedupe import DuplicateIndex, hash_shingles, normalize_text  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
THRESHOLDS = (0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9)
FARM = ("pinyin", "script", "chrome", "spam_lines", "inline_spam", "watermark", "duplicate_paragraph", "editor")
# Each copy: noise kinds of tests/noise.py, then small edits of this module.
COPY_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pinyin": (("pinyin",), ()),
    "script": (("script",), ()),
    "chrome": (("chrome", "header"), ()),
    "spam_lines": (("spam_lines",), ()),
    "inline_spam": (("inline_spam",), ()),
    "watermark": (("watermark",), ()),
    "duplicate_paragraph": (("duplicate_paragraph", "paste_twice"), ()),
    "editor": (("editor",), ()),
    "mojibake": (("mojibake",), ()),
    "farm_all": (FARM, ()),
    "drop_sentence": (("chrome",), ("drop_sentence",)),
    "change_sentence": (("script", "chrome"), ("change_sentence",)),
    "farm_all+edits": (FARM, ("drop_sentence", "change_sentence")),
    "truncated_80%": (("chrome",), ("truncate",)),
}
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def drop_sentence(text: str, rng: random.Random, _others: list[str]) -> str:
    """Drop one sentence, as an editor shortening a re-post would."""
    spans = [m.span() for m in _SENTENCE.finditer(text)]
    if len(spans) < 2:
        return text
    start, end = rng.choice(spans)
    return text[:start] + text[end:]


def change_sentence(text: str, rng: random.Random, others: list[str]) -> str:
    """Replace one sentence by a sentence of another report (a rewritten sentence)."""
    spans = [m.span() for m in _SENTENCE.finditer(text)]
    donor = [m.group() for m in _SENTENCE.finditer(rng.choice(others))]
    if not spans or not donor:
        return text
    start, end = rng.choice(spans)
    return text[:start] + rng.choice(donor) + text[end:]


def truncate(text: str, _rng: random.Random, _others: list[str]) -> str:
    """Cut the ending off, as farms' copies often are (about 20% lost)."""
    return text[: int(len(text) * 0.8)]


EDITS = {"drop_sentence": drop_sentence, "change_sentence": change_sentence, "truncate": truncate}


def load_gold(corpus: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "gold").glob("*.json"))}


def make_copies(gold: dict[str, dict], copies: int, seed: int, kinds: list[str]) -> list[tuple[str, str, str, str]]:
    """``(doc_id, story, kind, clean_text)`` for every original and its noisy, cleaned copies."""
    rng = random.Random(seed)
    texts = {doc_id: item["clean"] for doc_id, item in gold.items()}
    docs = []
    for story, text in texts.items():
        docs.append((story, story, "original", text))
        others = [other for key, other in texts.items() if key != story]
        for number in range(copies):
            kind = kinds[number % len(kinds)]
            noise_kinds, edits = COPY_KINDS[kind]
            copy = text
            for edit in edits:
                copy = EDITS[edit](copy, rng, others)
            noisy = make_noisy(copy, rng, kinds=noise_kinds)
            docs.append((f"{story}~{number}", story, kind, clean(noisy).text))
    return docs


def score_grouping(docs: list[tuple[str, str, str, str]], index: DuplicateIndex) -> dict:
    """Pairwise precision/recall of the groups, and recall per copy kind."""
    first_of: dict[str, str] = {}
    elapsed = 0.0
    for doc_id, _story, _kind, text in docs:
        start = time.perf_counter()
        found = index.add(doc_id, text)
        elapsed += time.perf_counter() - start
        first_of[doc_id] = first_of.get(found, found) if found else doc_id
    story_of = {doc_id: story for doc_id, story, _, _ in docs}
    predicted = _pairs(first_of)
    truth = _pairs(story_of)
    hits = len(predicted & truth)
    by_kind: dict[str, list[int]] = {}
    original_of = {}
    for doc_id, story, kind, _ in docs:
        if kind == "original":
            original_of[story] = doc_id
    for doc_id, story, kind, _ in docs:
        if kind != "original":
            tally = by_kind.setdefault(kind, [0, 0])
            tally[0] += first_of[doc_id] == first_of[original_of[story]]
            tally[1] += 1
    return {
        "precision": hits / len(predicted) if predicted else 1.0,
        "recall": hits / len(truth) if truth else 1.0,
        "false_pairs": len(predicted - truth),
        "ms_per_doc": 1000 * elapsed / len(docs),
        "recall_by_kind": {kind: tally[0] / tally[1] for kind, tally in by_kind.items()},
    }


def _pairs(group_of: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for doc_id, group in group_of.items():
        groups.setdefault(group, []).append(doc_id)
    return {pair for members in groups.values() for pair in itertools.combinations(sorted(members), 2)}


def jaccard(a: str, b: str, size: int = 5) -> float:
    sa, sb = (set(hash_shingles(normalize_text(t), size).tolist()) for t in (a, b))
    return len(sa & sb) / max(1, len(sa | sb))


def hard_negatives(gold: dict[str, dict]) -> tuple[int, float, tuple[str, str]]:
    """Pairs of different reports about the same city, and their highest Jaccard."""
    pairs = [
        (a, b)
        for a, b in itertools.combinations(gold, 2)
        if gold[a]["region"].get("city") and gold[a]["region"].get("city") == gold[b]["region"].get("city")
    ]
    scored = [(jaccard(gold[a]["clean"], gold[b]["clean"]), (a, b)) for a, b in pairs]
    best = max(scored) if scored else (0.0, ("", ""))
    return len(pairs), best[0], best[1]


def read_corpus_texts() -> dict[str, str]:
    """Cleaned raw texts of the dev and holdout corpora and of the seeds."""
    texts = {}
    for folder in (ROOT / "corpora/dev/raw", ROOT / "corpora/holdout/raw", SEEDS):
        for path in sorted(folder.glob("*.txt")):
            texts[f"{folder.parent.name}/{path.stem}"] = clean(path.read_text(encoding="utf-8", errors="replace")).text
    return texts


def real_reposts(top: int = 5) -> list[tuple[float, str, str]]:
    texts = read_corpus_texts()
    sets = {key: set(hash_shingles(normalize_text(text), 5).tolist()) for key, text in texts.items()}
    scored = []
    for a, b in itertools.combinations(sets, 2):
        inter = len(sets[a] & sets[b])
        if inter:
            scored.append((inter / len(sets[a] | sets[b]), a, b))
    grouped = DuplicateIndex()
    found = [(key, grouped.add(key, text)) for key, text in texts.items()]
    print(f"  {len(texts)} reports; grouped at the default threshold: {[pair for pair in found if pair[1]]}")
    return sorted(scored, reverse=True)[:top]


def measure_memory(stories: int = 3000, **params: object) -> float:
    """Bytes per indexed story (tracemalloc), on random Han texts of 600 characters."""
    rng = np.random.default_rng(0)
    texts = ["".join(map(chr, rng.integers(0x4E00, 0x9FA5, 600))) for _ in range(stories)]
    index = DuplicateIndex(**params)  # type: ignore[arg-type]
    index.add("warm-up", texts[0])
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for number, text in enumerate(texts[1:]):
        index.add(str(number), text)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return grown / (stories - 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora/dev")
    parser.add_argument("--copies", type=int, default=len(COPY_KINDS))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shingle-size", type=int, default=5)
    args = parser.parse_args()

    gold = load_gold(args.corpus)
    kinds = list(COPY_KINDS)
    docs = make_copies(gold, args.copies, args.seed, kinds)
    random.Random(args.seed).shuffle(docs)
    print(f"(a) {len(gold)} stories, {len(docs)} documents ({args.corpus.name}), shingle size {args.shingle_size}")
    print("threshold precision recall false_pairs ms/doc")
    results = {}
    for threshold in THRESHOLDS:
        result = score_grouping(docs, DuplicateIndex(threshold=threshold, shingle_size=args.shingle_size))
        results[threshold] = result
        print(
            f"  {threshold:.2f}     {result['precision']:.4f}    {result['recall']:.4f}"
            f"  {result['false_pairs']:5d}     {result['ms_per_doc']:.2f}"
        )
    default = DuplicateIndex().threshold
    print(f"recall by copy kind at the default threshold {default}:")
    for kind, value in results[default]["recall_by_kind"].items():
        print(f"  {kind:22s} {value:.3f}")
    count, best, pair = hard_negatives(gold)
    print(f"hard negatives: {count} same-city pairs of different reports, highest Jaccard {best:.3f} {pair}")
    for bound in (20, 50):
        bounded = score_grouping(docs, DuplicateIndex(max_stories=bound))
        print(
            f"bounded (max_stories={bound}, shuffled order: the worst case): "
            f"precision {bounded['precision']:.4f} recall {bounded['recall']:.4f}"
        )
    print("(b) real re-posts: most similar pairs of different reports (Jaccard of 5-shingles)")
    for score, a, b in real_reposts():
        print(f"  {score:.3f} {a} {b}")
    print(f"memory per indexed story: {measure_memory():.0f} B (num_perm=128, threshold {default})")
    bounded_bytes = measure_memory(max_stories=500)
    print(f"  bounded to 500 stories, growth per document over 3000: {bounded_bytes:.0f} B")


if __name__ == "__main__":
    main()
