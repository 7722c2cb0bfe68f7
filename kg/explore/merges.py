"""Why one node stands for mentions in several documents: the ``pkg:EntityMerge`` records that
cross-document resolution (:mod:`kg.store.resolution`) leaves in each document's graph, read back
for ``policykg show``: which document named the node how, and which names (or 文号) it shares with
which other documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from kg.model.namespaces import PKG, SCHEMA
from kg.store.resolution import kind_of, match_keys

__all__ = ["MergeNote", "format_merges", "merge_notes"]


@dataclass(frozen=True)
class MergeNote:
    """One document's share of a merged node: the names it gives and the keys it shares with others."""

    document: str
    names: tuple[str, ...]
    shared: tuple[tuple[str, tuple[str, ...]], ...]  # (name or 文号, the other documents stating it)


def merge_notes(store: Any, node: str) -> list[MergeNote]:
    """The merge records of ``node`` in ``store`` (a :class:`kg.store.knowledge_store.KnowledgeStore`),
    one per document, in document-name order; empty when the node was never merged."""
    kind = kind_of(URIRef(node))
    if kind is None:
        return []
    q = (f"SELECT ?g ?doc ?name ?number WHERE {{ GRAPH ?g {{ ?r <{PKG.mergedInto}> <{node}> ; "
         f"<{PKG.statedName}> ?name . OPTIONAL {{ <{node}> <{PKG.documentNumber}> ?number }} }} "
         f"OPTIONAL {{ ?g <{SCHEMA.name}> ?doc }} }}")
    names: dict[str, set[str]] = {}
    numbers: dict[str, set[str]] = {}
    for g, doc, name, number in store.ox.query(q):
        label = doc.value if doc is not None else g.value
        names.setdefault(label, set()).add(name.value)
        if number is not None:
            numbers.setdefault(label, set()).add(number.value)
    keys = {d: match_keys(kind, names[d], numbers=numbers.get(d, ())) for d in names}
    surface = {k: n for d in sorted(names) for n in sorted(names[d]) for k in match_keys(kind, [n])}
    notes = []
    for d in sorted(names):
        shared = []
        for k in sorted(keys[d]):
            others = tuple(sorted(o for o in keys if o != d and k in keys[o]))
            if others:
                shared.append((surface.get(k) or k.split("|", 1)[1].replace("文号|", "文号 "), others))
        notes.append(MergeNote(d, tuple(sorted(names[d])), tuple(shared)))
    return notes


def format_merges(notes: list[MergeNote]) -> str:
    """The notes as text for ``policykg show`` ('' when there are none).

    >>> print(format_merges([MergeNote("a.txt", ("青苗计划",), (("青苗计划", ("b.txt",)),))]))
    one node across 1 document(s) (cross-document resolution):
      a.txt names it 青苗计划 — shares 「青苗计划」 with b.txt
    """
    if not notes:
        return ""
    lines = [f"one node across {len(notes)} document(s) (cross-document resolution):"]
    for n in notes:
        why = "; ".join(f"「{k}」 with {', '.join(o)}" for k, o in n.shared)
        lines.append(f"  {n.document} names it {', '.join(n.names)}" + (f" — shares {why}" if why else ""))
    return "\n".join(lines)
