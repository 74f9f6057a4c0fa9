"""The expected log pointwise predictive density of one model: :class:`ELPDResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ELPDResult"]


@dataclass
class ELPDResult:
    """Expected log pointwise predictive density of one model.

    Attributes
    ----------
    method
        ``"psis-loo"`` or ``"kfold"``.
    elpd, se
        Estimate and standard error.
    p
        Effective number of parameters (PSIS-LOO only, else NaN).
    pointwise
        Per-observation elpd contributions.
    pareto_k
        Pareto-k of every observation (from PSIS, also kept after a k-fold
        fallback), or None.
    n_high_k
        Observations with Pareto-k above the threshold.
    folds
        Number of folds for k-fold, else None.
    obs_ids
        The observation ids the pointwise values belong to (None if unknown).
    fold_table
        k-fold only: one row per fold (``fold, n_heldout, elpd, passed,
        failing_checks, error, sampler, seconds``); a fold whose sampling
        failed or whose diagnostics failed is marked there, never dropped.
    settings
        k-fold only: the sampler settings every fold used.
    """

    method: str
    elpd: float
    se: float
    p: float
    pointwise: np.ndarray
    pareto_k: np.ndarray | None
    n_high_k: int
    folds: int | None = None
    obs_ids: np.ndarray | None = None
    fold_table: pd.DataFrame | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n_failed_folds(self) -> int:
        """Folds whose sampling or diagnostics failed (0 for PSIS-LOO)."""
        if self.fold_table is None or not len(self.fold_table):
            return 0
        return int((~self.fold_table["passed"].astype(bool)).sum())

    def __repr__(self) -> str:
        from ..display import elpd_repr

        return elpd_repr(self)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "elpd": self.elpd,
                    "se": self.se,
                    "p": self.p,
                    "n_high_pareto_k": self.n_high_k,
                    "folds": self.folds,
                    "n_failed_folds": self.n_failed_folds,
                }
            ]
        )
