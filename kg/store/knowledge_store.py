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

Long because :class:`KnowledgeStore` is one unit: opening as writer or snapshot reader, writing,
verifying and reading share its state. Terms, update texts and locks live beside it
(:mod:`kg.store.terms`, :mod:`kg.store.updates`, :mod:`kg.store.locking`).

>>> import tempfile, pathlib
>>> from rdflib import Graph, Literal, URIRef
>>> from kg.model.namespaces import PKG, RDF
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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier

from kg.model.namespaces import PKG, PREFIXES, RDF, bind_prefixes
from kg.store.errors import StoreError, StoreLockedError, StoreMissingError
from kg.store.locking import WRITER_LOCK, remove_unpinned, writer_active, writer_lock
from kg.store.terms import from_ox, ntriples
from kg.store.updates import remove_ops, replace_ops

__all__ = [
    "DEFAULT_STORE",
    "DocumentRecord",
    "KnowledgeStore",
    "StoreCheck",
    "StoreError",
    "StoreLockedError",
    "StoreMissingError",
    "default_store_path",
]

DEFAULT_STORE = "policykg-store"
SNAPSHOTS = "policykg-snapshots"
WRITING_MARKER = "policykg-writing"
_OWN_FILES = frozenset({SNAPSHOTS, WRITER_LOCK, WRITING_MARKER, "policykg-push.json"})
#: The files a bulk load writes before RocksDB takes them in (left behind if it is killed).
_BULK_LEFTOVERS = "bulk-*.sst"

log = logging.getLogger(__name__)
_PREFIXES = {p: str(ns) for p, ns in PREFIXES.items()}
RDF_TYPE = RDF.type


def default_store_path() -> Path:
    """``$POLICYKG_STORE`` if set, else ``./policykg-store`` in the working directory.

    >>> os.environ.pop("POLICYKG_STORE", None) and None
    >>> default_store_path().name
    'policykg-store'
    """
    env = os.environ.get("POLICYKG_STORE")
    return Path(env) if env else Path.cwd() / DEFAULT_STORE


@dataclass(frozen=True)
class DocumentRecord:
    """A stored document: its graph IRI, content hash, file name and the paths it was read from."""

    iri: URIRef
    sha256: str
    name: str
    source_paths: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class StoreCheck:
    """What :meth:`KnowledgeStore.verify` found: the union's differences from the named graphs,
    named graphs that are not a whole document, and paths claimed by several documents."""

    documents: int
    missing_from_union: int
    extra_in_union: int
    incomplete_graphs: tuple[str, ...] = ()
    path_conflicts: tuple[str, ...] = ()
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing_from_union or self.extra_in_union or self.incomplete_graphs
                    or self.path_conflicts)

    def format(self) -> str:
        """One line per finding."""
        if self.ok:
            return f"store check: ok ({self.documents} documents, union consistent)"
        verb = "repaired" if self.repaired else "found"
        lines = [f"store check: {verb} {self.missing_from_union} triples missing from the union, "
                 f"{self.extra_in_union} extra in the union, {len(self.incomplete_graphs)} incomplete "
                 f"document graphs, {len(self.path_conflicts)} paths claimed twice"]
        lines += [f"  incomplete graph: {g}" for g in self.incomplete_graphs]
        lines += [f"  path claimed by several documents: {p}" for p in self.path_conflicts]
        return "\n".join(lines)


