"""Benchmarks of PolicyKG: extraction throughput, store load and query latency, build memory,
parallel speed-up. Run ``python -m bench --quick`` (CI-sized) or ``python -m bench`` (full)."""
