"""The scoped-exploration benchmark's smoke run (bench/explore_scale.py): real builds of a seed store
and a larger one, every way of ``show`` timed on both. Nothing is timed here: ratios are reported
by ``python -m bench.explore_scale``, not asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT


def test_the_explore_benchmark_reports_each_way_on_both_stores(tmp_path):
    out = tmp_path / "explore.json"
    done = subprocess.run([sys.executable, "-m", "bench.explore_scale", "--scale", "2", "--max-chars", "1500",
                           "--runs", "1", "--json", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    stores, show = report["stores"], report["show"]
    assert stores["large"]["triples"] >= 2 * stores["seed"]["triples"] == stores["target_triples"]
    assert show["same_text_every_way"] and show["entity"].startswith("https://w3id.org/policykg/id/person/")
    assert show["describe_graph_nodes"]["seed"] == show["describe_graph_nodes"]["large"] > 1
    for way in ("in_process", "open_store", "cli", "whole_graph"):
        assert show[way]["seed_median_ms"] > 0 and show[way]["large_median_ms"] > 0 and show[way]["ratio"] > 0
    assert "ratio" in done.stdout and "whole_graph" in done.stdout
