"""Accuracy: ``python -m bench.accuracy [--segmenter S] [--only seeds|pd1998] [--show N]``.

* ``seeds``: the bundled seeds built into a fresh store, exported as Turtle and scored against
  the answer key with ``../shared/eval/score.py`` (persons, officials, posts, ... macro_f1_core);
* ``pd1998``: the People's Daily 1998 NER development split (``../shared/eval/external/
  pd1998_dev.bio``) turned into a text file at run time by ``../shared/eval/pd1998.py text``,
  built and exported the same way, its distinct person names scored by ``pd1998.py score``.

The benchmark's text is read from ``../shared`` at run time and written only to a temporary
folder: it is never copied into the project. Needs the sibling ``shared`` checkout.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICYKG_SHARED", ROOT.parent / "shared"))
EVAL = SHARED / "eval"


def _run(*cmd: str | Path) -> str:
    done = subprocess.run([str(c) for c in cmd], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def build_and_export(corpus: Path, work: Path, segmenter: str) -> tuple[Path, float]:
    """``policykg build`` of ``corpus`` into a fresh store, exported as Turtle; (file, build seconds)."""
    policykg = Path(sys.executable).with_name("policykg")
    store, ttl = work / "store", work / "graph.ttl"
    t0 = time.perf_counter()
    _run(policykg, "build", corpus, "--store", store, "--segmenter", segmenter, "--no-progress")
    seconds = time.perf_counter() - t0
    _run(policykg, "export", "--store", store, "--format", "turtle", "-o", ttl)
    return ttl, seconds


def seeds(segmenter: str, show: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        ttl, seconds = build_and_export(ROOT / "seeds", Path(tmp), segmenter)
        report = _run(sys.executable, EVAL / "score.py", ttl, EVAL / "gold", "--show-errors", str(show))
    return f"== seeds, segmenter {segmenter} (build {seconds:.1f} s)\n{report}"


def pd1998(segmenter: str, show: int) -> str:
    bio = EVAL / "external" / "pd1998_dev.bio"
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        _run(sys.executable, EVAL / "pd1998.py", "text", bio, corpus / "pd1998_dev.txt")
        ttl, seconds = build_and_export(corpus, Path(tmp), segmenter)
        report = _run(sys.executable, EVAL / "pd1998.py", "score", bio, ttl, "--show", str(show))
    return f"== PD1998 dev, segmenter {segmenter} (build {seconds:.1f} s)\n{report}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__.split("\n")[0])
    parser.add_argument("--segmenter", default="auto", help="passed to policykg build (default: auto)")
    parser.add_argument("--only", choices=("seeds", "pd1998"), help="run one of the two")
    parser.add_argument("--show", type=int, default=10, help="errors to list per score")
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        raise SystemExit(f"no {EVAL}: the accuracy benchmarks read ../shared/eval (set $POLICYKG_SHARED)")
    for name, run in (("seeds", seeds), ("pd1998", pd1998)):
        if args.only in (None, name):
            print(run(args.segmenter, args.show), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
