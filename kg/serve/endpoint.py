"""A read-only SPARQL 1.1 Protocol endpoint over the store: ``policykg serve``.

Plain standard library (:mod:`http.server`) in front of worker processes that hold the store open
read-only with pyoxigraph:

- queries by ``GET ?query=``, ``POST`` ``application/sparql-query`` and ``POST`` form-encoded
  ``query=``; the project's prefixes are predeclared, as in ``policykg query``;
- results by ``Accept``: ``application/sparql-results+json`` (the default), ``…+xml``,
  ``text/csv``, ``text/tab-separated-values`` for SELECT/ASK; ``text/turtle`` (default),
  ``application/n-triples``, ``application/rdf+xml``, ``application/ld+json`` for CONSTRUCT/DESCRIBE;
- SPARQL Update is refused with 403 (``update=`` forms, ``application/sparql-update`` bodies and
  update text sent as a query), ``SERVICE`` too; other methods get 405;
- each query runs in a worker process that is killed when it passes the timeout (503), and a
  result longer than ``max_rows`` is refused (400) rather than silently cut.

It binds to 127.0.0.1 unless told otherwise. Before each query a worker moves to the newest
snapshot a build has published (:meth:`kg.store.knowledge_store.KnowledgeStore.refresh`), so a
server started before a build answers with its documents as soon as the build ends (within a
minute during a long build), without a restart; one query always reads one whole snapshot.

>>> choose_type("text/csv, */*;q=0.1", "SELECT")
'text/csv'
>>> choose_type("", "CONSTRUCT")
'text/turtle'
>>> choose_type("image/png", "SELECT") is None
True
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kg.model.namespaces import PREFIXES

__all__ = ["DEFAULT_PORT", "EndpointConfig", "choose_type", "make_server", "serve"]

log = logging.getLogger(__name__)

DEFAULT_PORT = 7878
_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}
# media type → rdflib serializer format, by result kind; the first is the default
_RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = {
    "text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
    "application/ld+json": "json-ld", "text/plain": "nt",
}
_KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def choose_type(accept: str, kind: str) -> str | None:
    """The media type to answer a ``kind`` query with, given an ``Accept`` header (``None``: none
    acceptable). Quality values order the choices; ``*/*`` or no header takes the default.

    >>> choose_type("application/sparql-results+xml;q=0.5, text/tab-separated-values", "ASK")
    'text/tab-separated-values'
    """
    offered = list(_RESULT_TYPES if kind in ("SELECT", "ASK") else _GRAPH_TYPES)
    if not accept.strip():
        return offered[0]
    ranges = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                with contextlib.suppress(ValueError):
                    q = float(f[2:])
        if fields[0] and q > 0:
            ranges.append((-q, i, fields[0].lower()))
    for _, _, media in sorted(ranges):
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            return next((t for t in offered if media == "*/*" or t.startswith(prefix + "/")), None)
    return None


# ---------------------------------------------------------------------- the worker process
def _evaluate(store: Any, sparql: str, kind: str, media: str, max_rows: int) -> tuple[int, str, bytes]:
    """Run one query in the worker; returns (HTTP status, content type, body)."""
    import pyoxigraph as ox
    from rdflib import Graph, Variable
    from rdflib.query import Result

    from kg.model.namespaces import bind_prefixes
    from kg.store.terms import from_ox

    too_many = (400, "text/plain; charset=utf-8",
                f"the result has more than {max_rows} rows, the limit of this endpoint: "
                "add a LIMIT or narrow the query\n".encode())
    try:
        answer = store.ox.query(sparql, prefixes=_PREFIXES)
        if kind in ("SELECT", "ASK"):
            result = Result(kind)
            if isinstance(answer, ox.QueryBoolean):
                result.askAnswer = bool(answer)
            else:
                names = [v.value for v in answer.variables]
                result.vars = [Variable(n) for n in names]
                bindings = []
                for solution in answer:
                    if len(bindings) >= max_rows:
                        return too_many
                    bindings.append({Variable(n): from_ox(solution[n]) for n in names if solution[n] is not None})
                result.bindings = bindings
            fmt = _RESULT_TYPES[media]
            if kind == "ASK" and fmt in ("csv", "tsv"):
                body = ("true" if result.askAnswer else "false") + "\n"
            elif fmt == "tsv":
                body = _tsv(result)
            else:
                body = result.serialize(format=fmt)
        else:
            graph = Graph()
            bind_prefixes(graph)
            for i, t in enumerate(answer):
                if i >= max_rows:
                    return too_many
                graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
            body = graph.serialize(format=_GRAPH_TYPES[media], encoding="utf-8")
    except (SyntaxError, ValueError, OSError, RuntimeError) as e:
        return 400, "text/plain; charset=utf-8", f"query failed: {e}\n".encode()
    except Exception as e:  # the worker must answer whatever went wrong, not die
        log.exception("query failed")
        return 500, "text/plain; charset=utf-8", f"internal error: {type(e).__name__}: {e}\n".encode()
    if isinstance(body, str):
        body = body.encode("utf-8")
    return 200, f"{media}; charset=utf-8", body or b""


