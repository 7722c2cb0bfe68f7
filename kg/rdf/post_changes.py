"""Post changes (任免) as RDF, per ``DATA_MODEL.md`` "Post changes"::

    id:change/… a pkg:PostChange ; pkg:changeKind pkg:Appointed ; pkg:person id:person/… ;
        pkg:post id:post/… ; schema:startDate "2021-03-15"^^xsd:date ; prov:wasDerivedFrom id:doc/… .

The post is the person's ``org:Post`` (``org:role`` + ``org:postIn``), the same node a document
stating that the person holds it mints. The person holds it (``org:holds``, with ``pkg:asOf`` the
document date) after an appointment, election or nomination — written by the ordinary post path
from the :class:`kg.model.facts.Post` the extractor adds; after a removal or resignation the post
node is written without a holder. ``schema:startDate`` only when the text states the date.
"""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef

from kg.model.facts import HOLDING_CHANGES, Person, Post, PostChange
from kg.model.iris import change_iri, person_iri, post_iri, role_iri
from kg.model.namespaces import ORG, PKG, RDF, RDFS, SCHEMA

__all__ = ["CHANGE_WORDS", "add_post_change"]

#: How a change reads in Chinese, for its label.
CHANGE_WORDS = {"Appointed": "任命", "Removed": "免去", "Elected": "当选", "Resigned": "辞去", "Nominated": "提名"}


def add_post_change(b: Any, c: PostChange, date: Literal | None) -> URIRef:
    """Write the triples of one post change into ``b``, the document's graph builder
    (``kg.rdf.facts_to_rdf``), with ``date`` the change's stated date as a literal; returns its IRI."""
    region = b.region_of(c.person)
    if c.person not in b.persons:
        b.person(Person(c.person, True, region))
    person = person_iri(c.person, region)
    post = post_iri(c.person, region, c.role, c.org)
    if c.kind in HOLDING_CHANGES:
        if not any((p.person, p.role, p.org) == (c.person, c.role, c.org) for p in b.facts.posts):
            b.post(Post(c.person, c.role, c.org, c.as_written, c.evidence))  # facts without the Post
    else:
        # the post ended: its node (role, organization, sentence) but no org:holds
        role = role_iri(c.role)
        b.g.add((post, RDF.type, ORG.Post))
        b.g.add((post, RDFS.label, Literal(c.as_written or c.role, lang="zh")))
        b.g.add((post, ORG.role, role))
        b.g.add((role, RDF.type, ORG.Role))
        b.g.add((role, RDFS.label, Literal(c.role, lang="zh")))
        if c.org:
            b.g.add((post, ORG.postIn, b.org_ref(c.org)))
        b.derived(post)
        b.evidence(post, c.evidence)
    iri = change_iri(c.person, region, c.kind, c.role, c.org, str(date) if date is not None else b.doc.sha256)
    b.g.add((iri, RDF.type, PKG.PostChange))
    b.g.add((iri, RDFS.label, Literal(f"{CHANGE_WORDS.get(c.kind, c.kind)} {c.person} {c.as_written}", lang="zh")))
    b.g.add((iri, PKG.changeKind, PKG[c.kind]))
    b.g.add((iri, PKG.person, person))
    b.g.add((iri, PKG.post, post))
    b.add(iri, SCHEMA.startDate, date)
    b.derived(iri)
    b.evidence(iri, c.evidence)
    return iri
