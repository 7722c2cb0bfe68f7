"""One graph across documents: ``python -m bench.crossdoc [--segmenter S]``.

The seeds (answer key ``../shared/eval/gold``) and the invented other-genre documents of
``bench/generalize`` (their ``gold``) are built (1) into a store each and (2) all into one store,
forward and in reverse file order. Reports each store's ``score.py`` result, the one store's
against the union of the two answer keys next to the two separate stores' exports read together
(one store must score no lower: cross-document resolution leaves no duplicate node and merges
nothing it should not), and whether the forward and reverse builds export byte-identical N-Quads.
Needs the sibling ``shared`` checkout (set ``$POLICYKG_SHARED`` otherwise).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.accuracy import EVAL, ROOT, _run

SETS = {"seeds": (ROOT / "seeds", EVAL / "gold"),
        "generalize": (ROOT / "bench" / "generalize" / "docs", ROOT / "bench" / "generalize" / "gold")}


def _build(files: list[Path], store: Path, segmenter: str) -> None:
    policykg = Path(sys.executable).with_name("policykg")
    _run(policykg, "build", *files, "--store", store, "--segmenter", segmenter, "--no-progress")


def _export(store: Path, out: Path) -> Path:
    _run(Path(sys.executable).with_name("policykg"), "export", "--store", store, "--format", "nq", "-o", out)
    return out


def _score(graph: Path, gold: Path) -> dict:
    done = subprocess.run([sys.executable, str(EVAL / "score.py"), str(graph), str(gold), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _line(name: str, report: dict) -> str:
    cats = " ".join(f"{k} {v['f1']:.3f}" for k, v in report.items() if isinstance(v, dict) and "f1" in v)
    return f"{name:<28} macro_f1_core {report['macro_f1_core']:.3f}  ({cats})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crossdoc", description=__doc__.split("\n")[0])
    parser.add_argument("--segmenter", default="auto", help="passed to policykg build (default: auto)")
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        raise SystemExit(f"no {EVAL}: this benchmark reads ../shared/eval (set $POLICYKG_SHARED)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        union_gold = work / "gold"
        union_gold.mkdir()
        every: list[Path] = []
        separate: list[Path] = []
        for name, (docs, gold) in SETS.items():
            files = sorted(p for p in docs.iterdir() if p.is_file())
            every += files
            for g in gold.glob("*.json"):
                shutil.copy(g, union_gold / g.name)
            _build(files, work / name, args.segmenter)
            separate.append(_export(work / name, work / f"{name}.nq"))
            print(_line(f"{name} alone", _score(separate[-1], gold)), flush=True)
        both = work / "separate.nq"
        both.write_bytes(b"".join(p.read_bytes() for p in separate))
        _build(every, work / "one", args.segmenter)
        _build(every[::-1], work / "reverse", args.segmenter)
        one, reverse = _export(work / "one", work / "one.nq"), _export(work / "reverse", work / "reverse.nq")
        together, apart = _score(one, union_gold), _score(both, union_gold)
        print(_line("separate stores, union gold", apart))
        print(_line("one store, union gold", together))
        identical = one.read_bytes() == reverse.read_bytes()
        print(f"reverse-order build: N-Quads {'byte-identical' if identical else 'DIFFER'} "
              f"({len(one.read_bytes().splitlines())} quads)")
        ok = identical and together["macro_f1_core"] >= apart["macro_f1_core"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
