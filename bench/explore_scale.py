"""``policykg show`` on the seed store vs a store ten times larger: ``python -m bench.explore_scale``.

Both stores are real builds: the seed documents, and the seed documents plus synthetic ones
(:mod:`bench.corpus`) until the union holds ``--scale`` times the seed store's triples. The entity
shown is the official with the most facts in the seed store; synthetic documents name other
people, so its neighbourhood is the same in both stores and only the store's size differs.

Timed, interleaved (seed, large, seed, large …; medians of ``--runs``, default 11):

``in_process``  the whole of ``show`` in one Python process: open the store, resolve the name
                (:func:`kg.explore.scoped.name_graph`), read what the report needs
                (:func:`kg.explore.scoped.describe_graph`), format it;
``open_store``  the same on a store opened once (a notebook, a server): without RocksDB's open;
``cli``         ``python -m kg show NAME`` in a fresh process;
``whole_graph`` the former way, for contrast: :func:`kg.explore.network.to_networkx` of the whole
                store, then resolve and describe on it.

``ratio`` is the large store's median over the seed store's; done when ``in_process``,
``open_store`` and ``cli`` are ≤ 1.3. The machine is shared, so the ratios matter, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from bench.corpus import SEEDS, write_corpus
from bench.run import _env, _log, run_build

__all__ = ["build_stores", "main", "pick_entity", "run", "show_in_process", "show_on", "show_whole_graph"]

TARGET_RATIO = 1.3


def build_stores(work: Path, scale: int = 10, max_chars: int | None = None) -> dict:
    """The seed store and one ``scale`` times its triples (the seeds plus synthetic documents; more
    are added until the size is reached); their paths, documents and triples."""
    seed_corpus = work / "seed-corpus"
    shutil.copytree(SEEDS, seed_corpus)
    _log("explore: building the seed store")
    seed = run_build(seed_corpus, work / "seed-store")
    target = scale * seed["triples"]
    per_doc = seed["triples"] / seed["documents"]
    big_corpus = work / "large-corpus"
    shutil.copytree(SEEDS, big_corpus)
    n = math.ceil((target - seed["triples"]) / per_doc * 1.1)  # synthetic documents share fewer entities
    while True:
        write_corpus(big_corpus, n, seed=10, max_chars=max_chars)
        _log(f"explore: building the large store (seeds + {n} synthetic documents)")
        big = run_build(big_corpus, work / "large-store", fresh=False)
        if big["triples"] >= target:
            break
        # short: as many more documents as the ones built so far added triples per document
        gained = max(big["triples"] - seed["triples"], 1)
        n = max(n + 1, math.ceil(n * (target - seed["triples"]) / gained * 1.05))
    return {"seed": {"path": str(work / "seed-store"), **seed}, "large": {"path": str(work / "large-store"), **big},
            "target_triples": target}


def pick_entity(store_path: Path) -> tuple[str, str]:
    """``(IRI, label)`` of the official with the most facts in the store, whose label names it alone."""
    from kg.explore.names import name_graph
    from kg.explore.network import to_networkx
    from kg.query.lookup import EntityNotFound, resolve_entity
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(store_path, read_only=True) as store:
        G = to_networkx(store)
        officials = sorted((n for n, t in G.nodes(data="type") if t == "Official"),
                           key=lambda n: (-G.degree(n), n))
        for node in officials:
            label = G.nodes[node]["label"]
            try:
                if resolve_entity(name_graph(store, label), label) == node:
                    return node, label
            except EntityNotFound:
                continue
    raise RuntimeError(f"no official of {store_path} is named by its label alone")


def show_in_process(store_path: Path, name: str) -> str:
    """The text of ``policykg show NAME``, the way the command now makes it (scoped)."""
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(store_path, read_only=True) as store:
        return show_on(store, name)


def show_on(store, name: str) -> str:
    """The same on an open store."""
    from kg.explore.describe import describe
    from kg.explore.names import name_graph
    from kg.explore.scoped import describe_graph
    from kg.query.lookup import resolve_entity

    node = resolve_entity(name_graph(store, name), name)
    return describe(describe_graph(store, node), node).format(max_mentions=5, max_evidence=3)


def show_whole_graph(store_path: Path, name: str) -> str:
    """The same text the former way: the whole store into networkx first."""
    from kg.explore.describe import describe
    from kg.explore.network import LargeGraphWarning, to_networkx
    from kg.query.lookup import resolve_entity
    from kg.store.knowledge_store import KnowledgeStore

    with KnowledgeStore(store_path, read_only=True) as store, warnings.catch_warnings():
        warnings.simplefilter("ignore", LargeGraphWarning)
        G = to_networkx(store)
    node = resolve_entity(G, name)
    return describe(G, node).format(max_mentions=5, max_evidence=3)


def _show_cli(store_path: Path, name: str) -> str:
    return subprocess.run([sys.executable, "-m", "kg", "show", name, "--store", str(store_path)],
                          capture_output=True, text=True, env=_env(), check=True).stdout


def _key(path: Path, seed: Path) -> str:
    return "seed" if path == seed else "large"


def _seconds(call: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def run(stores: dict, runs: int = 11) -> dict:
    """Time the ways of ``show`` on both stores, interleaved; medians and ratios."""
    from kg.explore.scoped import describe_graph
    from kg.store.knowledge_store import KnowledgeStore

    seed, large = Path(stores["seed"]["path"]), Path(stores["large"]["path"])
    node, name = pick_entity(seed)
    opened = {key: KnowledgeStore(path, read_only=True) for key, path in (("seed", seed), ("large", large))}
    sizes = {key: len(describe_graph(store, node)) for key, store in opened.items()}
    ways: dict[str, Callable[[Path, str], str]] = {
        "in_process": show_in_process, "open_store": lambda path, name: show_on(opened[_key(path, seed)], name),
        "cli": _show_cli, "whole_graph": show_whole_graph}
    both = (("seed", seed), ("large", large))
    outputs = {(way, key): fn(path, name) for way, fn in ways.items() for key, path in both}
    times: dict[str, dict[str, list[float]]] = {w: {"seed": [], "large": []} for w in ways}
    for k in range(runs):
        _log(f"explore: run {k + 1}/{runs}")
        for way, fn in ways.items():
            for key, path in (("seed", seed), ("large", large)):  # interleaved: drift hits both alike
                times[way][key].append(_seconds(lambda fn=fn, path=path: fn(path, name)))
    out: dict = {"entity": node, "runs": runs, "describe_graph_nodes": sizes,
                 "triples": {"seed": stores["seed"]["triples"], "large": stores["large"]["triples"]},
                 "size_ratio": round(stores["large"]["triples"] / stores["seed"]["triples"], 2),
                 # per store: the documents' paths differ between the two
                 "same_text_every_way": all(len({outputs[w, k].rstrip("\n") for w in ways}) == 1
                                            for k in ("seed", "large")),
                 "target_ratio_max": TARGET_RATIO}
    for store in opened.values():
        store.close()
    for way in ways:
        med = {key: statistics.median(ts) for key, ts in times[way].items()}
        out[way] = {"seed_median_ms": round(med["seed"] * 1000, 1), "large_median_ms": round(med["large"] * 1000, 1),
                    "ratio": round(med["large"] / med["seed"], 3),
                    "runs_ms": {key: [round(t * 1000, 1) for t in ts] for key, ts in times[way].items()}}
    return out


def table(report: dict) -> str:
    """The report as a few lines of text."""
    lines = [f"show (entity with {report['describe_graph_nodes']['seed']} nodes around it): seed store "
             f"{report['triples']['seed']:,} triples vs {report['triples']['large']:,} ({report['size_ratio']}x), "
             f"median of {report['runs']}, same text every way: {report['same_text_every_way']}"]
    for way in ("in_process", "open_store", "cli", "whole_graph"):
        r = report[way]
        note = f"(target ≤ {TARGET_RATIO})" if way != "whole_graph" else "(the former way, for contrast)"
        lines.append(f"  {way:<12} {r['seed_median_ms']:>9.1f} ms  {r['large_median_ms']:>9.1f} ms  "
                     f"ratio {r['ratio']:.2f}  {note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.explore_scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=10, help="size of the large store, in seed stores (default: 10)")
    ap.add_argument("--runs", type=int, default=11, help="timed runs per store and way (default: 11)")
    ap.add_argument("--max-chars", type=int, help="cut synthetic documents to this length (quick runs)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    ap.add_argument("--workdir", type=Path, help="scratch folder (default: a temporary one); stores there are reused")
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="policykg-explore-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    saved = work / "stores.json"
    if saved.is_file() and json.loads(saved.read_text())["large"]["triples"] >= args.scale * json.loads(
            saved.read_text())["seed"]["triples"]:
        stores = json.loads(saved.read_text())
    else:
        stores = build_stores(work, args.scale, args.max_chars)
        saved.write_text(json.dumps(stores))
    report = {"stores": stores, "show": run(stores, args.runs)}
    print(table(report["show"]))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
