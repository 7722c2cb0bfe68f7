"""Deterministic IRIs for every node the graph mints, under ``https://w3id.org/policykg/id/``.

An IRI is ``ID + <type>/<slug>``; the slug is the first 16 hex digits of SHA-1 over the entity's
canonical key, so the same entity gets the same IRI in every run and on every machine. Districts
use their GB/T 2260 code and documents the start of their content hash instead of a slug.

>>> district_iri("500111")
rdflib.term.URIRef('https://w3id.org/policykg/id/district/500111')
>>> str(person_iri("张明远", "500000")) == str(person_iri("张明远", "500000"))
True
>>> str(role_iri("书记"))
'https://w3id.org/policykg/id/role/ae27345b10250002'
"""

from __future__ import annotations

import hashlib

from rdflib import URIRef

from kg.model.namespaces import ID

__all__ = [
    "agreement_iri",
    "amount_iri",
    "district_iri",
    "document_iri",
    "evidence_iri",
    "measure_iri",
    "meeting_iri",
    "org_iri",
    "person_iri",
    "person_key",
    "post_iri",
    "project_iri",
    "role_iri",
    "slug",
]


def slug(key: str) -> str:
    """The first 16 hex digits of SHA-1 over ``key`` (UTF-8).

    >>> slug("书记")
    'ae27345b10250002'
    """
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _iri(kind: str, key: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{slug(key)}")


def district_iri(adcode: str) -> URIRef:
    """``id:district/<adcode>``.

    >>> str(district_iri("500000"))
    'https://w3id.org/policykg/id/district/500000'
    """
    if not (len(adcode) == 6 and adcode.isascii() and adcode.isdigit()):
        raise ValueError(f"not a 6-digit GB/T 2260 code: {adcode!r}")
    return URIRef(f"{ID}district/{adcode}")


def person_key(name: str, region: str | None) -> str:
    """The canonical key of a person: name and province-level region, which tells namesakes apart.

    >>> person_key("张明远", "500000")
    '张明远|500000'
    >>> person_key("张三", None)
    '张三|'
    """
    return f"{name}|{region or ''}"


def person_iri(name: str, region: str | None = None) -> URIRef:
    """``id:person/<slug(name|region)>``.

    >>> person_iri("张明远", "500000") == person_iri("张明远", None)
    False
    """
    return _iri("person", person_key(name, region))


def org_iri(name: str) -> URIRef:
    """``id:org/<slug(canonical name)>``.

    >>> org_iri("大足区委") == org_iri("大足区委")
    True
    """
    return _iri("org", name)


def role_iri(role: str) -> URIRef:
    """``id:role/<slug(bare title)>``: one role node per title, shared across organizations.

    >>> role_iri("书记") == role_iri("书记")
    True
    """
    return _iri("role", role)


def post_iri(person: str, region: str | None, role: str, org: str | None) -> URIRef:
    """``id:post/<slug(person-key|role|org)>``.

    >>> post_iri("张明远", "500000", "书记", "大足区委") == post_iri("张明远", "500000", "书记", None)
    False
    """
    return _iri("post", f"{person_key(person, region)}|{role}|{org or ''}")


def measure_iri(name: str) -> URIRef:
    """``id:measure/<slug(canonical name)>``.

    >>> str(measure_iri("春雨计划")).startswith("https://w3id.org/policykg/id/measure/")
    True
    """
    return _iri("measure", name)


def agreement_iri(doc_sha256: str, start: int, end: int) -> URIRef:
    """``id:measure/<slug(agreement|doc sha|start|end)>``: an agreement the text states without naming it.

    >>> agreement_iri("ab" * 32, 3, 9) == agreement_iri("ab" * 32, 3, 9)
    True
    """
    return _iri("measure", f"agreement|{doc_sha256}|{start}|{end}")


def project_iri(name: str) -> URIRef:
    """``id:project/<slug(canonical name)>``.

    >>> str(project_iri("浙江省中医院成都医院")).startswith("https://w3id.org/policykg/id/project/")
    True
    """
    return _iri("project", name)


def amount_iri(doc_sha256: str, start: int, end: int) -> URIRef:
    """``id:amount/<slug(doc sha|start|end)>``: each stated amount is its own node.

    >>> amount_iri("ab" * 32, 10, 16) == amount_iri("ab" * 32, 10, 17)
    False
    """
    return _iri("amount", f"{doc_sha256}|{start}|{end}")


def evidence_iri(doc_sha256: str, start: int, end: int) -> URIRef:
    """``id:evidence/<slug(doc sha|start|end)>`` for the characters [start, end) of the original file.

    >>> evidence_iri("ab" * 32, 10, 16) == amount_iri("ab" * 32, 10, 16)
    False
    """
    return _iri("evidence", f"{doc_sha256}|{start}|{end}")


def meeting_iri(name: str, when: str) -> URIRef:
    """``id:meeting/<slug(name|when)>``; ``when`` is the meeting's date (or, lacking one, the
    document's date or hash), so one recurring meeting name does not become one node.

    >>> meeting_iri("区委常委会会议", "2023-01-04") == meeting_iri("区委常委会会议", "2023-01-05")
    False
    """
    return _iri("meeting", f"{name}|{when}")


def document_iri(sha256: str) -> URIRef:
    """``id:doc/<first 16 hex digits of the content's SHA-256>``: identical content, one document.

    >>> str(document_iri("6b93980e7507874a" + "0" * 48))
    'https://w3id.org/policykg/id/doc/6b93980e7507874a'
    """
    if len(sha256) < 16:
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return URIRef(f"{ID}doc/{sha256[:16].lower()}")


def change_iri(person: str, region: str | None, kind: str, role: str, org: str | None, when: str) -> URIRef:
    """``id:change/<slug(person-key|kind|role|org|when)>``; ``when`` is the stated date of the change,
    or (lacking one) the stating document's hash, so two undated changes in different documents
    stay apart while every document stating one dated change names the same node.

    >>> a = change_iri("张某", "500000", "Appointed", "副区长", "大足区人民政府", "2023-02-20")
    >>> a == change_iri("张某", "500000", "Removed", "副区长", "大足区人民政府", "2023-02-20")
    False
    >>> str(a).startswith("https://w3id.org/policykg/id/change/")
    True
    """
    return _iri("change", f"{person_key(person, region)}|{kind}|{role}|{org or ''}|{when}")
