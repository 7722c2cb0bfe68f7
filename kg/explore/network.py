"""The knowledge graph as a networkx ``MultiDiGraph``: typed entity nodes, labelled relation edges.

:func:`to_networkx` reads a store (or any rdflib graph following ``docs/data-model.md``) into a
:class:`networkx.MultiDiGraph`. Nodes are the entities' IRIs (strings) with plain attributes:
``type`` (``Official``, ``Person``, ``Post``, ``Role``, ``Organization``, ``District``, ``Measure``,
``Project``, ``Amount``, ``Meeting``), ``label``, ``aliases``, ``adcode``, amounts' ``value`` …,
``documents`` (source document names) and ``evidence`` (the sentences stating the entity, each a
dict with ``sentence``, ``start``, ``end``, ``document``, ``document_name``, ``source_path``). An
edge ``u → v`` keyed by the property's local name (``holds``, ``postIn``, ``areaServed`` …) is one
triple between two entities; evidence and documents are attributes, never nodes.

Traversal helpers take that graph and a node id (use :func:`kg.query.lookup.resolve_entity` to go from
a name to a node): :func:`neighbourhood`, :func:`shortest_connection` (from :mod:`kg.explore.paths`),
:func:`edge_evidence`. On a large store, :mod:`kg.explore.scoped` reads the same graphs around one entity.

Long because :func:`graph_from_triples`, which turns triples into nodes with their attributes, is
shared by :func:`to_networkx` and the scoped reads of :mod:`kg.explore.scoped`, and stays beside the
tables of types and attributes it reads.

>>> G = to_networkx(example_graph())
>>> G.nodes["https://w3id.org/policykg/id/person/a"]["type"], G.nodes["https://w3id.org/policykg/id/person/a"]["label"]
('Official', '张明远')
>>> sorted(k for _, _, k in G.edges(keys=True))
['areaServed', 'holds', 'postIn', 'role']
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx
from rdflib import Graph, Literal, URIRef

from kg.explore.paths import shortest_connection
from kg.model.namespaces import ID, ORG, PKG, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS
from kg.store.knowledge_store import KnowledgeStore

__all__ = [
    "ENTITY_TYPES",
    "LARGE_GRAPH_TRIPLES",
    "NOT_EDGES",
    "LargeGraphWarning",
    "edge_evidence",
    "example_graph",
    "graph_from_triples",
    "induced_subgraph",
    "neighbourhood",
    "node_name",
    "official_network",
    "shortest_connection",
    "to_networkx",
]

#: Node types, most specific first: a node gets the first whose class it carries.
ENTITY_TYPES: tuple[tuple[str, str], ...] = (
    (str(PKG.Official), "Official"),
    (str(SCHEMA.Person), "Person"),
    (str(ORG.Post), "Post"),
    (str(ORG.Role), "Role"),
    (str(SCHEMA.AdministrativeArea), "District"),
    (str(ORG.Organization), "Organization"),
    (str(SCHEMA.GovernmentOrganization), "Organization"),
    (str(PKG.PolicyMeasure), "Measure"),
    (str(PKG.Agreement), "Measure"),
    (str(PKG.Project), "Project"),
    (str(SCHEMA.MonetaryAmount), "Amount"),
    (str(PKG.Meeting), "Meeting"),
    (str(PKG.PostChange), "PostChange"),
)
_MEASURE_KINDS = {str(PKG[k]): k for k in
                  ("Program", "PolicyDocument", "Plan", "Agreement", "Campaign", "ProjectList")}
# An entity referenced by IRI only (no triples of its own) is typed by its IRI's path.
_TYPE_BY_PATH = {"person": "Person", "post": "Post", "role": "Role", "district": "District", "org": "Organization",
                 "measure": "Measure", "project": "Project", "amount": "Amount", "meeting": "Meeting",
                 "change": "PostChange"}
_SKIPPED_TYPES = {str(PKG.Document), str(PKG.Evidence)}

# literal properties → node attribute (numbers become floats, booleans bools)
_ATTRIBUTES = {
    str(PKG.adminCode): "adcode", str(SCHEMA.value): "value", str(SCHEMA.minValue): "min_value",
    str(SCHEMA.maxValue): "max_value", str(SCHEMA.currency): "currency", str(PKG.asWritten): "as_written",
    str(PKG.purpose): "purpose", str(PKG.approximate): "approximate", str(PKG.perUnit): "per_unit",
    str(PKG.asOf): "as_of", str(SCHEMA.startDate): "date", str(PKG.orgKind): "org_kind",
}
# the predicates graph_from_triples reads, as strings once (a namespace lookup per triple is slow)
_TYPE, _LABEL, _ALT_LABEL, _EVIDENCE, _DERIVED = (str(RDF.type), str(RDFS.label), str(SKOS.altLabel),
                                                  str(PKG.evidence), str(PROV.wasDerivedFrom))
_NAME, _SOURCE_PATH, _AS_OF, _CHANGE_KIND = str(SCHEMA.name), str(PKG.sourcePath), str(PKG.asOf), str(PKG.changeKind)
_EVIDENCE_PROPERTIES = {str(PKG.sentence): "sentence", str(PKG.startOffset): "start", str(PKG.endOffset): "end"}
_NUMERIC = {"value", "min_value", "max_value"}
_BOOLEAN = {"approximate", "per_unit"}
_PREFIX_OF = sorted(((str(ns), p) for p, ns in PREFIXES.items()), key=lambda t: -len(t[0]))


def _prefixed(iri: str) -> str:
    for ns, prefix in _PREFIX_OF:
        if iri.startswith(ns) and prefix != "id":
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def example_graph() -> Graph:
    """A four-entity rdflib graph in the data model's shape, for examples and tests.

    >>> len(example_graph())
    27
    """
    return Graph().parse(format="turtle", data="""
        @base <https://w3id.org/policykg/id/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix schema: <https://schema.org/> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix pkg: <https://w3id.org/policykg/ontology#> .
        <person/a> a schema:Person, pkg:Official ; rdfs:label "张明远"@zh ; org:holds <post/a> .
        <post/a> a org:Post ; rdfs:label "大足区委书记"@zh ; org:role <role/a> ; org:postIn <org/a> ;
            pkg:evidence <evidence/a> ; prov:wasDerivedFrom <doc/a> .
        <role/a> a org:Role ; rdfs:label "书记"@zh .
        <org/a> a org:Organization ; rdfs:label "中共重庆市大足区委员会"@zh ; skos:altLabel "大足区委"@zh ;
            schema:areaServed <district/500111> .
        <district/500111> a schema:AdministrativeArea ; rdfs:label "大足区"@zh ; pkg:adminCode "500111" .
        <evidence/a> a pkg:Evidence ; pkg:sentence "大足区委书记张明远主持会议。"@zh ;
            pkg:startOffset 0 ; pkg:endOffset 6 ; prov:wasDerivedFrom <doc/a> .
        <doc/a> a pkg:Document ; schema:name "a.txt" ; pkg:sourcePath "seeds/a.txt" .
    """)


def _triples(source: KnowledgeStore | Graph) -> Iterator[tuple[str, str, object]]:
    """``(subject, predicate, object)`` with IRIs as ``str`` and literals as rdflib Literals."""
    if isinstance(source, KnowledgeStore):
        import pyoxigraph as ox

        from kg.store.terms import from_ox

        for t in source.union_triples():
            if isinstance(t.subject, ox.NamedNode):
                o = t.object
                yield t.subject.value, t.predicate.value, o.value if isinstance(o, ox.NamedNode) else from_ox(o)
        return
    for s, p, o in source:
        if isinstance(s, URIRef):
            yield str(s), str(p), str(o) if isinstance(o, URIRef) else o


def _python(attr: str, lit: Literal) -> Any:
    if attr in _NUMERIC:
        return float(lit)
    if attr in _BOOLEAN:
        return str(lit).lower() in ("true", "1")
    return str(lit)


#: Above this many triples :func:`to_networkx` warns (:class:`LargeGraphWarning`): the whole graph is then
#: seconds to load, where the scoped helpers of :mod:`kg.explore.scoped` fetch only a neighbourhood.
LARGE_GRAPH_TRIPLES = 100_000

#: Predicates whose IRI objects are read into node attributes, never edges (see :func:`to_networkx`).
NOT_EDGES: frozenset[str] = frozenset(str(p) for p in (
    RDF.type, RDFS.label, SKOS.altLabel, PKG.evidence, PROV.wasDerivedFrom, PKG.sentence, PKG.startOffset,
    PKG.endOffset, SCHEMA.name, PKG.sourcePath, PKG.changeKind))


class LargeGraphWarning(UserWarning):
    """:func:`to_networkx` was asked for a large store's whole graph (filter it like any warning)."""


