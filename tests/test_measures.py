"""Policy measures: 《》 titles, quoted programs, unquoted names, abbreviations and drafts."""

from __future__ import annotations

import pytest
import spacy

import extractors.measures
import extractors.sentences  # noqa: F401  (registers the factories used below)
from extractors.annotations import add_span, facts_of, register_extensions
from extractors.measures import classify_measure, find_measures, is_generic_name
from extractors.tokenizer import CharTokenizer

register_extensions()


def names(text: str) -> list[str]:
    return [m.name for m in find_measures(text)]


@pytest.mark.parametrize(("title", "kind"), [
    ("甲乙两地人才一体化发展合作协议", "Agreement"),
    ("甲乙两地合作备忘录", "Agreement"),
    ("某某地区建设规划纲要", "Plan"),
    ("某某产业人才发展规划", "Plan"),
    ("某某市安全生产条例", "PolicyDocument"),
    ("某某区人才公寓管理办法（试行）", "PolicyDocument"),
    ("某某区重点项目清单", "ProjectList"),
    ("职业资格考试目录", "PolicyDocument"),
])
def test_title_classification(title, kind):
    [m] = find_measures(f"出台《{title}》。")
    assert (m.name, m.kind, m.rule) == (title, kind, "title")


def test_trial_marker_stays_in_the_name():
    assert names("出台《某某区人才公寓管理办法（试行）》") == ["某某区人才公寓管理办法（试行）"]


@pytest.mark.parametrize("marker", ["送审稿", "征求意见稿", "草案"])
def test_draft_marker_becomes_an_alias(marker):
    [m] = find_measures(f"会议审议通过了《某某示范区2023年工作要点（{marker}）》。")
    assert m.name == "某某示范区2023年工作要点"
    assert m.aliases == (f"某某示范区2023年工作要点（{marker}）",)


def test_publications_are_not_measures():
    assert names("据《人民日报》报道，他朗读了《春晓》。") == []


def test_abbreviation_resolves_to_the_full_title():
    text = "解读《关于加快人才发展的若干措施》（以下简称《措施》）。《措施》要求畅通人才流动。"
    ms = find_measures(text)
    assert [m.name for m in ms] == ["关于加快人才发展的若干措施"] * 2
    assert ms[0].aliases == ()  # 措施 is generic: not an alias of its own


def test_specific_abbreviation_is_an_alias():
    [first, second] = find_measures("印发《某某市促进就业创业若干政策》（以下简称“就业十条”）。落实“就业十条”。")
    assert first.aliases == ("就业十条",)
    assert second.name == first.name


def test_generic_short_title_refers_back():
    text = "通过《某某示范区2023年工作要点》。要聚焦《2023年工作要点》和《总体方案》。"
    assert names(text) == ["某某示范区2023年工作要点", "某某示范区2023年工作要点"]


@pytest.mark.parametrize("name", ["实施方案", "2023年工作要点", "六大工程", "19条措施", "全市工作方案"])
def test_generic_names(name):
    assert is_generic_name(name)


def test_quoted_name_with_suffix_outside_the_quote():
    [m] = find_measures("实施“十万英才聚某地”育才计划。")
    assert m.name == "十万英才聚某地"  # the quoted proper name; the ending varies between mentions
    assert "“十万英才聚某地”育才计划" in m.aliases
    assert m.kind == "Program"


def test_title_of_a_quoted_program_is_the_same_measure():
    [quoted, title, document] = find_measures(
        "实施“十万英才聚某地”育才计划。编制《“十万英才聚某地”育才计划》，印发《“十万英才聚某地”育才计划政策三十条》。")
    assert quoted.name == title.name == "十万英才聚某地"
    assert document.name == "“十万英才聚某地”育才计划政策三十条"


def test_short_quoted_name_keeps_its_ending():
    [m] = find_measures("大力实施“三进”工程，引导人才返乡。")
    assert m.name == "“三进”工程"
    assert m.aliases == ("三进",)


def test_quoted_number_with_action_plan():
    [m] = find_measures("实施“2115”项目攻坚行动计划（3个专项）。")
    assert m.name == "“2115”项目攻坚行动计划"
    assert m.kind == "Plan"


