"""Read-only SPARQL over the knowledge store, with the project's prefixes and safe parameters.

:func:`run_query` accepts a SPARQL 1.1 *query* (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union of
all document graphs. The project's prefixes (``pkg:``, ``schema:``, ``org:``, ``id:`` ...) are
predeclared, so a query may use them without ``PREFIX`` lines; its own declarations win. Parameters
are bound as escaped RDF terms in a ``VALUES`` block (:func:`with_parameters`), never pasted into
the query as text; every query runs on Oxigraph.

Queries come from users, so nothing they write may change the store or reach outside it: updates
(``LOAD``, ``DROP`` ...) are refused, ``SERVICE`` is refused wherever it is nested, and ``FROM`` /
``FROM NAMED`` may only name the store's own document graphs (never a URL or a ``file:`` IRI). A
query runs in a worker thread with a deadline (``timeout``; Oxigraph cannot be interrupted, so a
query past its deadline is abandoned and stops at its next result row) and at most ``max_rows``
rows are kept (``QueryResult.truncated`` says so).

>>> import tempfile, pathlib
>>> from kg.store.knowledge_store import KnowledgeStore
>>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
...     print(run_query(store, "ASK { ?x a schema:Person }").render("table"))
false

Long because the safety checks, the WHERE-group scanner that binds parameters and the result
rendering all serve :func:`run_query`; terms, headers and parameter checks live beside it
(:mod:`kg.query.terms`, :mod:`kg.query.headers`, :mod:`kg.query.parameters`).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Identifier

from kg.model.iris import document_iri
from kg.model.namespaces import PREFIXES, bind_prefixes, sparql_iri, sparql_prologue
from kg.query.headers import declared_params
from kg.query.parameters import bare_text, check_value, explain_unmatched, label_forms
from kg.query.sparql_syntax import explain as explain_syntax
from kg.query.terms import ParamValue, ParamValues, QueryError, QueryTimeout, _term, parse_term
from kg.store.knowledge_store import KnowledgeStore, QueryRows

__all__ = ["DEFAULT_TIMEOUT", "RESULT_FORMATS", "ParamValue", "ParamValues", "QueryError", "QueryResult",
           "QueryTimeout", "parse_term", "prepare", "run_query", "with_parameters"]

DEFAULT_TIMEOUT = 60.0  # seconds
_DOC_GRAPHS = str(document_iri("0" * 64)).rsplit("/", 1)[0] + "/"  # the only graphs FROM may name

RESULT_FORMATS = ("table", "csv", "json")
_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}

class _Cancelled(Exception):
    """Raised inside an abandoned query's worker to stop it at the next row."""


# Tokens of a query that matter for finding its group patterns: what may hide a brace or a
# keyword (comments, strings, IRIs, prefixed names, variables) is matched whole and skipped.
_SCAN = re.compile(r"""
    (?P<skip>\#[^\n]*
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\" | '\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
      | "(?:[^"\\\n]|\\.)*" | '(?:[^'\\\n]|\\.)*'
      | <[^<>"{}|^`\\\x00-\x20]*>
      | [?$]\w+ | [\w.-]*:[\w.:%-]* )
  | (?P<word>[A-Za-z]+)
  | (?P<open>\{) | (?P<close>\})
""", re.X)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _where_groups(sparql: str) -> tuple[list[int], tuple[int, int, int] | None]:
    """Offsets just inside the opening brace of the query's WHERE pattern and of every
    subquery's (``WHERE`` may be omitted; a CONSTRUCT template is not a WHERE pattern), and for
    the short form ``CONSTRUCT WHERE { … }``: where ``WHERE`` starts and its pattern's braces."""
    found: list[int] = []
    want = False  # the next "{" opens a WHERE pattern
    template = False  # after CONSTRUCT: the next "{" opens its template (unless WHERE comes first)
    template_depth: int | None = None
    short: list[int] = []  # CONSTRUCT WHERE: [WHERE's offset, "{" offset, "}" offset]
    depth = 0
    for m in _SCAN.finditer(sparql):
        kind = m.lastgroup
        if kind == "word":
            word = m.group().upper()
            if word == "WHERE" and template:
                short = [m.start()]
            if word in ("SELECT", "ASK", "DESCRIBE", "WHERE"):
                want, template = True, False
            elif word == "CONSTRUCT":
                want, template = False, True
        elif kind == "open":
            depth += 1
            if want:
                found.append(m.end())
                want = False
                if len(short) == 1:
                    short.append(m.start())
            elif template:
                template, template_depth = False, depth
        elif kind == "close":
            if template_depth == depth:  # the template closed: the WHERE pattern follows
                template_depth, want = None, True
            if len(short) == 2 and depth == 1:
                short.append(m.start())
            depth -= 1
    return found, (short[0], short[1], short[2]) if len(short) == 3 else None


