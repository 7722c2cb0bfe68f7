"""Money amounts (元/万元/亿元 ...) normalized to yuan and attached to what they fund.

The component finds every amount written with a currency unit, Arabic ("1,200.5万元") or Chinese
("一千二百万元") digits, reads its qualifier ("最高" → max, "以上" → min, "约"/"逾" → approx), and
attaches it by clause structure: the nearest preceding measure or project of the same sentence,
else the nearest preceding organization or district, else the nearest one of the sentences just
before (the paragraph's subject), else the district the whole document is about.

Ranges ("5000万元至1亿元") become one amount: the upper bound with qualifier "max" (the stated
ceiling is the fact a reader queries; the floor is kept in ``as_written``).

>>> parse_amount("3.5", "万亿")
3500000000000.0
>>> parse_amount("一千二百", "万")
12000000.0
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from extractors.annotations import add_span, evidence_for, facts_of, sentence_bounds, text_of
from extractors.documents import clause_owner
from extractors.lexicons import admin_divisions, alternation, read_entries, read_table
from kg.ingest.numerals import CN_NUMERAL_CHARS, CN_SMALL_UNITS, parse_chinese_number
from kg.model.facts import EntityRef, FundingAmount, Qualifier

__all__ = ["MoneyExtractor", "MoneyMention", "amount_kind", "find_amounts", "parse_amount", "parse_chinese_number"]

# "投资5000万元建设…": what follows the amount says what it pays for
FOR_BUILDING = re.compile(r"(?:用于|专项用于)?(?:建设|打造|新建|改造|实施)")
# magnitude word -> multiplier ("" = no magnitude word: the number is in yuan)
UNIT_SCALE = {"": 1.0, **{row[0]: float(row[1]) for row in read_table("money_units.tsv")}}

_NUM = rf"(?:\d{{1,3}}(?:[,，]\d{{3}})+|\d+)(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+"
# a magnitude word, longest first, or none (the empty alternative, tried last)
_UNIT = "|".join(map(re.escape, sorted((u for u in UNIT_SCALE if u), key=len, reverse=True))) + "|"
# a vague number: 数十, 几百, 十几, 上千 … (read as a range, see VAGUE_FACTORS)
_VAGUE = r"(?:[数几上][十百千]|[一二三四五六七八九]?[十百]几|[数几])"
INCLUSIVE = r"[（(]含[）)]"
# 数十 = 20…90, 十几 = 11…19, 上百 = 100…900: (low, high) as multiples of the magnitude written
VAGUE_FACTORS = {"数": (2, 9), "几": (2, 9), "上": (1, 9)}


@cache
def _currencies() -> dict[str, str]:
    return {row[0]: row[1] for row in read_table("currencies.tsv")}


@cache
def _amount_re() -> re.Pattern[str]:
    currency = "|".join(re.escape(c) for c in sorted(_currencies(), key=len, reverse=True))
    # one amount: number (or vague number), optional magnitude, optional 余/多 ("100余万元"), currency,
    # and the 角/分 and 整 of a written-out sum ("叁仟伍佰元伍角", "壹佰万元整")
    amount = (rf"(?:(?P<vague>{_VAGUE})|(?P<num>{_NUM}))(?P<fuzzy1>[余多])?(?P<unit>{_UNIT})(?P<fuzzy2>[余多])?"
              rf"(?:人民币)?(?P<cur>{currency})"
              rf"(?:(?P<jiao>[\d{CN_NUMERAL_CHARS}])角)?(?:(?P<fen>[\d{CN_NUMERAL_CHARS}])分)?整?")
    # a range "5000万元至1亿元" / "5000万-1亿元" / "10（含）--50万元": the first part's unit and 元 may go
    range_ = (rf"(?P<lo>{_NUM})(?P<lounit>{_UNIT})(?:元)?(?:{INCLUSIVE})?\s*"
              r"(?:--|——|至|到|-|—|–|~|～)\s*")
    return re.compile(rf"(?:{range_})?{amount}")


# characters after "元" that make it a different word (元素, 元旦, 一元化 ...)
NOT_MONEY_NEXT = frozenset(read_entries("money_not_after_yuan.txt"))


def _vague_range(vague: str) -> tuple[float, float]:
    """(low, high) of a vague number before its magnitude unit.

    >>> _vague_range("数十"), _vague_range("十几"), _vague_range("二十几"), _vague_range("几")
    ((20.0, 90.0), (11.0, 19.0), (21.0, 29.0), (2.0, 9.0))
    """
    if vague.endswith("几") and len(vague) > 1:  # 十几, 二十几, 百几
        base = parse_chinese_number(vague[:-1]) or 0.0
        step = 1.0 if base < 100 else 10.0
        return base + step, base + 9 * step
    low, high = VAGUE_FACTORS[vague[0]]
    scale = CN_SMALL_UNITS.get(vague[1:], 1) if len(vague) > 1 else 1
    return float(low * scale), float(high * scale)


def parse_amount(number: str, unit: str = "") -> float | None:
    """Yuan for a number as written (Arabic with commas/decimals, or Chinese) and a magnitude unit.

    >>> parse_amount("1,200.5", "万"), parse_amount("二十", "亿")
    (12005000.0, 2000000000.0)
    """
    cleaned = number.replace(",", "").replace("，", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        # decimal arithmetic: 2.3亿 is 230000000, not 229999999.99999997
        return float(Decimal(cleaned) * Decimal(str(UNIT_SCALE[unit])))
    parsed = parse_chinese_number(cleaned)
    if parsed is None:
        return None
    return parsed * UNIT_SCALE[unit]


@dataclass(frozen=True)
class MoneyMention:
    """One amount found in a text: [start, end) covers the qualifier words too.

    ``value`` is in units of ``currency`` (yuan for CNY); a vague amount ("数十亿元") has
    ``low`` set, ``value`` is then its upper bound and ``qualifier`` "approx".
    """

    start: int
    end: int
    value: float
    qualifier: Qualifier
    per_unit: bool
    number_start: int  # where the number itself starts (purpose text ends here)
    number_end: int  # just after the currency word
    currency: str = "CNY"
    low: float | None = None


def _qualifier_table() -> list[tuple[str, str, str]]:
    return [(row[0], row[1], row[2]) for row in read_table("money_qualifiers.tsv")]


# words that may stand between a ceiling word and its number: "最高奖励50万元", "最高可获得300万元"
_QUALIFIER_GAP = re.compile(rf"(?:{alternation('money_ceiling_gap_words.txt')})+$")


def _qualifier(text: str, start: int, end: int) -> tuple[Qualifier, int, int]:
    """The qualifier words right before / after the amount, and the widened [start, end)."""
    qualifier: Qualifier = "exact"
    new_start, new_end = start, end
    inclusive = re.match(INCLUSIVE, text[end:])  # "100万元（含）以上"
    after_at = end + (inclusive.end() if inclusive else 0)
    table = sorted(_qualifier_table(), key=lambda r: -len(r[0]))
    for word, side, kind in table:
        if side == "before" and text[max(0, start - len(word)):start] == word and new_start == start:
            qualifier, new_start = kind, start - len(word)  # type: ignore[assignment]
        elif side == "after" and text[after_at:after_at + len(word)] == word and new_end == end:
            qualifier, new_end = kind, after_at + len(word)  # type: ignore[assignment]
    if new_start == start:
        # a ceiling word separated from the number by a verb: "最高奖励50万元"
        gap = _QUALIFIER_GAP.search(text, max(0, start - 8), start)
        if gap is not None:
            for word, side, kind in table:
                if side == "before" and kind == "max" and text[max(0, gap.start() - len(word)):gap.start()] == word:
                    qualifier, new_start = kind, gap.start() - len(word)  # type: ignore[assignment]
                    break
    return qualifier, new_start, new_end


# a rate per person, household, item …; "每年安排5000万元" is a yearly budget, not a rate
_PER_UNIT_RE = re.compile(r"每[个位名人户家项次台套亩平吨件所]|单[个家项位户]|人均|户均|/[人户次吨件个项]")


def _fraction(digit: str | None) -> float:
    """The value of one 角 or 分 digit ("5", "伍")."""
    if not digit:
        return 0.0
    return float(digit) if digit.isdigit() else parse_chinese_number(digit) or 0.0


def find_amounts(text: str) -> list[MoneyMention]:
    """Every money amount in ``text`` with its value, qualifier, currency and per-unit flag.

    >>> [(m.value, m.qualifier) for m in find_amounts("给予最高200万元奖励，总投资约13亿元")]
    [(2000000.0, 'max'), (1300000000.0, 'approx')]
    >>> [(m.value, m.currency) for m in find_amounts("人民币壹佰贰拾万元整，合作基金5000万美元")]
    [(1200000.0, 'CNY'), (50000000.0, 'USD')]
    >>> find_amounts("年薪的5%，新增3万吨产能，一元化管理")
    []
    """
    out: list[MoneyMention] = []
    for m in _amount_re().finditer(text):
        currency = _currencies()[m.group("cur")]
        if m.group("cur").endswith(("元", "圆")) and m.end() < len(text) and text[m.end()] in NOT_MONEY_NEXT:
            continue
        if m.group("cur") == "日元" and re.search(r"月\s*$", text[max(0, m.start() - 2):m.start()]):
            continue  # "1月1日元旦": a date
        num, unit, vague = m.group("num"), m.group("unit"), m.group("vague")
        low: float | None = None
        if vague:
            if not unit and m.group("cur") in "元圆":
                continue  # "几元" / "数元": too vague to be a fact, and often a word (多元)
            lo_factor, hi_factor = _vague_range(vague)
            low, value = lo_factor * UNIT_SCALE[unit], hi_factor * UNIT_SCALE[unit]
        else:
            is_chinese = not num[0].isdigit()
            # a bare Chinese digit before 元 is usually a word (多元, 三元里), not an amount
            if is_chinese and not unit and not any(c in num for c in "十百千万亿拾佰仟萬億"):
                continue
            if is_chinese and m.start("num") > 0 and text[m.start("num") - 1] in "第统单多":
                continue
            parsed = parse_amount(num, unit)
            if parsed is None or parsed <= 0:
                continue
            value = parsed + _fraction(m.group("jiao")) / 10 + _fraction(m.group("fen")) / 100
        qualifier: Qualifier = "approx" if vague or m.group("fuzzy1") or m.group("fuzzy2") else "exact"
        number_start = m.start("vague") if vague else m.start("num")
        start = m.start() if m.group("lo") else number_start
        q, qstart, qend = _qualifier(text, start, m.end())
        if q != "exact" and not vague:
            qualifier = q
        if m.group("lo"):
            qualifier = "max"  # a range: the upper bound is the stated ceiling
        clause_start = max(text.rfind(c, 0, start) for c in "，。；！？,;\n") + 1
        per_unit = bool(_PER_UNIT_RE.search(text[clause_start:start])) or bool(
            re.match(r"\s*/\s*[人户年月天日次吨件个项亩]", text[m.end():]))
        out.append(MoneyMention(qstart, qend, value, qualifier, per_unit, start, m.end(), currency, low))
    return out


# --- what kind of money ------------------------------------------------------------------------

_CLAUSE_BREAKS = "，。；！？,;：:\n"
# "对主营业务收入首次突破100亿元的企业": the amount is a condition an award is tied to
_THRESHOLD_OPENERS = re.compile(r"对|凡|首次|达到.*?(?:的|且)|认定")
_THRESHOLD_AFTER = re.compile(r"(?:及|或)?(?:以上|以下)?的[^，。；,;]{0,12}?"
                              rf"(?:{alternation('money_threshold_holders.txt')})")


@cache
def _kind_cues() -> tuple[dict[str, str], re.Pattern[str]]:
    cues = {row[0]: row[1] for row in read_table("amount_kinds.tsv")}
    return cues, re.compile("|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)))


def _clause_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in _CLAUSE_BREAKS) + 1


def amount_kind(text: str, mention: MoneyMention) -> str:
    """What kind of money ``mention`` is (an ``AMOUNT_KINDS`` name), from its own clause: a rate
    per unit, a threshold an award is tied to, else the cue word nearest the number
    (``amount_kinds.tsv``), else a cue after it in the clause, else one earlier in the sentence.

    >>> text = "对主营业务收入首次突破100亿元的企业，给予50万元奖励；全市产值达到300亿元。"
    >>> [amount_kind(text, m) for m in find_amounts(text)]
    ['Threshold', 'SubsidyOrAward', 'OutputOrRevenue']
    """
    if mention.per_unit:
        return "RatePerUnit"
    cues, cue_re = _kind_cues()
    clause_start = _clause_start(text, mention.number_start)
    before = text[clause_start:mention.number_start]
    if _THRESHOLD_OPENERS.search(before) and _THRESHOLD_AFTER.match(text, mention.end):
        return "Threshold"
    found = [m for m in cue_re.finditer(before)]
    if found:
        return cues[max(found, key=lambda m: (m.end(), len(m.group()))).group()]
    clause_end = min([i for i in (text.find(c, mention.end) for c in _CLAUSE_BREAKS) if i >= 0] or [len(text)])
    after = cue_re.search(text, mention.end, clause_end)
    if after is not None:
        return cues[after.group()]
    sentence_start = max(text.rfind(c, 0, clause_start) for c in "。；！？;!?\n") + 1
    earlier = list(cue_re.finditer(text, sentence_start, clause_start))
    if earlier:
        return cues[earlier[-1].group()]
    return "OtherAmount"


# --- attachment -------------------------------------------------------------------------------

# a sentence that opens by pointing back at a project or measure ("该项目", "项目位于…")
ANAPHOR_RE = re.compile(rf"^(?:该|此|这一?|上述)?(?:{alternation('money_anaphor_heads.txt')})")
_LEAD_VERBS = re.compile(rf"^(?:{alternation('money_purpose_lead_verbs.txt')})")
# the empty alternative lets a purpose with no such word through unchanged
_TRAIL_WORDS = re.compile(rf"(?:{alternation('money_trailing_words.txt')}|)$")


def _purpose(text: str, mention: MoneyMention, attached_end: int) -> str | None:
    """What the money is for, as written: "…的人才奖励" after it, else the words just before it."""
    after = re.match(r"的([\u4e00-\u9fff]{2,10}?)(?=[，。；、,;]|$|用于|等)", text[mention.number_end:])
    if after and not re.search(r"[\d]", after.group(1)):
        return after.group(1)
    clause_start = max(max(text.rfind(c, 0, mention.start) for c in "，。；！？,;\n、（(") + 1, attached_end)
    before = text[clause_start:mention.start]
    before = _TRAIL_WORDS.sub("", before)
    before = _LEAD_VERBS.sub("", ANAPHOR_RE.sub(lambda m: "" if m.group().startswith(("该", "此", "这", "上述"))
                                                 else m.group(), before))
    before = before.strip(" ：:，,")
    return before if 2 <= len(before) <= 20 else None


GROUP_KIND = {"measures": "measure", "projects": "project", "orgs": "org", "districts": "district"}


@dataclass(frozen=True)
class Owner:
    """A possible owner of an amount: a span of one of the entity groups and its entity kind."""

    start: int
    end: int
    ref: EntityRef
    kind: str | None = None  # a measure's class


# "新华社北京1月11日电", "大众日报济南3月15日讯": where the report was filed, not what it is about
DATELINE = re.compile(r"(?m)^\s*[\u4e00-\u9fff]{2,14}?[0-9０-９一二三四五六七八九十]{1,3}月"
                      r"[0-9０-９一二三四五六七八九十]{1,3}日(?:电|讯)")


def _datelines(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in DATELINE.finditer(text)]


def _candidates(doc: Doc, groups: tuple[str, ...]) -> list[Owner]:
    owners: list[Owner] = []
    datelines = _datelines(text_of(doc))
    for group in groups:
        for span in doc.spans[group] if group in doc.spans else ():
            if any(lo <= span.start < hi for lo, hi in datelines):
                continue
            key = span._.key or span.text
            owners.append(Owner(span.start, span.end, EntityRef(GROUP_KIND[group], key),  # type: ignore[arg-type]
                                span._.kind))
    return owners


def _document_district(doc: Doc) -> str | None:
    """The district the document is about: the one mentioned most (ties: first mentioned) if more
    than once outside datelines, else ``doc._.region`` (its province) if a place in it is named
    outside the datelines, else None."""
    datelines = _datelines(text_of(doc))
    counts = Counter(s._.key for s in doc.spans.get("districts", [])
                     if not any(lo <= s.start < hi for lo, hi in datelines))
    counts.pop(None, None)
    if counts and counts.most_common(1)[0][1] >= 2:  # a place named once is not the document's subject
        return counts.most_common(1)[0][0]
    # the province, unless only the dateline names it ("新华社北京…电" on a national meeting)
    divisions = admin_divisions()
    if doc._.region and any(divisions[key].province == doc._.region for key in counts if key in divisions):
        return str(doc._.region)
    return None


def _headline_end(text: str) -> int:
    """Where the headline ends: the first non-empty line when it is short and not a sentence, else 0."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end]
    return end if 0 < len(line) <= 80 and "。" not in line else 0


