"""Post changes (任免): appointments, removals, elections, resignations and nominations.

Reads the 任免 wording of people's congress decisions, government notices, 任前公示 and election
news, clause by clause (a clause ends at ，；。：or a line break):

* names after the cue: "任命张某为某区人民政府副区长", "免去李某的某局局长职务",
  "接受王某辞去某职务的请求", "提名赵某为区长候选人", "选举钱某为…";
* names before the cue: "孙某当选为区长", "周某不再担任…职务", "吴某同志任…";
* a 任前公示 entry: "郑某，男，…，现任某局局长，拟任某区委常委" (the person opens the entry);
* lists: a cue heading ("任命：") governs the clauses after it ("张某为…；李某为…") until one does
  not read as a change; "张某、李某为…副区长" gives both the same post; "…副区长、…局长" two posts.

The post phrase is split into posts with the title-chain rules of :mod:`extractors.persons` (roles
from ``roles.tsv``, the organization written before the title or implied by it). A change's date is
the decision or meeting date the text states next to it (or in the notice's "（…会议通过）"
line), resolved with :func:`kg.ingest.dates.resolve_relative_date`; never the publication date.

Writes :class:`kg.model.facts.PostChange` facts, ``doc.spans["post_changes"]``, a Person for each
changed person and, for appointments, elections and nominations (and a 公示's 现任 post), the Post
the person then holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, is_cjk, sentence_bounds, text_of
from extractors.context import everyday_name
from extractors.lexicons import admin_divisions, read_entries, read_table
from extractors.persons import ChainItem, PersonRecognizer, Role
from kg.ingest.dates import resolve_relative_date
from kg.model.facts import HOLDING_CHANGES, Organization, Person, Post, PostChange

__all__ = ["PostChangeExtractor", "parse_clauses"]

CLAUSE_BREAKS = "，,；;。！？!?：:\n"
_NUM = "0-9〇零一二两三四五六七八九十"
DATE_RE = re.compile(rf"(?:[{_NUM}]{{4}}年)?[{_NUM}]{{1,2}}月(?:[{_NUM}]{{1,3}}[日号])?|[{_NUM}]{{4}}年")
ENTRY_NAME = re.compile(r"\s*([^，,：:（(\s]{2,16})(?:同志)?[，,：:（(\s]")
ENTRY_NAME_GENDER = re.compile(r"\s*([^，,：:（(\s]{2,4}?)\s*[男女][，,、\s]")
ENUMERATION = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)")
MEETING_WORDS = ("会议", "常委会", "大会")  # a line naming the meeting that decided a change
KNOWN_ORGS = "policykg.post_changes.orgs"
# the organization kind a title's family implies, for an organization named only in a 任免 post
FAMILY_KINDS = {"court": "court", "procuratorate": "procuratorate", "government": "government",
                "department": "government", "party": "party", "cppcc": "cppcc", "congress": "congress"}
LIST_LINE = 60  # characters: a line longer than this is prose, not a 任免 list item or heading
PREAMBLE_LOOKBACK = 400  # characters: how far up a notice states the meeting that decided its list
# characters allowed in a name besides CJK: the middle dot of minority names ("阿不都·热合曼")
NAME_DOT = "·•"
# a name in a 任免 clause is delimited by its cue and link ("免去|章书涛|的…职务"), so only characters
# that never occur inside a given name bar it (the tagger's list), not those of bare-character rules
NAME_CHARS_EXCLUDED = frozenset(read_entries("name_breaking_chars.txt"))
PLAIN_NAME_EXCLUDED = NAME_CHARS_EXCLUDED - set("日月年时")  # transcribed names: 乌日娜, 其米拉姆


@dataclass(frozen=True)
class Cue:
    word: str
    kind: str
    where: str  # after, before, entry


@dataclass
class _Mode:
    """A cue heading's reach over the clauses after it ("任命：" then "张某为…；李某为…")."""

    cue: Cue
    date: str | None


