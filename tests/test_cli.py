"""The command line end to end, in subprocesses, on the real seed build (built once per session)."""

from __future__ import annotations

import json
import subprocess

import rdflib
from conftest import run_cli, run_python

from kg.model.namespaces import ORG, PKG, PROV, RDF, SCHEMA
from kg.store.knowledge_store import KnowledgeStore

CONTRACT_CLASSES = (
    "schema:Person",
    "org:Post",
    "org:Role",
    "org:Organization",
    "schema:AdministrativeArea",
    "pkg:Document",
)


def test_build_summary(seed_build):
    s = seed_build.summary
    assert s["ok"] and s["seen"] == 5 and s["extracted"] == 5 and s["documents"] == 5
    assert s["triples"] > 1000 and s["entities"]["pkg:Document"] == 5
    for cls in CONTRACT_CLASSES:
        assert s["entities"].get(cls, 0) > 0, cls
    assert "Traceback" not in seed_build.stderr


def test_rebuild_is_idempotent_and_extracts_nothing(seed_build, tmp_path):
    store = seed_build.copy_store(tmp_path / "store")
    before = run_cli("export", "--store", store, "--format", "nq")
    # in a fresh interpreter, so that "spaCy was never imported" is observable
    script = (
        "import json, sys\nfrom kg.build.batch import build\n"
        f"s = build([{str(seed_build.seeds)!r}], {str(store)!r}, progress=False)\n"
        "print(json.dumps({'summary': s.to_dict(), 'spacy': 'spacy' in sys.modules,"
        " 'pipeline': 'extractors.pipeline' in sys.modules}))"
    )
    done = run_python("-c", script, timeout=300)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["summary"]["skipped_unchanged"] == 5 and out["summary"]["extracted"] == 0
    assert not out["spacy"] and not out["pipeline"]
    after = run_cli("export", "--store", store, "--format", "nq")
    assert before.returncode == after.returncode == 0
    assert before.stdout.encode() == after.stdout.encode() and before.stdout.count("\n") > 1000


def test_export_turtle_meets_the_contract(seed_build, tmp_path):
    out = tmp_path / "kg.ttl"
    done = run_cli("export", "--store", seed_build.store, "--format", "turtle", "-o", out)
    assert done.returncode == 0, done.stderr
    g = rdflib.Graph().parse(out, format="turtle")
    posts = set(g.subjects(RDF.type, ORG.Post))
    assert posts and all(g.value(p, PROV.wasDerivedFrom) is not None for p in posts)
    assert all(g.value(p, ORG.role) is not None for p in posts)
    amounts = set(g.subjects(RDF.type, SCHEMA.MonetaryAmount))
    assert all(g.value(a, PROV.wasDerivedFrom) is not None and g.value(a, PKG.evidence) for a in amounts)
    # the evidence sentence of every post is reachable from the post
    for p in posts:
        evidence = g.value(p, PKG.evidence)
        assert str(g.value(evidence, PKG.sentence))
    assert len(set(g.subjects(RDF.type, PKG.Document))) == 5


def test_export_formats_via_cli(seed_build, tmp_path):
    for fmt, parse_as in (("trig", "trig"), ("nt", "nt"), ("nq", "nquads"), ("jsonld", "json-ld")):
        out = tmp_path / f"kg.{fmt}"
        assert run_cli("export", "--store", seed_build.store, "--format", fmt, "-o", out).returncode == 0
        ds = rdflib.Dataset()
        ds.parse(out, format=parse_as)
        assert len(ds) or sum(len(g) for g in ds.graphs()) > 1000


def test_query_formats(seed_build, tmp_path):
    q = (
        "SELECT ?name ?post WHERE { ?p a pkg:Official ; rdfs:label ?name ; org:holds/rdfs:label ?post }"
        " ORDER BY ?name"
    )
    table = run_cli("query", "--store", seed_build.store, q)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].startswith("name") and "rows)" in table.stdout
    csv_out = run_cli("query", "--store", seed_build.store, q, "--format", "csv")
    assert csv_out.stdout.splitlines()[0] == "name,post"
    data = json.loads(run_cli("query", "--store", seed_build.store, q, "--format", "json").stdout)
    assert data["head"]["vars"] == ["name", "post"] and data["results"]["bindings"]
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a pkg:Document }", encoding="utf-8")
    from_file = run_cli("query", "--store", seed_build.store, "-f", rq, "--format", "csv")
    assert from_file.stdout.splitlines()[1] == "5"


