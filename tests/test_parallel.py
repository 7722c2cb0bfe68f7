"""Parallel and distributed builds, and pushing graphs to an external Graph Store.

A ``--workers 2`` build and a Dask ``LocalCluster`` build of the seeds must give exactly the
graph of the single-process build (sorted N-Quads equal); a Graph Store push to a real Oxigraph
server must land every document graph, and a re-run shard must not duplicate anything.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import fake_extract, free_port, run_cli, server_count

from kg.build.batch import _Builder, build
from kg.build.workers import Extracted, extract_document, extract_documents
from kg.rdf.nquads import nquads_of
from kg.store.export import export
from kg.store.knowledge_store import KnowledgeStore


def nquads(store_path: Path, tmp: Path) -> bytes:
    out = tmp / f"{store_path.name}.nq"
    with KnowledgeStore(store_path, read_only=True) as store:
        export(store, "nq", out)
    return out.read_bytes()


def test_workers_2_build_is_identical_to_workers_1(seed_build, tmp_path):
    store = tmp_path / "w2"
    done = run_cli("build", seed_build.seeds, "--store", store, "--workers", "2", "--json", "--no-progress")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["extracted"] == seed_build.summary["extracted"] == 5
    assert summary["facts"] == seed_build.summary["facts"]
    assert nquads(store, tmp_path) == nquads(seed_build.store, tmp_path)
    with KnowledgeStore(store, read_only=True) as s:
        assert s.verify().ok
    again = run_cli("build", seed_build.seeds, "--store", store, "--workers", "2", "--json", "--no-progress")
    assert json.loads(again.stdout)["skipped_unchanged"] == 5  # incremental as ever; no worker started


def test_dask_local_cluster_build_is_identical(seed_build, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    store = tmp_path / "dask"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        summary = build([seed_build.seeds], store, scheduler=cluster.scheduler_address, progress=False)
    assert summary.ok and summary.extracted == 5
    assert summary.facts == seed_build.summary["facts"]
    assert nquads(store, tmp_path) == nquads(seed_build.store, tmp_path)


def test_parallel_build_with_a_custom_extractor_matches_sequential(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):
        (docs / f"d{i}.txt").write_text(f"{'陈胡张李王赵'[i]}一清主持会议。\n内容{i}。", encoding="utf-8")
    shutil.copy(docs / "d0.txt", docs / "twin.txt")  # a duplicate met while its twin is in flight
    (docs / "bad.txt").write_bytes(b"")
    one = build([docs], tmp_path / "one", progress=False, extract=fake_extract)
    two = build([docs], tmp_path / "two", progress=False, extract=fake_extract, workers=2)
    for s in (one, two):
        assert (s.extracted, s.duplicates, len(s.failed)) == (6, 1, 1)
    assert one.facts == two.facts
    assert nquads(tmp_path / "one", tmp_path) == nquads(tmp_path / "two", tmp_path)


def test_a_shard_run_twice_does_not_duplicate_facts(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("陈一清主持会议。", encoding="utf-8")
    result = extract_document(str(doc), str(doc), extract=fake_extract)
    assert isinstance(result, Extracted) and result.failure is None
    with KnowledgeStore(tmp_path / "s") as store:
        for _ in range(3):  # first a new document (loaded), then a stored one (replaced)
            from kg.build.batch import BuildSummary

            builder = _Builder(store, BuildSummary(), fake_extract)
            builder.commit(result)
            assert store.quad_count() == result.nt.count(" .\n")
            assert store.verify().ok


def test_files_extracted_together_give_each_file_its_own_graph(tmp_path):
    """One task of several files (the pipeline batches across them) = each file on its own;
    a bad file in the task fails alone, under its name."""
    texts = {"a.txt": "渝北区副区长林海峰出席签约仪式。\n区委副书记周晓明主持会议。",
             "b.txt": "大足区委书记、区长陈一清主持召开区政府常务会议，安排资金200万元。",
             "c.txt": "江津区委组织部部长王建华讲话，区人大常委会主任李晓红参加。"}
    files = []
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append((str(tmp_path / name), name))
    files.insert(1, (str(tmp_path / "missing.txt"), "missing.txt"))
    together = extract_documents(files)
    assert [r.key for r in together] == ["a.txt", "missing.txt", "b.txt", "c.txt"]
    assert together[1].failure and "missing.txt" not in {r.key for r in together if r.failure is None}
    for result in (together[0], together[2], together[3]):
        alone = extract_document(result.path, result.key)
        assert result.failure is None and result.nt == alone.nt and result.counts == alone.counts
        assert result.counts["persons"] > 0


def test_nquads_of_keeps_literals_with_spaces():
    nt = '<a:s> <a:p> "x y ." .\n<a:s> <a:q> "z"@zh .\n'
    assert nquads_of(nt, "a:g") == '<a:s> <a:p> "x y ." <a:g> .\n<a:s> <a:q> "z"@zh <a:g> .\n'


def test_workers_must_be_positive(tmp_path):
    done = run_cli("build", tmp_path, "--store", tmp_path / "s", "--workers", "0")
    assert done.returncode == 1 and "--workers" in done.stderr


# ---------------------------------------------------------------------- Graph Store Protocol
def test_build_pushes_document_graphs_to_an_oxigraph_server(oxigraph_server, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(4):
        (docs / f"d{i}.txt").write_text(f"{'陈胡张李'[i]}一清主持会议。\n内容{i}。", encoding="utf-8")
    url = f"{oxigraph_server}/store"
    quads = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    summary = build([docs], tmp_path / "s", progress=False, extract=fake_extract, graph_store=url)
    assert summary.ok
    with KnowledgeStore(tmp_path / "s", read_only=True) as store:
        local = store.quad_count()
    assert local > 0
    assert server_count(oxigraph_server, quads) == local
    assert server_count(oxigraph_server, graphs) == 4
    # a changed file replaces its graph there too; a pushed graph pushed again is not duplicated
    (docs / "d0.txt").write_text("赵一清主持会议。\n新内容。", encoding="utf-8")
    (docs / "d3.txt").unlink()
    summary = build([docs], tmp_path / "s", progress=False, extract=fake_extract, graph_store=url, prune=True)
    assert (summary.replaced, summary.pruned) == (1, 1)
    with KnowledgeStore(tmp_path / "s", read_only=True) as store:
        local = store.quad_count()
    assert server_count(oxigraph_server, quads) == local
    assert server_count(oxigraph_server, graphs) == 3


def test_an_unreachable_graph_store_is_an_error(tmp_path):
    from kg.store.graph_store_client import GraphStoreError

    (tmp_path / "a.txt").write_text("陈一清主持会议。", encoding="utf-8")
    port = free_port()  # nothing listens there
    with pytest.raises(GraphStoreError, match="PUT"):
        build([tmp_path / "a.txt"], tmp_path / "s", progress=False, extract=fake_extract,
              graph_store=f"http://127.0.0.1:{port}/store")
