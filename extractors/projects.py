"""Named construction and investment projects: hospitals being built, parks, railways, campuses.

A project name ends in a site suffix (医院, 院区, 产业园, 公园, 高铁 …, ``project_suffixes.tsv``) and
starts after a construction verb (推进, 打造, 共建 …) or a clause break. It counts only when its
sentence says the site is being built or funded (建设, 开工, 总投资 …, ``project_cues.txt``); vague
suffixes such as 中心 or 平台 also need the construction verb right before the name. A parenthesis
glued to the name ("某某国家文化公园(甲段)") is part of it; "A樱花谷和枫叶谷" shares A's head.

>>> from extractors.projects import find_projects
>>> [p.name for p in find_projects("加快推进甲乙中线高铁、某某茶旅示范园区等合作共建项目。")]
['甲乙中线高铁', '某某茶旅示范园区']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, sentence_bounds, text_of
from extractors.lexicons import alternation, read_entries, read_table
from extractors.measures import name_start
from kg.model.facts import Project

__all__ = ["ProjectExtractor", "ProjectMention", "find_projects"]

CJK = "\u4e00-\u9fff"
# words before a site name that make it an existing partner, not a project ("依托…医院")
LEAD_WORDS = ("依托", "接管", "联合", "成立", "编制", "推动", "支持", "优化提升", "优化", "提升")
NOT_IN_NAME = set("等在了是各")
# "A中心和B园区" lists two sites; "和平医院" does not
LIST_ENDINGS = ("中心", "基地", "平台", "园", "区", "城", "院", "村", "馆")
COUNT_RE = re.compile(r"[\d一二三四五六七八九十两]+[家个所座条项批]")
FUNCTION_STARTS = read_entries("project_function_starts.txt")
# words that may follow a project name directly ("…医院二期工程", "…医院暨…项目")
RIGHT_OK_WORDS = read_entries("project_right_ok_words.txt")
ACTIVITY_WORDS = ("改造", "扩建", "改扩建", "升级", "建设")  # what a project does, not its name
# a "…工程" is a project only when it names what is built (``project_works_words.txt``)
WORKS_WORDS = read_entries("project_works_words.txt")
# the next sentence still speaks of the project: "该项目总投资…", "项目全长…", "该产业园…"
ANAPHORA = ("该项目", "该工程", "项目", "工程", "该产业园", "该园区", "该基地")
PAREN_RE = re.compile(r"[（(][^（）()\n]{1,12}[）)]")
AMOUNT_OF = re.compile(r"[^，。；、]*?(?:元|亩|平方米|公顷)的")

# "2024年完工", "2025年6月底前建成投用": when a project is to be finished or opened
COMPLETION = re.compile(r"((?:19|20)\d\d)年(?:(\d{1,2})月)?(?:底|年底|上半年|下半年)?(?:前)?(?:全面|基本|正式)?"
                        rf"(?:{alternation('project_completion_verbs.txt')})")
# "由X投资建设" / "X主建" / "X承建": the organization that builds or runs the project
OPERATOR_AFTER_BY = re.compile(r"(?:负责)?(?:投资)?(?:建设|运营|承建|管理|主建)")
OPERATOR_AFTER = re.compile(r"(?:主建|承建|投资建设|负责建设|负责运营)")


@dataclass
class ProjectMention:
    """One mention of a project: [start, end) and its canonical name."""

    start: int
    end: int
    name: str
    aliases: tuple[str, ...] = ()


@cache
def _suffixes() -> tuple[tuple[str, str], ...]:
    rows = [(row[0], row[1]) for row in read_table("project_suffixes.tsv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@cache
def _suffix_regex() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s, _ in _suffixes()))


@cache
def _triggers() -> tuple[str, ...]:
    return tuple(sorted(read_entries("project_triggers.txt"), key=len, reverse=True))


@cache
def _boundary_words() -> tuple[str, ...]:
    """Words a name starts after: construction verbs and the measure component's verbs."""
    words = {*read_entries("project_triggers.txt"), *read_entries("measure_triggers.txt"), *LEAD_WORDS}
    return tuple(sorted(words, key=len, reverse=True))


