"""Cost of the NER backbone: ``python -m bench.ner_cost [--docs 40] [--segmenter S]``.

A whole ``policykg build`` (fresh store, default settings: one supervised worker, process start
and model loads included) of a synthetic corpus of ``--docs`` documents composed from the seeds
(:mod:`bench.corpus`; 40 ≈ the seeds ×8) against a bare LAC tagging pass over the same normalized
texts, one document per call, in this process with the model already loaded (the build tags up to
four documents per call: its own pass is cheaper than this one). The bare pass runs before and
after the build and its mean is the reference, so a load swing on a shared machine hits both.
Prints both times, their ratio and the build's peak RSS; and, less exposed to load swings, the
in-process pipeline (:func:`extractors.pipeline.extract_facts`) against the bare pass document by
document, interleaved. A measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ner_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--segmenter", default="auto")
    args = parser.parse_args(argv)
    from extractors.ner import get_model
    from kg.ingest.normalize import normalize

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, args.docs, seed=13)
        texts = [normalize(p.read_text(encoding="utf-8")).text for p in sorted(corpus.rglob("*.txt"))]
        from extractors.pipeline import extract_facts

        model = get_model()
        model.analyze(texts[:1])  # warm
        extract_facts(texts[0], segmenter=args.segmenter)
        bare = pipeline = 0.0
        for text in texts:  # interleaved: both see the same machine load
            t0 = time.perf_counter()
            model.analyze([text])
            t1 = time.perf_counter()
            extract_facts(text, segmenter=args.segmenter)
            bare, pipeline = bare + t1 - t0, pipeline + time.perf_counter() - t1
        policykg = Path(sys.executable).with_name("policykg")
        t0 = time.perf_counter()
        subprocess.run([str(policykg), "build", str(corpus), "--store", str(Path(tmp) / "store"),
                        "--segmenter", args.segmenter, "--no-progress", "--json"], check=True, capture_output=True)
        build = time.perf_counter() - t0
        bare_before, bare_after = bare, 0.0
        for text in texts:
            t0 = time.perf_counter()
            model.analyze([text])
            bare_after += time.perf_counter() - t0
        bare = (bare_before + bare_after) / 2
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    chars = sum(map(len, texts))
    print(json.dumps({"documents": len(texts), "chars": chars, "segmenter": args.segmenter,
                      "bare_lac_s": round(bare, 2), "bare_lac_chars_per_s": round(chars / bare),
                      "bare_lac_before_after_s": [round(bare_before, 2), round(bare_after, 2)],
                      "pipeline_s": round(pipeline, 2), "pipeline_ratio": round(pipeline / bare_before, 2),
                      "build_s": round(build, 2), "ratio": round(build / bare, 2), "target_ratio_max": 1.5,
                      "build_peak_rss_mb": round(rss_mb)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
