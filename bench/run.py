"""The benchmark runner: ``python -m bench [--quick] [--json FILE]``.

Sections (each a key of the JSON report):

``extraction``  chars/s of the full pipeline (:func:`extractors.pipeline.extract_facts`) vs a bare pass of
                the same segmenter over the same texts, in the same run; ``ratio`` = time ratio.
``store``       per store size (10⁴, 10⁵, 10⁶+ triples): Oxigraph load rate (quads/s, bulk load
                of N-Quads) and p50/p95 latency of every saved query (``kg/query/saved_queries``, bound
                by :func:`kg.query.sparql.with_parameters`), against rdflib's in-memory ``Graph`` on
                the same (union) triples and text; whether both return as many rows.
``memory``      peak RSS of ``policykg build`` subprocesses on a synthetic corpus 1×, 10× and 100×
                the seed corpus (:mod:`bench.corpus`).
``parallel``    wall time of the same build with ``--workers 1`` and ``--workers 2``, interleaved
                with the machine's own ceiling (one pure-Python CPU loop vs two run together):
                1, 2 workers, 1, 2 loops, ...; speed-up of the medians, the ceiling and the
                efficiency against it (``--only parallel --parallel-scale 8``: the 40-document
                corpus of issue 17).
``cli_query``   wall time of ``policykg query`` on the sample (seed) store, a fresh process.

The store data are synthetic but real builds: ``policykg build`` of growing prefixes of one
synthetic corpus (:mod:`bench.corpus`), so a name gets one IRI as in real data, whatever the size.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.corpus import SEEDS, generate, seed_texts, write_corpus

ROOT = Path(__file__).resolve().parents[1]

# ceiling_loops: the CPU-ceiling loop's length, about 3 s of pure Python on the bench VM
FULL = {"store_sizes": [10_000, 100_000, 1_000_000], "unit_docs": 5, "unit_chars": None,
        "memory_scales": [1, 10, 100], "parallel_scale": 40, "parallel_repeats": 3,
        "ceiling_loops": 40_000_000, "ox_runs": 7, "rdflib_runs": 3, "ox_budget_s": 20, "rdflib_timeout_s": 30,
        "extraction_docs": 5}
QUICK = {"store_sizes": [1_000, 5_000], "unit_docs": 1, "unit_chars": 1500,
         "memory_scales": [1, 3], "parallel_scale": 4, "parallel_repeats": 1,
         "ceiling_loops": 40_000_000, "ox_runs": 3, "rdflib_runs": 1, "ox_budget_s": 2, "rdflib_timeout_s": 5,
         "extraction_docs": 1}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def _ms(values: list[float], p: float) -> float:
    """The ``p``-th percentile of ``values`` (seconds), in milliseconds."""
    return round(_pct(values, p) * 1000, 2)


def _timed_runs(run: Callable[[], Any], runs: int, budget_s: float) -> tuple[list[float], Any]:
    """Call ``run`` up to ``runs`` times, stopping once ``budget_s`` seconds are spent:
    the seconds each call took and the last call's result."""
    times: list[float] = []
    result = None
    while len(times) < runs and sum(times) < budget_s:
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return times, result