def to_networkx(source: KnowledgeStore | Graph, *, warn_above: int | None = LARGE_GRAPH_TRIPLES) -> nx.MultiDiGraph:
    """The entities of ``source`` and the relations between them as a ``MultiDiGraph``.

    ``source`` is a :class:`kg.store.knowledge_store.KnowledgeStore` (its union graph is read) or an rdflib graph.
    Node ids are IRIs; see the module docstring for the attributes. Evidence nodes, documents,
    ``rdf:type`` and ``prov:wasDerivedFrom`` become node attributes, not nodes or edges.

    The whole graph is read, in time linear in its size: above ``warn_above`` triples (``None``: never)
    a :class:`LargeGraphWarning` says so and points to :mod:`kg.explore.scoped`, whose helpers fetch
    only an entity's neighbourhood or a path from the store.

    >>> G = to_networkx(example_graph())
    >>> post = G.nodes["https://w3id.org/policykg/id/post/a"]
    >>> post["label"], post["documents"], post["evidence"][0]["sentence"]
    ('大足区委书记', ['a.txt'], '大足区委书记张明远主持会议。')
    >>> G.nodes["https://w3id.org/policykg/id/org/a"]["aliases"]
    ['大足区委']
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = to_networkx(example_graph(), warn_above=10)
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    to_networkx read the whole graph, 27 triples ...
    """
    triples = list(_triples(source))
    if warn_above is not None and len(triples) > warn_above:
        warnings.warn(f"to_networkx read the whole graph, {len(triples):,} triples (time and memory grow with the "
                      "store); to explore around an entity, kg.explore.scoped (neighbourhood_graph, "
                      "shortest_path, describe_graph) fetches only what it needs", LargeGraphWarning, stacklevel=2)
    return graph_from_triples(triples)


