"""The persistent knowledge store: one on-disk Oxigraph database, one named graph per document.

Each source document's triples live in the named graph ``id:doc/<sha256[:16]>``; the knowledge
graph is the union of those graphs, kept materialized as the store's default graph so that it is a
*set* (Oxigraph's on-the-fly union repeats a triple once per document stating it, which would
inflate every COUNT). Rebuilding a document replaces exactly its graph and updates the union in
the same transaction, so a reader never sees half of a document and a crash never leaves one.

Readers never open the database a writer is changing (RocksDB calls that undefined behaviour, and
it does fail: a compaction deletes files a reader is about to open). A writer publishes a
*snapshot* (a RocksDB checkpoint: hard links, cheap) into ``policykg-snapshots/`` when it opens,
now and then during a build and when it closes; read-only stores open the newest snapshot and pin
it with a shared ``flock`` so the writer never deletes it under them. Writers take an exclusive
``flock`` on ``policykg-writer.lock``, and leave a ``policykg-writing`` marker that only a clean
close removes: a store found with the marker was left by a killed writer, and
:meth:`KnowledgeStore.verify` checks (and repairs) the materialized union.

>>> import tempfile, pathlib
>>> from rdflib import Graph, Literal, URIRef
>>> from kg.namespaces import PKG, RDF
>>> tmp = pathlib.Path(tempfile.mkdtemp()) / "store"
>>> doc = URIRef("https://w3id.org/policykg/id/doc/00000000000000aa")
>>> g = Graph()
>>> _ = g.add((doc, RDF.type, PKG.Document)).add((doc, PKG.sha256, Literal("aa")))
>>> with KnowledgeStore(tmp) as store:
...     store.replace_document(doc, g)
...     store.document_hashes()
{'aa': rdflib.term.URIRef('https://w3id.org/policykg/id/doc/00000000000000aa')}
>>> with KnowledgeStore(tmp, read_only=True) as store:
...     store.triple_count()
2
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from kg.namespaces import PKG, PREFIXES, bind_prefixes

__all__ = [
    "DEFAULT_STORE",
    "DocumentRecord",
    "KnowledgeStore",
    "StoreCheck",
    "StoreError",
    "StoreLockedError",
    "StoreMissingError",
    "default_store_path",
    "from_ox",
    "to_ox",
]

DEFAULT_STORE = "policykg-store"
SNAPSHOTS = "policykg-snapshots"
WRITER_LOCK = "policykg-writer.lock"
WRITING_MARKER = "policykg-writing"
_OWN_FILES = frozenset({SNAPSHOTS, WRITER_LOCK, WRITING_MARKER})
_LOCK_WAIT = 2.0  # seconds a writer retries the lock: readers probe it for microseconds

log = logging.getLogger(__name__)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}


class StoreError(RuntimeError):
    """A store could not be opened or used; the message is meant for the user."""


class StoreLockedError(StoreError):
    """Another process has the store open for writing."""


class StoreMissingError(StoreError):
    """A read-only command was pointed at a folder that holds no store."""


def default_store_path() -> Path:
    """``$POLICYKG_STORE`` if set, else ``./policykg-store`` in the working directory.

    >>> os.environ.pop("POLICYKG_STORE", None) and None
    >>> default_store_path().name
    'policykg-store'
    """
    env = os.environ.get("POLICYKG_STORE")
    return Path(env) if env else Path.cwd() / DEFAULT_STORE


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as an Oxigraph term.

    >>> to_ox(Literal("大足区", lang="zh"))
    <Literal value=大足区 language=zh>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: object) -> Identifier | None:
    """An Oxigraph term as an rdflib term (``None`` stays ``None``: an unbound variable).

    >>> from_ox(ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdflib.term.Literal('5', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)  # rdflib's plain literal, so terms compare equal both ways
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported Oxigraph term: {term!r}")


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document: its graph IRI, content hash, file name and the paths it was read from."""

    iri: URIRef
    sha256: str
    name: str
    source_paths: tuple[str, ...] = field(default=())


class KnowledgeStore:
    """A persistent Oxigraph store of per-document named graphs.

    ``read_only=True`` opens an existing store without taking the write lock (several readers may
    run beside one writer); a missing store is then a :class:`StoreMissingError`. A second writer
    gets a :class:`StoreLockedError`.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        self._dataset: Dataset | None = None
        if read_only:
            if not (self.path / "CURRENT").is_file():
                raise StoreMissingError(
                    f"no knowledge store at {self.path} (build one with `policykg build`)")
            try:
                self._store: ox.Store | None = ox.Store.read_only(str(self.path))
            except OSError as e:
                raise StoreError(f"cannot open store {self.path}: {e}") from None
            return
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store path {self.path} exists and is not a directory")
        if self.path.is_dir() and any(self.path.iterdir()) and not (self.path / "CURRENT").is_file():
            raise StoreError(f"{self.path} is a non-empty folder that holds no knowledge store")
        try:
            self._store = ox.Store(str(self.path))
        except OSError as e:
            if "lock" in str(e).lower():
                raise StoreLockedError(
                    f"store {self.path} is locked by another process (a build still running?)") from None
            raise StoreError(f"cannot open store {self.path}: {e}") from None

    # ------------------------------------------------------------------ lifecycle
    @property
    def ox(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`."""
        if self._store is None:
            raise StoreError(f"store {self.path} is closed")
        return self._store

    def close(self) -> None:
        """Flush writes and release the store (and its lock). Idempotent."""
        if self._store is None:
            return
        if not self.read_only:
            self._store.flush()
        # Dropping every reference closes RocksDB and frees the lock file.
        self._dataset = None
        self._store = None

    def __enter__(self) -> KnowledgeStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def dataset(self) -> Dataset:
        """The store as an :class:`rdflib.Dataset` (default graph = union of the named graphs)."""
        if self._dataset is None:
            from oxrdflib import OxigraphStore

            self._dataset = Dataset(store=OxigraphStore(store=self.ox))
            bind_prefixes(self._dataset)
        return self._dataset

    # ------------------------------------------------------------------ writing
    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.path} is open read-only")

    def replace_document(self, doc_iri: URIRef, graph: Graph) -> None:
        """Replace the named graph ``doc_iri`` by ``graph``'s triples, atomically.

        One SPARQL update (union clean-up, drop, insert) is one Oxigraph transaction: either the
        old graph or the new one is visible, never a mix.
        """
        self._check_writable()
        g = f"<{doc_iri}>"
        body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        self.ox.update(f"{_forget_from_union(g)} ;\nDROP SILENT GRAPH {g} ;\n"
                       f"INSERT DATA {{ GRAPH {g} {{\n{body}}} }} ;\nINSERT DATA {{\n{body}}}")

    def remove_document(self, doc_iri: URIRef) -> None:
        """Delete a document's named graph (a no-op if it is not stored)."""
        self._check_writable()
        g = f"<{doc_iri}>"
        self.ox.update(f"{_forget_from_union(g)} ;\nDROP SILENT GRAPH {g}")

    def add_source_path(self, doc_iri: URIRef, path: str) -> None:
        """Record that ``doc_iri``'s content was also read from ``path``."""
        self._check_writable()
        triple = ox.Triple(ox.NamedNode(str(doc_iri)), ox.NamedNode(str(PKG.sourcePath)), ox.Literal(path))
        self.ox.extend([ox.Quad(*triple, ox.NamedNode(str(doc_iri))), ox.Quad(*triple, ox.DefaultGraph())])

    def remove_source_path(self, doc_iri: URIRef, path: str) -> None:
        """Forget that ``doc_iri`` was read from ``path``."""
        self._check_writable()
        triple = ox.Triple(ox.NamedNode(str(doc_iri)), ox.NamedNode(str(PKG.sourcePath)), ox.Literal(path))
        self.ox.remove(ox.Quad(*triple, ox.NamedNode(str(doc_iri))))
        self.ox.remove(ox.Quad(*triple, ox.DefaultGraph()))

    def flush(self) -> None:
        """Make every write durable now."""
        if not self.read_only:
            self.ox.flush()

    # ------------------------------------------------------------------ reading
    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None,
              *, prefixes: Mapping[str, str] | None = None) -> QueryRows:
        """Evaluate a SPARQL query over the union of the named graphs.

        ``bindings`` substitute variables by RDF terms (never pasted into the text). An update
        is not a query and fails to parse (:class:`SyntaxError`).
        """
        subs = {ox.Variable(k.lstrip("?$")): to_ox(v) for k, v in (bindings or {}).items()}
        result = self.ox.query(sparql, substitutions=subs,
                               prefixes=dict(prefixes or {}))
        if isinstance(result, ox.QueryBoolean):
            return QueryRows("ASK", [], [], bool(result), [])
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows = [tuple(from_ox(sol[i]) for i in range(len(names))) for sol in result]
            return QueryRows("SELECT", names, rows, None, [])
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in result]
        return QueryRows("CONSTRUCT", [], [], None, triples)

    def _select(self, sparql: str) -> list[tuple[Identifier | None, ...]]:
        return self.query(sparql, prefixes=_PREFIXES).rows

    def documents(self) -> list[DocumentRecord]:
        """Every stored document, ordered by IRI."""
        records: dict[URIRef, tuple[str, str, list[str]]] = {}
        for doc, sha, name, path in self._select("""
                SELECT ?doc ?sha ?name ?path WHERE { GRAPH ?doc { ?doc a pkg:Document ; pkg:sha256 ?sha .
                  OPTIONAL { ?doc schema:name ?name } OPTIONAL { ?doc pkg:sourcePath ?path } } }"""):
            rec = records.setdefault(doc, (str(sha), str(name or ""), []))
            if path is not None:
                rec[2].append(str(path))
        return [DocumentRecord(iri, sha, name, tuple(sorted(paths)))
                for iri, (sha, name, paths) in sorted(records.items())]

    def document_hashes(self) -> dict[str, URIRef]:
        """``{sha256: document IRI}`` of every stored document."""
        return {rec.sha256: rec.iri for rec in self.documents()}

    def document_paths(self) -> dict[str, URIRef]:
        """``{source path: document IRI}``: which document each known path held at its last build."""
        return {path: rec.iri for rec in self.documents() for path in rec.source_paths}

    def named_graphs(self) -> list[URIRef]:
        """Every named graph, sorted."""
        return sorted(URIRef(g.value) for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        """Distinct triples in the union graph."""
        return sum(1 for _ in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def quad_count(self) -> int:
        """Quads over the documents' graphs (a triple stated by two documents counts twice)."""
        return sum(1 for _ in self.quads())

    def entity_counts(self) -> dict[str, int]:
        """Distinct nodes per class of the data model (prefixed class name → count), sorted."""
        rows = self._select("""SELECT ?type (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?type }
                               GROUP BY ?type""")
        inv = sorted(((str(ns), p) for p, ns in _PREFIXES.items()), key=lambda t: -len(t[0]))
        out: dict[str, int] = {}
        for typ, n in rows:
            name = str(typ)
            for ns, prefix in inv:
                if name.startswith(ns):
                    name = f"{prefix}:{name[len(ns):]}"
                    break
            out[name] = int(n)  # type: ignore[arg-type]
        return dict(sorted(out.items()))

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every named graph (Oxigraph terms); the materialized union is not one."""
        return (q for q in self.ox.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph))

    def union_triples(self) -> Iterable[ox.Triple]:
        """The distinct triples of the union graph (Oxigraph terms), in no particular order."""
        return [q.triple for q in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def _forget_from_union(graph: str) -> str:
    """SPARQL that removes from the union the triples only ``graph`` states."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {graph}) }} }}")


@dataclass
class QueryRows:
    """A query's result: ``kind`` SELECT / ASK / CONSTRUCT, with variables and rows, the ASK
    answer, or the constructed triples (rdflib terms)."""

    kind: str
    variables: list[str]
    rows: list[tuple[Identifier | None, ...]]
    boolean: bool | None
    triples: list[tuple[Identifier | None, Identifier | None, Identifier | None]]
