"""Post changes (任免): each change kind, lists sharing a title, stated dates, and their RDF.

Every text here is invented; tests/fixtures/post_changes/ holds four invented notices of different
genres with their gold changes.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib

from extractors.pipeline import extract_facts
from kg.ingest.normalize import normalize
from kg.model import SHAPES_FILE
from kg.model.facts import DocumentFacts, Evidence, PostChange
from kg.model.namespaces import ORG, PKG, RDF, RDFS, SCHEMA, XSD
from kg.rdf.facts_to_rdf import DocumentMeta, document_graph

FIXTURES = Path(__file__).parent / "fixtures" / "post_changes"
# publication dates of the fixtures (a notice's date line, a news item's next day)
FIXTURE_DATES = {"county_congress_list": "2022-09-29", "city_government_notice": "2021-04-20",
                 "pre_appointment_notice": "2024-05-09", "election_news": "2023-01-13"}


def changes(text: str, doc_date: str | None = "2023-03-01") -> list[PostChange]:
    return extract_facts(normalize(text).text, doc_date=doc_date, segmenter="jieba").post_changes


def triples(text: str, doc_date: str | None = "2023-03-01") -> set[tuple[str, str, str]]:
    return {(c.person, c.kind, c.role) for c in changes(text, doc_date)}


# ------------------------------------------------------------------ each kind


def test_appointment_with_organization_and_meeting_date():
    found = changes("2023年2月20日，丰都县第十八届人大常委会第九次会议决定：任命许文杰为丰都县人民政府副县长。")
    assert [(c.person, c.kind, c.role, c.org, c.date) for c in found] == [
        ("许文杰", "Appointed", "副县长", "丰都县人民政府", "2023-02-20")]


def test_removal():
    found = changes("会议决定免去曹立新的丰都县财政局局长职务。")
    assert [(c.person, c.kind, c.role) for c in found] == [("曹立新", "Removed", "局长")]
    assert found[0].org == "丰都县财政局"


def test_election_before_the_cue():
    assert triples("在丰都县第十八届人民代表大会第一次会议上，邵明远当选为丰都县人民政府县长。") == {
        ("邵明远", "Elected", "县长")}


def test_resignation_accepted():
    assert triples("会议接受秦玉兰辞去丰都县人民政府副县长职务的请求。") == {("秦玉兰", "Resigned", "副县长")}


def test_nomination_and_pre_appointment_entry():
    assert triples("县委研究决定，提名雷振华为丰都县人民政府副县长候选人。") == {("雷振华", "Nominated", "副县长")}
    entry = "1.严素梅，女，1983年4月生，2005年7月参加工作，现任丰都县商务局副局长，拟任丰都县商务局局长。"
    found = changes(entry)
    assert [(c.person, c.kind, c.role, c.org) for c in found] == [("严素梅", "Nominated", "局长", "丰都县商务局")]
    assert found[0].date is None  # a birth or career date is never the change's date


def test_heading_governs_the_list_and_names_share_a_title():
    text = ("丰都县人大常委会任免名单\n（2023年2月20日丰都县第十八届人民代表大会常务委员会第九次会议通过）\n"
            "任命：\n孔德胜为丰都县人民政府副县长；\n郝明珠、韦国强为县人民法院审判员；\n"
            "免去：\n汤建平的县人民法院审判员职务。")
    found = {(c.person, c.kind, c.role): c for c in changes(text)}
    assert set(found) == {("孔德胜", "Appointed", "副县长"), ("郝明珠", "Appointed", "审判员"),
                          ("韦国强", "Appointed", "审判员"), ("汤建平", "Removed", "审判员")}
    assert {c.date for c in found.values()} == {"2023-02-20"}
    assert found[("郝明珠", "Appointed", "审判员")].org == found[("韦国强", "Appointed", "审判员")].org \
        == "丰都县人民法院"


def test_one_name_several_posts_and_the_pronoun():
    found = triples("决定任命金海峰为丰都县人民政府副县长、县公安局局长，免去其县司法局局长职务。")
    assert found == {("金海峰", "Appointed", "副县长"), ("金海峰", "Appointed", "局长"),
                     ("金海峰", "Removed", "局长")}


def test_court_chain_and_gender_glued_to_a_name():
    text = "任命：\n钱晓云为江城市中级人民法院副院长、审判委员会委员、审判员；"
    found = {(c.person, c.role, c.org) for c in changes(text)}
    assert found == {("钱晓云", "副院长", "江城市中级人民法院"), ("钱晓云", "委员", "江城市中级人民法院审判委员会"),
                     ("钱晓云", "审判员", "江城市中级人民法院")}
    # "何某 女，…": normalizing drops the space, the gender is no part of the name
    assert triples("何丽君 女，汉族，1986年3月出生，现任丰都县民政局副局长，拟提名为丰都县民政局局长人选。") == {
        ("何丽君", "Nominated", "局长")}


def test_nomination_refers_back_to_the_person_of_the_sentence():
    assert triples("费国平同志任通川区委副书记，提名为通川区人民政府区长候选人。") == {
        ("费国平", "Appointed", "副书记"), ("费国平", "Nominated", "区长")}


def test_no_stated_date_means_no_date():
    found = changes("会议决定免去曹立新的丰都县财政局局长职务。", doc_date="2023-03-01")
    assert found and found[0].date is None


def test_text_without_changes_has_none():
    assert changes("县委书记主持召开会议，研究部署推进乡村振兴工作，要求选举工作依法有序开展。") == []


# ------------------------------------------------------------------ RDF


def graph(text: str, date: str | None = "2023-03-01") -> rdflib.Graph:
    normalized = normalize(text)
    facts = extract_facts(normalized.text, doc_date=date, segmenter="jieba")
    meta = DocumentMeta(name="t.txt", sha256="cd" * 32, path="/t.txt", date=date)
    return document_graph(meta, normalized, facts)


def test_rdf_follows_the_data_model_and_conforms():
    g = graph("（2023年2月20日丰都县第十八届人民代表大会常务委员会第九次会议通过）\n"
              "任命：\n孔德胜为丰都县人民政府副县长；\n免去：\n汤建平的丰都县财政局局长职务。")
    by_kind = {g.value(c, PKG.changeKind): c for c in g.subjects(RDF.type, PKG.PostChange)}
    assert set(by_kind) == {PKG.Appointed, PKG.Removed}
    for change in by_kind.values():
        date = g.value(change, SCHEMA.startDate)
        assert (str(date), date.datatype) == ("2023-02-20", XSD.date)
        post = g.value(change, PKG.post)
        assert (post, RDF.type, ORG.Post) in g and g.value(post, ORG.role) is not None
        assert g.value(post, ORG.postIn) is not None
        assert g.value(change, PKG.evidence) is not None
    appointed, removed = by_kind[PKG.Appointed], by_kind[PKG.Removed]
    person = g.value(appointed, PKG.person)
    assert (person, ORG.holds, g.value(appointed, PKG.post)) in g
    assert g.value(g.value(appointed, PKG.post), PKG.asOf) is not None  # dated document: dated post
    # a removal never says the person holds the post
    assert (None, ORG.holds, g.value(removed, PKG.post)) not in g
    conforms, _, report = pyshacl.validate(g, shacl_graph=rdflib.Graph().parse(SHAPES_FILE), advanced=True)
    assert conforms, report[:2000]


def graph_of(text: str, sha: str) -> rdflib.Graph:
    normalized = normalize(text)
    facts = extract_facts(normalized.text, doc_date="2023-03-01", segmenter="jieba")
    return document_graph(DocumentMeta(name="t.txt", sha256=sha, path="/t.txt", date="2023-03-01"), normalized, facts)


def test_undated_change_has_no_start_date_and_a_per_document_iri():
    text = "会议接受秦玉兰辞去丰都县人民政府副县长职务的请求。"
    g, other = graph_of(text, "cd" * 32), graph_of(text, "ce" * 32)
    (change,) = g.subjects(RDF.type, PKG.PostChange)
    assert g.value(change, SCHEMA.startDate) is None
    assert (None, ORG.holds, None) not in g
    person = g.value(change, PKG.person)
    assert (person, RDF.type, SCHEMA.Person) in g and str(g.value(person, RDFS.label)) == "秦玉兰"
    assert set(other.subjects(RDF.type, PKG.PostChange)) != {change}  # undated: one node per document
    assert graph_of(text, "cd" * 32).isomorphic(g)  # and deterministic


def test_a_dated_change_is_one_node_across_documents():
    text = "2023年2月20日，丰都县人大常委会会议决定：任命许文杰为丰都县人民政府副县长。"
    a, b = graph_of(text, "cd" * 32), graph_of(text + "\n另讯。", "ce" * 32)
    assert set(a.subjects(RDF.type, PKG.PostChange)) == set(b.subjects(RDF.type, PKG.PostChange))


def test_a_change_without_a_post_fact_still_gets_its_post():
    ev = Evidence(0, 12, "任命张某为某县副县长", 0, 12)
    change = PostChange("张某", "Appointed", "副县长", "丰都县人民政府", "丰都县人民政府副县长", "2021", ev)
    facts = DocumentFacts(post_changes=[change])
    meta = DocumentMeta(name="t.txt", sha256="ef" * 32, path="/t.txt")
    g = document_graph(meta, normalize("任命张某为丰都县人民政府副县长。"), facts)
    (change,) = g.subjects(RDF.type, PKG.PostChange)
    assert g.value(change, SCHEMA.startDate).datatype == XSD.gYear
    assert (g.value(change, PKG.person), ORG.holds, g.value(change, PKG.post)) in g


# ------------------------------------------------------------------ invented notices


def fixture_scores() -> tuple[int, int, int]:
    tp = fp = fn = 0
    for path in sorted(FIXTURES.glob("*.txt")):
        gold = {tuple(line.split("\t")[:3]) for line in path.with_suffix(".tsv").read_text().splitlines()
                if line.strip()}
        found = triples(path.read_text(encoding="utf-8"), FIXTURE_DATES[path.stem])
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    return tp, fp, fn


@pytest.mark.parametrize("name", sorted(FIXTURE_DATES))
def test_fixture_has_gold(name):
    assert (FIXTURES / f"{name}.txt").exists() and (FIXTURES / f"{name}.tsv").read_text().strip()


def test_invented_notices_precision_and_recall():
    tp, fp, fn = fixture_scores()
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9, (tp, fp, fn)


# ------------------------------------------------------------------ store: timeline and saved queries

MOVE = ("石门县人大常委会任免名单\n（2023年3月15日石门县第十八届人民代表大会常务委员会第八次会议通过）\n"
        "任命：\n邹建军为石门县人民政府副县长。\n")


@pytest.fixture(scope="module")
def changes_store(tmp_path_factory):
    """The invented notices plus a later appointment of one removed official in another county."""
    from kg.build.batch import build

    docs = tmp_path_factory.mktemp("post-changes") / "docs"
    docs.mkdir()
    for path in FIXTURES.glob("*.txt"):
        (docs / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (docs / "move.txt").write_text(MOVE, encoding="utf-8")
    store = docs.parent / "store"
    build([docs], store, segmenter="jieba", progress=False)
    return store


def test_show_prints_the_timeline_of_a_person(changes_store):
    from kg.explore.describe import describe
    from kg.explore.network import to_networkx
    from kg.query.lookup import resolve_entity
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(changes_store, read_only=True) as store:
        G = to_networkx(store)
    text = describe(G, resolve_entity(G, "邹建军")).format()
    timeline = text[text.index("timeline:"):]
    assert "2022-09-28 … 2022-09-28  县发展和改革局局长  (局长; 临澧县发展和改革局)  [left]" in timeline
    assert "2023-03-15 … 2023-03-15  石门县人民政府副县长" in timeline
    removed, appointed = timeline.index("removed"), timeline.index("appointed")
    assert removed < appointed  # changes in date order, each with its sentence
    assert "“邹建军为石门县人民政府副县长。”" in timeline[appointed:]


def run(store_path, name: str, **params) -> list[dict[str, str]]:
    from kg.query.saved import run_saved
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(store_path, read_only=True) as store:
        result = run_saved(store, name, params)
    return [{k: (str(v) if v is not None else None) for k, v in zip(result.variables, row, strict=True)}
            for row in result.rows]


def test_saved_query_post_holders_over_time(changes_store):
    rows = run(changes_store, "post_holders_over_time", role="局长", org="临澧县发展和改革局")
    assert [(r["person"], r["first_seen"], r["changes"]) for r in rows] == [
        ("贺晓峰", "2022-09-28", "Appointed 2022-09-28"), ("邹建军", "2022-09-28", "Removed 2022-09-28")]


def test_saved_query_changes_in_a_district_and_period(changes_store):
    rows = run(changes_store, "post_changes_in_district", district="临澧县")
    assert {(r["person"], r["kind"]) for r in rows} >= {("欧阳明辉", "Appointed"), ("邹建军", "Removed"),
                                                         ("彭卫东", "Resigned"), ("龚丽萍", "Appointed")}
    later = run(changes_store, "post_changes_in_district", district="430700", **{"from": "2023"})
    assert [(r["person"], r["date"]) for r in later] == [("邹建军", "2023-03-15")]


def test_saved_query_officials_moving_between_districts(changes_store):
    rows = run(changes_store, "officials_moving_between_districts")
    assert [(r["person"], r["place"], r["first_seen"]) for r in rows] == [
        ("邹建军", "临澧县", "2022-09-28"), ("邹建军", "石门县", "2023-03-15")]
    assert {r["person"] for r in run(changes_store, "officials_moving_between_districts", district="石门县")} == {
        "邹建军"}


def test_saved_query_changes_can_list_held_posts_too(changes_store):
    rows = run(changes_store, "post_changes_in_district", district="临澧县", held="1")
    assert ("贺晓峰", "Held", "2022-09-28") in {(r["person"], r["kind"], r["date"]) for r in rows}
    assert "Held" not in {r["kind"] for r in run(changes_store, "post_changes_in_district", district="临澧县")}


def test_a_name_with_a_character_of_an_organ_word_is_removed_from_office():
    from extractors.pipeline import extract_facts

    facts = extract_facts("襄阳市人大常委会决定：免去章书远的襄阳市人民政府副市长职务。")
    assert [(c.person, c.kind, c.role) for c in facts.post_changes] == [("章书远", "Removed", "副市长")]
