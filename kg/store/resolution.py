"""Cross-document entity resolution: one node for a measure, organization or project that several
documents name differently (full name in one, 以下简称 short form or 文号 in another).

Each document's graph arrives with *local* IRIs, minted from the names that document gives
(:mod:`kg.model.iris`). Before it is written, :class:`CrossDocumentResolver` ties each local node
to what the store already holds: two nodes are the same thing when they share a *match key* (a
specific name the document gives as the node's own, a short form or alias within the provinces the
document names, or a 文号; see :func:`match_keys`), and sameness is transitive. A
group of local IRIs (a *cluster*) is one node whose IRI is an order-free choice: the local IRI of
the fullest name (longest, then first in code-point order). So the graph depends only on the set
of documents, never on the order they were built in.

Within a document's graph a merged node gets the cluster's name as ``rdfs:label``, every name the
document gave it as ``skos:altLabel``, and one ``pkg:EntityMerge`` record saying which local
IRIs and names of that document the node stands for (so ``policykg show`` can say why mentions
became one node). When a new document reveals that existing clusters are one, only the document
graphs that mention those clusters are rewritten (:class:`Resolution` ``.rewrites``), never the
whole store.

Persons are not merged here: a person's IRI already joins namesakes of one province-level region
(:func:`kg.model.iris.person_key`) and keeps namesakes of different regions apart.
Removing a document does not split a cluster it helped to form (a rebuild from scratch does).

Long because the index (read once from the store), the resolution of a new document and the
rewrite of the graphs a merge touches share the resolver's state; what a worker computes of a
graph beforehand (:func:`stated_entities`) is the short part.

>>> sorted(match_keys("measure", ["某区青苗计划", "实施方案"], ["青苗计划"], ["某府发〔2023〕1号"]))
['measure|文号|某府发〔2023〕1号', 'measure|某区青苗计划', 'measure|青苗计划']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import URIRef

from kg.model.iris import measure_iri, org_iri, project_iri, slug
from kg.model.namespaces import ID, PKG, PROV, RDF, RDFS, SCHEMA, SKOS
from kg.store.terms import ntriples

__all__ = ["KINDS", "CrossDocumentResolver", "Resolution", "StatedEntities", "match_keys", "merge_iri",
           "stated_entities"]

#: The kinds resolved across documents, with the IRI each mints from a canonical name.
KINDS: dict[str, Callable[[str], URIRef]] = {"measure": measure_iri, "org": org_iri, "project": project_iri}
#: A name shorter than this (quotes and spaces aside) is too generic to tie two documents.
MIN_KEY_CHARS = 4
_QUOTES = re.compile(r"[\s“”\"'‘’《》〈〉「」『』【】]")
# Oxigraph's terms: a document's graph is read and rewritten as N-Triples with Oxigraph's parser,
# ~20x faster than building an rdflib graph, on the single writer's path of every build
(_OX_LABEL, _OX_ALT, _OX_NUMBER, _OX_TYPE, _OX_MERGE, _OX_FROM, _OX_INTO, _OX_MEMBER, _OX_STATED, _OX_AREA,
 _OX_CODE) = (ox.NamedNode(str(term)) for term in (
    RDFS.label, SKOS.altLabel, PKG.documentNumber, RDF.type, PKG.EntityMerge, PROV.wasDerivedFrom,
    PKG.mergedInto, PKG.mergedIRI, PKG.statedName, SCHEMA.AdministrativeArea, PKG.adminCode))
_OX_NAMES = {_OX_LABEL, _OX_ALT}


def _norm(name: str) -> str:
    return _QUOTES.sub("", unicodedata.normalize("NFKC", name))


def _specific(kind: str, name: str) -> bool:
    """Whether ``name`` names one thing wherever it is written (not a genre word or a 区委)."""
    core = _norm(name)
    if len(core) < MIN_KEY_CHARS:
        return False
    if kind == "org":
        from extractors.context import is_context_bound

        return not is_context_bound(core)
    if kind == "measure":
        from extractors.measures import is_generic_name

        return not is_generic_name(core)
    return True


def match_keys(kind: str, labels: Iterable[str], aliases: Iterable[str] = (), numbers: Iterable[str] = (),
               provinces: Iterable[str] = ()) -> set[str]:
    """The keys under which a ``kind`` node of one document meets nodes of other documents.

    A specific name the document gives the node as its own (``labels``) is a key, and so is each
    of its 文号; a short form or other alias (``aliases``) holds only in the provinces the document
    names (``provinces``, adcodes), so that two cities' "人才新政" stay apart while a short form
    and the full name it stands for, in documents about one province, meet. A label meets such
    aliases too: it is also keyed with each province.

    >>> sorted(match_keys("measure", ["某区青苗计划"], ["青苗计划"], provinces=["500000"]))
    ['measure|某区青苗计划', 'measure|某区青苗计划@500000', 'measure|青苗计划@500000']
    """
    provinces = sorted(set(provinces))
    keys: set[str] = set()
    for n in labels:
        if _specific(kind, n):
            keys |= {f"{kind}|{_norm(n)}"} | {f"{kind}|{_norm(n)}@{p}" for p in provinces}
    for n in aliases:
        if _specific(kind, n):
            keys |= {f"{kind}|{_norm(n)}@{p}" for p in provinces} if provinces else {f"{kind}|{_norm(n)}"}
    keys |= {f"{kind}|文号|{_norm(n)}" for n in numbers if _norm(n)}
    return keys


def merge_iri(doc: URIRef, node: URIRef) -> URIRef:
    """``id:merge/<slug(doc|node)>``: the record of what document ``doc`` says about merged ``node``.

    >>> str(merge_iri(URIRef("d"), URIRef("n"))).startswith("https://w3id.org/policykg/id/merge/")
    True
    """
    return URIRef(f"{ID}merge/{slug(f'{doc}|{node}')}")


def kind_of(iri: str) -> str | None:
    """The resolved kind an IRI was minted for (``None``: not one of :data:`KINDS`)."""
    rest = iri.removeprefix(str(ID))
    head = rest.split("/", 1)[0]
    return head if head in KINDS and rest != iri else None


def _canonical(kind: str, members: Iterable[URIRef], names: Iterable[str]) -> tuple[URIRef, str]:
    """The cluster's IRI and name: the member with the fullest name (order-free)."""
    by_iri = {KINDS[kind](n): n for n in names}
    return min(((m, by_iri.get(m, "")) for m in members), key=lambda mn: (-len(mn[1]), mn[1], str(mn[0])))


