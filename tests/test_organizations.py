"""Organizations that generalize: in-text short forms resolve to the organization of the district
the text implies (an alias, never a node of their own), and a suffix-named organization never
swallows a clause at its left edge. All names and texts are invented."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, SKOS

from extractors.context import is_context_bound
from extractors.pipeline import extract_facts
from kg.ingest.normalize import normalize
from kg.model.namespaces import ORG
from kg.rdf.facts_to_rdf import DocumentMeta, document_graph


def facts_of(text: str):
    return extract_facts(normalize(text).text, segmenter="jieba")


def orgs(facts) -> dict[str, tuple[str, ...]]:
    return {o.name: o.aliases for o in facts.organizations}


def posts(facts) -> set[tuple[str, str, str | None]]:
    return {(p.person, p.role, p.org) for p in facts.posts}


# -- short forms ---------------------------------------------------------------------------------

COUNTY_NEWS = "贵州省黔东南苗族侗族自治州雷山县召开会议。{}"


@pytest.mark.parametrize(("sentence", "short", "full"), [
    ("县委书记杨光华主持会议。", "县委", "雷山县委"),
    ("县长吴青松出席，县政府有关负责人参加。", "县政府", "雷山县人民政府"),
    ("县人大常委会主任潘海波出席。", "县人大常委会", "雷山县人大常委会"),
    ("县政协主席龙云飞出席。", "县政协", "雷山县政协"),
    ("县委组织部部长文晓梅出席。", "县委组织部", "雷山县委组织部"),
    ("州委副书记石春林出席。", "州委", "黔东南州委"),
    ("省委常委韦德明出席。", "省委", "贵州省委"),
])
def test_short_form_is_an_alias_of_the_local_organization(sentence, short, full):
    facts = facts_of(COUNTY_NEWS.format(sentence))
    found = orgs(facts)
    assert full in found, found
    assert short in found[full]
    assert short not in found


def test_city_short_form_is_the_county_papers_own_city_not_a_partner_named_more_often():
    facts = facts_of("重庆市荣昌区与四川省内江市签约。内江市代表团来访，内江市、内江市多家企业参加。"
                     "荣昌区委书记马清远会见。荣昌区表示将落实市委部署，荣昌区全力推进，荣昌区各部门配合。")
    found = orgs(facts)
    assert "重庆市委" in found and "市委" in found["重庆市委"]
    assert "内江市委" not in found


def test_a_level_word_takes_a_mention_in_its_own_clause():
    facts = facts_of("四川省眉山市彭山区召开会议。会议邀请眉山市委常委、市政府副市长郑文海出席。")
    assert ("郑文海", "副市长", "眉山市人民政府") in posts(facts)


def test_partner_city_after_a_comma_does_not_take_the_short_form():
    facts = facts_of("成都市武侯区召开会议。会议要求推动与重庆市合作项目落地，市委、市政府将给予支持。")
    found = orgs(facts)
    assert "成都市委" in found and "市委" in found["成都市委"]
    assert "重庆市委" not in found


def test_unresolved_short_form_is_no_organization():
    facts = facts_of("会议召开。区委书记韩立春主持，县委组织部部长葛文涛出席。")
    assert not [o for o in facts.organizations if is_context_bound(o.name)]
    assert ("韩立春", "书记", None) in posts(facts)


@pytest.mark.parametrize("name", ["区委", "市政府", "县委组织部", "中共市委", "州政府", "市人力社保局",
                                  "区人大常委会", "县农业农村局", "镇党委"])
def test_context_bound_short_forms(name):
    assert is_context_bound(name)


@pytest.mark.parametrize("name", ["雷山县委", "市场经济研究会", "区块链协会", "委员会", "县城投资发展有限公司"])
def test_specific_names_are_not_context_bound(name):
    assert not is_context_bound(name)


def test_graph_has_no_organization_labelled_with_a_short_form():
    text = COUNTY_NEWS.format("县委书记杨光华、县长吴青松出席。区委书记高明（外县）发言。县委组织部牵头。")
    normalized = normalize(text)
    facts = extract_facts(normalized.text, segmenter="jieba")
    meta = DocumentMeta(name="a.txt", sha256="cd" * 32, path="a.txt")
    g = document_graph(meta, normalized, facts)
    labels = {str(label) for node in g.subjects(RDF.type, ORG.Organization) for label in g.objects(node, RDFS.label)}
    assert "雷山县委" in labels and "雷山县人民政府" in labels
    assert not [label for label in labels if is_context_bound(label)], labels
    alt = {str(a) for a in g.objects(None, SKOS.altLabel)}
    assert {"县委", "县委组织部"} <= alt


# -- left edges ----------------------------------------------------------------------------------

@pytest.mark.parametrize("clause", [
    "林某某参加江北代表团审议中共中央政治局委员会。",
    "会议听取了湘江实业有限公司的汇报。",
    "丁某主持召开全县乡村振兴工作领导小组会议。",
    "县里加快建设人才联盟。",
])
def test_no_organization_contains_a_clause(clause):
    facts = facts_of(clause)
    for name in orgs(facts):
        assert not any(verb in name for verb in ("参加", "审议", "听取", "主持", "召开", "加快")), name


def test_national_opener_begins_the_name_unless_a_place_leads_it():
    found = orgs(facts_of("代表们审议中共中央政治局委员会报告。"))
    assert "中共中央政治局委员会" in found
    found = orgs(facts_of("长沙市国家农业科技创新联盟成立。"))
    assert "长沙市国家农业科技创新联盟" in found


def test_verb_inside_a_noun_compound_stays_in_the_name():
    found = orgs(facts_of("双方将共同组建成立湘黔茶产业协同创新联盟。"))
    assert "湘黔茶产业协同创新联盟" in found


def test_task_named_committee_keeps_its_task_but_not_a_clause():
    found = orgs(facts_of("雷山县推动茶旅融合发展领导小组召开会议。"))
    assert "雷山县推动茶旅融合发展领导小组" in found
    found = orgs(facts_of("周某某列席雷山县代表团审议乡村振兴委员会。"))
    assert not [n for n in found if "列席" in n or "代表团审议" in n], found


def test_left_edge_has_a_maximum_length():
    found = orgs(facts_of("黔南黔东黔西黔北黔中湘西湘南湘北湘东湘中鄂西鄂东鄂南鄂北茶叶产业科技创新联盟成立。"))
    assert all(len(name) <= 24 + len("联盟") for name in found), found


def test_county_in_the_same_clause_gives_its_city():
    facts = facts_of("郫都区与德阳市旌阳区座谈。德阳市、德阳市、旌阳区、旌阳区企业参加。郫都将落实市委部署。")
    found = orgs(facts)
    assert "成都市委" in found and "市委" in found["成都市委"]


def test_level_word_opening_a_common_word_is_no_anchor():
    found = orgs(facts_of("湖南省长沙市召开会议。会议听取了省市场监督管理局、省广播电视局的汇报。"))
    assert "湖南省市场监督管理局" in found and "湖南省广播电视局" in found
    assert "长沙市场监督管理局" not in found, found


def test_the_taggers_org_word_sets_the_left_edge_unless_it_adds_a_clause():
    from extractors.annotations import register_extensions
    from extractors.pipeline import load_pipeline

    register_extensions()
    nlp = load_pipeline("jieba")
    recognizer = nlp.get_pipe("policykg_organizations")
    free = bytearray(20)
    doc = nlp.make_doc("推动甲乙丙丁研究院")
    doc._.lac_words = [(0, 4, "ORG", 0.9), (4, 9, "ORG", 0.9)]
    assert recognizer._model_left_edge(doc, 2, 6, 9, free) == 4  # the model's narrower name
    doc._.lac_words = [(0, 9, "ORG", 0.9)]
    assert recognizer._model_left_edge(doc, 4, 6, 9, free) == 4  # not wider across a verb (推动)
    doc._.lac_words = [(2, 9, "ORG", 0.9)]
    assert recognizer._model_left_edge(doc, 4, 6, 9, free) == 2  # wider across name words
    doc._.lac_words = [(2, 8, "ORG", 0.9)]
    assert recognizer._model_left_edge(doc, 2, 6, 9, free) == 2  # its end must be the name's end


def test_standing_committee_in_full_with_its_term_is_the_districts_congress():
    facts = extract_facts(normalize("襄阳市第十八届人民代表大会常务委员会第十九次会议通过。").text)
    assert [(o.name, o.kind) for o in facts.organizations] == [("襄阳市人大常委会", "congress")]


def test_every_city_of_a_province_is_no_particular_organization():
    facts = extract_facts(normalize("河南省人民政府办公厅印发通知。各省辖市人民政府要抓好落实。").text)
    assert {o.name for o in facts.organizations} == {"河南省人民政府办公厅"}


def test_a_department_joined_by_a_conjunction_is_named_for_its_province():
    facts = extract_facts(normalize("山东省人民政府召开会议。省工业和信息化厅负责落实。").text)
    assert "山东省工业和信息化厅" in {o.name for o in facts.organizations}
