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

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from kg.query.parameters import KINDS as _KINDS
from kg.query.sparql import ParamValue, QueryError, QueryResult, run_query
from kg.store.knowledge_store import KnowledgeStore

__all__ = ["QueryParam", "SavedQuery", "declared_params", "run_saved", "saved_queries", "saved_query"]

_FIELD = re.compile(r"^#\s*(title|description|param|example)\b\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:\(([\w\s,]*)\))?\s*:\s*(.*)$")


@dataclass(frozen=True)
class QueryParam:
    """A parameter of a saved query: its variable name, whether it must be given, what it means,
    and its kind (one of :data:`kg.query.parameters.KINDS`)."""

    name: str
    required: bool
    description: str
    kind: str = "text"


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: ``name`` (the file's stem), header fields and the SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    example: str
    sparql: str

    def format_help(self) -> str:
        """A few lines describing the query, for ``policykg queries show NAME``.

        >>> print(saved_query("funding_by_district").format_help().splitlines()[0])
        funding_by_district — Funding totals per district
        """
        lines = [f"{self.name} — {self.title}", "", self.description]
        if self.params:
            lines += ["", "parameters:"]
            lines += [f"  {p.name}{'' if p.required else ' (optional)'}: {p.description}" for p in self.params]
        if self.example:
            lines += ["", f"example: {self.example}"]
        return "\n".join(lines)


def _parse(name: str, text: str) -> SavedQuery:
    fields: dict[str, str] = {"title": "", "description": "", "example": ""}
    params: list[QueryParam] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _FIELD.match(line)
        if m:
            key, value = m.group(1), m.group(2).lstrip(":").strip()
            last = key
            if key == "param":
                pm = _PARAM.match(value)
                if pm is None:
                    raise ValueError(f"{name}.rq: cannot read parameter line {line!r}")
                flags = [f.strip() for f in (pm.group(2) or "").split(",") if f.strip()]
                kinds = [f for f in flags if f != "optional"]
                if len(kinds) > 1 or (kinds and kinds[0] not in _KINDS):
                    raise ValueError(f"{name}.rq: unknown parameter kind in {line!r} (kinds: {', '.join(_KINDS)})")
                params.append(QueryParam(pm.group(1), "optional" not in flags, pm.group(3).strip(),
                                         kinds[0] if kinds else "text"))
            else:
                fields[key] = value
        elif last is not None and line[1:].startswith("  "):  # continuation of the previous field
            more = line[1:].strip()
            if last == "param":
                p = params[-1]
                params[-1] = QueryParam(p.name, p.required, f"{p.description} {more}", p.kind)
            else:
                fields[last] = f"{fields[last]} {more}"
    return SavedQuery(name, fields["title"] or name, fields["description"], tuple(params), fields["example"], text)


def _files() -> dict[str, str]:
    folder = resources.files("kg.query") / "saved_queries"
    return {f.name[:-3]: f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".rq")}


def declared_params(sparql: str) -> tuple[QueryParam, ...]:
    """The parameters a query's ``# param`` header declares (any query text, saved or not).

    >>> [(p.name, p.kind) for p in declared_params("# param d (district): a district\\nASK {}")]
    [('d', 'district')]
    """
    return _parse("query", sparql).params


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
    kg.query.sparql.QueryError: no saved query 'nope' (choose from agreements_between_districts, ...)
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
    kg.query.QueryError: no district named '大足区'
    >>> run_saved(store, "posts_per_organization", {"min_posts": 2}).rows
    []
    >>> run_saved(store, "officials_by_district")
    Traceback (most recent call last):
    ...
    kg.query.sparql.QueryError: saved query officials_by_district needs --param district=… (district name, ...)
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
