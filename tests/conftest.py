"""Shared fixtures: one real build of the seed documents per test session, and small helpers.

The real pipeline (spaCy) is slow to load, so the seeds are built once, through the command line
in a subprocess (which is also the end-to-end test of ``policykg build``); tests that need to
change a store work on a copy. Everything else uses a fake extractor and never imports spaCy.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.model.facts import DocumentFacts, Evidence, Person

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def run_python(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a fresh interpreter that imports this checkout, output captured as text."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=timeout,
    )


def run_cli(
    *args: str | os.PathLike[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """``python -m kg ARGS`` in a subprocess, output captured as text."""
    return run_python("-m", "kg", *args, cwd=cwd, env=env, timeout=timeout)


def fake_extract(text: str, doc_date: str | None) -> DocumentFacts:
    """A stand-in for the spaCy pipeline: the first three characters are an official's name."""
    name = text[:3]
    return DocumentFacts(persons=[Person(name, True, "500000", (Evidence(0, 3, name, 0, len(text)),))])


@dataclass(frozen=True)
class SeedBuild:
    store: Path
    seeds: Path
    summary: dict
    stdout: str
    stderr: str

    def copy_store(self, dest: Path) -> Path:
        """A private copy of the built store, to mutate."""
        shutil.copytree(self.store, dest)
        return dest


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> SeedBuild:
    """The five seed documents built once, with the real pipeline and segmenter "auto"."""
    base = tmp_path_factory.mktemp("seed-build")
    seeds = base / "seeds"
    shutil.copytree(SEEDS, seeds)
    store = base / "store"
    done = run_cli("build", seeds, "--store", store, "--json", "--segmenter", "auto")
    assert done.returncode == 0, done.stderr
    return SeedBuild(store, seeds, json.loads(done.stdout), done.stdout, done.stderr)


@pytest.fixture(scope="module")
def seed_store(seed_build: SeedBuild):
    """The seed build's store, opened read-only."""
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(seed_build.store, read_only=True) as store:
        yield store


@pytest.fixture(scope="module")
def seed_graph(seed_store):
    """The seed build as a networkx ``MultiDiGraph`` (:func:`kg.explore.network.to_networkx`)."""
    from kg.explore.network import to_networkx

    return to_networkx(seed_store)


# ---------------------------------------------------------------------- a real Graph Store server
def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).is_file():
        pytest.skip("the oxigraph server binary (pip install oxigraph) is not installed")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def oxigraph_server(tmp_path):
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "server-db"),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oxigraph server did not start: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def server_count(base: str, query: str) -> int:
    req = urllib.request.Request(f"{base}/query?query={urllib.parse.quote(query)}",
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return int(json.load(resp)["results"]["bindings"][0]["n"]["value"])
