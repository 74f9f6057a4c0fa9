"""Simulation-based calibration of a user's model on the refit executor.

:func:`sbc` draws parameters and responses from the prior predictive of the
model built from the user's formula, data (the design: predictors, groups,
trials) and family, refits the same compiled model to each simulated
response (one task per simulation, on any executor), and ranks each true
parameter value among its posterior draws. Calibrated inference gives
uniform ranks; :mod:`cbstats.refits.ranks` tests that and
:func:`cbstats.plots.sbc.plot_sbc_ecdf` draws the ECDF difference with
simultaneous bands.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .models import RESPONSE_DATA, ModelSource
from .outcomes import RefitRun
from .ranks import uniformity_test
from .seeds import task_seed

__all__ = ["SBCFit", "SBCResult", "SBCTask", "fit_sbc_task", "rank_parameters", "sbc"]

_SKIP_PREFIXES = ("z_", "r_")


def rank_parameters(ds: xr.Dataset, sample_dims: tuple[str, ...]) -> list[str]:
    """Variables ranked by SBC: population-level parameters (not per-case, not per-level)."""
    out = []
    for name, var in ds.data_vars.items():
        name = str(name)
        if name.startswith(_SKIP_PREFIXES) or name.endswith(("__", "_centered")):
            continue
        if "obs" in var.dims or name == RESPONSE_DATA:
            continue
        out.append(name)
    return out


def flatten(ds: xr.Dataset, names: list[str], sample_dims: tuple[str, ...]):
    """``(labels, array of shape (samples, parameters))`` for the named variables."""
    labels, cols = [], []
    for name in names:
        var = ds[name].stack(sample=sample_dims).transpose("sample", ...)
        other = [d for d in var.dims if d != "sample"]
        values = var.values.reshape(var.sizes["sample"], -1)
        if other:
            grids = np.meshgrid(*[var[d].values for d in other], indexing="ij")
            coords = zip(*[g.ravel() for g in grids], strict=True)
            labels += [f"{name}[{','.join(str(c) for c in cs)}]" for cs in coords]
        else:
            labels.append(name)
        cols.append(values)
    return labels, np.concatenate(cols, axis=1)


@dataclass(frozen=True)
class SBCTask:
    """One simulation: refit ``source``'s compiled model to ``y`` and rank ``truth``."""

    index: int
    source: ModelSource
    y: np.ndarray
    truth: np.ndarray
    names: tuple[str, ...]
    seed: int
    draws: int
    tune: int
    chains: int
    n_rank_draws: int
    target_accept: float | None = None


@dataclass
class SBCFit:
    """What one SBC refit returns (small: ranks and diagnostics)."""

    index: int
    ranks: np.ndarray
    n_divergent: int
    max_r_hat: float
    pid: int
    compiles: int
    failure_reason: str | None = None


