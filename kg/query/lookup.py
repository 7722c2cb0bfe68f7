"""Finding an entity by name: exact labels, aliases, substrings, then close matches ("did you mean").

Works on the networkx view of :mod:`kg.explore.network`: a name matches a node's ``label`` or one of its
``aliases`` (``skos:altLabel``); an IRI (full, ``district:500111`` or ``id:…``) matches that node.
:func:`find_in_store` does the same lookup for one kind of entity inside the store (no networkx),
for query parameters. A name that could mean several entities is never guessed: it raises
:class:`AmbiguousName` listing them.

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
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.model.namespaces import expand_iri, sparql_iri

if TYPE_CHECKING:  # networkx is only needed by callers that have a graph; queries never import it
    import networkx as nx

    from kg.store.knowledge_store import KnowledgeStore

__all__ = ["ENTITY_KINDS", "AmbiguousName", "EntityNotFound", "Match", "close_names", "find_entities",
           "find_in_store", "resolve_entity", "resolve_in_store"]

# How a name matched, best first; the rank orders the results.
_HOW = ("iri", "label", "alias", "substring", "similar")
# Types a user usually means when one name is ambiguous (a person over the post named after them).
_TYPE_RANK = {"Official": 0, "Person": 1, "District": 2, "Organization": 3, "Measure": 4, "Project": 5,
              "Meeting": 6, "Post": 7, "Role": 8, "Amount": 9}


class EntityNotFound(LookupError):
    """No entity has that name; the message lists the closest names ("did you mean").

    ``kind`` names what was looked for in the message ("no district named …").
    """

    def __init__(self, name: str, suggestions: list[Match], kind: str = "entity") -> None:
        self.name = name
        self.suggestions = suggestions
        hint = ", ".join(f"{m.label} ({m.type})" for m in suggestions)
        super().__init__(f"no {kind} named {name!r}" + (f"; did you mean: {hint}?" if hint else ""))

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousName(EntityNotFound):
    """Several entities answer to that name; ``suggestions`` are the candidates, and the message
    lists each with an IRI that names it alone (a subclass of :class:`EntityNotFound`: no single
    entity has that name)."""

    def __init__(self, name: str, candidates: list[Match], kind: str = "entity") -> None:
        LookupError.__init__(self, _ambiguity_message(name, candidates, kind))
        self.name = name
        self.suggestions = candidates


_PLURAL = {"entity": "entities", "person": "people"}


def _ambiguity_message(name: str, candidates: list[Match], kind: str) -> str:
    types = {m.type for m in candidates}
    if kind == "entity" and len(types) == 1:
        kind = types.pop().lower()
    lines = [f"{name!r} could be {len(candidates)} {_PLURAL.get(kind, kind + 's')}; name one of them:"]
    lines += [f"  {sparql_iri(m.node)}  {m.label} ({m.type})" for m in candidates]
    lines.append("(its full name, or the IRI in front of it, names one alone)")
    return "\n".join(lines)


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
    iri = expand_iri(name) or name
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


def _tails(name: str, named: Iterable[tuple[str, str, str, Iterable[str]]], exact: list[Match]) -> list[Match]:
    """Other entities, of an exactly matched entity's type, whose label or alias ends with ``name``:
    ``name`` is then a short form several of them share (区委 of 永川区委 and of 綦江区委), not a name.
    ``named`` yields ``(node, label, type, names)``."""
    types = {m.type for m in exact}
    taken = {m.node for m in exact}
    out = []
    for node, label, typ, names in named:
        if typ in types and node not in taken and any(n != name and n.endswith(name) for n in names):
            out.append(Match(node, label, typ, "substring", len(name) / max(len(label), 1)))
    return sorted(out, key=lambda m: (len(m.label), m.label, m.node))


def _pick(name: str, exact: list[Match], tails: list[Match], kind: str) -> str:
    """The one node ``exact`` names, or :class:`AmbiguousName` when it names several (or when
    other entities of its type end with ``name``: a generic short form)."""
    if len(exact) == 1 and not tails:
        return exact[0].node
    raise AmbiguousName(name, (exact + tails)[:12], kind)


def resolve_entity(G: nx.MultiDiGraph, name: str, *, types: set[str] | None = None) -> str:
    """The node a user means by ``name``: its IRI (or adcode), its only exact label or alias, else its
    only substring match. Raises :class:`AmbiguousName` when the name is exactly that of several
    entities, or a short form that others of the same type end with (区委 when there are several
    district committees); :class:`EntityNotFound` (with close names to suggest) otherwise.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> G = to_networkx(example_graph())
    >>> resolve_entity(G, "大足区委")
    'https://w3id.org/policykg/id/org/a'
    >>> resolve_entity(G, "张明")
    'https://w3id.org/policykg/id/person/a'
    >>> resolve_entity(G, "district:500111")
    'https://w3id.org/policykg/id/district/500111'
    """
    matches = find_entities(G, name, types=types, limit=len(G) or 1)
    if matches and matches[0].how == "iri":
        return matches[0].node
    exact = [m for m in matches if m.how in ("label", "alias")]
    if exact:
        named = ((n, d.get("label", ""), d.get("type", ""), _names(d)) for n, d in G.nodes(data=True))
        return _pick(name.strip(), exact, _tails(name.strip(), named, exact), "entity")
    if len(matches) == 1 and matches[0].how == "substring":
        return matches[0].node
    if not matches or matches[0].how == "substring":
        # several names contain it: suggest them; none does: suggest similar ones
        suggestions = matches or find_entities(G, name, types=types, cutoff=0.3)
    else:
        suggestions = matches
    raise EntityNotFound(name, suggestions[:5])


#: Kinds of entity a query parameter may name: kind → (the class its nodes carry, type name shown).
ENTITY_KINDS: dict[str, tuple[str, str]] = {
    "district": ("https://schema.org/AdministrativeArea", "District"),
    "organization": ("http://www.w3.org/ns/org#Organization", "Organization"),
    "person": ("https://schema.org/Person", "Person"),
}


def close_names(name: str, names: Iterable[str], n: int = 5, cutoff: float = 0.3) -> list[str]:
    """The ``n`` names closest to ``name`` (difflib ratio ≥ ``cutoff``), closest first; names that
    share no character with it are never close.

    >>> close_names("大足", ["大足区", "永川区", "火星"])
    ['大足区']
    """
    chars = set(name)
    pool = sorted({x for x in names if chars & set(x)})
    scored = [(difflib.SequenceMatcher(None, name, x).ratio(), x) for x in pool]
    return [x for r, x in sorted(scored, key=lambda t: (-t[0], len(t[1]), t[1])) if r >= cutoff][:n]


_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _sparql_string(text: str) -> str:
    """``text`` as a SPARQL string literal (escaped: user input never becomes query syntax)."""
    return json.dumps(text, ensure_ascii=False)


def find_in_store(store: KnowledgeStore, name: str, kind: str) -> tuple[list[Match], list[Match]]:
    """Entities of ``kind`` (a key of :data:`ENTITY_KINDS`) in ``store`` that ``name`` names: its
    IRI, its adcode, or a label or alias equal to it whatever the language tag; and the others of
    that kind whose label or alias ends with ``name`` (see :func:`resolve_in_store`).

    >>> import tempfile, pathlib
    >>> from kg.store.knowledge_store import KnowledgeStore
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     find_in_store(store, "大足区", "district")
    ([], [])
    """
    cls, type_name = ENTITY_KINDS[kind]
    name = name.strip()
    iri = expand_iri(name)
    if iri is not None:
        if _IRI_FORBIDDEN.search(iri):
            return [], []
        rows = store.ox.query(f"SELECT ?label WHERE {{ <{iri}> a <{cls}> OPTIONAL {{ <{iri}> <{_LABEL}> ?label }} }}")
        return [Match(iri, row["label"].value if row["label"] else "", type_name, "iri", 1.0) for row in rows][:1], []
    # one scan of this kind's names: the exact ones and those ending with the name
    rows = store.ox.query(f"""
        SELECT ?x ?label ?n ?how WHERE {{
          ?x a <{cls}> .
          {{ ?x rdfs:label ?n BIND("label" AS ?how) }} UNION {{ ?x skos:altLabel ?n BIND("alias" AS ?how) }}
          UNION {{ ?x pkg:adminCode ?n BIND("iri" AS ?how) }}
          FILTER(STRENDS(STR(?n), {_sparql_string(name)}))
          OPTIONAL {{ ?x rdfs:label ?label }}
        }}""", prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                         "skos": "http://www.w3.org/2004/02/skos/core#",
                         "pkg": "https://w3id.org/policykg/ontology#"})
    exact: dict[str, Match] = {}
    ending: dict[str, Match] = {}
    for row in rows:
        node, n, how = row["x"].value, row["n"].value, row["how"].value
        label = row["label"].value if row["label"] else ""
        if n == name:
            old = exact.get(node)
            if old is None or _HOW.index(how) < _HOW.index(old.how):
                exact[node] = Match(node, label, type_name, how, 1.0)
        elif how != "iri":
            ending[node] = Match(node, label, type_name, "substring", len(name) / max(len(n), 1))
    codes = [m for m in exact.values() if m.how == "iri"]
    if codes:  # an adcode names one district
        return codes[:1], []
    tails = sorted((m for node, m in ending.items() if node not in exact), key=lambda m: (len(m.label), m.label))
    return sorted(exact.values(), key=lambda m: (m.label, m.node)), tails


def resolve_in_store(store: KnowledgeStore, name: str, kind: str) -> str:
    """The IRI of the one entity of ``kind`` that ``name`` names in ``store`` (see
    :func:`find_in_store`). Raises :class:`EntityNotFound` ("no district named 火星区; did you mean
    …") or :class:`AmbiguousName` (the candidates, each with its IRI) otherwise.

    >>> import tempfile, pathlib
    >>> from kg.store.knowledge_store import KnowledgeStore
    >>> with KnowledgeStore(pathlib.Path(tempfile.mkdtemp()) / "s") as store:
    ...     resolve_in_store(store, "火星区", "district")
    Traceback (most recent call last):
    ...
    kg.query.lookup.EntityNotFound: no district named '火星区'
    """
    exact, tails = find_in_store(store, name, kind)
    if exact and exact[0].how == "iri":
        return exact[0].node
    if exact:
        return _pick(name.strip(), exact, tails, kind)
    cls, type_name = ENTITY_KINDS[kind]
    rows = store.ox.query(f"SELECT ?x ?n WHERE {{ ?x a <{cls}> ; <{_LABEL}> ?n }}")
    label_of = {row["n"].value: row["x"].value for row in rows}
    hint = [Match(label_of[n], n, type_name, "similar", 0.0) for n in close_names(name.strip(), label_of)]
    raise EntityNotFound(name.strip(), hint, kind)