def _kind(node: str, types: set[str]) -> str | None:
    """A node's type name (:data:`ENTITY_TYPES`) from its classes, else its IRI's path; None: not an entity."""
    if types & _SKIPPED_TYPES:
        return None
    for cls, name in ENTITY_TYPES:
        if cls in types:
            return name
    if node.startswith(str(ID)):
        return _TYPE_BY_PATH.get(node[len(str(ID)):].split("/", 1)[0])
    return None


def graph_from_triples(triples: Iterable[tuple[str, str, object]], keep: Iterable[str] | None = None,
                       ) -> nx.MultiDiGraph:
    """The graph :func:`to_networkx` makes of ``(subject, predicate, object)`` triples (IRIs as ``str``,
    literals as rdflib Literals), edges in the triples' order; ``keep``: only those nodes (and the
    edges between them). For a node to get its full attributes, the triples must hold its own, its
    evidence's and its documents' triples.

    >>> G = graph_from_triples(_triples(example_graph()), keep=["https://w3id.org/policykg/id/role/a"])
    >>> [(d["label"], d["type"]) for _, d in G.nodes(data=True)]
    [('书记', 'Role')]
    """
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    aliases: dict[str, set[str]] = defaultdict(set)
    attrs: dict[str, dict[str, Any]] = defaultdict(dict)
    edges: list[tuple[str, str, str]] = []
    evidence_of: dict[str, list[str]] = defaultdict(list)
    derived: dict[str, set[str]] = defaultdict(set)
    ev_props: dict[str, dict[str, Any]] = defaultdict(dict)
    docs: dict[str, dict[str, Any]] = defaultdict(dict)
    ev_p = _EVIDENCE_PROPERTIES
    for s, p, o in triples:
        if p == _TYPE:
            types[s].add(str(o))
        elif p == _LABEL:
            if s not in labels or (isinstance(o, Literal) and o.language == "zh"):
                labels[s] = str(o)
        elif p == _ALT_LABEL:
            aliases[s].add(str(o))
        elif p == _EVIDENCE:
            evidence_of[s].append(str(o))
        elif p == _DERIVED:
            derived[s].add(str(o))
        elif p in ev_p:
            ev_props[s][ev_p[p]] = int(o) if ev_p[p] != "sentence" else str(o)  # type: ignore[arg-type]
        elif p == _NAME:
            docs[s]["name"] = str(o)
        elif p == _SOURCE_PATH:
            docs[s].setdefault("paths", []).append(str(o))
        elif p == _AS_OF and isinstance(o, Literal):  # every date a post was seen held
            seen = attrs[s].setdefault("as_of_dates", [])
            seen.append(str(o))
            attrs[s]["as_of"] = max(seen)
        elif p == _CHANGE_KIND:  # a post change's kind: Appointed, Removed …
            attrs[s]["change_kind"] = _local(str(o))
        elif p in _ATTRIBUTES and isinstance(o, Literal):
            attrs[s][_ATTRIBUTES[p]] = _python(_ATTRIBUTES[p], o)
        elif isinstance(o, str):
            edges.append((s, p, o))

    def doc_name(doc: str) -> str:
        return docs.get(doc, {}).get("name", doc)

    def evidence(node: str) -> list[dict[str, Any]]:
        out = []
        for ev in sorted(set(evidence_of.get(node, ()))):
            props = ev_props.get(ev, {})
            doc = min(derived.get(ev, {""}))
            out.append({"sentence": props.get("sentence", ""), "start": props.get("start"),
                        "end": props.get("end"), "document": doc, "document_name": doc_name(doc),
                        "source_path": min(docs.get(doc, {}).get("paths", [""])), "iri": ev})
        return sorted(out, key=lambda e: (e["document_name"], e["start"] or 0))

    G = nx.MultiDiGraph()
    nodes = set(types) | set(labels) | {s for s, _, _ in edges} | {o for _, _, o in edges}
    if keep is not None:
        nodes &= set(keep)
    divisions = None
    for node in sorted(nodes):
        kind = _kind(node, types.get(node, set()))
        if kind is None:
            continue
        data: dict[str, Any] = {"type": kind, "label": labels.get(node, ""), "iri": node,
                                "types": sorted(_prefixed(t) for t in types.get(node, ())),
                                "aliases": sorted(aliases.get(node, set()) - {labels.get(node)}),
                                **attrs.get(node, {})}
        if kind == "Measure":
            data["kind"] = next((_MEASURE_KINDS[t] for t in sorted(types.get(node, ())) if t in _MEASURE_KINDS),
                                "Measure")
        if kind == "District":
            data.setdefault("adcode", _local(node))
            if not data["label"]:  # linked by IRI only: name it from the GB/T 2260 table
                if divisions is None:
                    from extractors.lexicons import admin_divisions

                    divisions = admin_divisions()
                division = divisions.get(data["adcode"])
                data["label"] = division.name if division is not None else data["adcode"]
        data["documents"] = sorted({doc_name(d) for d in derived.get(node, ())})
        data["evidence"] = evidence(node)
        if not data["label"]:
            data["label"] = data.get("as_written") or f"({kind} {_local(node)[:6]})"
        G.add_node(node, **data)
    for s, p, o in edges:
        if s in G and o in G:
            G.add_edge(s, o, key=_local(p), predicate=_prefixed(p))
    return G


