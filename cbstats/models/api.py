"""Public entry points: :func:`fit` and :func:`sample_prior_predictive`."""

from __future__ import annotations

from typing import Any

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm

from .builder import build_model
from .checks import check_inputs
from .design import Design, build_design
from .ess_target import EssTarget
from .families import get_family
from .formula import parse_formula
from .priors import resolve_priors
from .provenance import data_hash, package_versions
from .result import BayesResult
from .sampling import new_seed, sample_model
from .terms import safe_name

__all__ = ["fit", "sample_prior_predictive", "data_hash", "package_versions"]

def prepare(
    formula: str,
    data: pd.DataFrame,
    family: str,
    priors: dict[str, Any] | None,
    *,
    id_col: str | None,
    missing: str,
    centered: bool | None,
) -> tuple[Design, dict, pm.Model]:
    """Formula -> design -> resolved priors -> PyMC model (no sampling).

    Called by :func:`fit` and :func:`sample_prior_predictive`; the design's
    warnings point at their caller.
    """
    get_family(family)
    spec = parse_formula(formula)
    check_inputs(spec, data, family, priors, id_col=id_col, missing=missing)  # all problems at once
    design = build_design(spec, data, family, id_col=id_col, missing=missing,
                          warn_stacklevel=4)  # build_design, prepare, fit, the user
    resolved = resolve_priors(design, priors)
    model = build_model(design, resolved, centered)
    return design, resolved, model


def min_bulk_ess_fn(design: Design):
    """``idata -> (min bulk ESS, parameter)`` over the parameters ``diagnostics()`` checks."""

    def ess_fn(idata: az.InferenceData) -> tuple[float, str]:
        probe = BayesResult(idata=idata, design=design, priors={}, formula="", family=design.family,
                            seed=0, sampler="", data_hash="", versions={})
        table = probe.summary(prob=0.9, group_effects=True)
        i = int(np.nanargmin(table["ess_bulk"].to_numpy())) if len(table) else 0
        return (float(table["ess_bulk"].iloc[i]), str(table["term"].iloc[i])) if len(table) else (
            float("inf"), "")

    return ess_fn


def fit(
    formula: str,
    data: pd.DataFrame,
    family: str = "cumulative",
    *,
    priors: dict[str, Any] | None = None,
    sampler: str = "nutpie",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int | None = None,
    progressbar: bool | None = None,
    id_col: str | None = None,
    missing: str = "raise",
    centered: bool | None = None,
    target_accept: float | None = None,
    cores: int | None = None,
    check: bool = True,
    ess: int | None = None,
    max_draws: int | None = None,
    max_time: float | None = None,
) -> BayesResult:
    """Fit a Bayesian (hierarchical) regression model.

    Parameters
    ----------
    formula
        lme4/brms-style formula, e.g.
        ``"transformation ~ mo(forum) + n_interaction + (1 | region) + (1 | dyad_id)"``;
        see :mod:`cbstats.models.formula`.
    data
        Tidy DataFrame (not modified).
    family
        ``"cumulative"`` (ordinal logit), ``"bernoulli"`` or ``"binomial"``.
    priors
        Overrides of the default priors by class or term, e.g.
        ``{"b": "normal(0, 1)", "sd[region]": "halfnormal(0.5)"}``;
        see :mod:`cbstats.models.priors`. Unknown keys raise ``ValueError``.
    sampler
        ``"nutpie"`` (default; falls back to PyMC with a warning if it fails)
        or ``"pymc"``.
    draws, tune, chains
        Draws per chain after warmup, warmup iterations, chains.
    seed
        Random seed (a fresh one is drawn and stored if None). Same seed,
        same draws.
    progressbar
        None: shown in terminals and notebooks, hidden when ``CI`` is set.
    id_col
        Column of unique case ids used as the ``obs`` coordinate (default:
        the DataFrame index).
    missing
        ``"raise"`` (default) or ``"drop"`` rows with missing values in the
        model's columns (the number dropped is reported).
    centered
        Parameterisation of varying intercepts: None chooses per term
        (centred when there are >= 100 observations per level), True/False
        forces it.
    target_accept, cores
        Passed to the sampler.
    check
        Run :meth:`BayesResult.diagnostics` and warn if a check fails.
    ess
        A bulk-ESS target, e.g. 400: after the first ``draws`` per chain,
        sampling continues in further batches with the adapted step size and
        mass matrix until every reported parameter (group effects included)
        reaches it, or a cap is hit; see :mod:`cbstats.models.ess_target`.
        Recorded in ``idata.sample_stats.attrs`` and as the ``ess_target`` row
        of :meth:`BayesResult.diagnostics`. None (default): exactly ``draws``.
    max_draws, max_time
        Caps of the ESS target: draws per chain (default ``10 * draws``) and
        seconds of sampling (default none).

    Returns
    -------
    BayesResult
    """
    target = None if ess is None else EssTarget.make(ess, draws, max_draws, max_time)
    design, resolved, model = prepare(
        formula, data, family, priors, id_col=id_col, missing=missing, centered=centered
    )
    seed = new_seed() if seed is None else int(seed)
    dhash = data_hash(data)
    key = (formula, family, dhash, repr(sorted(resolved.items(), key=str)), centered, id_col, missing)
    idata, used = sample_model(
        model,
        sampler=sampler,
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
        progressbar=progressbar,
        cores=cores,
        target_accept=target_accept,
        initvals=get_family(family).initvals(design),
        cache_key=key,
        ess=target,
        ess_fn=None if target is None else min_bulk_ess_fn(design),
    )
    result = BayesResult(
        idata=idata,
        design=design,
        priors={k: str(v) for k, v in resolved.items()},
        formula=formula,
        family=family,
        seed=seed,
        sampler=used,
        data_hash=dhash,
        versions=package_versions(),
        fit_options={
            "draws": draws,
            "tune": tune,
            "chains": chains,
            "sampler": sampler,
            "id_col": id_col,
            "missing": missing,
            "centered": centered,
            "target_accept": target_accept,
            "n_dropped": design.n_dropped,
            "ess": ess,
            "max_draws": None if target is None else target.max_draws,
            "max_time": max_time,
        },
        priors_input={k: str(v) for k, v in (priors or {}).items()},
    )
    if check:
        result.diagnostics(strict=False, warn=True)
    return result


def sample_prior_predictive(
    formula: str,
    data: pd.DataFrame,
    family: str = "cumulative",
    priors: dict[str, Any] | None = None,
    draws: int = 500,
    seed: int | None = None,
    *,
    id_col: str | None = None,
    missing: str = "raise",
) -> az.InferenceData:
    """Draw parameters and responses from the prior (prior predictive check).

    Parameters are as in :func:`fit`. Returns an InferenceData with groups
    ``prior`` (parameters, incl. ``cutpoints``/``intercept`` on the original
    scale) and ``prior_predictive`` (the response, dim ``obs``).
    """
    design, _, model = prepare(
        formula, data, family, priors, id_col=id_col, missing=missing, centered=None
    )
    with model:
        idata = pm.sample_prior_predictive(draws=draws, random_seed=seed)
    resp = safe_name(design.spec.response)
    if resp in idata.prior_predictive:
        codes = idata.prior_predictive[resp].values
        idata.prior_predictive[resp].values = get_family(family).decode(design, codes)
    return idata