def _tsv(result: Any) -> str:
    """SPARQL 1.1 TSV: ``?var`` headers, terms in Turtle syntax (literals escaped), tab-separated."""
    names = [str(v) for v in result.vars]
    lines = ["\t".join(f"?{n}" for n in names)]
    for row in result.bindings:
        lines.append("\t".join(row[v].n3() if row.get(v) is not None else "" for v in result.vars))
    return "\n".join(lines) + "\n"


def _worker_main(store_path: str, conn: Any) -> None:
    from kg.store.knowledge_store import KnowledgeStore

    try:
        store = KnowledgeStore(store_path, read_only=True)
    except Exception as e:
        conn.send(("error", str(e)))
        return
    conn.send(("ready", ""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            store.refresh()  # a build may have published a newer snapshot since the last query
        except Exception as e:  # keep answering from the snapshot we have
            log.warning("could not open the newest snapshot of %s: %s", store_path, e)
        conn.send(_evaluate(store, *request))


class _Worker:
    """One worker process with the store open; killed when a query overruns."""

    def __init__(self, store_path: Path) -> None:
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(str(store_path), child), daemon=True)
        self.proc.start()
        child.close()
        if not self.conn.poll(120):
            self.kill()
            raise RuntimeError("a query worker did not start within 120 s")
        status, message = self.conn.recv()
        if status != "ready":
            self.kill()
            raise RuntimeError(f"a query worker could not open the store: {message}")

    def run(self, request: tuple, timeout: float) -> tuple[int, str, bytes] | None:
        self.conn.send(request)
        if self.conn.poll(timeout):
            return self.conn.recv()
        return None

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(10)
        self.conn.close()


class _WorkerPool:
    """At most ``size`` queries at once, each in its own worker process."""

    def __init__(self, store_path: Path, size: int) -> None:
        self.store_path = store_path
        self.slots = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        self.idle: list[_Worker] = [_Worker(store_path) for _ in range(size)]

    def execute(self, request: tuple, timeout: float) -> tuple[int, str, bytes]:
        if not self.slots.acquire(timeout=timeout):
            return 503, "text/plain; charset=utf-8", b"the endpoint is busy: every query worker is taken\n"
        try:
            with self.lock:
                worker = self.idle.pop() if self.idle else None
            if worker is None or not worker.proc.is_alive():
                worker = _Worker(self.store_path)
            try:
                answer = worker.run(request, timeout)
            except (EOFError, OSError):
                worker.kill()
                return 500, "text/plain; charset=utf-8", b"the query worker died\n"
            if answer is None:
                worker.kill()  # the only way to stop a running Oxigraph query
                return (503, "text/plain; charset=utf-8",
                        f"the query ran past the {timeout:g} s timeout and was cancelled\n".encode())
            with self.lock:
                self.idle.append(worker)
            return answer
        finally:
            self.slots.release()

    def close(self) -> None:
        with self.lock:
            for worker in self.idle:
                worker.kill()
            self.idle.clear()


# ---------------------------------------------------------------------- HTTP
@dataclass(frozen=True)
class EndpointConfig:
    """Limits of the endpoint: query ``timeout`` in seconds, ``max_rows`` per result, largest
    request body ``max_body`` in bytes."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_body: int = 1_000_000


_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>PolicyKG SPARQL endpoint</title>
</head><body><h1>PolicyKG SPARQL endpoint (read-only)</h1>
<p>Send SPARQL 1.1 queries to <code>/sparql</code>: <code>GET /sparql?query=…</code>, or POST with
<code>Content-Type: application/sparql-query</code> or a form field <code>query</code>. Prefixes
pkg:, schema:, org:, prov:, skos:, rdfs:, id: … are predeclared. Updates are refused.</p>
<form action="/sparql" method="get"><textarea name="query" rows="8" cols="80">SELECT ?name WHERE {
  ?p a pkg:Official ; rdfs:label ?name } LIMIT 20</textarea><br>
<input type="submit" value="Run"></form></body></html>
"""


def _handler(pool: _WorkerPool, config: EndpointConfig) -> type[BaseHTTPRequestHandler]:
    from kg.query.sparql import QueryError, prepare

    class Handler(BaseHTTPRequestHandler):
        server_version = "PolicyKG-SPARQL/0.1"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            log.info("%s %s", self.address_string(), format % args)

        def reply(self, status: int, content_type: str, body: bytes, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
            self.reply(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), extra)

        def refuse_update(self) -> None:
            self.error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: SPARQL Update is refused")

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            form = parse_qs(url.query, keep_blank_values=True)
            if url.path not in ("/", "/sparql", "/query"):
                return self.error(HTTPStatus.NOT_FOUND, f"no such resource {url.path}: send queries to /sparql")
            if "update" in form:
                return self.refuse_update()
            if "query" not in form:
                return self.reply(200, "text/html; charset=utf-8", _PAGE.encode("utf-8"))
            self.answer(form["query"][0], form)

        do_HEAD = do_GET

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            if url.path not in ("/", "/sparql", "/query", "/update"):
                return self.error(HTTPStatus.NOT_FOUND, f"no such resource {url.path}: send queries to /sparql")
            length = int(self.headers.get("Content-Length") or 0)
            if length > config.max_body:
                return self.error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {config.max_body} bytes")
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            form = parse_qs(url.query, keep_blank_values=True)
            if ctype == "application/sparql-update" or url.path == "/update":
                return self.refuse_update()
            if ctype == "application/sparql-query":
                return self.answer(body, form)
            if ctype == "application/x-www-form-urlencoded":
                form.update(parse_qs(body, keep_blank_values=True))
                if "update" in form:
                    return self.refuse_update()
                if "query" in form:
                    return self.answer(form["query"][0], form)
                return self.error(HTTPStatus.BAD_REQUEST, "no query: send a form field named query")
            self.error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                       "POST a query as application/sparql-query or application/x-www-form-urlencoded")

        def refuse_method(self) -> None:
            self.error(HTTPStatus.METHOD_NOT_ALLOWED, "this endpoint is read-only: use GET or POST to query",
                       {"Allow": "GET, HEAD, POST"})

        do_PUT = do_DELETE = do_PATCH = refuse_method

        def answer(self, sparql: str, form: dict[str, list[str]]) -> None:
            if form.get("default-graph-uri") or form.get("named-graph-uri"):
                return self.error(HTTPStatus.BAD_REQUEST, "default-graph-uri and named-graph-uri are not "
                                  "supported: the default graph is the union of all documents")
            try:
                kind = _KINDS.get(prepare(sparql).algebra.name, "SELECT")
            except QueryError as e:
                message = str(e)
                status = HTTPStatus.FORBIDDEN if ("read-only" in message or "SERVICE" in message) else 400
                return self.error(status, message)
            media = choose_type(self.headers.get("Accept") or "", kind)
            if media is None:
                offered = ", ".join(_RESULT_TYPES if kind in ("SELECT", "ASK") else _GRAPH_TYPES)
                return self.error(HTTPStatus.NOT_ACCEPTABLE, f"cannot answer a {kind} query in the accepted "
                                  f"types; offered: {offered}")
            started = time.monotonic()
            status, ctype, body = pool.execute((sparql, kind, media, config.max_rows), config.timeout)
            log.debug("%s query answered %s in %.3f s", kind, status, time.monotonic() - started)
            self.reply(status, ctype, body)

    return Handler


