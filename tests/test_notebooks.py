"""The notebooks in notebooks/ run top to bottom on the seed build (their cells assert on results)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_notebook_runs(seed_build, monkeypatch, name):
    monkeypatch.setenv("POLICYKG_STORE", str(seed_build.store))  # the kernel inherits it
    monkeypatch.setenv("MPLBACKEND", "agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert sum(c.cell_type == "code" and "assert " in c.source for c in nb.cells) >= 3
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # tables are pandas DataFrames, shown as HTML tables in Jupyter
    frames = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if 'class="dataframe"' in o.get("data", {}).get("text/html", "")]
    assert len(frames) >= 2
    setup = next(c for c in nb.cells if c.cell_type == "code")
    assert any(o.get("text", "").startswith(str(seed_build.store)) for o in setup.outputs)


def test_notebooks_are_generated_from_the_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebooks", NOTEBOOKS / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, cells in (("quickstart.ipynb", module.QUICKSTART), ("district_analysis.ipynb", module.ANALYSIS),
                        ("timelines.ipynb", module.TIMELINES)):
        saved = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert [c.source for c in saved.cells] == [c.source for c in cells], f"run notebooks/make_notebooks.py ({name})"
        assert all(not c.get("outputs") for c in saved.cells if c.cell_type == "code")
