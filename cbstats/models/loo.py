"""Out-of-sample predictive accuracy: PSIS-LOO with an exact k-fold fallback.

On small case datasets PSIS-LOO often has high Pareto-k values (single cases
are influential); the estimate is then unreliable and :func:`loo` switches to
exact K-fold cross-validation: the model is refitted K times, each time
predicting the held-out rows (held-out group levels that were not in the
training rows get effects drawn from the population distribution).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import arviz as az
import numpy as np
import pandas as pd
from scipy.special import logsumexp

from .families import get_family

if TYPE_CHECKING:
    from .result import BayesResult

__all__ = ["ELPDResult", "loo", "kfold"]


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
    """

    method: str
    elpd: float
    se: float
    p: float
    pointwise: np.ndarray
    pareto_k: np.ndarray | None
    n_high_k: int
    folds: int | None = None

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
                }
            ]
        )


def _psis(result: BayesResult) -> az.ELPDData:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return az.loo(result.idata, pointwise=True, var_name=result.response)


def _fold_predictions_nutpie(result: BayesResult, fold_of: np.ndarray, folds: int, seed: int,
                             draws: int, tune: int, chains: int, rng: np.random.Generator):
    """Held-out predictions of each fold from ONE compiled weighted model.

    Yields ``(k, eta, par, trials)`` for the rows of fold ``k``.

    The model is built on all rows with a likelihood weighted by the data
    container ``obs_weight``; fold k sets the weights of its held-out rows to
    0 and re-samples the same compiled model (no recompilation). Parameters
    of group levels seen only in held-out rows are then informed by the prior
    alone, i.e. they are new-level draws from the population distribution.
    """
    from types import SimpleNamespace

    import nutpie

    from .families import rebuild_model
    from .predict import linear_predictor_draws
    from .sampling import _clean

    d = result.design
    model = rebuild_model(result, obs_weights=np.ones(d.n_obs))
    initvals = get_family(d.family).initvals(d)
    compiled = nutpie.compile_pymc_model(model, initial_points=initvals or None)
    for k in range(folds):
        weights = (fold_of != k).astype("float64")
        idata = nutpie.sample(
            compiled.with_data(obs_weight=weights),
            draws=draws,
            tune=tune,
            chains=chains,
            seed=seed + k + 1,
            save_warmup=False,
            progress_bar=False,
        )
        fitted = SimpleNamespace(design=d, posterior=_clean(idata).posterior)
        eta, par, trials = linear_predictor_draws(fitted, None, rng)
        test = fold_of == k
        yield k, eta[:, test], par, None if trials is None else trials[test]


def _fold_predictions_refit(result: BayesResult, fold_of: np.ndarray, folds: int, seed: int,
                            draws: int, tune: int, chains: int, rng: np.random.Generator):
    """Held-out predictions of each fold from a refit on its training rows (PyMC sampler).

    Yields ``(k, eta, par, trials)`` for the rows of fold ``k``.
    """
    from .api import fit
    from .predict import linear_predictor_draws

    d = result.design
    data = d.data.copy()
    # keep the full set of ordinal levels in every training subset
    if d.family == "cumulative":
        data[d.spec.response] = pd.Categorical(
            data[d.spec.response], categories=d.response_levels, ordered=True
        )
    for m in d.mono:
        data[m.term.var] = pd.Categorical.from_codes(m.index, categories=m.levels, ordered=True)
    opts = result.fit_options
    for k in range(folds):
        train = fold_of != k
        res_k = fit(
            result.formula,
            data.iloc[train],
            result.family,
            priors=result.priors_input or None,
            sampler=opts.get("sampler", "nutpie"),
            draws=draws,
            tune=tune,
            chains=chains,
            seed=seed + k + 1,
            progressbar=False,
            id_col=d.id_col,
            centered=opts.get("centered"),
            check=False,
        )
        # predictions for held-out rows use the training fit (new levels drawn from the population)
        eta, par, _ = linear_predictor_draws(res_k, data.iloc[~train], rng)
        yield k, eta, par, None if d.trials is None else d.trials[~train]


def kfold(
    result: BayesResult,
    *,
    folds: int = 10,
    seed: int | None = None,
    draws: int | None = None,
    tune: int | None = None,
    chains: int | None = None,
) -> ELPDResult:
    """Exact K-fold cross-validation: the model is re-estimated K times without one fold.

    With nutpie (the default sampler) the model is compiled once with a
    weighted likelihood and re-sampled with the held-out rows' weights set to
    zero; with ``sampler="pymc"`` it is refitted on each training subset.

    Parameters
    ----------
    result
        A fitted result; its formula, family, priors and sampler are reused.
    folds
        Number of folds (rows are assigned to folds at random, with ``seed``).
    seed
        Seed for fold assignment, refits and new-level effects.
    draws, tune, chains
        Sampler settings for the refits (default: those of ``result``).
    """
    d = result.design
    n = d.n_obs
    folds = int(min(folds, n))
    seed = result.seed if seed is None else seed
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(np.arange(n) % folds)
    opts = result.fit_options
    draws = draws or opts.get("draws", 1000)
    tune = tune or opts.get("tune", 1000)
    chains = chains or opts.get("chains", 4)
    fam = get_family(d.family)
    pointwise = np.empty(n)
    folds_of = _fold_predictions_nutpie if result.sampler == "nutpie" else _fold_predictions_refit
    for k, eta, par, trials in folds_of(result, fold_of, folds, seed, draws, tune, chains, rng):
        test = fold_of == k
        ll = fam.loglik(d.y[test], eta, par, trials)
        pointwise[test] = logsumexp(ll, axis=0) - np.log(ll.shape[0])
    return ELPDResult(
        method="kfold",
        elpd=float(pointwise.sum()),
        se=float(np.sqrt(n * np.var(pointwise))),
        p=float("nan"),
        pointwise=pointwise,
        pareto_k=None,
        n_high_k=0,
        folds=folds,
    )


def loo(
    result: BayesResult,
    *,
    pareto_k_threshold: float = 0.7,
    fallback: bool = True,
    folds: int = 10,
    seed: int | None = None,
    draws: int | None = None,
    tune: int | None = None,
    chains: int | None = None,
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
    folds, seed, draws, tune, chains
        Passed to :func:`kfold`.
    """
    psis = _psis(result)
    k = np.asarray(psis.pareto_k)
    n_high = int((k > pareto_k_threshold).sum())
    if n_high and fallback:
        warnings.warn(
            f"{n_high} observation(s) with Pareto k > {pareto_k_threshold}; PSIS-LOO is "
            f"unreliable, running exact {folds}-fold cross-validation (refits the model)",
            UserWarning,
            stacklevel=2,
        )
        out = kfold(result, folds=folds, seed=seed, draws=draws, tune=tune, chains=chains)
        out.pareto_k, out.n_high_k = k, n_high
        return out
    if n_high:
        warnings.warn(
            f"{n_high} observation(s) with Pareto k > {pareto_k_threshold}",
            UserWarning,
            stacklevel=2,
        )
    return ELPDResult(
        method="psis-loo",
        elpd=float(psis.elpd_loo),
        se=float(psis.se),
        p=float(psis.p_loo),
        pointwise=np.asarray(psis.loo_i),
        pareto_k=k,
        n_high_k=n_high,
    )
