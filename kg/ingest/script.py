"""Traditional Chinese to simplified, character for character, so offsets still hold.

The extractors' lexicons (surnames, titles, division names, suffixes) are simplified, so a Big5
or Taiwan/Hong Kong page (臺北市議會、區長) is read in simplified form. The conversion keeps the
length: every character becomes exactly one character, and a phrase is taken from OpenCC's
phrase table only when it converts to as many characters (乾隆 stays 乾隆, 乾淨 becomes 干净), so
the normalizer's offset map needs no change and provenance still slices the original text.

The tables are OpenCC's (Apache-2.0), read from the dictionaries the ``opencc`` package
(``opencc-python-reimplemented`` on PyPI) ships inside its wheel: no download at run time.

>>> to_simplified("臺北市議會召開會議，區長表示")
'台北市议会召开会议，区长表示'
>>> to_simplified("台北市议会召开会议") is None  # already simplified: left alone
True
>>> len(to_simplified("乾隆年間的乾淨水")) == len("乾隆年間的乾淨水")
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

__all__ = ["is_traditional", "to_simplified"]

#: Share of Han characters that must change under conversion for a text to count as traditional.
#: Simplified news has almost none (a stray 乾 or 於); traditional text has one in four or more.
TRADITIONAL_SHARE = 0.05
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _dictionary(name: str) -> list[tuple[str, str]]:
    """(source, first target) rows of an OpenCC dictionary file."""
    import opencc  # the package ships OpenCC's dictionary files; only those are used

    rows = []
    path = Path(opencc.__file__).parent / "dictionary" / name
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if source and targets:
            rows.append((source, targets.split()[0]))
    return rows


@cache
def _tables() -> tuple[dict[str, str], re.Pattern[str]]:
    """One table of same-length replacements (phrases and characters) and a regex finding them,
    phrases first so that the longest match wins."""
    chars = {s: t for s, t in _dictionary("TSCharacters.txt") if len(s) == len(t) == 1 and s != t}
    # Taiwan and Hong Kong standard forms (啟, 偽) reach the simplified one through OpenCC's form
    for rev in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for s, t in _dictionary(rev):
            if len(s) == len(t) == 1 and s not in chars and chars.get(t, s) != s:
                chars[s] = chars[t]
    phrases = {s: t for s, t in _dictionary("TSPhrases.txt") if len(s) == len(t) > 1}
    table = {**chars, **phrases}
    alternatives = sorted(phrases, key=len, reverse=True)
    pattern = "|".join(map(re.escape, alternatives)) + "|[" + "".join(sorted(chars)) + "]"
    return table, re.compile(pattern)


def is_traditional(text: str) -> bool:
    """True when enough of the text's Han characters are traditional forms."""
    table, _ = _tables()
    han = len(_HAN.findall(text))
    changed = sum(1 for ch in text if ch in table)
    if han < 10:  # a headline or a name: two traditional forms decide
        return changed >= 2
    return changed >= TRADITIONAL_SHARE * han


def to_simplified(text: str, detect: Callable[[str], bool] = is_traditional) -> str | None:
    """The simplified form of a traditional text (same length), or None if it is not traditional."""
    if not detect(text):
        return None
    table, finder = _tables()
    return finder.sub(lambda m: table[m.group()], text)  # same length: every key maps to as many chars
