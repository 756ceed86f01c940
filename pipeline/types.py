"""The record contract (../shared/spec/README.md) as plain dataclasses.

Every stage imports its types from here and none redefines them.  Items carry
``span = (start, end)`` in character offsets into the clean ``text``; the
record's ``offsets`` map (clean.edits.OffsetMap) takes them back to
``original``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]


@dataclass
class Source:
    path: str | None = None
    url: str | None = None
    fetched_at: str | None = None
    position: int | None = None  # row / record number inside a multi-document file


@dataclass
class Noise:
    """What cleaning removed or found damaged, by cleaner name.

    ``script`` is simplified | traditional | mixed; every other key is a
    counter named after the cleaner that produced it.
    """

    script: str = "simplified"
    counters: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        if n:
            self.counters[name] = self.counters.get(name, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {"script": self.script, **dict(sorted(self.counters.items()))}


@dataclass
class Region:
    province: str | None = None
    city: str | None = None
    district: str | None = None
    adcode: str | None = None
    span: Span | None = None  # the mention that decided it


@dataclass
class Count:
    value: float
    unit: str
    approx: str  # one of = > >= < ~
    text: str
    indicator: str = "other"
    object: str | None = None
    action: str | None = None
    evidence: str = ""
    span: Span = (0, 0)
    value_max: float | None = None  # upper end of a range such as 两三个
    # index in the record's counts of the total this item breaks down
    # (建成25个活动室,其中区级1个…): summing both would count twice
    part_of: int | None = None
    original_span: Span | None = None  # the same evidence in ``original``


@dataclass
class Department:
    mention: str
    name: str
    function: str
    level: str | None
    span: Span
    original_span: Span | None = None  # the same evidence in ``original``


@dataclass
class Evidence:
    """A sentence that speaks for an item (a category's label)."""

    text: str
    span: Span
    original_span: Span | None = None  # the same sentence in ``original``


@dataclass
class Category:
    label: str
    score: float
    # sentences that carry the label, filled for labels scored >= 0.5 (the
    # document's labels); empty for the others
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Activity:
    name: str
    span: Span
    original_span: Span | None = None  # the same evidence in ``original``


@dataclass
class Person:
    name: str
    role: str
    span: Span
    original_span: Span | None = None  # the same evidence in ``original``


@dataclass
class Metadata:
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    outlet: str | None = None
    reporters: list[str] = field(default_factory=list)
    editor: str | None = None


@dataclass
class Record:
    id: str
    content_hash: str
    source: Source
    title: str | None
    published: str | None
    outlet: str | None
    reporters: list[str]
    editor: str | None
    region: Region
    text: str
    original: str
    noise: Noise
    counts: list[Count] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    duplicate_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["noise"] = self.noise.to_dict()
        return data


@dataclass
class ReadError:
    """An input that could not be read; becomes a row of the ``errors`` table."""

    source: Source
    reason: str


@dataclass
class Document:
    """One input document as read, before cleaning."""

    source: Source
    text: str
    kind: str = "text"  # text | html
    title: str | None = None  # from the export's title column or the page's <title>
    published: str | None = None
    outlet: str | None = None  # read off an HTML page's header (来源)
    author: str | None = None  # read off an HTML page's header (作者 / 记者)
    encoding: str | None = None
    replaced_bytes: int = 0  # undecodable bytes replaced while decoding
