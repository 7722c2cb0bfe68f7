"""Loading the data files under ``extractors/data/`` (one entry a line, ``#`` comments)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["CLAUSE_TAGS", "DATA_DIR", "TERM_NUMBER", "Division", "admin_divisions", "alternation", "jieba_dictionary",
           "read_entries", "read_table", "word_tags"]

DATA_DIR = Path(__file__).parent / "data"
# the term of a congress or committee inside an organ's name: "第十八届" (人大常委会)
TERM_NUMBER = re.compile(r"第[一二三四五六七八九十百0-9]+届")
# word_tags() tags that never open or continue a name: verbs, adverbs, prepositions, numerals, time words ...
CLAUSE_TAGS = frozenset({"v", "vd", "ad", "d", "p", "c", "u", "r", "m", "q", "t", "l", "i", "y", "e", "o"})


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def read_entries(name: str) -> tuple[str, ...]:
    """The entries of a one-column data file, in file order."""
    return tuple(line.strip() for line in _lines(name))


@cache
def read_table(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of a tab-separated data file (empty trailing fields kept as "")."""
    return tuple(tuple(field.strip() for field in line.split("\t")) for line in _lines(name))


@cache
def alternation(name: str) -> str:
    """The entries of a one-column data file as a regex alternation (escaped, no group around it).

    Longest entries first, so that "累计达到" is tried before "累计" at the same position; the
    caller adds the groups, anchors and optional parts the pattern needs.
    """
    return "|".join(map(re.escape, sorted(read_entries(name), key=len, reverse=True)))


@dataclass(frozen=True)
class Division:
    """One GB/T 2260 administrative division."""

    adcode: str
    name: str
    short: str
    parent: str | None
    level: str  # province, city, county

    @property
    def province(self) -> str:
        return self.adcode[:2] + "0000"


@cache
def admin_divisions() -> dict[str, Division]:
    """Every province, prefecture city and county-level division by adcode."""
    return {row[0]: Division(row[0], row[1], row[2], row[3] or None, row[4])
            for row in read_table("admin_divisions.tsv")}


@cache
def jieba_dictionary() -> tuple[dict[str, int], dict[str, str], int]:
    """The dictionary jieba ships (349k words), read once: word -> frequency, word -> part-of-speech
    tag, and the frequencies' total (a word listed twice counts twice, the later entry wins)."""
    import jieba

    freqs: dict[str, int] = {}
    tags: dict[str, str] = {}
    total = 0
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as dictionary:
        for line in dictionary:
            parts = line.split()
            freqs[parts[0]] = int(parts[1])
            total += int(parts[1])
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return freqs, tags, total


def word_tags() -> dict[str, str]:
    """Part-of-speech tags of common Chinese words, from the dictionary jieba ships.

    Used to tell a verb or adverb ("加快", "充分") from a name part at an entity's left edge.
    """
    return jieba_dictionary()[1]