def node_name(G: nx.MultiDiGraph, node: str) -> str:
    """A node's label, for display (its IRI if it has none).

    >>> node_name(to_networkx(example_graph()), "https://w3id.org/policykg/id/role/a")
    '书记'
    """
    return G.nodes[node].get("label") or node if node in G else node


def induced_subgraph(G: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of the subgraph of ``G`` on ``nodes``, its nodes and edges in ``G``'s order (whatever
    the order of ``nodes``: a picture drawn from it is the same in every run).

    >>> G = to_networkx(example_graph())
    >>> sub = induced_subgraph(G, {"https://w3id.org/policykg/id/role/a", "https://w3id.org/policykg/id/post/a"})
    >>> [(node_name(sub, u), k, node_name(sub, v)) for u, v, k in sub.edges(keys=True)]
    [('大足区委书记', 'role', '书记')]
    """
    keep = set(nodes)
    H = nx.MultiDiGraph()
    H.add_nodes_from((n, dict(d)) for n, d in G.nodes(data=True) if n in keep)
    H.add_edges_from((u, v, k, dict(d)) for u in H for v, keyed in G.succ[u].items() if v in keep
                     for k, d in keyed.items())
    return H


def neighbourhood(G: nx.MultiDiGraph, node: str, depth: int = 1, *,
                  skip_types: Iterable[str] = ("Role",)) -> nx.MultiDiGraph:
    """The subgraph of entities within ``depth`` relations of ``node``, in either direction.

    Nodes of ``skip_types`` are kept when adjacent to ``node`` but never walked through (a role such
    as 书记 links every secretary in the graph; default: only roles are skipped). On a store,
    :func:`kg.explore.scoped.neighbourhood_graph` gives the same graph without reading the whole.

    >>> G = to_networkx(example_graph())
    >>> sub = neighbourhood(G, "https://w3id.org/policykg/id/person/a", depth=2)
    >>> sorted(node_name(sub, n) for n in sub)
    ['中共重庆市大足区委员会', '书记', '大足区委书记', '张明远']
    """
    if node not in G:
        raise KeyError(f"{node} is not a node of the graph")
    skip = set(skip_types)
    seen = {node: 0}
    frontier = [node]
    for d in range(1, depth + 1):
        nxt = []
        for u in frontier:
            for v in set(G.successors(u)) | set(G.predecessors(u)):
                if v not in seen:
                    seen[v] = d
                    if G.nodes[v].get("type") not in skip:
                        nxt.append(v)
        frontier = nxt
    return induced_subgraph(G, seen)


def official_network(G: nx.MultiDiGraph, district: str) -> nx.Graph:
    """Who holds posts in the organizations serving ``district`` (a District node), as a graph.

    A bipartite :class:`networkx.Graph`: person nodes (``type`` Official or Person) and organization
    nodes, copied with their attributes from ``G``, and one edge per (person, organization) whose
    ``posts`` attribute lists the posts' labels.

    >>> G = to_networkx(example_graph())
    >>> N = official_network(G, "https://w3id.org/policykg/id/district/500111")
    >>> [(node_name(N, u), node_name(N, v), d["posts"]) for u, v, d in N.edges(data=True)]
    [('中共重庆市大足区委员会', '张明远', ['大足区委书记'])]
    """
    N = nx.Graph()
    orgs = [u for u in G.predecessors(district)
            if G.nodes[u]["type"] == "Organization" and "areaServed" in G[u][district]]
    for org in sorted(orgs):
        N.add_node(org, **G.nodes[org])
        for post in sorted(G.predecessors(org)):
            if G.nodes[post]["type"] != "Post" or "postIn" not in G[post][org]:
                continue
            for person in sorted(G.predecessors(post)):
                if "holds" in G[person][post]:
                    N.add_node(person, **G.nodes[person])
                    if N.has_edge(person, org):
                        N[person][org]["posts"].append(G.nodes[post]["label"])
                    else:
                        N.add_edge(person, org, posts=[G.nodes[post]["label"]])
    return N


def _mentions(text: str, G: nx.MultiDiGraph, node: str) -> bool:
    data = G.nodes[node]
    names = [data.get("label", ""), *data.get("aliases", ())]
    return any(n and n in text for n in names)


def edge_evidence(G: nx.MultiDiGraph, u: str, v: str) -> list[dict[str, Any]]:
    """The sentences that state the relation between ``u`` and ``v``.

    A post or an amount is itself the statement of its relations, so its own evidence is returned;
    otherwise the evidence of either end whose sentence names the other end (by label or alias).

    >>> G = to_networkx(example_graph())
    >>> [e["sentence"] for e in edge_evidence(G, "https://w3id.org/policykg/id/person/a",
    ...                                         "https://w3id.org/policykg/id/post/a")]
    ['大足区委书记张明远主持会议。']
    """
    for node in (v, u):
        if G.nodes[node].get("type") in ("Post", "Amount"):
            return list(G.nodes[node].get("evidence", []))
    seen: set[str] = set()
    out = []
    for node, other in ((u, v), (v, u)):
        for ev in G.nodes[node].get("evidence", []):
            if ev["iri"] not in seen and _mentions(ev["sentence"], G, other):
                seen.add(ev["iri"])
                out.append(ev)
    return out