@dataclass
class Resolution:
    """A document's graph as it is to be written (``nt``) and the other documents' graphs that the
    merges it caused rewrote (``rewrites``: document IRI → N-Triples)."""

    nt: str
    rewrites: dict[URIRef, str] = field(default_factory=dict)
    merged: int = 0  # clusters this document joined or formed


@dataclass(frozen=True)
class StatedEntities:
    """What one document's graph says about its measures, organizations and projects: each named
    node's names and match keys, and every such node it mentions. All that :meth:`CrossDocumentResolver.resolve`
    needs of a new graph; an extraction worker computes it, so the build's single writer neither
    parses the graph nor runs the name rules."""

    names: dict[str, frozenset[str]]  # local IRI -> the names the document gives it
    keys: dict[str, frozenset[str]]  # local IRI -> its match keys in this document
    mentioned: frozenset[str]  # every resolvable IRI in the graph, as subject or object


def stated_entities(nt: str) -> StatedEntities:
    """The :class:`StatedEntities` of a document graph given as N-Triples.

    >>> x = f"{ID}measure/x"
    >>> e = stated_entities(f'<{x}> <{RDFS.label}> "云溪市青苗计划"@zh .\\n')
    >>> sorted(e.names.values()), sorted(e.keys[x])
    ([frozenset({'云溪市青苗计划'})], ['measure|云溪市青苗计划'])
    """
    names: dict[str, dict[str, set[str]]] = {}  # IRI -> {"label" | "alias" | "number": values}
    mentioned: set[str] = set()
    areas: set[str] = set()
    codes: dict[str, set[str]] = {}
    for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject, t.predicate, t.object
        for x in (s, o):
            if isinstance(x, ox.NamedNode) and kind_of(x.value):
                mentioned.add(x.value)
        if p == _OX_TYPE and o == _OX_AREA:
            areas.add(s.value)
        elif p == _OX_CODE:
            codes.setdefault(s.value, set()).add(o.value)
        elif isinstance(s, ox.NamedNode) and kind_of(s.value) and p in (_OX_LABEL, _OX_ALT, _OX_NUMBER):
            role = "label" if p == _OX_LABEL else "alias" if p == _OX_ALT else "number"
            names.setdefault(s.value, {}).setdefault(role, set()).add(o.value)
    provinces = {code[:2] + "0000" for a in areas for code in codes.get(a, ())}
    named = {x: n for x, n in names.items() if "label" in n or "alias" in n}
    return StatedEntities(
        {x: frozenset(n.get("label", set()) | n.get("alias", set())) for x, n in named.items()},
        {x: frozenset(match_keys(kind_of(x) or "", n.get("label", ()), n.get("alias", ()), n.get("number", ()),
                                 provinces)) for x, n in named.items()},
        frozenset(mentioned))


