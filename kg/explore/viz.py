"""Pictures of the graph with matplotlib, Chinese labels set in a CJK font (:mod:`kg.explore.fonts`).

- :func:`draw_neighbourhood` — an entity and everything within ``depth`` relations of it;
- :func:`draw_official_network` — the officials of a district and the organizations they serve in;
- :func:`draw_funding` — funding amounts per measure / project, coloured by district (log scale).

Each returns the :class:`matplotlib.figure.Figure` and, given ``path``, writes it there (the
suffix picks the format: ``.png``, ``.svg``, ``.pdf``). The Agg backend is used, so no display is
needed.

>>> import tempfile, pathlib
>>> from kg.explore.network import example_graph, to_networkx
>>> G = to_networkx(example_graph())
>>> out = pathlib.Path(tempfile.mkdtemp()) / "chen.png"
>>> fig = draw_neighbourhood(G, "https://w3id.org/policykg/id/person/a", depth=2, path=out)
>>> out.stat().st_size > 10_000
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from kg.explore.fonts import use_cjk_font
from kg.explore.network import neighbourhood, node_name, official_network

__all__ = [
    "RELATION_NAMES",
    "TYPE_COLOURS",
    "draw_funding",
    "draw_graph",
    "draw_neighbourhood",
    "draw_official_network",
    "layout",
    "place_labels",
]

#: Node colour per entity type (matplotlib's tab10 palette).
TYPE_COLOURS = {"Official": "#d62728", "Person": "#ff9896", "Post": "#9467bd", "Role": "#c5b0d5",
                "Organization": "#1f77b4", "District": "#2ca02c", "Measure": "#ff7f0e", "Project": "#8c564b",
                "Amount": "#bcbd22", "Meeting": "#17becf"}
#: Chinese names of the relations, for edge labels.
RELATION_NAMES = {"holds": "担任", "postIn": "属于", "role": "职务", "areaServed": "服务区域",
                  "containedInPlace": "隶属", "funding": "资金", "issuedBy": "发布单位", "locatedIn": "位于",
                  "party": "签约方", "chairedBy": "主持", "attendee": "出席", "versionOf": "版本",
                  "implements": "实施", "partnerOf": "合作"}
_TYPE_NAMES = {"Official": "官员", "Person": "人物", "Post": "职务", "Role": "职位", "Organization": "机构",
               "District": "行政区", "Measure": "政策举措", "Project": "项目", "Amount": "资金",
               "Meeting": "会议"}


def _pyplot():
    import matplotlib

    if os.environ.get("MPLBACKEND") is None:
        matplotlib.use("Agg")  # files only: no display needed, in CI or over ssh
    import matplotlib.pyplot as plt

    return plt


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout(G: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Deterministic node positions in [-1, 1]² (a seeded spring layout).

    >>> pos = layout(nx.path_graph(3))
    >>> sorted(pos), all(-1.01 <= c <= 1.01 for xy in pos.values() for c in xy)
    ([0, 1, 2], True)
    """
    if len(G) == 0:
        return {}
    if len(G) == 1:
        return {next(iter(G)): (0.0, 0.0)}
    U = nx.Graph(G)
    # start from a circle rather than at random, and push nodes further apart than the default
    start = nx.circular_layout(U)
    pos = nx.spring_layout(U, pos=start, seed=seed, k=3.0 / math.sqrt(len(U)), iterations=300)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def _save(fig, path: str | os.PathLike[str] | None) -> None:
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=150, bbox_inches="tight")