def make_server(store: str | os.PathLike[str] | None = None, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                *, config: EndpointConfig | None = None, workers: int = 2) -> ThreadingHTTPServer:
    """The endpoint as an unstarted :class:`http.server.ThreadingHTTPServer` (call
    ``serve_forever()``; ``server_close()`` also stops its workers). Port 0 picks a free port
    (read it back from ``server.server_address``). Raises :class:`kg.store.knowledge_store.StoreError` when the
    store cannot be opened.
    """
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(store, read_only=True) as ks:  # fail now, in the caller, if there is no store
        path = ks.path
    pool = _WorkerPool(path, max(1, workers))
    server = ThreadingHTTPServer((host, port), _handler(pool, config or EndpointConfig()))
    server.daemon_threads = True
    close = server.server_close

    def server_close() -> None:
        close()
        pool.close()

    server.server_close = server_close  # type: ignore[method-assign]
    return server


def serve(store: str | os.PathLike[str] | None = None, host: str = "127.0.0.1", port: int = DEFAULT_PORT, *,
          config: EndpointConfig | None = None, workers: int = 2,
          announce: Callable[[str], None] | None = None) -> None:
    """Run the endpoint until interrupted; ``announce`` is called with its URL once it listens."""
    server = make_server(store, host, port, config=config, workers=workers)
    bound_host, bound_port = server.server_address[:2]
    if announce is not None:
        announce(f"http://{bound_host}:{bound_port}/sparql")
    try:
        server.serve_forever()
    finally:
        server.server_close()