# ---------------------------------------------------------------------- 1. extraction
def bench_extraction(cfg: dict, segmenter: str) -> dict:
    from extractors.pipeline import extract_facts, load_pipeline
    from extractors.segmenters import load_segmenter
    from kg.ingest.normalize import normalize

    texts = [normalize(t).text for t in seed_texts()[:cfg["extraction_docs"]]]
    if cfg["unit_chars"]:
        texts = [t[:cfg["unit_chars"] * 2] for t in texts]
    chars = sum(map(len, texts))
    t0 = time.perf_counter()
    load_pipeline(segmenter)
    seg = load_segmenter(segmenter)
    if seg is None:  # "lac": words come from the NER model, so its own tagging pass is the bare pass
        from extractors.ner import get_model

        model = get_model()

        def seg(text: str) -> list:
            return model.analyze([text])
    load_s = time.perf_counter() - t0
    for t in texts[:1]:  # warm: first-call costs (lazily loaded lexicons ...) are not throughput
        extract_facts(t, segmenter=segmenter)
        seg(t)
    t0 = time.perf_counter()
    for t in texts:
        seg(t)
    seg_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts:
        extract_facts(t, segmenter=segmenter)
    pipe_s = time.perf_counter() - t0
    return {"documents": len(texts), "chars": chars, "segmenter": segmenter, "model_load_s": round(load_s, 3),
            "segmenter_s": round(seg_s, 3), "pipeline_s": round(pipe_s, 3),
            "segmenter_chars_per_s": round(chars / seg_s), "pipeline_chars_per_s": round(chars / pipe_s),
            "ratio": round(pipe_s / seg_s, 3), "target_ratio_max": 2.0}


# ---------------------------------------------------------------------- 2. store
#: Seed of the store section's synthetic corpus: the same documents at every size.
_STORE_CORPUS_SEED = 11
#: Union triples per character of synthetic text (measured: ~0.14 full-size, ~0.18 cut short):
#: only the first guess of how many documents the smallest size needs.
_TRIPLES_PER_CHAR = 0.13


def _grow_store(corpus: Path, store: Path, cfg: dict, n_docs: int) -> dict:
    """The first ``n_docs`` synthetic documents built into ``store``. The build is incremental
    (documents already in the store are skipped), so each size's store is a real build of a
    prefix of one corpus at the cost of the new documents only."""
    _log(f"store: building {n_docs} synthetic documents")
    write_corpus(corpus, n_docs, seed=_STORE_CORPUS_SEED, max_chars=cfg["unit_chars"])
    return run_build(corpus, store, "--workers", "2", fresh=False)


def _build_to_size(corpus: Path, store: Path, cfg: dict, target: int, per_doc: float, have: int) -> dict:
    """Grow the store until its union has ``target`` triples; ``per_doc``: triples per
    document measured so far (or guessed), ``have``: documents already built."""
    # a 3 % margin: the union grows a little slower than the documents (shared entities)
    n = max(have, math.ceil(target / per_doc * 1.03))
    built = _grow_store(corpus, store, cfg, n)
    while built["triples"] < target:  # still short: ~10 % more documents
        n = max(n + 1, math.ceil(n * 1.1))
        built = _grow_store(corpus, store, cfg, n)
    return built


def _first_guess_per_doc(cfg: dict) -> float:
    """Triples per synthetic document, guessed from their length (one per seed template)."""
    texts = list(generate(len(seed_texts()), seed=_STORE_CORPUS_SEED, max_chars=cfg["unit_chars"]))
    return _TRIPLES_PER_CHAR * sum(map(len, texts)) / len(texts)


def _dump(store_path: Path, out_nq: Path, out_nt: Path) -> dict:
    """The built store's quads as N-Quads (what Oxigraph loads) and its union (the default
    graph) as N-Triples (what rdflib loads); returns the counts."""
    import pyoxigraph as ox

    from kg.store.knowledge_store import KnowledgeStore

    quads = triples = 0
    with (KnowledgeStore(store_path, read_only=True) as store,
          out_nq.open("w", encoding="utf-8") as nq, out_nt.open("w", encoding="utf-8") as nt):
        for q in store.ox.quads_for_pattern(None, None, None, None):
            nq.write(f"{q} .\n")
            quads += 1
            if isinstance(q.graph_name, ox.DefaultGraph):
                nt.write(f"{q.triple} .\n")
                triples += 1
    return {"quads": quads, "triples": triples}


