"""Out-of-sample predictive accuracy: PSIS-LOO with an exact k-fold fallback.

On small case datasets PSIS-LOO often has high Pareto-k values (single cases
are influential); the estimate is then unreliable and :func:`loo` switches to
exact K-fold cross-validation (:mod:`cbstats.models.kfold`).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import arviz as az
import numpy as np

from .._warn import warn_user
from .elpd import ELPDResult
from .kfold import kfold

if TYPE_CHECKING:
    from .result import BayesResult

__all__ = ["ELPDResult", "loo", "kfold"]


def _psis(result: BayesResult) -> az.ELPDData:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return az.loo(result.idata, pointwise=True, var_name=result.response)


def loo(
    result: BayesResult,
    *,
    pareto_k_threshold: float = 0.7,
    fallback: bool = True,
    folds: int = 10,
    seed: int | None = None,
    draws: int | None = None,
    executor: Any = None,
) -> ELPDResult:
    """PSIS-LOO; if any Pareto-k exceeds the threshold, exact K-fold CV instead.

    Parameters
    ----------
    result
        A fitted result (with ``log_likelihood``).
    pareto_k_threshold
        Pareto-k above which PSIS-LOO is deemed unreliable (0.7).
    fallback
        Refit with exact K-fold CV when some k is high (otherwise warn only).
    folds, seed, draws, executor
        Passed to :func:`cbstats.models.kfold.kfold` (every fold uses the
        fit's priors, centring and sampler settings; only ``draws`` can be
        changed).
    """
    psis = _psis(result)
    k = np.asarray(psis.pareto_k)
    n_high = int((k > pareto_k_threshold).sum())
    if n_high and fallback:
        warn_user(
            f"{n_high} observation(s) with Pareto k > {pareto_k_threshold}; PSIS-LOO is "
            f"unreliable, running exact {folds}-fold cross-validation (refits the model)",
            UserWarning,
        )
        out = kfold(result, folds=folds, seed=seed, draws=draws, executor=executor)
        out.pareto_k, out.n_high_k = k, n_high
        return out
    if n_high:
        warn_user(
            f"{n_high} observation(s) with Pareto k > {pareto_k_threshold}",
            UserWarning,
        )
    return ELPDResult(
        method="psis-loo",
        elpd=float(psis.elpd_loo),
        se=float(psis.se),
        p=float(psis.p_loo),
        pointwise=np.asarray(psis.loo_i),
        pareto_k=k,
        n_high_k=n_high,
        obs_ids=np.asarray(result.design.obs_ids),
    )
