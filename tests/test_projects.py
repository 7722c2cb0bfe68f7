"""Named construction and investment projects."""

from __future__ import annotations

import spacy

import extractors.projects
import extractors.sentences  # noqa: F401  (registers the factories used below)
from extractors.annotations import add_span, facts_of, register_extensions
from extractors.projects import find_projects
from extractors.tokenizer import CharTokenizer

register_extensions()


def names(text: str) -> list[str]:
    return [p.name for p in find_projects(text)]


def test_list_of_projects_before_a_project_noun():
    text = "要加快推进甲乙中线高铁、石雕文创园、某某粮药示范园区等合作共建项目。"
    assert names(text) == ["甲乙中线高铁", "石雕文创园", "某某粮药示范园区"]


def test_hospital_being_built():
    text = "副区长介绍，某某省中医院重庆医院按三级甲等标准建设，总投资为20亿元。"
    assert names(text) == ["某某省中医院重庆医院"]


def test_campus_in_parentheses_and_generic_campus():
    text = "其中，新建院区（某某区中医院东城院区）位于某某区，计划投资约13亿元。"
    assert names(text) == ["某某区中医院东城院区"]


def test_parenthesis_is_part_of_the_name():
    [p] = find_projects("规划建设某某国家文化公园(甲段、乙段)。")
    assert p.name == "某某国家文化公园(甲段、乙段)"
    assert p.aliases == ("某某国家文化公园",)


def test_joint_name_is_an_alias():
    [p] = find_projects("1月10日，某某大学附属医院重庆医院暨区域医疗中心项目正式开工。")
    assert p.name == "某某大学附属医院重庆医院"
    assert p.aliases == ("某某大学附属医院重庆医院暨区域医疗中心项目",)


def test_shared_head():
    assert names("打造某某熊猫谷和玫瑰谷，发展乡村旅游。") == ["某某熊猫谷", "某某玫瑰谷"]


def test_existing_sites_and_institutions_are_not_projects():
    assert names("依托四川大学华西医院开展诊疗。") == []
    assert names("北碚区中医院是一家医院。") == []
    assert names("推动建设一批技术创新中心和工程研究中心。") == []  # no budget
    assert names("支持公立医院改革，推动4家试点医院建设。") == []


def test_platform_with_a_budget_is_a_project():
    text = "共建涪江流域大型科学仪器共享平台，设立专项创新券50万元。"
    assert names(text) == ["涪江流域大型科学仪器共享平台"]


def test_component_sets_district():
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab, list)
    nlp.add_pipe("policykg_sentences")
    nlp.add_pipe("policykg_projects")
    text = "共同推进甲乙人力资源服务产业园建设，产业园位于潼南区。"
    doc = nlp.make_doc(text)
    at = text.index("潼南区")
    add_span(doc, "districts", at, at + 3, "DISTRICT", key="500152")
    doc = nlp(doc)
    [fact] = facts_of(doc).projects
    assert fact.name == "甲乙人力资源服务产业园"
    assert fact.district == "500152"
    assert [s.text for s in doc.spans["projects"]] == ["甲乙人力资源服务产业园"]


def test_operator_and_planned_completion_of_a_project():
    from extractors.pipeline import extract_facts
    from kg.ingest.normalize import normalize

    text = ("浙江省中医院成都医院按照“双流区人民政府主建、浙江省中医院主管”的模式建设，总投资12亿元。"
            "项目预计2025年6月建成投用。")
    facts = extract_facts(normalize(text).text, segmenter="jieba")
    project = next(p for p in facts.projects if p.name == "浙江省中医院成都医院")
    assert project.operator == "双流区人民政府"
    assert project.planned_completion == "2025-06"
    assert project.district == "510116"


def test_works_that_build_something_are_projects_and_programs_are_not():
    names = [p.name for p in find_projects("甲乙县城乡供水一体化工程开工建设，全县民心工程开工建设。")]
    assert names == ["甲乙县城乡供水一体化工程"]


def test_the_next_sentence_about_the_project_gives_its_cue_and_money():
    text = "书记调研了某某山旅游公路提升改造项目。项目全长28公里，概算投资约1.2亿元。"
    assert [p.name for p in find_projects(text)] == ["某某山旅游公路提升改造项目"]
    text = "在某某乡现代牛产业园，书记察看了车间。该产业园总投资1.8亿元。"
    assert [p.name for p in find_projects(text)] == ["某某乡现代牛产业园"]
    assert find_projects("在某某乡现代牛产业园，书记察看了车间。全乡总收入1.8亿元。") == []
