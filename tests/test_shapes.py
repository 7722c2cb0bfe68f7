"""kg/model/shapes.ttl encodes the data contract; the seed build conforms to it."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib import Literal, URIRef
from test_graph import ORIGINAL, SHA, sample_facts

from kg.ingest.normalize import normalize
from kg.model import SHAPES_FILE
from kg.model.namespaces import PKG, PROV, RDF, RDFS, SCHEMA, XSD
from kg.rdf.facts_to_rdf import DocumentMeta, document_graph
from kg.store.export import serialize
from kg.store.knowledge_store import KnowledgeStore

SHAPES = SHAPES_FILE
ID = "https://w3id.org/policykg/id/"


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


def validate(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True)
    return conforms, text


def union_graph(store_path: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    with KnowledgeStore(store_path, read_only=True) as store:
        g.parse(data=b"".join(serialize(store, "nt")), format="nt")
    return g


def test_seed_build_conforms(seed_build, shapes):
    conforms, text = validate(union_graph(seed_build.store), shapes)
    assert conforms, text[:3000]


def test_hand_built_document_conforms(shapes):
    normalized = normalize(ORIGINAL)
    meta = DocumentMeta(name="t.txt", sha256=SHA, path="/t.txt", date="2023-01-04")
    conforms, text = validate(document_graph(meta, normalized, sample_facts(normalized)), shapes)
    assert conforms, text[:3000]


def amount(g: rdflib.Graph, **values) -> URIRef:
    doc = URIRef(ID + "doc/" + "0" * 16)
    g.add((doc, RDF.type, PKG.Document))
    g.add((doc, PKG.sha256, Literal("0" * 64)))
    g.add((doc, SCHEMA.name, Literal("x.txt")))
    a = URIRef(ID + "amount/0000000000000001")
    ev = URIRef(ID + "evidence/0000000000000001")
    g.add((ev, RDF.type, PKG.Evidence))
    g.add((ev, PKG.sentence, Literal("句子。", lang="zh")))
    g.add((ev, PKG.startOffset, Literal(0)))
    g.add((ev, PKG.endOffset, Literal(3)))
    g.add((ev, PROV.wasDerivedFrom, doc))
    g.add((a, RDF.type, SCHEMA.MonetaryAmount))
    g.add((a, PKG.asWritten, Literal("200万元", lang="zh")))
    g.add((a, PKG.evidence, ev))
    g.add((a, PROV.wasDerivedFrom, doc))
    values.setdefault("amountKind", PKG.Investment)
    for key, v in values.items():
        if v is not None:
            g.add((a, PKG.amountKind if key == "amountKind" else SCHEMA[key], v))
    return a


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ({"currency": Literal("CNY"), "value": Literal("2000000", datatype=XSD.decimal)}, True),
        # a foreign amount keeps its own currency code; a currency that is not an ISO code fails
        ({"currency": Literal("USD"), "value": Literal("2000000", datatype=XSD.decimal)}, True),
        ({"currency": Literal("美元"), "value": Literal("2000000", datatype=XSD.decimal)}, False),
        # every amount says what kind of money it is, with a documented kind
        ({"currency": Literal("CNY"), "value": Literal("1", datatype=XSD.decimal), "amountKind": None}, False),
        ({"currency": Literal("CNY"), "value": Literal("1", datatype=XSD.decimal),
          "amountKind": PKG.Threshold}, True),
        ({"currency": Literal("CNY"), "value": Literal("1", datatype=XSD.decimal),
          "amountKind": PKG.Project}, False),
        # a vague amount (数十亿元) states both bounds
        ({"currency": Literal("CNY"), "minValue": Literal("2000000000", datatype=XSD.decimal),
          "maxValue": Literal("9000000000", datatype=XSD.decimal)}, True),
        ({"value": Literal("2000000", datatype=XSD.decimal)}, False),
        ({"currency": Literal("CNY")}, False),
        (
            {
                "currency": Literal("CNY"),
                "value": Literal("1", datatype=XSD.decimal),
                "maxValue": Literal("2", datatype=XSD.decimal),
            },
            False,
        ),
    ],
)
def test_monetary_amount_shape(shapes, values, ok):
    g = rdflib.Graph()
    amount(g, **values)
    assert validate(g, shapes)[0] is ok


def test_district_code_and_measure_class(shapes):
    g = rdflib.Graph()
    d = URIRef(ID + "district/500111")
    g.add((d, RDF.type, SCHEMA.AdministrativeArea))
    g.add((d, RDFS.label, Literal("大足区", lang="zh")))
    g.add((d, PKG.adminCode, Literal("50011")))
    assert not validate(g, shapes)[0]
    g.set((d, PKG.adminCode, Literal("500111")))
    assert validate(g, shapes)[0]
    m = URIRef(ID + "measure/0000000000000001")
    g.add((m, RDF.type, PKG.PolicyMeasure))
    g.add((m, RDFS.label, Literal("鸿雁计划", lang="zh")))
    g.add((m, PROV.wasDerivedFrom, URIRef(ID + "doc/0000000000000000")))
    g.add((URIRef(ID + "doc/0000000000000000"), RDF.type, PKG.Document))
    g.add((URIRef(ID + "doc/0000000000000000"), PKG.sha256, Literal("0" * 64)))
    g.add((URIRef(ID + "doc/0000000000000000"), SCHEMA.name, Literal("x.txt")))
    assert not validate(g, shapes)[0]  # no specific class
    g.add((m, RDF.type, PKG.Program))
    assert validate(g, shapes)[0]
    g.add((m, RDF.type, PKG.Plan))
    assert not validate(g, shapes)[0]  # two specific classes


def test_post_needs_role_source_and_label(shapes):
    g = rdflib.Graph()
    post = URIRef(ID + "post/0000000000000001")
    g.add((post, RDF.type, URIRef("http://www.w3.org/ns/org#Post")))
    conforms, text = validate(g, shapes)
    assert not conforms
    for needle in ("exactly one org:role", "document(s)", "labelled", "sentence", "held by a person"):
        assert needle in text