def draw_graph(G: nx.Graph, *, title: str = "", highlight: Iterable[str] = (),
               edge_labels: Mapping[tuple[str, str], str] | None = None,
               path: str | os.PathLike[str] | None = None):
    """Draw ``G`` (nodes with ``type`` and ``label``) with a colour legend of the types present.

    ``edge_labels`` maps ``(u, v)`` to a label; by default a multigraph's edge keys, in Chinese
    (:data:`RELATION_NAMES`). ``highlight`` nodes get a thick black ring. Labels are placed where
    they overlap no other label and no node (:func:`place_labels`), and the picture grows until
    they fit; nothing is clipped at the edges.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> fig = draw_graph(to_networkx(example_graph()), title="示例")
    >>> fig.axes[0].get_title()
    '示例'
    """
    plt = _pyplot()
    use_cjk_font()
    from matplotlib.lines import Line2D

    n = len(G)
    size = min(22.0, max(7.0, 2.2 * math.sqrt(n)))
    fig, ax = plt.subplots(figsize=(size, size * 0.75))
    pos = layout(G)
    if edge_labels is None:
        edge_labels = {}
        if G.is_multigraph():
            for u, v, key in G.edges(keys=True):
                name = RELATION_NAMES.get(key, key)
                old = edge_labels.get((u, v))
                edge_labels[(u, v)] = f"{old}/{name}" if old and name not in old else old or name
    simple = nx.DiGraph(G) if G.is_directed() else nx.Graph(G)
    marked = set(highlight)
    sizes = {v: 1400 if v in marked else 900 for v in simple}
    nx.draw_networkx_edges(simple, pos, ax=ax, edge_color="#999999", width=1.0, arrows=G.is_directed(),
                           arrowsize=10, node_size=900, connectionstyle="arc3,rad=0.05" if G.is_directed() else "arc3")
    types = [G.nodes[v].get("type", "") for v in simple]
    nx.draw_networkx_nodes(simple, pos, ax=ax, node_size=[sizes[v] for v in simple],
                           node_color=[TYPE_COLOURS.get(t, "#7f7f7f") for t in types],
                           edgecolors=["black" if v in marked else "white" for v in simple],
                           linewidths=[3 if v in marked else 1 for v in simple], alpha=0.9)
    present = [t for t in TYPE_COLOURS if t in set(types)]
    ax.legend(handles=[Line2D([], [], marker="o", ls="", markersize=10, color=TYPE_COLOURS[t],
                              label=f"{_TYPE_NAMES.get(t, t)} {t}") for t in present],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9, frameon=True)
    ax.set_title(title, fontsize=15)
    ax.set_axis_off()
    # the highlighted node's label first, then the best connected: they get the best spots
    order = sorted(simple, key=lambda v: (v not in marked, -simple.degree(v), node_name(G, v)))
    node_labels = [(v, _short(node_name(G, v))) for v in order]
    fig.tight_layout()  # before placing: the placement needs the axes' final size
    place_labels(fig, ax, pos, sizes, node_labels,
                 [(u, v, text) for (u, v), text in edge_labels.items() if u in pos and v in pos])
    _save(fig, path)
    return fig


_LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}
_EDGE_SPOTS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)  # where along an edge its label may sit


def _overlap(a, b) -> float:
    """The area two display-space boxes share."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _box_hits_disc(box, centre: tuple[float, float], radius: float) -> bool:
    x = min(max(centre[0], box.x0), box.x1)
    y = min(max(centre[1], box.y0), box.y1)
    return (x - centre[0]) ** 2 + (y - centre[1]) ** 2 < radius ** 2


def place_labels(fig, ax, pos: Mapping[Any, tuple[float, float]], sizes: Mapping[Any, float],
                 node_labels: list[tuple[Any, str]], edge_labels: list[tuple[Any, Any, str]], *,
                 max_width: float = 40.0) -> int:
    """Write ``node_labels`` (``(node, text)``, most important first) beside their nodes and
    ``edge_labels`` (``(u, v, text)``) along their edges, each where it overlaps no label placed
    before it, no node disc (``sizes``: marker areas in points², as networkx takes them) and does
    not leave the axes. While some label finds no such spot, the axes take in the labels that stick
    out, or the figure grows (up to ``max_width`` inches wide), and the labels are placed again.
    Returns how many labels still overlap something (0 once everything fits).
    """
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    pad = 0.08 * max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    ax.set_xlim(min(xs) - pad, max(xs) + pad)
    ax.set_ylim(min(ys) - pad, max(ys) + pad)
    texts: list = []
    clashes = 0
    for _ in range(12):
        for t in texts:
            t.remove()
        texts, clashes, outside = _place_once(fig, ax, pos, sizes, node_labels, edge_labels)
        if outside:  # take the labels that stick out into the axes, then place again
            _take_in(fig, ax, texts)
        elif clashes and fig.get_figwidth() < max_width:
            fig.set_size_inches(min(max_width, fig.get_figwidth() * 1.2), fig.get_figheight() * 1.2)
        else:
            break
    return clashes


def _place_once(fig, ax, pos, sizes, node_labels, edge_labels) -> tuple[list, int, int]:
    """One greedy pass: each label takes its first free spot, else its least crowded one.
    Returns the texts, how many overlap something and how many stick out of the axes."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    to_px = ax.transData.transform
    px_per_pt = fig.dpi / 72
    discs = [(tuple(to_px(pos[v])), math.sqrt(sizes.get(v, 900)) / 2 * px_per_pt + 1) for v in pos]
    placed: list = []
    texts: list = []
    clashes = outside = 0
    gap = 3 * px_per_pt

    def cost(box) -> tuple[float, float]:
        out = box.width * box.height - _overlap(box, frame)
        hits = sum(box.width * box.height for centre, r in discs if _box_hits_disc(box, centre, r))
        box = box.padded(gap)  # labels that touch read as one: keep a few pixels between them
        hits += sum(_overlap(box, other) for other in placed)
        return hits, out

    def settle(candidates) -> None:
        nonlocal clashes, outside
        best, best_cost = None, (math.inf, math.inf)
        for text in candidates():
            c = cost(text.get_window_extent(renderer))
            if (c[0] + c[1], c[1]) < (best_cost[0] + best_cost[1], best_cost[1]):
                if best is not None:
                    best.remove()
                best, best_cost = text, c
            else:
                text.remove()
            if c == (0, 0):
                break
        clashes += best_cost[0] > 0
        outside += best_cost[1] > 0
        placed.append(best.get_window_extent(renderer))
        texts.append(best)

    for v, label in node_labels:
        r = math.sqrt(sizes.get(v, 900)) / 2 + 2  # points from the node's centre
        d = r * 0.75
        spots = [((0, -r), "center", "top"), ((0, r), "center", "bottom"), ((r, 0), "left", "center"),
                 ((-r, 0), "right", "center"), ((d, -d), "left", "top"), ((-d, -d), "right", "top"),
                 ((d, d), "left", "bottom"), ((-d, d), "right", "bottom")]

        def node_candidates(v=v, label=label, spots=spots):
            for offset, ha, va in spots:
                yield ax.annotate(label, xy=pos[v], xytext=offset, textcoords="offset points", ha=ha, va=va,
                                  fontsize=10, zorder=4, bbox=_LABEL_BOX, annotation_clip=False)

        settle(node_candidates)
    for u, v, label in edge_labels:
        (x0, y0), (x1, y1) = pos[u], pos[v]

        def edge_candidates(x0=x0, y0=y0, x1=x1, y1=y1, label=label):
            for t in _EDGE_SPOTS:
                yield ax.text(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, label, ha="center", va="center", fontsize=8,
                              color="#444444", zorder=3, bbox=_LABEL_BOX, clip_on=False)

        settle(edge_candidates)
    return texts, clashes, outside


