"""Money amounts: values in yuan, qualifiers, per-unit rates, and what each amount belongs to."""

from __future__ import annotations

import pytest
import spacy

import extractors.measures
import extractors.money
import extractors.projects
import extractors.sentences  # noqa: F401  (registers the factories used below)
from extractors.annotations import add_span, facts_of, register_extensions
from extractors.money import find_amounts, parse_amount, parse_chinese_number
from extractors.tokenizer import CharTokenizer

register_extensions()


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab, list)
    for name in ("policykg_sentences", "policykg_measures", "policykg_projects", "policykg_money"):
        nlp.add_pipe(name)
    return nlp


def funding(nlp, text: str, districts: dict[str, str] | None = None):
    """Run the pipeline; ``districts`` marks surface → adcode spans as the districts component would."""
    doc = nlp.make_doc(text)
    doc.spans["districts"] = []
    for surface, code in (districts or {}).items():
        start = text.find(surface)
        while start >= 0:
            add_span(doc, "districts", start, start + len(surface), "DISTRICT", key=code)
            start = text.find(surface, start + 1)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return facts_of(doc).funding


@pytest.mark.parametrize(("number", "unit", "value"), [
    ("200", "万", 2_000_000),
    ("805.9", "亿", 80_590_000_000),
    ("1,200", "", 1200),
    ("12,345.5", "万", 123_455_000),
    ("3.5", "万亿", 3_500_000_000_000),
    ("二十", "亿", 2_000_000_000),
    ("一千二百", "万", 12_000_000),
    ("两", "千万", 20_000_000),
    ("", "", None),
])
def test_parse_amount(number, unit, value):
    result = parse_amount(number, unit) if number else None
    assert result == (None if value is None else pytest.approx(value))


def test_chinese_numerals():
    assert parse_chinese_number("三亿五千万") == 350_000_000
    assert parse_chinese_number("十五") == 15
    assert parse_chinese_number("一百零八") == 108
    assert parse_chinese_number("abc") is None


@pytest.mark.parametrize(("text", "qualifier", "written"), [
    ("给予最高200万元的奖励", "max", "最高200万元"),
    ("补助不超过50万元", "max", "不超过50万元"),
    ("总投资3000亿元以上", "min", "3000亿元以上"),
    ("营收超过1300亿元", "min", "超过1300亿元"),
    ("合同额约805.9亿元", "approx", "约805.9亿元"),
    ("投资逾十亿元", "approx", "逾十亿元"),
    ("投资近5亿元", "approx", "近5亿元"),
    ("产值100亿元左右", "approx", "100亿元左右"),
    ("总投资20亿元", "exact", "20亿元"),
])
def test_qualifiers(text, qualifier, written):
    [amount] = find_amounts(text)
    assert amount.qualifier == qualifier
    assert text[amount.start:amount.end] == written


def test_range_is_one_amount_with_the_upper_bound():
    [amount] = find_amounts("给予5000万元至1亿元支持")
    assert amount.value == pytest.approx(1e8)
    assert amount.qualifier == "max"


@pytest.mark.parametrize("text", [
    "新增产能3万吨，吸纳就业2万人，占地130亩",
    "按照入选人才年薪的5%给予经费补助",
    "推动传统文化和科技元素融入设计",
    "坚持多元共治，推进一元化管理",
])
def test_non_money_is_ignored(text):
    assert find_amounts(text) == []


def test_per_unit_amounts():
    amounts = find_amounts("每人每月补贴500元；每家企业最高10万元；总额2000万元")
    assert [(a.value, a.per_unit) for a in amounts] == [(500, True), (100_000, True), (20_000_000, False)]


def test_attached_to_quoted_program_across_clauses(nlp):
    [amount] = funding(nlp, "对入选“青苗计划”的人才，给予最高200万元的人才奖励。")
    assert amount.attached_to.kind == "measure"
    assert amount.attached_to.key == "青苗计划"
    assert amount.purpose == "人才奖励"
    assert amount.qualifier == "max"


def test_attached_to_project_named_before(nlp):
    text = "副区长介绍，新建院区（某某区中医院东城院区）位于某某区，用地130亩，计划投资约13亿元。"
    [amount] = funding(nlp, text, {"某某区": "500109"})
    assert amount.attached_to.kind == "project"
    assert amount.attached_to.key == "某某区中医院东城院区"  # not the district between them
    assert amount.purpose == "计划投资"


def test_anaphor_refers_to_the_project_of_the_sentence_before(nlp):
    text = "1月10日，某某大学附属医院重庆医院正式开工。该项目总投资45亿元，一期占地210亩。"
    [amount] = funding(nlp, text, {"重庆": "500000"})
    assert amount.attached_to.key == "某某大学附属医院重庆医院"


def test_district_subject(nlp):
    text = "璧山区坚持招大引强，签约引进项目52个，合同额约320.5亿元。"
    [amount] = funding(nlp, text, {"璧山区": "500120"})
    assert amount.attached_to.kind == "district"
    assert amount.attached_to.key == "500120"
    assert amount.kind == "ContractValue"


def test_document_district_is_the_fallback(nlp):
    text = "重庆坚持生态优先。重庆推进绿色发展。环保产业营收超过260亿元。"
    [amount] = funding(nlp, text, {"重庆": "500000"})
    assert amount.attached_to.key == "500000"
    assert amount.qualifier == "min"