def _right_ok(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    nxt = text[end]
    if not re.match(rf"[{CJK}0-9A-Za-z]", nxt):
        return True
    return text.startswith(RIGHT_OK_WORDS, end) or text.startswith(_triggers(), end)


def _clean_start(text: str, start: int, end: int) -> int:
    moved = True
    while moved and start < end:
        moved = False
        for word in (*_boundary_words(), *FUNCTION_STARTS):
            if text.startswith(word, start) and start + len(word) < end:
                start += len(word)
                moved = True
                break
    return start


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(max(text.rfind(c, 0, start) for c in "。！？；\n") + 1, 0)
    hi_candidates = [i for i in (text.find(c, end) for c in "。！？；\n") if i >= 0]
    return lo, min(hi_candidates) if hi_candidates else len(text)


def _sentence(text: str, start: int, end: int) -> str:
    lo, hi = _sentence_bounds(text, start, end)
    return text[lo:hi]


def _context(text: str, start: int, end: int) -> str:
    """The name's sentence, and the next one when it goes on about the project ("该项目总投资…",
    "项目全长28公里，概算投资…")."""
    lo, hi = _sentence_bounds(text, start, end)
    if text.startswith(ANAPHORA, hi + 1):
        hi = _sentence_bounds(text, hi + 1, hi + 1)[1]
    return text[lo:hi]


def _continued_with_money(text: str, start: int, end: int) -> bool:
    hi = _sentence_bounds(text, start, end)[1]
    return text.startswith(ANAPHORA, hi + 1) and "元" in _sentence(text, hi + 1, hi + 1)


def _has_cue(text: str, start: int, end: int) -> bool:
    """A construction / investment cue in the sentence, or "建设" right after the name."""
    if text.startswith("建设", end):
        return True
    context = _context(text, start, end)
    return any(cue in context for cue in read_entries("project_cues.txt"))


def find_projects(text: str) -> list[ProjectMention]:
    """Every named project mention in ``text``, in text order.

    >>> [p.name for p in find_projects("新建院区（某区中医院东城院区）计划投资约13亿元。")]
    ['某区中医院东城院区']
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
        need = dict(_suffixes())[m.group()]
        found = name_start(text, m.start(), min_core=2, max_core=24, clause_max=20,
                           triggers=_boundary_words())
        if found is None:
            continue
        start, by_verb = found
        if by_verb and text[start:m.start()] in ACTIVITY_WORDS:
            # "…旅游公路提升|改造项目": the verb before a bare activity word is part of the name
            trigger = next((w for w in _boundary_words() if text.endswith(w, 0, start)), "")
            found = name_start(text, start - len(trigger), min_core=1, max_core=24, clause_max=20,
                               triggers=_boundary_words())
            if found is None:
                continue
            start, by_verb = found
        if by_verb and text[:start].endswith(LEAD_WORDS):
            continue
        # a vague ending needs a construction verb before the name, or the next sentence going on
        # about its investment ("调研了某某项目。项目…概算投资约1.2亿元")
        if need in ("verb", "money") and not (by_verb and text[:start].endswith(_triggers())) and \
                not _continued_with_money(text, m.start(), name_end):
            continue
        start = _clean_start(text, start, m.start())
        # "调研了某某项目": a verb phrase ends at 了, the name starts after it
        start = max(start, text.rfind("了", start, m.start()) + 1)
        # "总投资8.5亿元的某某度假区": an amount or area describing the project is not part of its name
        described = AMOUNT_OF.search(text, start, m.start())
        if described is not None:
            start = described.end()
        core = text[start:m.start()]
        min_core = 2 if len(m.group()) >= 3 else 3
        if len(core) < min_core or core in generic or "的" in core or COUNT_RE.search(core) \
                or any(c in NOT_IN_NAME for c in core) or not re.fullmatch(rf"[{CJK}0-9A-Za-z·]+", core):
            continue
        if any(c == "和" and core[:i].endswith((*(x for x, _ in _suffixes()), *LIST_ENDINGS))
               for i, c in enumerate(core)):
            continue
        if core[-2:] in generic and m.group() in ("院区", "园区", "校区"):
            continue  # "过渡院区", "新建院区": a part of the hospital named before it
        if not _has_cue(text, start, name_end):
            continue
        if need == "money" and "元" not in _context(text, start, name_end):
            continue
        if need == "works" and not any(word in core for word in WORKS_WORDS):
            continue  # "民心工程" is a program; "城乡供水一体化工程" is built
        name = text[start:name_end]
        aliases: tuple[str, ...] = ()
        if paren:
            aliases = (text[start:end],)
        if text.startswith("项目", name_end) and not name.endswith("项目"):
            aliases = (*aliases, name + "项目")  # "某某度假区项目" names the same project
        # "X医院暨区域医疗中心项目": the longer form names the same project
        joint = re.match(rf"暨[{CJK}]{{2,20}}?项目", text[name_end:])
        if joint:
            aliases = (*aliases, name + joint.group())
        out.append(ProjectMention(start, name_end, name, aliases))
        # "某某樱花谷和枫叶谷": the second item shares the first one's head
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


def _operator(doc: Doc, start: int, end: int) -> str | None:
    """Who builds or runs the project, in its sentence: "由X（投资）建设/运营", "X主建/承建"."""
    text = text_of(doc)
    sent_start, sent_end = sentence_bounds(doc, start)
    for span in doc.spans.get("orgs", []):
        if sent_start <= span.start and span.end <= sent_end and not (start <= span.start < end):
            before, after = text[max(sent_start, span.start - 1):span.start], text[span.end:span.end + 6]
            if (before == "由" and OPERATOR_AFTER_BY.match(after)) or OPERATOR_AFTER.match(after):
                return span._.key
    return None


def _planned_completion(doc: Doc, start: int) -> str | None:
    """"2024年完工", "预计2025年6月建成投用" in the project's sentence or the next one."""
    text = text_of(doc)
    _, sent_end = sentence_bounds(doc, start)
    _, next_end = sentence_bounds(doc, sent_end) if sent_end < len(text) else (sent_end, sent_end)
    m = COMPLETION.search(text, start, next_end)
    if m is None:
        return None
    year, month = m.group(1), m.group(2)
    return f"{year}-{int(month):02d}" if month else year


def _district(doc: Doc, start: int, end: int) -> str | None:
    """Where the project is: "位于<district>" in its sentence, else the sentence's first district
    before the name, else its first county after the name, else the last district inside the name."""
    if "districts" not in doc.spans:
        return None
    text = text_of(doc)
    sent_start, sent_end = sentence_bounds(doc, start)
    spans = [s for s in doc.spans["districts"] if sent_start <= s.start and s.end <= sent_end]
    for s in spans:
        if text[max(0, s.start - 2):s.start] == "位于":
            return s._.key
    outside = [s for s in spans if not (start <= s.start < end) and s.end <= start]
    if outside:
        return outside[0]._.key
    # "某省中医院某市医院…某某区人民政府主建": a county named later in the sentence is more
    # precise than the city inside the name
    later = [s for s in spans if s.start >= end and s._.kind == "county"]
    if later:
        return later[0]._.key
    inside = [s for s in spans if start <= s.start and s.end <= end]
    return inside[-1]._.key if inside else None


# "某某新材料有限公司年产5万吨锂电池隔膜项目": a company, what it makes or builds, 项目
COMPANY_PROJECT = re.compile(rf"[{CJK}0-9A-Za-z．.]{{2,24}}?项目")


def _company_projects(doc: Doc, taken: list[tuple[int, int]]) -> list[ProjectMention]:
    """Projects named by an enterprise and its product: "<company>年产X吨Y项目" (needs a cue)."""
    text = text_of(doc)
    out: list[ProjectMention] = []
    for org in doc.spans.get("orgs", []):
        if org._.kind != "enterprise":
            continue
        m = COMPANY_PROJECT.match(text, org.end)
        if m is None or any(s < m.end() and org.start < e for s, e in taken):
            continue
        product = text[org.end:m.end()]
        if len(product) < 4 or "的" in product or not _has_cue(text, org.start, m.end()):
            continue
        out.append(ProjectMention(org.start, m.end(), text[org.start:m.end()], (product,)))
    return out


class ProjectExtractor:
    """Write ``doc.spans["projects"]`` (key = canonical name) and :class:`Project` facts."""

    def __call__(self, doc: Doc) -> Doc:
        if "projects" not in doc.spans:
            doc.spans["projects"] = []
        taken = [(s.start, s.end) for s in doc.spans["measures"]] if "measures" in doc.spans else []
        facts = facts_of(doc)
        found = find_projects(text_of(doc))
        found += _company_projects(doc, taken + [(p.start, p.end) for p in found])
        for p in found:
            # a project named inside a measure's name ("…文化公园建设实施方案") is the measure's topic
            if any(s <= p.start and p.end <= e and (s, e) != (p.start, p.end) for s, e in taken):
                continue
            add_span(doc, "projects", p.start, p.end, "PROJECT", key=p.name, kind="Project")
            facts.projects.append(Project(name=p.name, aliases=p.aliases,
                                          district=_district(doc, p.start, p.end),
                                          evidence=(evidence_for(doc, p.start, p.end),),
                                          operator=_operator(doc, p.start, p.end),
                                          planned_completion=_planned_completion(doc, p.start)))
        return doc


@Language.factory("policykg_projects", assigns=["doc.spans", "doc._.facts", "span._.key", "span._.kind"])
def make_project_extractor(nlp: Language, name: str) -> ProjectExtractor:
    """The ``policykg_projects`` pipeline component."""
    return ProjectExtractor()

