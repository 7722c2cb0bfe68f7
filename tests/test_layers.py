"""The layout shows the architecture: imports point one way, no cycles, short modules, lexicons as data."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u4e00-\u9fff]")
MAX_MODULE_LINES = 400
MAX_INLINE_LEXICON = 10


def test_layers_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_no_import_cycle_between_modules():
    graph = grimp.build_graph("kg", "extractors")
    edges = nx.DiGraph((m, d) for m in graph.modules for d in graph.find_modules_directly_imported_by(m))
    assert list(nx.simple_cycles(edges)) == []


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules("kg"), ids=lambda p: str(p.relative_to(ROOT)))
def test_long_modules_say_why(path: Path):
    lines = path.read_text(encoding="utf-8").count("\n")
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert lines <= MAX_MODULE_LINES or "Long because" in doc, (
        f"{path.name} has {lines} lines: split it, or say why in its docstring ('Long because …')")


def _inline_lexicons(path: Path) -> list[tuple[int, int]]:
    """(line, size) of every literal collection of more than MAX_INLINE_LEXICON Chinese strings."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            han = [e for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str) and HAN.search(e.value)]
            if len(han) > MAX_INLINE_LEXICON:
                found.append((node.lineno, len(han)))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value.count("|") > MAX_INLINE_LEXICON and HAN.search(node.value)):
            found.append((node.lineno, node.value.count("|") + 1))  # a regex alternation is a list too
    return found


@pytest.mark.parametrize("path", _modules("extractors"), ids=lambda p: str(p.relative_to(ROOT)))
def test_lexicons_are_data_files_not_code(path: Path):
    assert _inline_lexicons(path) == [], f"move these lists into extractors/data/: {_inline_lexicons(path)}"


def test_every_data_file_says_where_its_entries_come_from():
    for path in sorted((ROOT / "extractors" / "data").iterdir()):
        if path.suffix in {".txt", ".tsv"}:
            assert path.read_text(encoding="utf-8").startswith("#"), f"{path.name} needs a provenance header"
