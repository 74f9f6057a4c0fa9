"""Installed versions of the packages a result depends on (recorded with every output)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version


def package_versions(names: Iterable[str], *, missing: str = "not installed") -> dict[str, str]:
    """Installed version of each package in ``names`` (``missing`` for those not installed)."""
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = missing
    return out