def test_query_parameters(seed_build):
    first = json.loads(
        run_cli(
            "query",
            "--store",
            seed_build.store,
            "--format",
            "json",
            "SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } LIMIT 1",
        ).stdout
    )
    name = first["results"]["bindings"][0]["name"]["value"]
    done = run_cli(
        "query",
        "--store",
        seed_build.store,
        "--format",
        "json",
        "--param",
        f'name="{name}"@zh',
        "SELECT ?p WHERE { ?p a schema:Person ; rdfs:label ?name }",
    )
    data = json.loads(done.stdout)
    assert len(data["results"]["bindings"]) == 1


def test_stats(seed_build):
    done = run_cli("stats", "--store", seed_build.store, "--json")
    stats = json.loads(done.stdout)
    assert stats["documents"] == 5 and stats["triples"] == seed_build.summary["triples"]
    text = run_cli("stats", "--store", seed_build.store).stdout
    assert "documents: 5" in text and "schema:Person" in text


def one_line_error(done: subprocess.CompletedProcess[str], needle: str) -> None:
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("policykg: error:") and needle in lines[0], done.stderr


def test_user_errors_are_one_line(seed_build, tmp_path):
    store = seed_build.store
    done = run_cli("query", "--store", store, "SELECT ?x WHERE { ?x ?p }")
    # a syntax error is one message, then the query's line with a caret under the spot
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].startswith("policykg: error: malformed SPARQL query at line 1, column 25")
    assert done.stderr.splitlines()[1:] == ["  SELECT ?x WHERE { ?x ?p }", " " * 26 + "^"]
    one_line_error(run_cli("query", "--store", store, "DROP ALL"), "updates are not allowed")
    one_line_error(run_cli("query", "--store", store, "INSERT DATA { <a:b> <a:c> <a:d> }"), "read-only")
    one_line_error(run_cli("query", "--store", tmp_path / "none", "ASK {}"), "no knowledge store")
    one_line_error(run_cli("stats", "--store", tmp_path / "none"), "no knowledge store")
    one_line_error(
        run_cli("query", "--store", store, "-f", tmp_path / "missing.rq"), "cannot read query file"
    )
    one_line_error(run_cli("export", "--store", store, "--format", "nt", "-o", tmp_path), "is a directory")


def test_locked_store(seed_build, tmp_path):
    store = seed_build.copy_store(tmp_path / "store")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("陈一清主持会议。", encoding="utf-8")
    with KnowledgeStore(store):  # this process is "the other build"
        one_line_error(run_cli("build", docs, "--store", store), "is locked by another process")
        assert run_cli("stats", "--store", store).returncode == 0  # reading beside a writer works


def test_store_from_environment(seed_build, tmp_path):
    done = run_cli("stats", "--json", env={"POLICYKG_STORE": str(seed_build.store)}, cwd=tmp_path)
    assert json.loads(done.stdout)["documents"] == 5


def test_read_commands_do_not_import_spacy(seed_build):
    script = (
        "import sys\nfrom kg.cli.main import main\n"
        f"main(['query', '--store', {str(seed_build.store)!r}, 'ASK {{ ?s ?p ?o }}'])\n"
        f"main(['stats', '--store', {str(seed_build.store)!r}])\n"
        f"main(['export', '--store', {str(seed_build.store)!r}, '--format', 'nt', '-o', '/dev/null'])\n"
        "print('SPACY' if 'spacy' in sys.modules or 'extractors.pipeline' in sys.modules else 'CLEAN')"
    )
    done = run_python("-c", script, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("CLEAN")


def test_usage_errors_exit_2():
    done = run_cli("export", "--format", "rdfxml")
    assert done.returncode == 2 and "invalid choice" in done.stderr
    assert run_cli().returncode == 2


def test_two_fresh_builds_give_byte_identical_nquads(seed_build, tmp_path):
    again = run_cli("build", seed_build.seeds, "--store", tmp_path / "again", "--no-progress")
    assert again.returncode == 0, again.stderr
    first = run_cli("export", "--store", seed_build.store, "--format", "nq")
    second = run_cli("export", "--store", tmp_path / "again", "--format", "nq")
    assert first.stdout.count("\n") > 1000
    assert first.stdout.encode() == second.stdout.encode()
