"""Group re-posts of one story so that nothing is counted twice.

Content farms re-post a report with other page chrome, in traditional
script, with inline pinyin, with a sentence dropped or changed.  After
cleaning, the copies' texts are nearly the same; ``DuplicateIndex`` finds,
for each new document, the first-seen copy of its story (the record's
``duplicate_of``) in a cascade:

1. **Exact copy**: a digest of the normalized clean text (NFKC, casefolded,
   whitespace and punctuation dropped) already seen.
2. **Near copy**: MinHash over character shingles of that normalized text,
   candidates from a banded LSH index (datasketch ``MinHashLSH``), each
   verified by the estimated Jaccard similarity of the full signatures; the
   most similar first copy at or above ``threshold`` wins (ties: earliest).

Only first copies (one per story) go into the LSH index: a later copy is
compared with the story, not with every other copy, so the index grows with
the number of stories, not of documents.

Memory: every story in the index costs its signature (``num_perm`` uint32 =
512 B, kept to verify candidates) and its LSH entries: datasketch keeps, per
band, the band's bytes in a set-valued dict and again in a per-key list, so
a story costs about 11 kB in all at ``num_perm=128``, threshold 0.4 (32
bands of 4 rows; measured with tracemalloc by benchmarks/dedupe_quality.py),
and a million stories about 11 GB (ekzhu/datasketch #207).  The exact-copy
table adds an 8-byte digest and the id of every document (~150 B each).

Bounded mode, ``max_stories=K``: only the last K first copies stay in the
LSH index (first in, first out), so its memory stays flat at about K x 11 kB.
Trade-off: a re-post that comes more than K stories after its original is
not recognized as a near copy and starts a new story (its exact copies are
still found: the exact-copy table is not bounded).  Feeding documents in
publication order keeps re-posts close to their originals, which is when the
bound costs least.  Very large archives can also be sharded by a key that
copies share (province, month), one index per shard.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

_NON_WORD = re.compile(r"[\W_]+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_CHUNK = 4096  # shingles per block when computing a signature (bounds the temporary matrix)


def normalize_text(text: str) -> str:
    """The text that copies share: NFKC, casefolded, no whitespace or punctuation.

    Full-width digits and letters become ASCII, so a farm's re-typing does not
    count as an edit.

    >>> normalize_text("社区 举行了接待活动，２０余名居民参加。\\n")
    '社区举行了接待活动20余名居民参加'
    """
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def digest_text(normalized: str) -> bytes:
    """8-byte digest of a normalized text: the key of the exact-copy table."""
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).digest()


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: spreads the bits of a rolling hash."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB93FE53B9D53)
    return values ^ (values >> np.uint64(33))


def hash_shingles(normalized: str, size: int) -> np.ndarray:
    """Distinct 64-bit hashes of the character ``size``-grams of a normalized text.

    Computed over the whole text at once (a polynomial rolling hash on the
    code points), so no Python loop runs per character.  A text shorter than
    ``size`` is one shingle.

    >>> len(hash_shingles("代表有约见实效", 5))
    3
    >>> len(hash_shingles("代表", 5))
    1
    """
    points = np.frombuffer(normalized.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) == 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(size, len(points))
    count = len(points) - width + 1
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(width):
            hashes = hashes * np.uint64(1_000_003) + points[offset : offset + count]
        return np.unique(_fmix64(hashes))


def make_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``num_perm`` affine maps h -> a*h + b (mod 2^64, a odd) of one seed."""
    rng = np.random.RandomState(seed)
    high = rng.randint(0, 1 << 31, size=num_perm, dtype=np.uint64)
    low = rng.randint(0, 1 << 32, size=num_perm, dtype=np.uint64)
    odd = ((high << np.uint64(32)) | low) | np.uint64(1)
    offset = (rng.randint(0, 1 << 32, size=num_perm, dtype=np.uint64) << np.uint64(32)) | rng.randint(
        0, 1 << 32, size=num_perm, dtype=np.uint64
    )
    return odd, offset


