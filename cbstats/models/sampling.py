"""The only place in cbstats that runs MCMC.

nutpie is the default sampler; ``sampler="pymc"`` uses PyMC's NUTS. If nutpie
fails (compilation or sampling error), a warning is issued and PyMC's NUTS is
used instead. The same seed gives identical draws with either sampler.
"""

from __future__ import annotations

import os
import sys

import arviz as az
import numpy as np
import pymc as pm

from .._warn import warn_user
from .ess_target import EssTarget, sample_nutpie_to_target, sample_pymc_to_target

__all__ = ["sample_model", "resolve_progressbar", "new_seed"]


def new_seed() -> int:
    """A fresh random seed (stored with the result so a fit can be repeated)."""
    return int(np.random.SeedSequence().entropy % (2**31 - 1))


def resolve_progressbar(progressbar: bool | None) -> bool:
    """Progress bar on in terminals and notebooks, off in CI or when asked."""
    if progressbar is not None:
        return bool(progressbar)
    if os.environ.get("CI"):
        return False
    if "ipykernel" in sys.modules:
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _clean(idata: az.InferenceData) -> az.InferenceData:
    post = idata.posterior
    drop = [v for v in post.data_vars if str(v).endswith("__")]
    idata.posterior = post.drop_vars(drop)
    return idata


_COMPILED: dict = {}  # cache_key -> compiled nutpie model (a few, most recent)
_CACHE_SIZE = 4


def _sample_nutpie(
    model, draws, tune, chains, seed, progressbar, cores, target_accept, initvals, cache_key,
    data=None, ess=None, ess_fn=None,
):
    import nutpie

    compiled = _COMPILED.get(cache_key) if cache_key is not None else None
    if compiled is None:
        compiled = nutpie.compile_pymc_model(model, initial_points=initvals or None)
        if cache_key is not None:
            _COMPILED[cache_key] = compiled
            while len(_COMPILED) > _CACHE_SIZE:
                _COMPILED.pop(next(iter(_COMPILED)))
    if data:
        compiled = compiled.with_data(**data)
    kwargs = {}
    if target_accept is not None:
        kwargs["target_accept"] = target_accept
    if ess is not None:  # sample on, adaptation kept, until the bulk-ESS target or a cap
        return sample_nutpie_to_target(
            compiled, target=ess, draws=draws, ess_fn=ess_fn, clean=_clean, tune=tune,
            chains=chains, cores=cores, seed=seed, save_warmup=False, progress_bar=progressbar,
            **kwargs)
    idata = nutpie.sample(
        compiled,
        draws=draws,
        tune=tune,
        chains=chains,
        cores=cores,
        seed=seed,
        save_warmup=False,
        progress_bar=progressbar,
        **kwargs,
    )
    return _clean(idata)


def _sample_pymc(
    model, draws, tune, chains, seed, progressbar, cores, target_accept, initvals, cache_key,
    data=None, ess=None, ess_fn=None,
):
    if ess is not None:  # PyMC runs cannot be extended: re-run with the projected draws
        def run(n):
            return _sample_pymc(model, n, tune, chains, seed, progressbar, cores, target_accept,
                                initvals, cache_key, data)
        return sample_pymc_to_target(run, target=ess, draws=draws, ess_fn=ess_fn)
    kwargs = {}
    if target_accept is not None:
        kwargs["target_accept"] = target_accept
    with model:
        if data:
            pm.set_data(data)
        idata = pm.sample(
            draws=draws,
            tune=tune,
            chains=chains,
            cores=cores,
            random_seed=seed,
            progressbar=progressbar,
            nuts_sampler="pymc",
            initvals=initvals or None,
            compute_convergence_checks=False,
            return_inferencedata=True,
            **kwargs,
        )
    return _clean(idata)


def sample_model(
    model: pm.Model,
    *,
    sampler: str = "nutpie",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int,
    progressbar: bool | None = None,
    cores: int | None = None,
    target_accept: float | None = None,
    log_likelihood: bool = True,
    initvals: dict | None = None,
    cache_key: tuple | None = None,
    data: dict | None = None,
    ess: EssTarget | None = None,
    ess_fn=None,
) -> tuple[az.InferenceData, str]:
    """Sample the posterior of ``model`` and add the pointwise log-likelihood.

    Parameters
    ----------
    model
        A model from one of the family builders.
    sampler
        ``"nutpie"`` (default) or ``"pymc"``.
    draws, tune, chains
        Post-warmup draws per chain, warmup iterations, number of chains.
    seed
        Random seed; the same seed gives identical draws.
    progressbar
        None: on in terminals and notebooks, off if the ``CI`` environment
        variable is set.
    cores
        Parallel chains (default: ``min(chains, os.cpu_count())``).
    target_accept
        NUTS target acceptance rate (sampler default if None).
    log_likelihood
        Add the ``log_likelihood`` group.
    initvals
        Starting values by variable name (e.g. ordered cutpoints).
    cache_key
        Hashable identity of the model (formula, data hash, priors, ...). A
        nutpie model compiled under the same key in this process is reused,
        so a repeated ("warm") fit skips compilation.
    data
        New values of data containers (e.g. ``{"obs_weight": w}`` for a
        k-fold fold), set without recompiling.
    ess, ess_fn
        A bulk-ESS target (:class:`~cbstats.models.ess_target.EssTarget`) and
        the function ``idata -> (min bulk ESS, parameter)`` that measures it:
        sampling continues in batches until the target or a cap is reached
        (see :mod:`cbstats.models.ess_target`). None: exactly ``draws``.

    Returns
    -------
    (InferenceData, str)
        The posterior (with ``log_likelihood`` and ``sample_stats``) and the
        name of the sampler that produced it.
    """
    if sampler not in ("nutpie", "pymc"):
        raise ValueError(f"sampler must be 'nutpie' or 'pymc', got {sampler!r}")
    progress = resolve_progressbar(progressbar)
    cores = cores or min(chains, os.cpu_count() or 1)
    args = (model, draws, tune, chains, int(seed), progress, cores, target_accept, initvals, cache_key,
            data)
    used = sampler
    if sampler == "nutpie":
        try:
            idata = _sample_nutpie(*args, ess=ess, ess_fn=ess_fn)
        except Exception as exc:  # noqa: BLE001 - any nutpie failure triggers the fallback
            warn_user(f"nutpie failed ({type(exc).__name__}: {exc}); falling back to PyMC's NUTS",
                      RuntimeWarning)
            used = "pymc"
            idata = _sample_pymc(*args, ess=ess, ess_fn=ess_fn)
    else:
        idata = _sample_pymc(*args, ess=ess, ess_fn=ess_fn)
    if log_likelihood:
        pm.compute_log_likelihood(idata, model=model, progressbar=False)
    return idata, used
