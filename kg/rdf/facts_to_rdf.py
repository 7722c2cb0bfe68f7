"""One document's facts as RDF: the triples of that document's named graph.

:func:`document_graph` turns a :class:`kg.model.facts.DocumentFacts` into an :class:`rdflib.Graph`
following ``docs/data-model.md``: W3C ORG for posts, schema.org for people, places and money, PROV for
sources, and the project ontology (``pkg:``) for the rest. Every node it mints has a deterministic
IRI (:mod:`kg.model.iris`), so an entity named in several documents is one node; each document's graph
repeats the type and label triples it states, and the union of all named graphs is the graph.

Evidence offsets in the facts index the *normalized* text; the graph stores offsets into the
*original* file (``NormalizedText.to_original``) and the sentence as normalized.

Long because it is one builder with a method per kind of fact in ``DATA_MODEL.md``; splitting
the methods apart would only scatter the one contract they implement together.

Provenance is bounded per document: evidence identical to one a node already has (the same
sentence and mention, repeated elsewhere in the text) is stated once, and a document mints at
most :data:`EVIDENCE_BUDGET` evidence nodes (each with a sentence of at most 2,000 characters,
see :func:`kg.ingest.normalize.split_sentences`); past that, a node still gets its first evidence (every
node keeps evidence reachable, as the data model requires) and the rest is dropped with a warning.

>>> from kg.model.facts import DocumentFacts, Person
>>> facts = DocumentFacts(persons=[Person("张明远", True, "500000")])
>>> meta = DocumentMeta(name="a.txt", sha256="0" * 64, path="/tmp/a.txt", date="2023-01-04")
>>> g = document_graph(meta, _IdentityText("张明远主持会议。"), facts)
>>> from kg.model.namespaces import PKG, RDF
>>> (person_iri("张明远", "500000"), RDF.type, PKG.Official) in g
True
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from os import PathLike
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg.model.facts import (
    District,
    DocumentFacts,
    EntityRef,
    Evidence,
    FundingAmount,
    Measure,
    Organization,
    Person,
    Post,
    Project,
    Relation,
)
from kg.model.iris import (
    agreement_iri,
    amount_iri,
    district_iri,
    document_iri,
    evidence_iri,
    measure_iri,
    meeting_iri,
    org_iri,
    person_iri,
    post_iri,
    project_iri,
    role_iri,
)
from kg.model.namespaces import ORG, PKG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, bind_prefixes

__all__ = [
    "EVIDENCE_BUDGET",
    "DocumentMeta",
    "DocumentMetadata",
    "OffsetMap",
    "date_literal",
    "decimal_literal",
    "document_graph",
]

log = logging.getLogger(__name__)




#: Evidence nodes one document may mint (a long real document states a few thousand); beyond
#: it, only a node's first evidence is kept. Bounds what hostile repetition can write.
EVIDENCE_BUDGET = 10_000


class DocumentMetadata(Protocol):
    """What the graph needs to know about a source document (``kg.ingest.readers.SourceDocument`` fits)."""

    name: str
    sha256: str
    path: str | PathLike[str]
    title: str | None
    date: str | _dt.date | None


class OffsetMap(Protocol):
    """Normalized text with its map back to the original (``kg.ingest.normalize.NormalizedText`` fits)."""

    text: str

    def to_original(self, start: int, end: int) -> tuple[int, int]: ...


@dataclass(frozen=True)
class DocumentMeta:
    """A plain :class:`DocumentMetadata`, for callers that have no ``SourceDocument``.

    >>> DocumentMeta(name="a.txt", sha256="0" * 64, path="a.txt").title is None
    True
    """

    name: str
    sha256: str
    path: str | PathLike[str]
    title: str | None = None
    date: str | _dt.date | None = None


@dataclass(frozen=True)
class _IdentityText:
    """Normalized text equal to its original (for examples and tests)."""

    text: str

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return start, end


_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_literal(value: str | _dt.date | None) -> Literal | None:
    """An ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal for as much as is known.

    >>> date_literal("2023-01-04").datatype == XSD.date
    True
    >>> str(date_literal("2020-05")), date_literal("2020-05").datatype == XSD.gYearMonth
    ('2020-05', True)
    >>> date_literal("sometime") is None
    True
    """
    if value is None:
        return None
    if isinstance(value, _dt.date):
        return Literal(value.isoformat()[:10], datatype=XSD.date)
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    year, month, day = m.groups()
    if day:
        try:
            _dt.date(int(year), int(month), int(day))
        except ValueError:
            return Literal(f"{year}-{month}", datatype=XSD.gYearMonth) if 1 <= int(month) <= 12 else None
        return Literal(m.group(0), datatype=XSD.date)
    if month:
        return Literal(m.group(0), datatype=XSD.gYearMonth) if 1 <= int(month) <= 12 else None
    return Literal(year, datatype=XSD.gYear)


def decimal_literal(value: float) -> Literal:
    """An ``xsd:decimal`` in canonical form (what Oxigraph stores, so round trips compare equal).

    >>> str(decimal_literal(2.0e9)), str(decimal_literal(805.9e8)), str(decimal_literal(0.5))
    ('2000000000', '80590000000', '0.5')
    """
    d = Decimal(repr(float(value)))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal(text or "0", datatype=XSD.decimal)


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


class _DocumentGraphBuilder:
    """Collects the triples of one document; one method per kind of fact."""

    def __init__(self, doc: DocumentMetadata, normalized: OffsetMap, facts: DocumentFacts,
                 source_paths: Iterable[str], evidence_budget: int = EVIDENCE_BUDGET) -> None:
        from extractors.context import is_context_bound  # the build has the pipeline loaded
        from extractors.lexicons import admin_divisions  # light: a cached TSV read

        self.context_bound = is_context_bound
        self.doc = doc
        self.normalized = normalized
        self.facts = facts
        self.source_paths = sorted(set(source_paths))
        self.divisions = admin_divisions()
        self.g = Graph()
        bind_prefixes(self.g)
        self.doc_iri = document_iri(doc.sha256)
        self.doc_date = date_literal(doc.date)
        self.orgs = {o.name: o for o in facts.organizations}
        self.persons = {p.name: self._placed(p) for p in facts.persons}
        self.districts = {d.adcode: d for d in facts.districts}
        self.measures = {m.name: m for m in facts.measures}
        self.projects = {p.name: p for p in facts.projects}
        regions = Counter(p.region for p in facts.persons if p.region)
        # A person named only in a post or relation takes the document's usual region, so that
        # they land on the same node as in documents where the extractor listed them.
        self.default_region = min(regions, key=lambda r: (-regions[r], r)) if regions else None
        self.evidence_left = evidence_budget
        self.evidence_budget = evidence_budget
        self.evidence_dropped = 0
        self._evidence_of: dict[tuple[URIRef, str, str, int], URIRef] = {}  # identical evidence, stated once
        self._has_evidence: set[URIRef] = set()
        self._minted: set[URIRef] = set()

    def _placed(self, p: Person) -> Person:
        """A person the document gives no region takes the province of the districts their posts'
        organizations serve (else of the districts the document names), when that is one province:
        the 区长 of a district named in a text that names no province is the namesake other
        documents about that province have (one node), and stays apart from namesakes elsewhere."""
        if p.region is not None:
            return p
        provinces = set()
        for post in (*self.facts.posts, *self.facts.post_changes):
            org = self.orgs.get(post.org) if post.person == p.name and post.org else None
            if org is not None and org.district and org.district in self.divisions:
                provinces.add(self.divisions[org.district].province)
        if not provinces:  # no post placed: the districts the document names, if of one province
            provinces = {self.divisions[d.adcode].province for d in self.facts.districts if d.adcode in self.divisions}
        return replace(p, region=provinces.pop()) if len(provinces) == 1 else p

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def derived(self, node: URIRef) -> None:
        self.g.add((node, PROV.wasDerivedFrom, self.doc_iri))

    def labels(self, node: URIRef, name: str, aliases: Iterable[str]) -> None:
        self.g.add((node, RDFS.label, _zh(name)))
        for alias in aliases:
            if alias and alias != name:
                self.g.add((node, SKOS.altLabel, _zh(alias)))

    # ------------------------------------------------------------------ evidence
    def evidence(self, node: URIRef, ev: Evidence) -> URIRef | None:
        """Link ``node`` to the evidence ``ev`` (None: dropped, the budget is spent)."""
        sentence = self.normalized.text[ev.sentence_start:ev.sentence_end].strip()
        same = (node, sentence, ev.text, ev.start - ev.sentence_start)
        if same in self._evidence_of:  # the same statement repeated: its first evidence stands
            return self._evidence_of[same]
        start, end = self.normalized.to_original(ev.start, ev.end)
        iri = evidence_iri(self.doc.sha256, start, end)
        if iri not in self._minted:
            if self.evidence_left <= 0 and node in self._has_evidence:
                self.evidence_dropped += 1
                return None
            self.evidence_left -= 1
            self._minted.add(iri)
            self.g.add((iri, RDF.type, PKG.Evidence))
            if sentence:
                self.g.add((iri, PKG.sentence, _zh(sentence)))
            self.g.add((iri, PKG.startOffset, Literal(start)))
            self.g.add((iri, PKG.endOffset, Literal(end)))
            self.derived(iri)
        self.g.add((node, PKG.evidence, iri))
        self._evidence_of[same] = iri
        self._has_evidence.add(node)
        return iri

    def warnings(self) -> list[str]:
        """What this document's graph left out, one line each."""
        if not self.evidence_dropped:
            return []
        return [f"evidence budget of {self.evidence_budget} nodes reached: {len(self._minted)} evidence nodes "
                f"stored, {self.evidence_dropped} further mentions not linked (each node keeps its first)"]

    def all_evidence(self, node: URIRef, evidence: Iterable[Evidence]) -> None:
        # a traditional-script original ("臺北市議會") is a surface form of the entity as well
        original_form = getattr(self.normalized, "original_form", None)
        for ev in evidence:
            self.evidence(node, ev)
            form = original_form(ev.start, ev.end) if original_form is not None else None
            if form and form != ev.text:
                self.g.add((node, SKOS.altLabel, _zh(form)))

    # ------------------------------------------------------------------ document
    def document(self) -> None:
        d, doc = self.doc_iri, self.doc
        self.g.add((d, RDF.type, PKG.Document))
        self.g.add((d, SCHEMA.name, Literal(doc.name)))
        self.g.add((d, PKG.sha256, Literal(doc.sha256.lower())))
        self.add(d, SCHEMA.datePublished, self.doc_date)
        if doc.title:
            self.g.add((d, SCHEMA.headline, _zh(doc.title)))
        for path in self.source_paths:
            self.g.add((d, PKG.sourcePath, Literal(path)))

    # ------------------------------------------------------------------ references
    def region_of(self, person: str) -> str | None:
        known = self.persons.get(person)
        return known.region if known is not None else self.default_region

    def node_for(self, ref: EntityRef, when: str | None = None) -> URIRef | None:
        """The IRI of a referenced entity, emitting a minimal node if the facts do not list it."""
        kind, key = ref.kind, ref.key
        if kind == "person":
            if key not in self.persons:
                self.person(Person(key, False, self.default_region))
            return person_iri(key, self.region_of(key))
        if kind == "org":
            return self.org_ref(key)
        if kind == "district":
            return self.district_ref(key)
        if kind == "measure":
            if key not in self.measures:
                self.stub(measure_iri(key), key)
            return measure_iri(key)
        if kind == "project":
            if key not in self.projects:
                self.project(Project(key))
            return project_iri(key)
        if kind == "meeting":
            iri = meeting_iri(key, when or (str(self.doc_date) if self.doc_date else self.doc.sha256))
            self.g.add((iri, RDF.type, PKG.Meeting))
            self.g.add((iri, RDFS.label, _zh(key)))
            self.derived(iri)
            return iri
        log.debug("unknown entity kind %r in %s", kind, self.doc.name)
        return None

    def stub(self, iri: URIRef, name: str) -> None:
        self.g.add((iri, RDFS.label, _zh(name)))
        self.derived(iri)

    def org_ref(self, name: str) -> URIRef | None:
        if self.context_bound(name):
            # "区委" on its own names no particular organization: no node labelled with it
            log.debug("%s: context-bound organization %r left out", self.doc.name, name)
            return None
        if name not in self.orgs:
            self.organization(Organization(name, "other"))
        return org_iri(name)

    def district_ref(self, adcode: str | None) -> URIRef | None:
        if not adcode:
            return None
        if adcode in self.districts:
            return district_iri(adcode)
        if adcode not in self.divisions:
            log.warning("%s: unknown adcode %r, district left out", self.doc.name, adcode)
            return None
        # A district the text does not name is linked by IRI only: a labelled node would claim the
        # document mentions the place, and multiply a wrong match by its whole chain of parents.
        return district_iri(adcode)

    # ------------------------------------------------------------------ entities
    def district(self, d: District) -> URIRef:
        iri = district_iri(d.adcode)
        division = self.divisions.get(d.adcode)
        aliases = list(d.aliases)
        if division is not None and division.short:
            aliases.append(division.short)
        self.g.add((iri, RDF.type, SCHEMA.AdministrativeArea))
        self.labels(iri, d.name, aliases)
        self.g.add((iri, PKG.adminCode, Literal(d.adcode)))
        self.derived(iri)
        self.all_evidence(iri, d.evidence)
        parent = d.parent_adcode or (division.parent if division is not None else None)
        if parent and parent != d.adcode and (parent in self.divisions or parent in self.districts):
            self.g.add((iri, SCHEMA.containedInPlace, district_iri(parent)))
        return iri

    def organization(self, o: Organization) -> URIRef:
        iri = org_iri(o.name)
        self.g.add((iri, RDF.type, ORG.Organization))
        if o.is_public_body:
            self.g.add((iri, RDF.type, SCHEMA.GovernmentOrganization))
        self.labels(iri, o.name, o.aliases)
        if o.kind:
            self.g.add((iri, PKG.orgKind, Literal(o.kind)))
        self.add(iri, SCHEMA.areaServed, self.district_ref(o.district))
        self.derived(iri)
        self.all_evidence(iri, o.evidence)
        return iri

    def person(self, p: Person) -> URIRef:
        p = self.persons.get(p.name, p) if p.region is None else p
        iri = person_iri(p.name, p.region)
        self.g.add((iri, RDF.type, SCHEMA.Person))
        if p.is_official:
            self.g.add((iri, RDF.type, PKG.Official))
        self.g.add((iri, RDFS.label, _zh(p.name)))
        self.derived(iri)
        self.all_evidence(iri, p.evidence)
        return iri

    def post(self, post: Post) -> URIRef:
        region = self.region_of(post.person)
        if post.person not in self.persons:
            self.person(Person(post.person, False, region))
        holder = person_iri(post.person, region)
        iri = post_iri(post.person, region, post.role, post.org)
        role = role_iri(post.role)
        self.g.add((holder, ORG.holds, iri))
        self.g.add((iri, RDF.type, ORG.Post))
        self.g.add((iri, RDFS.label, _zh(post.as_written or post.role)))
        self.g.add((iri, ORG.role, role))
        self.g.add((role, RDF.type, ORG.Role))
        self.g.add((role, RDFS.label, _zh(post.role)))
        if post.org:
            self.add(iri, ORG.postIn, self.org_ref(post.org))
        self.add(iri, PKG.asOf, self.doc_date)
        self.derived(iri)
        self.evidence(iri, post.evidence)
        return iri

    def measure(self, m: Measure) -> URIRef:
        iri = measure_iri(m.name)
        self.g.add((iri, RDF.type, PKG.PolicyMeasure))
        specific = getattr(PKG, m.kind, None)
        if specific is None:
            log.warning("%s: measure %r has unknown kind %r", self.doc.name, m.name, m.kind)
        else:
            self.g.add((iri, RDF.type, specific))
        self.labels(iri, m.name, m.aliases)
        if m.issuer:
            self.add(iri, PKG.issuedBy, self.org_ref(m.issuer))
        self.add(iri, SCHEMA.areaServed, self.district_ref(m.district))
        if m.document_number:
            self.g.add((iri, PKG.documentNumber, Literal(m.document_number)))
        if m.part_of and m.part_of != m.name:
            self.g.add((iri, DCTERMS.isPartOf, measure_iri(m.part_of)))
        if m.version_of and m.version_of != m.name:
            drafted = measure_iri(m.version_of)
            self.g.add((iri, PKG.versionOf, drafted))
            if m.version_of not in self.measures:
                # a draft of a policy document drafts a document of the same kind
                self.measure(Measure(m.version_of, m.kind))
        self.derived(iri)
        self.all_evidence(iri, m.evidence)
        return iri

    def project(self, p: Project) -> URIRef:
        iri = project_iri(p.name)
        self.g.add((iri, RDF.type, PKG.Project))
        if p.batch:
            self.g.add((iri, RDF.type, PKG.ProjectBatch))
        self.labels(iri, p.name, p.aliases)
        self.add(iri, PKG.locatedIn, self.district_ref(p.district))
        if p.operator:
            self.add(iri, PKG.operator, self.org_ref(p.operator))
        self.add(iri, PKG.plannedCompletion, date_literal(p.planned_completion))
        self.derived(iri)
        self.all_evidence(iri, p.evidence)
        return iri

    def amount(self, f: FundingAmount) -> URIRef:
        iri = amount_iri(self.doc.sha256, f.evidence.start, f.evidence.end)
        self.g.add((iri, RDF.type, SCHEMA.MonetaryAmount))
        self.g.add((iri, SCHEMA.currency, Literal(f.currency)))
        value = decimal_literal(f.value)
        if f.low is not None:  # a vague amount ("数十亿元"): the range it stands for
            self.g.add((iri, SCHEMA.minValue, decimal_literal(f.low)))
            self.g.add((iri, SCHEMA.maxValue, value))
        else:
            prop = {"max": SCHEMA.maxValue, "min": SCHEMA.minValue}.get(f.qualifier, SCHEMA.value)
            self.g.add((iri, prop, value))
        if f.qualifier == "approx":
            self.g.add((iri, PKG.approximate, Literal(True)))
        kind = getattr(PKG, f.kind, None)
        if kind is None:
            log.warning("%s: amount %r has unknown kind %r", self.doc.name, f.as_written, f.kind)
            kind = PKG.OtherAmount
        self.g.add((iri, PKG.amountKind, kind))
        if f.per_unit:
            self.g.add((iri, PKG.perUnit, Literal(True)))
        if f.purpose:
            self.g.add((iri, PKG.purpose, _zh(f.purpose)))
        self.g.add((iri, PKG.asWritten, _zh(f.as_written)))
        self.derived(iri)
        self.evidence(iri, f.evidence)
        self.all_evidence(iri, f.restated)
        if f.attached_to is not None:
            owner = self.node_for(f.attached_to)
            if owner is not None:
                self.g.add((owner, PKG.funding, iri))
        return iri

    # ------------------------------------------------------------------ relations
    def relation(self, r: Relation) -> None:
        pred = r.predicate
        if pred in ("chaired", "attended"):
            meeting, other = (r.object, r.subject) if r.object.kind == "meeting" else (r.subject, r.object)
            if meeting.kind != "meeting":
                log.debug("%s: %s relation without a meeting: %r", self.doc.name, pred, r)
                return
            m = self.node_for(meeting, r.date)
            who = self.node_for(other)
            if m is None or who is None:
                return
            self.g.add((m, PKG.chairedBy if pred == "chaired" else PKG.attendee, who))
            self.add(m, SCHEMA.startDate, date_literal(r.date))
            self.evidence(m, r.evidence)
        elif pred == "signed_agreement_with":
            self.agreement(r)
        elif pred == "issued":
            measure, issuer = (r.object, r.subject) if r.object.kind == "measure" else (r.subject, r.object)
            m, o = self.node_for(measure), self.node_for(issuer)
            if measure.kind == "measure" and m is not None and o is not None:
                self.g.add((m, PKG.issuedBy, o))
        elif pred in ("located_in", "implements", "partner_of"):
            s, o = self.node_for(r.subject), self.node_for(r.object)
            if s is not None and o is not None:
                prop = {"located_in": PKG.locatedIn, "implements": PKG.implements, "partner_of": PKG.partnerOf}[pred]
                self.g.add((s, prop, o))
        else:
            log.debug("%s: relation %r not represented", self.doc.name, pred)

    def agreement(self, r: Relation) -> None:
        ends = [r.subject, r.object]
        named = [e for e in ends if e.kind == "measure"]
        if named:
            node = self.node_for(named[0])
            parties = [e for e in ends if e.kind != "measure"]
        else:
            # An agreement named in the same sentence is the one signed; otherwise the text states
            # an agreement without naming it, which gets a node of its own (pkg:Agreement only).
            same_sentence = sorted(
                m.name for m in self.facts.measures if m.kind == "Agreement"
                and any(ev.sentence_start == r.evidence.sentence_start for ev in m.evidence))
            if same_sentence:
                node = measure_iri(same_sentence[0])
            else:
                start, end = self.normalized.to_original(r.evidence.start, r.evidence.end)
                node = agreement_iri(self.doc.sha256, start, end)
                self.g.add((node, RDF.type, PKG.Agreement))
                self.derived(node)
            parties = ends
        if node is None:
            return
        for party in parties:
            p = self.node_for(party)
            if p is not None:
                self.g.add((node, PKG.party, p))
        self.add(node, SCHEMA.startDate, date_literal(r.date))
        self.evidence(node, r.evidence)

    def build(self) -> Graph:
        self.document()
        for d in self.facts.districts:
            self.district(d)
        for o in self.facts.organizations:
            if not self.context_bound(o.name):
                self.organization(o)
        for p in self.facts.persons:
            self.person(p)
        for m in self.facts.measures:
            self.measure(m)
        for pr in self.facts.projects:
            self.project(pr)
        for post in self.facts.posts:
            self.post(post)
        for f in self.facts.funding:
            self.amount(f)
        for r in self.facts.relations:
            self.relation(r)
        from kg.rdf.post_changes import add_post_change  # post changes (任免): their own module

        for c in self.facts.post_changes:
            add_post_change(self, c, date_literal(c.date))
        return self.g


