"""Which district a context-dependent word refers to: "区委" in a 大足 article is 大足区委.

Reads the ``districts`` spans written by :mod:`extractors.districts`.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from extractors.annotations import sentence_bounds
from extractors.lexicons import Division, admin_divisions

__all__ = ["LEVEL_CHARS", "everyday_name", "local_district", "organ_names"]

# the character before an organ word ("区委", "市政府") and the division levels it may mean
LEVEL_CHARS: dict[str, tuple[str, ...]] = {"省": ("province",), "市": ("city", "province"),
                                           "州": ("city",), "区": ("county",), "县": ("county",)}


def _level_ok(division: Division, level_char: str) -> bool:
    if division.level not in LEVEL_CHARS[level_char]:
        return False
    # "市" means a city, or a municipality (重庆市, a province-level city), never a 省; "州" an
    # autonomous prefecture
    if level_char == "州":
        return division.name.endswith("州")
    return level_char != "市" or division.level == "city" or division.name.endswith("市")


def local_district(doc: Doc, pos: int, level_char: str) -> Division | None:
    """The division a bare level word at character ``pos`` refers to.

    The nearest preceding mention of the right level in the same sentence wins, then the one
    mentioned most in the whole document (ties: first mentioned).
    """
    divisions = admin_divisions()
    spans = [s for s in doc.spans.get("districts", []) if _level_ok(divisions[s._.key], level_char)]
    if not spans:
        return None
    sent_start, _ = sentence_bounds(doc, pos)
    before = [s for s in spans if sent_start <= s.start and s.end <= pos]
    if before:
        return divisions[before[-1]._.key]
    counts = Counter(s._.key for s in spans)
    best = max(counts.values())
    return divisions[next(s._.key for s in spans if counts[s._.key] == best)]


def full_chain_name(division: Division) -> str:
    """"重庆市大足区" for 大足区: the name with its province-level parent, when it has one."""
    parent = admin_divisions().get(division.parent or "")
    return parent.name + division.name if parent is not None and parent.level == "province" else division.name


def organ_names(division: Division, organ: str) -> tuple[str, tuple[str, ...]]:
    """Canonical name and aliases of a district's party committee, government, congress or CPPCC.

    >>> organ_names(admin_divisions()["500111"], "government")[0]
    '大足区人民政府'
    """
    full, chain = division.name, full_chain_name(division)
    name = everyday_name(division)  # 阿坝州委, not 阿坝藏族羌族自治州委
    extra = (full,) if full != name else ()
    if organ == "party":
        return f"{name}委", (f"中共{name}委", f"中共{chain}委员会", *(f"中共{n}委员会" for n in (name, *extra)))
    if organ == "government":
        return f"{name}人民政府", (f"{name}政府", f"{chain}人民政府", *(f"{n}人民政府" for n in extra))
    if organ == "congress":
        return f"{name}人大常委会", (f"{chain}人民代表大会常务委员会",)
    if organ == "cppcc":
        return f"{name}政协", (f"中国人民政治协商会议{chain}委员会",)
    raise ValueError(f"unknown organ {organ!r}")


def everyday_name(division: Division) -> str:
    """The form news text uses: 阿坝藏族羌族自治州 → 阿坝州, 石柱土家族自治县 → 石柱县."""
    for suffix in ("自治州", "自治县", "自治旗"):
        if division.name.endswith(suffix) and division.short != division.name:
            return division.short + suffix[-1]
    return division.name
