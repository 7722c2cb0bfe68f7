"""The store, the batch build, exports and queries on small stores (fake extractor: no spaCy)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import rdflib
from conftest import fake_extract, run_cli
from rdflib import Graph, Literal, URIRef

import kg.store.export
from kg.build.batch import build
from kg.model.iris import document_iri, person_iri
from kg.model.namespaces import PKG, RDF, RDFS, SCHEMA
from kg.query.sparql import QueryError, parse_term, run_query
from kg.store.export import ExportError, export, serialize
from kg.store.knowledge_store import KnowledgeStore, StoreError, StoreLockedError, StoreMissingError

DOC_A = URIRef("https://w3id.org/policykg/id/doc/000000000000000a")
DOC_B = URIRef("https://w3id.org/policykg/id/doc/000000000000000b")
X = URIRef("https://w3id.org/policykg/id/person/0000000000000001")


def doc_graph(doc: URIRef, sha: str, *extra: tuple) -> Graph:
    g = Graph()
    g.add((doc, RDF.type, PKG.Document))
    g.add((doc, PKG.sha256, Literal(sha)))
    g.add((doc, SCHEMA.name, Literal(f"{sha}.txt")))
    for t in extra:
        g.add(t)
    return g


# ---------------------------------------------------------------------------------------------- store


def test_round_trip_and_exact_replacement(tmp_path):
    weird = Literal('引号"反斜杠\\换行\n}} . 😀', lang="zh")
    with KnowledgeStore(tmp_path / "s") as store:
        store.replace_document(
            DOC_A, doc_graph(DOC_A, "a", (X, RDFS.label, weird), (X, RDF.type, SCHEMA.Person))
        )
        store.replace_document(DOC_B, doc_graph(DOC_B, "b", (X, RDF.type, SCHEMA.Person)))
        rows = store.query("SELECT ?l WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }").rows
        assert rows == [(weird,)]
        assert store.document_hashes() == {"a": DOC_A, "b": DOC_B}
        assert store.quad_count() == 9 and store.triple_count() == 8  # X a Person is stated twice
        # replacing A drops exactly A's old triples and leaves B alone
        store.replace_document(DOC_A, doc_graph(DOC_A, "a2"))
        assert store.document_hashes() == {"a2": DOC_A, "b": DOC_B}
        assert not store.query("ASK { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }").boolean
        assert store.query("ASK { ?x a <https://schema.org/Person> }").boolean
        store.remove_document(DOC_B)
        assert store.named_graphs() == [DOC_A]
        assert store.entity_counts() == {"pkg:Document": 1}
    with KnowledgeStore(tmp_path / "s", read_only=True) as store:
        assert [r.sha256 for r in store.documents()] == ["a2"]
        with pytest.raises(StoreError, match="read-only"):
            store.remove_document(DOC_A)


def test_dataset_view_is_the_union(tmp_path):
    with KnowledgeStore(tmp_path / "s") as store:
        store.replace_document(DOC_A, doc_graph(DOC_A, "a", (X, RDF.type, SCHEMA.Person)))
        store.replace_document(DOC_B, doc_graph(DOC_B, "b", (X, RDF.type, SCHEMA.Person)))
        ds = store.dataset
        assert (X, RDF.type, SCHEMA.Person) in ds
        assert len(list(ds.query("SELECT DISTINCT ?x WHERE { ?x a schema:Person }"))) == 1


def test_documents_loaded_together_are_stored_as_if_loaded_one_by_one(tmp_path):
    """The build's bulk load of several new documents (one RocksDB ingestion) gives the store
    that one transaction per document gives: the same named graphs and the same union."""
    weird = Literal('引号"反斜杠\\换行\n😀', lang="zh")
    docs = [(DOC_A, doc_graph(DOC_A, "a", (X, RDFS.label, weird), (X, RDF.type, SCHEMA.Person))),
            (DOC_B, doc_graph(DOC_B, "b", (X, RDF.type, SCHEMA.Person)))]
    nts = [(iri, g.serialize(format="nt")) for iri, g in docs]
    with KnowledgeStore(tmp_path / "together") as store:
        store.load_new_documents(nts)
        together = sorted(str(q) for q in store.ox)
        assert store.quad_count() == 9 and store.triple_count() == 8  # X a Person: stated twice, once in the union
        assert store.verify().ok
        assert not list((tmp_path / "together").glob("bulk-*.sst"))  # every file was taken in
    with KnowledgeStore(tmp_path / "apart") as store:
        for iri, nt in nts:
            store.load_new_document(iri, nt)
        assert sorted(str(q) for q in store.ox) == together


def test_missing_store_and_second_writer(tmp_path):
    with pytest.raises(StoreMissingError, match="no knowledge store"):
        KnowledgeStore(tmp_path / "nothing", read_only=True)
    with KnowledgeStore(tmp_path / "s"):
        with pytest.raises(StoreLockedError, match="is locked by another process"):
            KnowledgeStore(tmp_path / "s")
        with KnowledgeStore(tmp_path / "s", read_only=True) as reader:  # readers beside a writer are fine
            assert reader.triple_count() == 0
    KnowledgeStore(tmp_path / "s").close()  # the lock is released on close


def test_not_a_store_folder(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("x")
    with pytest.raises(StoreError, match="holds no knowledge store"):
        KnowledgeStore(tmp_path / "docs")


def test_default_store_path(monkeypatch, tmp_path):
    from kg.store.knowledge_store import default_store_path

    monkeypatch.setenv("POLICYKG_STORE", str(tmp_path / "env-store"))
    assert default_store_path() == tmp_path / "env-store"
    monkeypatch.delenv("POLICYKG_STORE")
    monkeypatch.chdir(tmp_path)
    assert default_store_path() == tmp_path / "policykg-store"


# ---------------------------------------------------------------------------------------------- build


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fake_build(paths, store, **kw):
    return build(paths, store, progress=False, extract=fake_extract, **kw)


def docs(store_path: Path) -> dict[str, tuple[str, ...]]:
    with KnowledgeStore(store_path, read_only=True) as store:
        return {rec.sha256[:6]: rec.source_paths for rec in store.documents()}


def labels(store_path: Path) -> set[str]:
    with KnowledgeStore(store_path, read_only=True) as store:
        rows = run_query(store, "SELECT ?l WHERE { ?x a schema:Person ; rdfs:label ?l }").rows
        return {str(r[0]) for r in rows}


def test_build_is_incremental(tmp_path):
    src = tmp_path / "docs"
    write(src / "a.txt", "陈一清主持会议。")
    write(src / "b.txt", "胡衡华强调。")
    first = fake_build([src], tmp_path / "s")
    assert (first.seen, first.extracted, first.skipped_unchanged, first.ok) == (2, 2, 0, True)
    assert first.documents == 2 and first.facts["persons"] == 2 and first.entities["schema:Person"] == 2
    calls = []
    second = build([src], tmp_path / "s", progress=False, extract=lambda t, d: calls.append(t))
    assert (second.extracted, second.skipped_unchanged, calls) == (0, 2, [])
    assert second.triples == first.triples


def test_changed_file_replaces_its_document(tmp_path):
    a = write(tmp_path / "docs" / "a.txt", "陈一清主持会议。")
    fake_build([a], tmp_path / "s")
    assert labels(tmp_path / "s") == {"陈一清"}
    write(a, "胡衡华强调要加强。")
    summary = fake_build([a], tmp_path / "s")
    assert (summary.extracted, summary.replaced, summary.documents) == (1, 1, 1)
    assert labels(tmp_path / "s") == {"胡衡华"}


def test_identical_content_under_two_paths_is_stored_once(tmp_path):
    a = write(tmp_path / "docs" / "a.txt", "陈一清主持会议。")
    b = write(tmp_path / "docs" / "copy" / "b.txt", "陈一清主持会议。")
    summary = fake_build([tmp_path / "docs"], tmp_path / "s")
    assert (summary.extracted, summary.duplicates, summary.documents) == (1, 1, 1)
    (paths,) = docs(tmp_path / "s").values()
    assert set(paths) == {str(a), str(b)}
    # changing one copy leaves the other's document in place
    write(b, "胡衡华强调要加强。")
    summary = fake_build([tmp_path / "docs"], tmp_path / "s")
    assert summary.documents == 2 and labels(tmp_path / "s") == {"陈一清", "胡衡华"}
    assert sorted(docs(tmp_path / "s").values()) == sorted([(str(a),), (str(b),)])


def test_prune_removes_documents_whose_file_is_gone(tmp_path):
    a = write(tmp_path / "docs" / "a.txt", "陈一清主持会议。")
    b = write(tmp_path / "docs" / "b.txt", "胡衡华强调。")
    fake_build([tmp_path / "docs"], tmp_path / "s")
    b.unlink()
    kept = fake_build([tmp_path / "docs"], tmp_path / "s")
    assert kept.documents == 2 and kept.pruned == 0  # without --prune nothing is forgotten
    pruned = fake_build([tmp_path / "docs"], tmp_path / "s", prune=True)
    assert (pruned.pruned, pruned.documents) == (1, 1)
    assert labels(tmp_path / "s") == {"陈一清"} and a.exists()


def test_failures_are_recorded_and_the_batch_goes_on(tmp_path):
    write(tmp_path / "docs" / "good.txt", "陈一清主持会议。")
    (tmp_path / "docs" / "empty.txt").write_bytes(b"")
    (tmp_path / "docs" / "data.json").write_text("{}")
    summary = fake_build([tmp_path / "docs", tmp_path / "missing.txt"], tmp_path / "s")
    assert not summary.ok and summary.extracted == 1
    reasons = {Path(f.path).name: f.reason for f in summary.failed}
    assert set(reasons) == {"empty.txt", "missing.txt"}
    assert [Path(f.path).name for f in summary.ignored] == ["data.json"]
    assert json.loads(json.dumps(summary.to_dict()))["ok"] is False


def test_extraction_error_is_a_failure_not_a_crash(tmp_path):
    write(tmp_path / "docs" / "a.txt", "陈一清主持会议。")
    write(tmp_path / "docs" / "b.txt", "胡衡华强调。")

    def flaky(text, date):
        if text.startswith("胡"):
            raise RuntimeError("boom")
        return fake_extract(text, date)

    summary = build([tmp_path / "docs"], tmp_path / "s", progress=False, extract=flaky)
    assert summary.extracted == 1 and [f.reason for f in summary.failed] == [
        "extraction failed: RuntimeError: boom"
    ]
    # the failed file is retried by the next build
    assert fake_build([tmp_path / "docs"], tmp_path / "s").extracted == 1


# ---------------------------------------------------------------------------------------------- export


@pytest.fixture
def small_store(tmp_path) -> Path:
    write(tmp_path / "docs" / "a.txt", "陈一清主持会议。")
    write(tmp_path / "docs" / "b.txt", "胡衡华强调。")
    fake_build([tmp_path / "docs"], tmp_path / "s")
    return tmp_path / "s"


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "named"),
    [
        ("turtle", "turtle", False),
        ("nt", "nt", False),
        ("jsonld", "json-ld", False),
        ("trig", "trig", True),
        ("nq", "nquads", True),
    ],
)
def test_export_formats_parse(small_store, tmp_path, fmt, rdflib_format, named):
    out = tmp_path / f"kg.{fmt}"
    with KnowledgeStore(small_store, read_only=True) as store:
        export(store, fmt, out)
        expected = store.triple_count()
    ds = rdflib.Dataset()
    ds.parse(out, format=rdflib_format)
    ds.default_union = True
    assert len(set(ds.triples((None, None, None)))) == expected
    graphs = {g.identifier for g in ds.graphs() if len(g)}
    assert (document_iri("0" * 64).__class__ is URIRef) and (len(graphs) == 2 if named else True)
    assert (person_iri("陈一清", "500000"), RDF.type, SCHEMA.Person) in ds


def test_export_is_deterministic(small_store, tmp_path):
    with KnowledgeStore(small_store, read_only=True) as store:
        first = {f: b"".join(serialize(store, f)) for f in ("turtle", "nt", "nq", "trig", "jsonld")}
        again = {f: b"".join(serialize(store, f)) for f in first}
    assert first == again
    lines = first["nq"].splitlines()
    assert lines == sorted(lines)
    assert first["turtle"].startswith(b"@prefix")


def test_failed_export_leaves_the_old_file(small_store, tmp_path, monkeypatch):
    out = tmp_path / "kg.ttl"
    out.write_text("old content")

    def broken(store, fmt):
        yield b"@prefix half: <written> .\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(kg.store.export, "serialize", broken)
    with KnowledgeStore(small_store, read_only=True) as store, pytest.raises(ExportError, match="No space"):
        export(store, "turtle", out)
    assert out.read_text() == "old content"
    assert os.listdir(tmp_path).count("kg.ttl") == 1 and not [p for p in os.listdir(tmp_path) if ".part" in p]


def test_unknown_export_format(small_store):
    with (
        KnowledgeStore(small_store, read_only=True) as store,
        pytest.raises(ExportError, match="unknown export"),
    ):
        export(store, "rdfxml", None)


# ---------------------------------------------------------------------------------------------- query


def test_query_with_project_prefixes_and_parameters(small_store):
    with KnowledgeStore(small_store, read_only=True) as store:
        r = run_query(
            store, "SELECT ?p WHERE { ?p a schema:Person ; rdfs:label ?name }", {"name": '"陈一清"@zh'}
        )
        assert r.rows == [(person_iri("陈一清", "500000"),)]
        # a projected parameter goes to Oxigraph's substitution, an unprojected one to rdflib: same answer
        r2 = run_query(
            store,
            "SELECT ?p ?name WHERE { ?p a schema:Person ; rdfs:label ?name }",
            {"name": Literal("陈一清", lang="zh")},
        )
        assert [row[0] for row in r2.rows] == [r.rows[0][0]]
        # the value is a term, never query text
        assert run_query(store, "SELECT ?p WHERE { ?p rdfs:label ?name }",
                         {"name": Literal('"} UNION { ?p ?q ?r }', lang="zh")}).rows == []
        with pytest.raises(QueryError, match="nothing in the store is named"):  # a name, looked up as one
            run_query(store, "SELECT ?p WHERE { ?p rdfs:label ?name }", {"name": 'x" } ?p ?q ?r { "'})
        with pytest.raises(QueryError, match="RDF literal"):
            run_query(store, "SELECT ?p WHERE { ?p rdfs:label ?name }", {"name": '"x" } ?p ?q ?r {'})
        count = run_query(
            store,
            "SELECT (COUNT(?p) AS ?n) WHERE { ?p a schema:Person ; rdfs:label ?l }",
            {"l": '"胡衡华"@zh'},
        )
        assert int(count.rows[0][0]) == 1
        # a query's own PREFIX wins over the predeclared one
        own = run_query(store, "PREFIX schema: <http://schema.org/> ASK { ?p a schema:Person }")
        assert own.boolean is False


def test_result_formats(small_store):
    with KnowledgeStore(small_store, read_only=True) as store:
        r = run_query(store, "SELECT ?p ?l WHERE { ?p a schema:Person ; rdfs:label ?l } ORDER BY ?l")
    table = r.render("table").splitlines()
    assert table[0].split("|")[0].strip() == "p" and table[-1] == "(2 rows)"
    assert any("person:" in line and "陈一清" in line for line in table)
    csv_lines = r.render("csv").splitlines()
    assert csv_lines[0] == "p,l" and csv_lines[1].startswith("https://w3id.org/policykg/id/person/")
    data = json.loads(r.render("json"))
    assert data["head"]["vars"] == ["p", "l"]
    first = data["results"]["bindings"][0]
    assert first["p"]["type"] == "uri" and first["l"] == {
        "type": "literal",
        "value": first["l"]["value"],
        "xml:lang": "zh",
    }


def test_ask_and_construct(small_store):
    with KnowledgeStore(small_store, read_only=True) as store:
        ask = run_query(store, "ASK { ?p a pkg:Official }")
        built = run_query(
            store, "CONSTRUCT { ?p rdfs:label ?l } WHERE { ?p a schema:Person ; rdfs:label ?l }"
        )
    assert ask.render("table") == "true" and json.loads(ask.render("json")) == {"head": {}, "boolean": True}
    assert len(built) == 2 and "陈一清" in built.render("table")


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", "updates are not allowed"),
        ("DROP ALL", "updates are not allowed"),
        ("LOAD <http://example.org/x.ttl>", "updates are not allowed"),
        ("CLEAR DEFAULT", "updates are not allowed"),
        ("DELETE WHERE { ?s ?p ?o }", "updates are not allowed"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELEC ?x WHERE { ?x ?p ?o }", "malformed SPARQL query"),
        ("SELECT ?x WHERE { ?x nope:p ?o }", "malformed SPARQL query"),
        ("   ", "empty query"),
    ],
)
def test_refused_queries(small_store, sparql, message):
    with KnowledgeStore(small_store, read_only=True) as store, pytest.raises(QueryError, match=message):
        run_query(store, sparql)


def test_store_query_rejects_updates_itself(small_store):
    with KnowledgeStore(small_store, read_only=True) as store, pytest.raises(SyntaxError):
        store.query("DROP ALL")


def test_parse_term():
    assert parse_term("id:district/500111") == URIRef("https://w3id.org/policykg/id/district/500111")
    assert parse_term('"大足区"@zh') == Literal("大足区", lang="zh")
    assert parse_term("<http://x>") == URIRef("http://x")
    assert parse_term("3.5").toPython() == pytest.approx(3.5)
    assert parse_term("大足区") == Literal("大足区")
    with pytest.raises(QueryError):
        parse_term('"unterminated')


def test_copying_a_closed_store_works(small_store, tmp_path):
    shutil.copytree(small_store, tmp_path / "copy")
    with KnowledgeStore(tmp_path / "copy", read_only=True) as store:
        assert len(store.documents()) == 2


def test_push_keeps_a_real_graph_store_equal_to_the_store(oxigraph_server, tmp_path):
    from conftest import server_count

    docs = tmp_path / "docs"
    docs.mkdir()
    for i, name in enumerate(["林一鸣", "高文静", "邓子涵"]):
        (docs / f"d{i}.txt").write_text(f"{name}出席会议。\n", encoding="utf-8")
    store, url = tmp_path / "s", f"{oxigraph_server}/store"
    fake_build([docs], store)
    quads = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    first = run_cli("push", url, "--store", store)
    assert first.returncode == 0, first.stderr
    assert "3 graphs sent, 0 deleted, 0 unchanged" in first.stdout
    assert server_count(oxigraph_server, graphs) == 3
    again = run_cli("push", url, "--store", store)
    assert "0 graphs sent, 0 deleted, 3 unchanged" in again.stdout

    (docs / "d1.txt").unlink()
    (docs / "d2.txt").write_text("邓子涵主持会议。\n", encoding="utf-8")
    fake_build([docs], store, prune=True)
    second = run_cli("push", url, "--store", store)
    assert "1 graphs sent, 2 deleted, 1 unchanged" in second.stdout  # changed content is a new document
    with KnowledgeStore(store, read_only=True) as s:
        local_quads, local_graphs = s.quad_count(), len(s.named_graphs())
    assert (server_count(oxigraph_server, quads), server_count(oxigraph_server, graphs)) == (local_quads, local_graphs)
    full = run_cli("push", url, "--store", store, "--all")
    assert "2 graphs sent" in full.stdout
    assert server_count(oxigraph_server, quads) == local_quads


def test_push_to_an_unreachable_endpoint_is_one_line(tmp_path):
    from conftest import free_port

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("林一鸣出席会议。\n", encoding="utf-8")
    fake_build([docs], tmp_path / "s")
    out = run_cli("push", f"http://127.0.0.1:{free_port()}/store", "--store", tmp_path / "s")
    assert out.returncode == 1 and out.stderr.startswith("policykg: error: graph store: PUT")