def document_graph(doc: DocumentMetadata, normalized: OffsetMap, facts: DocumentFacts,
                   *, source_paths: Iterable[str] | None = None, evidence_budget: int = EVIDENCE_BUDGET,
                   warnings: list[str] | None = None) -> Graph:
    """The triples of ``doc``'s named graph (``id:doc/<sha256[:16]>``) for its ``facts``.

    ``source_paths`` are the file paths the content was read from (default: ``doc.path``); they
    become ``pkg:sourcePath`` literals, which is how a rebuild knows which document a path held.
    At most ``evidence_budget`` evidence nodes are minted (see the module docstring); what was
    left out is appended to ``warnings`` when a list is given, else logged.

    >>> from kg.model.facts import DocumentFacts, Evidence, Post
    >>> ev = Evidence(0, 6, "大足区委书记", 0, 12)
    >>> facts = DocumentFacts(posts=[Post("张明远", "书记", "大足区委", "大足区委书记", ev)])
    >>> meta = DocumentMeta(name="a.txt", sha256="ab" * 32, path="a.txt")
    >>> g = document_graph(meta, _IdentityText("大足区委书记张明远主持会议。"), facts)
    >>> sorted(str(o) for o in g.objects(None, RDFS.label))
    ['书记', '大足区委', '大足区委书记', '张明远']
    """
    paths = [str(doc.path)] if source_paths is None else [str(p) for p in source_paths]
    builder = _DocumentGraphBuilder(doc, normalized, facts, paths, evidence_budget)
    graph = builder.build()
    for warning in builder.warnings():
        if warnings is None:
            log.warning("%s: %s", doc.name, warning)
        else:  # the caller reports it
            warnings.append(warning)
    return graph
