"""Crash safety and concurrency: builds killed with SIGKILL at chosen points, two builds on one
store, readers beside a writer, and the union check/repair (fake extractor: no spaCy).

Kill points are deterministic: the child build kills itself from inside the extractor, the store
write or the snapshot rename (see ``CHILD``), never after a sleep.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, run_cli

from kg.store.export import serialize
from kg.store.knowledge_store import SNAPSHOTS, WRITING_MARKER, KnowledgeStore

TESTS = Path(__file__).resolve().parent

# A build in a child process. KILL says where it SIGKILLs itself:
#   extract:N   while extracting the N-th document (N-1 documents are stored)
#   write:N     during the N-th store transaction (a timer fires inside Oxigraph's update or load)
#   snapshot    while publishing the final snapshot for readers
#   wait:N      not a kill: block in the N-th extraction until the file GO exists
CHILD = r"""
import os, signal, sys, threading, time
sys.path.insert(0, {tests!r})
from conftest import fake_extract
from kg.build.batch import build
from kg.model.facts import DocumentFacts, Evidence, Person
from kg.store.knowledge_store import KnowledgeStore

kill = os.environ.get("KILL", "")
seen = {{"extract": 0, "write": 0}}

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def extract(text, date):
    seen["extract"] += 1
    n = seen["extract"]
    print(f"extracting {{n}}", flush=True)
    if kill == f"extract:{{n}}":
        die()
    if kill == f"wait:{{n}}":
        while not os.path.exists(os.environ["GO"]):
            time.sleep(0.02)
    facts = fake_extract(text, date)
    # many persons: a graph big enough that a write takes a while
    persons = [Person(f"人{{i}}{{text[:2]}}", False, "500000", (Evidence(0, 2, text[:2], 0, len(text)),))
               for i in range(int(os.environ.get("PERSONS", "0")))]
    return DocumentFacts(persons=facts.persons + persons)

apply = KnowledgeStore.apply
def killing_apply(self, ops):
    seen["write"] += 1
    if kill == f"write:{{seen['write']}}" and any("INSERT DATA" in op for op in ops):
        threading.Timer(0.005, die).start()  # fires while Oxigraph is inside the update
        time.sleep(0.001)
    return apply(self, ops)
KnowledgeStore.apply = killing_apply

load = KnowledgeStore.load_new_document
def killing_load(self, iri, nt):
    seen["write"] += 1
    if kill == f"write:{{seen['write']}}":
        threading.Timer(0.005, die).start()  # fires while Oxigraph is loading
        time.sleep(0.001)
    return load(self, iri, nt)
KnowledgeStore.load_new_document = killing_load

rename = os.rename
def killing_rename(src, dst):
    if kill == "snapshot" and "{snapshots}" in str(dst) and seen["extract"]:
        die()
    return rename(src, dst)
os.rename = killing_rename

s = build([sys.argv[1]], sys.argv[2], progress=False, extract=extract)
print("SUMMARY", s.documents, s.extracted, s.recovered, flush=True)
"""


def run_child(corpus: Path, store: Path, kill: str = "", persons: int = 0, go: Path | None = None,
              wait: bool = True) -> subprocess.Popen[str] | subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KILL": kill, "PERSONS": str(persons),
           "GO": str(go or "")}
    args = [sys.executable, "-c", CHILD.format(tests=str(TESTS), snapshots=SNAPSHOTS), str(corpus), str(store)]
    if not wait:
        return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)


def make_corpus(folder: Path, n: int = 5) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i}.txt").write_text(f"{'陈胡张李王'[i]}{'一二三四五'[i]}清主持第{i}次会议。\n内容{i}。",
                                           encoding="utf-8")
    return folder


def graphs(store_path: Path) -> dict[str, frozenset[str]]:
    """Each named graph's triples (N-Triples lines), read from the database itself."""
    with KnowledgeStore(store_path) as store:
        out: dict[str, set[str]] = {}
        for q in store.quads():
            out.setdefault(q.graph_name.value, set()).add(str(q.triple))
    return {g: frozenset(t) for g, t in out.items()}