def sign_shingles(hashes: np.ndarray, permutations: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """MinHash signature (uint32, one value per permutation) of a set of shingle hashes.

    Each permutation is a bijection of the 64-bit hashes; its top 32 bits are
    the value kept, as datasketch's ``affine32`` scheme keeps 32 bits.
    """
    odd, offset = permutations
    signature = np.full(len(odd), np.iinfo(np.uint32).max, dtype=np.uint32)
    with np.errstate(over="ignore"):
        for start in range(0, len(hashes), _CHUNK):
            block = hashes[start : start + _CHUNK]
            mapped = (odd[:, None] * block[None, :] + offset[:, None]) >> np.uint64(32)
            signature = np.minimum(signature, mapped.min(axis=1).astype(np.uint32))
    return signature


@dataclass
class _Story:
    """A first copy kept in the LSH index: its signature and arrival order."""

    order: int
    signature: np.ndarray


class DuplicateIndex:
    """First-seen copy of each document's story, one document at a time.

    Parameters (stored as given; state is built on the first ``add``):
    ``threshold`` estimated Jaccard similarity of shingle sets at or above
    which two texts are one story; ``num_perm`` MinHash permutations;
    ``shingle_size`` characters per shingle; ``seed`` of the permutations
    (fixed: same input order, same output); ``min_chars`` normalized length
    below which only exact copies are matched (a short notice shares too
    few shingles to tell stories apart); ``max_stories`` bounds the LSH
    index to the last K stories (None: unbounded; see the module docstring
    for the trade-off).

    >>> index = DuplicateIndex(min_chars=5)
    >>> index.add("a", "区人大代表走访企业,收集意见建议12条,现场解决5条。")
    >>> index.add("b", "區人大代表走訪企業")  # not cleaned: a different text
    >>> index.add("c", "区人大代表走访企业，收集意见建议12条，现场解决5条。")
    'a'
    """

    def __init__(
        self,
        threshold: float = 0.4,
        num_perm: int = 128,
        shingle_size: int = 5,
        seed: int = 1,
        min_chars: int = 30,
        max_stories: int | None = None,
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        self.min_chars = min_chars
        self.max_stories = max_stories

    def _ensure_state(self) -> None:
        if hasattr(self, "lsh_"):
            return
        self.permutations_ = make_permutations(self.num_perm, self.seed)
        self.lsh_ = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        self.stories_: dict[str, _Story] = {}
        self.recent_: deque[str] = deque()
        self.exact_: dict[bytes, str] = {}
        self.n_seen_ = 0
        self.n_exact_ = 0
        self.n_near_ = 0

    def sign(self, clean_text: str) -> np.ndarray:
        """MinHash signature of a clean text (after ``normalize_text``)."""
        self._ensure_state()
        return sign_shingles(hash_shingles(normalize_text(clean_text), self.shingle_size), self.permutations_)

    def add(self, doc_id: str, clean_text: str) -> str | None:
        """Id of the first-seen copy that ``doc_id`` duplicates, or None if it is the first.

        The first copy of a story is remembered; a copy is not (its story is).
        Adding the same id twice is the caller's error and raises ValueError.
        """
        self._ensure_state()
        if doc_id in self.stories_:
            raise ValueError(f"document id already added: {doc_id!r}")
        self.n_seen_ += 1
        normalized = normalize_text(clean_text)
        key = digest_text(normalized)
        first = self.exact_.get(key)
        if first is not None:
            self.n_exact_ += 1
            return first
        if len(normalized) < self.min_chars:
            self.exact_[key] = doc_id
            return None
        signature = sign_shingles(hash_shingles(normalized, self.shingle_size), self.permutations_)
        first = self._find_near_copy(signature)
        if first is not None:
            self.n_near_ += 1
            self.exact_[key] = first
            return first
        self.exact_[key] = doc_id
        self._index_story(doc_id, signature)
        return None

    def _find_near_copy(self, signature: np.ndarray) -> str | None:
        """The most similar indexed story at or above the threshold (ties: the earliest)."""
        best: tuple[float, int, str] | None = None
        for candidate in self.lsh_.query(self._as_minhash(signature)):
            story = self.stories_[candidate]
            similarity = float(np.mean(story.signature == signature))
            if similarity < self.threshold:
                continue
            rank = (-similarity, story.order, candidate)
            if best is None or rank < best:
                best = rank
        return None if best is None else best[2]

    def _index_story(self, doc_id: str, signature: np.ndarray) -> None:
        self.stories_[doc_id] = _Story(order=self.n_seen_, signature=signature)
        self.lsh_.insert(doc_id, self._as_minhash(signature), check_duplication=False)
        self.recent_.append(doc_id)
        if self.max_stories is not None:
            while len(self.recent_) > self.max_stories:
                oldest = self.recent_.popleft()
                self.lsh_.remove(oldest)
                del self.stories_[oldest]

    def _as_minhash(self, signature: np.ndarray) -> LeanMinHash:
        return LeanMinHash(seed=self.seed, hashvalues=signature, scheme="affine32")

    @property
    def n_stories_(self) -> int:
        """Stories currently in the LSH index (at most ``max_stories``)."""
        return len(self.stories_) if hasattr(self, "stories_") else 0


def group_duplicates(items: Iterable[tuple[str, str]], **params: object) -> dict[str, str | None]:
    """``{doc_id: duplicate_of}`` for ``(doc_id, clean_text)`` pairs in the order given.

    ``params`` are ``DuplicateIndex`` parameters.

    >>> text = "代表们走访了辖区企业,收集意见建议,并现场交办有关部门限期解决。"
    >>> group_duplicates([("x", text), ("y", "编辑:" + text), ("z", "社区召开居民议事会,商议加装电梯。")], min_chars=10)
    {'x': None, 'y': 'x', 'z': None}
    """
    index = DuplicateIndex(**params)  # type: ignore[arg-type]
    return {doc_id: index.add(doc_id, text) for doc_id, text in items}
