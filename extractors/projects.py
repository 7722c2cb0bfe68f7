"""Named construction and investment projects: hospitals being built, parks, railways, campuses.

A project name ends in a site suffix (医院, 院区, 产业园, 公园, 高铁 …, ``project_suffixes.tsv``) and
starts after a construction verb (推进, 打造, 共建 …) or a clause break. It counts only when its
sentence says the site is being built or funded (建设, 开工, 总投资 …, ``project_cues.txt``); vague
suffixes such as 中心 or 平台 also need the construction verb right before the name. A parenthesis
glued to the name ("长江国家文化公园(重庆段)") is part of it; "A熊猫谷和玫瑰谷" shares A's head.

>>> from extractors.projects import find_projects
>>> [p.name for p in find_projects("加快推进成渝中线高铁、大安粮药示范园区等合作共建项目。")]
['成渝中线高铁', '大安粮药示范园区']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, sentence_bounds
from extractors.lexicons import read_entries, read_table
from extractors.measures import name_start
from kg.facts import Project

__all__ = ["ProjectExtractor", "ProjectMention", "find_projects"]

CJK = "\u4e00-\u9fff"
FUNCTION_STARTS = ("这", "该", "此", "各", "其", "本", "我", "等", "和", "与", "及", "并", "将", "要",
                   "的", "了", "加快", "全力", "积极", "共同", "持续", "大力", "正式", "还", "也", "在")
# words that may follow a project name directly ("…医院二期工程", "…医院暨…项目")
RIGHT_OK_WORDS = ("一期", "二期", "三期", "项目", "工程", "建设", "暨", "位于", "总投资", "计划投资", "按",
                  "于", "和", "与", "及", "等", "的", "是", "已", "将", "正式", "目前", "开工", "建成",
                  "投用", "完工", "占地")
PAREN_RE = re.compile(r"[（(][^（）()\n]{1,12}[）)]")


@dataclass
class ProjectMention:
    """One mention of a project: [start, end) and its canonical name."""

    start: int
    end: int
    name: str
    aliases: tuple[str, ...] = ()


@cache
def _suffixes() -> tuple[tuple[str, bool], ...]:
    rows = [(row[0], row[1] == "yes") for row in read_table("project_suffixes.tsv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@cache
def _suffix_regex() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s, _ in _suffixes()))


@cache
def _triggers() -> tuple[str, ...]:
    return tuple(sorted(read_entries("project_triggers.txt"), key=len, reverse=True))


def _needs_verb(suffix: str) -> bool:
    return dict(_suffixes())[suffix]


def _right_ok(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    nxt = text[end]
    if not re.match(rf"[{CJK}0-9A-Za-z]", nxt):
        return True
    return text.startswith(RIGHT_OK_WORDS, end) or any(text.startswith(t, end) for t in _triggers())


def _clean_start(text: str, start: int, end: int) -> int:
    moved = True
    while moved and start < end:
        moved = False
        for word in (*_triggers(), *FUNCTION_STARTS):
            if text.startswith(word, start) and start + len(word) < end:
                start += len(word)
                moved = True
                break
    return start


def _sentence_has_cue(text: str, start: int, end: int) -> bool:
    lo = max(max(text.rfind(c, 0, start) for c in "。！？；\n") + 1, 0)
    hi_candidates = [i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0]
    hi = min(hi_candidates) if hi_candidates else len(text)
    sentence = text[lo:hi]
    return any(cue in sentence for cue in read_entries("project_cues.txt"))


def find_projects(text: str) -> list[ProjectMention]:
    """Every named project mention in ``text``, in text order.

    >>> [p.name for p in find_projects("新建院区（北碚区中医院蔡家院区）计划投资约13亿元。")]
    ['北碚区中医院蔡家院区']
    >>> find_projects("北碚区中医院是一家医院。")
    []
    """
    generic = set(read_entries("project_generic_modifiers.txt"))
    out: list[ProjectMention] = []
    for m in _suffix_regex().finditer(text):
        end = m.end()
        paren = PAREN_RE.match(text, end)
        name_end = paren.end() if paren else end
        if not _right_ok(text, name_end):
            continue
        needs_verb = _needs_verb(m.group())
        found = name_start(text, m.start(), min_core=2, max_core=24, clause_max=20, triggers=_triggers())
        if found is None:
            continue
        start, by_verb = found
        if needs_verb and not by_verb:
            continue
        start = _clean_start(text, start, m.start())
        core = text[start:m.start()]
        if len(core) < 2 or core in generic or "的" in core or not re.fullmatch(rf"[{CJK}0-9A-Za-z·]+", core):
            continue
        if not _sentence_has_cue(text, start, name_end):
            continue
        name = text[start:name_end]
        aliases: tuple[str, ...] = ()
        if paren:
            aliases = (text[start:end],)
        # "X医院暨国家区域医疗中心项目": the longer form names the same project
        joint = re.match(rf"暨[{CJK}]{{2,20}}?项目", text[name_end:])
        if joint:
            aliases = (*aliases, name + joint.group())
        out.append(ProjectMention(start, name_end, name, aliases))
        # "绵竹熊猫谷和玫瑰谷": the second item shares the first one's head
        share = re.match(rf"[和、与及]([{CJK}]{{1,4}}{re.escape(m.group())})(?![{CJK}])", text[name_end:])
        if share and not paren:
            short = share.group(1)
            if len(name) > len(short):
                s2 = name_end + 1
                out.append(ProjectMention(s2, s2 + len(short), name[:len(name) - len(short)] + short, (short,)))
    # drop a mention inside a longer one (the longer name is the project)
    out.sort(key=lambda p: (p.start, -p.end))
    kept: list[ProjectMention] = []
    for p in out:
        if kept and p.start < kept[-1].end and p.end <= kept[-1].end:
            continue
        kept.append(p)
    return kept


def _district(doc: Doc, start: int, end: int) -> str | None:
    """Where the project is: "位于<district>" in its sentence, else the sentence's first district
    outside the name, else the last district inside the name."""
    if "districts" not in doc.spans:
        return None
    text = doc.text
    sent_start, sent_end = sentence_bounds(doc, start)
    spans = [s for s in doc.spans["districts"] if sent_start <= s.start and s.end <= sent_end]
    for s in spans:
        if text[max(0, s.start - 2):s.start] == "位于":
            return s._.key
    outside = [s for s in spans if not (start <= s.start < end) and s.end <= start]
    if outside:
        return outside[0]._.key
    inside = [s for s in spans if start <= s.start and s.end <= end]
    return inside[-1]._.key if inside else None


class ProjectExtractor:
    """Write ``doc.spans["projects"]`` (key = canonical name) and :class:`Project` facts."""

    def __call__(self, doc: Doc) -> Doc:
        if "projects" not in doc.spans:
            doc.spans["projects"] = []
        taken = [(s.start, s.end) for s in doc.spans["measures"]] if "measures" in doc.spans else []
        facts = facts_of(doc)
        for p in find_projects(doc.text):
            # a project named inside a measure's name ("…文化公园建设实施方案") is the measure's topic
            if any(s <= p.start and p.end <= e and (s, e) != (p.start, p.end) for s, e in taken):
                continue
            add_span(doc, "projects", p.start, p.end, "PROJECT", key=p.name, kind="Project")
            facts.projects.append(Project(name=p.name, aliases=p.aliases,
                                          district=_district(doc, p.start, p.end),
                                          evidence=(evidence_for(doc, p.start, p.end),)))
        return doc


@Language.factory("policykg_projects")
def make_project_extractor(nlp: Language, name: str) -> ProjectExtractor:
    """The ``policykg_projects`` pipeline component."""
    return ProjectExtractor()

