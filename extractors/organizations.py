"""Organizations: district organs, departments, central organs and suffix-named bodies.

Three patterns, each giving a canonical name plus the surface forms as aliases:

* district organs — a district (or a bare 区/市/县/省 that refers to one) followed by 委, 人民政府,
  政府, 人大常委会 or 政协: "大足区委", "市政府" → 重庆市人民政府;
* departments — a district prefix and a department from ``departments.tsv``: "市人力社保局" →
  重庆市人力资源和社会保障局;
* named bodies — a name ending in a suffix from ``org_suffixes.tsv`` ("…有限公司", "…日报",
  "…领导小组"), extended leftwards to a boundary. A bare suffix ("领导小组") refers back to the
  latest full name with that suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import (
    add_span,
    evidence_for,
    facts_of,
    is_word_boundary,
    joins_nouns,
    text_of,
    verb_in_compound,
)
from extractors.context import LEVEL_CHARS, local_district, organ_names
from extractors.lexicons import CLAUSE_TAGS, TERM_NUMBER, admin_divisions, read_entries, read_table, word_tags
from kg.model.facts import Organization

__all__ = ["OrganizationRecognizer"]

ORGANS = (("人民代表大会常务委员会", "congress"), ("人大常委会", "congress"), ("人民政府", "government"),
          ("政府", "government"),
          ("政协", "cppcc"), ("委", "party"))
CJK = r"\u4e00-\u9fff"
NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9（）()·]")
MAX_NAME = 24
# two to eight plain characters and 厅/局: 文化和旅游厅, 广播电视局 (no function words inside)
UNLISTED_DEPARTMENT = re.compile(r"(?:(?![的是在了与及或等将对为])[\u4e00-\u9fff]){2,8}?[厅局]")
COUNTED = re.compile(r"[0-9０-９一二三四五六七八九十百千万几多]+[个家所名批项类位支座级]")  # "8个产业联盟"
PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nt", "nz", "j", "eng"})
GENERIC_LEVEL_LEADS = "各辖级"
# a newspaper's dateline: its name, then optionally the place and date of the report, then 讯
DATELINE = re.compile(r"([\u4e00-\u9fff]{2,5}报)(?:[\u4e00-\u9fff]{2,4}[0-9０-９一二三四五六七八九十]{1,3}月"
                      r"[0-9０-９一二三四五六七八九十]{1,3}日)?讯")
ORDINAL = re.compile(r"第[一二三四五六七八九十]+")  # "第一附属医院": an ordinal inside a name
TASK_NAMED = frozenset({"领导小组", "工作领导小组", "委员会", "管委会", "管理委员会"})


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    name: str
    kind: str
    aliases: tuple[str, ...]
    district: str | None


class OrganizationRecognizer:
    """Write ``doc.spans["orgs"]`` (key = canonical name, kind = org kind) and Organization facts."""

    def __init__(self, suffixes: dict[str, str], departments: dict[str, str],
                 central: dict[str, tuple[str, tuple[str, ...]]], stopwords: frozenset[str],
                 openers: frozenset[str], not_departments: tuple[str, ...]) -> None:
        self.openers = openers
        self.openers_tuple = tuple(openers)
        self.not_departments = not_departments
        self.suffixes = suffixes
        self.departments = departments
        self.central = central
        self.central_alias = {a: n for n, (_, aliases) in central.items() for a in (n, *aliases)}
        self.stopwords = stopwords
        alternatives = sorted({*self.central_alias, *suffixes}, key=len, reverse=True)
        self.named_re = re.compile("|".join(map(re.escape, alternatives)))
        dept = "|".join(map(re.escape, sorted(departments, key=len, reverse=True)))
        self.dept_re = re.compile(rf"(?:委)?(?:{dept})")
        self.organ_re = re.compile("|".join(re.escape(o) for o, _ in ORGANS))

    def __call__(self, doc: Doc) -> Doc:
        found: list[_Found] = []
        found += self._district_bodies(doc)
        found += self._outermost(doc, self._named_bodies(doc, taken=found))
        found += self._newspapers(doc, taken=found)
        facts = facts_of(doc)
        for f in sorted(found, key=lambda f: f.start):
            add_span(doc, "orgs", f.start, f.end, "ORG", key=f.name, kind=f.kind)
            facts.organizations.append(Organization(f.name, f.kind, f.aliases, f.district,
                                                    (evidence_for(doc, f.start, f.end),)))
        return doc

    # -- district organs and departments -------------------------------------------------------
    def _district_bodies(self, doc: Doc) -> list[_Found]:
        text, divisions = text_of(doc), admin_divisions()
        out: list[_Found] = []
        anchors: list[tuple[int, int, str | None, str]] = []  # (start, end-of-prefix, adcode, level char)
        for span in doc.spans.get("districts", []):
            division = divisions[span._.key]
            end = span.end
            level = division.name[-1]
            if span.text != division.name and text[end:end + 1] == level:
                end += 1  # short form followed by its level: 大足 + 区委
            anchors.append((span.start, end, division.adcode, level))
        covered = {i for a in anchors for i in range(a[0], a[1])}
        for m in re.finditer(r"[省市州区县]", text):
            i = m.start()
            if i not in covered and is_word_boundary(doc, i):
                anchors.append((i, i + 1, None, m.group()))
        for start, end, adcode, level in sorted(anchors):
            rest = text[end:end + 16]
            term = TERM_NUMBER.match(rest)  # "襄阳市第十八届人大常委会": the term is no part of the organ's name
            if term and self.organ_re.match(rest, term.end()):
                end, rest = end + term.end(), text[end + term.end():end + term.end() + 16]
            if adcode is None and (level not in LEVEL_CHARS or text[start - 1:start] in GENERIC_LEVEL_LEADS):
                continue  # "各市政府", "省辖市人民政府", "县级市": every such division, not one
            division = divisions[adcode] if adcode else local_district(doc, start, level)
            if division is None:
                continue
            if start >= 2 and text[start - 2:start] == "中共":
                start -= 2
            dept = self.dept_re.match(rest) or self._unlisted_department(doc, end)
            organ = self.organ_re.match(rest)
            if dept and (not organ or len(dept.group()) > len(organ.group())):
                short = dept.group()
                party_dept = short.startswith("委") and short[1:] in self.departments
                full = self.departments.get(short[1:] if party_dept else short, short)
                prefix = division.name + ("委" if party_dept else "")
                name = prefix + full
                surface = text[start:end + len(short)]
                aliases = tuple(dict.fromkeys(a for a in (prefix + short.removeprefix("委"), surface) if a != name))
                out.append(_Found(start, end + len(short), name, "party" if party_dept else "government",
                                  aliases, division.adcode))
            elif organ:
                word = organ.group()
                after = text[end + len(word):end + len(word) + 1]
                if word == "委" and after == "员":
                    continue  # 委员 (a member), not 委 (the committee)
                kind = dict(ORGANS)[word]
                name, aliases = organ_names(division, kind)
                surface = text[start:end + len(word)]
                aliases = tuple(dict.fromkeys(a for a in (*aliases, surface) if a != name))
                out.append(_Found(start, end + len(word), name, kind, aliases, division.adcode))
        return out

    def _unlisted_department(self, doc: Doc, pos: int) -> re.Match[str] | None:
        """A department the lexicon lacks, named plainly after its district: "省广播电视局"."""
        if not is_word_boundary(doc, pos):
            return None  # "省市场监督管理局": 市 opens the word 市场, not a department of a 市
        m = UNLISTED_DEPARTMENT.match(text_of(doc), pos)
        if m is None or not is_word_boundary(doc, m.end()) or m.group().endswith(self.not_departments):
            return None
        return m

    # -- central organs and suffix-named bodies -------------------------------------------------
    def _named_bodies(self, doc: Doc, taken: list[_Found]) -> list[_Found]:
        text = text_of(doc)
        occupied = bytearray(len(text) + 1)
        for f in taken:
            occupied[f.start:f.end] = b"\x01" * (f.end - f.start)
        out: list[_Found] = []
        latest_by_suffix: dict[str, _Found] = {}
        for m in self.named_re.finditer(text):
            word, end = m.group(), m.end()
            if occupied[m.start()]:
                continue  # the ending of a district organ already named ("…人民代表大会常务委员会")
            if word in self.central_alias:
                name = self.central_alias[word]
                kind = self.central[name][0]
                if is_word_boundary(doc, m.start()) or text[m.start() - 2:m.start()] == "中共":
                    out.append(_Found(m.start(), end, name, kind,
                                      (word,) if word != name else (), None))
                continue
            # committees and groups are named after their task: "…推动…建设领导小组"
            start = self._left_boundary(doc, m.start(), occupied, verbs_inside=word in TASK_NAMED)
            start = self._model_left_edge(doc, start, m.start(), end, occupied)
            kind = self.suffixes[word]
            organ_prefix = next((f for f in taken if f.start == start and f.end < end), None)
            if start != m.start() and organ_prefix is None:
                start = self._trim_to_place(doc, start, m.start())
                if not self._is_specific(doc, start, m.start()):
                    continue
            if start == m.start():  # a bare suffix: the latest full name with it, if any
                prior = latest_by_suffix.get(word)
                if prior is not None:
                    out.append(_Found(m.start(), end, prior.name, prior.kind, (), prior.district))
                continue
            name = text[start:end]
            district = None
            # a name opening with a district organ ("区委全面依法治区委员会") takes that organ's district
            if organ_prefix is not None:
                name = organ_prefix.name + text[organ_prefix.end:end]
                district = organ_prefix.district
            found = _Found(start, end, name, kind, (text[start:end],) if name != text[start:end] else (),
                           district)
            out.append(found)
            for suffix in self.suffixes:  # "…工作领导小组" is also the latest "…领导小组"
                if word.endswith(suffix):
                    latest_by_suffix[suffix] = found
        return out

    def _outermost(self, doc: Doc, found: list[_Found]) -> list[_Found]:
        """Of names nested at one start ("华中科技大学" ⊂ "华中科技大学同济医学院附属协和医院"), keep
        the longest — unless it is a branch named parent + place ("浙江省中医院成都医院"), which
        is left to the project recognizer while the parent stays an organization."""
        by_start: dict[int, list[_Found]] = {}
        for f in found:
            by_start.setdefault(f.start, []).append(f)
        places = {(s.start, s.end) for s in doc.spans.get("districts", [])}
        kept = []
        for group in by_start.values():
            group.sort(key=lambda f: f.end)
            outer = group[-1]
            if len(group) > 1:
                parent = group[-2]
                tail = text_of(doc)[parent.end:outer.end]
                if any(parent.end == a and b < outer.end for a, b in places) and len(tail) <= 6:
                    outer = parent
            kept.append(outer)
        return kept

    def _newspapers(self, doc: Doc, taken: list[_Found]) -> list[_Found]:
        """A dateline names the newspaper: "新渝报讯", "东川日报东川3月5日讯" ("…讯（记者…）")."""
        spans = {(f.start, f.end) for f in taken}
        out = []
        for m in DATELINE.finditer(text_of(doc)):
            start = self._left_boundary(doc, m.end(1) - 1, bytearray(len(text_of(doc)) + 1))
            if m.end(1) - start >= 3 and (start, m.end(1)) not in spans:
                name = text_of(doc)[start:m.end(1)]
                out.append(_Found(start, m.end(1), name, "media", (), None))
        return out

    def _left_boundary(self, doc: Doc, suffix_start: int, occupied: bytearray, verbs_inside: bool = False) -> int:
        """Extend a name leftwards from its suffix, a segmenter word at a time, up to punctuation,
        a stopword, a verb/adverb/numeral (by the POS lexicon) or MAX_NAME characters."""
        text, tags = text_of(doc), word_tags()
        place_ends = {s.end for s in doc.spans.get("districts", [])}
        start = suffix_start
        limit = max(0, suffix_start - MAX_NAME)
        depth = 0
        while start > limit and NAME_CHAR.match(text[start - 1]):
            if text[start - 1] in ")）":
                depth += 1
            elif text[start - 1] in "(（":
                if depth == 0:
                    break  # an unclosed bracket opens a parenthesis, not the name
                depth -= 1
            word_start = self._word_start(doc, start, limit)
            word = text[word_start:start]
            if (word in self.stopwords or (not verbs_inside and tags.get(word) in CLAUSE_TAGS
                                           and not ORDINAL.fullmatch(word)
                                           and not verb_in_compound(doc, limit, word_start, start, self.stopwords))) \
                    and word != "驻" and not joins_nouns(doc, limit, word_start, start):
                break  # (驻 names an office "驻粤办事处"; "科技及工业局" joins two nouns)
            start = word_start
            # a national opener (中共, 国家 ...) begins the name unless a place leads it in
            # ("重庆市国家文化公园…" yes; "…团审议中共中央…" stops at 中共)
            if text.startswith(self.openers_tuple, start) and start not in place_ends:
                break
        return start

    def _model_left_edge(self, doc: Doc, start: int, suffix_start: int, end: int, occupied: bytearray) -> int:
        """Where the tagger's ORG word ending at ``end`` opens: the model sees where a clause stops
        and a name begins ("…团审议|中共中央…"). A narrower model word wins; a wider one only when
        the words it adds are name words, not a verb or function word ("探索安委办")."""
        for w_start, w_end, tag, _conf in getattr(doc._, "lac_words", None) or ():
            if tag != "ORG" or w_end != end or w_start >= suffix_start:
                continue
            if w_start > start or (w_start < start and not any(occupied[w_start:start])
                                   and self._name_words(doc, w_start, start)):
                return w_start
        return start

    def _name_words(self, doc: Doc, start: int, end: int) -> bool:
        """Whether every segmenter word in ``[start, end)`` may be part of a name."""
        text, tags = text_of(doc), word_tags()
        pos = start
        while pos < end:
            nxt = pos + 1
            while nxt < end and not is_word_boundary(doc, nxt):
                nxt += 1
            word = text[pos:nxt]
            if word in self.stopwords or tags.get(word) in CLAUSE_TAGS or not NAME_CHAR.match(word):
                return False
            pos = nxt
        return True

    @staticmethod
    def _word_start(doc: Doc, end: int, limit: int) -> int:
        """Start of the segmenter word that ends at ``end`` (not before ``limit``)."""
        text, start = text_of(doc), end - 1
        while start > limit and not is_word_boundary(doc, start) and NAME_CHAR.match(text[start - 1]):
            start -= 1
        return start

    def _is_specific(self, doc: Doc, start: int, suffix_start: int) -> bool:
        """A name, not a description: "重庆科技学院" yes; "县级医院", "8个产业联盟" no.

        A name opens with a place, a proper noun, an out-of-vocabulary word (brand names such as
        康泰) or one of the national openers (国家, 中国 ...); a description opens with a common word.
        """
        head = text_of(doc)[start:suffix_start]
        if not head or COUNTED.match(head) or head[0] in "各该本这那其每":
            return False
        if any(s.start == start for s in doc.spans.get("districts", [])):
            return True
        first = self._first_word(doc, start, suffix_start)
        tag = word_tags().get(first)
        return tag is None or tag in PROPER_TAGS or first in self.openers

    @staticmethod
    def _first_word(doc: Doc, start: int, end: int) -> str:
        i = start + 1
        while i < end and not is_word_boundary(doc, i):
            i += 1
        return text_of(doc)[start:i]

    def _trim_to_place(self, doc: Doc, start: int, suffix_start: int) -> int:
        """"回引西南大学" → "西南大学": a short unknown lead-in before a place word is not the name."""
        for i in range(start + 1, min(start + 3, suffix_start)):
            if is_word_boundary(doc, i):
                word = self._first_word(doc, i, suffix_start)
                if any(s.start == i for s in doc.spans.get("districts", [])) or word_tags().get(word) == "ns":
                    lead = text_of(doc)[start:i]
                    if word_tags().get(lead) not in PROPER_TAGS:
                        return i
        return start


@Language.factory("policykg_organizations",
                  assigns=["doc.spans", "doc._.facts", "span._.key", "span._.kind"], default_config={
    "suffixes": "org_suffixes.tsv", "departments": "departments.tsv",
    "central_organs": "central_organs.tsv", "stopwords": "org_stopwords.txt", "openers": "org_openers.txt",
    "not_departments": "not_departments.txt"})
def make_organization_recognizer(nlp: Language, name: str, suffixes: str, departments: str,
                                 central_organs: str, stopwords: str, openers: str,
                                 not_departments: str) -> OrganizationRecognizer:
    central = {row[0]: (row[1], tuple(a for a in (row[2].split(",") if len(row) > 2 else []) if a))
               for row in read_table(central_organs)}
    return OrganizationRecognizer(dict(read_table(suffixes)), dict(read_table(departments)), central,
                                  frozenset(read_entries(stopwords)), frozenset(read_entries(openers)),
                                  read_entries(not_departments))
