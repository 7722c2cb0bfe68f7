"""Persons, posts, organizations and districts on hand-written sentences (one pattern each)."""

from __future__ import annotations

import pytest

from extractors.pipeline import extract_facts
from kg.ingest.normalize import normalize


@pytest.fixture(scope="module")
def facts_of_text():
    return lambda text: extract_facts(normalize(text).text, segmenter="jieba")


def posts(facts) -> set[tuple[str, str, str | None]]:
    return {(p.person, p.role, p.org) for p in facts.posts}


def test_chain_with_shared_and_implied_organizations(facts_of_text):
    facts = facts_of_text("1月3日，江津区委副书记、区长、领导小组副组长张明远主持会议。")
    assert ("张明远", "副书记", "江津区委") in posts(facts)
    assert ("张明远", "区长", "江津区人民政府") in posts(facts)
    assert {p.name for p in facts.persons if p.is_official} == {"张明远"}


def test_two_organizations_in_one_chain(facts_of_text):
    facts = facts_of_text("绵阳市委常委、市政府常务副市长赵立新出席活动。")
    assert posts(facts) >= {("赵立新", "常委", "绵阳市委"), ("赵立新", "常务副市长", "绵阳市人民政府")}


def test_department_abbreviation_gets_full_name_and_inherited_org(facts_of_text):
    facts = facts_of_text("重庆市召开会议。市人力社保局党组书记、局长王建国介绍了情况。")
    org = "重庆市人力资源和社会保障局"
    assert posts(facts) >= {("王建国", "党组书记", org), ("王建国", "局长", org)}
    aliases = next(o.aliases for o in facts.organizations if o.name == org)
    assert "市人力社保局" in aliases


def test_name_before_title_and_generic_city_organ(facts_of_text):
    facts = facts_of_text("在重庆调研期间，孙宏伟市长强调，要做好民生保障。")
    assert ("孙宏伟", "市长", "重庆市人民政府") in posts(facts)


def test_reporter_byline_is_a_person_but_not_an_official(facts_of_text):
    facts = facts_of_text("□ 重庆日报记者 林小雨\n\n本报讯 昨日，会议在渝召开。")
    person = next(p for p in facts.persons if p.name == "林小雨")
    assert not person.is_official
    assert ("林小雨", "记者", "重庆日报") in posts(facts)


def test_dateline_names_the_newspaper_of_its_reporters(facts_of_text):
    facts = facts_of_text("万州报讯（记者周明）1月5日，万州区举行招聘会。")
    assert ("周明", "记者", "万州报") in posts(facts)


def test_ordinary_words_are_not_persons(facts_of_text):
    facts = facts_of_text("该负责人解释，将加快推进项目建设，高度重视安全生产。")
    assert facts.persons == []


def test_district_short_form_and_full_name_resolve_to_one_node(facts_of_text):
    facts = facts_of_text("潼南区与遂宁市签订协议。潼南将加强合作，遂宁也将参与。")
    by_code = {d.adcode: d for d in facts.districts}
    assert set(by_code) == {"500152", "510900"}
    assert "潼南" in by_code["500152"].aliases
    assert by_code["510900"].parent_adcode == "510000"


def test_short_forms_inside_words_or_of_other_provinces_are_not_districts(facts_of_text):
    facts = facts_of_text("重庆市大足区举办长安杯比赛，新建一批场馆，金山银山就是绿水青山。")
    assert {d.name for d in facts.districts} == {"重庆市", "大足区"}


def test_district_organs_take_the_local_district(facts_of_text):
    facts = facts_of_text("大足区召开会议。区委书记李华、区人大常委会主任王强出席。")
    assert ("李华", "书记", "大足区委") in posts(facts)
    assert ("王强", "主任", "大足区人大常委会") in posts(facts)
    org = next(o for o in facts.organizations if o.name == "大足区委")
    assert "中共重庆市大足区委员会" in org.aliases


def test_named_bodies_by_suffix_and_bare_suffix_back_reference(facts_of_text):
    facts = facts_of_text("綦江区乡村振兴工作领导小组召开会议，领导小组组长陈立主持。")
    assert ("陈立", "组长", "綦江区乡村振兴工作领导小组") in posts(facts)


def test_central_organs_and_academicians(facts_of_text):
    facts = facts_of_text("邀请中国工程院院士钱学明出席论坛。")
    assert ("钱学明", "院士", "中国工程院") in posts(facts)
    assert not next(p for p in facts.persons if p.name == "钱学明").is_official


def test_same_person_mentioned_twice_is_one_fact(facts_of_text):
    facts = facts_of_text("市委书记高峰主持会议。高峰强调，要抓好落实。")
    assert [p.name for p in facts.persons].count("高峰") == 1


def test_names_listed_after_a_title_share_it(facts_of_text):
    facts = facts_of_text("德阳市召开会议，副市长刘雨、张德新出席会议。")
    assert {("刘雨", "副市长", "德阳市人民政府"), ("张德新", "副市长", "德阳市人民政府")} <= posts(facts)


