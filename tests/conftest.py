"""Shared fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_package(tmp_path: Path) -> Path:
    """A fresh copy of the small synthetic case package (safe to break)."""
    dest = tmp_path / "mini_package"
    shutil.copytree(FIXTURES / "mini_package", dest)
    return dest
