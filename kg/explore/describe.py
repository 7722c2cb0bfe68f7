"""Everything the graph knows about one entity, each fact with the sentence and document stating it.

:func:`describe` gathers an entity's type, aliases, codes, its relations (posts with their role and
organization, funding with amounts, meetings, agreements, districts …) and its mentions, and pairs
each relation with its evidence (:func:`kg.explore.network.edge_evidence`). :meth:`EntityReport.format`
renders that as the text of ``policykg show NAME``.

>>> from kg.explore.network import example_graph, to_networkx
>>> G = to_networkx(example_graph())
>>> report = describe(G, "https://w3id.org/policykg/id/person/a")
>>> print(report.format())  # doctest: +NORMALIZE_WHITESPACE
张明远  [Official]  person:a
  types: pkg:Official, schema:Person
<BLANKLINE>
facts (1):
  post: 大足区委书记  (role 书记; organization 中共重庆市大足区委员会)
    “大足区委书记张明远主持会议。”
      — a.txt, characters 0–6 (seeds/a.txt)
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx

from kg.explore.network import edge_evidence, node_name
from kg.model.namespaces import sparql_iri

__all__ = ["EntityReport", "EvidenceRef", "Statement", "describe"]

# How an edge reads from the described entity's side: (key, outgoing?) → phrase.
_OUT = {"holds": "post", "postIn": "organization", "role": "role", "areaServed": "serves",
        "containedInPlace": "part of", "funding": "funding", "issuedBy": "issued by", "locatedIn": "located in",
        "party": "party", "chairedBy": "chaired by", "attendee": "attended by", "versionOf": "version of",
        "implements": "implements", "partnerOf": "partner of"}
_IN = {"holds": "held by", "postIn": "post", "role": "post with this role", "areaServed": "served by",
       "containedInPlace": "contains", "funding": "funds", "issuedBy": "issued", "locatedIn": "location of",
       "party": "party to", "chairedBy": "chaired", "attendee": "attended", "versionOf": "has version",
       "implements": "implemented by", "partnerOf": "partner of"}
# a post change (任免) points at its person and post: from their side it reads as a change
_IN.update({"person": "post change", "post": "post change"})
# Order of the facts in a report: the ones a reader asks about first.
_ORDER = ["post", "held by", "organization", "role", "chaired", "attended", "chaired by", "attended by",
          "funding", "funds", "party to", "party", "issued", "issued by", "serves", "served by", "located in",
          "location of", "part of", "contains", "post with this role"]


def _shown_path(path: str) -> str:
    """``path`` as the reader would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive
        return path
    return path if relative.startswith("..") or not os.path.isabs(path) else relative


@dataclass(frozen=True)
class EvidenceRef:
    """Where a document states a fact: the sentence, character offsets in the original file, the
    document's name and the path it was read from."""

    sentence: str
    start: int | None
    end: int | None
    document: str
    source_path: str = ""

    def format(self) -> str:
        """Two lines: the quoted sentence, then where it is.

        >>> print(EvidenceRef("张明远主持会议。", 0, 3, "a.txt", "seeds/a.txt").format())
        “张明远主持会议。”
          — a.txt, characters 0–3 (seeds/a.txt)
        """
        where = self.document + (f", characters {self.start}–{self.end}" if self.start is not None else "")
        return f"“{self.sentence}”\n  — {where}" + (f" ({_shown_path(self.source_path)})" if self.source_path else "")


