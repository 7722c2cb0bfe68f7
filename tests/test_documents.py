"""Texts of other genres than newspaper pages: a policy document with numbered clauses and a 文号,
a signing-ceremony news item, a groundbreaking news item (invented fixtures in fixtures/genres/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.documents import find_clauses, find_policy_document
from kg.ingest.normalize import normalize
from kg.model.facts import EntityRef

GENRES = Path(__file__).parent / "fixtures" / "genres"
POLICY = "株洲市促进先进制造业高质量发展若干政策措施"


def text_of(name: str) -> str:
    return normalize((GENRES / name).read_text(encoding="utf-8")).text


@pytest.fixture(scope="module")
def policy_facts():
    from extractors.pipeline import extract_facts

    return extract_facts(text_of("policy_document.txt"))


def test_policy_document_header():
    header = find_policy_document(text_of("policy_document.txt"))
    assert header is not None
    assert header.name == POLICY
    assert header.number == "株政发〔2021〕7号"
    assert f"株洲市人民政府关于印发《{POLICY}》的通知" in header.aliases


@pytest.mark.parametrize("text", [
    "某区召开重点项目推进会\n会议指出，一是要抓进度，二是要抓质量。",
    "某县人民政府办公室关于做好防汛工作的通知\n各乡镇：请做好防汛工作。",  # a notice without 文号 or clauses
])
def test_news_and_short_notices_are_not_policy_documents(text):
    assert find_policy_document(text) is None


def test_clause_numbering_forms():
    text = "一、总体要求\n（一）支持平台建设。对……给予奖励。\n1.鼓励企业上规。\n第五条 本办法自公布之日起施行。"
    assert [(c.number, c.level, c.heading) for c in find_clauses(text)] == [
        ("一、", 1, "总体要求"), ("（一）", 2, "支持平台建设"), ("1.", 3, "鼓励企业上规"), ("第五条", 1, None)]


def test_policy_document_is_a_measure_with_its_number(policy_facts):
    [doc] = [m for m in policy_facts.measures if m.name == POLICY]
    assert doc.kind == "PolicyDocument"
    assert doc.document_number == "株政发〔2021〕7号" and "株政发〔2021〕7号" in doc.aliases
    assert doc.issuer == "株洲市人民政府"
    assert doc.district == "430200"


def test_amounts_in_clauses_belong_to_the_document(policy_facts):
    owners = {a.as_written: a.attached_to for a in policy_facts.funding}
    assert set(owners) == {"突破50亿元", "最高200万元", "10万元", "100万元", "不超过300万元", "2亿元"}
    # the catalogue a clause cites is a condition, not what the money funds
    assert set(owners.values()) == {EntityRef("measure", POLICY)}
    kinds = {a.as_written: a.kind for a in policy_facts.funding}
    assert kinds["突破50亿元"] == "Threshold" and kinds["2亿元"] == "BudgetOrFund"


def test_headed_clauses_may_be_measures_of_the_document():
    import spacy

    from extractors.annotations import facts_of, register_extensions
    from extractors.tokenizer import CharTokenizer

    register_extensions()
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab, list)
    for name in ("policykg_sentences", "policykg_measures"):
        nlp.add_pipe(name)
    nlp.add_pipe("policykg_documents", config={"clause_measures": True})
    nlp.add_pipe("policykg_money")
    facts = facts_of(nlp(text_of("policy_document.txt")))
    parts = {m.name: m.part_of for m in facts.measures if m.part_of}
    assert parts["支持企业创建高端研发平台"] == POLICY and parts["培育壮大市场主体"] == POLICY
    owners = {a.as_written: a.attached_to.key for a in facts.funding}
    assert owners["100万元"] == "支持企业创建高端研发平台"
    assert owners["2亿元"] == POLICY  # 第五条 has no heading


def test_document_number_and_clause_parts_in_the_graph():
    from rdflib import Literal
    from rdflib.namespace import DCTERMS

    from kg.model.facts import DocumentFacts, Evidence, Measure
    from kg.model.iris import measure_iri
    from kg.model.namespaces import PKG, SKOS
    from kg.rdf.facts_to_rdf import DocumentMeta, _IdentityText, document_graph

    ev = Evidence(0, 4, "某某办法", 0, 4)
    facts = DocumentFacts(measures=[
        Measure("某某办法", "PolicyDocument", ("某政发〔2020〕3号",), document_number="某政发〔2020〕3号",
                evidence=(ev,)),
        Measure("支持平台建设", "Program", part_of="某某办法", evidence=(ev,))])
    g = document_graph(DocumentMeta("a.txt", "ab" * 32, "a.txt"), _IdentityText("某某办法"), facts)
    doc = measure_iri("某某办法")
    assert (doc, PKG.documentNumber, Literal("某政发〔2020〕3号")) in g
    assert (doc, SKOS.altLabel, Literal("某政发〔2020〕3号", lang="zh")) in g
    assert (measure_iri("支持平台建设"), DCTERMS.isPartOf, doc) in g


@pytest.fixture(scope="module")
def signing_facts():
    from extractors.pipeline import extract_facts

    return extract_facts(text_of("signing_event.txt"))


@pytest.fixture(scope="module")
def groundbreaking_facts():
    from extractors.pipeline import extract_facts

    return extract_facts(text_of("groundbreaking.txt"))


def owners(facts) -> dict[str, tuple[str, str]]:
    return {a.as_written: (a.attached_to.kind, a.attached_to.key) for a in facts.funding}


def test_signing_total_belongs_to_the_batch_once(signing_facts):
    batch = next(p for p in signing_facts.projects if p.batch)
    assert batch.name == "衡阳市珠晖区2023年一季度招商引资项目集中签约"
    assert {"19个项目", "珠晖区2023年一季度招商引资项目集中签约活动"} <= set(batch.aliases)
    assert batch.district == "430405"  # 珠晖区, where the event takes place
    [total] = [a for a in signing_facts.funding if a.value == 5.08e9]  # headline and body: one amount
    assert total.attached_to == EntityRef("project", batch.name) and len(total.restated) == 1


def test_named_projects_of_a_signing(signing_facts):
    names = {p.name: p for p in signing_facts.projects if not p.batch}
    assert "湘江康养旅游度假区项目" in names["湘江康养旅游度假区"].aliases
    assert names["湘江康养旅游度假区"].planned_completion == "2025"
    assert names["湘江康养旅游度假区"].district is None  # the sentence does not say where it is
    company = "湖南金禾新材料有限公司年产5万吨锂电池隔膜项目"
    assert company in names
    assert owners(signing_facts)["8.5亿元"] == ("project", "湘江康养旅游度假区")  # amount written first
    assert owners(signing_facts)["12亿元"] == ("project", company)


def test_agreement_parties_are_both_sides_of_yu(signing_facts):
    [signed] = [r for r in signing_facts.relations if r.predicate == "signed_agreement_with"]
    assert (signed.subject.key, signed.object.key) == ("430405", "430111")  # 珠晖区, 雨花区 (not 长沙市)


def test_a_target_year_is_not_the_publication_date():
    from kg.ingest.dates import estimate_publication_date

    assert estimate_publication_date(text_of("signing_event.txt")) == "2023-03-29"


def test_groundbreaking_batches_by_district(groundbreaking_facts):
    batches = {p.name: p for p in groundbreaking_facts.projects if p.batch}
    assert batches["雁峰区重大项目集中开工"].district == "430406"
    assert "雁峰区2023年二季度重大项目集中开工仪式" in batches["雁峰区重大项目集中开工"].aliases
    # a sentence naming another district is that district's batch
    assert batches["石鼓区一季度项目集中开工"].district == "430407"
    found = owners(groundbreaking_facts)
    assert found["301.2亿元"] == ("project", "雁峰区重大项目集中开工")
    assert found["134亿元"] == ("project", "石鼓区一季度项目集中开工")
    assert found["30亿元"] == ("project", "雁城科创城")
    assert found["15.6亿元"] == ("project", "酃湖特色小镇")
    assert [len(a.restated) for a in groundbreaking_facts.funding if a.value == 3.012e10] == [1]
