"""The exploration subcommands of ``policykg``: ``show``, ``path``, ``queries``, ``viz``, ``serve``.

:func:`add_explore_commands` adds them to the main parser (:func:`kg.cli.main.make_parser`) and
:data:`EXPLORE_COMMANDS` maps each to its handler; like the rest of the CLI, a handler only parses
arguments and calls the library (:mod:`kg.explore.describe`, :mod:`kg.query.saved`, :mod:`kg.explore.viz`,
:mod:`kg.explore.html_view`, :mod:`kg.serve.endpoint`).

>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_explore_commands(parser.add_subparsers(dest="command"))
>>> parser.parse_args(["queries", "run", "funding_by_district", "-p", "x=1"]).param
['x=1']
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from kg.cli.common import UserError, add_store_argument, parse_params

__all__ = ["EXPLORE_COMMANDS", "add_explore_commands"]


def add_explore_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``show``, ``path``, ``queries``, ``viz`` and ``serve`` to a subparsers object."""
    s = sub.add_parser("show", help="everything known about an entity, each fact with its sentence")
    s.add_argument("name", help="a name, alias, adcode or IRI (person:…); close names are suggested, "
                                "an ambiguous name lists its candidates")
    add_store_argument(s)
    s.add_argument("--all", action="store_true", help="every sentence, not the first few")
    s.add_argument("--json", action="store_true", help="print the report as JSON")

    p = sub.add_parser("path", help="the shortest chain of relations between two entities")
    p.add_argument("source", help="name, alias, adcode or IRI")
    p.add_argument("target", help="name, alias, adcode or IRI")
    add_store_argument(p)
    p.add_argument("--max-depth", type=int, default=None, metavar="N",
                   help="longest chain looked for, in relations (default: 16)")

    q = sub.add_parser("queries", help="the saved query library: list, show, run")
    qsub = q.add_subparsers(dest="action", required=True, metavar="ACTION")
    qsub.add_parser("list", help="name and title of every saved query")
    qs = qsub.add_parser("show", help="a saved query's description, parameters and SPARQL")
    qs.add_argument("name")
    qr = qsub.add_parser("run", help="run a saved query (parameters bound as RDF terms)")
    qr.add_argument("name")
    add_store_argument(qr)
    qr.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                    help="bind ?NAME to a term: 大足区, 1000000, '\"大足区\"@zh', district:500111 (repeatable)")
    qr.add_argument("--format", "-F", choices=("table", "csv", "json"), default="table")

    v = sub.add_parser("viz", help="draw a picture: .png/.svg/.pdf, or an interactive offline .html")
    vsub = v.add_subparsers(dest="picture", required=True, metavar="PICTURE")
    vn = vsub.add_parser("neighbourhood", help="an entity and what lies within --depth relations of it")
    vn.add_argument("name")
    vn.add_argument("--depth", type=int, default=1)
    vo = vsub.add_parser("officials", help="the officials of a district and their organizations")
    vo.add_argument("district")
    vf = vsub.add_parser("funding", help="funding amounts per measure or project, coloured by district "
                                              "(only money that funds something: subsidies, budgets, investment, "
                                              "financing; not output value, revenue, contract values or thresholds)")
    vf.add_argument("--district", help="only amounts concerning this district")
    for vp in (vn, vo, vf):
        add_store_argument(vp)
        vp.add_argument("-o", "--output", type=Path, required=True, metavar="FILE",
                        help="picture file; the suffix picks the format (.png .svg .pdf; .html for neighbourhood)")

    sv = sub.add_parser("serve", help="a read-only SPARQL 1.1 HTTP endpoint over the store")
    add_store_argument(sv)
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    sv.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    sv.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run (default: 10)")
    sv.add_argument("--max-rows", type=int, default=10_000, help="largest result served (default: 10000)")
    sv.add_argument("--workers", type=int, default=2, help="queries run at once (default: 2)")


# show, path and viz ask the store for the entity's neighbourhood (kg.explore.scoped), never
# the whole graph: their time depends on what they show, not on the store's size
def _open(store_path: Path | None):
    from kg.store.knowledge_store import KnowledgeStore

    return KnowledgeStore(store_path, read_only=True)


def _resolve(store, name: str, types: set[str] | None = None) -> str:
    from kg.explore.names import name_graph
    from kg.query.lookup import EntityNotFound, resolve_entity

    try:
        return resolve_entity(name_graph(store, name, types=types), name, types=types)
    except EntityNotFound as e:
        raise UserError(str(e)) from None


def _cmd_show(args: argparse.Namespace) -> int:
    from kg.explore.describe import describe
    from kg.explore.merges import merge_notes
    from kg.explore.scoped import describe_graph

    with _open(args.store) as store:
        node = _resolve(store, args.name)
        report = describe(describe_graph(store, node), node)
        merges = merge_notes(store, node)  # why mentions in several documents are this one node
    if args.json:
        data = report.to_dict() | ({"merges": [asdict(m) for m in merges]} if merges else {})
        print(json.dumps(data, ensure_ascii=False, indent=1, default=str))
        return 0
    limit = None if args.all else 5
    print(report.format(max_mentions=limit, max_evidence=None if args.all else 3))
    if merges:
        from kg.explore.merges import format_merges

        print("\n" + format_merges(merges))
    return 0


