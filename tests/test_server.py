"""`policykg serve` end to end: a subprocess on a free localhost port, queried over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from kg.query.sparql import run_query
from kg.store.knowledge_store import KnowledgeStore

ROOT = Path(__file__).resolve().parents[1]
OFFICIALS = """SELECT ?name ?post WHERE { ?p a pkg:Official ; rdfs:label ?name ; org:holds/rdfs:label ?post }
ORDER BY ?name ?post"""


@pytest.fixture(scope="module")
def endpoint(seed_build):
    """The URL of a running `policykg serve` over the seed store (2 s timeout, 5000 rows at most)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(seed_build.store), "--port", "0", "--timeout", "2",
         "--max-rows", "5000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(90)
    if not first or "http://" not in first[0]:
        proc.kill()
        pytest.fail(f"server did not start: {first} {proc.stderr.read() if proc.poll() is not None else ''}")
    url = first[0].split(" on ", 1)[1].split()[0]
    assert url.startswith("http://127.0.0.1:")
    yield url
    proc.terminate()
    proc.wait(20)


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def get(endpoint: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, str, str]:
    return http(f"{endpoint}?{urllib.parse.urlencode({'query': query})}", headers={"Accept": accept})


def test_sparqlwrapper_results_equal_the_in_process_query(endpoint, seed_build):
    client = SPARQLWrapper(endpoint)
    client.setQuery(OFFICIALS)
    client.setReturnFormat(JSON)
    remote = [(b["name"]["value"], b["post"]["value"]) for b in client.queryAndConvert()["results"]["bindings"]]
    with KnowledgeStore(seed_build.store, read_only=True) as store:
        local = [(str(n), str(p)) for n, p in run_query(store, OFFICIALS).rows]
    assert remote == local and ("陈一清", "大足区委书记") in remote


def test_sparqlwrapper_post_csv_ask_and_construct(endpoint):
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery('SELECT ?code WHERE { ?d rdfs:label "大足区"@zh ; pkg:adminCode ?code }')
    client.setReturnFormat(CSV)
    assert client.queryAndConvert().decode("utf-8").split() == ["code", "500111"]
    client.setQuery("ASK { ?p a pkg:Official ; rdfs:label ?n FILTER(?n = '陈一清'@zh) }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery('CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d pkg:adminCode "500111" ; rdfs:label ?l }')
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert set(graph.objects()) == {Literal("大足区", lang="zh")}


def test_protocol_variants(endpoint):
    query = 'SELECT ?n WHERE { ?d pkg:adminCode "500111" ; rdfs:label ?n }'
    status, ctype, body = http(endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "大足区"
    form = urllib.parse.urlencode({"query": query}).encode()
    status, ctype, body = http(endpoint, data=form, headers={"Accept": "text/tab-separated-values",
                                                             "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and ctype.startswith("text/tab-separated-values") and '"大足区"@zh' in body
    status, _, body = get(endpoint, query, accept="application/sparql-results+xml")
    assert status == 200 and "<literal xml:lang=\"zh\">大足区</literal>" in body
    assert get(endpoint, query, accept="image/png")[0] == 406
    assert get(endpoint, "SELECT ?x WHERE { ?x")[0] == 400
    assert http(endpoint.rsplit("/", 1)[0] + "/")[0] == 200  # a page with a query form


def test_updates_are_refused_and_the_store_is_unchanged(endpoint, seed_build):
    with KnowledgeStore(seed_build.store, read_only=True) as store:
        before = store.triple_count()
    update = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"
    client = SPARQLWrapper(endpoint)
    client.setMethod("POST")
    client.setQuery(update)
    with pytest.raises(urllib.error.HTTPError) as err:
        client.query()
    assert err.value.code == 403
    for data, ctype in [(update.encode(), "application/sparql-update"),
                        (urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"),
                        (update.encode(), "application/sparql-query")]:
        status, _, body = http(endpoint, data=data, headers={"Content-Type": ctype})
        assert status == 403 and ("read-only" in body), (ctype, body)
    assert get(endpoint, "DROP ALL")[0] == 403
    assert http(endpoint, data=b"x", method="PUT")[0] == 405
    assert http(endpoint, method="DELETE")[0] == 405
    status, _, body = get(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert status == 403 and "SERVICE" in body
    assert get(endpoint, 'ASK { <urn:x> <urn:y> <urn:z> }')[2].find("false") > 0
    with KnowledgeStore(seed_build.store, read_only=True) as store:
        assert store.triple_count() == before


def test_timeout_cancels_a_runaway_query_and_the_endpoint_recovers(endpoint):
    started = time.monotonic()
    status, _, body = get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status == 503 and "timeout" in body
    assert time.monotonic() - started < 15
    status, _, body = get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?p a pkg:Official }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "18"


def test_results_over_the_row_limit_are_refused_not_cut(endpoint):
    status, _, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }")  # 7257 triples > 5000
    assert status == 400 and "more than 5000 rows" in body
    status, _, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 5000")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5000


COUNT_DOCS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pkg:Document }"


def _count(endpoint: str) -> int:
    status, _, body = get(endpoint, COUNT_DOCS)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_a_reader_refreshes_to_the_newest_snapshot(tmp_path):
    from conftest import fake_extract

    from kg.build.batch import build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("李文涛到会。\n", encoding="utf-8")
    build([docs], tmp_path / "s", progress=False, extract=fake_extract)
    with KnowledgeStore(tmp_path / "s", read_only=True) as reader:
        first = reader.snapshot
        assert not reader.is_stale() and not reader.refresh()
        (docs / "b.txt").write_text("张雨桐到会。\n", encoding="utf-8")
        build([docs], tmp_path / "s", progress=False, extract=fake_extract)
        assert reader.triple_count() > 0 and len(reader.named_graphs()) == 1  # still its snapshot
        assert reader.is_stale() and reader.refresh()
        assert reader.snapshot != first and len(reader.named_graphs()) == 2


def test_serve_answers_with_a_build_that_ends_after_it_started(tmp_path):
    from conftest import fake_extract

    from kg.build.batch import build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("李文涛到会。\n", encoding="utf-8")
    store = tmp_path / "s"
    build([docs], store, progress=False, extract=fake_extract)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", "0",
                             "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        url = line.split(" on ", 1)[1].split()[0]
        assert _count(url) == 1
        (docs / "b.txt").write_text("张雨桐到会。\n", encoding="utf-8")
        (docs / "c.txt").write_text("王嘉禾到会。\n", encoding="utf-8")
        build([docs], store, progress=False, extract=fake_extract)  # the server is never restarted
        assert _count(url) == 3
    finally:
        proc.terminate()
        proc.wait(20)
