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

__all__ = ["FitTask", "run_fit"]


@dataclass(frozen=True)
class FitTask:
    """One call of :func:`cbstats.fit`: ``fit(formula, data, family, **options)``."""

    name: str
    formula: str
    family: str
    data: pd.DataFrame = field(repr=False)
    options: dict[str, Any] = field(default_factory=dict)


def run_fit(task: FitTask):
    """Run the fit of ``task`` (one core inside a worker; weak-identification warnings are
    kept on the result's design, not printed)."""
    from ..models import WeakIdentificationWarning, fit
    from .worker import worker_cores

    options = {"progressbar": False, **task.options}
    if options.get("cores") is None:
        options["cores"] = worker_cores()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeakIdentificationWarning)
        return fit(task.formula, task.data, task.family, **options)