@dataclass(frozen=True)
class Statement:
    """One fact about the entity: ``relation`` (``post``, ``funding``, ``chaired`` …), the other end's
    label as ``value`` (its IRI as ``target``), ``details`` and the ``evidence`` stating it."""

    relation: str
    value: str
    target: str
    details: tuple[tuple[str, str], ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()

    def format(self, max_evidence: int | None = None) -> str:
        """The fact on one line and each evidence sentence under it."""
        details = "; ".join(f"{k} {v}" for k, v in self.details)
        lines = [f"{self.relation}: {self.value}" + (f"  ({details})" if details else "")]
        shown = self.evidence if max_evidence is None else self.evidence[:max_evidence]
        for ev in shown:
            lines += ["  " + line for line in ev.format().splitlines()]
        if not self.evidence:
            lines.append("  (no sentence recorded)")
        elif len(shown) < len(self.evidence):
            lines.append(f"  … {len(self.evidence) - len(shown)} more sentence(s)")
        return "\n".join(lines)


@dataclass
class EntityReport:
    """What :func:`describe` found: the entity's identity, its facts and the sentences naming it."""

    node: str
    label: str
    type: str
    aliases: list[str]
    types: list[str]
    attributes: dict[str, Any]
    documents: list[str]
    statements: list[Statement] = field(default_factory=list)
    mentions: list[EvidenceRef] = field(default_factory=list)
    timeline: Any = None  # a person's posts and post changes (kg.explore.timeline.Timeline)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)

    def format(self, max_mentions: int | None = 5, max_evidence: int | None = 3) -> str:
        """The report as text (``None`` limits: print every mention and every sentence)."""
        lines = [f"{self.label}  [{self.type}]  {sparql_iri(self.node)}"]  # an IRI a query accepts
        if self.aliases:
            lines.append("  aliases: " + ", ".join(self.aliases))
        if self.types:
            lines.append("  types: " + ", ".join(self.types))
        for key, value in self.attributes.items():
            lines.append(f"  {key}: {value}")
        if self.documents:
            lines.append("  sources: " + ", ".join(self.documents))
        lines += ["", f"facts ({len(self.statements)}):"]
        for st in self.statements:
            lines += ["  " + line for line in st.format(max_evidence).splitlines()]
        if not self.statements:
            lines.append("  (none)")
        if self.mentions:
            shown = self.mentions if max_mentions is None else self.mentions[:max_mentions]
            lines += ["", f"mentioned in {len(self.mentions)} sentence(s):"]
            for ev in shown:
                lines += ["  " + line for line in ev.format().splitlines()]
            if len(shown) < len(self.mentions):
                lines.append(f"  … {len(self.mentions) - len(shown)} more (--all shows them)")
        if self.timeline:
            lines += ["", self.timeline.format(max_evidence)]
        return "\n".join(lines)


_ATTRIBUTE_NAMES = ("kind", "adcode", "org_kind", "as_written", "value", "min_value", "max_value", "currency",
                    "approximate", "per_unit", "purpose", "as_of", "date")


def _evidence(refs: list[dict[str, Any]]) -> tuple[EvidenceRef, ...]:
    return tuple(EvidenceRef(e["sentence"], e["start"], e["end"], e["document_name"], e["source_path"])
                 for e in refs)


def _amount_text(data: dict[str, Any]) -> str:
    parts = []
    for key, word in (("value", ""), ("min_value", "at least "), ("max_value", "at most ")):
        if key in data:
            parts.append(f"{word}{data[key]:,.0f} {data.get('currency', 'CNY')}")
    if data.get("approximate"):
        parts.append("approximate")
    if data.get("purpose"):
        parts.append(f"for {data['purpose']}")
    return ", ".join(parts)


def _details(G: nx.MultiDiGraph, node: str, other: str) -> tuple[tuple[str, str], ...]:
    """What a reader wants to know about ``other`` next to its label (never ``node`` itself again)."""
    data = G.nodes[other]
    out: list[tuple[str, str]] = []
    if data["type"] == "Post":
        out += [("role", node_name(G, v)) for v in G.successors(other) if "role" in G[other][v] and v != node]
        out += [("organization", node_name(G, v)) for v in G.successors(other)
                if "postIn" in G[other][v] and v != node]
        out += [("holder", node_name(G, u)) for u in G.predecessors(other) if "holds" in G[u][other] and u != node]
        if data.get("as_of"):
            out.append(("as of", data["as_of"]))
    elif data["type"] == "Amount":
        out.append(("amount", _amount_text(data)))
    elif data["type"] in ("Meeting", "Measure") and data.get("date"):
        out.append(("date", data["date"]))
    if data["type"] == "Measure" and data.get("kind"):
        out.append(("kind", data["kind"]))
    return tuple(out)


def describe(G: nx.MultiDiGraph, node: str) -> EntityReport:
    """Everything ``G`` (from :func:`kg.explore.network.to_networkx`) says about ``node``.

    Each relation becomes a :class:`Statement` with its evidence; a post is reported with its role
    and organization, an amount with its value and purpose. The entity's own evidence sentences are
    its ``mentions``.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> G = to_networkx(example_graph())
    >>> r = describe(G, "https://w3id.org/policykg/id/org/a")
    >>> r.aliases, [(s.relation, s.value) for s in r.statements]
    (['大足区委'], [('post', '大足区委书记'), ('serves', '大足区')])
    >>> r.statements[0].details
    (('role', '书记'), ('holder', '张明远'))
    """
    if node not in G:
        raise KeyError(f"{node} is not a node of the graph")
    data = G.nodes[node]
    statements = []
    for u, v, key in list(G.out_edges(node, keys=True)) + list(G.in_edges(node, keys=True)):
        outgoing = u == node
        other = v if outgoing else u
        relation = (_OUT if outgoing else _IN).get(key, key if outgoing else f"{key} of")
        value = node_name(G, other)
        statements.append(Statement(relation, value, other, _details(G, node, other),
                                    _evidence(edge_evidence(G, u, v))))
    rank = {r: i for i, r in enumerate(_ORDER)}
    statements.sort(key=lambda s: (rank.get(s.relation, len(rank)), s.relation, s.value, s.target))
    attributes = {k.replace("_", " "): data[k] for k in _ATTRIBUTE_NAMES if data.get(k) not in (None, "", False)}
    return EntityReport(node=node, label=data.get("label", ""), type=data.get("type", ""),
                        aliases=list(data.get("aliases", [])), types=list(data.get("types", [])),
                        attributes=attributes, documents=list(data.get("documents", [])),
                        statements=statements, mentions=list(_evidence(data.get("evidence", []))),
                        timeline=_timeline(G, node))


def _timeline(G: nx.MultiDiGraph, node: str):
    """A person's timeline (posts with first/last seen dates, post changes), else None."""
    from kg.explore.timeline import person_timeline

    return person_timeline(G, node) or None
