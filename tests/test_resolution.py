"""Entity resolution: one node per real person, organization and district, within a document and
across documents; other surface forms become skos:altLabel."""

from __future__ import annotations

from rdflib import Literal

from extractors.pipeline import extract_facts
from kg.build.batch import build
from kg.ingest.normalize import normalize
from kg.model.namespaces import ORG, RDF, SCHEMA, SKOS
from kg.store.knowledge_store import KnowledgeStore


def test_committee_named_by_its_short_form_resolves_to_the_full_name():
    text = ("大足区召开会议。大足区委书记、区委全面依法治区委员会主任陈一清主持会议。"
            "区委全面依法治区委员会委员出席。")
    facts = extract_facts(normalize(text).text, segmenter="jieba")
    committees = [o for o in facts.organizations if o.name.endswith("委员会")]
    assert [o.name for o in committees] == ["大足区委全面依法治区委员会"]
    assert "区委全面依法治区委员会" in committees[0].aliases
    assert ("陈一清", "主任", "大足区委全面依法治区委员会") in {(p.person, p.role, p.org) for p in facts.posts}


def test_district_short_and_full_forms_and_people_across_two_documents(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("重庆市潼南区召开会议。潼南区委书记张明远主持会议。", encoding="utf-8")
    (corpus / "b.txt").write_text("重庆潼南举行活动。区委书记张明远出席，潼南将加快发展。", encoding="utf-8")
    summary = build([corpus], tmp_path / "store", segmenter="jieba", progress=False)
    assert summary.ok
    with KnowledgeStore(tmp_path / "store", read_only=True) as store:
        graph = store.dataset
        people = set(graph.subjects(RDF.type, SCHEMA.Person))
        assert len(people) == 1
        (person,) = people
        districts = {s for s in graph.subjects(RDF.type, SCHEMA.AdministrativeArea)
                     if (s, SKOS.altLabel, Literal("潼南", lang="zh")) in graph}
        assert len(districts) == 1
        posts = list(graph.objects(person, ORG.holds))
        orgs = {graph.value(p, ORG.postIn) for p in posts}
        assert len(orgs) == 1  # "潼南区委" and the short "区委" are one organization


def test_a_companys_everyday_name_is_an_alias_of_its_full_name():
    from extractors.pipeline import extract_facts

    facts = extract_facts("省政府与中国宏达集团有限公司签署协议。宏达集团董事长林晓岚表示将加大投资。")
    orgs = {o.name: o.aliases for o in facts.organizations}
    assert "宏达集团" not in orgs and "宏达集团" in orgs["中国宏达集团有限公司"]
    assert {p.org for p in facts.posts if p.person == "林晓岚"} == {"中国宏达集团有限公司"}
