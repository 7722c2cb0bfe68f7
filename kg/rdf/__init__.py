"""Facts → RDF (layer above :mod:`extractors`): one rdflib graph per document with deterministic
IRIs (:mod:`kg.rdf.facts_to_rdf`), and N-Quads addressing for bulk loads (:mod:`kg.rdf.nquads`)."""

from kg.rdf.facts_to_rdf import document_graph
from kg.rdf.nquads import nquads_of

__all__ = ["document_graph", "nquads_of"]
