"""Scoped exploration (kg.explore.scoped) on a real on-disk store of invented data: what it reads
from the store is what the whole graph (to_networkx) says, restricted to the neighbourhood asked for.
"""

from __future__ import annotations

import json
import random
import warnings

import networkx as nx
import pytest
from conftest import run_cli
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.explore.describe import describe
from kg.explore.names import name_graph
from kg.explore.network import LargeGraphWarning, neighbourhood, to_networkx
from kg.explore.paths import NoPathWithin, connection_steps, shortest_connection
from kg.explore.scoped import describe_graph, entity_graph, neighbourhood_graph, official_graph, shortest_path
from kg.model.iris import document_iri
from kg.model.namespaces import ID, ORG, PKG, PROV, SCHEMA
from kg.query.lookup import EntityNotFound, resolve_entity
from kg.store.knowledge_store import KnowledgeStore

_SURNAMES = "柏檀枫榆桐楠"
_GIVEN = "澄湛泓渊涵沐溪"


def _invented(seed: int) -> list[Graph]:
    """Two documents about invented people, posts, organizations, districts, measures and amounts,
    linked at random (a role shared by many posts; a district linked by IRI only; two islands)."""
    rng = random.Random(seed)
    docs = [Graph(), Graph()]
    doc_iris = [URIRef(f"{ID}doc/{i:016x}") for i in range(2)]

    def add(g: Graph, *triple) -> None:
        g.add(triple)

    def entity(kind: str, path: str, i: int, label: str | None, cls: list[URIRef]) -> URIRef:
        node = URIRef(f"{ID}{path}/{kind}{i:04x}")
        g = docs[i % 2]
        for c in cls:
            add(g, node, RDF.type, c)
        if label is not None:
            add(g, node, RDFS.label, Literal(label, lang="zh"))
        add(g, node, PROV.wasDerivedFrom, doc_iris[i % 2])
        return node

    districts = [entity("d", "district", i, f"{_GIVEN[i]}{_SURNAMES[i]}区", [SCHEMA.AdministrativeArea])
                 for i in range(4)]
    bare_district = URIRef(f"{ID}district/990199")  # no triple of its own
    orgs = [entity("o", "org", i, f"{_GIVEN[i % 7]}{_SURNAMES[i % 6]}区委{i}", [ORG.Organization]) for i in range(6)]
    add(docs[0], orgs[0], SKOS.altLabel, Literal("区委", lang="zh"))
    roles = [entity("r", "role", i, name, [ORG.Role]) for i, name in enumerate(("书记", "主任"))]
    names = [f"{_SURNAMES[i % 6]}{_GIVEN[(i * 3) % 7]}{_GIVEN[i % 7]}" for i in range(10)]
    people = [entity("p", "person", i, names[i], [SCHEMA.Person, PKG.Official]) for i in range(10)]
    posts = [entity("q", "post", i, f"岗位{i}", [ORG.Post]) for i in range(10)]
    measures = [entity("m", "measure", i, f"计划{i}" if i else None, [PKG.PolicyMeasure, PKG.Program])
                for i in range(5)]
    amounts = [entity("a", "amount", i, None, [SCHEMA.MonetaryAmount]) for i in range(3)]
    for i, post in enumerate(posts):
        g = docs[i % 2]
        add(g, people[i], ORG.holds, post)
        add(g, post, ORG.role, roles[i % 2])
        add(g, post, ORG.postIn, orgs[rng.randrange(5)])
        add(g, post, PKG.asOf, Literal(f"2023-0{1 + i % 9}-01", datatype=XSD.date))
        ev = URIRef(f"{ID}evidence/e{i:04x}")
        add(g, post, PKG.evidence, ev)
        add(g, ev, RDF.type, PKG.Evidence)
        add(g, ev, PKG.sentence, Literal(f"{names[i]}任岗位{i}。", lang="zh"))
        add(g, ev, PKG.startOffset, Literal(i))
        add(g, ev, PKG.endOffset, Literal(i + 3))
        add(g, ev, PROV.wasDerivedFrom, doc_iris[i % 2])
    for i, org in enumerate(orgs[:5]):
        add(docs[i % 2], org, SCHEMA.areaServed, districts[i % 3] if i != 4 else bare_district)
    for i, m in enumerate(measures):
        add(docs[i % 2], m, SCHEMA.areaServed, rng.choice(districts[:3]))
        if i < 3:
            add(docs[i % 2], m, PKG.funding, amounts[i])
            add(docs[i % 2], amounts[i], SCHEMA.value, Literal(1000 * (i + 1)))
            add(docs[i % 2], amounts[i], PKG.asWritten, Literal(f"{i + 1}千元", lang="zh"))
    change = URIRef(f"{ID}change/c0001")
    add(docs[1], change, RDF.type, PKG.PostChange)
    add(docs[1], change, PKG.changeKind, PKG.Appointed)
    add(docs[1], change, PKG.person, people[8])
    add(docs[1], change, PKG.post, posts[3])
    add(docs[1], change, SCHEMA.startDate, Literal("2022-12-01", datatype=XSD.date))
    for _ in range(6):  # a few more relations between random people and organizations
        add(docs[rng.randrange(2)], rng.choice(people[:8]), SCHEMA.memberOf, rng.choice(orgs[:5]))
    # an island: one organization and one district linked to nothing else
    add(docs[0], orgs[5], SCHEMA.areaServed, districts[3])
    for i, g in enumerate(docs):
        add(g, doc_iris[i], RDF.type, PKG.Document)
        add(g, doc_iris[i], SCHEMA.name, Literal(f"invented_{i}.txt"))
    return docs