def _cmd_path(args: argparse.Namespace) -> int:
    import networkx as nx

    from kg.explore.describe import EvidenceRef
    from kg.explore.network import edge_evidence
    from kg.explore.paths import NoPathWithin, connection_steps
    from kg.explore.scoped import MAX_PATH_DEPTH, entity_graph, shortest_path

    depth = MAX_PATH_DEPTH if args.max_depth is None else args.max_depth
    if depth < 1:
        raise UserError("--max-depth must be at least 1")
    with _open(args.store) as store:
        a, b = _resolve(store, args.source), _resolve(store, args.target)
        try:
            path = shortest_path(store, a, b, max_depth=depth)
        except NoPathWithin:
            raise UserError(f"nothing in the graph connects {args.source} and {args.target} in {depth} relations "
                            "or fewer (--max-depth looks further)") from None
        except nx.NetworkXNoPath:
            raise UserError(f"nothing in the graph connects {args.source} and {args.target}") from None
        G = entity_graph(store, path)
    steps = connection_steps(G, path)
    for step in steps:
        print(f"{step['from']} {step['direction']} {step['relation']} {step['direction']} {step['to']}")
        u, v = (step["from_iri"], step["to_iri"]) if step["direction"] == "->" else (step["to_iri"], step["from_iri"])
        for ev in edge_evidence(G, u, v)[:1]:
            ref = EvidenceRef(ev["sentence"], ev["start"], ev["end"], ev["document_name"], ev["source_path"])
            print("\n".join("    " + line for line in ref.format().splitlines()))
    print(f"({len(steps)} step{'s' if len(steps) != 1 else ''})")
    return 0


def _cmd_queries(args: argparse.Namespace) -> int:
    from kg.query.saved import run_saved, saved_queries, saved_query

    if args.action == "list":
        queries = saved_queries()
        width = max(len(q.name) for q in queries)
        for q in queries:
            params = " ".join(f"{p.name}=…" if p.required else f"[{p.name}=…]" for p in q.params)
            print(f"{q.name.ljust(width)}  {q.title}" + (f"  ({params})" if params else ""))
        return 0
    if args.action == "show":
        q = saved_query(args.name)
        print(q.format_help() + "\n\n" + q.sparql.rstrip())
        return 0
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(args.store, read_only=True) as store:
        result = run_saved(store, args.name, parse_params(args.param))
    out = result.render(args.format)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def _cmd_viz(args: argparse.Namespace) -> int:
    from kg.explore.fonts import FontNotFound

    suffix = args.output.suffix.lower()
    if suffix == ".html" and args.picture != "neighbourhood":
        raise UserError("only `viz neighbourhood` writes .html; use .png, .svg or .pdf")
    if suffix not in (".png", ".svg", ".pdf", ".html"):
        raise UserError(f"unknown picture format {suffix or '(none)'}: use .png, .svg, .pdf or .html")
    try:
        if args.picture == "funding":
            from kg.explore.analysis import funding_amounts
            from kg.explore.viz import draw_funding
            from kg.store.knowledge_store import KnowledgeStore

            with KnowledgeStore(args.store, read_only=True) as store:
                rows = funding_amounts(store, args.district)
            if not rows:
                raise UserError("no funding amounts" + (f" concern {args.district}" if args.district else ""))
            title = f"{args.district} 资金规模" if args.district else "资金规模：按举措/项目与行政区"
            draw_funding(rows, title=title, path=args.output)
        elif args.picture == "officials":
            from kg.explore.scoped import official_graph
            from kg.explore.viz import draw_official_network

            with _open(args.store) as store:
                district = _resolve(store, args.district, types={"District"})
                G = official_graph(store, district)
            draw_official_network(G, district, path=args.output)
        else:
            from kg.explore.scoped import neighbourhood_graph

            with _open(args.store) as store:
                node = _resolve(store, args.name)
                G = neighbourhood_graph(store, node, args.depth)
            if suffix == ".html":
                from kg.explore.html_view import neighbourhood_html, write_html

                write_html(neighbourhood_html(G, node, args.depth), args.output)
            else:
                from kg.explore.viz import draw_neighbourhood

                draw_neighbourhood(G, node, args.depth, path=args.output)
    except FontNotFound as e:
        raise UserError(str(e)) from None
    print(f"wrote {args.output}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve.endpoint import EndpointConfig, serve

    if args.timeout <= 0 or args.max_rows <= 0 or args.workers <= 0:
        raise UserError("--timeout, --max-rows and --workers must be positive")

    def announce(url: str) -> None:
        print(f"SPARQL endpoint on {url} (read-only; Ctrl-C stops it)", flush=True)

    try:
        serve(args.store, args.host, args.port, config=EndpointConfig(args.timeout, args.max_rows),
              workers=args.workers, announce=announce)
    except OSError as e:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    return 0


#: Handlers of the subcommands above, by name.
EXPLORE_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "show": _cmd_show, "path": _cmd_path, "queries": _cmd_queries, "viz": _cmd_viz, "serve": _cmd_serve}
