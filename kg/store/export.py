"""Writing the knowledge graph out: Turtle, TriG, N-Triples, N-Quads or JSON-LD.

Turtle, N-Triples and JSON-LD carry the union graph (every document's named graph merged, each
triple once); TriG and N-Quads keep one named graph per document, so provenance by graph survives.
Output is deterministic (same store content, same bytes): N-Triples and N-Quads lines are sorted,
the other formats are serialized from sorted input with the project's prefixes. A file is written
to a temporary file beside it and renamed into place, so a failed export leaves the old file.

>>> import tempfile, pathlib
>>> from kg.store.knowledge_store import KnowledgeStore
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> with KnowledgeStore(tmp / "store") as store:
...     export(store, "nt", tmp / "kg.nt")
...     (tmp / "kg.nt").read_bytes()
0
b''
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph

from kg.model.namespaces import PREFIXES, bind_prefixes
from kg.store.knowledge_store import KnowledgeStore
from kg.store.terms import from_ox

__all__ = ["FORMATS", "ExportError", "export", "normalize_format", "serialize"]

#: Export format → (description, file suffix).
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("Turtle, union graph", ".ttl"),
    "trig": ("TriG, one named graph per document", ".trig"),
    "nt": ("N-Triples, union graph, sorted lines", ".nt"),
    "nq": ("N-Quads, one named graph per document, sorted lines", ".nq"),
    "jsonld": ("JSON-LD, union graph, compacted with the project's prefixes", ".jsonld"),
}
_ALIASES = {"ttl": "turtle", "ntriples": "nt", "n-triples": "nt", "nquads": "nq", "n-quads": "nq",
            "json-ld": "jsonld", "json": "jsonld"}
_CHUNK = 4096  # lines per write when streaming sorted N-Triples / N-Quads


class ExportError(RuntimeError):
    """The export could not be written; the message is meant for the user."""


def normalize_format(fmt: str) -> str:
    """The canonical format name for ``fmt`` (accepts ``ttl``, ``nquads``, ``json-ld`` ...).

    >>> normalize_format("TTL"), normalize_format("n-quads")
    ('turtle', 'nq')
    """
    name = fmt.strip().lower()
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    return name


def _sorted_triples(store: KnowledgeStore) -> list[ox.Triple]:
    return sorted(store.union_triples(), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _sorted_lines(data: bytes | None) -> Iterator[bytes]:
    if not data:
        return
    # One statement per line in N-Triples/N-Quads (newlines inside literals are escaped).
    lines = sorted(set(data.splitlines()))
    for i in range(0, len(lines), _CHUNK):
        yield b"".join(line + b"\n" for line in lines[i:i + _CHUNK] if line)


def _rdflib_union(store: KnowledgeStore) -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    # Inserted in sorted order: rdflib's serializers follow insertion order where they do not sort.
    for t in _sorted_triples(store):
        graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))  # type: ignore[arg-type]
    return graph


def serialize(store: KnowledgeStore, fmt: str) -> Iterator[bytes]:
    """The store's content in ``fmt``, as a stream of byte chunks (UTF-8).

    >>> import tempfile, pathlib
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     b"".join(serialize(store, "nq"))
    b''
    """
    fmt = normalize_format(fmt)
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    if fmt == "nq":
        quads = [q for q in store.quads() if not isinstance(q.graph_name, ox.DefaultGraph)]
        yield from _sorted_lines(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    elif fmt == "nt":
        yield from _sorted_lines(ox.serialize(list(store.union_triples()), format=ox.RdfFormat.N_TRIPLES))
    elif fmt == "trig":
        quads = sorted(store.quads(), key=lambda q: (str(q.graph_name), str(q.subject),
                                                      str(q.predicate), str(q.object)))
        yield ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    elif fmt == "turtle":
        yield _rdflib_union(store).serialize(format="turtle", encoding="utf-8")
    else:  # jsonld
        context = {p: str(ns) for p, ns in PREFIXES.items()}
        yield _rdflib_union(store).serialize(format="json-ld", context=context, auto_compact=True,
                                             encoding="utf-8", indent=1, sort_keys=True)


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def _write_atomically(path: Path, chunks: Iterable[bytes]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    written = 0
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 is for the temporary file: the export is the user's
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return written


def export(store: KnowledgeStore, fmt: str, out_path: str | os.PathLike[str] | None = None,
           *, stream: BinaryIO | None = None) -> int:
    """Write the store in ``fmt`` to ``out_path`` (atomically) or, if None, to ``stream``/stdout.

    Returns the number of bytes written.
    """
    chunks = serialize(store, fmt)
    if out_path is None:
        target = stream if stream is not None else sys.stdout.buffer
        written = 0
        for chunk in chunks:
            target.write(chunk)
            written += len(chunk)
        target.flush()
        return written
    path = Path(out_path)
    if path.is_dir():
        raise ExportError(f"{path} is a directory; give a file name")
    try:
        return _write_atomically(path, chunks)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
