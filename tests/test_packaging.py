"""`pip install .` (not editable) gives a working package whose bundled dataset loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (path,) = dist.glob("cbstats-*.whl")
    return path


def test_wheel_contains_dataset_and_entry_point(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    descriptor = json.loads((ROOT / "data" / "cbm" / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert f"cbstats/_data/cbm/{resource['path']}" in names
    assert "cbstats/_data/cbm/CODEBOOK.md" in names
    # the explorer's page template and script ship as package data
    assert {"cbstats/explorer/template.html", "cbstats/explorer/explorer.js"} <= names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "cbstats = cbstats.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_loads_bundled_dataset(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, text=True)
    code = ("import cbstats; d = cbstats.load_cbm(); "
            "print(cbstats.__file__); print(d.source); print(len(d.cases_wide()))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=True).stdout.splitlines()
    assert out[0].startswith(str(target))
    assert out[1].startswith(str(target / "cbstats" / "_data" / "cbm"))
    assert int(out[2]) > 0
