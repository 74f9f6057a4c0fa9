"""Provenance: which code, packages, platform and data produced an output."""

from __future__ import annotations

import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from .. import versions

KEY_PACKAGES = (
    "cbstats", "numpy", "scipy", "pandas", "pymc", "pytensor", "arviz", "nutpie", "xarray",
    "formulae", "statsmodels", "matplotlib", "seaborn", "great-tables",
)


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str]:
    """Installed versions of the packages results depend on (``"not installed"`` if absent)."""
    return versions.package_versions(names)


def git_commit(path: str | Path = ".") -> str | None:
    """The git commit of the working tree at ``path`` (with ``-dirty`` if modified), or None."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=path, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=path,
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty else "")


def environment() -> dict[str, object]:
    """Python, platform and package versions."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": package_versions(),
    }


def now_utc() -> str:
    """Current time, ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")
