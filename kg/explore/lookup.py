"""Finding an entity by name: exact labels, aliases, substrings, then close matches ("did you mean").

Works on the networkx view of :mod:`kg.explore.network`: a name matches a node's ``label`` or one of its
``aliases`` (``skos:altLabel``); an IRI (full, or ``id:…``) matches that node.

>>> from kg.explore.network import example_graph, to_networkx
>>> G = to_networkx(example_graph())
>>> [m.label for m in find_entities(G, "大足区委")]
['中共重庆市大足区委员会']
>>> try:
...     resolve_entity(G, "张明圆")
... except EntityNotFound as e:
...     print(e)
no entity named '张明圆'; did you mean: 张明远 (Official)?
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import networkx as nx

from kg.model.namespaces import ID

__all__ = ["EntityNotFound", "Match", "find_entities", "resolve_entity"]

# How a name matched, best first; the rank orders the results.
_HOW = ("iri", "label", "alias", "substring", "similar")
# Types a user usually means when one name is ambiguous (a person over the post named after them).
_TYPE_RANK = {"Official": 0, "Person": 1, "District": 2, "Organization": 3, "Measure": 4, "Project": 5,
              "Meeting": 6, "Post": 7, "Role": 8, "Amount": 9}


class EntityNotFound(LookupError):
    """No entity has that name; the message lists the closest names ("did you mean")."""

    def __init__(self, name: str, suggestions: list[Match]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = ", ".join(f"{m.label} ({m.type})" for m in suggestions)
        super().__init__(f"no entity named {name!r}" + (f"; did you mean: {hint}?" if hint else ""))

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Match:
    """A node that matched a name: how (``iri``, ``label``, ``alias``, ``substring``, ``similar``)
    and a similarity score in [0, 1]."""

    node: str
    label: str
    type: str
    how: str
    score: float


def _names(data: dict) -> list[str]:
    return [n for n in (data.get("label", ""), *data.get("aliases", ())) if n]


def find_entities(G: nx.MultiDiGraph, name: str, *, limit: int = 10, cutoff: float = 0.5,
                  types: set[str] | None = None) -> list[Match]:
    """Nodes whose label or alias is ``name``, else contains it, else is close to it.

    The best kind of match found wins: exact matches (label before alias) hide substrings, which
    hide merely similar names (difflib ratio ≥ ``cutoff``). Exact and substring matches list people
    and places before posts, then higher similarity, then shorter names; similar names are listed
    closest first. ``types`` keeps only those node types.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> G = to_networkx(example_graph())
    >>> [(m.label, m.how) for m in find_entities(G, "大足")]
    [('大足区', 'substring'), ('中共重庆市大足区委员会', 'substring'), ('大足区委书记', 'substring')]
    >>> [(m.label, m.how) for m in find_entities(G, "id:district/500111")]
    [('大足区', 'iri')]
    """
    name = name.strip()
    if not name:
        return []
    iri = str(ID) + name[3:] if name.startswith("id:") else name
    found: dict[str, Match] = {}

    def offer(node: str, data: dict, how: str, score: float) -> None:
        old = found.get(node)
        if old is None or (_HOW.index(how), -score) < (_HOW.index(old.how), -old.score):
            found[node] = Match(node, data.get("label", ""), data.get("type", ""), how, score)

    for node, data in G.nodes(data=True):
        if types and data.get("type") not in types:
            continue
        if node == iri or data.get("adcode") == name:
            offer(node, data, "iri", 1.0)
            continue
        for i, n in enumerate(_names(data)):
            if n == name:
                offer(node, data, "label" if i == 0 else "alias", 1.0)
            elif name in n:
                offer(node, data, "substring", len(name) / len(n))
            else:
                ratio = difflib.SequenceMatcher(None, name, n).ratio()
                if ratio >= cutoff:
                    offer(node, data, "similar", ratio)
    if not found:
        return []
    best = min(_HOW.index(m.how) for m in found.values())
    # exact label and alias matches are equally good answers
    kinds = {"label", "alias"} if _HOW[best] in ("label", "alias") else {_HOW[best]}
    matches = [m for m in found.values() if m.how in kinds]
    if kinds == {"similar"}:  # the closest names first, whatever their type
        matches.sort(key=lambda m: (-round(m.score, 2), _TYPE_RANK.get(m.type, 10), len(m.label), m.label, m.node))
    else:
        matches.sort(key=lambda m: (_TYPE_RANK.get(m.type, 10), -m.score, len(m.label), m.label, m.node))
    return matches[:limit]


def resolve_entity(G: nx.MultiDiGraph, name: str, *, types: set[str] | None = None) -> str:
    """The node a user means by ``name``: its IRI (or adcode), exact label or alias, else its only
    substring match. Raises :class:`EntityNotFound` (with close names to suggest) otherwise.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> G = to_networkx(example_graph())
    >>> resolve_entity(G, "大足区委")
    'https://w3id.org/policykg/id/org/a'
    >>> resolve_entity(G, "张明")
    'https://w3id.org/policykg/id/person/a'
    """
    matches = find_entities(G, name, types=types)
    if matches and matches[0].how in ("iri", "label", "alias"):
        return matches[0].node
    if len(matches) == 1 and matches[0].how == "substring":
        return matches[0].node
    if not matches or matches[0].how == "substring":
        # several names contain it: suggest them; none does: suggest similar ones
        suggestions = matches or find_entities(G, name, types=types, cutoff=0.3)
    else:
        suggestions = matches
    raise EntityNotFound(name, suggestions[:5])
