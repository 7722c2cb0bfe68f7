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
from bench.run import bound_query


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
    assert len(report["store"]) == 2
    for row in report["store"]:
        assert row["oxigraph_quads_per_s"] > 0 and row["rdflib_triples_per_s"] > 0
        assert len(row["queries"]) >= 9
        for q in row["queries"].values():
            assert "oxigraph_p50_ms" in q and "oxigraph_p95_ms" in q and "speedup_p50" in q
    assert [b["scale"] for b in report["memory"]["builds"]] == [1, 3]
    assert all(b["peak_rss_mb"] > 0 for b in report["memory"]["builds"])
    assert set(report["parallel"]["runs"]) == {"1", "2"} and report["parallel"]["speedup"] > 0
    assert report["cli_query"]["median_s"] > 0
    assert "pipeline/segmenter time ratio" in done.stdout  # the table is printed too


def test_synthetic_corpus_is_varied_and_deterministic():
    a, b = list(generate(6, seed=3)), list(generate(6, seed=3))
    assert a == b and len(set(a)) == 6
    assert all("合成文档" in t for t in a)


def test_bound_query_binds_by_values():
    q = bound_query("SELECT ?x WHERE { ?x ?p ?district }", {"district": "大足区"})
    assert 'VALUES (?district) { ("大足区") }' in q
    assert bound_query("SELECT ?x WHERE { ?x ?p ?o }", {}) == "SELECT ?x WHERE { ?x ?p ?o }"