class PostChangeExtractor:
    """Write PostChange facts (and the Posts and Persons they imply)."""

    def __init__(self, persons: PersonRecognizer, cues: tuple[Cue, ...], links: tuple[str, ...],
                 tails: tuple[str, ...], modifiers: tuple[str, ...], date_cues: tuple[str, ...],
                 not_dates: tuple[str, ...], surnames: tuple[str, ...]) -> None:
        self.persons = persons
        self.cues = {c.word: c for c in cues}
        self.cue_re = re.compile("|".join(map(re.escape, sorted(self.cues, key=len, reverse=True))))
        self.links = tuple(sorted(links, key=len, reverse=True))
        self.tails = tuple(sorted(tails, key=len, reverse=True))
        self.modifiers = tuple(sorted(modifiers, key=len, reverse=True))
        self.date_cues = date_cues
        self.not_dates = not_dates
        self.compound = frozenset(s for s in surnames if len(s) == 2)
        self.single = frozenset(s for s in surnames if len(s) == 1)
        self.org_suffixes = sorted(read_table("org_suffixes.tsv"), key=lambda row: -len(row[0]))

    # -- names ----------------------------------------------------------------------------------
    def is_name(self, s: str) -> bool:
        """A personal name as a 任免 list writes it: a known surname and one to three characters,
        or a minority name with a middle dot."""
        if any(d in s for d in NAME_DOT):
            parts = re.split(f"[{NAME_DOT}]", s)
            return 3 <= len(s) <= 16 and all(p and all(is_cjk(c) for c in p) for p in parts)
        if not 2 <= len(s) <= 4 or not all(is_cjk(c) for c in s):
            return False
        k = 2 if s[:2] in self.compound else 1 if s[:1] in self.single else 0
        return bool(k) and len(s) - k >= 1 and not any(c in NAME_CHARS_EXCLUDED for c in s[k:])

    def names_then_link(self, text: str, pos: int, end: int) -> tuple[list[tuple[int, int]], int] | None:
        """ "张某、李某同志的…": the names from ``pos`` and where the post starts, or None."""
        for q in range(pos + 2, min(end, pos + 40)):
            link = next((w for w in self.links if text.startswith(w, q)), None)
            if link is None:
                continue
            names = self.split_names(text, pos, q)
            if names:
                return names, q + len(link)
        return None

    def split_names(self, text: str, start: int, end: int, *,
                    any_surname: bool = False) -> list[tuple[int, int]] | None:
        """[start, end) as a "、"-list of names (each may end in 同志), else None. ``any_surname``:
        also names without a listed surname (Mongolian, Tibetan, Uyghur names written without a
        dot: "乌日娜"), for a list that fills a whole clause before its cue."""
        out, pos = [], start
        for item in text[start:end].split("、"):
            name = item[:-2] if item.endswith("同志") else item
            if not self.is_name(name) and not (any_surname and _plain_name(name)):
                return None
            out.append((pos, pos + len(name)))
            pos += len(item) + 1
        return out

    def names_before(self, text: str, clause_start: int, cue_start: int) -> list[tuple[int, int]] | None:
        """The names ending right before a cue: "张某、李某|当选为", "王某|全票|当选"."""
        end = cue_start
        stripped = True
        while stripped:
            stripped = False
            for m in self.modifiers:
                if end - len(m) > clause_start and text.startswith(m, end - len(m)):
                    end -= len(m)
                    stripped = True
        # the whole clause before the cue is the list, or its tail after a title or verb
        for start in range(clause_start, end - 1):
            if start > clause_start and text[start - 1] != "、" and not self._starts_name(text, start, end):
                continue
            names = self.split_names(text, start, end, any_surname=start == clause_start)
            if names:
                return names
        return None

    def _starts_name(self, text: str, start: int, end: int) -> bool:
        """Whether a name may start inside a clause: after a title ("区长|王某") or a non-CJK character."""
        return end - start <= 4 and (not is_cjk(text[start - 1]) or text.endswith(tuple(self.persons.roles), 0, start))

    def entry_person(self, text: str, pos: int) -> tuple[int, int] | None:
        """The person a 任前公示 entry opens with ("郑某，男，…"): the paragraph's first clause."""
        para = text.rfind("\n", 0, pos) + 1
        head = ENUMERATION.sub("", text[para:pos])
        offset = pos - len(text[para:pos]) + (len(text[para:pos]) - len(head))
        plain = ENTRY_NAME.match(head)
        # "郑某，男，…" as written; "郑某男，…" where normalizing removed the space before the gender
        order = (plain, ENTRY_NAME_GENDER.match(head))
        if plain and head[plain.end():plain.end() + 1] not in ("男", "女"):
            order = order[::-1]
        for m in order:
            if m and self.is_name(m.group(1)):
                return offset + m.start(1), offset + m.end(1)
        return None

    # -- posts ----------------------------------------------------------------------------------
    def post_phrase(self, text: str, start: int, end: int) -> tuple[int, int]:
        """[start, end) without the words around a post ("的…职务的请求", "…候选人")."""
        while start < end and text[start] in "的 ":
            start += 1
        changed = True
        while changed:
            changed = False
            while end > start and text[end - 1] in " 　":
                end -= 1
            m = re.search(r"[（(][^（）()]*[)）]$", text[start:end])
            if m:  # "（正处长级）", "（试用期一年）"
                end = start + m.start()
                changed = True
            for t in self.tails:
                if end - len(t) > start and text.startswith(t, end - len(t)):
                    end -= len(t)
                    changed = True
                    break
        return start, end

    def posts_in(self, doc: Doc, start: int, end: int) -> list[ChainItem]:
        """The posts of a title chain [start, end); "兼" joins titles like "、" does."""
        return self.persons.chain_posts(doc, start, end, separators="、兼")

    def _organization(self, doc: Doc, org: str | None, role: Role, pos: int) -> None:
        """An Organization fact (kind, district served) for an organization no recognizer named,
        so a post in it is reachable from its district ("县发展和改革局" in a 临澧县 list)."""
        if not org or org in self.known_orgs(doc):
            return
        kind = next((k for suffix, k in self.org_suffixes if org.endswith(suffix)), None) \
            or FAMILY_KINDS.get(role.family, "other")
        division = None
        for span in doc.spans.get("districts", []):
            name = admin_divisions()[span._.key]
            if org.startswith((name.name, everyday_name(name), name.short)) and \
                    (division is None or len(name.adcode.rstrip("0")) > len(division.adcode.rstrip("0"))):
                division = name
        facts_of(doc).organizations.append(Organization(org, kind, (), division.adcode if division else None,
                                                        (evidence_for(doc, pos, pos + 1),)))
        self.known_orgs(doc).add(org)

    @staticmethod
    def known_orgs(doc: Doc) -> set[str]:
        """Names of the organizations the document's facts already list (cached on the doc)."""
        known = doc.user_data.get(KNOWN_ORGS)
        if known is None:
            known = doc.user_data[KNOWN_ORGS] = {o.name for o in facts_of(doc).organizations}
        return known

    # -- dates ----------------------------------------------------------------------------------
    def _decision_date(self, doc: Doc, text: str, lo: int, hi: int, sentence_start: int) -> str | None:
        """The last decision or meeting date stated in [lo, hi): a date opening a sentence, or one
        followed (in its sentence, before ``hi``) by a meeting or decision word."""
        found = None
        for m in DATE_RE.finditer(text, lo, hi):
            after = text[m.end():m.end() + 4]
            if after.startswith(self.not_dates):
                continue
            s, e = sentence_bounds(doc, m.start())
            opening = not text[s:m.start()].strip() or m.start() == sentence_start
            window = text[m.end():min(e, hi, m.end() + 40)]
            if opening or any(c in window for c in self.date_cues):
                resolved = resolve_relative_date(m.group(), doc._.doc_date)
                if resolved and (len(resolved) > 4 or m.group().endswith("年")):
                    found = resolved
        return found

    def date_for(self, doc: Doc, cue_start: int) -> str | None:
        """The decision date for a change whose cue is at ``cue_start``: in its sentence before the
        cue, else in a "（…会议通过）" or "…会议决定" line above it."""
        text = text_of(doc)
        s, _ = sentence_bounds(doc, cue_start)
        found = self._decision_date(doc, text, s, cue_start, s)
        if found:
            return found
        # up through the list's headings and items (short lines) to the notice's preamble or the
        # news lead naming the meeting; a prose paragraph about something else stops the search
        lo = max(0, s - PREAMBLE_LOOKBACK)
        for line_start, line_end in reversed(_lines(text, lo, s)):
            line = text[line_start:line_end]
            if any(w in line for w in MEETING_WORDS):
                found = self._decision_date(doc, text, line_start, line_end, line_start)
                if found:
                    return found
            elif len(line.strip()) > LIST_LINE:
                break
        return None

    # -- clauses --------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        facts = facts_of(doc)
        changes = parse_clauses(self, doc, text)
        known = {(p.start, p.end) for p in doc.spans.get("persons", [])}
        seen: set[tuple] = set()
        for kind, names, posts, date, ev_start, ev_end in changes:
            for n_start, n_end in names:
                name = text[n_start:n_end]
                if (n_start, n_end) not in known:
                    add_span(doc, "persons", n_start, n_end, "PERSON", key=name)
                    known.add((n_start, n_end))
                for role, org, p_start, p_end in posts:
                    evidence = evidence_for(doc, min(ev_start, n_start), max(ev_end, p_end))
                    as_written = text[p_start:p_end]
                    post = Post(name, role.title, org, as_written, evidence)
                    public = self.persons.is_public(doc, post)
                    facts.persons.append(Person(name, public, doc._.region, (evidence_for(doc, n_start, n_end),)))
                    if kind is None:  # a 公示's 现任 post: held, no change
                        facts.posts.append(post)
                        continue
                    self._organization(doc, org, role, p_start)
                    key = (name, kind, role.title, org, date)
                    if key in seen:
                        continue
                    seen.add(key)
                    facts.post_changes.append(PostChange(name, kind, role.title, org, as_written, date, evidence))
                    add_span(doc, "post_changes", evidence.start, evidence.end, "POST_CHANGE", key=name, kind=kind)
                    if kind in HOLDING_CHANGES:
                        facts.posts.append(post)
        # a cue heading the person recognizer took for a speaker ("任命：") is no person
        headings = {m.group() for m in self.cue_re.finditer(text)
                    if text[m.end():m.end() + 1] in "：:" and (m.start() == 0 or text[m.start() - 1] == "\n")}
        if headings:
            facts.persons = [p for p in facts.persons if p.name not in headings]
        return doc


