"""The benchmark runner's CI-sized smoke run: every section is in the JSON report.

Nothing here is timed: the ratios are reported by ``python -m bench``, not asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

from bench.corpus import generate
from bench.run import QUICK
from kg.query.saved import saved_queries


def test_bench_quick_reports_every_section(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    for section in ("extraction", "store", "memory", "parallel", "cli_query", "saved_queries_sample"):
        assert section in report, section
    e = report["extraction"]
    assert e["chars"] > 0 and e["ratio"] > 0 and e["pipeline_chars_per_s"] > 0
    saved = {q.name for q in saved_queries()}
    assert [row["target_triples"] for row in report["store"]] == QUICK["store_sizes"]
    docs = [row["documents"] for row in report["store"]]
    assert docs == sorted(docs) and docs[0] > 0  # one corpus, grown: a prefix per size
    for row in report["store"]:
        assert row["triples"] >= row["target_triples"] and row["quads"] > row["triples"]
        assert row["oxigraph_quads_per_s"] > 0 and row["rdflib_triples_per_s"] > 0
        assert set(row["queries"]) == saved
        for q in row["queries"].values():
            assert 0 <= q["oxigraph_p50_ms"] <= q["oxigraph_p95_ms"]
            assert q["speedup_p50"] > 0 and q["rows_match"] in (True, False, None)
        assert row["speedup_p50_min"] <= row["speedup_p50_median"]
    assert [b["scale"] for b in report["memory"]["builds"]] == [1, 3]
    assert all(b["peak_rss_mb"] > 0 for b in report["memory"]["builds"])
    par = report["parallel"]
    assert {w: len(runs) for w, runs in par["runs"].items()} == {"1": QUICK["parallel_repeats"],
                                                                  "2": QUICK["parallel_repeats"]}
    assert all(r["wall_s"] > 0 and r["documents"] == par["documents"] for rs in par["runs"].values() for r in rs)
    assert par["median_wall_s"]["1"] > 0 and par["median_wall_s"]["2"] > 0 and par["speedup"] > 0
    ceiling = par["cpu_ceiling"]
    assert len(ceiling["one_s"]) == len(ceiling["two_together_s"]) == QUICK["parallel_repeats"]
    assert ceiling["one_median_s"] > 0 and ceiling["two_together_median_s"] > 0 and ceiling["ceiling_speedup"] > 0
    assert par["parallel_efficiency"] > 0
    assert report["cli_query"]["median_s"] > 0
    assert "pipeline/segmenter time ratio" in done.stdout and "CPU ceiling" in done.stdout  # the table too


def test_synthetic_corpus_is_varied_and_deterministic():
    a, b = list(generate(6, seed=3)), list(generate(6, seed=3))
    assert a == b and len(set(a)) == 6
    assert all("合成文档" in t for t in a)
