"""Shortest chains of relations: a bidirectional breadth-first search, bounded in depth, over a
graph's adjacency or over a store queried a frontier at a time (:func:`kg.explore.scoped.shortest_path`).

>>> bidirectional_path("a", "c", lambda front: {"a": ["b"], "b": ["a", "c"], "c": ["b"]})
['a', 'b', 'c']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import pairwise

import networkx as nx

__all__ = ["NoPathWithin", "bidirectional_path", "connection_steps", "shortest_connection"]


def _name(G: nx.MultiDiGraph, node: str) -> str:
    return G.nodes[node].get("label") or node


class NoPathWithin(nx.NetworkXNoPath):
    """No path of at most ``max_depth`` relations joins the two entities (a longer one may)."""

    def __init__(self, source: str, target: str, max_depth: int) -> None:
        super().__init__(f"no path of at most {max_depth} relations between {source} and {target}")
        self.max_depth = max_depth


def _trace(parents: dict[str, str | None], node: str) -> list[str]:
    out = [node]
    while (up := parents[out[-1]]) is not None:
        out.append(up)
    return out


def bidirectional_path(source: str, target: str, adjacent: Callable[[list[str]], Mapping[str, Iterable[str]]], *,
                       passable: Callable[[str], bool] = lambda _: True, max_depth: int | None = None) -> list[str]:
    """A shortest path from ``source`` to ``target`` by breadth-first search from both ends, the
    smaller frontier growing first, a whole frontier at a time: ``adjacent(frontier)`` maps each of
    its nodes to its neighbours (a graph's adjacency, or one query to a store for the lot). Nodes
    that are not ``passable`` are never entered (the ends always are). Of several shortest paths,
    the one whose list of nodes sorts first is returned, whatever order ``adjacent`` lists them in.

    Raises :class:`NoPathWithin` when none has at most ``max_depth`` edges (``None``: no bound), and
    :class:`networkx.NetworkXNoPath` when there is none at all.

    >>> P = nx.path_graph(5)
    >>> bidirectional_path(0, 4, lambda front: {u: P[u] for u in front})
    [0, 1, 2, 3, 4]
    >>> bidirectional_path(0, 4, lambda front: {u: P[u] for u in front}, max_depth=3)
    Traceback (most recent call last):
    ...
    kg.explore.paths.NoPathWithin: no path of at most 3 relations between 0 and 4
    >>> bidirectional_path(0, 3, lambda front: {u: nx.cycle_graph(4)[u] for u in front})  # 0-1-2-3 or 0-3
    [0, 3]
    """
    if source == target:
        return [source]
    ends = {source, target}
    parents: dict[bool, dict[str, str | None]] = {True: {source: None}, False: {target: None}}
    fronts = {True: [source], False: [target]}
    walked = 0  # edges covered by the two searches together
    while fronts[True] and fronts[False] and (max_depth is None or walked < max_depth):
        ahead = len(fronts[True]) <= len(fronts[False])
        mine, theirs = parents[ahead], parents[not ahead]
        near = adjacent(fronts[ahead])
        # the lowest parent for each new node, so that the result does not depend on listing order
        found: dict[str, str] = {}
        for u in sorted(fronts[ahead]):
            for v in near.get(u, ()):
                if v not in mine and v not in found and (v in ends or passable(v)):
                    found[v] = u
        mine.update(found)
        fronts[ahead] = sorted(found)
        walked += 1
        meets = [v for v in fronts[ahead] if v in theirs]
        if meets:
            paths = [_trace(parents[True], m)[::-1] + _trace(parents[False], m)[1:] for m in meets]
            return min(paths, key=lambda p: (len(p), p))
    if fronts[True] and fronts[False]:
        raise NoPathWithin(source, target, max_depth or 0)
    raise nx.NetworkXNoPath(f"no path between {source} and {target}")


def connection_steps(G: nx.MultiDiGraph, path: list[str]) -> list[dict[str, str]]:
    """The steps of ``path`` (nodes of ``G``, each linked to the next in either direction), as
    :func:`shortest_connection` returns them.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> G = to_networkx(example_graph())
    >>> [(s["from"], s["direction"], s["relation"], s["to"]) for s in connection_steps(G,
    ...     ["https://w3id.org/policykg/id/role/a", "https://w3id.org/policykg/id/post/a"])]
    [('书记', '<-', 'role', '大足区委书记')]
    """
    steps = []
    for u, v in pairwise(path):
        if G.has_edge(u, v):
            key, direction = sorted(G[u][v])[0], "->"
        else:
            key, direction = sorted(G[v][u])[0], "<-"
        steps.append({"from": _name(G, u), "relation": key, "to": _name(G, v), "direction": direction,
                      "from_iri": u, "to_iri": v})
    return steps


def shortest_connection(G: nx.MultiDiGraph, source: str, target: str, *,
                        skip_types: Iterable[str] = ("Role",), max_depth: int | None = None) -> list[dict[str, str]]:
    """The shortest chain of relations linking two entities, ignoring edge direction.

    Returns one dict per step: ``from``, ``relation`` (the property's local name), ``to`` (labels)
    and ``direction`` (``"->"`` when the triple reads from → to, ``"<-"`` otherwise); ``[]`` when the
    two are the same node. Raises :class:`networkx.NetworkXNoPath` when nothing connects them
    (:class:`NoPathWithin` when nothing does in ``max_depth`` relations), :class:`networkx.NodeNotFound`
    when one is not in ``G``. Nodes of ``skip_types`` (default: roles, which link every holder of a
    title) are not walked. Of several shortest chains, the first by IRIs (:func:`bidirectional_path`);
    :func:`kg.explore.scoped.shortest_path` finds the same one in a store without reading the whole.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> G = to_networkx(example_graph())
    >>> for step in shortest_connection(G, "https://w3id.org/policykg/id/person/a",
    ...                                 "https://w3id.org/policykg/id/district/500111"):
    ...     print(step["from"], step["direction"], step["relation"], step["to"])
    张明远 -> holds 大足区委书记
    大足区委书记 -> postIn 中共重庆市大足区委员会
    中共重庆市大足区委员会 -> areaServed 大足区
    """
    for end in (source, target):
        if end not in G:
            raise nx.NodeNotFound(f"{end} is not a node of the graph")
    skip = set(skip_types)
    path = bidirectional_path(source, target, lambda front: {u: set(G.succ[u]) | set(G.pred[u]) for u in front},
                              passable=lambda v: G.nodes[v].get("type") not in skip, max_depth=max_depth)
    return connection_steps(G, path)