def fit_sbc_task(task: SBCTask) -> SBCFit:
    """Sample the cached compiled model with the task's response; rank the truth.

    A fit with divergent transitions or R-hat > 1.05 (more than one chain) is
    returned with ``failure_reason`` set: the executor records it as failed,
    and its ranks are still used (dropping such fits would bias the ranks).
    """
    import nutpie

    from ..models.sampling import _clean
    from .ranks import ranks_of
    from .worker import compile_count, compiled

    model = compiled(task.source.key, task.source.compile)
    kwargs = {} if task.target_accept is None else {"target_accept": task.target_accept}
    idata = nutpie.sample(model.with_data(**{RESPONSE_DATA: task.y}), draws=task.draws,
                          tune=task.tune, chains=task.chains, cores=1, seed=task.seed,
                          save_warmup=False, progress_bar=False, **kwargs)
    idata = _clean(idata)
    _, post = flatten(idata.posterior, list(task.names), ("chain", "draw"))
    step = max(1, post.shape[0] // task.n_rank_draws)
    thinned = post[::step][: task.n_rank_draws]
    ranks = ranks_of(thinned, task.truth)
    ss = idata.sample_stats
    n_div = int(ss["diverging"].sum()) if "diverging" in ss else 0
    max_rhat = float("nan")
    if task.chains > 1:
        import arviz as az

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            max_rhat = float(np.nanmax(az.rhat(idata, var_names=list(task.names)).to_array()))
    problems = []
    if n_div:
        problems.append(f"{n_div} divergent transitions")
    if max_rhat > 1.05:
        problems.append(f"R-hat {max_rhat:.3f} > 1.05")
    return SBCFit(task.index, ranks, n_div, max_rhat, os.getpid(), compile_count(),
                  "; ".join(problems) or None)


@dataclass
class SBCResult:
    """Ranks of every parameter in every simulation, with uniformity tests.

    Attributes
    ----------
    ranks
        DataFrame, one row per simulation that ran (index ``sim``), one column
        per parameter; values in ``0..n_rank_draws``.
    n_rank_draws
        ``L``: the number of (thinned) posterior draws each rank is among.
    truth
        DataFrame of the simulated parameter values (same shape as ``ranks``).
    run
        The :class:`~cbstats.refits.outcomes.RefitRun` (failed fits with reasons).
    compiles
        Compilations per worker process (pid -> count).
    """

    ranks: pd.DataFrame
    n_rank_draws: int
    truth: pd.DataFrame
    run: RefitRun
    compiles: dict[int, int] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n_failed(self) -> int:
        """Simulations whose fit raised or failed its diagnostics."""
        return len(self.run.failed)

    def failures(self) -> pd.DataFrame:
        """One row per failed simulation: ``sim, reason`` (ranks of fits that ran are kept)."""
        return pd.DataFrame([{"sim": o.key, "reason": o.reason} for o in self.run.failed],
                            columns=["sim", "reason"])

    def table(self, *, alpha: float = 0.05) -> pd.DataFrame:
        """Uniformity test per parameter.

        Columns ``parameter, n_sims, mean_rank_frac, p_value, non_uniform``:
        ``mean_rank_frac`` is the mean rank / L (0.5 if calibrated; below:
        the posterior sits above the truth), ``non_uniform`` is
        ``p_value < alpha / n_parameters`` (Bonferroni over parameters).
        """
        rows = []
        n_par = max(1, self.ranks.shape[1])
        for name in self.ranks.columns:
            r = self.ranks[name].to_numpy()
            test = uniformity_test(r, self.n_rank_draws)
            rows.append({"parameter": name, "n_sims": int(r.size),
                         "mean_rank_frac": float(r.mean() / self.n_rank_draws),
                         "p_value": test.p_value, "non_uniform": test.p_value < alpha / n_par})
        return pd.DataFrame(rows)

    def non_uniform(self, *, alpha: float = 0.05) -> list[str]:
        """Parameters whose ranks fail the uniformity test (Bonferroni-adjusted ``alpha``)."""
        t = self.table(alpha=alpha)
        return t.loc[t["non_uniform"], "parameter"].tolist()

    def plot(self, **options: Any):
        """ECDF-difference plot with simultaneous bands; see :func:`cbstats.plots.sbc.plot_sbc_ecdf`."""
        from ..plots.sbc import plot_sbc_ecdf

        return plot_sbc_ecdf(self, **options)

    def summary(self) -> str:
        bad = self.non_uniform()
        return (f"SBC: {len(self.ranks)} simulations ({self.n_failed} failed), "
                f"{self.ranks.shape[1]} parameters, L = {self.n_rank_draws}; non-uniform: "
                f"{', '.join(bad) if bad else 'none'}")


def simulate_prior(source: ModelSource, n_sims: int, seed: int):
    """Parameter values and responses from the prior predictive: ``(prior, responses)``."""
    import pymc as pm

    _, _, model = source.build()
    obs = model.observed_RVs[0]
    with model:
        idata = pm.sample_prior_predictive(draws=n_sims, random_seed=seed, var_names=None)
    y = idata.prior_predictive[obs.name].stack(sample=("chain", "draw")).transpose("sample", ...)
    dtype = model.rvs_to_values[obs].dtype
    return idata.prior, y.values.astype(dtype)


def sbc(
    formula: str,
    data: pd.DataFrame,
    family: str = "cumulative",
    *,
    n_sims: int = 100,
    priors: dict[str, Any] | None = None,
    simulate_priors: dict[str, Any] | None = None,
    draws: int = 500,
    tune: int = 500,
    chains: int = 1,
    n_rank_draws: int | None = None,
    target_accept: float | None = None,
    seed: int | None = None,
    executor: Any = None,
    checkpoint: str | Path | None = None,
    progress: bool | None = None,
    id_col: str | None = None,
    missing: str = "raise",
    centered: bool | None = None,
) -> SBCResult:
    """Simulation-based calibration of a model on its own design.

    Parameters
    ----------
    formula, data, family, priors, id_col, missing, centered
        The model, as in :func:`cbstats.fit`; ``data`` supplies the design
        (its response column is replaced by simulated responses).
    n_sims
        Number of simulations (one refit each). 100-200 is usual; few
        simulations only detect gross miscalibration.
    simulate_priors
        Priors of the simulator, if different from ``priors`` (default: the
        same). A deliberately different prior shows what miscalibration looks like.
    draws, tune, chains, target_accept
        Sampler settings of each refit.
    n_rank_draws
        ``L``: posterior draws (thinned) each rank is computed among
        (default ``min(draws * chains, 99)``, i.e. 100 possible ranks).
    seed
        Run seed: the prior draws and every refit's seed derive from it.
    executor
        Where the refits run: None (environment, then a LocalCluster when
        more than one core), ``"serial"``, ``"local"``, a number of workers, a
        scheduler address, a ``dask.distributed.Client`` or an Executor.
    checkpoint
        Folder for per-simulation checkpoints (a re-run resumes).
    progress
        Live progress display (None: on in terminals and notebooks, off in CI).

    Returns
    -------
    SBCResult
        ``.table()`` (uniformity test per parameter), ``.plot()``,
        ``.ranks``, ``.failures()``.
    """
    from ..models.sampling import new_seed
    from .config import executor_scope

    if int(n_sims) < 2:
        raise ValueError(f"n_sims must be at least 2, got {n_sims!r}")
    seed = new_seed() if seed is None else int(seed)
    options = {"id_col": id_col, "missing": missing, "centered": centered}
    source = ModelSource.create(formula, data, family, priors=priors, **options)
    simulator = source if simulate_priors is None else ModelSource.create(
        formula, data, family, priors=simulate_priors, **options)
    prior, ys = simulate_prior(simulator, int(n_sims), task_seed(seed, "sbc-prior"))
    names = rank_parameters(prior, ("chain", "draw"))
    labels, truth = flatten(prior, names, ("chain", "draw"))
    keep = truth.std(axis=0) > 0  # constant elements (e.g. a correlation matrix's diagonal)
    L = int(n_rank_draws or min(draws * chains, 99))
    if L > draws * chains:
        raise ValueError(f"n_rank_draws={L} exceeds the {draws * chains} posterior draws")
    tasks = [SBCTask(i, source, ys[i], truth[i], tuple(names), task_seed(seed, "sbc", i),
                     int(draws), int(tune), int(chains), L, target_accept)
             for i in range(int(n_sims))]
    keys = [f"sim{i:05d}" for i in range(int(n_sims))]
    with executor_scope(executor) as ex:
        run = ex.run(fit_sbc_task, tasks, keys=keys, label="SBC", checkpoint=checkpoint,
                     progress=progress)
    fits = {o.value.index: o.value for o in run.outcomes if o.value is not None}
    index = sorted(fits)
    cols = [lab for lab, k in zip(labels, keep, strict=True) if k]
    ranks = pd.DataFrame([fits[i].ranks[keep] for i in index], index=pd.Index(index, name="sim"),
                         columns=cols)
    truth_df = pd.DataFrame(truth[:, keep], columns=cols).rename_axis("sim")
    compiles: dict[int, int] = {}
    for f in fits.values():
        compiles[f.pid] = max(compiles.get(f.pid, 0), f.compiles)
    settings = {"formula": formula, "family": family, "n_sims": int(n_sims), "draws": draws,
                "tune": tune, "chains": chains, "seed": seed, "priors": priors,
                "simulate_priors": simulate_priors}
    return SBCResult(ranks, L, truth_df, run, compiles, settings)