def _query_params() -> dict[str, dict[str, str]]:
    from kg.query.saved import saved_queries

    out = {}
    for q in saved_queries():
        params = dict(re.findall(r"--param (\w+)=(\S+)", q.example))
        for p in q.params:
            if p.required and p.name not in params:
                m = re.search(r"e\.g\. (\S+?)(?:[ ,]|$)", p.description)
                params[p.name] = m.group(1) if m else "1"
        out[q.name] = params
    return out


def _rdflib_timed(graph, sparql: str, ns: dict, timeout: float) -> tuple[float | None, int]:
    """Run an rdflib query in a forked child (the graph shared copy-on-write) so that a
    pathological one can be stopped: ``(seconds or None on timeout, rows)``."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child() -> None:
        t0 = time.perf_counter()
        n = len(list(graph.query(sparql, initNs=ns)))
        send.send((time.perf_counter() - t0, n))

    proc = ctx.Process(target=child)
    proc.start()
    got = recv.poll(timeout)
    result = recv.recv() if got else (None, -1)
    if proc.is_alive():
        proc.kill()
    proc.join()
    return result


def _oxigraph_load(nq: Path, path: Path) -> float:
    """Seconds to bulk-load ``nq`` into a fresh store at ``path``."""
    import pyoxigraph as ox

    from kg.store.knowledge_store import KnowledgeStore

    shutil.rmtree(path, ignore_errors=True)
    with KnowledgeStore(path) as store:
        t0 = time.perf_counter()
        store.ox.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        return time.perf_counter() - t0


def _oxigraph_queries(path: Path, queries: dict[str, str], ns: dict, cfg: dict) -> dict[str, dict]:
    from kg.store.knowledge_store import KnowledgeStore

    out = {}
    with KnowledgeStore(path, read_only=True) as store:
        for name, sparql in queries.items():
            times, rows = _timed_runs(lambda q=sparql: len(store.query(q, prefixes=ns).rows),
                                      cfg["ox_runs"], cfg["ox_budget_s"])
            out[name] = {"rows": rows, "oxigraph_runs": len(times),
                         "oxigraph_p50_ms": _ms(times, 50), "oxigraph_p95_ms": _ms(times, 95)}
    return out


def _rdflib_queries(nt: Path, queries: dict[str, str], ns: dict, cfg: dict, row: dict) -> None:
    """rdflib on the same union and query texts: load rate, per-query latency, speed-up and
    whether the row counts match Oxigraph's, into ``row``."""
    from rdflib import Graph

    g = Graph()
    t0 = time.perf_counter()
    g.parse(str(nt), format="nt")
    rl = time.perf_counter() - t0
    row["rdflib_load_s"] = round(rl, 3)
    row["rdflib_triples_per_s"] = round(len(g) / rl)
    runs = cfg["rdflib_runs"] if row["triples"] < 100_000 else 1
    for name, sparql in queries.items():
        times, rows = [], 0
        for _ in range(runs):
            took, rows = _rdflib_timed(g, sparql, ns, cfg["rdflib_timeout_s"])
            if took is None:
                times = []
                break
            times.append(took)
        q = row["queries"][name]
        if times:
            q.update({"rdflib_rows": rows, "rows_match": rows == q["rows"],
                      "rdflib_p50_ms": _ms(times, 50), "rdflib_p95_ms": _ms(times, 95)})
            q["speedup_p50"] = round(q["rdflib_p50_ms"] / max(q["oxigraph_p50_ms"], 1e-3), 1)
        else:  # stopped: the speed-up is at least timeout / oxigraph time; rows unknown
            q.update({"rdflib_timeout_s": cfg["rdflib_timeout_s"], "rows_match": None, "speedup_p50_at_least":
                      round(cfg["rdflib_timeout_s"] * 1000 / max(q["oxigraph_p50_ms"], 1e-3), 1)})
            q["speedup_p50"] = q["speedup_p50_at_least"]
    del g
    sp = [q["speedup_p50"] for q in row["queries"].values()]
    row["speedup_p50_median"] = round(statistics.median(sp), 1)
    row["speedup_p50_min"] = min(sp)
    row["rdflib_timeouts"] = sum("rdflib_timeout_s" in q for q in row["queries"].values())
    row["rows_mismatches"] = sum(q["rows_match"] is False for q in row["queries"].values())


