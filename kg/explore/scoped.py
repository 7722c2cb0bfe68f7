"""Scoped exploration: ask the store for what one question needs, not the whole graph.

:func:`kg.explore.network.to_networkx` reads every triple, so anything built on it costs time
linear in the store's size. The helpers here query the store (a
:class:`kg.store.knowledge_store.KnowledgeStore`, Oxigraph) with SPARQL, one hop at a time for a
batch of entities (``VALUES``), and return small networkx graphs whose nodes, attributes and
edges are those of the whole graph (:func:`entity_graph`), so :func:`kg.explore.describe.describe`,
:func:`kg.explore.network.shortest_connection`, :mod:`kg.explore.viz` … work on them unchanged.
Their time depends on the neighbourhood asked for, not on the store.

- :func:`neighbours` — the entities one relation away from some entities, either direction;
- :func:`entity_graph` — the subgraph of given entities, with all their attributes;
- :func:`neighbourhood_graph` — an entity and what lies within ``depth`` relations of it;
- :func:`describe_graph` — what :func:`kg.explore.describe.describe` reads about an entity;
- :func:`official_graph` — a district, the organizations serving it, their posts and holders;
- :func:`shortest_path` — a bidirectional breadth-first search between two entities, bounded in depth;
- :func:`kg.explore.names.name_graph` — the entities a name could mean, to resolve it.

>>> store = example_store()
>>> zhang = "https://w3id.org/policykg/id/person/a"
>>> sorted(d["label"] for _, d in neighbourhood_graph(store, zhang, depth=2).nodes(data=True))
['中共重庆市大足区委员会', '书记', '大足区委书记', '张明远']
>>> store.close()
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.explore.network import NOT_EDGES, _kind, example_graph, graph_from_triples
from kg.explore.paths import bidirectional_path
from kg.model.iris import document_iri
from kg.model.namespaces import ORG, PKG, PROV, SCHEMA
from kg.store.knowledge_store import KnowledgeStore
from kg.store.terms import from_ox

__all__ = ["describe_graph", "entity_graph", "example_store", "neighbourhood_graph",
           "neighbours", "official_graph", "shortest_path"]

#: Entities per ``VALUES`` block: large enough for few queries, small enough to parse fast.
BATCH = 256
#: How many relations :func:`shortest_path` looks through by default (the seed graph is 14 across).
MAX_PATH_DEPTH = 16
# Nodes that state a relation between others (a post: person–role–organization; a change: person–post):
# describe() reads their neighbours too.
_STATEMENTS = frozenset({"Post", "PostChange"})
_EDGE_FILTER = "?p NOT IN (" + ", ".join(f"<{p}>" for p in sorted(NOT_EDGES)) + ")"
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def example_store(path: str | Path | None = None) -> KnowledgeStore:
    """A writable store (in a new temporary folder unless ``path``) holding
    :func:`kg.explore.network.example_graph` as one document, for examples and tests.

    >>> store = example_store()
    >>> len(store.union_triples())
    27
    >>> store.close()
    """
    where = Path(path) if path is not None else Path(tempfile.mkdtemp(prefix="policykg-example-")) / "store"
    store = KnowledgeStore(where)
    store.replace_document(document_iri("e" * 64), example_graph())
    return store


# ------------------------------------------------------------------------------------------ queries
def _iri_list(nodes: Iterable[str]) -> str:
    return " ".join(f"<{n}>" for n in nodes)


def _batches(nodes: Collection[str]) -> Iterator[list[str]]:
    """``nodes`` that can be written as IRIs, sorted, in blocks of :data:`BATCH`."""
    good = sorted(n for n in set(nodes) if n and not _IRI_FORBIDDEN.search(n))
    for i in range(0, len(good), BATCH):
        yield good[i:i + BATCH]


def _select(store: KnowledgeStore, query: str) -> Iterator[Any]:
    # pyoxigraph directly, not kg.query.sparql.run_query: these queries are ours (no user text to
    # check), and its parse-and-check costs more than the query itself
    return iter(store.ox.query(query))  # type: ignore[arg-type]


def _term(term: Any) -> object:
    """An Oxigraph term as :func:`kg.explore.network.graph_from_triples` takes it."""
    return term.value if isinstance(term, ox.NamedNode) else from_ox(term)


def _kinds(store: KnowledgeStore, nodes: Collection[str], known: dict[str, str | None]) -> dict[str, str | None]:
    """The type name of each of ``nodes`` (None: not an entity), asked once per node into ``known``."""
    todo = [n for n in nodes if n not in known]
    classes: dict[str, set[str]] = {n: set() for n in todo}
    for batch in _batches(todo):
        for row in _select(store, f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {_iri_list(batch)} }} ?x a ?t }}"):
            classes[row["x"].value].add(_term(row["t"]))  # type: ignore[arg-type]
    for n, ts in classes.items():
        known[n] = _kind(n, ts)
    return known


def neighbours(store: KnowledgeStore, nodes: Collection[str], *,
               kinds: dict[str, str | None] | None = None) -> dict[str, list[str]]:
    """The entities one relation away from each of ``nodes``, in either direction, sorted: what
    ``set(G.successors(n)) | set(G.predecessors(n))`` is on the whole graph. ``kinds`` caches the
    type name of every node seen (pass the same dict to walk further).

    >>> store = example_store()
    >>> near = neighbours(store, ["https://w3id.org/policykg/id/post/a"])
    >>> [n.rsplit("/id/", 1)[1] for n in near["https://w3id.org/policykg/id/post/a"]]
    ['org/a', 'person/a', 'role/a']
    >>> store.close()
    """
    kinds = {} if kinds is None else kinds
    found: dict[str, set[str]] = {n: set() for n in nodes}
    for batch in _batches(nodes):
        query = (f"SELECT DISTINCT ?x ?y WHERE {{ VALUES ?x {{ {_iri_list(batch)} }} "
                 f"{{ ?x ?p ?y }} UNION {{ ?y ?p ?x }} FILTER(isIRI(?y) && {_EDGE_FILTER}) }}")
        for row in _select(store, query):
            found[row["x"].value].add(row["y"].value)
    _kinds(store, {y for ys in found.values() for y in ys} | set(nodes), kinds)
    return {n: sorted(y for y in ys if kinds.get(y) is not None) for n, ys in found.items()}


def _walk(store: KnowledgeStore, start: str, depth: int, walk_on: Callable[[str | None, int], bool]) -> dict[str, int]:
    """Breadth-first from ``start``: every entity within ``depth`` relations, with its distance.
    A node found at distance ``d`` is walked on when ``walk_on(its type, d)``; ``start`` always is."""
    kinds: dict[str, str | None] = {}
    seen = {start: 0}
    frontier = [start]
    for d in range(1, depth + 1):
        if not frontier:
            break
        near = neighbours(store, frontier, kinds=kinds)
        nxt = []
        for u in frontier:
            for v in near[u]:
                if v not in seen:
                    seen[v] = d
                    if walk_on(kinds[v], d):
                        nxt.append(v)
        frontier = nxt
    return seen


# ------------------------------------------------------------------------------------------ subgraphs
def _subject_triples(store: KnowledgeStore, nodes: Collection[str]) -> list[tuple[str, str, object]]:
    """Every triple about ``nodes``, by subject, in the store's order (the whole graph's edge order)."""
    out = []
    for batch in _batches(nodes):
        for row in _select(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {_iri_list(batch)} }} ?s ?p ?o }}"):
            out.append((row["s"].value, row["p"].value, _term(row["o"])))
    return out


def _objects(store: KnowledgeStore, nodes: Collection[str], predicates: Iterable[str]) -> set[str]:
    """The IRIs that ``nodes`` point at by ``predicates``."""
    wanted = ", ".join(f"<{p}>" for p in predicates)
    out = set()
    for batch in _batches(nodes):
        query = (f"SELECT ?o WHERE {{ VALUES ?s {{ {_iri_list(batch)} }} ?s ?p ?o "
                 f"FILTER(isIRI(?o) && ?p IN ({wanted})) }}")
        out |= {row["o"].value for row in _select(store, query)}
    return out


def _evidence_triples(store: KnowledgeStore, nodes: Collection[str]) -> list[tuple[str, str, object]]:
    """The triples of the evidence and documents of ``nodes`` (sentences, offsets, document names)."""
    # three index lookups; one query joining them (UNION, property path) is planned far slower
    evidence = _objects(store, nodes, [str(PKG.evidence)])
    documents = _objects(store, set(nodes) | evidence, [str(PROV.wasDerivedFrom)])
    return _subject_triples(store, evidence | documents)


def _incoming_triples(store: KnowledgeStore, nodes: Collection[str]) -> list[tuple[str, str, object]]:
    """One relation pointing at each of ``nodes`` that has one: what makes an entity with no triples
    of its own (a district linked by IRI only) a node of the whole graph."""
    out = []
    for batch in _batches(nodes):
        query = (f"SELECT ?x (SAMPLE(?s) AS ?from) (SAMPLE(?p) AS ?by) WHERE {{ VALUES ?x {{ {_iri_list(batch)} }} "
                 f"?s ?p ?x FILTER(isIRI(?s) && {_EDGE_FILTER}) }} GROUP BY ?x")
        out += [(row["from"].value, row["by"].value, row["x"].value) for row in _select(store, query)
                if row["from"] is not None]
    return out


def entity_graph(store: KnowledgeStore, nodes: Iterable[str], *,
                 evidence: bool | Collection[str] = True) -> nx.MultiDiGraph:
    """The subgraph of ``nodes`` (entity IRIs; others are left out) and the relations between them,
    with the attributes :func:`kg.explore.network.to_networkx` gives them: equal to
    ``to_networkx(store).subgraph(nodes)``, read from the store in time that depends on ``nodes``
    only. ``evidence=False`` leaves the sentences and documents out (``[]``; quicker, for names);
    a collection of nodes: only theirs are read.

    >>> store = example_store()
    >>> G = entity_graph(store, ["https://w3id.org/policykg/id/person/a", "https://w3id.org/policykg/id/post/a"])
    >>> [(G.nodes[u]["label"], k, G.nodes[v]["label"]) for u, v, k in G.edges(keys=True)]
    [('张明远', 'holds', '大足区委书记')]
    >>> G.nodes["https://w3id.org/policykg/id/post/a"]["evidence"][0]["sentence"]
    '大足区委书记张明远主持会议。'
    >>> store.close()
    """
    wanted = set(nodes)
    triples = _subject_triples(store, wanted)
    if evidence:
        triples += _evidence_triples(store, wanted if evidence is True else wanted & set(evidence))
    G = graph_from_triples(triples, keep=wanted)
    bare = wanted - set(G)
    if bare:  # no triple of their own: nodes of the whole graph if some relation points at them
        incoming = _incoming_triples(store, bare)
        if incoming:
            G = graph_from_triples(triples + incoming, keep=wanted)
    return G


def neighbourhood_graph(store: KnowledgeStore, node: str, depth: int = 1, *,
                        skip_types: Iterable[str] = ("Role",)) -> nx.MultiDiGraph:
    """The entities within ``depth`` relations of ``node``, in either direction, read from the store:
    what :func:`kg.explore.network.neighbourhood` gives on the whole graph. Nodes of ``skip_types``
    are kept when reached but never walked through (a role such as 书记 links every secretary).
    Raises ``KeyError`` when ``node`` is not an entity of the store.

    >>> store = example_store()
    >>> G = neighbourhood_graph(store, "https://w3id.org/policykg/id/org/a")
    >>> sorted(d["type"] for _, d in G.nodes(data=True))
    ['District', 'Organization', 'Post']
    >>> store.close()
    """
    skip = set(skip_types)
    seen = _walk(store, node, depth, lambda kind, _: kind not in skip)
    G = entity_graph(store, seen)
    if node not in G:
        raise KeyError(f"{node} is not a node of the graph")
    return G


def describe_graph(store: KnowledgeStore, node: str) -> nx.MultiDiGraph:
    """All :func:`kg.explore.describe.describe` reads about ``node``: its neighbours, and around each
    post or post change among them the holder, role, organization and post (a person's timeline
    goes through a change to its post's role and organization: three relations). Only ``node`` and
    its neighbours carry their evidence and documents. Raises ``KeyError`` when ``node`` is not an
    entity of the store.

    >>> from kg.explore.describe import describe
    >>> store = example_store()
    >>> report = describe(describe_graph(store, "https://w3id.org/policykg/id/org/a"), "https://w3id.org/policykg/id/org/a")
    >>> [(s.relation, s.value, s.details) for s in report.statements]
    [('post', '大足区委书记', (('role', '书记'), ('holder', '张明远'))), ('serves', '大足区', ())]
    >>> store.close()
    """
    seen = _walk(store, node, 3, lambda kind, _: kind in _STATEMENTS)
    # describe reads the sentences of the entity and its neighbours only: an organization two
    # relations away may be named in every document of the store
    G = entity_graph(store, seen, evidence={n for n, d in seen.items() if d <= 1})
    if node not in G:
        raise KeyError(f"{node} is not a node of the graph")
    return G


def official_graph(store: KnowledgeStore, district: str) -> nx.MultiDiGraph:
    """``district``, the organizations serving it, their posts and the posts' holders: all that
    :func:`kg.explore.network.official_network` reads.

    >>> from kg.explore.network import official_network
    >>> store = example_store()
    >>> N = official_network(official_graph(store, "https://w3id.org/policykg/id/district/500111"),
    ...                      "https://w3id.org/policykg/id/district/500111")
    >>> [(N.nodes[u]["label"], N.nodes[v]["label"], d["posts"]) for u, v, d in N.edges(data=True)]
    [('中共重庆市大足区委员会', '张明远', ['大足区委书记'])]
    >>> store.close()
    """
    nodes = {district}
    if not _IRI_FORBIDDEN.search(district):
        query = (f"SELECT ?o ?post ?person WHERE {{ ?o <{SCHEMA.areaServed}> <{district}> "
                 f"OPTIONAL {{ ?post <{ORG.postIn}> ?o OPTIONAL {{ ?person <{ORG.holds}> ?post }} }} }}")
        for row in _select(store, query):
            nodes |= {t.value for t in (row["o"], row["post"], row["person"]) if isinstance(t, ox.NamedNode)}
    return entity_graph(store, nodes)


# ------------------------------------------------------------------------------------------ paths
def shortest_path(store: KnowledgeStore, source: str, target: str, *, max_depth: int | None = MAX_PATH_DEPTH,
                  skip_types: Iterable[str] = ("Role",)) -> list[str]:
    """The nodes of a shortest chain of relations from ``source`` to ``target``, ignoring direction:
    a breadth-first search from both ends (:func:`kg.explore.paths.bidirectional_path`; one
    ``VALUES`` query per batch of the smaller frontier) that stops at ``max_depth`` relations.
    Nodes of ``skip_types`` (default: roles) are not walked through. Of several shortest chains,
    the first by IRIs: the one :func:`kg.explore.paths.shortest_connection` finds on the whole graph.

    Raises :class:`networkx.NodeNotFound` when an end is not an entity of the store,
    :class:`kg.explore.paths.NoPathWithin` (a :class:`networkx.NetworkXNoPath`) when no chain of
    at most ``max_depth`` relations exists, :class:`networkx.NetworkXNoPath` when none does at all.

    >>> store = example_store()
    >>> [n.rsplit("/id/", 1)[1] for n in shortest_path(store, "https://w3id.org/policykg/id/person/a",
    ...                                                  "https://w3id.org/policykg/id/district/500111")]
    ['person/a', 'post/a', 'org/a', 'district/500111']
    >>> shortest_path(store, "https://w3id.org/policykg/id/person/a",
    ...               "https://w3id.org/policykg/id/district/500111", max_depth=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.explore.paths.NoPathWithin: no path of at most 2 relations between ...
    >>> store.close()
    """
    present = entity_graph(store, {source, target}, evidence=False)
    for end in (source, target):
        if end not in present:
            raise nx.NodeNotFound(f"{end} is not an entity of the store")
    skip = set(skip_types)
    kinds: dict[str, str | None] = {}
    return bidirectional_path(source, target, lambda front: neighbours(store, front, kinds=kinds),
                              passable=lambda v: kinds[v] not in skip, max_depth=max_depth)
