"""rdflib terms ⇄ Oxigraph terms (the store speaks Oxigraph, the rest of the project rdflib), and
Oxigraph triples as the N-Triples text the store hands out and rewrites."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier, Node

__all__ = ["from_ox", "ntriples", "to_ox"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term.

    >>> to_ox(Literal("大足区", lang="zh"))
    <Literal value=大足区 language=zh>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: object) -> Identifier | None:
    """An Oxigraph term as an rdflib term (``None`` stays ``None``: an unbound variable).

    >>> from_ox(ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdflib.term.Literal('5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)  # rdflib's plain literal, so terms compare equal both ways
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported Oxigraph term: {term!r}")


def ntriples(triples: Iterable[ox.Triple]) -> str:
    """Oxigraph triples as N-Triples text, one line each, sorted (the same graph, the same text).

    >>> ntriples([ox.Triple(ox.NamedNode("http://a"), ox.NamedNode("http://p"), ox.Literal("x"))])
    '<http://a> <http://p> "x" .\\n'
    """
    return "".join(sorted(f"{t} .\n" for t in triples))
