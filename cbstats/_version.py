"""Package version (from the installed metadata, so it is defined once in pyproject.toml)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cbstats")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
