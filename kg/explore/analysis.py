"""Questions a researcher asks of the graph, answered as plain lists of dicts.

Each function runs one of the saved queries (:mod:`kg.query.saved`) with its parameters bound
as RDF terms and returns rows as ``dict`` s of Python values (``str``, ``int``, ``Decimal`` …;
``None`` where a value is unbound), ready for ``pandas.DataFrame(rows)``. A name that no
district, organization or person of the store has (or that several have) is a
:class:`kg.query.sparql.QueryError` saying so, never an empty list.

>>> import tempfile, pathlib
>>> from kg.store.knowledge_store import KnowledgeStore
>>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
...     officials_of_district(store, "大足区")
Traceback (most recent call last):
...
kg.query.terms.QueryError: no district named '大足区'
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal

from kg.query.saved import run_saved
from kg.query.sparql import QueryResult
from kg.store.knowledge_store import KnowledgeStore

__all__ = [
    "agreements",
    "funding_amounts",
    "funding_by_district",
    "measures_of_district",
    "meeting_cooccurrence",
    "officials_of_district",
    "officials_of_organization",
    "records",
]


def records(result: QueryResult) -> list[dict[str, Any]]:
    """A SELECT result as a list of ``{variable: Python value}`` dicts.

    >>> from kg.query.sparql import QueryResult
    >>> records(QueryResult("SELECT", ["name", "n"], [(Literal("张明远", lang="zh"), Literal(3))]))
    [{'name': '张明远', 'n': 3}]
    """
    out = []
    for row in result.rows:
        rec = {}
        for var, term in zip(result.variables, row, strict=True):
            if term is None:
                rec[var] = None
            elif isinstance(term, Literal):
                value = term.toPython()
                rec[var] = str(value) if isinstance(value, Literal) else value
            else:
                rec[var] = str(term)
        out.append(rec)
    return out


def officials_of_district(store: KnowledgeStore, district: str) -> list[dict[str, Any]]:
    """Officials with a post in an organization serving ``district`` (name, alias or adcode):
    keys ``official``, ``post``, ``organization``.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     officials_of_district(store, "500111")
    Traceback (most recent call last):
    ...
    kg.query.terms.QueryError: no district named '500111'
    """
    return [{k: r[k] for k in ("official", "post", "organization")}
            for r in records(run_saved(store, "officials_by_district", {"district": district}))]


def officials_of_organization(store: KnowledgeStore, organization: str) -> list[dict[str, Any]]:
    """People holding a post in ``organization`` (name or alias): keys ``person``, ``post``,
    ``role``, ``as_of``.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     officials_of_organization(store, "大足区委")
    Traceback (most recent call last):
    ...
    kg.query.terms.QueryError: no organization named '大足区委'
    """
    return [{k: r[k] for k in ("person", "post", "role", "as_of")}
            for r in records(run_saved(store, "officials_by_organization", {"organization": organization}))]


def measures_of_district(store: KnowledgeStore, district: str) -> list[dict[str, Any]]:
    """Measures serving ``district`` with kind, issuer and funding (``amount`` in yuan,
    ``as_written``, ``purpose``; ``None`` when no funding is stated), largest funding first.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     measures_of_district(store, "永川区")
    Traceback (most recent call last):
    ...
    kg.query.terms.QueryError: no district named '永川区'
    """
    return [{k: r[k] for k in ("measure", "kind", "issuer", "amount", "as_written", "purpose")}
            for r in records(run_saved(store, "measures_of_district", {"district": district}))]


def funding_by_district(store: KnowledgeStore) -> list[dict[str, Any]]:
    """Per district: ``district``, ``adcode``, ``total`` (yuan, summed over the amounts stated for
    the district, its measures and its projects) and ``amounts`` (how many), largest first.

    Only money that funds something is totalled (``pkg:amountKind`` subsidy/award, budget/fund,
    investment or financing, in yuan): output value, revenue, contract values, award thresholds,
    per-unit rates and foreign-currency amounts are not funding and are left out.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     funding_by_district(store)
    []
    """
    return records(run_saved(store, "funding_by_district"))


def funding_amounts(store: KnowledgeStore, district: str | None = None,
                    kind: str | None = None) -> list[dict[str, Any]]:
    """Every funding amount: ``funded`` (label), ``type`` (measure, project, district, organization),
    ``area`` and ``adcode`` (the district concerned, ``None`` if unknown), ``amount``,
    ``qualifier`` (exact, at least, at most), ``amount_kind``, ``currency``, ``as_written``,
    ``purpose``, ``sentence``; largest first.

    By default only money that funds something (in yuan), the amounts :func:`funding_by_district`
    adds up; ``kind="all"`` lists every amount, ``kind="OutputOrRevenue"`` (…) one kind.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     funding_amounts(store)
    []
    """
    params = {name: value for name, value in (("district", district), ("kind", kind)) if value}
    return records(run_saved(store, "funding_amounts", params))


def agreements(store: KnowledgeStore, district: str | None = None) -> list[dict[str, Any]]:
    """Agreements and their pairs of parties (``agreement`` is ``None`` for an unnamed one), with
    ``date`` and ``sentence``; only those ``district`` is party to when given.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     agreements(store)
    []
    """
    return records(run_saved(store, "agreements_between_districts", {"district": district} if district else {}))


def meeting_cooccurrence(store: KnowledgeStore, person: str | None = None) -> list[dict[str, Any]]:
    """Pairs of people who chaired or attended the same meetings: ``official``, ``other``,
    ``meetings`` (count) and ``which`` (labels joined by `` | ``); only ``person``'s pairs when given.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     meeting_cooccurrence(store)
    []
    """
    return records(run_saved(store, "meeting_cooccurrence", {"person": person} if person else {}))
