"""Named policy measures: documents in 《》, quoted programs, and unquoted names with a measure suffix.

Three rules, in order of trust (a later rule never takes text an earlier one already took):

1. **Titles** ``《…》``: every title that is not a publication is a measure, classified by its
   ending (协议 → Agreement, 规划/纲要 → Plan, …). A draft marker such as （送审稿） is dropped from the
   name and kept as an alias; "（以下简称《措施》）" makes later 《措施》 mentions refer back to the title.
   A generic title (《总体方案》, 《2023年工作要点》) only refers back to an earlier title it ends.
2. **Quoted names** ``“…”``: a quote followed by a measure ending ("“三进”工程"), a list of quotes
   followed by a count ("“A”“B”三项五年行动计划"), or a quote that is the object of an implementing
   verb ("深入推进“全民禁毒”和…").
3. **Unquoted names** ending in a measure suffix ("实施巴山英才计划"): the name starts after the last
   implementing verb or punctuation before it, and must keep at least four characters before the
   suffix ("启动支持计划" is not cut at 启动).

Lexicons: ``measure_suffixes.tsv``, ``measure_triggers.txt``, ``measure_generic_heads.txt``,
``measure_title_rejects.txt``, ``measure_version_suffixes.txt``, ``measure_count_tails.txt``.

>>> from extractors.measures import find_measures
>>> [(m.name, m.kind) for m in find_measures("市人力社保局印发《关于做好稳就业工作的通知》，实施巴山英才计划。")]
[('关于做好稳就业工作的通知', 'PolicyDocument'), ('巴山英才计划', 'Program')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, sentence_bounds, text_of
from extractors.lexicons import read_entries, read_table
from kg.model.facts import Measure

__all__ = ["CLAUSE_BREAK", "MeasureExtractor", "MeasureMention", "classify_measure", "find_measures",
           "is_generic_name", "name_start"]

CJK = "\u4e00-\u9fff"
# characters that end a clause: a measure name never spans one
CLAUSE_BREAK = set("，。；：！？、,.;:!?\n（）()《》“”‘’\"「」『』【】 —…")
NAME_CHARS = re.compile(rf"[{CJK}0-9A-Za-z·（）()\-—+]+")
FUNCTION_STARTS = read_entries("measure_function_starts.txt")
# characters a bare name never contains ("离岸人才可按规定", "采取了哪些措施")
NOT_IN_NAME = set("可按在了哪些吗呢着过把被是")
# collections inside a bare name ("投用一批民生工程") make it a description, not a name
NOT_IN_NAME_WORDS = read_entries("measure_not_in_name_words.txt")
SCOPE_PREFIXES = read_entries("measure_scope_prefixes.txt")
# a name may stop before these (the next word begins); anything else glued on means a longer word
RIGHT_OK_CHARS = set("和与及等的中后里并、")
RIGHT_OK_WORDS = ("巩固", "落地", "取得", "成效", "经验", "入选", "实施", "以及", "工作", "管理制度")
# what may follow an object quote that is a measure ("开展“百万人才兴某市”系列引才活动")
QUOTE_RIGHT_WORDS = ("和", "与", "及", "以及", "等", "系列")
# quoted counts are slogans ("两个确立", "三个必须", "一项改革"), not measures
# nouns that end a list item before 和 ("…创新中心和某某研究中心")
LIST_ENDINGS = ("中心", "基地", "平台", "园", "区", "城")
PREDICATIVE_WORDS = ("作为", "称为", "誉为", "成为", "是", "叫")
# endings too common after a quoted word to make a name on their own ("“用才”机制")
WEAK_TAILS = ("机制", "体系")
SLOGAN_COUNT_RE = re.compile(r"^[一二三四五六七八九十两\d]+[个项]")
ABBREVIATION_RE = re.compile(r"[（(]\s*(?:以下)?简称\s*[《“\"‘]([^》”\"’]{1,20})[》”\"’]\s*[）)]")
COUNTED_RE_TEMPLATE = r"(?:等)?(?:[一二三四五六七八九十两\d]+[项大个类条])?[{cjk}]{{0,4}}?(?:{tails})"
YEAR_RE = re.compile(r"^(?:\d{4}|[〇一二三四五六七八九零]{4})(?:[-—至]\d{4})?年(?:度)?")
COUNT_RE = re.compile(r"^(?:[一二三四五六七八九十两百千\d]+[项大个条类年]|若干)+")
NUMBER_NICKNAME_RE = re.compile(r"^[新老国省市]?[一二三四五六七八九十百\d]+条$")


@dataclass
class MeasureMention:
    """One mention of a measure: [start, end) in the text, the canonical name and its class."""

    start: int
    end: int
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    rule: str = "bare"
    version_of: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@cache
def _suffixes() -> tuple[tuple[str, str, bool], ...]:
    rows = [(row[0], row[1], row[2] == "bare") for row in read_table("measure_suffixes.tsv")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@cache
def _triggers() -> tuple[str, ...]:
    return tuple(sorted(read_entries("measure_triggers.txt"), key=len, reverse=True))


@cache
def _generic_heads() -> frozenset[str]:
    return frozenset(read_entries("measure_generic_heads.txt"))


@cache
def _suffix_regex(bare_only: bool) -> re.Pattern[str]:
    alts = [re.escape(s) for s, _, bare in _suffixes() if bare or not bare_only]
    return re.compile("|".join(alts))


@cache
def _counted_regex() -> re.Pattern[str]:
    tails = "|".join(re.escape(t) for t in sorted(read_entries("measure_count_tails.txt"), key=len,
                                                      reverse=True))
    return re.compile(COUNTED_RE_TEMPLATE.format(cjk=CJK, tails=tails))


def classify_measure(name: str, default: str = "Program") -> str:
    """The measure class of ``name`` from its ending (see ``measure_suffixes.tsv``).

    >>> classify_measure("甲乙两地人才合作协议"), classify_measure("重点项目清单")
    ('Agreement', 'ProjectList')
    >>> classify_measure("“一次办”事项清单"), classify_measure("某某市物业管理条例")
    ('ProjectList', 'PolicyDocument')
    """
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", name)
    for suffix, kind, _ in _suffixes():
        if bare.endswith(suffix):
            if suffix.endswith(("清单", "目录")) and "项目" in bare:
                return "ProjectList"
            return kind
    return default


def _bare_suffix(name: str) -> bool:
    """Whether ``name`` ends in a suffix that may end an unquoted name."""
    return any(name.endswith(suffix) for suffix, _, bare in _suffixes() if bare)


def _reduce(name: str) -> str:
    """``name`` without quotes, a leading year, scope word, count or attribute word."""
    core = re.sub(r"[“”\"‘’「」]", "", name)
    core = YEAR_RE.sub("", core)
    for scope in SCOPE_PREFIXES:
        if core.startswith(scope):
            core = core[len(scope):]
    core = YEAR_RE.sub("", core)
    core = COUNT_RE.sub("", core)
    return core


def is_generic_name(name: str) -> bool:
    """Whether ``name`` is only a genre word ("实施方案", "2023年工作要点", "六大工程", "19条措施").

    >>> is_generic_name("2023年工作要点"), is_generic_name("六大工程"), is_generic_name("青苗计划")
    (True, True, False)
    """
    core = _reduce(name)
    # "年度监督检查计划": an unnamed recurring document
    return len(core) < 2 or core in _generic_heads() or core.startswith("年度")


def _is_trigger_end(text: str, i: int) -> bool:
    return any(text[max(0, i - len(t)):i] == t for t in _triggers())


def _trigger_start(text: str, i: int, triggers: tuple[str, ...]) -> int | None:
    """If a trigger word ends at ``i``, where it starts."""
    for t in triggers:
        if text[max(0, i - len(t)):i] == t:
            return i - len(t)
    return None


def _right_ok(text: str, end: int) -> bool:
    """Whether a name may end at ``end``: not glued to a longer word (工程|师, 计划|投资)."""
    if end >= len(text):
        return True
    nxt = text[end]
    if not re.match(rf"[{CJK}0-9A-Za-z]", nxt) or nxt in RIGHT_OK_CHARS:
        return True
    return text.startswith(RIGHT_OK_WORDS, end) or any(text.startswith(t, end) for t in _triggers())


def _clean_start(text: str, start: int, end: int) -> int:
    """Move ``start`` past leading triggers and function words."""
    moved = True
    while moved and start < end:
        moved = False
        for word in (*_triggers(), *FUNCTION_STARTS):
            if text.startswith(word, start) and start + len(word) <= end:
                start += len(word)
                moved = True
                break
    return start


def name_start(text: str, core_end: int, min_core: int, max_core: int, clause_max: int,
               triggers: tuple[str, ...] | None = None) -> tuple[int, bool] | None:
    """Where a name whose core ends at ``core_end`` starts, and whether a trigger word opens it.

    The start is just after the last trigger that leaves ``min_core`` characters, else just after
    the clause break, if that is at most ``clause_max`` characters back; None when neither.

    >>> text = "组织开展青年创业领航计划"
    >>> name_start(text, text.index("计划"), 4, 20, 14)
    (4, True)
    """
    triggers = _triggers() if triggers is None else triggers
    lo = core_end
    while lo > 0 and core_end - lo < max_core and text[lo - 1] not in CLAUSE_BREAK:
        lo -= 1
    for i in range(core_end - min_core, lo - 1, -1):
        ts = _trigger_start(text, i, triggers)
        if ts is not None and ts >= lo - 0:
            return i, True
    if lo > 0 and text[lo - 1] not in CLAUSE_BREAK:
        return None  # ran past max_core without a boundary
    if core_end - lo > clause_max:
        return None
    if any(_trigger_start(text, i, triggers) is not None and _trigger_start(text, i, triggers) >= lo
           for i in range(lo + 1, core_end + 1)):
        return None  # a verb inside the clause leaves too little for a name ("探索一体化规划")
    return lo, False


def _strip_scope(name: str) -> tuple[str, tuple[str, ...]]:
    for scope in SCOPE_PREFIXES:
        if name.startswith(scope) and len(name) - len(scope) >= 4:
            return name[len(scope):], (name,)
    return name, ()


def _bad_core(core: str) -> bool:
    if not core or not NAME_CHARS.fullmatch(core):
        return True
    if "的" in core or core.startswith(FUNCTION_STARTS) or any(c in NOT_IN_NAME for c in core):
        return True
    if any(w in core for w in NOT_IN_NAME_WORDS):
        return True
    return not re.search(rf"[{CJK}]", core)


# --- rule 1: titles -----------------------------------------------------------------------------

def _split_version(title: str) -> tuple[str, bool]:
    m = re.search(r"[（(]\s*(" + "|".join(map(re.escape, read_entries("measure_version_suffixes.txt")))
                  + r")\s*[）)]$", title)
    return (title[:m.start()].rstrip(), True) if m else (title, False)


def _is_instrument_title(title: str) -> bool:
    """Whether a 《》 title names a policy instrument, judged by its ending.

    >>> _is_instrument_title("某某市物业管理条例"), _is_instrument_title("某某政策三十条（试行）")
    (True, True)
    >>> _is_instrument_title("人民日报"), _is_instrument_title("千里江山图")
    (False, False)
    """
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", title)
    endings = (*(s for s, _, _ in _suffixes()), *read_entries("measure_title_endings.txt"))
    return bare.endswith(endings)


def _titles(text: str, abbreviations: dict[str, str]) -> list[MeasureMention]:
    out: list[MeasureMention] = []
    note_end = -1
    for m in re.finditer(r"《([^《》\n]{2,80})》", text):
        if m.start() < note_end:
            continue  # the short form inside "（以下简称《措施》）" is not a mention of its own
        title = re.sub(r"\s+", "", m.group(1))
        base, is_draft = _split_version(title)
        if base not in abbreviations and not _is_instrument_title(base):
            continue  # a book, newspaper, painting or song
        if base in abbreviations:
            name = abbreviations[base]
            out.append(MeasureMention(m.start(), m.end(), name, classify_measure(name, "PolicyDocument"),
                                      rule="abbreviation"))
            continue
        if is_generic_name(base):
            # "《2023年工作要点》" after "《某某2023年工作要点》": the same document, said short
            earlier = [x.name for x in out if x.name.endswith(base) and x.name != base]
            if earlier:
                out.append(MeasureMention(m.start(), m.end(), earlier[-1],
                                          classify_measure(earlier[-1], "PolicyDocument"), rule="abbreviation"))
            continue
        aliases = (title,) if is_draft else ()
        name = base
        quoted = re.fullmatch(r"[“\"‘](.+?)[”\"’]([^“”\"‘’]{1,10})", base)
        if quoted and len(re.findall(rf"[{CJK}]", quoted.group(1))) >= 4 \
                and any(quoted.group(2).endswith(sfx) for sfx, _, _ in _suffixes()):
            # 《“X”育才计划》 is the program “X” of the quoted rule: the same name, so mentions merge
            name, aliases = quoted.group(1), (*aliases, base)
        mention = MeasureMention(m.start(), m.end(), name, classify_measure(base, "PolicyDocument"),
                                 aliases, rule="title")
        abbr = ABBREVIATION_RE.match(text, m.end())
        if abbr:
            note_end = abbr.end()
            short = abbr.group(1)
            abbreviations[short] = base
            if not is_generic_name(short):
                mention.aliases = (*mention.aliases, short)
        out.append(mention)
    return out


# --- rule 2: quoted names -----------------------------------------------------------------------

QUOTE_RE = re.compile(r"“([^“”\n]{1,24})”|‘([^‘’\n]{1,24})’|\"([^\"\n]{1,24})\"|「([^「」\n]{1,24})」")


def _quote_tail(text: str, pos: int) -> str:
    """The longest measure ending glued after a closing quote ("工程人才协同行动", "治理")."""
    run = re.match(rf"[{CJK}0-9A-Za-z]{{1,10}}", text[pos:])
    if not run:
        return ""
    word = re.split(r"[和与及的等]", run.group())[0]
    best = ""
    for m in _suffix_regex(False).finditer(word):
        candidate = word[:m.end()]
        if _right_ok(text, pos + len(candidate)) or len(candidate) == len(word):
            best = candidate
    return best


def _quoted(text: str, taken: list[tuple[int, int]], abbreviations: dict[str, str]) -> list[MeasureMention]:
    quotes = [(m.start(), m.end(), next(g for g in m.groups() if g is not None))
              for m in QUOTE_RE.finditer(text) if not _inside(m.start(), m.end(), taken)]
    # consecutive quotes ("“A”“B”、“C”") form one list sharing the verb before and the count after
    groups: list[list[tuple[int, int, str]]] = []
    for q in quotes:
        if groups and text[groups[-1][-1][1]:q[0]] in ("", "、", ","):
            groups[-1].append(q)
        else:
            groups.append([q])
    out: list[MeasureMention] = []
    for group in groups:
        first, last = group[0], group[-1]
        window = text[max(0, first[0] - 8):first[0]]
        trigger_at = None
        for i in range(first[0], max(0, first[0] - 8) - 1, -1):
            if _is_trigger_end(text, i):
                trigger_at = i
                break
            if i < first[0] and text[i] in CLAUSE_BREAK:
                break
        if trigger_at is not None and first[0] - trigger_at > 4 and "的" in text[trigger_at:first[0]]:
            trigger_at = None  # "建设某某版的“千里江山图”": a metaphor qualified by 的, not an object
        prefix = ""
        if trigger_at is not None:
            if 0 < first[0] - trigger_at <= 4:
                prefix = text[trigger_at:first[0]]
        elif window and first[0] - 4 >= 0:
            cut = max(window.rfind(c) for c in CLAUSE_BREAK)
            if cut >= 0 and 0 < len(window) - cut - 1 <= 4:
                prefix = window[cut + 1:]
        for scope in SCOPE_PREFIXES:
            prefix = prefix.removeprefix(scope)
        if prefix and (prefix.startswith(FUNCTION_STARTS) or prefix.startswith(_triggers())
                       or not re.fullmatch(rf"[{CJK}]+", prefix)):
            prefix = ""
        tail = _quote_tail(text, last[1])
        if tail and re.match(r"[一二三四五六七八九十两\d]", tail):
            tail = ""  # "“A”“B”三项五年行动计划" is a count of the list, not one name
        counted = _counted_regex().match(text, last[1]) if not tail else None
        counted_ok = bool(counted and re.search(r"[等一二三四五六七八九十两\d]", counted.group())
                          and _right_ok(text, counted.end()))
        # "把人才引进作为“源头工程”": a quote that describes something is not an instrument
        predicative = text[max(0, first[0] - 3):first[0]].endswith(PREDICATIVE_WORDS)
        after = last[1] + len(tail)
        right_free = after >= len(text) or text[after] in CLAUSE_BREAK or text.startswith(
            QUOTE_RIGHT_WORDS, after)
        for idx, (qs, qe, content) in enumerate(group):
            content = content.strip()
            if len(content) > 20 or re.search(r"[，。；：？！,;:?!]", content) or SLOGAN_COUNT_RE.match(content):
                continue
            is_last = idx == len(group) - 1
            single = len(group) == 1
            name_prefix = prefix if single else ""
            start = qs - len(name_prefix)
            if content in abbreviations:
                out.append(MeasureMention(qs, qe, abbreviations[content],
                                          classify_measure(abbreviations[content], "PolicyDocument"),
                                          rule="abbreviation"))
                continue
            if predicative and not tail:
                continue
            if is_last and tail and not is_generic_name(content) and (
                    len(content) >= 3 or not tail.endswith(WEAK_TAILS)):
                full = f"{name_prefix}“{content}”{tail}"
                # a quoted proper name of 4+ characters is the name ("巴山工匠" for "“巴山工匠”行动计划"):
                # the descriptive ending varies between mentions and documents, the quoted name does not
                name = content if len(re.findall(rf"[{CJK}]", content)) >= 4 else full
                aliases = tuple(dict.fromkeys(a for a in (full, content, f"“{content}”{tail}") if a != name))
                out.append(MeasureMention(start, qe + len(tail), name, classify_measure(tail, "Program"),
                                          aliases, rule="quote+suffix"))
            elif counted_ok and not is_generic_name(content):
                kind = classify_measure(counted.group() if counted else "", "Program")
                out.append(MeasureMention(qs, qe, content, kind, rule="quote-list"))
            elif NUMBER_NICKNAME_RE.match(content):
                out.append(MeasureMention(qs, qe, content, "PolicyDocument", rule="quote-nickname"))
            elif _bare_suffix(content) and not is_generic_name(content) and len(content) >= 4 \
                    and not content.startswith(_triggers()):
                out.append(MeasureMention(qs, qe, content, classify_measure(content), rule="quote-named"))
            elif trigger_at is not None and right_free and not is_generic_name(content) \
                    and len(content) >= 4 and NAME_CHARS.fullmatch(content) and not re.search("[（）()]", content):
                name = f"{name_prefix}“{content}”" if name_prefix else content
                aliases = (content,) if name_prefix else ()
                out.append(MeasureMention(start, qe, name, classify_measure(content, "Program"), aliases,
                                          rule="quote-object"))
    return out


# --- rule 3: unquoted names ---------------------------------------------------------------------

def _inside(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in taken)


def _after_listed(text: str, start: int, core_end: int) -> int:
    """Skip "X清单和" in "X清单和Y清单": a name ending before 和 is a separate list item."""
    for i in range(core_end - 1, start, -1):
        if text[i] in "和与及" and text[start:i].endswith((*(s for s, _, _ in _suffixes()), *LIST_ENDINGS)):
            return i + 1
    return start


def _bare(text: str, taken: list[tuple[int, int]]) -> list[MeasureMention]:
    out: list[MeasureMention] = []
    for m in _suffix_regex(True).finditer(text):
        end = m.end()
        if not _right_ok(text, end) or _inside(m.start(), end, taken):
            continue
        found = name_start(text, m.start(), min_core=4, max_core=20, clause_max=14)
        if found is None:
            continue
        start, _ = found
        start = _clean_start(text, start, m.start())
        start = _after_listed(text, start, m.start())
        if text[max(0, start - 1):start] == "等":
            continue  # "实施A、B等生态治理工程": the category of a list, not a name
        core = text[start:m.start()]
        if _bad_core(core) or len(core) < 4:
            continue
        name = text[start:end]
        if is_generic_name(name) or _inside(start, end, taken):
            continue
        if m.group() == "工程" and any(word in core for word in WORKS_WORDS):
            continue  # "城乡供水一体化工程" is built: a project, not a program
        name, aliases = _strip_scope(name)
        out.append(MeasureMention(start, end, name, classify_measure(name), aliases, rule="bare"))
        # "青年创业领航计划、加速计划": a shortened list item shares the head of the one before
        share = re.match(rf"、([{CJK}]{{2}})({re.escape(m.group())})(?=[、，。；等和,;])", text[end:])
        if share and len(core) > 2:
            short = share.group(1) + share.group(2)
            shared_name = name[:len(name) - len(short)] + short
            s2 = end + 1
            out.append(MeasureMention(s2, s2 + len(short), shared_name, classify_measure(shared_name),
                                      (short,), rule="shared-head"))
    return out


WORKS_WORDS = read_entries("project_works_words.txt")  # what a project "…工程" builds
LISTED_RE = re.compile(r"等(?:[一二三四五六七八九十两\d]+[项大个类])?(?:专项|工程|行动|计划)")


def _listed(text: str, taken: list[tuple[int, int]]) -> list[MeasureMention]:
    """Unquoted items of a list closed by a count noun: "推出A、B、C等专项" names A, B and C."""
    out: list[MeasureMention] = []
    for m in LISTED_RE.finditer(text):
        if not _right_ok(text, m.end()):
            continue
        clause_start = max(text.rfind(c, 0, m.start()) for c in "，。；：！？,;:!?\n") + 1
        items: list[tuple[int, int]] = []
        end = m.start()
        for part in reversed(text[clause_start:m.start()].split("、")):
            items.append((end - len(part), end))
            end -= len(part) + 1
        if len(items) < 2:
            continue  # a single "A等专项" is too weak a cue
        for start, end in items:
            if items and (start, end) == items[-1]:  # the first item carries the verb before it
                start = _clean_start(text, start, end)
                trig = [i for i in range(start, end) if _is_trigger_end(text, i)]
                start = trig[-1] if trig else start
            name = text[start:end]
            if _inside(start, end, taken) or not 4 <= len(name) <= 12 or _bad_core(name) \
                    or is_generic_name(name):
                continue
            out.append(MeasureMention(start, end, name, classify_measure(m.group(), "Program"), rule="list"))
    return out


def find_measures(text: str) -> list[MeasureMention]:
    """Every measure mention in ``text``, in text order.

    >>> [m.name for m in find_measures("对入选“青苗计划”的人才给予奖励，深入开展打击走私专项斗争。")]
    ['青苗计划', '打击走私专项斗争']
    >>> ms = find_measures("审议通过了《某某2023年工作要点（送审稿）》。")
    >>> ms[0].name, ms[0].aliases
    ('某某2023年工作要点', ('某某2023年工作要点（送审稿）',))
    """
    abbreviations: dict[str, str] = {}
    mentions = _titles(text, abbreviations)
    # a title's span covers 《》 and its abbreviation note, so quotes inside it are not re-read
    taken = [(m.start, m.end) for m in mentions]
    for m in re.finditer(r"《[^《》\n]{2,80}》", text):
        taken.append((m.start(), m.end()))
    for m in ABBREVIATION_RE.finditer(text):
        taken.append((m.start(), m.end()))
    quoted = _quoted(text, taken, abbreviations)
    mentions += quoted
    taken += [(m.start, m.end) for m in quoted]
    # quotes that were not measures still bound names ("“某某创新”品牌" is not "品牌")
    quote_spans = [(m.start(), m.end()) for m in QUOTE_RE.finditer(text)]
    bare = _bare(text, taken + quote_spans)
    mentions += bare
    mentions += _listed(text, taken + quote_spans + [(m.start, m.end) for m in bare])
    return sorted(mentions, key=lambda m: (m.start, -m.end))


# --- the component ------------------------------------------------------------------------------

ISSUE_VERBS = re.compile(r"(?:印发|出台|发布|制定|制订|审议通过|通过|颁布|推出)(?:了)?$")


def _issuer(doc: Doc, start: int) -> str | None:
    """The organization that issues the measure: "<org>…印发《…》" within its sentence."""
    if "orgs" not in doc.spans:
        return None
    sent_start, _ = sentence_bounds(doc, start)
    text = text_of(doc)
    for span in sorted(doc.spans["orgs"], key=lambda s: -s.end):
        if sent_start <= span.start and span.end <= start:
            between = text[span.end:start]
            if len(between) <= 20 and (ISSUE_VERBS.search(between) or between == "的"):
                return span._.key or span.text
            break
    return None


def _district(doc: Doc, start: int, end: int) -> str | None:
    """A district named inside the measure's name, else the district its sentence opens with."""
    if "districts" not in doc.spans:
        return None
    spans = list(doc.spans["districts"])
    inside = [s for s in spans if start <= s.start and s.end <= end]
    if inside:
        return inside[0]._.key
    sent_start, _ = sentence_bounds(doc, start)
    before = [s for s in spans if sent_start <= s.start and s.end <= start]
    return before[0]._.key if before else None