def nquads(store_path: Path) -> bytes:
    with KnowledgeStore(store_path, read_only=True) as store:
        return b"".join(serialize(store, "nq"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, frozenset[str]], bytes]:
    """An uninterrupted build of the corpus every kill test uses."""
    base = tmp_path_factory.mktemp("crash")
    corpus = make_corpus(base / "corpus")
    done = run_child(corpus, base / "reference", persons=400)
    assert done.returncode == 0, done.stderr
    return corpus, graphs(base / "reference"), nquads(base / "reference")


@pytest.mark.parametrize("kill", ["extract:1", "extract:3", "write:2", "write:4", "snapshot"])
def test_killed_build_leaves_a_consistent_store_and_a_rerun_completes_it(reference, tmp_path, kill):
    corpus, ref_graphs, ref_nquads = reference
    store = tmp_path / "store"
    killed = run_child(corpus, store, kill=kill, persons=400)
    assert killed.returncode == -signal.SIGKILL, (killed.stdout, killed.stderr)
    assert (store / WRITING_MARKER).exists()  # the crash is visible to the next writer
    # readers work on the killed store (they see the last published snapshot)
    with KnowledgeStore(store, read_only=True) as reader:
        assert len(reader.named_graphs()) <= 5
    # every document graph is whole (identical to the uninterrupted build's) or absent
    found = graphs(store)  # opening as a writer also publishes a fresh snapshot
    assert set(found) <= set(ref_graphs)
    for g, triples in found.items():
        assert triples == ref_graphs[g], f"{kill}: graph {g} is partial"
    with KnowledgeStore(store) as writer:
        check = writer.verify()
        assert check.ok, check.format()  # union == union of named graphs: one transaction each
    # the rerun reports the recovery, extracts what is missing and reaches the same graph
    rerun = run_child(corpus, store, persons=400)
    assert rerun.returncode == 0, rerun.stderr
    assert "SUMMARY 5 " in rerun.stdout
    assert nquads(store) == ref_nquads
    assert not (store / WRITING_MARKER).exists()


def test_kill_points_land_where_they_say(reference, tmp_path):
    """The kill tests are not vacuous: the kill before document 3 keeps exactly two documents."""
    corpus, _, _ = reference
    killed = run_child(corpus, tmp_path / "s", kill="extract:3", persons=400)
    assert killed.stdout.split() == ["extracting", "1", "extracting", "2", "extracting", "3"]
    assert len(graphs(tmp_path / "s")) == 2


def test_two_concurrent_builds_one_gets_a_clear_locked_error(reference, tmp_path):
    corpus, _, ref_nquads = reference
    store, go = tmp_path / "store", tmp_path / "go"
    first = run_child(corpus, store, kill="wait:2", persons=400, go=go, wait=False)
    assert isinstance(first, subprocess.Popen)
    try:
        assert first.stdout is not None
        while first.stdout.readline().strip() != "extracting 2":  # first build holds the store now
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
        second = run_cli("build", corpus, "--store", store, "--no-progress", timeout=120)
        assert second.returncode == 1
        assert second.stderr.strip().splitlines() == [
            f"policykg: error: store {store} is locked by another process (a build still running?)"]
        # a reader beside the running build works and sees the published snapshot
        stats = run_cli("stats", "--json", "--store", store)
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["documents"] in (0, 1)
    finally:
        go.touch()
        _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert nquads(store) == ref_nquads  # no corruption from the refused second build


