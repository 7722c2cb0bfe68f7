"""Query parameters as a user writes them (``district=重庆市``, ``min_amount=1e9``), checked against
the store before they are bound.

- A **bare name** (no quotes, not an IRI or a number) matches labels whatever their language tag:
  :func:`label_forms` finds every literal of the store with that text (``"重庆市"@zh`` …), and the
  variable is bound to each of them (:func:`kg.query.run_query`). When such a query finds nothing
  and the name is nowhere in the store, :func:`explain_unmatched` says so, with close names.
- A **typed parameter** of a saved query (``# param district (district): …``) must name exactly one
  entity of that kind (:func:`check_value`): ``no district named '火星区'; did you mean …``, or the
  candidates when the name is ambiguous; a ``number`` must be a number (``'一亿' is not a number:
  write 100000000``).

>>> bare_text("大足区"), bare_text('"大足区"@zh'), bare_text("district:500111"), bare_text("42")
('大足区', None, None, None)
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Identifier

from kg.query.lookup import ENTITY_KINDS, AmbiguousName, EntityNotFound, close_names, resolve_in_store
from kg.query.terms import ParamValue, QueryError, parse_term
from kg.store.knowledge_store import KnowledgeStore
from kg.store.terms import from_ox

__all__ = ["KINDS", "bare_text", "check_value", "explain_unmatched", "label_forms", "number_hint"]

#: Kinds a saved query's parameter may declare: entity kinds, ``number`` and ``text`` (anything).
KINDS = (*ENTITY_KINDS, "number", "text")
_NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short",
                                  "nonNegativeInteger", "positiveInteger")}
_LABELS = "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel>"


def bare_text(value: ParamValue) -> str | None:
    """The text of a parameter written as a bare name (a ``str`` that is not a quoted literal, an
    IRI, a prefixed name, a number or a boolean), else None. rdflib terms are never bare.

    >>> bare_text(Literal("大足区")), bare_text("true")
    (None, None)
    """
    if isinstance(value, Identifier) or not isinstance(value, str) or value.strip().startswith(('"', "<")):
        return None
    term = parse_term(value)
    if isinstance(term, Literal) and term.language is None and term.datatype is None:
        return str(term)
    return None


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a SPARQL string literal: JSON's escapes are SPARQL's


def label_forms(store: KnowledgeStore, text: str) -> tuple[Literal, ...]:
    """Every literal in ``store`` whose text is ``text``: a label or alias in any language, or the
    plain or ``@zh`` value of any property; empty when the store holds no such literal.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     label_forms(store, "大足区")
    ()
    """
    s = _string(text)
    rows = store.ox.query(f"""SELECT DISTINCT ?o WHERE {{
        {{ VALUES ?o {{ {s} {s}@zh }} FILTER EXISTS {{ ?x ?p ?o }} }}
        UNION {{ ?x {_LABELS} ?o FILTER(isLiteral(?o) && STR(?o) = {s}) }} }}""")
    forms = {from_ox(row["o"]) for row in rows}
    return tuple(sorted((f for f in forms if isinstance(f, Literal)), key=lambda t: (t.language or "", t.n3())))


def number_hint(text: str) -> str | None:
    """``text`` as a number in digits when it is an amount written in words (一亿, 200万元), else None.

    >>> number_hint("一亿"), number_hint("火星")
    ('100000000', None)
    """
    words = text.strip()
    if not words or words.isascii():
        return None
    from extractors.money import find_amounts  # only on this error path: it loads spaCy

    found = find_amounts(words if words.endswith("元") else words + "元")
    if len(found) == 1 and found[0].start == 0:
        value = found[0].value
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


def _number(name: str, value: ParamValue) -> Identifier:
    if isinstance(value, bool):
        raise QueryError(f"{name} must be a number, not {value!r}")
    if isinstance(value, int | float):
        return Literal(value)
    term = parse_term(value) if isinstance(value, str) else value
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC:
        return term
    text = str(value).strip()
    hint = number_hint(text) if isinstance(value, str) else None
    raise QueryError(f"{name} must be a number, not {text!r}" + (f": write {hint}" if hint else ""))


def check_value(store: KnowledgeStore, name: str, kind: str, value: ParamValue) -> Identifier:
    """``value`` as the term to bind for parameter ``name`` of ``kind`` (see :data:`KINDS`), after
    checking it: a number must be one; a district, organization or person must be named by exactly
    one entity of the store (its name, alias, adcode or IRI). Raises :class:`kg.query.sparql.QueryError`
    with what is wrong otherwise.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     check_value(store, "min_amount", "number", "1000000")
    rdflib.term.Literal('1000000', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if kind == "number":
        return _number(name, value)
    bare = bare_text(value)
    # a bare name is bound as a plain string (the saved queries compare STR), never as each label form
    term = Literal(bare) if bare is not None else value if isinstance(value, Identifier) else parse_term(str(value))
    if kind in ENTITY_KINDS:
        try:
            resolve_in_store(store, str(term), kind)
        except AmbiguousName as e:
            raise QueryError(f"{name}: {e}") from e
        except EntityNotFound as e:
            raise QueryError(str(e)) from e
    return term


def explain_unmatched(store: KnowledgeStore, unmatched: Mapping[str, str]) -> str:
    """Why a query with these bare-name parameters (``{variable: text}``, none of them in the
    store) found nothing: each name with close names of the store, or the number it spells."""
    labels: list[str] | None = None
    parts = []
    for var, text in sorted(unmatched.items()):
        hint = number_hint(text)
        if hint is not None:
            parts.append(f"?{var} is the text {text!r}, not a number: write {hint}")
            continue
        if labels is None:
            labels = [row["l"].value for row in store.ox.query(
                f"SELECT DISTINCT ?l WHERE {{ ?x {_LABELS} ?l FILTER(isLiteral(?l)) }}")]
        close = close_names(text, labels)
        parts.append(f"nothing in the store is named {text!r} (?{var})"
                     + (f"; did you mean: {', '.join(close)}?" if close else ""))
    return "no results: " + "; ".join(parts)
