"""Tasks that run a complete :func:`cbstats.fit` (a different model or data per task).

Used where each refit is its own model (e.g. the robustness refits of
``cbstats reproduce`` on subsets of the cases); refits of one model with new
data use :class:`~cbstats.refits.models.ModelSource` instead. Inside a worker
the fit's compiled model is cached per process by ``cbstats.fit`` itself.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["FitTask", "PortableResult", "restore", "run_fit"]


@dataclass(frozen=True)
class FitTask:
    """One call of :func:`cbstats.fit`: ``fit(formula, data, family, **options)``."""

    name: str
    formula: str
    family: str
    data: pd.DataFrame = field(repr=False)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PortableResult:
    """A fitted result in cbstats' own netCDF format, to send from a worker to the client.

    A ``BayesResult`` holds its design's formula encoder, which does not
    pickle; :func:`cbstats.models.io.save_result` / ``load_result`` rebuild
    it exactly (the same path as saving and loading a fit).
    """

    netcdf: bytes = field(repr=False)

    def restore(self):
        """The :class:`~cbstats.models.result.BayesResult`."""
        import tempfile
        from pathlib import Path

        from ..models.io import load_result

        with tempfile.TemporaryDirectory(prefix="cbstats-fit-") as tmp:
            path = Path(tmp) / "fit.nc"
            path.write_bytes(self.netcdf)
            return load_result(str(path))


def restore(value: Any):
    """``value``, with a :class:`PortableResult` turned back into a result."""
    return value.restore() if isinstance(value, PortableResult) else value


def run_fit(task: FitTask):
    """Run the fit of ``task`` (one core inside a worker; weak-identification warnings are
    kept on the result's design, not printed).

    Returns the ``BayesResult`` in this process, a :class:`PortableResult`
    inside a Dask worker (pass the value through :func:`restore`).
    """
    from ..models import WeakIdentificationWarning, fit
    from .worker import in_worker, worker_cores

    options = {"progressbar": False, **task.options}
    if options.get("cores") is None:
        options["cores"] = worker_cores()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeakIdentificationWarning)
        result = fit(task.formula, task.data, task.family, **options)
    if not in_worker():
        return result
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="cbstats-fit-") as tmp:
        path = Path(tmp) / "fit.nc"
        result.save(str(path))
        return PortableResult(path.read_bytes())