def _take_in(fig, ax, texts) -> None:
    """Widen the axes limits so that every text lies inside them (with a small margin)."""
    renderer = fig.canvas.get_renderer()
    inv = ax.transData.inverted()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for t in texts:
        box = t.get_window_extent(renderer)
        (bx0, by0), (bx1, by1) = inv.transform((box.x0, box.y0)), inv.transform((box.x1, box.y1))
        x0, x1, y0, y1 = min(x0, bx0), max(x1, bx1), min(y0, by0), max(y1, by1)
    margin_x, margin_y = (x1 - x0) * 0.02, (y1 - y0) * 0.02
    ax.set_xlim(x0 - margin_x, x1 + margin_x)
    ax.set_ylim(y0 - margin_y, y1 + margin_y)


def draw_neighbourhood(G: nx.MultiDiGraph, node: str, depth: int = 1, *,
                       path: str | os.PathLike[str] | None = None):
    """The entities within ``depth`` relations of ``node`` (:func:`kg.explore.network.neighbourhood`),
    ``node`` ringed, edges labelled with the relation in Chinese.

    >>> from kg.explore.network import example_graph, to_networkx
    >>> fig = draw_neighbourhood(to_networkx(example_graph()), "https://w3id.org/policykg/id/org/a")
    >>> fig.axes[0].get_title()
    '中共重庆市大足区委员会 的关系网络（1 步以内）'
    """
    sub = neighbourhood(G, node, depth)
    return draw_graph(sub, title=f"{node_name(G, node)} 的关系网络（{depth} 步以内）", highlight=[node], path=path)