class _DSU:
    def __init__(self) -> None:
        self.parent: dict[URIRef, URIRef] = {}

    def find(self, x: URIRef) -> URIRef:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: URIRef, b: URIRef) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


class CrossDocumentResolver:
    """Resolves each new document's measures, organizations and projects against ``store`` (a
    :class:`kg.store.knowledge_store.KnowledgeStore`) before it is written; the single writer of a
    build owns one. Its index (names, members and keys of every cluster) is read from the store
    once, then kept up to date with what :meth:`resolve` decides."""

    def __init__(self, store: object, before_read: Callable[[], None] | None = None) -> None:
        self.store = store
        # called before the store's document graphs are read: a builder writing from another
        # thread first finishes the writes it has queued, so the reads see every document so far
        self.before_read = before_read
        self._loaded = False
        self.names: dict[URIRef, set[str]] = {}  # cluster -> every name any document gives it
        self.keys: dict[URIRef, set[str]] = {}  # cluster -> the match keys of every document naming it
        self.members: dict[URIRef, set[URIRef]] = {}  # cluster -> local IRIs it stands for
        self.cluster_of: dict[URIRef, URIRef] = {}  # local IRI (of a merged cluster) -> cluster
        self.by_key: dict[str, set[URIRef]] = {}

    # ------------------------------------------------------------------ index
    def _rows(self, sparql: str) -> list[tuple]:
        if self.before_read is not None:
            self.before_read()
        return [tuple(row) for row in self.store.ox.query(sparql)]  # type: ignore[attr-defined]

    def _load(self) -> None:
        """The index from the stored document graphs: each document's keys as it stated them
        (a merged node's names from its record), so the index is what a build in any order makes."""
        self._loaded = True
        labels: dict[tuple[str, URIRef], set[str]] = {}
        aliases: dict[tuple[str, URIRef], set[str]] = {}
        numbers: dict[tuple[str, URIRef], set[str]] = {}
        provinces: dict[str, set[str]] = {}
        q = f"SELECT ?g ?c ?p ?n WHERE {{ VALUES ?p {{ <{RDFS.label}> <{SKOS.altLabel}> }} GRAPH ?g {{ ?c ?p ?n }} }}"
        for g, c, p, n in self._rows(q):
            iri = URIRef(c.value)
            if kind_of(iri):
                self.names.setdefault(iri, set()).add(n.value)
                (labels if p.value == str(RDFS.label) else aliases).setdefault((g.value, iri), set()).add(n.value)
        q = f"SELECT ?g ?c ?n WHERE {{ GRAPH ?g {{ ?c <{PKG.documentNumber}> ?n }} }}"
        for g, c, n in self._rows(q):
            numbers.setdefault((g.value, URIRef(c.value)), set()).add(n.value)
        q = (f"SELECT ?g ?code WHERE {{ GRAPH ?g {{ ?d a <{SCHEMA.AdministrativeArea}> ; "
             f"<{PKG.adminCode}> ?code }} }}")
        for g, code in self._rows(q):
            provinces.setdefault(g.value, set()).add(code.value[:2] + "0000")
        q = (f"SELECT ?g ?c ?m ?n WHERE {{ GRAPH ?g {{ ?r <{PKG.mergedInto}> ?c ; <{PKG.mergedIRI}> ?m ; "
             f"<{PKG.statedName}> ?n }} }}")
        stated: dict[tuple[str, URIRef], tuple[set[URIRef], set[str]]] = {}
        for g, c, m, n in self._rows(q):
            iri = URIRef(c.value)
            self.members.setdefault(iri, {iri}).add(URIRef(m.value))
            own, names = stated.setdefault((g.value, iri), (set(), set()))
            own.add(URIRef(m.value))
            names.add(n.value)
        for (g, iri), (own, names) in stated.items():  # a merged node: the names the record keeps
            mint = KINDS[kind_of(iri) or "measure"]
            labels[(g, iri)] = {n for n in names if mint(n) in own}
            aliases[(g, iri)] = names - labels[(g, iri)]
        for c, ms in self.members.items():
            for m in ms:
                self.cluster_of[m] = c
        for (g, iri) in set(labels) | set(aliases):
            keys = match_keys(kind_of(iri) or "", labels.get((g, iri), ()), aliases.get((g, iri), ()),
                              numbers.get((g, iri), ()), provinces.get(g, ()))
            self.keys.setdefault(iri, set()).update(keys)
        for c in self.keys:
            self._index(c)

    def _index(self, c: URIRef) -> None:
        for k in self.keys.get(c, ()):
            self.by_key.setdefault(k, set()).add(c)

    def _unindex(self, c: URIRef) -> None:
        for k in self.keys.get(c, ()):
            self.by_key.get(k, set()).discard(c)

    # ------------------------------------------------------------------ resolving
    def resolve(self, doc: URIRef, nt: str, stated: StatedEntities | None = None) -> Resolution:
        """Resolve the document ``doc`` whose graph (local IRIs) is ``nt``, and ``stated`` what it
        says of its resolvable nodes (computed from ``nt`` when not given); the index is updated as
        if the result were written (the caller writes it, with the rewrites, in one transaction)."""
        if not self._loaded:
            self._load()
        if stated is None:
            stated = stated_entities(nt)
        if not stated.names:
            return Resolution(nt)
        local_names = {URIRef(x): set(n) for x, n in stated.names.items()}
        local_keys = {URIRef(x): set(k) for x, k in stated.keys.items()}
        dsu = _DSU()
        doc_keys: dict[str, URIRef] = {}
        for x, stated_keys in local_keys.items():
            unit = self.cluster_of.get(x, x)
            dsu.find(unit)
            for k in stated_keys:
                for c in self.by_key.get(k, ()):
                    dsu.union(unit, c)
                if k in doc_keys:
                    dsu.union(unit, doc_keys[k])
                doc_keys[k] = unit
        groups: dict[URIRef, set[URIRef]] = {}
        for unit in list(dsu.parent):
            groups.setdefault(dsu.find(unit), set()).add(unit)
        stale: set[URIRef] = set()  # cluster IRIs whose documents' graphs must be rewritten
        merges = 0
        for units in groups.values():
            kind = kind_of(next(iter(units))) or ""
            members: set[URIRef] = set()
            names: set[str] = set()
            keys: set[str] = set()
            for u in units:
                members |= self.members.get(u, {u})
                names |= self.names.get(u, set())
                keys |= self.keys.get(u, set())
            for x in local_names:
                if self.cluster_of.get(x, x) in units:
                    names |= local_names[x]
                    keys |= local_keys[x]
            new = _canonical(kind, members, names)[0] if len(members) > 1 else next(iter(members))
            before = self.members.get(new)
            for u in units:
                self._unindex(u)
                self.names.pop(u, None)
                self.keys.pop(u, None)
                self.members.pop(u, None)
            self.names[new], self.keys[new] = names, keys
            if len(members) > 1:
                self.members[new] = members
                for m in members:
                    self.cluster_of[m] = new
                if members != before:
                    merges += 1
                    stale |= {u for u in units if u != new}
                    if before is None:
                        stale.add(new)  # its first merge: its documents get their records
            self._index(new)
        touched = any(URIRef(x) in self.cluster_of for x in stated.mentioned)
        result = Resolution(self._rewrite(doc, nt, fresh=True) if touched else nt, merged=merges)
        for other in self._documents_mentioning(sorted(stale)):
            if other != doc:
                stored = self.store.document_ntriples(other)  # type: ignore[attr-defined]
                result.rewrites[other] = self._rewrite(other, stored, fresh=False)
        return result

    def _documents_mentioning(self, iris: list[URIRef]) -> list[URIRef]:
        if not iris:
            return []
        values = " ".join(f"<{i}>" for i in iris)
        q = (f"SELECT DISTINCT ?g WHERE {{ VALUES ?x {{ {values} }} "
             f"GRAPH ?g {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} }} }}")
        return sorted(URIRef(row[0].value) for row in self._rows(q))

    def _rewrite(self, doc: URIRef, nt: str, fresh: bool) -> str:
        """The graph ``nt`` with every merged IRI replaced by its cluster's, the labels of merged
        nodes restated and one ``pkg:EntityMerge`` record per merged node; the same result whichever
        cluster IRIs ``nt`` held before (``fresh``: ``nt`` holds the extractor's local IRIs)."""
        triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
        own_names: dict[ox.NamedNode, set[ox.Literal]] = {}  # node -> the names the graph gives it
        record_of: dict[ox.NamedNode, ox.NamedNode] = {}  # merge record -> the node it is about
        for t in triples:
            if t.predicate in _OX_NAMES and isinstance(t.object, ox.Literal):
                own_names.setdefault(t.subject, set()).add(t.object)
            elif not fresh and t.predicate == _OX_INTO:
                record_of[t.subject] = t.object
        records: dict[ox.NamedNode, tuple[set[ox.NamedNode], set[ox.Literal]]] = {
            into: (set(), set()) for into in record_of.values()}  # old node -> (its locals, its names)
        for t in triples:
            into = record_of.get(t.subject)
            if into is not None and t.predicate == _OX_MEMBER:
                records[into][0].add(t.object)
            elif into is not None and t.predicate == _OX_STATED:
                records[into][1].add(t.object)

        def target(x: ox.NamedNode) -> ox.NamedNode:
            if isinstance(x, ox.NamedNode) and kind_of(x.value):
                c = self.cluster_of.get(URIRef(x.value))
                return x if c is None else ox.NamedNode(str(c))
            return x

        info: dict[ox.NamedNode, tuple[set[ox.NamedNode], set[ox.Literal]]] = {}
        for x in {t.subject for t in triples} - record_of.keys():
            c = target(x)
            if not kind_of(x.value) or len(self.members.get(URIRef(c.value), ())) < 2:
                continue
            locals_, stated = info.setdefault(c, (set(), set()))
            if x in records:
                locals_ |= records[x][0]
                stated |= records[x][1]
            elif x in own_names:
                locals_.add(x)
                stated |= own_names[x]
        out: set[ox.Triple] = set()
        for t in triples:
            s = target(t.subject)
            if t.subject in record_of or (s in info and t.predicate in _OX_NAMES):
                continue
            out.add(ox.Triple(s, t.predicate, target(t.object)))
        source = ox.NamedNode(str(doc))
        for c, (locals_, stated) in info.items():
            if not stated:
                continue
            name = self._name_of(URIRef(c.value))
            out.add(ox.Triple(c, _OX_LABEL, ox.Literal(name, language="zh")))
            out |= {ox.Triple(c, _OX_ALT, n) for n in stated if n.value != name}
            r = ox.NamedNode(str(merge_iri(doc, URIRef(c.value))))
            out |= {ox.Triple(r, _OX_TYPE, _OX_MERGE), ox.Triple(r, _OX_INTO, c), ox.Triple(r, _OX_FROM, source)}
            out |= {ox.Triple(r, _OX_MEMBER, m) for m in locals_}
            out |= {ox.Triple(r, _OX_STATED, n) for n in stated}
        return ntriples(out)

    def _name_of(self, cluster: URIRef) -> str:
        kind = kind_of(cluster) or ""
        return _canonical(kind, [cluster], self.names.get(cluster, ()))[1]
