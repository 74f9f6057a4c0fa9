"""What a fit records about its inputs: the data hash and package versions."""

from __future__ import annotations

import hashlib
import platform

import pandas as pd

from .. import versions

__all__ = ["data_hash", "package_versions"]

_PACKAGES = ("cbstats", "pymc", "pytensor", "arviz", "nutpie", "numpy", "pandas", "formulae")


def data_hash(data: pd.DataFrame) -> str:
    """SHA-256 of the DataFrame's CSV serialisation (index included)."""
    return hashlib.sha256(data.to_csv().encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str]:
    """Python and the versions of the packages a fit depends on (stored with the result)."""
    return {"python": platform.python_version(),
            **versions.package_versions(_PACKAGES, missing="unknown")}
