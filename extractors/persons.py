"""Persons and their posts: the statistical tagger's names plus names read off titles, bylines, lists.

Names come from two sources. The NER component's PER spans (:mod:`extractors.ner`), filtered by
:mod:`extractors.person_names`; an unsure one (conf < 0.5) is kept only when a context rule below
also sees it or the same name is sure elsewhere in the document. And the context rules: a surname
from ``surnames.txt`` plus one or two characters, accepted in a context that marks it as a name:

* after a title chain: "大足区委副书记、区长、领导小组副组长王建华" (the chain gives the posts);
* before a title: "孙宏伟市长", "高峰书记";
* bylines and credits: "记者冯悦", "（记者吴涛 韩冰）", "摄/许静";
* an interview speaker at a paragraph start: "马志刚：";
* a clause-initial name followed by a speech verb: "孙立平强调"; a name before 同志;
* a "、"-list ending in 等 ("郭振华、周立新等7名院士");
* a list after a leaders cue (``leader_list_cues.txt``: "区领导某甲、某乙出席"): officials.

Each title in a chain becomes a :class:`kg.model.facts.Post` whose organization is the one written
before the title, the one the title implies ("区长" → the district's government), or the one the
previous title in the chain named ("党组书记、局长").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import (
    add_span,
    evidence_for,
    facts_of,
    is_cjk,
    is_word_boundary,
    joins_nouns,
    text_of,
    verb_in_compound,
)
from extractors.context import LEVEL_CHARS, everyday_name, local_district, organ_names
from extractors.lexicons import CLAUSE_TAGS, TERM_NUMBER, admin_divisions, read_entries, read_table, word_tags
from extractors.person_names import DOTS, UNSURE, NameFilter, common_word, merge_person_words
from kg.model.facts import PUBLIC_ORG_KINDS, Person, Post

__all__ = ["ChainItem", "PersonRecognizer", "Role"]

PUNCT = set("，。；：、！？,.;:!?（）()“”‘’《》〈〉「」『』【】 \n\t□■●▲—-*/·")
CLAUSE_END = set("，。；：！？,.;:!?\n（）()“”《》")
# characters that (almost) never occur in a given name: function words, numerals, organ words
NON_NAME = frozenset(read_entries("person_non_name_chars.txt"))
SPEECH_VERBS = read_entries("person_speech_verbs.txt")
AFTER_NAME = read_entries("person_after_name.txt")
STRONG_SURNAMES = 140
AFFILIATIONS = frozenset({"university", "academy", "institution", "hospital", "enterprise"})
# organs named only as written; development-zone committees hold public office too
PUBLIC_ORG_ENDINGS = read_entries("public_org_endings.txt")
# a bare organ word in a chain takes the head of the organization named before it:
# "绵阳高新区党工委书记、管委会主任" → 绵阳高新区管委会
PARTY_DEPARTMENTS = ("组织部", "宣传部", "统战部", "政法委", "纪委", "办公厅", "政策研究室")
BARE_ORGANS = ("管委会", "党工委", "党委", "党组", "委员会", "领导小组", "办公室")
SELF_REFERENCES = ("本报", "本台", "本刊", "本网")  # the newspaper an article appears in
COURT_WORDS = {"court": "法院", "procuratorate": "检察院"}
# words before a title that qualify the title, not the organization: "集团副总裁", "前总理"
TITLE_MODIFIERS = ("副", "前", "原", "常务", "名誉", "代理")
LIST_JOINERS = "和与及、 "  # what may join the previous name to a chain: "甲和秘书长乙"


@dataclass(frozen=True)
class Role:
    title: str
    family: str
    implied: str  # party_committee, government, congress, cppcc, central_committee or ""
    public: str  # yes, no, org


class ChainItem(NamedTuple):
    """One title of a title chain: its role, organization and character span in the text."""
    role: Role
    org: str | None
    start: int
    end: int


class PersonRecognizer:
    """Write ``doc.spans["persons"]``/``["roles"]`` and Person + Post facts."""

    def __init__(self, surnames: tuple[str, ...], roles: dict[str, Role], names: NameFilter | None = None,
                 leader_cues: tuple[str, ...] = (), org_stopwords: tuple[str, ...] = ()) -> None:
        self.names = names
        self.org_stopwords = frozenset(org_stopwords)
        self.leader_re = re.compile("|".join(map(re.escape, sorted(leader_cues, key=len, reverse=True)))) \
            if leader_cues else None
        self.compound = frozenset(s for s in surnames if len(s) == 2)
        singles = [s for s in surnames if len(s) == 1]
        self.single = frozenset(singles)
        self.strong = frozenset(singles[:STRONG_SURNAMES])
        self.roles = roles
        # titles and honorifics (2+ characters) a name may follow: "总统某某"
        self.titles_before = tuple(t for t in (*roles, *(names.suffixes if names else ())) if len(t) >= 2)
        self.title_suffixes = (*roles, *(names.suffixes if names else ()), *TITLE_MODIFIERS)
        self.role_re = re.compile("|".join(map(re.escape, sorted(roles, key=len, reverse=True))))

    # -- names ----------------------------------------------------------------------------------
    def _surname_len(self, text: str, i: int, strong: bool = False) -> int:
        if text[i:i + 2] in self.compound:
            return 2
        return 1 if text[i:i + 1] in (self.strong if strong else self.single) else 0

    def _after_ok(self, doc: Doc, e: int) -> bool:
        text = text_of(doc)
        if e >= len(text) or text[e] in PUNCT:
            return True
        return bool(self.role_re.match(text, e)) or text.startswith(AFTER_NAME, e)

    def name_at(self, doc: Doc, s: int, strong: bool = False, lenient_end: bool = False) -> int | None:
        """End of a personal name starting at ``s``, or None."""
        text = text_of(doc)
        k = self._surname_len(text, s, strong)
        if not k:
            return None
        options = []
        if text[s + k:s + k + 1] == text[s + k - 1:s + k]:
            return None  # "殷殷嘱托": a reduplicated word, not a name
        for given in (2, 1):
            e = s + k + given
            chunk = text[s + k:e]
            if e > len(text) or len(chunk) < given or any(c in NON_NAME or c in PUNCT or not is_cjk(c)
                                                           for c in chunk):
                continue
            if text.endswith(self.title_suffixes, s + k, e):
                continue  # a surname and a title or honorific: "唐外长", "胡老", "印度前"
            options.append(e)
        # prefer the reading whose end the context (or the segmenter) confirms
        for e in options:
            if self._after_ok(doc, e) and (is_word_boundary(doc, e) or text[e:e + 1] in PUNCT):
                return e
        for e in options:
            if self._after_ok(doc, e):
                return e
        for e in options:  # the segmenter saw exactly this word: "孙宏伟|分别"
            if is_word_boundary(doc, s) and is_word_boundary(doc, e) and \
                    not any(is_word_boundary(doc, i) for i in range(s + 1, e)):
                return e
        return options[-1] if options and lenient_end else None

    # -- the component --------------------------------------------------------------------------
    def ner_names(self, doc: Doc) -> dict[int, tuple[int, float]]:
        """The NER component's filtered person names: start -> (end, confidence). Names inside a
        recognized organization or district name are left to those."""
        words = doc._.lac_words
        if self.names is None or not words:
            return {}
        text = text_of(doc)
        taken = [(s.start, s.end) for group in ("orgs", "districts") for s in doc.spans.get(group, [])]
        out: dict[int, tuple[int, float]] = {}
        for cand in merge_person_words(words, text, doc._.ner_per_prob, self.names):
            name = self.names.clean(text[cand.start:cand.end], cand.conf)
            at = text.find(name, cand.start, cand.end) if name else -1
            if at < 0 or any(a <= at and at + len(name) <= b and b - a > len(name) for a, b in taken):
                continue
            out[at] = (at + len(name), cand.conf)
        return out

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        names: dict[int, int] = {}  # start -> end
        chains: list[tuple[int, int]] = []  # (name start, chain end == name start)
        shared: list[tuple[int, int, int, int]] = []  # (title start, title end, name start, name end)
        ner = self.ner_names(doc)
        # a title inside the tagger's organization name is part of that name: "水利部长江水利委员会"
        org_words = [(s, e) for s, e, tag, _ in doc._.lac_words or () if tag == "ORG"]
        for m in self.role_re.finditer(text):
            if any(s <= m.start() and m.end() < e for s, e in org_words):
                continue
            # the tagger's name right after a title chain (not "殷殷嘱托"); else surname + 1-2 characters
            tagged = ner.get(m.end())
            e = tagged[0] if tagged and text[m.end()] != text[m.end() + 1] else self.name_at(doc, m.end())
            if e is not None and not self._role_continues(text, m.end()):
                names.setdefault(m.end(), e)
                chains.append((m.end(), e))
                # "副市长刘雨、张德新": the names listed after the first share its title
                while text[e:e + 1] == "、":
                    readings = (ner[e + 1][0] if e + 1 in ner else None, self.name_at(doc, e + 1, strong=True))
                    # the reading that ends where the list item ends ("沈某某，" not "沈某|某，")
                    nxt = next((r for r in readings if r is not None and text[r:r + 1] in PUNCT),
                               readings[0] or readings[1])
                    if nxt is None or self.role_re.match(text, e + 1):
                        break
                    names.setdefault(e + 1, nxt)
                    shared.append((m.start(), m.end(), e + 1, nxt))
                    e = nxt
        for m in self.role_re.finditer(text):  # name before title: 孙宏伟市长
            if self._role_continues(text, m.end()):
                continue
            for length in (3, 2, 4):
                s = m.start() - length
                if s < 0 or (s > 0 and text[s - 1] not in PUNCT and not is_word_boundary(doc, s)):
                    continue
                seen_as_word = is_word_boundary(doc, s) and not any(
                    is_word_boundary(doc, i) for i in range(s + 1, m.start()))
                if s > 0 and text[s - 1] not in PUNCT and not seen_as_word and \
                        not text.endswith(("在", "由", "和", "与"), 0, s):
                    continue
                if self.roles[m.group()].family in ("generic", "department") or s in names:
                    continue
                if self.name_at(doc, s) == m.start():
                    names[s] = m.start()
                    break
        for m in re.finditer(r"(?:记者|通讯员|摄影|摄|文/|图/|摄/)[:：/]?", text):
            self._name_run(doc, m.end(), names)
        for m in re.finditer(r"(?m)^(?:[\u4e00-\u9fff]{2,3} )+[\u4e00-\u9fff]{2,3}$", text):
            self._name_line(doc, m.start(), m.group(), names)  # an author line: "林海 周晓燕"
        for span in doc.spans.get("orgs", []):  # affiliation lists: "西南大学梁文博、四川大学钟雅琴"
            if span._.kind in AFFILIATIONS:
                e = self.name_at(doc, span.end, strong=True)
                if e is not None and text[e:e + 1] in ("、", "等"):
                    names.setdefault(span.end, e)
        for m in re.finditer(r"(?:^|\n)\**([\u4e00-\u9fff]{2,4})\**[:：]", text):
            s = m.start(1)
            if self.name_at(doc, s, strong=True, lenient_end=True) == m.end(1):
                names.setdefault(s, m.end(1))
        for m in re.finditer("同志", text):  # "王强同志": the honorific follows only a name
            for length in (3, 2):
                s = m.start() - length
                if s >= 0 and self.name_at(doc, s) == m.start() and \
                        (s == 0 or text[s - 1] in PUNCT or is_word_boundary(doc, s)):
                    names.setdefault(s, m.start())
                    break
        for m in re.finditer("|".join(SPEECH_VERBS), text):
            for length in (3, 2):
                s = m.start() - length
                if s >= 0 and (s == 0 or text[s - 1] in CLAUSE_END) and \
                        self.name_at(doc, s, strong=True) == m.start():
                    names.setdefault(s, m.start())
                    break
        for m in re.finditer(r"(?:[\u4e00-\u9fff]{2,3}、)+[\u4e00-\u9fff]{2,3}等", text):
            items, pos = m.group()[:-1].split("、"), m.start()
            spans = []
            for item in items:
                if self.name_at(doc, pos, strong=True, lenient_end=True) == pos + len(item):
                    spans.append((pos, pos + len(item)))
                pos += len(item) + 1
            if len(spans) == len(items):
                names.update(spans)
        leaders = self._leader_lists(doc, ner, names)
        self._add_ner_names(doc, ner, names, {start for start, _ in chains} | {s for _, _, s, _ in shared})
        chains = [(s, e) for s, e in chains if names.get(s) == e]  # not names dropped as common words
        shared = [item for item in shared if names.get(item[2]) == item[3]]
        self._emit(doc, names, chains, shared, leaders)
        return doc

    def _leader_lists(self, doc: Doc, ner: dict[int, tuple[int, float]], names: dict[int, int]) -> set[str]:
        """Names listed after a leaders cue ("区领导某甲、某乙"), added to ``names``; returns them."""
        text = text_of(doc)
        leaders: set[str] = set()
        for m in self.leader_re.finditer(text) if self.leader_re else ():
            pos = m.end() + (1 if text[m.end():m.end() + 1] in ("：", ":") else 0)
            while pos < len(text):
                end = names.get(pos) or (ner[pos][0] if pos in ner else
                                         self.name_at(doc, pos, strong=True, lenient_end=True))
                if end is None:
                    break
                names.setdefault(pos, end)
                leaders.add(text[pos:end])
                if text[end:end + 1] != "、":
                    break
                pos = end + 1
        return leaders

    def _add_ner_names(self, doc: Doc, ner: dict[int, tuple[int, float]], names: dict[int, int],
                       protected: set[int]) -> None:
        """Merge the tagger's names into the context rules' ``names``.

        A context-read name that is a common non-name word ("连忙") the tagger does not read as a
        person is dropped. A tagger's name is kept when it is sure, sure elsewhere in the document,
        written as a foreign name (A·B), or listed with "、" next to an accepted name; a sure one
        replaces the differently cut context names it overlaps (not those after a title chain,
        ``protected``).
        """
        text = text_of(doc)
        per_prob = doc._.ner_per_prob
        if per_prob is not None and self.names is not None:
            for start, end in list(names.items()):
                if common_word(text[start:end]) and per_prob[start:end].mean() < UNSURE:
                    del names[start]
                    protected.discard(start)
        best: dict[str, float] = {}
        for start, (end, conf) in ner.items():
            best[text[start:end]] = max(conf, best.get(text[start:end], 0.0))
        accepted = set(names.items()) | {(s, e) for s, (e, c) in ner.items() if best[text[s:e]] >= UNSURE}
        ends, starts = {e for _, e in accepted}, {s for s, _ in accepted}
        known = {text[s:e] for s, e in accepted}
        for start, (end, conf) in sorted(ner.items()):
            name = text[start:end]
            listed = (text[end:end + 1] == "、" and end + 1 in starts) or \
                (start > 0 and text[start - 1] == "、" and start - 1 in ends)
            titled = text.startswith(self.names.suffixes, end) or text.endswith(self.titles_before, 0, start)
            if best[name] < UNSURE and not listed and not titled and not any(c in DOTS for c in name):
                continue
            overlapping = [s for s, e in names.items() if s < end and start < e and (s, e) != (start, end)]
            if overlapping and ((conf < UNSURE and not any(c in DOTS for c in name))
                                or protected.intersection(overlapping)):
                continue  # a context rule read a name here (or the tagger is unsure of its cut)
            for s in overlapping:
                del names[s]
            for offset, piece in _split_run(name, known - {name}) or [(0, name)]:
                names[start + offset] = start + offset + len(piece)

    def _name_line(self, doc: Doc, start: int, line: str, names: dict[int, int]) -> None:
        """Every token of a short line of space-separated names is a name, or none is."""
        found, pos = [], start
        for token in line.split(" "):
            if self._surname_len(text_of(doc), pos, strong=True) and not any(c in NON_NAME for c in token):
                found.append((pos, pos + len(token)))
            pos += len(token) + 1
        if len(found) == len(line.split(" ")):
            names.update(found)

    def _role_continues(self, text: str, i: int) -> bool:
        """A title followed by more organization text is not followed by a name ("书记处")."""
        return text.startswith(("处", "长", "员会", "会"), i)

    def _name_run(self, doc: Doc, pos: int, names: dict[int, int]) -> None:
        """Names in a byline: "记者吴涛韩冰" (two names run together once spaces are removed)."""
        text = text_of(doc)
        while pos < len(text):
            e = self.name_at(doc, pos, lenient_end=True)
            if e is None:
                return
            # a 3-char reading that leaves a name right after it is really 2 + name: 吴涛|韩冰
            if e - pos == 3 and self._surname_len(text, e - 1) and self.name_at(doc, e - 1, lenient_end=True):
                e -= 1
            names.setdefault(pos, e)
            pos = e + (1 if text[e:e + 1] in " 、" else 0)

    # -- facts ----------------------------------------------------------------------------------
    def _emit(self, doc: Doc, names: dict[int, int], chains: list[tuple[int, int]],
              shared: list[tuple[int, int, int, int]], leaders: set[str]) -> None:
        facts = facts_of(doc)
        text = text_of(doc)
        posts_by_name: dict[str, list[Post]] = {}
        last_post: dict[int, Post] = {}
        name_ends = sorted(names.values())
        chained: list[tuple[int, Post]] = []
        for start, end in chains:
            floor = max((e for e in name_ends if e <= start), default=0)
            chained += [(start, post) for post in self._posts(doc, start, end, floor)]
        for (start, _), post in zip(chained, self._inherit_orgs(doc, [p for _, p in chained]), strict=True):
            posts_by_name.setdefault(post.person, []).append(post)
            last_post[start] = post
        for title_start, title_end, start, end in shared:
            first = next((p for s, p in last_post.items() if s == title_end), None)
            if first is not None:
                name = text[start:end]
                posts_by_name.setdefault(name, []).append(
                    Post(name, first.role, first.org, first.as_written, evidence_for(doc, title_start, end)))
        for start, end in sorted(names.items()):
            name = text[start:end]
            m = self.role_re.match(text, end)
            if m and not any(p.evidence.start <= start <= p.evidence.end
                             for p in posts_by_name.get(name, [])):
                post = self._post_after_name(doc, name, start, m)
                if post:
                    posts_by_name.setdefault(name, []).append(post)
        seen_posts: set[tuple[str, str, str | None, int]] = set()
        officials = leaders | {name for name, posts in posts_by_name.items()
                               if any(self.is_public(doc, p) for p in posts)}
        for start, end in sorted(names.items()):
            name = text[start:end]
            add_span(doc, "persons", start, end, "PERSON", key=name)
            facts.persons.append(Person(name, name in officials, doc._.region,
                                        (evidence_for(doc, start, end),)))
        for name, posts in posts_by_name.items():
            for post in posts:
                key = (name, post.role, post.org, post.evidence.start)
                if key not in seen_posts:
                    seen_posts.add(key)
                    facts.posts.append(post)

    def is_public(self, doc: Doc, post: Post) -> bool:
        """Whether a post is public office (by its title, or by the kind of its organization)."""
        role = self.roles.get(post.role)
        if role is None or role.public == "no":
            return False
        if role.public == "yes":
            return True
        org = post.org or ""
        # a unit of a public organ is public too: 水利部 → 水利部办公厅
        kinds = {s._.kind for s in doc.spans.get("orgs", []) if s._.key and org.startswith(s._.key)}
        return bool(kinds & PUBLIC_ORG_KINDS) or org.endswith(PUBLIC_ORG_ENDINGS)

    def _posts(self, doc: Doc, name_start: int, name_end: int, floor: int = 0) -> list[Post]:
        """Split the title chain that ends at ``name_start`` into posts; the chain starts after the
        clause break, or after the name ending at ``floor`` ("…仉某和|秘书长蒯某")."""
        text = text_of(doc)
        begin = name_start
        # a space inside the chain separates bylines ("记者甲 通讯员乙"), not a title from its name
        while begin > floor and text[begin - 1] not in CLAUSE_END and \
                not (text[begin - 1] in " \u3000" and begin < name_start - 1):
            begin -= 1
        while begin < name_start and text[begin] in LIST_JOINERS:
            begin += 1
        person = text[name_start:name_end]
        posts: list[Post] = []
        for item in self.chain_posts(doc, begin, name_start):
            add_span(doc, "roles", item.end - len(item.role.title), item.end, "ROLE",
                     key=item.role.title, kind=item.role.family)
            posts.append(Post(person, item.role.title, item.org, text[item.start:item.end],
                              evidence_for(doc, item.start, name_end)))
        return posts

    def _inherit_orgs(self, doc: Doc, posts: list[Post]) -> list[Post]:
        """A title that names no organization takes the one of the nearest title before it in the
        same sentence, of the same family or its deputy ("常委会主任甲主持会议，副主任乙出席").
        ``posts`` are in text order; the result keeps it."""
        text = text_of(doc)
        out: list[Post] = []
        for post in posts:
            if post.org is None and post.role in self.roles:
                family = self.roles[post.role].family
                for prior in reversed(out):
                    if "。" in text[prior.evidence.end:post.evidence.start] or \
                            any(c in text[prior.evidence.end:post.evidence.start] for c in "！？\n"):
                        break
                    if prior.org and prior.role in self.roles and (
                            _base_title(prior.role) == _base_title(post.role) or
                            (family != "generic" and self.roles[prior.role].family == family)):
                        post = replace(post, org=prior.org)
                        break
            out.append(post)
        return out

    def chain_posts(self, doc: Doc, start: int, end: int, separators: str = "、") -> list[ChainItem]:
        """The posts of the title chain ``text[start:end]``, items split at ``separators``.

        Each title's organization is the one recognized before it, the one its district and title
        imply ("涪城区区长"), the head of the previous item's organization for a bare organ word
        ("党工委书记、管委会主任"), the district's organ written after a bare level word ("区公安局"),
        else the text before the title as written, else what the title implies."""
        text = text_of(doc)
        out: list[ChainItem] = []
        previous_org: str | None = None
        pos = start
        for item in re.split(f"[{re.escape(separators)}]", text[start:end]):
            item_start, item_end = pos, pos + len(item)
            pos = item_end + 1
            role = self._role_suffix(item)
            if role is None:
                previous_org = None
                continue
            role_start = item_end - len(role.title)
            org = self._written_org(doc, role, item_start, role_start, previous_org)
            if org is None:
                org = self._implied_org(doc, role, role_start, previous_org)
            if org:  # "松山区第十届人大常委会": the term number is no part of the organization
                org = TERM_NUMBER.sub("", org) or org
            out.append(ChainItem(role, org, item_start, item_end))
            previous_org = org
        return out

    def _written_org(self, doc: Doc, role: Role, item_start: int, role_start: int,
                     previous_org: str | None) -> str | None:
        """The organization a chain item writes before its title, or None when it writes none."""
        prefix = text_of(doc)[item_start:role_start]
        if prefix in SELF_REFERENCES:
            return None
        org = self._org_before(doc, item_start, role_start)
        if org is not None:
            return org
        district = self._district_exactly(doc, item_start, role_start)
        if district is not None and role.implied:
            return self._implied_org(doc, role, role_start, None, division=district)
        if prefix in BARE_ORGANS and previous_org:
            return _head(previous_org) + prefix
        if prefix in PARTY_DEPARTMENTS and previous_org and previous_org.endswith("委"):
            return previous_org + prefix  # 省委常委、宣传部部长 → 四川省委宣传部
        if previous_org and prefix.endswith("委员会") and district is None and \
                not prefix.startswith(tuple(LEVEL_CHARS)):
            return previous_org + prefix  # 法院副院长、审判委员会委员 → the court's 审判委员会
        written = self._name_before(doc, item_start, role_start)
        if len(written) >= 2:
            return self._local_org(doc, written, role_start - len(written))
        word = COURT_WORDS.get(role.family)
        if word and previous_org and word in previous_org:
            # a bare 审判员 after "…审判委员会委员" is the court's, not the committee's
            return previous_org[:previous_org.rfind(word) + len(word)]
        return None

    def _name_before(self, doc: Doc, start: int, end: int) -> str:
        """The name-like words right before a title, back from ``end`` to at most ``start``: not a
        clause ("…发言的还有联想集团副总裁" → 联想集团), a dateline or a title modifier (副, 前)."""
        text = text_of(doc)
        while end > start and text.endswith(TITLE_MODIFIERS, start, end):
            end -= next(len(m) for m in TITLE_MODIFIERS if text.endswith(m, start, end))
        begin = end
        while begin > start:
            word_start = begin - 1
            while word_start > start and not is_word_boundary(doc, word_start):
                word_start -= 1
            word = text[word_start:begin]
            if (word in self.org_stopwords or word_tags().get(word) in CLAUSE_TAGS or
                    not all(is_cjk(c) or c in "（）()" for c in word)) and \
                    not joins_nouns(doc, start, word_start, begin) and \
                    not verb_in_compound(doc, start, word_start, begin, self.org_stopwords):
                break
            if word in self.roles or any(tag == "PER" and ws < begin and word_start < we
                                         for ws, we, tag, _ in doc._.lac_words or ()):
                break  # another person's title or name: "记者甲|通讯员乙"
            begin = word_start
        return text[begin:end]

    @staticmethod
    def _local_org(doc: Doc, prefix: str, pos: int) -> str:
        """An organization written after a bare level word, named for the district it means
        ("区公安局" in a 大足区 text → 大足区公安局); else as written."""
        if prefix[0] in LEVEL_CHARS and not prefix.startswith(("市场", "区域", "县域")):
            division = local_district(doc, pos, prefix[0])
            if division is not None:
                return everyday_name(division) + prefix[1:]
        return prefix

    def _post_after_name(self, doc: Doc, person: str, start: int, m: re.Match[str]) -> Post | None:
        role = self.roles[m.group()]
        org = self._implied_org(doc, role, m.start(), None)
        return Post(person, role.title, org, m.group(), evidence_for(doc, start, m.end()))

    def _role_suffix(self, item: str) -> Role | None:
        for title in sorted((t for t in self.roles if item.endswith(t)), key=len, reverse=True):
            return self.roles[title]
        return None

    def _org_before(self, doc: Doc, item_start: int, role_start: int) -> str | None:
        """The recognized organization ending right before the title (inside the chain item)."""
        best = None
        for span in doc.spans.get("orgs", []):
            if item_start <= span.start and span.end in (role_start, role_start - 2) and span.end <= role_start:
                if text_of(doc)[span.end:role_start] in ("", "党组", "党委", "党工"):
                    best = span._.key
        return best

    def _district_exactly(self, doc: Doc, start: int, end: int):
        """The most specific division when [start, end) is nothing but district mentions
        ("锦江区", "成都市锦江区"), else None."""
        pos, last = start, None
        for span in sorted(doc.spans.get("districts", []), key=lambda s: s.start):
            if span.start == pos and span.end <= end:
                pos, last = span.end, span
        return admin_divisions()[last._.key] if last is not None and pos == end else None

    def _implied_org(self, doc: Doc, role: Role, pos: int, previous_org: str | None,
                     division=None) -> str | None:
        if role.implied == "central_committee":
            return "中共中央"
        if role.implied in ("government", "party_committee", "congress", "cppcc"):
            organ = {"party_committee": "party"}.get(role.implied, role.implied)
            if organ == "party" and previous_org and previous_org.endswith("委"):
                return previous_org
            if division is None:
                level = next((c for c in "省市州区县" if c in role.title), None) or _level_of(previous_org) or "市"
                division = local_district(doc, pos, level)
            return organ_names(division, organ)[0] if division else None
        if role.family == "media":
            media = [s for s in doc.spans.get("orgs", []) if s._.kind == "media" and s.start < pos]
            return media[-1]._.key if media else previous_org
        return previous_org


def _split_run(name: str, known: set[str]) -> list[tuple[int, str]] | None:
    """``name`` as a run of names known elsewhere in the document ("甲乙丙丁" → "甲乙", "丙丁"),
    or None when it is not one (a tagger sometimes reads a list written without 、 as one name)."""
    if len(name) < 4:
        return None
    for size in (2, 3, 4):
        head, tail = name[:size], name[size:]
        if head in known:
            if tail in known:
                return [(0, head), (size, tail)]
            rest = _split_run(tail, known)
            if rest:
                return [(0, head), *((size + o, p) for o, p in rest)]
    return None


def _base_title(title: str) -> str:
    """A title without its deputy/executive prefix: 常务副市长 → 市长."""
    for prefix in ("常务副", "副"):
        if title.startswith(prefix) and len(title) > len(prefix) + 1:
            return title[len(prefix):]
    return title


def _head(org: str) -> str:
    """An organization's name without its organ word: "绵阳高新区党工委" → "绵阳高新区"."""
    for organ in BARE_ORGANS:
        if org.endswith(organ) and len(org) > len(organ):
            return org[: -len(organ)]
    return org


def _level_of(org: str | None) -> str | None:
    """The level character of a district organ's name ("大足区委" → "区")."""
    if not org:
        return None
    for organ_word in ("人民政府", "人大常委会", "政协", "委"):
        if org.endswith(organ_word):
            head = org[: -len(organ_word)]
            return head[-1] if head and head[-1] in "省市州区县" else None
    return None



@Language.factory("policykg_persons",
                  assigns=["doc.spans", "doc._.facts", "span._.key", "span._.kind"],
                  requires=["doc._.lac_words", "doc._.ner_per_prob"],
                  default_config={"surnames": "surnames.txt", "roles": "roles.tsv",
                                  "leader_cues": "leader_list_cues.txt", "org_stopwords": "org_stopwords.txt",
                                  "use_ner": True})
def make_person_recognizer(nlp: Language, name: str, surnames: str, roles: str, leader_cues: str,
                           org_stopwords: str, use_ner: bool) -> PersonRecognizer:
    """``use_ner``: add the NER component's filtered names to the context rules' names."""
    table = {row[0]: Role(*row[:4]) for row in read_table(roles)}
    return PersonRecognizer(read_entries(surnames), table, NameFilter.from_data() if use_ner else None,
                            read_entries(leader_cues), read_entries(org_stopwords))
