"""The library of saved SPARQL queries shipped in ``kg/query/saved_queries/*.rq``, runnable by name.

Each ``.rq`` file opens with a header of ``#`` comments::

    # title: Officials of a district
    # description: … (continued on lines indented under it)
    # param district (district): district name, alias or adcode, e.g. 大足区
    # param min_posts (number, optional): …
    # example: policykg queries run officials_by_district --param district=大足区

:func:`run_saved` checks the parameters against the header and hands them to
:func:`kg.query.sparql.run_query`, which binds them as RDF terms: user input is never pasted into the
query text. An optional parameter left out stays unbound (the queries test ``BOUND(?name)``).
A parameter's kind, in parentheses (``district``, ``organization``, ``person``, ``number``; else
``text``), is checked first (:func:`kg.query.parameters.check_value`): a name must be that of exactly one
entity of its kind, so a typo or an ambiguous name is an error that says so, not an empty table.

>>> [q.name for q in saved_queries()][:3]
['agreements_between_districts', 'funding_amounts', 'funding_by_district']
>>> q = saved_query("officials_by_district")
>>> q.title, [(p.name, p.required, p.kind) for p in q.params]
('Officials of a district', [('district', True, 'district')])
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources

from kg.query.headers import QueryParam, SavedQuery, _parse, declared_params
from kg.query.sparql import ParamValue, QueryError, QueryResult, run_query
from kg.store.knowledge_store import KnowledgeStore

__all__ = ["QueryParam", "SavedQuery", "declared_params", "run_saved", "saved_queries", "saved_query"]

def _files() -> dict[str, str]:
    folder = resources.files("kg.query") / "saved_queries"
    return {f.name[:-3]: f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".rq")}


def saved_queries() -> list[SavedQuery]:
    """Every saved query, sorted by name.

    >>> "officials_by_district" in {q.name for q in saved_queries()}
    True
    """
    return [_parse(name, text) for name, text in sorted(_files().items())]


def saved_query(name: str) -> SavedQuery:
    """The saved query called ``name`` (a :class:`kg.query.sparql.QueryError` naming the choices if none).

    >>> saved_query("funding_by_district").params
    ()
    >>> saved_query("nope")
    Traceback (most recent call last):
    ...
    kg.query.terms.QueryError: no saved query 'nope' (choose from agreements_between_districts, ...)
    """
    files = _files()
    if name.endswith(".rq"):
        name = name[:-3]
    if name not in files:
        raise QueryError(f"no saved query {name!r} (choose from {', '.join(sorted(files))})")
    return _parse(name, files[name])


def run_saved(store: KnowledgeStore, name: str, params: Mapping[str, ParamValue] | None = None) -> QueryResult:
    """Run the saved query ``name`` with ``params`` bound as RDF terms (see :func:`kg.query.sparql.run_query`).

    A missing required parameter or an unknown one is a :class:`kg.query.sparql.QueryError`, and so is a
    value of the wrong kind: a name that no entity (or several) of the parameter's kind has, a
    number that is not one (:func:`kg.query.parameters.check_value`).

    >>> import tempfile, pathlib
    >>> store = KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s")
    >>> run_saved(store, "officials_by_district", {"district": "大足区"}).rows
    Traceback (most recent call last):
    ...
    kg.query.terms.QueryError: no district named '大足区'
    >>> run_saved(store, "posts_per_organization", {"min_posts": 2}).rows
    []
    >>> run_saved(store, "officials_by_district")
    Traceback (most recent call last):
    ...
    kg.query.terms.QueryError: saved query officials_by_district needs --param district=… (district name, ...)
    >>> store.close()
    """
    query = saved_query(name)
    given = dict(params or {})
    known = {p.name for p in query.params}
    unknown = sorted(set(given) - known)
    if unknown:
        hint = ", ".join(sorted(known)) or "none"
        raise QueryError(f"saved query {name} has no parameter {', '.join(unknown)} (parameters: {hint})")
    for p in query.params:
        if p.required and p.name not in given:
            raise QueryError(f"saved query {name} needs --param {p.name}=… ({p.description})")
    return run_query(store, query.sparql, given)  # which checks each value against its declared kind