# (kind (None: a post held, no change), name spans, posts, date, clause start, clause end)
Change = tuple[str | None, list[tuple[int, int]], list[ChainItem], str | None, int, int]


def parse_clauses(ex: PostChangeExtractor, doc: Doc, text: str) -> list[Change]:
    """Every change (and 公示 现任 post) the text states, in text order."""
    out: list[Change] = []
    mode: _Mode | None = None
    last_names: list[tuple[int, int]] = []
    for c_start, c_end in _clauses(text):
        if text[c_start:c_end].strip() == "":
            continue
        parsed = _parse_clause(ex, doc, text, c_start, c_end, mode, last_names)
        if parsed is None:
            mode = None
            continue
        new_mode, changes = parsed
        mode = new_mode
        for change in changes:
            if change[1]:
                last_names = change[1]
        out.extend(changes)
        if text[c_end:c_end + 1] == "\n":  # "其", "提名为…" refer back within a paragraph only
            last_names = []
    return out


def _parse_clause(ex: PostChangeExtractor, doc: Doc, text: str, start: int, end: int, mode: _Mode | None,
                  last_names: list[tuple[int, int]]) -> tuple[_Mode | None, list[Change]] | None:
    """The changes one clause states, and the mode it leaves for the next clause (None: no change)."""
    lead = ENUMERATION.match(text[start:end])
    body = start + (lead.end() if lead else 0)
    for m in ex.cue_re.finditer(text, start, end):
        cue = ex.cues[m.group()]
        if cue.where == "after":
            after = m.end()
            if after >= end:  # a heading: "任命：", "决定免去："
                return _Mode(cue, ex.date_for(doc, m.start())), []
            if text.startswith("其", after) and last_names:  # "免去其…职务": the person just named
                names, post_start = last_names, after + 1
            elif text.startswith("为", after):  # "（拟）提名为…": the person the entry or sentence is about
                names = ex.names_before(text, body, m.start()) or \
                    ([person] if (person := ex.entry_person(text, m.start())) else last_names)
                post_start = after + 1
                if not names:
                    continue
            else:
                found = ex.names_then_link(text, after, end)
                if found is None:
                    continue
                names, post_start = found
            change = _change(ex, doc, text, cue.kind, names, post_start, end, ex.date_for(doc, m.start()), start)
            if change is not None:
                return _Mode(cue, change[3]), [change]
        elif cue.where == "before":
            names = ex.names_before(text, body, m.start())
            if names:
                change = _change(ex, doc, text, cue.kind, names, m.end(), end, ex.date_for(doc, m.start()), start)
                if change is not None:
                    return None, [change]
        elif cue.where == "entry":
            names = ex.names_before(text, body, m.start())
            person = ex.entry_person(text, m.start())
            if not names and person is not None:
                names = [person]
            if names:
                change = _change(ex, doc, text, cue.kind, names, m.end(), end, ex.date_for(doc, m.start()), start)
                if change is not None:
                    return None, [change]
    if text.startswith("现任", body):  # a 公示 résumé: the post held now (no change)
        person = ex.entry_person(text, body)
        if person is not None:
            held = _change(ex, doc, text, None, [person], body + 2, end, None, start)
            return (mode, [held]) if held is not None else None
    if mode is not None and mode.cue.where == "after":  # a list item under a heading
        found = ex.names_then_link(text, body, end)
        if found is not None:
            names, post_start = found
            change = _change(ex, doc, text, mode.cue.kind, names, post_start, end, mode.date, start)
            if change is not None:
                return mode, [change]
    return None