def bench_store(cfg: dict, work: Path, with_rdflib: bool = True) -> list[dict]:
    from kg.model.namespaces import PREFIXES
    from kg.query.saved import saved_query
    from kg.query.sparql import with_parameters

    ns = {k: str(v) for k, v in PREFIXES.items()}
    # the same bound text on both engines
    queries = {name: with_parameters(saved_query(name).sparql, p) for name, p in _query_params().items()}
    corpus, built_store = work / "corpus-store", work / "store-built"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(built_store, ignore_errors=True)
    per_doc, have = _first_guess_per_doc(cfg), 0
    results = []
    for size in sorted(cfg["store_sizes"]):
        built = _build_to_size(corpus, built_store, cfg, size, per_doc, have)
        have, per_doc = built["documents"], built["triples"] / built["documents"]
        _log(f"store: {size} triples wanted, {built['triples']} built from {have} documents")
        nq, nt = work / f"data-{size}.nq", work / f"data-{size}.nt"
        info = _dump(built_store, nq, nt)
        path = work / f"store-{size}"
        load_s = _oxigraph_load(nq, path)
        row = {"target_triples": size, "documents": have, **info, "oxigraph_load_s": round(load_s, 3),
               "oxigraph_quads_per_s": round(info["quads"] / load_s),
               "queries": _oxigraph_queries(path, queries, ns, cfg)}
        if with_rdflib:
            _log(f"store: {info['triples']} triples, rdflib")
            _rdflib_queries(nt, queries, ns, cfg, row)
        ox_p50 = [q["oxigraph_p50_ms"] for q in row["queries"].values()]
        row["oxigraph_p50_ms_median"] = round(statistics.median(ox_p50), 2)
        results.append(row)
        nq.unlink()
        nt.unlink()
        shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(built_store, ignore_errors=True)
    return results


def bench_saved_queries(store_path: Path, budget_s: float = 20) -> dict:
    """Every saved query as ``policykg queries run`` runs it (:func:`kg.query.saved.run_saved`:
    safety checks, parameter binding), on the sample store: p50/p95 in ms."""
    from kg.query.saved import run_saved
    from kg.store.knowledge_store import KnowledgeStore

    out = {}
    with KnowledgeStore(store_path, read_only=True) as store:
        for name, p in _query_params().items():
            times, _ = _timed_runs(lambda n=name, p=p: run_saved(store, n, p), 5, budget_s)
            out[name] = {"p50_ms": _ms(times, 50), "p95_ms": _ms(times, 95), "params": p}
    return out


# ---------------------------------------------------------------------- 3./4. builds
_WRAPPER = ("import resource, subprocess, sys, time, json\n"
            "t = time.perf_counter()\n"
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "w = time.perf_counter() - t\n"
            "print(json.dumps({'rc': r.returncode, 'wall_s': w, 'stdout': r.stdout, 'stderr': r.stderr[-2000:],"
            " 'maxrss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n")


def run_build(corpus: Path, store: Path, *extra: str, fresh: bool = True) -> dict:
    """``policykg build`` in a fresh process: wall time, peak RSS (largest process), summary.
    ``fresh``: into a new store (else: incrementally into ``store`` as it is)."""
    if fresh:
        shutil.rmtree(store, ignore_errors=True)
    cmd = [sys.executable, "-c", _WRAPPER, sys.executable, "-m", "kg", "build", str(corpus),
           "--store", str(store), "--json", "--no-progress", *extra]
    out = json.loads(subprocess.run(cmd, capture_output=True, text=True, env=_env(), check=True).stdout)
    if out["rc"] != 0:
        raise RuntimeError(f"build failed: {out['stderr']}")
    summary = json.loads(out["stdout"])
    return {"wall_s": round(out["wall_s"], 2), "peak_rss_mb": round(out["maxrss_kb"] / 1024, 1),
            "documents": summary["documents"], "triples": summary["triples"]}