def draw_official_network(G: nx.MultiDiGraph, district: str, *, path: str | os.PathLike[str] | None = None):
    """Officials of ``district`` (a District node) and the organizations they hold posts in
    (:func:`kg.explore.network.official_network`): organizations in the left column, people in the right
    one with their posts beside their names, a line per (person, organization).

    >>> from kg.explore.network import example_graph, to_networkx
    >>> fig = draw_official_network(to_networkx(example_graph()), "https://w3id.org/policykg/id/district/500111")
    >>> fig.axes[0].get_title(), sorted(t.get_text() for t in fig.axes[0].texts)
    ('大足区 官员与机构', ['中共重庆市大足区委员会', '张明远  大足区委书记'])
    """
    plt = _pyplot()
    use_cjk_font()
    N = official_network(G, district)
    orgs = sorted((v for v in N if N.nodes[v]["type"] == "Organization"), key=lambda v: (-N.degree(v), node_name(N, v)))
    order = {v: i for i, v in enumerate(orgs)}
    people = sorted((v for v in N if v not in order),
                    key=lambda v: (min(order[o] for o in N[v]), node_name(N, v)))
    rows = max(len(orgs), len(people), 1)
    fig, ax = plt.subplots(figsize=(12, max(3.0, 0.55 * rows + 1.5)))

    def column(nodes: list[str]) -> dict[str, float]:
        step = (rows - 1) / max(len(nodes) - 1, 1) if len(nodes) > 1 else 0
        top = rows - 1 if len(nodes) > 1 else (rows - 1) / 2
        return {v: top - i * step for i, v in enumerate(nodes)}

    y_org, y_person = column(orgs), column(people)
    palette = plt.get_cmap("tab10")
    for person in people:
        for org in N[person]:
            ax.plot([0, 1], [y_org[org], y_person[person]], color=palette(order[org] % 10), lw=1.6, alpha=0.7)
    ax.scatter([0] * len(orgs), [y_org[v] for v in orgs], s=260, zorder=3,
               c=[palette(order[v] % 10) for v in orgs], edgecolors="white")
    ax.scatter([1] * len(people), [y_person[v] for v in people], s=260, zorder=3,
               c=[TYPE_COLOURS.get(N.nodes[v]["type"], "#7f7f7f") for v in people], edgecolors="white")
    for v in orgs:
        ax.text(-0.04, y_org[v], node_name(N, v), ha="right", va="center", fontsize=11)
    for v in people:
        posts = "；".join(sorted({p for o in N[v] for p in N[v][o]["posts"]}))
        ax.text(1.04, y_person[v], f"{node_name(N, v)}  {posts}", ha="left", va="center", fontsize=11)
    ax.set_xlim(-1.1, 2.3)
    ax.set_ylim(-0.8, rows - 0.2)
    ax.set_title(f"{node_name(G, district)} 官员与机构", fontsize=15)
    ax.set_axis_off()
    fig.tight_layout()
    _save(fig, path)
    return fig


def _bar_label(row: Mapping[str, Any]) -> str:
    funded, purpose = str(row["funded"]), row.get("purpose")
    if row.get("type") == "district" and purpose:  # a district's several amounts differ by purpose
        return _short(f"{funded}：{purpose}", 22)
    return _short(funded, 22)


def draw_funding(amounts: Iterable[Mapping[str, Any]], *, title: str = "资金规模：按举措/项目与行政区",
                 path: str | os.PathLike[str] | None = None):
    """Horizontal bars of funding amounts (log scale), one per amount, coloured by district.

    Pass funding only (what :func:`kg.explore.analysis.funding_amounts` lists by default: subsidies,
    budgets, investment, financing in yuan); the axis says so.

    ``amounts`` are rows of :func:`kg.explore.analysis.funding_amounts` (keys ``funded``, ``area``,
    ``amount``, ``as_written``; ``type`` and ``purpose`` if known: a district's bars are labelled
    with the purpose); each bar is annotated with the amount as written.

    >>> fig = draw_funding([{"funded": "春雨计划", "area": None, "amount": 2000000, "as_written": "最高200万元"},
    ...                     {"funded": "“5221”项目攻坚行动计划", "area": "长寿区", "amount": 3e11,
    ...                      "as_written": "3000亿元以上"}])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['春雨计划', '“5221”项目攻坚行动计划']
    """
    plt = _pyplot()
    use_cjk_font()
    from matplotlib.patches import Patch

    rows = sorted((r for r in amounts if r.get("amount")), key=lambda r: float(r["amount"]))
    areas = sorted({r.get("area") or "（未注明）" for r in rows})
    palette = plt.get_cmap("tab10")
    colour = {a: palette(i % 10) for i, a in enumerate(areas)}
    fig, ax = plt.subplots(figsize=(11, max(3.0, 0.45 * len(rows) + 1.5)))
    ys = range(len(rows))
    values = [float(r["amount"]) for r in rows]
    ax.barh(list(ys), values, color=[colour[r.get("area") or "（未注明）"] for r in rows])
    ax.set_xscale("log")
    ax.set_yticks(list(ys), [_bar_label(r) for r in rows])
    for y, r, v in zip(ys, rows, values, strict=True):
        ax.text(v * 1.15, y, str(r.get("as_written") or ""), va="center", fontsize=9)
    if values:
        ax.set_xlim(min(values) / 3, max(values) * 40)
    ax.set_xlabel("资金（元，对数刻度；仅计补助奖励、预算基金、投资、融资，不含产值、营收、合同额、门槛）")
    ax.legend(handles=[Patch(color=colour[a], label=a) for a in areas], title="行政区", loc="lower right", fontsize=9)
    ax.set_title(title, fontsize=14)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    _save(fig, path)
    return fig
