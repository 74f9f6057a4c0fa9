"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Groups of refits (reproduce, k-fold) run in-process in the suite unless a test asks for a
# Dask backend explicitly (tests/refits start their own LocalCluster); set the variable to
# run the suite's refits on a cluster instead.
os.environ.setdefault("CBSTATS_SCHEDULER", "serial")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_package(tmp_path: Path) -> Path:
    """A fresh copy of the small synthetic case package (safe to break)."""
    dest = tmp_path / "mini_package"
    shutil.copytree(FIXTURES / "mini_package", dest)
    return dest
