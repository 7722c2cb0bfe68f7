"""User SPARQL can neither change the store nor reach outside it; parameters are terms, never text;
queries have a deadline and a row limit. Checked on ``run_query``, the CLI and the HTTP endpoint."""

from __future__ import annotations

import threading
import time
import typing
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef

from kg.model.namespaces import PKG, RDF, RDFS
from kg.query.sparql import QueryError, QueryTimeout, run_query
from kg.store.knowledge_store import KnowledgeStore

HOSTILE = ['" } ; DROP ALL ; #', "<http://x>", '"quoted"', "'single'", "line\nbreak", "back\\slash",
           "} UNION { ?x ?p ?name }", "?name", "$name", '"x"@zh', "id:person/1", "42", "", "😀\u0000\ue000"]
DOC = URIRef("https://w3id.org/policykg/id/doc/00000000000000aa")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("qs") / "s"
    g = Graph()
    g.add((DOC, RDF.type, PKG.Document))
    g.add((DOC, PKG.sha256, Literal("aa")))
    for i, text in enumerate(HOSTILE):
        g.add((URIRef(f"http://item/{i}"), RDFS.label, Literal(text)))
    for i in range(60):  # enough triples for a slow cross product
        g.add((URIRef(f"http://n/{i}"), RDFS.comment, Literal(str(i))))
    with KnowledgeStore(path) as store:
        store.replace_document(DOC, g)
    return path


@pytest.fixture(scope="module")
def store(store_path):
    with KnowledgeStore(store_path, read_only=True) as s:
        yield s


def expected(value: str) -> list[URIRef]:
    return [URIRef(f"http://item/{i}") for i, text in enumerate(HOSTILE) if text == value]


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)))
def test_parameters_are_terms_never_query_text(store, value):
    before = store.triple_count()
    for sparql in ("SELECT ?x WHERE { ?x rdfs:label ?name }",            # unprojected
                   "SELECT ?x ?name WHERE { ?x rdfs:label ?name }",      # projected
                   "SELECT ?x WHERE { { SELECT ?x WHERE { ?x rdfs:label ?l FILTER(?l = ?name) } } }"):  # subquery
        rows = run_query(store, sparql, {"name": Literal(value)}, timeout=None).rows
        assert sorted(r[0] for r in rows) == expected(value)
    assert store.triple_count() == before


def test_string_parameters_are_read_as_terms_or_refused(store):
    for value in HOSTILE:
        try:
            rows = run_query(store, "SELECT ?x WHERE { ?x rdfs:label ?name }", {"name": value}).rows
        except QueryError as e:
            assert "RDF" in str(e)  # a string that looks like a broken literal is refused, clearly
            continue
        assert all(str(r[0]).startswith("http://item/") for r in rows)


class _Recorder(BaseHTTPRequestHandler):
    hits: typing.ClassVar[list[str]] = []

    def do_GET(self):  # any request is a failure of the test
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def trap():
    """A local HTTP server that records any request made to it."""
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Recorder.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    assert _Recorder.hits == [], "the store made a network request"


def refused(url: str) -> list[tuple[str, str]]:
    return [
        (f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "SERVICE"),
        (f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?q ?r }} }} }}", "SERVICE"),
        (f"ASK {{ FILTER EXISTS {{ {{ SELECT ?s {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}", "SERVICE"),
        (f"LOAD <{url}x.ttl>", "updates are not allowed"),
        (f"LOAD <file:///etc/passwd> INTO GRAPH <{url}>", "updates are not allowed"),
        (f"SELECT * FROM <{url}x.ttl> WHERE {{ ?s ?p ?o }}", "not a document graph"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "not a document graph"),
        ("CONSTRUCT { ?s ?p ?o } FROM <file:///etc/hosts> WHERE { ?s ?p ?o }", "not a document graph"),
        ("DROP ALL", "updates are not allowed"),
    ]


def test_run_query_refuses_service_load_and_foreign_from(store, trap):
    for sparql, message in refused(trap):
        with pytest.raises(QueryError, match=message):
            run_query(store, sparql)
        with pytest.raises(QueryError, match=message):  # also with a parameter bound
            run_query(store, sparql, {"zz": "1"})
    # FROM a graph of this store is fine
    assert run_query(store, f"ASK FROM <{DOC}> {{ ?s a pkg:Document }}").boolean is True
    assert run_query(store, f"ASK FROM <{DOC}> WHERE {{ ?s a ?t }}", {"t": "pkg:Document"}).boolean is True
    assert store.triple_count() > 60


