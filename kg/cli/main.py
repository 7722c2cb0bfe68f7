"""The ``policykg`` command line: parse arguments, call the library, report.

Subcommands: ``build`` (files → store), ``export`` (store → Turtle/TriG/N-Triples/N-Quads/JSON-LD),
``query`` (read-only SPARQL), ``stats`` and ``setup`` (fetch the pkuseg model); exploration:
``show``, ``path``, ``queries``, ``viz`` and ``serve`` (:mod:`kg.cli.explore`). The store is
``./policykg-store`` unless ``--store`` or ``$POLICYKG_STORE`` says otherwise. User errors (no
store, malformed query, locked store ...) are one line on stderr and exit status 1; only ``build``
loads the extraction pipeline, and only when some document needs extracting.

>>> main(["query", "--store", "/nonexistent/store", "SELECT * WHERE { ?s ?p ?o }"])
1
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.build.batch import FILE_TIMEOUT, MAX_BYTES, MAX_CHARS  # one home for the defaults
from kg.cli.common import PROG, UserError, add_store_argument, parse_params
from kg.cli.explore import EXPLORE_COMMANDS, add_explore_commands

log = logging.getLogger(__name__)

__all__ = ["main", "make_parser"]

SEGMENTERS = ("auto", "lac", "pkuseg", "jieba", "zh_core_web")
EXPORT_FORMATS = ("turtle", "trig", "nt", "nq", "jsonld")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``policykg`` command.

    >>> make_parser().parse_args(["export", "--format", "nq"]).format
    'nq'
    """
    parser = argparse.ArgumentParser(
        prog=PROG, description="Chinese policy news into a knowledge graph of officials, posts, "
                               "districts, measures, projects and funding.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="extract documents into the store (incremental)")
    b.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to read")
    add_store_argument(b)
    b.add_argument("--prune", action="store_true", help="remove documents whose source file is gone")
    b.add_argument("--segmenter", choices=SEGMENTERS, default="auto",
                   help="word segmenter (default: auto = $POLICYKG_SEGMENTER or lac)")
    b.add_argument("--json", action="store_true", help="print the build summary as JSON")
    b.add_argument("--no-progress", action="store_true", help="no progress bar")
    b.add_argument("--max-bytes", type=int, default=MAX_BYTES, metavar="N",
                   help="fail files larger than N bytes, unread (default: %(default)s)")
    b.add_argument("--max-chars", type=int, default=MAX_CHARS, metavar="N",
                   help="fail documents whose text is longer than N characters (default: %(default)s)")
    b.add_argument("--file-timeout", type=float, default=FILE_TIMEOUT, metavar="SECONDS",
                   help="fail a file whose reading and extraction take longer; its worker process is "
                        "killed and the batch goes on (default: %(default)g; 0: no limit)")
    b.add_argument("--workers", type=int, default=1, metavar="N",
                   help="extract in N processes, the pipeline loaded once in each (default: 1)")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="extract on a Dask distributed cluster (e.g. tcp://host:8786; needs policykg[scale])")
    b.add_argument("--graph-store", metavar="URL",
                   help="also PUT every changed document graph to this SPARQL 1.1 Graph Store endpoint")

    e = sub.add_parser("export", help="write the graph as Turtle, TriG, N-Triples, N-Quads or JSON-LD")
    add_store_argument(e)
    e.add_argument("--format", "-F", required=True, choices=EXPORT_FORMATS)
    e.add_argument("-o", "--output", type=Path, metavar="FILE", help="output file (default: stdout)")

    q = sub.add_parser("query", help="run a read-only SPARQL query (project prefixes predeclared)")
    add_store_argument(q)
    src = q.add_mutually_exclusive_group(required=True)
    src.add_argument("query", nargs="?", help="the SPARQL query text")
    src.add_argument("-f", "--file", type=Path, metavar="FILE.rq", help="read the query from a file")
    q.add_argument("--format", "-F", choices=("table", "csv", "json"), default="table")
    q.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help='bind ?NAME to a term: 大足区 (any language tag), \'"大足区"@zh\', district:500111, <iri>, 42 '
                        '(repeatable)')
    q.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="abandon the query after this long (default: 60; 0: no limit)")
    q.add_argument("--max-rows", type=int, default=10_000, metavar="N",
                   help="keep at most N rows or triples (default: 10000; 0: no limit)")

    s = sub.add_parser("stats", help="documents, triples and entities per type")
    add_store_argument(s)
    s.add_argument("--json", action="store_true", help="print as JSON")
    s.add_argument("--check", action="store_true",
                   help="check the union against the document graphs and repair it (takes the write lock)")

    pu = sub.add_parser("push", help="make a SPARQL 1.1 Graph Store hold exactly the store's document graphs")
    pu.add_argument("url", metavar="URL", help="Graph Store endpoint, e.g. http://localhost:7878/store")
    add_store_argument(pu)
    pu.add_argument("--all", action="store_true",
                    help="send every graph, not only those changed since the last push to URL")

    st = sub.add_parser("setup", help="download and cache the pkuseg segmentation model")
    st.add_argument("--force", action="store_true", help="download again even if cached")

    add_explore_commands(sub)  # show, path, queries, viz, serve
    return parser


