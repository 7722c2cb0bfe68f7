"""A person's timeline: the posts they were seen holding (first and last "as of" dates) and the
post changes (任免) about them, each with the sentence stating it.

>>> from kg.explore.network import to_networkx
>>> G = to_networkx(example_timeline_graph())
>>> print(person_timeline(G, "https://w3id.org/policykg/id/person/a").format())
timeline:
  posts:
    2021-03-01 … 2022-06-30  大足区人民政府副区长  (副区长; 大足区人民政府)
  changes:
    2021-03-01  appointed  大足区人民政府副区长
      “任命张某为大足区人民政府副区长。”
        — a.txt, characters 0–15
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
from rdflib import Graph

from kg.explore.network import node_name

__all__ = ["PostSpan", "Timeline", "TimelineChange", "example_timeline_graph", "person_timeline"]

# how a change kind reads in the timeline
_KIND_WORDS = {"Appointed": "appointed", "Removed": "removed", "Elected": "elected", "Resigned": "resigned",
               "Nominated": "nominated"}


@dataclass(frozen=True)
class PostSpan:
    """A post the person held or left, with the dates the graph has for it."""

    post: str
    label: str
    role: str
    organization: str
    first_seen: str | None
    last_seen: str | None
    held: bool  # org:holds (False: known only from a removal or resignation)


@dataclass(frozen=True)
class TimelineChange:
    """One post change: its kind, stated date (None when the text gives none), post and sentences."""

    change: str
    kind: str
    date: str | None
    post: str
    evidence: tuple[dict, ...] = ()  # sentence, start, end, document_name, source_path


@dataclass
class Timeline:
    posts: list[PostSpan] = field(default_factory=list)
    changes: list[TimelineChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        """Whether there is a timeline to show: a post change, or a post with a date."""
        return bool(self.changes) or any(p.first_seen for p in self.posts)

    def format(self, max_evidence: int | None = 3) -> str:
        """The timeline as indented text (dates first; undated entries last)."""
        lines = ["timeline:", "  posts:"]
        for p in self.posts:
            when = f"{p.first_seen or '?'} … {p.last_seen or '?'}" if p.first_seen or p.last_seen else "(undated)"
            what = "; ".join(x for x in (p.role, p.organization) if x)
            lines.append(f"    {when}  {p.label}" + (f"  ({what})" if what else "") + ("" if p.held else "  [left]"))
        if not self.posts:
            lines.append("    (none)")
        lines.append("  changes:")
        for c in self.changes:
            lines.append(f"    {c.date or '(no date stated)'}  {_KIND_WORDS.get(c.kind, c.kind)}  {c.post}")
            shown = c.evidence if max_evidence is None else c.evidence[:max_evidence]
            for ev in shown:
                lines += ["      " + line for line in _format_evidence(ev).splitlines()]
        if not self.changes:
            lines.append("    (none)")
        return "\n".join(lines)


def _evidence(refs: list[dict]) -> tuple[dict, ...]:
    keys = ("sentence", "start", "end", "document_name", "source_path")
    return tuple({k: e.get(k) for k in keys} for e in refs)


def _format_evidence(e: dict) -> str:
    """The sentence and where it is, as :class:`kg.explore.describe.EvidenceRef` writes it (not
    imported: describe imports this module)."""
    where = e["document_name"] + (f", characters {e['start']}–{e['end']}" if e.get("start") is not None else "")
    return f"“{e['sentence']}”\n  — {where}" + (f" ({e['source_path']})" if e.get("source_path") else "")


def _targets(G: nx.MultiDiGraph, node: str, key: str) -> list[str]:
    return sorted(v for v in G.successors(node) if key in G[node][v])


def person_timeline(G: nx.MultiDiGraph, node: str) -> Timeline:
    """The posts and post changes of the person ``node`` (empty for any other entity)."""
    if node not in G or G.nodes[node].get("type") not in ("Official", "Person"):
        return Timeline()
    changes = []
    for u in G.predecessors(node):
        data = G.nodes[u]
        if data.get("type") != "PostChange" or "person" not in G[u][node]:
            continue
        post = next(iter(_targets(G, u, "post")), "")
        changes.append(TimelineChange(u, data.get("change_kind", ""), data.get("date"),
                                      node_name(G, post) if post else "", _evidence(data.get("evidence", []))))
    changes.sort(key=lambda c: (c.date is None, c.date or "", c.kind, c.post, c.change))
    change_posts: dict[str, list[str]] = {}
    for u in G.predecessors(node):
        if G.nodes[u].get("type") == "PostChange":
            for post in _targets(G, u, "post"):
                if G.nodes[u].get("date"):
                    change_posts.setdefault(post, []).append(G.nodes[u]["date"])
    held = set(_targets(G, node, "holds"))
    posts = []
    for post in sorted(held | set(change_posts)):
        data = G.nodes[post]
        dates = sorted({*data.get("as_of_dates", ()), *([data["as_of"]] if data.get("as_of") else []),
                        *change_posts.get(post, ())})
        role = next((node_name(G, v) for v in _targets(G, post, "role")), "")
        org = next((node_name(G, v) for v in _targets(G, post, "postIn")), "")
        posts.append(PostSpan(post, node_name(G, post), role, org, dates[0] if dates else None,
                              dates[-1] if dates else None, post in held))
    posts.sort(key=lambda p: (p.first_seen is None, p.first_seen or "", p.label, p.post))
    return Timeline(posts, changes)


def example_timeline_graph() -> Graph:
    """A person appointed to a post, seen holding it in two dated documents (for examples and tests)."""
    return Graph().parse(format="turtle", data="""
        @base <https://w3id.org/policykg/id/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix schema: <https://schema.org/> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix pkg: <https://w3id.org/policykg/ontology#> .
        <person/a> a schema:Person, pkg:Official ; rdfs:label "张某"@zh ; org:holds <post/a> .
        <post/a> a org:Post ; rdfs:label "大足区人民政府副区长"@zh ; org:role <role/a> ; org:postIn <org/a> ;
            pkg:asOf "2021-03-02"^^xsd:date , "2022-06-30"^^xsd:date .
        <role/a> a org:Role ; rdfs:label "副区长"@zh .
        <org/a> a org:Organization ; rdfs:label "大足区人民政府"@zh .
        <change/a> a pkg:PostChange ; pkg:changeKind pkg:Appointed ; pkg:person <person/a> ; pkg:post <post/a> ;
            schema:startDate "2021-03-01"^^xsd:date ; pkg:evidence <evidence/a> ; prov:wasDerivedFrom <doc/a> .
        <evidence/a> a pkg:Evidence ; pkg:sentence "任命张某为大足区人民政府副区长。"@zh ;
            pkg:startOffset 0 ; pkg:endOffset 15 ; prov:wasDerivedFrom <doc/a> .
        <doc/a> a pkg:Document ; schema:name "a.txt" .
    """)
