"""kg.rdf.facts_to_rdf and kg.model.iris: facts → one document's named graph, per docs/data-model.md (no spaCy)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Literal, URIRef

from kg.ingest.normalize import normalize
from kg.model.facts import (
    District,
    DocumentFacts,
    EntityRef,
    Evidence,
    FundingAmount,
    Measure,
    Organization,
    Person,
    Post,
    Project,
    Relation,
)
from kg.model.iris import (
    amount_iri,
    district_iri,
    document_iri,
    measure_iri,
    meeting_iri,
    org_iri,
    person_iri,
    post_iri,
    project_iri,
    role_iri,
    slug,
)
from kg.model.namespaces import ID, ORG, PKG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from kg.rdf.facts_to_rdf import (
    DocumentMeta,
    date_literal,
    decimal_literal,
    document_graph,
)

ORIGINAL = (
    "（上接1版）大足区委书记陈一清主持召开\n会议。鸿雁计划给予人才最高200万元奖励。潼南与遂宁签订协议。"
)
SHA = "ab" * 32


def ev(text: str, needle: str, nth: int = 0) -> Evidence:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    end = start + len(needle)
    s0 = max(text.rfind("。", 0, start) + 1, 0)
    s1 = text.index("。", end) + 1
    return Evidence(start, end, needle, s0, s1)


@pytest.fixture(scope="module")
def normalized():
    return normalize(ORIGINAL)


def sample_facts(normalized) -> DocumentFacts:
    """Facts covering every kind of node and relation, over ``normalize(ORIGINAL)``."""
    t = normalized.text
    return DocumentFacts(
        districts=[
            District("500111", "大足区", "500000", ("大足",), (ev(t, "大足"),)),
            District("500152", "潼南区", "500000", ("潼南",), (ev(t, "潼南"),)),
            District("510900", "遂宁市", "510000", ("遂宁",), (ev(t, "遂宁"),)),
        ],
        organizations=[
            Organization("中共重庆市大足区委员会", "party", ("大足区委",), "500111", (ev(t, "大足区委"),)),
            Organization("重庆某公司", "enterprise"),
        ],
        persons=[Person("陈一清", True, "500000", (ev(t, "陈一清"),)), Person("王记者", False, "500000")],
        posts=[Post("陈一清", "书记", "中共重庆市大足区委员会", "大足区委书记", ev(t, "大足区委书记"))],
        measures=[
            Measure(
                "鸿雁计划", "Program", (), "中共重庆市大足区委员会", "500111", evidence=(ev(t, "鸿雁计划"),)
            ),
            Measure("某办法（送审稿）", "PolicyDocument", version_of="某办法"),
        ],
        projects=[Project("某医院", (), "500111", operator="大足区人民政府", planned_completion="2024-06")],
        funding=[
            FundingAmount(
                "最高200万元",
                2_000_000.0,
                "max",
                "人才奖励",
                EntityRef("measure", "鸿雁计划"),
                ev(t, "最高200万元"),
            ),
            FundingAmount(
                "约805.9亿元",
                80_590_000_000.0,
                "approx",
                None,
                EntityRef("district", "500111"),
                ev(t, "人才"),
            ),
            FundingAmount("每人5000元", 5000.0, "exact", None, None, ev(t, "给予"), per_unit=True),
        ],
        relations=[
            Relation(
                EntityRef("person", "陈一清"),
                "chaired",
                EntityRef("meeting", "会议"),
                ev(t, "主持"),
                "2023-01-03",
            ),
            Relation(
                EntityRef("district", "500152"),
                "signed_agreement_with",
                EntityRef("district", "510900"),
                ev(t, "签订"),
                "2020-05",
            ),
            Relation(
                EntityRef("org", "中共重庆市大足区委员会"),
                "issued",
                EntityRef("measure", "鸿雁计划"),
                ev(t, "鸿雁计划"),
            ),
            Relation(
                EntityRef("project", "某医院"), "located_in", EntityRef("district", "500111"), ev(t, "大足")
            ),
            Relation(
                EntityRef("district", "500111"),
                "implements",
                EntityRef("measure", "鸿雁计划"),
                ev(t, "鸿雁计划"),
            ),
            Relation(
                EntityRef("org", "重庆某公司"),
                "partner_of",
                EntityRef("org", "中共重庆市大足区委员会"),
                ev(t, "大足区委"),
            ),
            Relation(
                EntityRef("person", "陈一清"),
                "unknown_predicate",
                EntityRef("org", "重庆某公司"),
                ev(t, "陈一清"),
            ),
        ],
    )


@pytest.fixture(scope="module")
def facts(normalized) -> DocumentFacts:
    return sample_facts(normalized)


@pytest.fixture(scope="module")
def meta() -> DocumentMeta:
    return DocumentMeta(
        name="000_test.txt", sha256=SHA, path="/data/000_test.txt", title="大足新闻", date="2023-01-04"
    )


@pytest.fixture(scope="module")
def graph(meta, normalized, facts):
    return document_graph(meta, normalized, facts)


DOC = document_iri(SHA)
CHEN = person_iri("陈一清", "500000")
DAZU_PARTY = org_iri("中共重庆市大足区委员会")
HONGYAN = measure_iri("鸿雁计划")


def test_iris_are_deterministic_and_typed_by_path():
    assert slug("书记") == slug("书记") and len(slug("书记")) == 16
    assert str(person_iri("陈一清", "500000")).startswith(f"{ID}person/")
    assert person_iri("陈一清", "500000") != person_iri("陈一清", "510000")  # namesakes elsewhere
    assert str(district_iri("500111")) == f"{ID}district/500111"
    assert str(document_iri("6B93980E7507874A" + "0" * 48)) == f"{ID}doc/6b93980e7507874a"
    assert amount_iri(SHA, 1, 5) != amount_iri(SHA, 1, 6)
    assert meeting_iri("常委会会议", "2023-01-03") != meeting_iri("常委会会议", "2023-01-10")
    with pytest.raises(ValueError):
        district_iri("5001")


def test_document_node(graph):
    assert (DOC, RDF.type, PKG.Document) in graph
    assert (DOC, SCHEMA.name, Literal("000_test.txt")) in graph
    assert (DOC, PKG.sha256, Literal(SHA)) in graph
    assert (DOC, SCHEMA.datePublished, Literal("2023-01-04", datatype=XSD.date)) in graph
    assert (DOC, PKG.sourcePath, Literal("/data/000_test.txt")) in graph
    assert (DOC, SCHEMA.headline, Literal("大足新闻", lang="zh")) in graph


def test_person_post_role_org(graph):
    assert {
        (CHEN, RDF.type, SCHEMA.Person),
        (CHEN, RDF.type, PKG.Official),
        (CHEN, RDFS.label, Literal("陈一清", lang="zh")),
    } <= set(graph)
    reporter = person_iri("王记者", "500000")
    assert (reporter, RDF.type, SCHEMA.Person) in graph and (reporter, RDF.type, PKG.Official) not in graph
    post = post_iri("陈一清", "500000", "书记", "中共重庆市大足区委员会")
    role = role_iri("书记")
    assert {
        (CHEN, ORG.holds, post),
        (post, RDF.type, ORG.Post),
        (post, RDFS.label, Literal("大足区委书记", lang="zh")),
        (post, ORG.role, role),
        (post, ORG.postIn, DAZU_PARTY),
        (post, PROV.wasDerivedFrom, DOC),
        (role, RDF.type, ORG.Role),
        (role, RDFS.label, Literal("书记", lang="zh")),
        (post, PKG.asOf, Literal("2023-01-04", datatype=XSD.date)),
    } <= set(graph)
    assert {
        (DAZU_PARTY, RDF.type, ORG.Organization),
        (DAZU_PARTY, RDF.type, SCHEMA.GovernmentOrganization),
        (DAZU_PARTY, SKOS.altLabel, Literal("大足区委", lang="zh")),
        (DAZU_PARTY, SCHEMA.areaServed, district_iri("500111")),
        (DAZU_PARTY, PKG.orgKind, Literal("party")),
    } <= set(graph)
    company = org_iri("重庆某公司")
    assert (company, RDF.type, ORG.Organization) in graph
    assert (company, RDF.type, SCHEMA.GovernmentOrganization) not in graph


def test_post_evidence_points_into_the_original(graph, normalized):
    post = post_iri("陈一清", "500000", "书记", "中共重庆市大足区委员会")
    (evidence,) = graph.objects(post, PKG.evidence)
    start = int(graph.value(evidence, PKG.startOffset))
    end = int(graph.value(evidence, PKG.endOffset))
    assert ORIGINAL[start:end] == "大足区委书记"  # original offsets, past the removed （上接1版）
    sentence = str(graph.value(evidence, PKG.sentence))
    assert "陈一清主持召开会议" in sentence  # the normalized sentence: the line break is gone
    assert (evidence, PROV.wasDerivedFrom, DOC) in graph


def test_districts(graph):
    dazu = district_iri("500111")
    assert {
        (dazu, RDF.type, SCHEMA.AdministrativeArea),
        (dazu, RDFS.label, Literal("大足区", lang="zh")),
        (dazu, SKOS.altLabel, Literal("大足", lang="zh")),
        (dazu, PKG.adminCode, Literal("500111")),
        (dazu, SCHEMA.containedInPlace, district_iri("500000")),
    } <= set(graph)
    # the parent is linked by IRI; the document never names 重庆市, so it gets no node here
    assert (district_iri("500000"), RDF.type, SCHEMA.AdministrativeArea) not in graph
    assert (district_iri("500111"), RDFS.label, Literal("大足", lang="zh")) not in graph


def test_measures_and_projects(graph):
    assert {
        (HONGYAN, RDF.type, PKG.PolicyMeasure),
        (HONGYAN, RDF.type, PKG.Program),
        (HONGYAN, RDFS.label, Literal("鸿雁计划", lang="zh")),
        (HONGYAN, PKG.issuedBy, DAZU_PARTY),
        (HONGYAN, SCHEMA.areaServed, district_iri("500111")),
        (HONGYAN, PROV.wasDerivedFrom, DOC),
    } <= set(graph)
    draft, drafted = measure_iri("某办法（送审稿）"), measure_iri("某办法")
    assert (draft, PKG.versionOf, drafted) in graph
    assert {(drafted, RDF.type, PKG.PolicyMeasure), (drafted, RDF.type, PKG.PolicyDocument)} <= set(graph)
    hospital = project_iri("某医院")
    assert {(hospital, RDF.type, PKG.Project), (hospital, PKG.locatedIn, district_iri("500111"))} <= set(
        graph
    )
    assert (hospital, PKG.operator, org_iri("大足区人民政府")) in graph
    assert graph.value(hospital, PKG.plannedCompletion) == Literal("2024-06", datatype=XSD.gYearMonth)


def test_funding_amounts(graph, facts):
    amounts = {a: graph.value(None, PKG.funding, a) for a in graph.subjects(RDF.type, SCHEMA.MonetaryAmount)}
    assert len(amounts) == 3
    top = amount_iri(SHA, facts.funding[0].evidence.start, facts.funding[0].evidence.end)
    assert amounts[top] == HONGYAN
    assert {
        (top, SCHEMA.currency, Literal("CNY")),
        (top, SCHEMA.maxValue, Literal("2000000", datatype=XSD.decimal)),
        (top, PKG.purpose, Literal("人才奖励", lang="zh")),
        (top, PKG.asWritten, Literal("最高200万元", lang="zh")),
        (top, PROV.wasDerivedFrom, DOC),
    } <= set(graph)
    assert (top, SCHEMA.value, None) not in graph
    approx = amount_iri(SHA, facts.funding[1].evidence.start, facts.funding[1].evidence.end)
    assert amounts[approx] == district_iri("500111")
    assert graph.value(approx, SCHEMA.value).toPython() == Decimal("80590000000")
    assert (approx, PKG.approximate, Literal(True)) in graph
    rate = amount_iri(SHA, facts.funding[2].evidence.start, facts.funding[2].evidence.end)
    assert amounts[rate] is None and (rate, PKG.perUnit, Literal(True)) in graph
    for a in amounts:
        assert graph.value(a, PKG.evidence) is not None


def test_relations(graph):
    meeting = meeting_iri("会议", "2023-01-03")
    assert {
        (meeting, RDF.type, PKG.Meeting),
        (meeting, PKG.chairedBy, CHEN),
        (meeting, SCHEMA.startDate, Literal("2023-01-03", datatype=XSD.date)),
    } <= set(graph)
    assert graph.value(meeting, PKG.evidence) is not None
    (agreement,) = graph.subjects(RDF.type, PKG.Agreement)
    assert set(graph.objects(agreement, PKG.party)) == {district_iri("500152"), district_iri("510900")}
    assert (agreement, SCHEMA.startDate, Literal("2020-05", datatype=XSD.gYearMonth)) in graph
    assert (agreement, RDF.type, PKG.PolicyMeasure) not in graph  # unnamed: not a named measure
    assert (project_iri("某医院"), PKG.locatedIn, district_iri("500111")) in graph
    assert (district_iri("500111"), PKG.implements, HONGYAN) in graph
    assert (org_iri("重庆某公司"), PKG.partnerOf, DAZU_PARTY) in graph


def test_named_agreement_in_the_same_sentence_gets_the_parties(normalized, meta):
    t = normalized.text
    facts = DocumentFacts(
        districts=[District("500152", "潼南区", "500000"), District("510900", "遂宁市", "510000")],
        measures=[Measure("遂潼协议", "Agreement", evidence=(ev(t, "协议"),))],
        relations=[
            Relation(
                EntityRef("district", "500152"),
                "signed_agreement_with",
                EntityRef("district", "510900"),
                ev(t, "签订"),
            )
        ],
    )
    g = document_graph(meta, normalized, facts)
    assert set(g.objects(measure_iri("遂潼协议"), PKG.party)) == {
        district_iri("500152"),
        district_iri("510900"),
    }
    assert len(set(g.subjects(RDF.type, PKG.Agreement))) == 1


def test_references_to_unlisted_entities_get_nodes(meta, normalized):
    t = normalized.text
    facts = DocumentFacts(posts=[Post("陈一清", "书记", "大足区委", "大足区委书记", ev(t, "大足区委书记"))])
    g = document_graph(meta, normalized, facts)
    assert (person_iri("陈一清", None), RDF.type, SCHEMA.Person) in g
    assert (org_iri("大足区委"), RDFS.label, Literal("大足区委", lang="zh")) in g


def test_graph_is_deterministic(meta, normalized, facts, graph):
    again = document_graph(meta, normalized, facts)
    assert set(again) == set(graph)
    assert all(not isinstance(t, type(None)) for triple in graph for t in triple)
    assert all(isinstance(s, URIRef) for s in graph.subjects())  # no blank nodes


def test_chinese_labels_are_tagged_zh(graph):
    for prop in (RDFS.label, SKOS.altLabel, PKG.sentence, PKG.purpose, PKG.asWritten):
        for value in graph.objects(None, prop):
            assert value.language == "zh", (prop, value)


@pytest.mark.parametrize(
    ("value", "expected", "datatype"),
    [
        ("2023-01-04", "2023-01-04", XSD.date),
        ("2023-01", "2023-01", XSD.gYearMonth),
        ("2023", "2023", XSD.gYear),
        ("2023-02-30", "2023-02", XSD.gYearMonth),
    ],
)
def test_date_literal(value, expected, datatype):
    lit = date_literal(value)
    assert str(lit) == expected and lit.datatype == datatype


def test_decimal_literal_is_canonical():
    assert str(decimal_literal(2e9)) == "2000000000"
    assert str(decimal_literal(805.9e8)) == "80590000000"
    assert str(decimal_literal(1234.5)) == "1234.5"
    assert decimal_literal(0.1).datatype == XSD.decimal


@pytest.mark.parametrize(
    "module", ["kg.model.iris", "kg.rdf.facts_to_rdf", "kg.store.knowledge_store", "kg.build.batch", "kg.store.export",
               "kg.query.sparql", "kg.cli.main", "kg", "kg.model.namespaces", "kg.query.parameters",
               "kg.query.sparql_syntax"]
)
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and (result.attempted > 0 or module == "kg")
