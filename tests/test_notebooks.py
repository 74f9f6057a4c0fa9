"""The notebooks in ``notebooks/`` execute without errors (small draw counts).

Each notebook runs in a fresh kernel started from *this* interpreter
(``sys.executable``): a kernelspec is written to a temporary ``JUPYTER_PATH``
so no kernel needs to be installed in the user's Jupyter folders. The draw
counts come from the one documented environment variable,
``CBSTATS_NOTEBOOK_DRAWS``; the kernel works in a temporary folder so the
notebooks cannot depend on (or write into) the repository's working directory.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = ["01_quickstart.ipynb", "02_reproduce.ipynb", "03_explore.ipynb"]
KERNEL_NAME = "cbstats-test-python"
TEST_DRAWS = "100"
CELL_TIMEOUT = 600  # seconds per cell; a model compile and fit takes well under a minute


def _outputs_of(nb) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]


def test_notebooks_present():
    assert sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")) == NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_saved_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    nbformat.validate(nb)
    assert _outputs_of(nb) == [], f"{name}: clear the outputs before committing"
    assert all(cell.get("execution_count") is None for cell in nb.cells if cell.cell_type == "code")
    assert "CBSTATS_NOTEBOOK_DRAWS" in nb.cells[0].source, f"{name}: document the draws variable first"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernelspec for this interpreter on a temporary JUPYTER_PATH, plus the test settings."""
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "share" / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cbstats test (venv Python)",
        "language": "python",
        "env": {"CBSTATS_NOTEBOOK_DRAWS": TEST_DRAWS, "MPLBACKEND": "Agg", "CI": "1"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return root


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes(name, kernel_env, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_env / "share"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(kernel_env / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(kernel_env / "ipython"))
    monkeypatch.setenv("CBSTATS_NOTEBOOK_DRAWS", TEST_DRAWS)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("CI", "1")  # no progress bars in the outputs

    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    t0 = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - t0

    errors = [out for out in _outputs_of(nb) if out.get("output_type") == "error"]
    assert not errors, f"{name}: " + "; ".join(f"{e['ename']}: {e['evalue']}" for e in errors)
    executed = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in executed), f"{name}: a cell did not run"
    assert list(tmp_path.iterdir()) == [], f"{name} left files in its working directory"
    print(f"{name}: executed in {seconds:.1f} s")