@pytest.fixture(scope="module", params=[1, 2])
def store(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("scoped") / "store"
    with KnowledgeStore(path) as writer:
        for i, g in enumerate(_invented(request.param)):
            writer.replace_document(document_iri(f"{i:x}" * 64), g)
    with KnowledgeStore(path, read_only=True) as reader:
        yield reader


@pytest.fixture(scope="module")
def whole(store):
    return to_networkx(store)


def _dump(G: nx.MultiDiGraph):
    return list(G.nodes(data=True)), list(G.edges(keys=True, data=True))


def test_the_scoped_neighbourhood_is_the_whole_graphs_restricted_to_k_hops(store, whole):
    assert len(whole) > 40
    for node in whole:
        for depth in (0, 1, 2, 3):
            assert _dump(neighbourhood_graph(store, node, depth)) == _dump(neighbourhood(whole, node, depth)), node
        walked = neighbourhood_graph(store, node, 2, skip_types=())
        assert _dump(walked) == _dump(neighbourhood(whole, node, 2, skip_types=()))
    with pytest.raises(KeyError):
        neighbourhood_graph(store, f"{ID}person/nobody")


def test_the_neighbourhood_walks_through_no_role(store, whole):
    role = resolve_entity(whole, "书记")
    posts = set(whole.predecessors(role))  # every post with that role
    holder, own = next((u, p) for p in sorted(posts) for u in whole.predecessors(p) if "holds" in whole[u][p])
    near = neighbourhood_graph(store, holder, 2)  # holder → post → role: reached, not walked through
    assert role in near and own in near

    def linked(x: str, y: str) -> bool:
        return whole.has_edge(x, y) or whole.has_edge(y, x)

    for post in posts & set(near) - {own}:  # another post with the role: reached some other way
        assert linked(holder, post) or any(linked(holder, x) and linked(x, post) for x in near if x != role)
    assert posts <= set(neighbourhood_graph(store, holder, 3, skip_types=()))  # walked through: all its posts


def test_an_entity_graph_has_every_attribute_and_the_unlabelled_district(store, whole):
    bare = f"{ID}district/990199"
    assert bare in whole
    sub = entity_graph(store, list(whole))
    assert _dump(sub) == _dump(whole)
    assert entity_graph(store, [bare]).nodes[bare]["type"] == "District"
    assert len(entity_graph(store, [f"{ID}evidence/e0001", f"{ID}doc/{0:016x}"])) == 0  # not entities


def test_show_reads_only_the_describe_graph_and_reports_the_same(store, whole):
    for node in whole:
        scoped = describe_graph(store, node)
        assert len(scoped) <= len(whole)
        a, b = describe(whole, node), describe(scoped, node)
        assert a.format() == b.format()
        assert json.dumps(a.to_dict(), default=str) == json.dumps(b.to_dict(), default=str)


def test_the_official_network_of_a_district(store, whole):
    from kg.explore.network import official_network

    for node, kind in whole.nodes(data="type"):
        if kind == "District":
            a, b = official_network(whole, node), official_network(official_graph(store, node), node)
            assert list(a.nodes) == list(b.nodes) and list(a.edges(data=True)) == list(b.edges(data=True))


def test_paths_are_the_whole_graphs_and_stop_at_the_depth(store, whole):
    nodes = sorted(whole)
    found = 0
    for a in nodes[::3]:
        for b in nodes[1::4]:
            try:
                expected = shortest_connection(whole, a, b)
            except nx.NetworkXNoPath:
                expected = None
            try:
                path = shortest_path(store, a, b)
                got = connection_steps(entity_graph(store, path), path)
            except nx.NetworkXNoPath as e:
                assert not isinstance(e, NoPathWithin)  # the graph is far less deep than the default
                got = None
            assert got == expected, (a, b)
            if got is not None and len(got) >= 2:
                found += 1
                with pytest.raises(NoPathWithin) as too_short:
                    shortest_path(store, a, b, max_depth=len(got) - 1)
                assert too_short.value.max_depth == len(got) - 1
                assert len(shortest_path(store, a, b, max_depth=len(got))) == len(got) + 1
    assert found  # (no path at all: test_an_island_is_not_connected…)


def test_an_island_is_not_connected_and_a_non_entity_is_not_found(store, whole):
    island = resolve_entity(whole, "区委5")
    with pytest.raises(nx.NetworkXNoPath) as none:
        shortest_path(store, island, resolve_entity(whole, "计划1"))
    assert not isinstance(none.value, NoPathWithin)
    with pytest.raises(nx.NodeNotFound):
        shortest_path(store, island, f"{ID}evidence/e0001")
    assert shortest_path(store, island, island) == [island]


@pytest.mark.parametrize("name", ["区委", "区委1", "岗位3", "岗位", "书记", "计划", "计划0", "2千元", "990199",
                                  "district:990199", "澄柏区", "澄柏", "澄柏去", "火星", "", "(Measure", "岗位33"])
def test_names_resolve_in_the_store_as_in_the_whole_graph(store, whole, name):
    def answer(G, types=None):
        try:
            return resolve_entity(G, name, types=types)
        except EntityNotFound as e:
            return f"{type(e).__name__}: {e}"

    assert answer(name_graph(store, name)) == answer(whole)
    districts = {"District"}
    assert answer(name_graph(store, name, types=districts), districts) == answer(whole, districts)


def test_the_whole_graph_warns_above_its_size_threshold(store):
    n = len(store.union_triples())
    with pytest.warns(LargeGraphWarning, match=f"{n:,} triples.*kg.explore.scoped"):
        to_networkx(store, warn_above=n - 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LargeGraphWarning)
        to_networkx(store, warn_above=n)  # at the threshold: no warning
        to_networkx(store)  # a small store: none by default


def test_the_path_command_says_when_the_depth_is_too_short(store, whole):
    def steps(a: str, b: str) -> int:
        try:
            return len(shortest_connection(whole, resolve_entity(whole, a), resolve_entity(whole, b)))
        except nx.NetworkXNoPath:
            return 0

    a, b = next((f"岗位{i}", f"岗位{j}") for i in range(10) for j in range(i + 1, 10)
                if steps(f"岗位{i}", f"岗位{j}") >= 2)
    n = steps(a, b)
    done = run_cli("path", a, b, "--store", store.path, "--max-depth", str(n - 1))
    assert done.returncode == 1 and f"in {n - 1} relations or fewer (--max-depth" in done.stderr
    done = run_cli("path", a, b, "--store", store.path)
    assert done.returncode == 0 and done.stdout.rstrip().endswith(f"({n} steps)")
