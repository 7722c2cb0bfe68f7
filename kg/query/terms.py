"""Parameter values as RDF terms, and the error every query module raises.

A value is written as in Turtle (``"大足区"@zh``, ``district:500111``, ``<iri>``, ``42``); anything
else is a plain string literal.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Identifier
from rdflib.util import from_n3

from kg.model.namespaces import PREFIXES, bind_prefixes

__all__ = ["ParamValue", "ParamValues", "QueryError", "QueryTimeout", "parse_term"]

_PREFIXES = dict(PREFIXES)
_LITERAL_RE = re.compile(r'^"(?:[^"\\]|\\.)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?$')

ParamValue = Identifier | str | int | float | bool
#: A parameter's value, or several (a tuple): the variable is then bound to each in turn.
ParamValues = ParamValue | tuple[ParamValue, ...]


class QueryError(ValueError):
    """The query was refused or failed; the message is meant for the user."""


class QueryTimeout(QueryError):
    """The query ran past its deadline and was abandoned."""


def _namespace_manager() -> NamespaceManager:
    g = Graph(bind_namespaces="none")
    bind_prefixes(g)
    return g.namespace_manager


def parse_term(text: str) -> Identifier:
    """An RDF term written in Turtle syntax; anything else is a plain string literal.

    >>> parse_term('"大足区"@zh')
    rdflib.term.Literal('大足区', lang='zh')
    >>> parse_term("district:500111") == parse_term("id:district/500111")
    True
    >>> parse_term("district:500111")
    rdflib.term.URIRef('https://w3id.org/policykg/id/district/500111')
    >>> parse_term("<https://schema.org/Person>")
    rdflib.term.URIRef('https://schema.org/Person')
    >>> parse_term("42").toPython(), parse_term("张明远")
    (42, rdflib.term.Literal('张明远'))
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    prefix, colon, local = text.partition(":")
    if colon and prefix in _PREFIXES and " " not in text:
        return URIRef(_PREFIXES[prefix] + local)
    if text.startswith('"') and not _LITERAL_RE.match(text):
        raise QueryError(f"cannot read {text!r} as an RDF literal (write \"text\"@zh or \"text\"^^xsd:type)")
    if text.startswith('"') or text in ("true", "false") or _is_number(text):
        try:
            term = from_n3(text, nsm=_namespace_manager())
        except Exception as e:  # rdflib raises bare Exceptions for bad N3
            raise QueryError(f"cannot read {text!r} as an RDF term: {e}") from None
        if isinstance(term, Identifier):
            return term
    return Literal(text)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text[:1].isdigit() or text[:1] in "+-."


def _term(value: ParamValue) -> Identifier:
    if isinstance(value, Identifier):
        return value
    if isinstance(value, bool | int | float):
        return Literal(value)
    return parse_term(value)