class KnowledgeStore:
    """A persistent Oxigraph store of per-document named graphs.

    ``read_only=True`` opens the newest published snapshot (or, for a store that has none, the
    database itself) without taking the write lock, so readers keep working during a build; a
    missing store is then a :class:`StoreMissingError`. A second writer gets a
    :class:`StoreLockedError`. ``crashed`` is true when a writer found the marker a killed
    writer leaves behind.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        self.crashed = False
        self._dataset: Dataset | None = None
        self._lock_fd: int | None = None  # writer: the flock; reader: the pinned snapshot
        self.snapshot: Path | None = None  # reader: the snapshot it reads (None: the database itself)
        if read_only:
            if not (self.path / "CURRENT").is_file():
                raise StoreMissingError(
                    f"no knowledge store at {self.path} (build one with `policykg build`)")
            try:
                self._store: ox.Store | None = self._open_reader()
            except OSError as e:
                raise StoreError(f"cannot open store {self.path}: {e}") from None
            return
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store path {self.path} exists and is not a directory")
        if (self.path.is_dir() and not (self.path / "CURRENT").is_file()
                and any(p.name not in _OWN_FILES for p in self.path.iterdir())):
            raise StoreError(f"{self.path} is a non-empty folder that holds no knowledge store")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock_fd = writer_lock(self.path)
        except OSError as e:
            raise StoreError(f"cannot open store {self.path}: {e.strerror or e}") from None
        try:
            self._store = ox.Store(str(self.path))
        except OSError as e:
            self._release()
            if "lock" in str(e).lower():
                raise StoreLockedError(
                    f"store {self.path} is locked by another process (a build still running?)") from None
            raise StoreError(f"cannot open store {self.path}: {e}") from None
        marker = self.path / WRITING_MARKER
        self.crashed = marker.exists()
        if self.crashed:
            log.warning("store %s was left by an interrupted writer", self.path)
            for leftover in self.path.glob(_BULK_LEFTOVERS):  # a killed bulk load's unfinished files
                leftover.unlink(missing_ok=True)
        marker.write_text(f"{os.getpid()}\n")
        if self.crashed or self._latest_snapshot() is None:
            self.publish_snapshot()  # readers must never need the database a writer changes

    # ------------------------------------------------------------------ snapshots and locks
    def _snapshot_root(self) -> Path:
        return self.path / SNAPSHOTS

    def _latest_snapshot(self) -> Path | None:
        try:
            names = [p.name for p in self._snapshot_root().iterdir() if p.name.isdigit()]
        except OSError:
            return None
        return self._snapshot_root() / max(names, key=int) if names else None

    def _open_reader(self) -> ox.Store:
        for _ in range(20):  # retried only while the writer swaps snapshots under us
            latest = self._latest_snapshot()
            if latest is None:
                # A store from before snapshots, or one a writer has just created.
                return ox.Store.read_only(str(self.path))
            try:
                fd = os.open(latest, os.O_RDONLY | os.O_DIRECTORY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                if os.stat(latest).st_ino != os.fstat(fd).st_ino:  # renamed away for deletion
                    raise FileNotFoundError(latest)
                store = ox.Store.read_only(str(latest))
            except (BlockingIOError, FileNotFoundError):
                os.close(fd)
                continue
            except BaseException:
                os.close(fd)
                raise
            self._lock_fd = fd
            self.snapshot = latest
            if (self.path / WRITING_MARKER).exists() and not writer_active(self.path):
                log.warning("store %s: the last build was interrupted; its newest documents are not "
                            "visible until `policykg build` runs again (or `policykg stats --check`)",
                            self.path)
            return store
        raise StoreError(f"cannot open a snapshot of store {self.path}: it keeps changing")

    def is_stale(self) -> bool:
        """Reader: whether a writer has published a newer snapshot than the one this store reads
        (a directory listing; cheap enough to ask before every query)."""
        return self.read_only and self._latest_snapshot() != self.snapshot

    def refresh(self) -> bool:
        """Reader: move to the newest published snapshot if there is one; True if it moved.

        A reader sees the store as it was when it opened. Writers publish a snapshot when they
        open, every minute of a long build and when they close, so a long-lived reader that calls
        this (``policykg serve`` does, before each query) sees a build at most a minute late, and
        never a half-written document: each query runs on one whole snapshot.
        """
        if not self.is_stale():
            return False
        store, old_fd = self._open_reader_keeping_old()
        self._dataset = None
        self._store = store
        if old_fd is not None:
            os.close(old_fd)  # unpin the old snapshot only once the new one is open
        return True

    def _open_reader_keeping_old(self) -> tuple[ox.Store, int | None]:
        old_fd, self._lock_fd = self._lock_fd, None
        try:
            return self._open_reader(), old_fd
        except BaseException:
            self._lock_fd = old_fd
            raise

    def publish_snapshot(self) -> Path:
        """Publish the current state for readers (a RocksDB checkpoint), then delete the older
        snapshots no reader has pinned. Returns the new snapshot's folder."""
        self._check_writable()
        root = self._snapshot_root()
        root.mkdir(exist_ok=True)
        latest = self._latest_snapshot()
        seq = int(latest.name) + 1 if latest is not None else 1
        tmp = root / f".tmp-{seq}"
        if tmp.exists():
            shutil.rmtree(tmp)
        self.ox.flush()
        self.ox.backup(str(tmp))
        target = root / str(seq)
        os.rename(tmp, target)  # atomic: readers see a whole snapshot or none
        for old in root.iterdir():
            if old != target:
                remove_unpinned(old)
        return target

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops its flock
            self._lock_fd = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def ox(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`."""
        if self._store is None:
            raise StoreError(f"store {self.path} is closed")
        return self._store

    def close(self) -> None:
        """Flush writes, publish a snapshot for readers and release the store (and its lock).
        Idempotent."""
        if self._store is None:
            return
        try:
            if not self.read_only:
                self.publish_snapshot()
                (self.path / WRITING_MARKER).unlink(missing_ok=True)
        finally:
            # Dropping every reference closes RocksDB and frees its lock file.
            self._dataset = None
            self._store = None
            self._release()

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

    def apply(self, operations: Sequence[str]) -> None:
        """Run SPARQL update operations (from :func:`replace_ops`, :func:`remove_ops` ...) as one
        update request: one Oxigraph transaction, all of it or none of it survives a crash."""
        self._check_writable()
        if operations:
            self.ox.update(" ;\n".join(operations))

    def replace_document(self, doc_iri: URIRef, graph: Graph) -> None:
        """Replace the named graph ``doc_iri`` by ``graph``'s triples, atomically.

        One SPARQL update (union clean-up, drop, insert) is one Oxigraph transaction: either the
        old graph or the new one is visible, never a mix.
        """
        self.apply(replace_ops(doc_iri, graph))

    def load_new_document(self, doc_iri: URIRef, nt: str) -> None:
        """Add a document that is not in the store yet from its N-Triples: the named graph and
        its share of the union in one :meth:`pyoxigraph.Store.load` (one transaction, and much
        faster to parse than a SPARQL update). Use :meth:`replace_document` for a stored one."""
        self.load_new_documents([(doc_iri, nt)])

    def load_new_documents(self, documents: Sequence[tuple[URIRef, str]]) -> None:
        """:meth:`load_new_document` of several ``(iri, nt)`` documents, all of them or none.

        Several documents go in as one bulk load: Oxigraph writes each index as a sorted file and
        RocksDB takes all the files in at once, atomically (a kill leaves all the documents or
        none; tests/test_crash.py), for about half the CPU of a transaction per document. The
        N-Triples must be valid: they are not checked again (a build's worker parsed them)."""
        self._check_writable()
        if not documents:
            return
        from kg.rdf.nquads import nquads_of

        data = "".join(nt + nquads_of(nt, str(iri)) for iri, nt in documents)
        load = self.ox.bulk_load if len(documents) > 1 else self.ox.load
        load(data, format=ox.RdfFormat.N_QUADS, lenient=True)

    def document_ntriples(self, doc_iri: URIRef) -> str:
        """A document's named graph as sorted N-Triples ('' when it is not stored)."""
        g = ox.NamedNode(str(doc_iri))
        return ntriples(q.triple for q in self.ox.quads_for_pattern(None, None, None, g))

    def remove_document(self, doc_iri: URIRef) -> None:
        """Delete a document's named graph (a no-op if it is not stored)."""
        self.apply(remove_ops(doc_iri))

    def flush(self) -> None:
        """Make every write durable now."""
        if not self.read_only:
            self.ox.flush()

    def verify(self, repair: bool = False) -> StoreCheck:
        """Compare the materialized union (default graph) with the union of the named graphs,
        and look for named graphs that are not a whole document; ``repair`` fixes both in one
        transaction (incomplete graphs are dropped: the next build extracts them again)."""
        union = set(self.union_triples())
        stated: set[ox.Triple] = set()
        typed: set[str] = set()
        graphs: set[str] = set()
        doc_type, sha = ox.NamedNode(str(PKG.Document)), ox.NamedNode(str(PKG.sha256))
        rdf_type = ox.NamedNode(str(RDF_TYPE))
        for q in self.quads():
            stated.add(q.triple)
            graphs.add(q.graph_name.value)
            if q.subject == q.graph_name and (
                    (q.predicate == rdf_type and q.object == doc_type) or q.predicate == sha):
                typed.add(f"{q.graph_name.value} {q.predicate.value}")
        incomplete = sorted(g for g in graphs
                            if f"{g} {RDF_TYPE}" not in typed or f"{g} {PKG.sha256}" not in typed)
        claims: dict[str, int] = {}
        for rec in self.documents():
            for p in rec.source_paths:
                claims[p] = claims.get(p, 0) + 1
        check = StoreCheck(len(graphs), len(stated - union), len(union - stated), tuple(incomplete),
                           tuple(sorted(p for p, n in claims.items() if n > 1)))
        if repair and not check.ok:
            ops = [op for g in incomplete for op in remove_ops(URIRef(g))]
            ops += ["DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }",
                    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"]
            self.apply(ops)
            check = StoreCheck(**{**check.__dict__, "repaired": True})
        return check

    # ------------------------------------------------------------------ reading
    def query(self, sparql: str, *, prefixes: Mapping[str, str] | None = None,
              take: Callable[[Iterable], tuple[list, bool]] | None = None) -> QueryRows:
        """Evaluate a SPARQL query over the union of the named graphs (parameters: bind them
        with :func:`kg.query.sparql.with_parameters`). An update is not a query and fails to parse
        (:class:`SyntaxError`). ``take(lazy_rows)`` chooses which rows to keep
        (``(kept, truncated)``): a row limit, a cancellation check.
        """
        take = take or (lambda items: (list(items), False))
        result = self.ox.query(sparql, prefixes=dict(prefixes or {}))
        if isinstance(result, ox.QueryBoolean):
            return QueryRows("ASK", [], [], bool(result), [])
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            rows, more = take(tuple(from_ox(sol[i]) for i in range(len(names))) for sol in result)
            return QueryRows("SELECT", names, rows, None, [], more)
        triples, more = take((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in result)
        return QueryRows("CONSTRUCT", [], [], None, triples, more)

    def _select(self, sparql: str) -> list[tuple[Identifier | None, ...]]:
        return self.query(sparql, prefixes=_PREFIXES).rows

    def documents(self) -> list[DocumentRecord]:
        """Every stored document, ordered by IRI."""
        records: dict[URIRef, tuple[str, str, list[str]]] = {}
        for doc, sha, name, path in self._select("""
                SELECT ?doc ?sha ?name ?path WHERE { GRAPH ?doc { ?doc a pkg:Document ; pkg:sha256 ?sha .
                  OPTIONAL { ?doc schema:name ?name } OPTIONAL { ?doc pkg:sourcePath ?path } } }"""):
            rec = records.setdefault(URIRef(str(doc)), (str(sha), str(name or ""), []))
            if path is not None:
                rec[2].append(str(path))
        return [DocumentRecord(iri, sha, name, tuple(sorted(paths)))
                for iri, (sha, name, paths) in sorted(records.items())]

    def document_hashes(self) -> dict[str, URIRef]:
        """``{sha256: document IRI}`` of every stored document."""
        return {rec.sha256: rec.iri for rec in self.documents()}

    def named_graphs(self) -> list[URIRef]:
        """Every named graph, sorted."""
        return sorted(URIRef(g.value) for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self) -> int:
        """Distinct triples in the union graph."""
        return self._count("?s ?p ?o")

    def quad_count(self) -> int:
        """Quads over the documents' graphs (a triple stated by two documents counts twice)."""
        return self._count("GRAPH ?g { ?s ?p ?o }")

    def _count(self, pattern: str) -> int:
        # counted inside Oxigraph: no Python object per triple
        solutions = self.ox.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        assert isinstance(solutions, ox.QuerySolutions)
        (row,) = solutions
        return int(row[0].value)

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

    def quads(self) -> Iterator[ox.Quad]:  # type: ignore[name-defined]  # (missing from the stubs)
        """Every quad of every named graph (Oxigraph terms); the materialized union is not one."""
        return (q for q in self.ox.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph))

    def union_triples(self) -> Iterable[ox.Triple]:  # type: ignore[name-defined]
        """The distinct triples of the union graph (Oxigraph terms), in no particular order."""
        return [q.triple for q in self.ox.quads_for_pattern(None, None, None, ox.DefaultGraph())]


@dataclass
class QueryRows:
    """A query's result: ``kind`` SELECT / ASK / CONSTRUCT, with variables and rows, the ASK
    answer, or the constructed triples (rdflib terms)."""

    kind: str
    variables: list[str]
    rows: list[tuple[Identifier | None, ...]]
    boolean: bool | None
    triples: list[tuple[Identifier | None, Identifier | None, Identifier | None]]
    truncated: bool = False
