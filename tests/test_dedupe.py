"""Near-duplicate grouping: copies of one story share a first copy, other stories do not."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from noise import make_noisy

from pipeline.clean import clean
from pipeline.collect.dedupe import DuplicateIndex, group_duplicates, normalize_text

GOLD = Path(__file__).resolve().parents[1] / "corpora" / "dev" / "gold"


def load_clean(doc_id: str) -> str:
    return json.loads((GOLD / f"{doc_id}.json").read_text(encoding="utf-8"))["clean"]


@pytest.fixture(scope="module")
def stories() -> dict[str, str]:
    return {doc_id: load_clean(doc_id) for doc_id in ("d001", "d010", "d020", "d032", "d033", "d040")}


FARM_COPIES = [
    ("pinyin",),
    ("script",),
    ("chrome", "header", "editor"),
    ("spam_lines", "inline_spam", "watermark"),
    ("pinyin", "script", "chrome", "duplicate_paragraph"),
]


@pytest.mark.parametrize("kinds", FARM_COPIES, ids="+".join)
def test_cleaned_farm_copy_is_grouped_with_its_original(stories: dict[str, str], kinds: tuple[str, ...]) -> None:
    index = DuplicateIndex()
    for doc_id, text in stories.items():
        assert index.add(doc_id, text) is None
    for number, (doc_id, text) in enumerate(stories.items()):
        copy = clean(make_noisy(text, random.Random(number), kinds=kinds)).text
        assert index.add(f"{doc_id}-copy", copy) == doc_id


def test_copy_with_a_sentence_dropped_is_grouped(stories: dict[str, str]) -> None:
    text = stories["d040"]
    first_stop = text.index("。") + 1
    result = group_duplicates([("a", text), ("b", text[first_stop:])])
    assert result == {"a": None, "b": "a"}


def test_same_template_reports_of_different_years_are_not_grouped(stories: dict[str, str]) -> None:
    # d032 and d033: Lhasa's press conference before the congress, two different years.
    result = group_duplicates(stories.items())
    assert set(result.values()) == {None}


def test_copy_of_a_copy_points_at_the_first_copy(stories: dict[str, str]) -> None:
    text = stories["d010"]
    result = group_duplicates([("first", text), ("second", "来源:某网\n" + text), ("third", "编辑:张三\n" + text)])
    assert result == {"first": None, "second": "first", "third": "first"}


def test_exact_copy_is_found_by_its_hash_before_minhash() -> None:
    index = DuplicateIndex(min_chars=1000)  # too short for MinHash: only the exact path can match
    text = "区人大代表走访企业,收集意见建议12条,现场解决5条。"
    assert index.add("a", text) is None
    assert index.add("b", "区人大代表 走访企业，收集意见建议１２条，现场解决５条。\n") == "a"
    assert index.add("c", "区人大代表走访企业,收集意见建议12条,现场解决4条。") is None
    assert (index.n_exact_, index.n_near_) == (1, 0)


def test_same_input_order_gives_same_output(stories: dict[str, str]) -> None:
    rng = random.Random(3)
    items = list(stories.items())
    items += [(f"{doc_id}-c", clean(make_noisy(text, rng, kinds=("script", "chrome"))).text) for doc_id, text in items]
    random.Random(5).shuffle(items)
    assert group_duplicates(items) == group_duplicates(items)
    assert DuplicateIndex().sign(items[0][1]).tolist() == DuplicateIndex().sign(items[0][1]).tolist()


def test_bounded_index_forgets_the_oldest_story(stories: dict[str, str]) -> None:
    index = DuplicateIndex(max_stories=2)
    texts = list(stories.values())
    for number, text in enumerate(texts[:3]):
        index.add(str(number), text)
    assert index.n_stories_ == 2
    assert index.add("late", "编辑:张三\n" + texts[0]) is None  # story 0 was evicted: not found
    assert index.add("recent", "编辑:张三\n" + texts[2]) == "2"
    assert index.add("exact", texts[0]) == "0"  # exact copies are still found


def test_parameters_are_only_stored_by_init() -> None:
    index = DuplicateIndex(threshold=0.6, num_perm=64, shingle_size=4, seed=2)
    assert vars(index) == {
        "threshold": 0.6,
        "num_perm": 64,
        "shingle_size": 4,
        "seed": 2,
        "min_chars": 30,
        "max_stories": None,
    }


def test_adding_a_story_id_twice_is_an_error(stories: dict[str, str]) -> None:
    index = DuplicateIndex()
    index.add("a", stories["d001"])
    with pytest.raises(ValueError, match="already added"):
        index.add("a", stories["d010"])


def test_normalize_text_drops_what_re_posting_changes() -> None:
    assert normalize_text("“民呼我应·代表有约”\n Ａ１ ") == "民呼我应代表有约a1"
