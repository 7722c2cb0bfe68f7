"""The SPARQL updates that write one document: its named graph and its share of the union.

The union of the document graphs is kept materialized in the default graph (see
:mod:`kg.store.knowledge_store`), so every write to a named graph updates the union too.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.model.namespaces import PKG

__all__ = ["add_path_ops", "remove_ops", "remove_path_ops", "replace_ops"]


def _forget_from_union(graph: str) -> str:
    """SPARQL that removes from the union the triples only ``graph`` states."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {graph}) }} }}")


def replace_ops(doc_iri: URIRef, graph: Graph | str) -> list[str]:
    """SPARQL update operations that replace the named graph ``doc_iri`` by ``graph`` (an rdflib
    graph, or its triples already serialized as N-Triples)."""
    g = f"<{doc_iri}>"
    body = graph if isinstance(graph, str) else graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return [_forget_from_union(g), f"DROP SILENT GRAPH {g}",
            f"INSERT DATA {{ GRAPH {g} {{\n{body}}} }}", f"INSERT DATA {{\n{body}}}"]


def remove_ops(doc_iri: URIRef) -> list[str]:
    """SPARQL update operations that delete a document's graph and its share of the union."""
    g = f"<{doc_iri}>"
    return [_forget_from_union(g), f"DROP SILENT GRAPH {g}"]


def _path_triple(doc_iri: URIRef, path: str) -> str:
    # ox.Literal's N-Triples form escapes quotes, backslashes and newlines of any path
    return f"<{doc_iri}> <{PKG.sourcePath}> {ox.Literal(path)}"


def add_path_ops(doc_iri: URIRef, path: str) -> list[str]:
    """SPARQL update operations recording that ``doc_iri`` was read from ``path``."""
    t = _path_triple(doc_iri, path)
    return [f"INSERT DATA {{ GRAPH <{doc_iri}> {{ {t} }} {t} }}"]


def remove_path_ops(doc_iri: URIRef, path: str) -> list[str]:
    """SPARQL update operations forgetting that ``doc_iri`` was read from ``path``."""
    t = _path_triple(doc_iri, path)
    return [f"DELETE DATA {{ GRAPH <{doc_iri}> {{ {t} }} {t} }}"]