def bench_memory(cfg: dict, work: Path) -> dict:
    rows = []
    for scale in cfg["memory_scales"]:
        n = cfg["unit_docs"] * scale
        corpus = work / f"corpus-{scale}x"
        chars = write_corpus(corpus, n, seed=scale, max_chars=cfg["unit_chars"])
        _log(f"memory: {scale}x ({n} documents, {chars} chars)")
        r = run_build(corpus, work / f"mstore-{scale}x")
        rows.append({"scale": scale, "documents_in": n, "chars": chars, **r,
                     "chars_per_s": round(chars / r["wall_s"])})
        shutil.rmtree(corpus)
        shutil.rmtree(work / f"mstore-{scale}x", ignore_errors=True)
    by = {r["scale"]: r for r in rows}
    out: dict = {"builds": rows}
    big, mid = max(by), sorted(by)[-2] if len(by) > 1 else max(by)
    out["rss_ratio_largest_vs_previous"] = round(by[big]["peak_rss_mb"] / by[mid]["peak_rss_mb"], 3)
    out["target_ratio_max"] = 1.5
    return out


def bench_parallel(cfg: dict, work: Path) -> dict:
    n = cfg["unit_docs"] * cfg["parallel_scale"]
    corpus = work / "corpus-parallel"
    chars = write_corpus(corpus, n, seed=7, max_chars=cfg["unit_chars"])
    runs: dict[str, list[dict]] = {"1": [], "2": []}
    one: list[float] = []
    two: list[float] = []
    for k in range(cfg["parallel_repeats"]):
        # interleaved, the CPU ceiling too (1, 2 workers, 1, 2 loops ...): the VM's drift (±15 %)
        # hits the builds and the ceiling they are compared with alike
        for workers in (1, 2):
            _log(f"parallel: {n} documents, {workers} worker(s), run {k + 1}/{cfg['parallel_repeats']}")
            runs[str(workers)].append(run_build(corpus, work / f"pstore-{workers}", "--workers", str(workers)))
        _log(f"parallel: CPU ceiling, run {k + 1}/{cfg['parallel_repeats']}")
        one.append(_spin_wall(1, cfg["ceiling_loops"]))
        two.append(_spin_wall(2, cfg["ceiling_loops"]))
    shutil.rmtree(corpus)
    median = {w: round(statistics.median(r["wall_s"] for r in rs), 2) for w, rs in runs.items()}
    speedup = median["1"] / median["2"]
    ceiling = _ceiling(one, two, cfg["ceiling_loops"])
    return {"documents": n, "chars": chars, "cpus": os.cpu_count(), "repeats": cfg["parallel_repeats"],
            "runs": runs, "median_wall_s": median, "speedup": round(speedup, 3), "target_speedup_min": 1.6,
            "cpu_ceiling": ceiling, "parallel_efficiency": round(speedup / ceiling["ceiling_speedup"], 3),
            "target_efficiency_min": 0.85,
            "per_repeat": [{"speedup": round(r1["wall_s"] / r2["wall_s"], 3), "ceiling": round(2 * a / b, 3),
                            "efficiency": round(r1["wall_s"] / r2["wall_s"] / (2 * a / b), 3)}
                           for r1, r2, a, b in zip(runs["1"], runs["2"], one, two, strict=True)]}


_SPIN = "n = 0\nfor i in range({loops}):\n    n += i * i\n"


def _spin_wall(processes: int, loops: int) -> float:
    """Wall time until ``processes`` copies of one pure-Python CPU loop, started together, end."""
    cmd = [sys.executable, "-c", _SPIN.format(loops=loops)]
    t0 = time.perf_counter()
    procs = [subprocess.Popen(cmd) for _ in range(processes)]
    if any(p.wait() for p in procs):
        raise RuntimeError("CPU loop failed")
    return time.perf_counter() - t0


