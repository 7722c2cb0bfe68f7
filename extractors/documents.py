"""A text that is itself a policy document: its title, 文号 and numbered clauses.

A policy document (若干政策措施, 实施办法, 通知 …) names no measure in 《》 for its own body, so
without this component every amount of its clauses would hang on the city. It is recognized by a
title line near the top whose ending is a document genre (``policy_document_endings.txt``) plus
either a 文号 ("某政发〔2019〕1号") or at least :data:`MIN_CLAUSES` numbered clause lines
(一、 / （一） / １． / 1. / 第X条). The document becomes a measure (``pkg:PolicyDocument`` unless its
name says plan, …) labelled by its title; a notice that only issues another text ("X关于印发《Y》的
通知") is labelled Y, with the notice's full title as an alias; the 文号 is its
``pkg:documentNumber`` and an alias. The money component then attaches an amount of the document
that names no measure or project of its own to the document (GUIDELINES.md "Adjudication").

With ``clause_measures`` on, a headed clause ("（一）支持企业创建高端研发平台。") is a measure of its
own, ``dcterms:isPartOf`` the document, and owns the amounts in it (the guidelines let a graph
make headings measures or not: off by default).

>>> header = find_policy_document("某市人民政府关于印发《某市促进制造业若干政策措施》的通知\\n某政发〔2021〕7号\\n")
>>> header.name, header.number
('某市促进制造业若干政策措施', '某政发〔2021〕7号')
>>> header.aliases
('某市人民政府关于印发《某市促进制造业若干政策措施》的通知', '某政发〔2021〕7号')
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, text_of
from extractors.lexicons import read_entries
from extractors.measures import classify_measure
from kg.model.facts import Measure

__all__ = ["Clause", "DocumentExtractor", "PolicyDocumentHeader", "clause_owner", "find_clauses",
           "find_policy_document"]

#: numbered clause lines a text needs (without a 文号) to count as a policy document
MIN_CLAUSES = 3
HEAD_LINES = 12  # the title is among the first lines
MAX_TITLE = 80
MAX_HEADING = 30
_CN = "一二三四五六七八九十百零〇"
# "一、", "（一）", "(一)", "１．", "1.", "1、", "第五条": level 1, 2, 3, 4 (articles are level 1)
CLAUSE_NUMBER = re.compile(
    rf"^[ \t\u3000]*(?:(?P<l1>[{_CN}]+、)|(?P<l2>[（(][{_CN}]+[）)])|(?P<l3>[0-9０-９]{{1,2}}[．.、](?![0-9０-９]))"
    rf"|(?P<l4>[（(][0-9０-９]{{1,2}}[）)])|(?P<art>第[{_CN}0-9]+条))", re.M)
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*(?:第\s*)?\d{1,4}\s*号")
ISSUING_NOTICE = re.compile(r"^(?P<issuer>.*?)关于(?:印发|转发|发布|公布)《?(?P<inner>.+?)》?的通知$")
VERSION_TAIL = re.compile(r"[（(](?:试行|暂行|征求意见稿|送审稿|修订|修订稿|草案)[）)]$")
SENTENCE_PUNCT = re.compile(r"[。；！？!?;]")
CLAUSE_MEASURES_KEY = "policykg.clause_measures"


@dataclass(frozen=True)
class PolicyDocumentHeader:
    """The document a text is: its name, aliases, 文号 and where the title and issuer are written.

    Offsets are into the text the header was found in (None when it came from elsewhere, as for a
    later chunk of a long document)."""

    name: str
    aliases: tuple[str, ...] = ()
    number: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    issuer_end: int | None = None  # the issuer is written in [title_start, issuer_end)

    def without_offsets(self) -> PolicyDocumentHeader:
        return PolicyDocumentHeader(self.name, self.aliases, self.number)


@dataclass(frozen=True)
class Clause:
    """A numbered clause: where its number starts, its level and its heading, if it has one."""

    start: int
    level: int
    number: str
    heading: str | None = None
    heading_start: int | None = None


@cache
def _endings() -> tuple[str, ...]:
    return tuple(sorted(read_entries("policy_document_endings.txt"), key=len, reverse=True))


def _is_title(line: str) -> bool:
    bare = VERSION_TAIL.sub("", line.strip("《》 \t\u3000#"))
    return (6 <= len(bare) <= MAX_TITLE and not SENTENCE_PUNCT.search(bare) and "，" not in bare
            and bare.endswith(_endings()))


def _title(text: str) -> tuple[int, int] | None:
    """[start, end) of the title among the first lines (a title broken over two lines is joined)."""
    lines, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line)))
        pos += len(line) + 1
        if len(lines) >= HEAD_LINES:
            break
    for i, (start, end) in enumerate(lines):
        line = text[start:end]
        if _is_title(line):
            return start, end
        if i + 1 < len(lines) and not SENTENCE_PUNCT.search(line) and len(line.strip()) < MAX_TITLE:
            joined = line.strip() + text[lines[i + 1][0]:lines[i + 1][1]].strip()
            if _is_title(joined) and len(joined) <= MAX_TITLE:
                return start, lines[i + 1][1]
    return None


def find_clauses(text: str) -> list[Clause]:
    """Every numbered clause line, in text order, with its heading ("一、培育壮大市场主体", or the
    first sentence "１．支持企业做强做优做大。" when short).

    >>> text = "一、培育市场主体\\n１．支持企业做大。对……给予奖励。\\n第五条 本办法自发布之日起施行。"
    >>> [(c.level, c.heading) for c in find_clauses(text)]
    [(1, '培育市场主体'), (3, '支持企业做大'), (1, None)]
    """
    out: list[Clause] = []
    for m in CLAUSE_NUMBER.finditer(text):
        group = next(g for g in ("l1", "l2", "l3", "l4", "art") if m.group(g))
        level = {"l1": 1, "l2": 2, "l3": 3, "l4": 4, "art": 1}[group]
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        rest = text[m.end():line_end].strip()
        heading = None
        if group != "art":
            first = SENTENCE_PUNCT.split(rest, 1)[0].strip()
            if 2 <= len(first) <= MAX_HEADING and "，" not in first:
                heading = first
        heading_start = text.find(heading, m.end()) if heading else None
        out.append(Clause(m.start(group), level, m.group(group), heading, heading_start))
    return out


def find_policy_document(text: str) -> PolicyDocumentHeader | None:
    """The policy document ``text`` is, or None when it is not one (see the module docstring).

    >>> find_policy_document("某区召开会议\\n会议强调，要抓好落实。") is None
    True
    """
    span = _title(text)
    if span is None:
        return None
    number = DOC_NUMBER.search(text, 0, min(len(text), span[1] + 400))
    if number is None and len(find_clauses(text)) < MIN_CLAUSES:
        return None
    start, end = span
    title = re.sub(r"\s+", "", text[start:end]).strip("#")
    if title.startswith("《") and title.endswith("》") and title.count("《") == 1:
        title = title[1:-1]
    name, aliases, issuer_end = title, [], None
    notice = ISSUING_NOTICE.match(title)
    if notice:
        name = notice.group("inner").strip("《》")
        aliases.append(title)
        if notice.group("issuer"):
            issuer_end = start + text[start:end].find("关于")
    elif "关于" in title[1:]:
        issuer, _, rest = title.partition("关于")
        aliases.append("关于" + rest)
        issuer_end = start + len(issuer) if issuer else None
    base = VERSION_TAIL.sub("", name)
    if base != name:
        name, aliases = base, [*aliases, name]
    found = re.sub(r"\s+", "", number.group()) if number else None
    if found:
        aliases.append(found)
    return PolicyDocumentHeader(name, tuple(dict.fromkeys(a for a in aliases if a != name)), found,
                                start, end, issuer_end)


class DocumentExtractor:
    """Recognize a policy document: set ``doc._.document_header`` and write its :class:`Measure`
    (and, with ``clause_measures``, one per headed clause; ``doc._.clauses`` holds the clauses)."""

    def __init__(self, clause_measures: bool = False) -> None:
        self.clause_measures = clause_measures

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        header = doc._.document_header or find_policy_document(text)
        if header is None:
            return doc
        doc._.document_header = header
        doc.user_data[CLAUSE_MEASURES_KEY] = self.clause_measures
        facts = facts_of(doc)
        if header.title_start is not None and header.title_end is not None:
            kind = classify_measure(header.name, "PolicyDocument")
            add_span(doc, "measures", header.title_start, header.title_end, "MEASURE", key=header.name, kind=kind)
            facts.measures.append(Measure(
                name=header.name, kind=kind, aliases=header.aliases,  # type: ignore[arg-type]
                issuer=self._issuer(doc, header), district=self._district(doc, header),
                document_number=header.number,
                evidence=(evidence_for(doc, header.title_start, header.title_end),)))
        clauses = find_clauses(text)
        doc._.clauses = clauses
        if self.clause_measures:
            for clause in clauses:
                if clause.heading is None or clause.heading_start is None:
                    continue
                end = clause.heading_start + len(clause.heading)
                add_span(doc, "measures", clause.heading_start, end, "MEASURE", key=clause.heading, kind="Program")
                facts.measures.append(Measure(name=clause.heading, kind="Program", part_of=header.name,
                                              evidence=(evidence_for(doc, clause.heading_start, end),)))
        return doc

    @staticmethod
    def _issuer(doc: Doc, header: PolicyDocumentHeader) -> str | None:
        """The organization written before 关于 in the title ("某市人民政府关于印发…")."""
        if header.issuer_end is None or header.title_start is None:
            return None
        inside = [s for s in doc.spans.get("orgs", [])
                  if header.title_start <= s.start and s.end <= header.issuer_end]
        return (inside[-1]._.key or inside[-1].text) if inside else None

    @staticmethod
    def _district(doc: Doc, header: PolicyDocumentHeader) -> str | None:
        """The district named in the title, else the one the document mentions most."""
        spans = list(doc.spans.get("districts", []))
        inside = [s for s in spans if header.title_start is not None and header.title_end is not None
                  and header.title_start <= s.start and s.end <= header.title_end]
        if inside:
            return inside[-1]._.key
        counts = Counter(s._.key for s in spans if s._.key)
        return counts.most_common(1)[0][0] if counts else None


def clause_owner(doc: Doc, pos: int) -> str | None:
    """The measure an amount at ``pos`` of a policy document belongs to when its sentence names
    none: the headed clause it is in (when clauses are measures), else the document."""
    header = doc._.document_header
    if header is None:
        return None
    if doc.user_data.get(CLAUSE_MEASURES_KEY) and doc._.clauses:
        before = [c for c in doc._.clauses if c.start <= pos]
        if before and before[-1].heading:
            return before[-1].heading
    return header.name


@Language.factory("policykg_documents", assigns=["doc._.facts"], default_config={"clause_measures": False})
def make_document_extractor(nlp: Language, name: str, clause_measures: bool) -> DocumentExtractor:
    """The ``policykg_documents`` pipeline component."""
    return DocumentExtractor(clause_measures)
