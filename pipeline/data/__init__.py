"""Data files shipped with the package, read once at import by the stages."""

from __future__ import annotations

from functools import cache
from importlib import resources


def data_path(name: str):
    return resources.files(__package__) / name


@cache
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a data file, comments (#) and blank lines dropped."""
    text = data_path(name).read_text(encoding="utf-8")
    return tuple(line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


@cache
def read_sections(name: str) -> dict[str, tuple[str, ...]]:
    """A data file split into ``[section]`` blocks of lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in read_lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections.setdefault(current, []).append(line.strip())
    return {key: tuple(value) for key, value in sections.items()}