def test_readers_pin_their_snapshot(tmp_path):
    """A reader keeps its snapshot while the writer publishes newer ones; unpinned ones go."""
    nn = ox.NamedNode
    with KnowledgeStore(tmp_path / "s") as writer:
        writer.ox.add(ox.Quad(nn("http://a"), nn("http://p"), ox.Literal("1"), nn("http://g")))
        writer.publish_snapshot()
        reader = KnowledgeStore(tmp_path / "s", read_only=True)
        pinned = sorted(os.listdir(tmp_path / "s" / SNAPSHOTS))
        writer.ox.add(ox.Quad(nn("http://b"), nn("http://p"), ox.Literal("2"), nn("http://g")))
        writer.publish_snapshot()
        writer.publish_snapshot()
        snaps = sorted(os.listdir(tmp_path / "s" / SNAPSHOTS), key=int)
        assert pinned[-1] in snaps and len(snaps) == 2  # the reader's and the newest
        assert reader.quad_count() == 1  # its view does not move under it
        with KnowledgeStore(tmp_path / "s", read_only=True) as fresh:
            assert fresh.quad_count() == 2
        reader.close()
        writer.publish_snapshot()
        assert len(os.listdir(tmp_path / "s" / SNAPSHOTS)) == 1


# A bulk load of several new documents (what a build with workers writes) in a child process,
# SIGKILLed by a timer that fires inside it; then it sleeps, so that every run ends in the kill.
BULK_CHILD = r"""
import json, os, signal, sys, threading, time
from kg.store.knowledge_store import KnowledgeStore
docs = json.loads(open(sys.argv[2], encoding="utf-8").read())
store = KnowledgeStore(sys.argv[1])
print("loading", flush=True)
threading.Timer(float(sys.argv[3]), lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
store.load_new_documents(docs)
print("loaded", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("delay", [0.001, 0.02, 0.06, 1.0])
def test_a_killed_bulk_load_leaves_all_its_documents_or_none(reference, tmp_path, delay):
    _, ref_graphs, _ = reference
    docs = [(g, "".join(f"{t} .\n" for t in sorted(triples))) for g, triples in sorted(ref_graphs.items())]
    (tmp_path / "docs.json").write_text(json.dumps(docs), encoding="utf-8")
    store = tmp_path / "store"
    killed = subprocess.run([sys.executable, "-c", BULK_CHILD, str(store), str(tmp_path / "docs.json"), str(delay)],
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                            timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if delay == 0.001:
        assert killed.stdout.split() == ["loading"]  # the kill came inside the load
    found = graphs(store)  # the writer that opens the killed store cleans up after it
    assert found in ({}, ref_graphs), f"{len(found)} of {len(ref_graphs)} documents"
    assert not list(store.glob("bulk-*.sst"))
    with KnowledgeStore(store) as writer:
        assert writer.verify().ok
        if not found:  # none went in: loading them again completes the store
            writer.load_new_documents(docs)
    assert graphs(store) == ref_graphs


def test_verify_finds_and_repairs_a_broken_union(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", 2)
    assert run_child(corpus, tmp_path / "s").returncode == 0
    nn = ox.NamedNode
    with KnowledgeStore(tmp_path / "s") as store:
        victim = next(iter(store.union_triples()))
        store.ox.remove(ox.Quad(*victim, ox.DefaultGraph()))  # what a crash of a non-atomic writer leaves
        store.ox.add(ox.Quad(nn("http://stray"), nn("http://p"), ox.Literal("x"), ox.DefaultGraph()))
        store.ox.add(ox.Quad(nn("http://half"), nn("http://p"), ox.Literal("y"), nn("http://half")))
        check = store.verify()
        assert (check.missing_from_union, check.extra_in_union, check.incomplete_graphs) == (
            2, 1, ("http://half",))  # the half graph's triple is not in the union either
    done = run_cli("stats", "--check", "--store", tmp_path / "s")
    assert done.returncode == 0 and "store check: repaired 2 triples missing" in done.stderr
    with KnowledgeStore(tmp_path / "s") as store:
        assert store.verify().ok and len(store.named_graphs()) == 2


def test_a_store_without_snapshots_is_still_readable(tmp_path):
    """Stores written before snapshots existed open read-only on the database itself."""
    s = ox.Store(str(tmp_path / "old"))
    s.add(ox.Quad(ox.NamedNode("http://a"), ox.NamedNode("http://p"), ox.Literal("1"), ox.DefaultGraph()))
    s.flush()
    del s
    started = time.monotonic()
    with KnowledgeStore(tmp_path / "old", read_only=True) as store:
        assert store.triple_count() == 1
    assert time.monotonic() - started < 5
