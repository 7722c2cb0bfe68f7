"""Which district a context-dependent word refers to: "区委" in a 大足 article is 大足区委.

Reads the ``districts`` spans written by :mod:`extractors.districts`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from spacy.tokens import Doc

from extractors.annotations import sentence_bounds, text_of
from extractors.lexicons import Division, admin_divisions, read_table

__all__ = ["LEVEL_CHARS", "everyday_name", "is_context_bound", "local_district", "organ_names"]

# the character before an organ word ("区委", "市政府") and the division levels it may mean
LEVEL_CHARS: dict[str, tuple[str, ...]] = {"省": ("province",), "市": ("city", "province"),
                                           "州": ("city",), "区": ("county",), "县": ("county",)}


CLAUSE_END = re.compile("[，,；;。！？：:]")


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

    The nearest preceding mention in the same clause wins (itself, or the division of the
    right level containing it). Otherwise the
    document's own division of that level: every mention counts for itself and for the
    divisions containing it, so a county paper that names its partner city often but its own
    districts more still reads "市委" as its own city's (ties: first mentioned).
    """
    divisions = admin_divisions()
    mentions = doc.spans.get("districts", [])
    sent_start, _ = sentence_bounds(doc, pos)
    text = text_of(doc)
    # a mention earlier in the same clause, or the division containing it: "资阳市委常委、
    # 市政府副市长"; "郫都将落实市委部署" (成都市). After a comma the clause may be about a
    # partner ("推动与X市合作，市委、市政府…" is still the document's own).
    for s in sorted(mentions, key=lambda s: s.start, reverse=True):
        if sent_start <= s.start and s.end <= pos and not CLAUSE_END.search(text, s.end, pos):
            own = next((d for d in _with_ancestors(divisions[s._.key]) if _level_ok(d, level_char)), None)
            if own is not None:
                return own
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for s in mentions:
        for division in _with_ancestors(divisions[s._.key]):
            if _level_ok(division, level_char):
                counts[division.adcode] += 1
                first.setdefault(division.adcode, s.start)
    if not counts:
        return None
    return divisions[min(counts, key=lambda a: (-counts[a], first[a]))]


def _with_ancestors(division: Division) -> list[Division]:
    """A division and the ones containing it: 大足区, 重庆市."""
    divisions, chain = admin_divisions(), [division]
    while chain[-1].parent and chain[-1].parent in divisions and len(chain) < 4:
        chain.append(divisions[chain[-1].parent])
    return chain


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


# a bare level word ("区", "县委" ...) opening a name that says nothing else about which one
_BARE_LEVEL = "省市州区县旗乡镇村"
_ORGAN_WORDS = ("人大常委会", "人民政府", "政府", "人大", "政协", "党委", "党工委", "纪委", "监委", "委")
# a department named plainly after the level word: "县农业农村局", "市委宣传部"
_PLAIN_DEPARTMENT = re.compile(r"[\u4e00-\u9fff]{1,10}[厅局委办部]")


@cache
def _departments() -> frozenset[str]:
    return frozenset(row[0] for row in read_table("departments.tsv"))


def is_context_bound(name: str) -> bool:
    """True for a short form that names an organization only in context: which 区委 or 市政府
    a text means depends on the document, so such a form is an alias, never a node's label.

    >>> [is_context_bound(n) for n in ("区委", "中共市委", "县委组织部", "市人力社保局", "州政府")]
    [True, True, True, True, True]
    >>> [is_context_bound(n) for n in ("大足区委", "市场经济研究会", "区块链协会", "委员会")]
    [False, False, False, False]
    """
    rest = name.removeprefix("中共")
    if len(rest) < 2 or rest[0] not in _BARE_LEVEL:
        return False
    rest = rest[1:]
    if rest in _ORGAN_WORDS or rest in _departments():
        return True
    if rest.startswith("委") and (rest[1:] in _departments() or _PLAIN_DEPARTMENT.fullmatch(rest[1:])):
        return True
    return bool(_PLAIN_DEPARTMENT.fullmatch(rest)) and rest.endswith(("局", "厅", "办"))