class MeasureExtractor:
    """Write ``doc.spans["measures"]`` (key = canonical name, kind = measure class) and
    :class:`Measure` facts, one per mention (the resolution component merges them)."""

    def __call__(self, doc: Doc) -> Doc:
        if "measures" not in doc.spans:
            doc.spans["measures"] = []
        facts = facts_of(doc)
        for m in find_measures(text_of(doc)):
            # the class must follow from the name alone, or one measure gets two classes in two
            # documents ("巴山工匠" written once with 计划, once with 行动): a suffix-less name is a Program
            kind = m.kind if classify_measure(m.name, "") else "Program"
            add_span(doc, "measures", m.start, m.end, "MEASURE", key=m.name, kind=kind)
            facts.measures.append(Measure(
                name=m.name, kind=kind, aliases=m.aliases,  # type: ignore[arg-type]
                issuer=_issuer(doc, m.start), district=_district(doc, m.start, m.end),
                evidence=(evidence_for(doc, m.start, m.end),)))
        return doc


@Language.factory("policykg_measures", assigns=["doc.spans", "doc._.facts", "span._.key", "span._.kind"])
def make_measure_extractor(nlp: Language, name: str) -> MeasureExtractor:
    """The ``policykg_measures`` pipeline component."""
    return MeasureExtractor()