def test_a_district_written_before_a_title_implies_its_organ(facts_of_text):
    facts = facts_of_text("成都市锦江区区长王军参加活动。")
    assert ("王军", "区长", "锦江区人民政府") in posts(facts)


def test_a_bare_organ_word_takes_the_head_of_the_previous_organization(facts_of_text):
    facts = facts_of_text("德阳高新区党工委书记、管委会主任唐燕介绍情况。")
    assert ("唐燕", "主任", "德阳高新区管委会") in posts(facts)
    assert next(p for p in facts.persons if p.name == "唐燕").is_official


def test_given_names_with_common_title_characters(facts_of_text):
    facts = facts_of_text("市委常委、常务副市长李长建出席。")
    assert "李长建" in {p.name for p in facts.persons}


def test_autonomous_prefecture_everyday_names_and_provincial_departments(facts_of_text):
    facts = facts_of_text("四川省委常委、宣传部部长郑莉到阿坝州调研。州委副书记、州长杨克宁陪同，"
                          "省广播电视局有关负责同志参加。")
    assert ("郑莉", "部长", "四川省委宣传部") in posts(facts)
    assert {("杨克宁", "副书记", "阿坝州委"), ("杨克宁", "州长", "阿坝州人民政府")} <= posts(facts)
    assert "阿坝州" in next(d for d in facts.districts if d.adcode == "513200").aliases
    assert "四川省广播电视局" in {o.name for o in facts.organizations}


def test_words_ending_in_ju_are_not_departments(facts_of_text):
    facts = facts_of_text("重庆市要优化区域布局，确保全年开好局。")
    assert not [o for o in facts.organizations if o.name.endswith("局")]


def test_the_honorific_tongzhi_follows_a_name(facts_of_text):
    facts = facts_of_text("会议传达了王建国同志的讲话精神。全体同志要抓好落实。")
    assert {p.name for p in facts.persons} == {"王建国"}


def test_an_organization_written_before_a_title_is_never_a_clause_or_a_dateline(facts_of_text):
    facts = facts_of_text("今天上午在大会上发言的还有宏达集团副总经理林晓岚。")
    assert ("林晓岚", "副总经理", "宏达集团") in posts(facts)
    facts = facts_of_text("本报东川5月12日讯记者韩明哲报道：会议今天闭幕。")
    assert all(p.org is None or not any(c.isdigit() for c in p.org) for p in facts.posts)
    assert "韩明哲" in {p.name for p in facts.persons}


def test_a_surname_and_a_title_is_not_a_name(facts_of_text):
    facts = facts_of_text("关于两国合作，欧部长说，他亲眼看到了变化。耿老说，画画要用心。")
    assert not {p.name for p in facts.persons} & {"欧部长", "耿老"}


def test_a_byline_of_two_credits_gives_each_its_own_title(facts_of_text):
    facts = facts_of_text("东川日报讯（记者韩明哲 通讯员林晓岚）会议今天闭幕。")
    written = {p.person: p.as_written for p in facts.posts}
    assert written.get("林晓岚") == "通讯员"


def test_deputies_listed_after_a_chair_share_the_chairs_organization(facts_of_text):
    facts = facts_of_text("襄阳市人大常委会主任韩明哲主持会议，副主任訾晓岚、仉思远出席。")
    assert {("訾晓岚", "副主任", "襄阳市人大常委会"), ("仉思远", "副主任", "襄阳市人大常委会")} <= posts(facts)
    assert {"訾晓岚", "仉思远"} <= {p.name for p in facts.persons if p.is_official}


def test_a_unit_of_a_public_organ_and_a_party_group_member_hold_public_office(facts_of_text):
    facts = facts_of_text("水利部党组成员、副部长柯思远主持会议。水利部办公厅主任蔺晓岚宣读了决定。")
    assert ("柯思远", "副部长", "水利部") in posts(facts)
    assert {"柯思远", "蔺晓岚"} <= {p.name for p in facts.persons if p.is_official}


def test_a_title_inside_an_organization_name_starts_no_chain(facts_of_text):
    assert not facts_of_text("水利部长江水利委员会作交流发言。").persons


def test_a_dateline_with_place_and_date_names_the_reporters_newspaper(facts_of_text):
    facts = facts_of_text("大众日报济南3月15日讯（记者 孟晓岚 通讯员 刘思远）3月14日，会议召开。")
    assert {("孟晓岚", "记者", "大众日报"), ("刘思远", "通讯员", "大众日报")} <= posts(facts)


@pytest.mark.parametrize("sentence, org", [
    ("香港特区政府驻粤经济贸易办事处主任庞晓岚等参加活动。", "香港特区政府驻粤经济贸易办事处"),
    ("潍柴控股集团董事长申思远出席。", "潍柴控股集团"),
])
def test_organization_names_keep_an_office_verb_and_a_brands_compound(facts_of_text, sentence, org):
    assert org in {o.name for o in facts_of_text(sentence).organizations}


def test_an_organization_written_before_a_title_keeps_its_verb_and_conjunction(facts_of_text):
    facts = facts_of_text("香港特区政府创新科技及工业局局长岑晓岚出席。")
    assert ("岑晓岚", "局长", "香港特区政府创新科技及工业局") in posts(facts)