def merge_restated(amounts: list[FundingAmount], headline_end: int) -> list[FundingAmount]:
    """A figure of the headline that the body restates (same owner, value, currency, qualifier and
    kind) is one amount with two evidences: the body's statement is kept as ``restated``.

    >>> from kg.model.facts import Evidence
    >>> ev = lambda s: Evidence(s, s + 6, "50.8亿元", s, s + 10)
    >>> a = FundingAmount("50.8亿元", 5.08e9, "exact", None, EntityRef("project", "某批"), ev(0), kind="Investment")
    >>> [len(m.restated) for m in merge_restated([a, dataclasses.replace(a, evidence=ev(40))], 20)]
    [1]
    """
    out: list[FundingAmount] = []
    for amount in amounts:
        key = (amount.attached_to, amount.value, amount.currency, amount.qualifier, amount.kind)
        first = next((i for i, a in enumerate(out) if a.evidence.start < headline_end <= amount.evidence.start
                      and (a.attached_to, a.value, a.currency, a.qualifier, a.kind) == key), None)
        if first is None or amount.attached_to is None:
            out.append(amount)
        else:
            out[first] = dataclasses.replace(out[first], restated=(*out[first].restated, amount.evidence))
    return out


class MoneyExtractor:
    """Write ``doc.spans["money"]`` (``span._.value`` = yuan) and :class:`FundingAmount` facts.

    ``lookback_sentences``: how many earlier sentences may supply the owner of an amount whose own
    sentence names none ("该项目总投资45亿元"). ``use_document_region``: fall back to the district
    the document is about.
    """

    def __init__(self, lookback_sentences: int = 3, use_document_region: bool = True) -> None:
        self.lookback_sentences = lookback_sentences
        self.use_document_region = use_document_region

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        if "money" not in doc.spans:
            doc.spans["money"] = []
        facts = facts_of(doc)
        owners_primary = _candidates(doc, ("measures", "projects"))
        owners_secondary = _candidates(doc, ("orgs", "districts"))
        for mention in find_amounts(text):
            span = add_span(doc, "money", mention.start, mention.end, "MONEY", kind=mention.qualifier)
            span._.value = mention.value
            owner = self._owner(doc, mention, owners_primary, owners_secondary)
            attached = owner.ref if owner is not None else None
            if attached is None and self.use_document_region:
                district = _document_district(doc)
                attached = EntityRef("district", district) if district else None
            sent_start, _ = sentence_bounds(doc, mention.start)
            purpose = _purpose(text, mention, max(owner.end if owner is not None else 0, sent_start))
            facts.funding.append(FundingAmount(
                as_written=text[mention.start:mention.end], value=mention.value,
                qualifier=mention.qualifier, purpose=purpose, attached_to=attached,
                evidence=evidence_for(doc, mention.start, mention.end), per_unit=mention.per_unit,
                kind=amount_kind(text, mention), currency=mention.currency, low=mention.low))
        facts.funding = merge_restated(facts.funding, _headline_end(text))
        return doc

    def _owner(self, doc: Doc, mention: MoneyMention, primary: list[Owner],
               secondary: list[Owner]) -> Owner | None:
        """The entity the amount belongs to, by clause structure (see the module docstring)."""
        sent_start, _ = sentence_bounds(doc, mention.start)

        def nearest(spans: list[Owner], lo: int, hi: int) -> Owner | None:
            inside = [s for s in spans if lo <= s.start and s.end <= hi]
            return max(inside, key=lambda s: (s.end, s.end - s.start), default=None)

        text = text_of(doc)
        # "投资5000万元建设某平台": the money is for what it builds, named right after it
        purpose_verb = FOR_BUILDING.match(text, mention.end)
        if purpose_verb is not None:
            after = [s for s in primary if s.start == purpose_verb.end()]
            if after:
                return after[0]
        # "总投资8.5亿元的某某度假区项目": the project the amount describes follows it
        if text.startswith("的", mention.end):
            after = [s for s in primary if s.start == mention.end + 1]
            if after:
                return after[0]
        document = clause_owner(doc, mention.start)
        if document is not None:
            # in a policy document, a catalogue or document the clause cites ("列入…目录的产品") is a
            # condition, not what the money funds
            primary = [o for o in primary if o.kind not in ("PolicyDocument", "ProjectList") or o.ref.key == document]
        found = nearest(primary, sent_start, mention.start)
        if found is not None:
            return found
        # a clause of a policy document: the money is the document's (or its headed clause's)
        if document is not None:
            return Owner(mention.start, mention.start, EntityRef("measure", document))
        opening = text[sent_start:mention.start].lstrip()
        # "该项目总投资45亿元": the project is named in a sentence before
        if ANAPHOR_RE.match(opening):
            found = self._look_back(doc, sent_start, primary, nearest)
            if found is not None:
                return found
        found = nearest(secondary, sent_start, mention.start)
        if found is not None:
            return found
        # a sentence cut by a page break, or opening with "该区": its subject is in the text before
        continued = text[:sent_start].rstrip()[-1:] not in tuple("。！？；!?;")
        if continued or opening.startswith(("该", "此", "其")):
            return self._look_back(doc, sent_start, primary + secondary, nearest)
        return None

    def _look_back(self, doc: Doc, sent_start: int, owners: list[Owner], nearest) -> Owner | None:
        lo = sent_start
        for _ in range(self.lookback_sentences):
            if lo <= 0:
                break
            lo, _ = sentence_bounds(doc, lo - 1)
            found = nearest(owners, lo, sent_start)
            if found is not None:
                return found
        return None


@Language.factory("policykg_money",
                  assigns=["doc.spans", "doc._.facts", "span._.value"],
                  default_config={"lookback_sentences": 3, "use_document_region": True})
def make_money_extractor(nlp: Language, name: str, lookback_sentences: int,
                         use_document_region: bool) -> MoneyExtractor:
    """The ``policykg_money`` pipeline component."""
    return MoneyExtractor(lookback_sentences, use_document_region)
