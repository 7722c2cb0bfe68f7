"""Administrative districts: every province, prefecture city and county mentioned, with its adcode.

Full names ("大足区", "资阳市") are matched directly; short forms ("大足", "遂宁") only where the
segmenter sees a whole word, and short forms that are also ordinary words or belong to several
divisions ("新建", "朝阳") only when the document is about their province. The document's region
(``doc._.region``, a province adcode) is the province its unambiguous mentions point to most.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, is_word_boundary, text_of
from extractors.context import everyday_name
from extractors.lexicons import Division, admin_divisions, read_entries
from kg.model.facts import District

__all__ = ["DistrictRecognizer", "district_candidates", "find_district_mentions"]


@cache
def district_candidates() -> dict[str, tuple[Division, ...]]:
    """Surface form → the divisions it may name (full names, short forms, 阿坝州-style forms)."""
    forms: dict[str, list[Division]] = {}
    for division in admin_divisions().values():
        for surface in {division.name, division.short, everyday_name(division)}:
            if len(surface) >= 2:
                forms.setdefault(surface, []).append(division)
    return {s: tuple(d) for s, d in forms.items()}


@cache
def _lengths_by_prefix() -> dict[str, tuple[int, ...]]:
    """For each two-character prefix of a surface form, the form lengths to try, longest first."""
    lengths: dict[str, set[int]] = {}
    for surface in district_candidates():
        lengths.setdefault(surface[:2], set()).add(len(surface))
    return {prefix: tuple(sorted(ls, reverse=True)) for prefix, ls in lengths.items()}


def find_district_mentions(text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
    """Leftmost-longest matches of any surface form, as (start, end, candidate divisions).

    One probe of a two-character prefix table per position (a 6,000-way regex is much slower).

    >>> [(s, e, [d.name for d in c]) for s, e, c in find_district_mentions("潼南区和遂宁")]
    [(0, 3, ['潼南区']), (4, 6, ['遂宁市'])]
    """
    forms, by_prefix = district_candidates(), _lengths_by_prefix()
    out = []
    i, n = 0, len(text)
    while i < n - 1:
        for length in by_prefix.get(text[i:i + 2], ()):
            candidates = forms.get(text[i:i + length]) if i + length <= n else None
            if candidates:
                out.append((i, i + length, candidates))
                i += length - 1
                break
        i += 1
    return out


class DistrictRecognizer:
    """Write ``doc.spans["districts"]`` (key = adcode) and :class:`District` facts; set ``doc._.region``."""

    def __init__(self, ambiguous_names: frozenset[str]) -> None:
        self.ambiguous = ambiguous_names

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        mentions = find_district_mentions(text)
        regions = self._regions(mentions)
        # cities and provinces this document names unambiguously
        context = {d.adcode for start, end, candidates in mentions for d in candidates
                         if len(candidates) == 1 and (d.level != "county" or d.name == text[start:end])}
        doc._.region = regions[0] if regions else None
        facts = facts_of(doc)
        for start, end, candidates in mentions:
            division = self._resolve(doc, start, end, candidates, regions, context)
            if division is None:
                continue
            surface = text[start:end]
            add_span(doc, "districts", start, end, "DISTRICT", key=division.adcode, kind=division.level)
            aliases = (surface,) if surface != division.name else ()
            facts.districts.append(District(division.adcode, division.name, division.parent, aliases,
                                            (evidence_for(doc, start, end),)))
        return doc

    def _regions(self, mentions: list[tuple[int, int, tuple[Division, ...]]]) -> list[str]:
        """The provinces the document is about, most mentioned first (川渝 news is about two)."""
        votes: Counter[str] = Counter()
        for _, _, candidates in mentions:
            provinces = {d.province for d in candidates}
            # a county's bare short form is too weak a clue to vote ("友好", "通道")
            if all(d.level == "county" and d.short != d.name for d in candidates) and \
                    not any(len(d.name) <= len(d.short) for d in candidates):
                continue
            if len(provinces) == 1 and candidates[0].short not in self.ambiguous:
                votes[provinces.pop()] += 1
        if not votes:
            return []
        top = votes.most_common(1)[0][1]
        return [p for p, n in votes.most_common() if n >= max(2, top // 5) or n == top]

    def _resolve(self, doc: Doc, start: int, end: int, candidates: tuple[Division, ...],
                 regions: list[str], context: set[str]) -> Division | None:
        surface = text_of(doc)[start:end]
        is_full = any(surface in (d.name, everyday_name(d)) for d in candidates)
        if is_full:
            candidates = tuple(d for d in candidates if surface in (d.name, everyday_name(d)))
            # a full name must start a word ("沿海城市" holds no 海城市); a two-character one
            # must also end one ("和县级" holds no 和县)
            if not is_word_boundary(doc, start) or (len(surface) <= 2 and not is_word_boundary(doc, end)):
                return None
        elif not (is_word_boundary(doc, start) and is_word_boundary(doc, end)):
            return None  # a short form inside a longer word: 长安杯, 广阳岛
        if not is_full:
            # a county's short form names it only where its city (or municipality), or its own
            # full name, is mentioned too
            candidates = tuple(d for d in candidates if d.level != "county" or d.parent in context
                               or d.adcode in context)
            if not candidates:
                return None
        if surface in self.ambiguous or len(candidates) > 1:
            local = tuple(d for d in candidates if d.province in regions)
            if not local:
                return None
            candidates = local
        if len(candidates) > 1:
            # prefer the higher level (成都 the city over a namesake county), else give up
            ranked = sorted(candidates, key=lambda d: ("province", "city", "county").index(d.level))
            if ranked[0].level == ranked[1].level:
                return None
            candidates = ranked[:1]
        return candidates[0]


@Language.factory("policykg_districts",
                  assigns=["doc.spans", "doc._.region", "doc._.facts", "span._.key", "span._.kind"],
                  default_config={"ambiguous_names": "ambiguous_district_names.txt"})
def make_district_recognizer(nlp: Language, name: str, ambiguous_names: str) -> DistrictRecognizer:
    return DistrictRecognizer(frozenset(read_entries(ambiguous_names)))
