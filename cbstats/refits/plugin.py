"""The Dask worker plugin that prepares each worker before its first task."""

from __future__ import annotations

import os
from pathlib import Path

from distributed import WorkerPlugin

from .worker import THREAD_ENV, claim_compiledir, default_compiledir_base

__all__ = ["WorkerSetup"]


class WorkerSetup(WorkerPlugin):
    """Dask worker plugin: thread pinning and an isolated PyTensor compile dir.

    Parameters
    ----------
    compiledir_base
        Parent folder of the per-worker compile folders.
    """

    name = "cbstats-worker-setup"
    idempotent = True

    def __init__(self, compiledir_base: str | None = None):
        super().__init__()
        self.compiledir_base = compiledir_base

    def setup(self, worker) -> None:
        import sys

        os.environ.update(THREAD_ENV)
        base = Path(self.compiledir_base) if self.compiledir_base else default_compiledir_base()
        folder = claim_compiledir(base, str(worker.name).replace("/", "_"))
        if "pytensor" in sys.modules:  # imported already (e.g. by a preload): switch at runtime
            import pytensor

            pytensor.config.base_compiledir = str(folder)
        else:
            flags = [f for f in os.environ.get("PYTENSOR_FLAGS", "").split(",")
                     if f and not f.startswith(("base_compiledir=", "compiledir="))]
            os.environ["PYTENSOR_FLAGS"] = ",".join([*flags, f"base_compiledir={folder}"])

    def teardown(self, worker) -> None:
        pass
