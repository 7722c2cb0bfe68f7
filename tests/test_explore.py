"""Exploring the seed build: the networkx view, name lookup, `show`, saved queries, analysis helpers."""

from __future__ import annotations

import doctest
import importlib
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.cli.main import main
from kg.explore.analysis import (
    agreements,
    funding_amounts,
    funding_by_district,
    meeting_cooccurrence,
    officials_of_district,
    officials_of_organization,
)
from kg.explore.describe import describe
from kg.explore.network import edge_evidence, neighbourhood, official_network, shortest_connection
from kg.query.lookup import EntityNotFound, find_entities, resolve_entity
from kg.query.saved import run_saved, saved_queries, saved_query
from kg.query.sparql import QueryError, prepare, run_query

ROOT = Path(__file__).resolve().parents[1]
EXPLORE_MODULES = ["kg.explore.network", "kg.query.lookup", "kg.explore.describe", "kg.query.saved",
                   "kg.explore.analysis", "kg.explore.fonts", "kg.explore.viz", "kg.explore.html_view",
                   "kg.serve.endpoint", "kg.cli.explore"]


@pytest.mark.parametrize("module", EXPLORE_MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0



def _count(store, sparql):
    return int(run_query(store, sparql).rows[0][0])


# ---------------------------------------------------------------------- the networkx view
def test_graph_nodes_are_typed_entities_with_labels(seed_graph, seed_store):
    types = nx.get_node_attributes(seed_graph, "type")
    assert set(types.values()) <= {"Official", "Person", "Post", "Role", "Organization", "District", "Measure",
                                   "Project", "Amount", "Meeting"}
    assert sum(t == "Official" for t in types.values()) == _count(
        seed_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a pkg:Official }")
    assert sum(t == "Post" for t in types.values()) == _count(
        seed_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a org:Post }")
    assert all(label for label in nx.get_node_attributes(seed_graph, "label").values())
    dazu = seed_graph.nodes["https://w3id.org/policykg/id/district/500111"]
    assert (dazu["label"], dazu["adcode"], dazu["type"]) == ("大足区", "500111", "District")
    assert "大足" in dazu["aliases"]


def test_graph_edges_are_the_relations_between_entities(seed_graph, seed_store):
    holds = [(u, v) for u, v, k in seed_graph.edges(keys=True) if k == "holds"]
    assert len(holds) == _count(seed_store, "SELECT (COUNT(*) AS ?n) WHERE { ?p org:holds ?x }")
    assert all(seed_graph.nodes[v]["type"] == "Post" for _, v in holds)
    assert {d["predicate"] for *_, d in seed_graph.edges(data=True)} >= {"org:holds", "org:postIn", "schema:areaServed",
                                                                     "pkg:funding", "pkg:chairedBy", "pkg:party"}
    amounts = [n for n, t in seed_graph.nodes(data="type") if t == "Amount"]
    assert amounts and all(any(k in seed_graph.nodes[a] for k in ("value", "min_value", "max_value")) for a in amounts)


def test_evidence_offsets_point_into_the_source_file(seed_graph, seed_build):
    chen = resolve_entity(seed_graph, "陈一清")
    checked = 0
    for _, post in seed_graph.out_edges(chen):
        for ev in seed_graph.nodes[post]["evidence"]:
            text = (seed_build.seeds / ev["document_name"]).read_text(encoding="utf-8")
            stated = re.sub(r"\s", "", text[ev["start"]:ev["end"]])
            assert stated and stated in ev["sentence"], (stated, ev["sentence"])
            checked += 1
    assert checked >= 3


def test_neighbourhood_grows_with_depth_and_does_not_walk_through_roles(seed_graph):
    chen = resolve_entity(seed_graph, "陈一清")
    one = neighbourhood(seed_graph, chen, 1)
    two = neighbourhood(seed_graph, chen, 2)
    labels_one = {seed_graph.nodes[n]["label"] for n in one}
    labels_two = {seed_graph.nodes[n]["label"] for n in two}
    assert {"大足区委书记", "领导小组组长", "大足区委全面依法治区委员会第五次会议"} <= labels_one
    assert "大足区委" not in labels_one and {"大足区委", "书记", "徐晓勇"} <= labels_two
    # the role 书记 is in the picture, but the other secretaries are not reached through it
    reached = neighbourhood(seed_graph, chen, 4)
    assert {"陈敏尔", "袁家军", "姜天波"} & {seed_graph.nodes[n]["label"] for n in reached} == set()
    walked = neighbourhood(seed_graph, chen, 4, skip_types=())
    assert {"陈敏尔", "袁家军", "姜天波"} <= {seed_graph.nodes[n]["label"] for n in walked}
    with pytest.raises(KeyError):
        neighbourhood(seed_graph, "https://example.org/nothing")


def test_shortest_connection_is_a_chain_of_real_edges(seed_graph):
    chen, yang = resolve_entity(seed_graph, "陈一清"), resolve_entity(seed_graph, "杨桦")
    steps = shortest_connection(seed_graph, chen, yang)
    assert steps[0]["from_iri"] == chen and steps[-1]["to_iri"] == yang
    assert len(steps) == nx.shortest_path_length(seed_graph.to_undirected(), chen, yang) or len(steps) <= 4
    for s in steps:
        u, v = (s["from_iri"], s["to_iri"]) if s["direction"] == "->" else (s["to_iri"], s["from_iri"])
        assert s["relation"] in seed_graph[u][v]
    assert shortest_connection(seed_graph, chen, chen) == []
    with pytest.raises(nx.NetworkXNoPath):
        shortest_connection(seed_graph, chen, resolve_entity(seed_graph, "鸿雁计划"))


def test_official_network_of_a_district(seed_graph, seed_store):
    N = official_network(seed_graph, resolve_entity(seed_graph, "大足区"))
    people = {N.nodes[n]["label"] for n, t in N.nodes(data="type") if t in ("Official", "Person")}
    assert people == {r["official"] for r in officials_of_district(seed_store, "大足区")}
    xu = resolve_entity(seed_graph, "徐晓勇")
    assert sorted(p for org in N[xu] for p in N[xu][org]["posts"]) == ["区长", "大足区委副书记", "委员会副主任"]


# ---------------------------------------------------------------------- fuzzy lookup
@pytest.mark.parametrize(("name", "label", "how"), [
    ("陈一清", "陈一清", "label"),
    ("大足", "大足区", "alias"),
    ("中共重庆市大足区委员会", "大足区委", "alias"),
    ("500111", "大足区", "iri"),
    ("id:district/500111", "大足区", "iri"),
    ("鸿雁", "鸿雁计划", "substring"),
    ("  徐晓勇 ", "徐晓勇", "label"),
])
def test_resolve_entity(seed_graph, name, label, how):
    node = resolve_entity(seed_graph, name)
    assert seed_graph.nodes[node]["label"] == label
    assert find_entities(seed_graph, name)[0].how == how


@pytest.mark.parametrize(("typo", "meant"), [
    ("陈一青", "陈一清"), ("徐小勇", "徐晓勇"), ("大足区委书纪", "大足区委书记"), ("鸿燕计划", "鸿雁计划")])
def test_a_typo_gets_did_you_mean(seed_graph, typo, meant):
    with pytest.raises(EntityNotFound) as err:
        resolve_entity(seed_graph, typo)
    assert meant in [m.label for m in err.value.suggestions]
    assert "did you mean" in str(err.value) and meant in str(err.value)


def test_ambiguous_substring_is_not_guessed(seed_graph):
    with pytest.raises(EntityNotFound) as err:
        resolve_entity(seed_graph, "领导小组")  # in the names of three groups, two meetings and a post
    labels = [m.label for m in err.value.suggestions]
    assert len(labels) == 5 and all("领导小组" in label for label in labels)


def test_no_match_at_all(seed_graph):
    with pytest.raises(EntityNotFound) as err:
        resolve_entity(seed_graph, "Zeus")
    assert str(err.value) == "no entity named 'Zeus'"
    with pytest.raises(EntityNotFound):
        resolve_entity(seed_graph, "陈一清", types={"District"})


# ---------------------------------------------------------------------- show
def test_describe_lists_each_fact_with_its_sentence(seed_graph):
    report = describe(seed_graph, resolve_entity(seed_graph, "陈一清"))
    assert (report.label, report.type) == ("陈一清", "Official")
    facts = {(s.relation, s.value): s for s in report.statements}
    post = facts[("post", "大足区委书记")]
    assert dict(post.details)["organization"] == "大足区委" and dict(post.details)["role"] == "书记"
    assert post.evidence[0].sentence == "大足区委书记、领导小组组长陈一清主持会议并讲话。"
    assert post.evidence[0].document == "000_6b93980e7507874a.txt"
    assert ("chaired", "大足区委全面依法治区委员会第五次会议") in facts
    assert all(s.evidence for s in report.statements)
    assert all("陈一清" in ev.sentence for s in report.statements for ev in s.evidence)


def test_describe_a_measure_reports_its_funding(seed_graph):
    report = describe(seed_graph, resolve_entity(seed_graph, "鸿雁计划"))
    (funding,) = [s for s in report.statements if s.relation == "funding"]
    assert funding.value == "最高200万元"
    assert dict(funding.details)["amount"] == "at most 2,000,000 CNY, for 人才奖励"
    assert "最高200万元的人才奖励" in funding.evidence[0].sentence
    assert report.attributes["kind"] == "Program"


def test_edge_evidence_names_the_other_end(seed_graph):
    meeting = resolve_entity(seed_graph, "大足区推动成渝地区双城经济圈建设领导小组会议")
    for attendee in seed_graph.successors(meeting):
        for ev in edge_evidence(seed_graph, meeting, attendee):
            assert seed_graph.nodes[attendee]["label"] in ev["sentence"]


def test_show_command(seed_build, capsys):
    assert main(["show", "陈一清", "--store", str(seed_build.store)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("陈一清  [Official]")
    assert "post: 大足区委书记  (role 书记; organization 大足区委; as of 2023-01-04)" in out
    assert "“大足区委书记、领导小组组长陈一清主持会议并讲话。”" in out
    assert "— 000_6b93980e7507874a.txt, characters" in out
    assert main(["show", "大足", "--store", str(seed_build.store), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["label"] == "大足区" and data["attributes"]["adcode"] == "500111"


def test_show_suggests_close_names(seed_build, capsys):
    assert main(["show", "陈一青", "--store", str(seed_build.store)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "policykg: error: no entity named '陈一青'; did you mean: 陈一清 (Official)?"


def test_path_command(seed_build, capsys):
    assert main(["path", "陈一清", "杨桦", "--store", str(seed_build.store)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("陈一清 ") and "-> attendee -> 杨桦" in out and "(4 steps)" in out
    assert main(["path", "陈一清", "鸿雁计划", "--store", str(seed_build.store)]) == 1


# ---------------------------------------------------------------------- saved queries
def test_every_saved_query_is_documented_and_valid():
    queries = saved_queries()
    assert len(queries) >= 8
    for q in queries:
        assert q.title and q.description and q.example.startswith(f"policykg queries run {q.name}"), q.name
        prepare(q.sparql)
        for p in q.params:
            assert f"?{p.name}" in q.sparql, (q.name, p.name)
            assert p.description


def test_saved_queries_are_the_rq_files():  # that a wheel ships them: tests/test_newcomer.py
    assert {q.name for q in saved_queries()} == {p.stem for p in (ROOT / "kg" / "query" / "saved_queries").glob("*.rq")}


@pytest.mark.parametrize("query", [q.name for q in saved_queries()])
def test_each_saved_query_example_runs_on_the_sample(seed_build, capsys, query):
    example = saved_query(query).example.split()
    assert example[:3] == ["policykg", "queries", "run"]
    assert main([*example[1:], "--store", str(seed_build.store), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert rows, f"{query}: the example returns nothing on the sample"


def test_saved_query_parameters_are_bound_not_pasted(seed_store):
    hostile = '大足区" } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    with pytest.raises(QueryError, match="no district named"):  # a name, looked up as one
        run_saved(seed_store, "officials_by_district", {"district": hostile})
    assert len(run_saved(seed_store, "officials_by_district", {"district": "大足区"}).rows) == 12
    with pytest.raises(QueryError, match="needs --param district"):
        run_saved(seed_store, "officials_by_district")
    with pytest.raises(QueryError, match="has no parameter distrct"):
        run_saved(seed_store, "officials_by_district", {"distrct": "大足区"})


def test_queries_command(seed_build, capsys):
    assert main(["queries", "list"]) == 0
    assert "officials_by_district" in capsys.readouterr().out
    assert main(["queries", "show", "funding_by_district"]) == 0
    assert "SUM(?amount)" in capsys.readouterr().out
    assert main(["queries", "run", "measures_over_amount", "-p", "min_amount=100000000000",
                 "--store", str(seed_build.store), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("funded,type,amount") and len(lines) == 4  # 4800亿, 3000亿, 1300亿
    assert main(["queries", "run", "nope", "--store", str(seed_build.store)]) == 1


# ---------------------------------------------------------------------- analysis helpers
def test_officials_of_a_district_by_name_alias_or_code(seed_store):
    by_name = officials_of_district(seed_store, "大足区")
    assert by_name == officials_of_district(seed_store, "大足") == officials_of_district(seed_store, "500111")
    assert {"official": "徐晓勇", "post": "区长", "organization": "大足区人民政府"} in by_name
    with pytest.raises(QueryError, match="no district named '火星'"):
        officials_of_district(seed_store, "火星")


def test_officials_of_an_organization(seed_store):
    rows = officials_of_organization(seed_store, "大足区委")
    assert [(r["person"], r["role"]) for r in rows] == [("徐晓勇", "副书记"), ("罗晓春", "副书记"), ("陈一清", "书记")]
    assert rows == officials_of_organization(seed_store, "中共重庆市大足区委员会")


def test_funding_totals_add_up(seed_store):
    totals = {t["adcode"]: t["total"] for t in funding_by_district(seed_store)}
    summed = {}
    for a in funding_amounts(seed_store):
        if a["adcode"]:
            summed[a["adcode"]] = summed.get(a["adcode"], 0) + a["amount"]
    assert totals == summed and totals["500115"] == 300_000_000_000
    # only funding counts: Chongqing's output value (4800亿元), revenue (1300亿元) and trading volume
    # are not in its total, and a district with only a contract value has none
    assert totals["500000"] == 103_900_000_000
    assert "500118" not in totals
    kinds = {a["as_written"]: a["amount_kind"] for a in funding_amounts(seed_store, kind="all")}
    assert kinds["4800亿元"] == "OutputOrRevenue" and kinds["约805.9亿元"] == "ContractValue"


def test_meeting_cooccurrence_and_agreements(seed_store):
    pairs = meeting_cooccurrence(seed_store)
    assert all(p["official"] < p["other"] for p in pairs)
    chen = meeting_cooccurrence(seed_store, "陈一清")
    assert {p["other"] for p in chen} == {"廖文丽", "徐晓勇", "王志", "罗晓春"}
    assert {(p["official"], p["other"]) for p in pairs if "陈一清" in (p["official"], p["other"])} == {
        tuple(sorted(("陈一清", p["other"]))) for p in chen}
    signed = agreements(seed_store, "潼南")
    assert {a["agreement"] for a in signed} == {
        "遂潼人才一体化发展合作协议", "川渝毗邻地区人力资源服务产业协同发展战略合作协议"}


def test_optional_saved_query_parameters_filter_the_same_rows(seed_store):
    every = run_saved(seed_store, "posts_per_organization")
    at_least_two = run_saved(seed_store, "posts_per_organization", {"min_posts": "2"})
    posts = every.variables.index("posts")
    assert at_least_two.rows == [r for r in every.rows if int(r[posts]) >= 2]
    assert 0 < len(at_least_two.rows) < len(every.rows)
    amounts = run_saved(seed_store, "funding_amounts")
    chongqing = run_saved(seed_store, "funding_amounts", {"district": "重庆市"})
    area = amounts.variables.index("area")
    assert chongqing.rows and {str(r[area]) for r in chongqing.rows} == {"重庆市"}
    assert set(chongqing.rows) <= set(amounts.rows)
