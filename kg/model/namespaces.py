"""Every vocabulary the graph uses, declared once.

``PKG`` is a :class:`rdflib.namespace.DefinedNamespace`, so a misspelt term raises
``AttributeError`` instead of silently minting a new IRI. Each term here is documented in
``kg/model/ontology.ttl`` (a test checks that the two agree).
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import ORG, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = ["ENTITY_PREFIXES", "ID", "ORG", "PKG", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA", "SKOS", "XSD",
           "bind_prefixes", "expand_iri", "sparql_iri"]

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
    # cross-document entity resolution
    EntityMerge: URIRef
    mergedInto: URIRef
    mergedIRI: URIRef
    statedName: URIRef


#: One prefix per kind of node (prefix → the IRI's path segment under ``ID``), so every IRI the graph
#: mints has a prefixed name a query accepts: ``district:500111`` (``id:district/500111`` is not
#: SPARQL: a local name cannot hold "/"). Organizations are ``organization:``, since ``org:`` is W3C ORG.
ENTITY_PREFIXES: dict[str, str] = {
    "district": "district", "person": "person", "organization": "org", "post": "post", "role": "role",
    "measure": "measure", "project": "project", "amount": "amount", "meeting": "meeting",
    "change": "change", "evidence": "evidence", "doc": "doc", "merge": "merge",
}

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
    **{prefix: f"{ID}{segment}/" for prefix, segment in ENTITY_PREFIXES.items()},
}


def bind_prefixes(graph) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset (used by every export)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, URIRef(str(ns)), override=True)


def sparql_prologue() -> str:
    """The ``PREFIX`` lines for every namespace above, for queries written by users."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


# Longest namespace first, so district: wins over id: for a district's IRI.
_BY_LENGTH = sorted(((str(ns), p) for p, ns in PREFIXES.items()), key=lambda t: -len(t[0]))
# A local name that needs no escaping in SPARQL and Turtle (PN_LOCAL without "\\" or "%").
_LOCAL_NAME = re.compile(r"(?:[\w](?:[\w.-]*[\w-])?)?", re.ASCII)


def sparql_iri(iri: str) -> str:
    """``iri`` as a query accepts it: a prefixed name when one fits, else ``<iri>``.

    >>> sparql_iri("https://w3id.org/policykg/id/district/500111")
    'district:500111'
    >>> sparql_iri("https://w3id.org/policykg/ontology#Official"), sparql_iri("http://example.org/a b")
    ('pkg:Official', '<http://example.org/a b>')
    """
    for ns, prefix in _BY_LENGTH:
        if iri.startswith(ns) and _LOCAL_NAME.fullmatch(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def expand_iri(text: str) -> str | None:
    """The full IRI ``text`` names (``district:500111``, ``id:district/500111``, ``<…>``), or None.

    >>> expand_iri("organization:0512ca1c31e90f82")
    'https://w3id.org/policykg/id/org/0512ca1c31e90f82'
    >>> expand_iri("id:district/500111"), expand_iri("大足区")
    ('https://w3id.org/policykg/id/district/500111', None)
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://")):
        return text
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and " " not in text:
        return f"{PREFIXES[prefix]}{local}"
    return None
