"""kg/model/ontology.ttl documents every pkg: term, and the graph uses no undocumented one."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL

from kg.model import ONTOLOGY_FILE
from kg.model.namespaces import PKG, RDF, RDFS

ONTOLOGY = ONTOLOGY_FILE


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def declared_terms() -> set[rdflib.URIRef]:
    return {PKG[name] for name in PKG.__annotations__}


def documented(ontology: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(PKG._NS))}


def test_every_namespace_term_is_documented(ontology):
    for term in declared_terms():
        assert (term, RDF.type, None) in ontology, term
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term


def test_every_documented_term_is_declared_or_minted_by_the_graph(ontology):
    known = declared_terms()
    assert documented(ontology) <= known


def test_term_kinds(ontology):
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    assert PKG.PolicyMeasure in classes and PKG.Official in classes
    for specific in (PKG.Program, PKG.PolicyDocument, PKG.Plan, PKG.Agreement, PKG.Campaign, PKG.ProjectList):
        assert (specific, RDFS.subClassOf, PKG.PolicyMeasure) in ontology
    assert (PKG.funding, RDF.type, OWL.ObjectProperty) in ontology
    assert (PKG.adminCode, RDF.type, OWL.DatatypeProperty) in ontology


def test_seed_graph_uses_only_documented_terms(seed_build, ontology):
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(seed_build.store, read_only=True) as store:
        used = {
            term
            for q in store.quads()
            for term in (q.predicate, q.object)
            if hasattr(term, "value") and str(term.value).startswith(str(PKG._NS))
        }
    terms = {rdflib.URIRef(t.value) for t in used}
    assert terms and terms <= documented(ontology), terms - documented(ontology)