def _sparql_term(term: Identifier) -> str:
    """``term`` written for a VALUES block; IRIs that could end the IRI early are refused."""
    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(term):
            raise QueryError(f"cannot use {str(term)!r} as a parameter: not a valid IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = "".join(_LITERAL_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 32 or ord(c) == 127 else c)
                       for c in str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^{_sparql_term(term.datatype)}'
        return f'"{text}"'
    raise QueryError(f"cannot use {term!r} as a parameter: only IRIs and literals can be bound")


def with_parameters(sparql: str, params: Mapping[str, ParamValues]) -> str:
    """``sparql`` with ``params`` bound: a ``VALUES`` block opens its WHERE pattern and every
    subquery's, so a parameter is in scope wherever the query uses it (``FILTER``, ``HAVING``
    of a subquery, ``BOUND``). Values are written as escaped RDF terms, never as query text; a
    tuple of values binds the variable to each of them.

    >>> print(with_parameters("SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": '"大足区"@zh'}))
    SELECT ?x WHERE { VALUES (?name) { ("大足区"@zh) } ?x rdfs:label ?name }
    >>> print(with_parameters("SELECT ?x WHERE { ?x rdfs:label ?n }", {"n": ('"a"', '"a"@zh')}))
    SELECT ?x WHERE { VALUES (?n) { ("a") ("a"@zh) } ?x rdfs:label ?n }
    >>> with_parameters('CONSTRUCT { ?x a ?t } WHERE { ?x a ?t }', {"t": "pkg:Meeting"}).count("VALUES")
    1
    >>> print(with_parameters('CONSTRUCT WHERE { ?x a ?t }', {"t": 1}))
    CONSTRUCT { ?x a ?t } WHERE { VALUES (?t) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?x a ?t }
    """
    if not params:
        return sparql
    names = sorted(k.lstrip("?$") for k in params)
    for name in names:
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"{name!r} is not a SPARQL variable name")
    terms = {k.lstrip("?$"): [_sparql_term(_term(x)) for x in (v if isinstance(v, tuple) else (v,))]
             for k, v in params.items()}
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*(terms[n] for n in names)))
    values = f" VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}"
    at, short = _where_groups(sparql)
    if short:  # CONSTRUCT WHERE { P } admits no VALUES in P: written out as CONSTRUCT { P } WHERE { P }
        where, opened, closed = short
        sparql = f"{sparql[:where]}{sparql[opened:closed + 1]} {sparql[where:]}"
        at, _ = _where_groups(sparql)
    if not at:
        raise QueryError("parameters need a WHERE pattern to bind them in")
    parts, last = [], 0
    for i in at:
        parts += [sparql[last:i], values]
        last = i
    return "".join(parts) + sparql[last:]


def _has_service(node: object) -> bool:
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_has_service(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_has_service(v) for v in node)
    return False


@functools.lru_cache(maxsize=256)  # a saved query or an endpoint's repeated query is parsed once
def prepare(sparql: str):
    """Parse ``sparql`` as a read-only query (project prefixes predeclared); returns rdflib's
    prepared query. Raises :class:`QueryError` for updates, ``SERVICE`` and syntax errors.

    >>> prepare("SELECT ?x WHERE { ?x a pkg:Official }").algebra.name
    'SelectQuery'
    >>> try:
    ...     prepare("DELETE WHERE { ?s ?p ?o }")
    ... except QueryError as e:
    ...     print(e)
    updates are not allowed: the query interface is read-only (SPARQL Update refused)
    """
    if not sparql.strip():
        raise QueryError("empty query")
    try:
        parsed = prepareQuery(sparql, initNs=_PREFIXES)
    except RecursionError:
        raise QueryError("malformed SPARQL query: nested too deeply") from None
    except Exception as e:  # pyparsing's ParseException, or a bare Exception for unknown prefixes
        if _is_update(sparql):
            raise QueryError(
                "updates are not allowed: the query interface is read-only (SPARQL Update refused)") from None
        raise QueryError(f"malformed SPARQL query at {explain_syntax(sparql, e)}") from None
    try:
        service = _has_service(parsed.algebra)
    except RecursionError:
        raise QueryError("malformed SPARQL query: nested too deeply") from None
    if service:
        raise QueryError("SERVICE (federated query) is not allowed")
    for iri in _dataset_iris(parsed):
        if not str(iri).startswith(_DOC_GRAPHS):  # file:, http: ... : never fetched, refused
            raise QueryError(f"FROM <{iri}> is not a document graph of this store "
                             "(queries never fetch data from elsewhere)")
    return parsed


