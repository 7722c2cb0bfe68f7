"""The data model (bottom layer): typed facts, namespaces, deterministic IRIs, the ontology and
SHACL shapes (``ontology.ttl``, ``shapes.ttl`` beside this file). Imports nothing else of the project."""

from pathlib import Path

from kg.model.facts import DocumentFacts, Evidence
from kg.model.iris import document_iri
from kg.model.namespaces import ID, ORG, PKG, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, bind_prefixes

ONTOLOGY_FILE = Path(__file__).with_name("ontology.ttl")  # every pkg: term, documented
SHAPES_FILE = Path(__file__).with_name("shapes.ttl")  # the data contract as SHACL shapes

__all__ = [
           "ID",
           "ONTOLOGY_FILE",
           "ORG",
           "PKG",
           "PREFIXES",
           "PROV",
           "RDF",
           "RDFS",
           "SCHEMA",
           "SHAPES_FILE",
           "SKOS",
           "XSD",
           "DocumentFacts",
           "Evidence",
           "bind_prefixes",
           "document_iri",
]
