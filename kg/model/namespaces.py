"""Every vocabulary the graph uses, declared once.

``PKG`` is a :class:`rdflib.namespace.DefinedNamespace`, so a misspelt term raises
``AttributeError`` instead of silently minting a new IRI. Each term here is documented in
``kg/model/ontology.ttl`` (a test checks that the two agree).
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = ["ID", "ORG", "PKG", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "XSD", "bind_prefixes"]

SCHEMA = SDO  # https://schema.org/
ID = Namespace("https://w3id.org/policykg/id/")


class PKG(DefinedNamespace):
    """The PolicyKG ontology: https://w3id.org/policykg/ontology#"""

    _NS = Namespace("https://w3id.org/policykg/ontology#")
    _fail = True

    # classes
    Official: URIRef
    Document: URIRef
    PolicyMeasure: URIRef
    Program: URIRef
    PolicyDocument: URIRef
    Plan: URIRef
    Agreement: URIRef
    Campaign: URIRef
    ProjectList: URIRef
    Project: URIRef
    Evidence: URIRef
    Meeting: URIRef
    ProjectBatch: URIRef
    AmountKind: URIRef
    FundingKind: URIRef
    # amount kinds (pkg:AmountKind individuals)
    SubsidyOrAward: URIRef
    BudgetOrFund: URIRef
    Investment: URIRef
    Financing: URIRef
    OutputOrRevenue: URIRef
    ContractValue: URIRef
    Threshold: URIRef
    RatePerUnit: URIRef
    OtherAmount: URIRef
    # properties
    adminCode: URIRef
    sha256: URIRef
    issuedBy: URIRef
    locatedIn: URIRef
    funding: URIRef
    approximate: URIRef
    purpose: URIRef
    asWritten: URIRef
    evidence: URIRef
    sentence: URIRef
    startOffset: URIRef
    endOffset: URIRef
    sourcePath: URIRef
    orgKind: URIRef
    party: URIRef
    chairedBy: URIRef
    attendee: URIRef
    versionOf: URIRef
    asOf: URIRef
    implements: URIRef
    partnerOf: URIRef
    perUnit: URIRef
    operator: URIRef
    plannedCompletion: URIRef
    amountKind: URIRef
    documentNumber: URIRef
    # post changes (任免)
    PostChange: URIRef
    ChangeKind: URIRef
    Appointed: URIRef
    Removed: URIRef
    Elected: URIRef
    Resigned: URIRef
    Nominated: URIRef
    changeKind: URIRef
    person: URIRef
    post: URIRef


#: The project's prefixes as plain IRI strings: the one map every query, export and display uses.
PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "prov": str(PROV),
    "pkg": "https://w3id.org/policykg/ontology#",
    "id": str(ID),
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset (used by every export)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, URIRef(str(ns)), override=True)


def sparql_prologue() -> str:
    """The ``PREFIX`` lines for every namespace above, for queries written by users."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