def _dataset_iris(parsed) -> list[URIRef]:
    """The IRIs of a query's ``FROM`` and ``FROM NAMED`` clauses."""
    clauses = parsed.algebra.get("datasetClause") or []
    return [c.get("default") or c.get("named") for c in clauses]


def _is_update(sparql: str) -> bool:
    try:
        parseUpdate(sparql_prologue() + sparql)
    except Exception:  # not an update either
        return False
    return True


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _cell(term: Identifier | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return sparql_iri(term)  # district:500111: pasted back into a query, it names the same node
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def _csv_cell(term: Identifier | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


@dataclass
class QueryResult:
    """A query's result; :meth:`render` writes it as ``table``, ``csv`` or ``json``.

    SELECT results have ``variables`` and ``rows``; ASK has ``boolean``; CONSTRUCT/DESCRIBE have
    ``graph`` (rendered as Turtle, or JSON-LD for ``json``).
    """

    kind: str
    variables: list[str]
    rows: list[tuple[Identifier | None, ...]]
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: int | None = None  # the row limit, when the result had more rows than it

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "SELECT" else len(self.graph or ())

    def render(self, fmt: str = "table") -> str:
        """The result as text: an aligned ``table``, SPARQL 1.1 ``csv`` or SPARQL 1.1 ``json``."""
        if fmt not in RESULT_FORMATS:
            raise QueryError(f"unknown result format {fmt!r} (choose from {', '.join(RESULT_FORMATS)})")
        if self.kind == "ASK":
            if fmt == "json":
                return json.dumps({"head": {}, "boolean": bool(self.boolean)})
            return "true" if self.boolean else "false"
        if self.kind != "SELECT":
            graph = self.graph if self.graph is not None else Graph()
            if fmt == "json":
                return graph.serialize(format="json-ld", context=_PREFIXES, auto_compact=True)
            return graph.serialize(format="turtle")
        if fmt == "json":
            return self._json()
        if fmt == "csv":
            return self._csv()
        return self._table()

    def _json(self) -> str:
        bindings = [{v: _json_term(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
                    for row in self.rows]
        return json.dumps({"head": {"vars": self.variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1)

    def _csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf)  # RFC 4180 CRLF line ends, as SPARQL 1.1 CSV asks
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow([_csv_cell(t) for t in row])
        return buf.getvalue()

    def _table(self) -> str:
        cells = [[_cell(t).replace("\n", " ") for t in row] for row in self.rows]
        widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(self.variables)]
        lines = [" | ".join(_pad(v, w) for v, w in zip(self.variables, widths, strict=True)).rstrip(),
                 "-+-".join("-" * w for w in widths)]
        lines += [" | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
        lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''}"
                     + (f", truncated: more than the limit of {self.truncated})" if self.truncated else ")"))
        return "\n".join(lines)


def _from_rows(rows: QueryRows, max_rows: int | None) -> QueryResult:
    graph = None
    if rows.kind == "CONSTRUCT":
        graph = Graph()
        bind_prefixes(graph)
        for t in rows.triples:
            graph.add(t)  # type: ignore[arg-type]
    return QueryResult(rows.kind, rows.variables, rows.rows, rows.boolean, graph,
                       max_rows if rows.truncated else None)


def _take(items, max_rows: int | None, stop: Callable[[], bool]) -> tuple[list, bool]:
    """At most ``max_rows`` items of a lazy result, and whether there were more; stops early
    (raises :class:`_Cancelled`) once the caller has given up on the query."""
    out = []
    for item in items:
        if stop():
            raise _Cancelled
        if max_rows is not None and len(out) >= max_rows:
            return out, True
        out.append(item)
    return out, False


def _with_deadline(work: Callable[[Callable[[], bool]], QueryResult], timeout: float | None) -> QueryResult:
    """``work(stop)`` in a daemon thread; :class:`QueryTimeout` after ``timeout`` seconds.

    Oxigraph evaluates without the GIL and cannot be interrupted, so a late query is abandoned:
    ``stop()`` turns true and the worker quits at its next row; the caller gets its answer now.
    """
    if timeout is None:
        return work(lambda: False)
    box: dict[str, object] = {}
    cancelled = threading.Event()

    def run() -> None:
        try:
            box["result"] = work(cancelled.is_set)
        except _Cancelled:
            pass
        except BaseException as e:  # handed to the caller's thread
            # without its frames: they hold Oxigraph's result, which must be dropped in this thread
            e.__traceback__ = e.__context__ = e.__cause__ = None
            box["error"] = e

    worker = threading.Thread(target=run, name="policykg-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        cancelled.set()
        raise QueryTimeout(f"query timed out after {timeout:g} s (abandoned; narrow it down or raise --timeout)")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def _check_dataset(store: KnowledgeStore, parsed) -> None:
    graphs = None
    for iri in _dataset_iris(parsed):
        graphs = graphs if graphs is not None else set(store.named_graphs())
        if iri not in graphs:
            raise QueryError(f"FROM <{iri}> is not a document graph of this store "
                             "(queries never fetch data from elsewhere)")


def run_query(store: KnowledgeStore, sparql: str,
              params: Mapping[str, ParamValues] | None = None, *,
              timeout: float | None = DEFAULT_TIMEOUT, max_rows: int | None = None) -> QueryResult:
    """Evaluate a read-only SPARQL query over the union graph; ``params`` bind variables to terms.

    Strings in ``params`` are read as Turtle terms (``'"大足区"@zh'``, ``"district:500111"``,
    ``"<https://…>"``, numbers). A bare name (``"大足区"``) is bound to every literal of the store
    with that text, whatever its language tag (:func:`kg.query.parameters.label_forms`); when such a name
    is nowhere in the store and the query finds nothing, a :class:`QueryError` says so (with close
    names). A parameter the query's header declares (``# param district (district): …``, as the
    saved queries do) is checked against its kind first (:func:`kg.query.parameters.check_value`).
    ``timeout`` (seconds, None: no limit) raises :class:`QueryTimeout`; ``max_rows`` (None: no
    limit) keeps that many rows or triples and sets ``truncated``.

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     r = run_query(store, "SELECT ?who WHERE { ?who rdfs:label ?name }", {"name": '"张明远"@zh'})
    >>> r.variables, r.rows
    (['who'], [])
    """

    parsed = prepare(sparql)
    _check_dataset(store, parsed)
    given = dict(params or {})
    kinds = {p.name: p.kind for p in declared_params(sparql)} if sparql.lstrip().startswith("#") else {}
    unmatched: dict[str, str] = {}
    for name, value in given.items():
        if name.lstrip("?$") in kinds and not isinstance(value, tuple):  # a `# param NAME (kind)` header
            given[name] = check_value(store, name.lstrip("?$"), kinds[name.lstrip("?$")], value)
            continue
        text = bare_text(value) if not isinstance(value, tuple) else None
        if text is not None:
            forms = label_forms(store, text)
            if not forms:
                unmatched[name.lstrip("?$")] = text
            given[name] = tuple(dict.fromkeys((Literal(text), *forms)))
    bound = with_parameters(sparql, given)

    def work(stop: Callable[[], bool]) -> QueryResult:
        return _from_rows(store.query(bound, prefixes=_PREFIXES,
                                      take=lambda items: _take(items, max_rows, stop)), max_rows)

    try:
        result = _with_deadline(work, timeout)
    except SyntaxError as e:
        raise QueryError(f"malformed SPARQL query: {_one_line(e)}") from None
    except (OSError, RuntimeError, ValueError) as e:
        if isinstance(e, QueryError):
            raise
        raise QueryError(f"query failed: {_one_line(e)}") from None
    if unmatched and result.kind != "ASK" and len(result) == 0:  # say why, rather than an empty table
        raise QueryError(explain_unmatched(store, unmatched))
    return result
