"""Names to entities inside the store: the entities a name could mean, as a small graph on which
:func:`kg.query.lookup.resolve_entity` answers as it does on the whole graph (:func:`name_graph`).

>>> from kg.explore.scoped import example_store
>>> from kg.query.lookup import resolve_entity
>>> store = example_store()
>>> resolve_entity(name_graph(store, "大足区委"), "大足区委")
'https://w3id.org/policykg/id/org/a'
>>> store.close()
"""

from __future__ import annotations

import functools
import re

import networkx as nx
from rdflib import Literal

from kg.explore.network import ENTITY_TYPES
from kg.explore.scoped import _select, entity_graph
from kg.model.namespaces import ID, PKG, RDFS, SKOS, expand_iri
from kg.query.lookup import find_entities
from kg.store.knowledge_store import KnowledgeStore

__all__ = ["name_graph"]

_NAME_PREDICATES = " ".join(f"<{p}>" for p in (RDFS.label, SKOS.altLabel, PKG.asWritten, PKG.adminCode))
_PLACEHOLDER = re.compile(r"[()A-Za-z0-9 ]+")  # what the name given to an unlabelled entity is made of


@functools.cache
def _divisions() -> tuple[tuple[str, str], ...]:
    from extractors.lexicons import admin_divisions

    return tuple((code, d.name) for code, d in admin_divisions().items())


def _named(store: KnowledgeStore, condition: str) -> set[str]:
    """Entities with a label, alias, written amount or adcode whose text meets ``condition`` (on ``?n``)."""
    query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?p {{ {_NAME_PREDICATES} }} ?x ?p ?n "
             f"FILTER(isIRI(?x) && ({condition})) }}")
    return {row["x"].value for row in _select(store, query)}


def _exactly_named(store: KnowledgeStore, name: str) -> set[str]:
    """Entities with ``name`` as a label or alias (in Chinese, English or no language) or adcode:
    index lookups, no scan."""
    forms = " ".join(Literal(name, lang=lang).n3() for lang in ("zh", "en")) + " " + Literal(name).n3()
    query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?n {{ {forms} }} VALUES ?p {{ <{RDFS.label}> <{SKOS.altLabel}> "
             f"<{PKG.adminCode}> }} ?x ?p ?n FILTER(isIRI(?x)) }}")
    return {row["x"].value for row in _select(store, query)}


def _ending_with(store: KnowledgeStore, name: str, kinds: set[str]) -> set[str]:
    """Entities of ``kinds`` (type names) with a label or alias ending with ``name``: a scan of
    the names of those kinds only."""
    classes = " ".join(f"<{cls}>" for cls, kind in ENTITY_TYPES if kind in kinds)
    out = {f"{ID}district/{code}" for code, n in _divisions() if n.endswith(name)} if "District" in kinds else set()
    if classes:
        query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {classes} }} ?x a ?c . {{ ?x <{RDFS.label}> ?n }} "
                 f"UNION {{ ?x <{SKOS.altLabel}> ?n }} FILTER(isIRI(?x) && STRENDS(STR(?n), {Literal(name).n3()})) }}")
        out |= {row["x"].value for row in _select(store, query)}
    return out


def _unlabelled(store: KnowledgeStore) -> set[str]:
    """Entities with a class but no label nor written amount: the graph names them "(Measure 1a2b3c)"."""
    query = (f"SELECT DISTINCT ?x WHERE {{ ?x a ?t FILTER(isIRI(?x) && STRSTARTS(STR(?x), {Literal(str(ID)).n3()})) "
             f"FILTER NOT EXISTS {{ ?x <{RDFS.label}> ?l }} FILTER NOT EXISTS {{ ?x <{PKG.asWritten}> ?w }} }}")
    return {row["x"].value for row in _select(store, query)}


def _contains(text: str) -> str:
    return f"CONTAINS(STR(?n), {Literal(text).n3()})"


def name_graph(store: KnowledgeStore, name: str, *, types: set[str] | None = None) -> nx.MultiDiGraph:
    """The entities ``name`` could mean, as a graph (attributes without evidence) on which
    :func:`kg.query.lookup.find_entities` and :func:`kg.query.lookup.resolve_entity` answer as they
    do on the whole graph: the entity an IRI or adcode names; else those whose label or alias is
    ``name`` (found by index) and the others of their kind whose names end with it (a short form
    several share is ambiguous); else those whose label, alias or written amount contains ``name``;
    else those sharing a character with it (for "did you mean"). Districts linked by IRI only are
    found by their name in the GB/T 2260 table. Names are scanned inside the store, never in Python.

    >>> from kg.explore.scoped import example_store
    >>> store = example_store()
    >>> [m.label for m in find_entities(name_graph(store, "大足"), "大足")]
    ['大足区', '中共重庆市大足区委员会', '大足区委书记']
    >>> [m.label for m in find_entities(name_graph(store, "张明圆"), "张明圆")]
    ['张明远']
    >>> store.close()
    """
    name = name.strip()
    if not name:
        return nx.MultiDiGraph()
    by_iri = {f"{ID}district/{name}"}  # a district's adcode is its IRI's last segment
    iri = expand_iri(name) or name
    if ":" in iri:
        by_iri.add(iri)
    # the usual case first, by index: the name is a label, an alias or an adcode
    G = entity_graph(store, _exactly_named(store, name) | by_iri, evidence=False)
    found = find_entities(G, name, types=types, limit=len(G) or 1)
    if found and found[0].how == "iri":
        return G
    if found and found[0].how in ("label", "alias"):  # and the longer names of its kind ending with it
        return entity_graph(store, set(G) | _ending_with(store, name, {m.type for m in found}), evidence=False)
    candidates = _named(store, _contains(name)) | by_iri | {f"{ID}district/{code}" for code, n in _divisions()
                                                          if name in n}
    if _PLACEHOLDER.fullmatch(name) and not name.isdigit():  # an adcode is digits: no scan for it
        candidates |= _unlabelled(store)
    G = entity_graph(store, candidates, evidence=False)
    found = find_entities(G, name, types=types, limit=1)
    if found and found[0].how != "similar":  # exact and substring matches all lie among these
        return G
    chars = sorted(set(name))  # difflib finds no likeness without a shared character
    near = _named(store, " || ".join(_contains(c) for c in chars))
    near |= {f"{ID}district/{code}" for code, n in _divisions() if set(n) & set(chars)}
    if any(_PLACEHOLDER.fullmatch(c) for c in chars):
        near |= _unlabelled(store)
    return entity_graph(store, near | by_iri, evidence=False)