def test_spans_carry_the_value(nlp):
    doc = nlp("项目总投资二十亿元。")
    [span] = doc.spans["money"]
    assert span._.value == pytest.approx(2e9)
    assert span.text == "二十亿元"


def test_per_enterprise_cap_is_a_rate_and_a_yearly_budget_is_not():
    from extractors.pipeline import extract_facts
    from kg.ingest.normalize import normalize

    facts = extract_facts(normalize("对研发投入大的企业给予补助，单个企业每年不超过200万元。"
                                    "全市每年安排人才专项资金5000万元。").text, segmenter="jieba")
    by_value = {f.value: f for f in facts.funding}
    assert by_value[2000000].per_unit and by_value[2000000].qualifier == "max"
    assert not by_value[50000000].per_unit


# --- money forms ---------------------------------------------------------------------------------

def test_capital_financial_numerals():
    [amount] = find_amounts("合同总价人民币壹佰贰拾叁万肆仟伍佰元整。")
    assert amount.value == pytest.approx(1_234_500)
    assert amount.currency == "CNY"


def test_yuan_written_as_yuan_with_jiao_and_fen():
    [amount] = find_amounts("每张票价叁拾伍圆伍角，另收手续费2元5角8分。")[:1]
    assert amount.value == pytest.approx(35.5)
    assert find_amounts("手续费2元5角8分。")[0].value == pytest.approx(2.58)


@pytest.mark.parametrize(("text", "low", "high"), [
    ("带动社会投资数十亿元", 2e9, 9e9),
    ("获得补助十几万元", 110_000, 190_000),
    ("拉动消费上百亿元", 1e10, 9e10),
])
def test_vague_amounts_are_approximate_ranges(text, low, high):
    [amount] = find_amounts(text)
    assert amount.qualifier == "approx"
    assert (amount.low, amount.value) == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize(("text", "value", "qualifier"), [
    ("给予10--50万元补助", 500_000, "max"),
    ("给予10万元～50万元补助", 500_000, "max"),
    ("给予10万元（含）至50万元补助", 500_000, "max"),
    ("年营收1000万元（含）以上的企业", 10_000_000, "min"),
    ("补助标准为30万元(含)以下", 300_000, "max"),
])
def test_ranges_and_inclusive_bounds(text, value, qualifier):
    [amount] = find_amounts(text)
    assert (amount.value, amount.qualifier) == (pytest.approx(value), qualifier)


@pytest.mark.parametrize(("text", "written"), [
    ("经认定的企业最高奖励50万元", "最高奖励50万元"),
    ("入选团队最高可获得300万元资助", "最高可获得300万元"),
    ("每个项目最高给予一次性补助80万元", "最高给予一次性补助80万元"),
])
def test_ceiling_word_separated_from_the_number(text, written):
    [amount] = find_amounts(text)
    assert amount.qualifier == "max"
    assert text[amount.start:amount.end] == written


@pytest.mark.parametrize(("text", "value", "currency"), [
    ("吸引外资5000万美元", 5e7, "USD"),
    ("发行3亿港元债券", 3e8, "HKD"),
    ("获欧洲投资银行贷款2亿欧元", 2e8, "EUR"),
    ("日方投资100亿日元", 1e10, "JPY"),
    ("募集50万英镑", 5e5, "GBP"),
])
def test_foreign_currencies_keep_their_code(text, value, currency):
    [amount] = find_amounts(text)
    assert (amount.value, amount.currency) == (pytest.approx(value), currency)


def test_a_date_before_a_festival_is_not_yen():
    assert find_amounts("1月1日元旦假期，2月5日元宵节") == []


# --- amount kinds ---------------------------------------------------------------------------------

KINDS_TEXT = ("某某县全产业链综合产值达到260亿元，环保产业营收超过85亿元。县经开区签约引进项目32个，"
              "合同额约120亿元。对主营业务收入首次突破100亿元的企业，给予一次性奖励500万元。"
              "对新建高标准农田，每亩补助1500元。县财政安排专项资金3000万元。新院区项目总投资6.5亿元，"
              "获银行授信20亿元。")


def test_amount_kinds_of_a_seed_like_text():
    from extractors.money import amount_kind

    kinds = {KINDS_TEXT[m.number_start:m.number_end]: amount_kind(KINDS_TEXT, m) for m in find_amounts(KINDS_TEXT)}
    assert kinds == {
        "260亿元": "OutputOrRevenue", "85亿元": "OutputOrRevenue", "120亿元": "ContractValue",
        "100亿元": "Threshold", "500万元": "SubsidyOrAward", "1500元": "RatePerUnit",
        "3000万元": "BudgetOrFund", "6.5亿元": "Investment", "20亿元": "Financing",
    }


def test_funding_facts_say_whether_they_count(nlp):
    amounts = funding(nlp, KINDS_TEXT)
    counted = sorted(a.as_written for a in amounts if a.is_funding)
    assert counted == ["20亿元", "3000万元", "500万元", "6.5亿元"]


def test_a_datelines_city_owns_no_money():
    from extractors.pipeline import extract_facts

    text = "新华社北京1月11日电 全国会议在京召开。会议指出，全年中央财政下达资金606亿元。"
    owners = {a.attached_to.key if a.attached_to else None for a in extract_facts(text).funding}
    assert "110000" not in owners