def test_cli_refuses_service_and_load(store_path, trap):
    for sparql, message in refused(trap)[:5:3]:  # SERVICE and LOAD
        done = run_cli("query", "--store", store_path, sparql)
        assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_http_endpoint_refuses_service_and_load(store_path, trap):
    from kg.serve.endpoint import make_server

    server = make_server(store_path, port=0, workers=1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        for sparql, _ in refused(trap):
            request = urllib.request.Request(base, data=sparql.encode(), method="POST",
                                             headers={"Content-Type": "application/sparql-query"})
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(request, timeout=30)
            assert err.value.code in (400, 403), sparql
        update = urllib.request.Request(base, data=f"LOAD <{trap}x>".encode(), method="POST",
                                        headers={"Content-Type": "application/sparql-update"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(update, timeout=30)
        assert err.value.code == 403
    finally:
        server.shutdown()
        server.server_close()


SLOW = "SELECT * WHERE { ?a rdfs:comment ?b . ?c rdfs:comment ?d . ?e rdfs:comment ?f . ?g rdfs:comment ?h }"


def test_timeout_abandons_the_query_and_its_worker_stops(store):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"timed out after 0\.3 s"):
        run_query(store, SLOW, timeout=0.3)
    assert time.monotonic() - started < 2
    deadline = time.monotonic() + 5  # the abandoned worker quits at its next row
    while any(t.name == "policykg-query" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "policykg-query" for t in threading.enumerate())


def test_row_limit_truncates_with_a_clear_message(store, store_path):
    result = run_query(store, SLOW, max_rows=5)
    assert len(result.rows) == 5 and result.truncated == 5
    assert result.render("table").endswith("(5 rows, truncated: more than the limit of 5)")
    assert run_query(store, "SELECT ?x WHERE { ?x rdfs:label ?l }", max_rows=100).truncated is None
    done = run_cli("query", "--store", store_path, "--timeout", "0.5", "--max-rows", "0", SLOW)
    assert done.returncode == 1 and "timed out" in done.stderr
    done = run_cli("query", "--store", store_path, "--max-rows", "3", "-F", "csv", SLOW)
    assert done.returncode == 0 and len(done.stdout.splitlines()) == 4
    assert "result truncated to 3 rows" in done.stderr


@pytest.mark.parametrize("sparql, expect", [
    ("SELECT ?x { ?x rdfs:label ?name }", 1),                                  # no WHERE keyword
    ("ASK WHERE { ?x rdfs:label ?name }", True),
    ("CONSTRUCT { ?x rdfs:label ?name } WHERE { ?x rdfs:label ?name }", 1),
    ("CONSTRUCT WHERE { ?x rdfs:label ?name }", 1),                            # short form
    ("DESCRIBE ?x WHERE { ?x rdfs:label ?name }", 1),
    ("SELECT ?x WHERE { ?x rdfs:label ?l FILTER(?l = ?name && ?l != '{ WHERE }') } # SELECT {", 1),
    ("SELECT ?x WHERE { ?x rdfs:label ?l . { SELECT ?l WHERE { ?y rdfs:label ?l FILTER(?l = ?name) } } }", 1),
])
def test_parameters_are_bound_in_every_query_form(store, sparql, expect):
    result = run_query(store, sparql, {"name": Literal("'single'")})
    got = result.boolean if result.kind == "ASK" else len(result.rows or result.graph or [])
    assert got == expect


def test_parameters_that_are_not_terms_are_refused(store):
    for bad in (URIRef("http://x/> } SERVICE <http://y/"), URIRef("http://x/a b")):
        with pytest.raises(QueryError, match="not a valid IRI"):
            run_query(store, "SELECT ?x WHERE { ?x ?p ?o }", {"o": bad})
    with pytest.raises(QueryError, match="only IRIs and literals"):
        run_query(store, "SELECT ?x WHERE { ?x ?p ?o }", {"o": BNode()})
    with pytest.raises(QueryError, match="not a SPARQL variable name"):
        run_query(store, "SELECT ?x WHERE { ?x ?p ?o }", {"o o": "1"})
    with pytest.raises(QueryError, match="need a WHERE pattern"):
        run_query(store, f"DESCRIBE <{DOC}>", {"o": "1"})