def _change(ex: PostChangeExtractor, doc: Doc, text: str, kind: str | None, names: list[tuple[int, int]],
            post_start: int, end: int, date: str | None, clause_start: int) -> Change | None:
    p_start, p_end = ex.post_phrase(text, post_start, end)
    posts = ex.posts_in(doc, p_start, p_end) if p_end - p_start >= 2 else []
    if not posts:
        return None
    return kind, names, posts, date, clause_start, p_end


def _clauses(text: str) -> list[tuple[int, int]]:
    """[start, end) of each clause: text between ，；。：! ? and line breaks (brackets kept whole)."""
    out, start, depth = [], 0, 0
    for i, c in enumerate(text):
        if c in "（(":
            depth += 1
        elif c in "）)":
            depth = max(0, depth - 1)
        elif c in CLAUSE_BREAKS and (depth == 0 or c == "\n"):
            out.append((start, i))
            start = i + 1
            depth = 0 if c == "\n" else depth
    out.append((start, len(text)))
    return out


def _lines(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out, pos = [], lo
    while pos < hi:
        nl = text.find("\n", pos, hi)
        end = hi if nl < 0 else nl
        out.append((pos, end))
        pos = end + 1
    return out


def _plain_name(s: str) -> bool:
    """2–4 characters that could be a name transcribed without a surname (no organ or function word)."""
    return 2 <= len(s) <= 4 and all(is_cjk(c) and c not in PLAIN_NAME_EXCLUDED for c in s)



@Language.factory("policykg_post_changes",
                  assigns=["doc.spans", "doc._.facts", "span._.key", "span._.kind"],
                  default_config={"cues": "post_change_cues.tsv", "links": "post_change_links.txt",
                                  "tails": "post_change_tails.txt", "modifiers": "post_change_modifiers.txt",
                                  "date_cues": "post_change_date_cues.txt",
                                  "not_dates": "post_change_not_dates.txt",
                                  "surnames": "surnames.txt", "roles": "roles.tsv"})
def make_post_change_extractor(nlp: Language, name: str, cues: str, links: str, tails: str, modifiers: str,
                               date_cues: str, not_dates: str, surnames: str, roles: str) -> PostChangeExtractor:
    table = {row[0]: Role(*row[:4]) for row in read_table(roles)}
    persons = PersonRecognizer(read_entries(surnames), table)
    return PostChangeExtractor(persons, tuple(Cue(*row[:3]) for row in read_table(cues)), read_entries(links),
                               read_entries(tails), read_entries(modifiers), read_entries(date_cues),
                               read_entries(not_dates), read_entries(surnames))