def _ceiling(one: list[float], two: list[float], loops: int) -> dict:
    t1, t2 = statistics.median(one), statistics.median(two)
    return {"loops": loops, "one_s": [round(t, 2) for t in one], "two_together_s": [round(t, 2) for t in two],
            "one_median_s": round(t1, 2), "two_together_median_s": round(t2, 2),
            "ceiling_speedup": round(2 * t1 / t2, 3)}


def cpu_ceiling(repeats: int, loops: int) -> dict:
    """The machine's own two-process speed-up on pure CPU work (no I/O, no shared data):
    ``2 * t(one) / t(two together)``. What a parallel build can reach at best on this VM."""
    one: list[float] = []
    two: list[float] = []
    for k in range(repeats):
        _log(f"parallel: CPU ceiling, run {k + 1}/{repeats}")
        one.append(_spin_wall(1, loops))
        two.append(_spin_wall(2, loops))
    return _ceiling(one, two, loops)


def bench_cli_query(store: Path, runs: int = 3) -> dict:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg", "query", "--store", str(store),
                        "SELECT (COUNT(*) AS ?n) WHERE { ?p a pkg:Official }"],
                       capture_output=True, text=True, env=_env(), check=True)
        times.append(time.perf_counter() - t0)
    return {"runs": runs, "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


# ---------------------------------------------------------------------- report
def _store_table(store: list[dict]) -> list[str]:
    lines = ["== store: real builds of a synthetic corpus; load and saved-query latency ==",
             f"{'docs':>5} {'triples':>9} {'quads':>9} {'ox load q/s':>11} {'rdflib t/s':>10} {'ox p50 ms':>9} "
             f"{'speedup p50 (median/min)':>24} {'rows differ':>11}"]
    for r in store:
        sp = f"{r.get('speedup_p50_median', '-')}x / {r.get('speedup_p50_min', '-')}x"
        lines.append(f"{r['documents']:>5} {r['triples']:>9} {r['quads']:>9} {r['oxigraph_quads_per_s']:>11,} "
                     f"{r.get('rdflib_triples_per_s', 0):>10,} {r['oxigraph_p50_ms_median']:>9} {sp:>24} "
                     f"{r.get('rows_mismatches', '-'):>11}")
    big = store[-1]
    lines.append(f"per query at {big['triples']} triples (ms: oxigraph p50/p95 | rdflib p50/p95):")
    for name, q in big["queries"].items():
        rd = (f"{q['rdflib_p50_ms']}/{q['rdflib_p95_ms']}" if "rdflib_p50_ms" in q
              else f">{q['rdflib_timeout_s']} s (stopped)" if "rdflib_timeout_s" in q else "-")
        same = ("" if "rows_match" not in q else "rows ?" if q["rows_match"] is None
                else "same rows" if q["rows_match"] else f"rdflib rows {q['rdflib_rows']}")
        lines.append(f"  {name:<30} {q['oxigraph_p50_ms']:>9}/{q['oxigraph_p95_ms']:<9} | {rd:<22} "
                     f"x{q.get('speedup_p50', '-'):<8} rows {q['rows']:<6} {same}")
    if "speedup_p50_min" in big:
        lines.append(f"  speed-up p50 at {big['triples']} triples: min x{big['speedup_p50_min']}, "
                     f"median x{big['speedup_p50_median']}")
    return lines


def _parallel_table(p: dict) -> list[str]:
    med, c = p["median_wall_s"], p["cpu_ceiling"]
    runs = {w: ", ".join(str(r["wall_s"]) for r in rs) for w, rs in p["runs"].items()}
    return ["", f"== parallel build (interleaved 1/2 workers, {p['repeats']} repeat(s)) ==",
            f"{p['documents']} docs on {p['cpus']} CPUs: 1 worker {med['1']} s ({runs['1']}), "
            f"2 workers {med['2']} s ({runs['2']})",
            f"speed-up {p['speedup']} (target >= {p['target_speedup_min']}); CPU ceiling "
            f"{c['ceiling_speedup']} (pure-Python loop: 1 process {c['one_median_s']} s, 2 together "
            f"{c['two_together_median_s']} s); efficiency {p['parallel_efficiency']}"]


def table(report: dict) -> str:
    lines = []
    e = report["extraction"]
    lines += ["== extraction (same run, same texts) ==",
              f"segmenter ({e['segmenter']}) alone: {e['segmenter_chars_per_s']:>10,} chars/s",
              f"full pipeline:        {e['pipeline_chars_per_s']:>10,} chars/s",
              f"pipeline/segmenter time ratio: {e['ratio']} (target <= 2.0)", ""]
    lines += _store_table(report["store"])
    m = report["memory"]
    lines += ["", "== build peak RSS (synthetic corpus) =="]
    for b in m["builds"]:
        lines.append(f"{b['scale']:>4}x {b['documents_in']:>5} docs {b['chars']:>10,} chars "
                     f"{b['peak_rss_mb']:>8} MB {b['wall_s']:>8} s {b['chars_per_s']:>8,} chars/s")
    lines.append(f"largest/previous RSS ratio: {m['rss_ratio_largest_vs_previous']} (target <= 1.5)")
    lines += _parallel_table(report["parallel"])
    c = report["cli_query"]
    lines += ["", f"== policykg query on the sample store: median {c['median_s']} s, max {c['max_s']} s ==",
              "saved queries through run_saved on the sample store (p50 ms):"]
    lines += [f"  {n:<30} {q['p50_ms']:>9}" for n, q in report.get("saved_queries_sample", {}).items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="CI-sized smoke run (small sizes)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write the JSON report here")
    ap.add_argument("--store-sizes", type=lambda s: [int(float(x)) for x in s.split(",")],
                    help="comma-separated store sizes in triples (e.g. 1e4,1e5,1e6)")
    ap.add_argument("--memory-scales", type=lambda s: [int(x) for x in s.split(",")],
                    help="corpus multiples for the memory section (e.g. 1,10,100)")
    ap.add_argument("--parallel-scale", type=int, help="corpus multiple for the parallel section")
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib comparison")
    ap.add_argument("--segmenter", default="auto")
    ap.add_argument("--only", default="extraction,store,memory,parallel,cli_query",
                    help="comma-separated sections to run")
    ap.add_argument("--workdir", type=Path, help="scratch folder (default: a temporary one)")
    args = ap.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    if args.store_sizes:
        cfg["store_sizes"] = args.store_sizes
    if args.memory_scales:
        cfg["memory_scales"] = args.memory_scales
    if args.parallel_scale:
        cfg["parallel_scale"] = args.parallel_scale
    only = set(args.only.split(","))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="policykg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report: dict = {"quick": args.quick, "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        _log("seed build (the sample store)")
        sample = work / "sample-store"
        report["sample_build"] = run_build(SEEDS, sample)
        if "parallel" in only:  # first: it needs the machine's cores to itself
            report["parallel"] = bench_parallel(cfg, work)
        if "cli_query" in only:
            report["cli_query"] = bench_cli_query(sample)
            report["saved_queries_sample"] = bench_saved_queries(sample, cfg["ox_budget_s"])
        if "extraction" in only:
            _log("extraction")
            report["extraction"] = bench_extraction(cfg, args.segmenter)
        if "memory" in only:
            report["memory"] = bench_memory(cfg, work)
        if "store" in only:
            report["store"] = bench_store(cfg, work, with_rdflib=not args.no_rdflib)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    report["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    if {"extraction", "store", "memory", "parallel", "cli_query"} <= report.keys():
        print(table(report))
    print(text)
    return 0