def _cmd_build(args: argparse.Namespace) -> int:
    from kg.build.batch import build
    from kg.store.graph_store_client import GraphStoreError

    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    _check_segmenter(args.segmenter)
    if args.file_timeout < 0:
        raise UserError("--file-timeout must be 0 (no limit) or more seconds")
    try:
        summary = build(args.paths, args.store, prune=args.prune, segmenter=args.segmenter,
                        progress=not args.no_progress, max_bytes=args.max_bytes, max_chars=args.max_chars,
                        workers=args.workers, scheduler=args.scheduler, graph_store=args.graph_store,
                        file_timeout=args.file_timeout or None)
    except GraphStoreError as e:
        raise UserError(f"graph store: {e}") from None
    print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1) if args.json else summary.format())
    return 0 if summary.ok else 1


def _check_segmenter(name: str) -> None:
    """Fail once, before reading any file, when the chosen segmenter's model is missing."""
    from extractors.segmenters import ModelUnavailable, check_segmenter

    try:
        chosen = check_segmenter(name)
    except (ValueError, ModelUnavailable) as e:
        raise UserError(str(e)) from None
    log.info("segmenter: %s%s", chosen, " (auto)" if name == "auto" else "")


def _cmd_export(args: argparse.Namespace) -> int:
    from kg.store.export import export
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(args.store, read_only=True) as store:
        export(store, args.format, args.output)
    return 0


def _cmd_query(args: argparse.Namespace) -> int:
    from kg.query.sparql import run_query
    from kg.store.knowledge_store import KnowledgeStore

    if args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as e:
            raise UserError(f"cannot read query file {args.file}: {e.strerror or e}") from None
    else:
        text = args.query
    params = parse_params(args.param)
    with KnowledgeStore(args.store, read_only=True) as store:
        result = run_query(store, text, params, timeout=args.timeout or None, max_rows=args.max_rows or None)
    if result.truncated:
        print(f"{PROG}: warning: result truncated to {result.truncated} rows (see --max-rows)", file=sys.stderr)
    out = result.render(args.format)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from kg.store.knowledge_store import KnowledgeStore

    if args.check:
        KnowledgeStore(args.store, read_only=True).close()  # a missing store is an error, not created
        with KnowledgeStore(args.store) as writer:
            print(writer.verify(repair=True).format(), file=sys.stderr)
    with KnowledgeStore(args.store, read_only=True) as store:
        stats = {"store": str(store.path), "documents": len(store.named_graphs()),
                 "triples": store.triple_count(), "quads": store.quad_count(),
                 "entities": store.entity_counts()}
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
    else:
        print(f"store: {stats['store']}")
        print(f"documents: {stats['documents']}\ntriples: {stats['triples']} ({stats['quads']} quads)")
        for name, n in stats["entities"].items():
            print(f"  {name}: {n}")
    return 0


def _cmd_push(args: argparse.Namespace) -> int:
    from kg.store.graph_store_client import GraphStoreError
    from kg.store.knowledge_store import KnowledgeStore
    from kg.store.sync import push

    with KnowledgeStore(args.store, read_only=True) as store:
        try:
            print(push(store, args.url, full=args.all).format())
        except GraphStoreError as e:
            raise UserError(f"graph store: {e}") from None
    return 0


def _cmd_setup(args: argparse.Namespace) -> int:
    from extractors.segmenters import ModelUnavailable, fetch_pkuseg_model

    try:
        folder = fetch_pkuseg_model(force=args.force)
    except ModelUnavailable as e:
        raise UserError(str(e)) from None
    print(f"pkuseg model ready in {folder}")
    return 0


_COMMANDS = {"build": _cmd_build, "export": _cmd_export, "query": _cmd_query, "stats": _cmd_stats,
             "push": _cmd_push, "setup": _cmd_setup}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 error, 2 usage)."""
    from kg.query.sparql import QueryError
    from kg.store.export import ExportError
    from kg.store.knowledge_store import StoreError

    args = make_parser().parse_args(argv)
    logging.basicConfig(level=(logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)],
                        format=f"{PROG}: %(levelname)s: %(message)s", stream=sys.stderr)
    try:
        return {**_COMMANDS, **EXPLORE_COMMANDS}[args.command](args)
    except (UserError, StoreError, QueryError, ExportError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