def test_single_quotes_and_policy_suffix():
    assert names("我们将动态实施‘金孔雀’人才政策，面向海内外引才") == ["“金孔雀”人才政策"]


def test_quoted_list_before_a_count():
    text = "扎实推进村容整治、“街巷焕新”“河湖清澈、鱼翔浅底”三项五年行动计划，让群众受益。"
    assert names(text) == ["街巷焕新", "河湖清澈、鱼翔浅底"]


def test_quoted_object_of_an_implementing_verb():
    assert names("深入推进“全民禁毒”和打击整治电信诈骗专项行动。") == ["全民禁毒", "打击整治电信诈骗专项行动"]


@pytest.mark.parametrize("text", [
    "要认真落实“应检尽检”要求。",  # the quote qualifies 要求
    "坚持把人才引进作为“源头工程”。",  # a description, not an instrument
    "深入学习“两个确立”的决定性意义。",
    "实行‘一人（团队）一策’。",
])
def test_quoted_slogans_are_not_measures(text):
    assert names(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("大力实施科教兴县和人才强县行动计划，推动人才事业发展", "科教兴县和人才强县行动计划"),
    ("推出某某英才计划，每年支持优秀科学家", "某某英才计划"),
    ("申报中国某某人员回国创业启动支持计划、某某企业时优先推荐", "中国某某人员回国创业启动支持计划"),
    ("实施青年群体就业推进行动，扩大贷款规模", "青年群体就业推进行动"),
    ("深入开展打击走私专项斗争，侦办犯罪组织", "打击走私专项斗争"),
    ("两地组织部门根据甲乙产业一体化发展规划，同步谋划", "甲乙产业一体化发展规划"),
])
def test_unquoted_names(text, name):
    assert names(text) == [name]


def test_shortened_list_item_shares_the_head():
    ms = find_measures("组织开展青年创业启航计划、加速计划等各类创业活动。")
    assert [m.name for m in ms] == ["青年创业启航计划", "青年创业加速计划"]
    assert ms[1].aliases == ("加速计划",)


@pytest.mark.parametrize("text", [
    "制定措施，确保各项工作按时完成。",
    "离岸人才可按规定参加考试。",
    "重庆采取了哪些措施？",
    "每年定时投用一批民生工程。",
    "培养一批产业工程师。",
    "坚持一张负面清单管两地。",
])
def test_unquoted_non_names(text):
    assert names(text) == []


def test_unquoted_list_before_a_count_noun():
    text = "实施青年人才行动，推出博士后扩容、博士“快车道”科研项目、百万学子筑梦等专项。"
    assert [m.name for m in find_measures(text) if m.rule == "list"] == ["博士后扩容", "百万学子筑梦"]


def test_category_after_a_list_is_not_a_name():
    assert names("实施“青山绿岸”等生态治理工程。") == ["青山绿岸"]


def test_scope_word_is_dropped_from_the_name():
    [m] = find_measures("我们将主动对接落实全市人才八大工程，推进人才强区建设")
    assert m.name == "人才八大工程"
    assert m.aliases == ("全市人才八大工程",)


def test_kind_from_suffix():
    assert classify_measure("某某专项整治") == "Campaign"
    assert classify_measure("“一次办”事项清单") == "ProjectList"


def test_component_writes_spans_facts_issuer_and_district():
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab, list)
    nlp.add_pipe("policykg_sentences")
    nlp.add_pipe("policykg_measures")
    text = "近日，市政府印发了《某某市2023年安全生产工作要点》。"
    doc = nlp.make_doc(text)
    org_start = text.index("市政府")
    add_span(doc, "orgs", org_start, org_start + 3, "ORG", key="某某市人民政府", kind="government")
    dist = text.index("某某市")
    add_span(doc, "districts", dist, dist + 3, "DISTRICT", key="500000")
    doc = nlp(doc)
    [span] = doc.spans["measures"]
    assert span._.key == "某某市2023年安全生产工作要点" and span._.kind == "PolicyDocument"
    [fact] = facts_of(doc).measures
    assert fact.issuer == "某某市人民政府"
    assert fact.district == "500000"
    assert fact.evidence[0].text == "《某某市2023年安全生产工作要点》"
