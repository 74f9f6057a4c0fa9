"""Exact K-fold cross-validation: one procedure, fold fits as independent tasks.

Every fold refits **the full model's own graph** -- same design (all rows,
hence the same centring, ``mo()`` levels and default prior scales), same
prior overrides, same ``centered`` choice, same sampler and sampler settings
(``target_accept`` included) -- with a likelihood weighted by the data
container ``obs_weight``, whose held-out weights are 0. Parameters of group
levels seen only in held-out rows are then informed by the prior alone, i.e.
they are draws from the population distribution, as for a new level.

The work is split so that an executor can map it (``cbstats.refits``):

* :func:`kfold_tasks` builds the list of :class:`FoldTask` (no sampling);
* :func:`fit_fold` fits one fold and returns a small picklable
  :class:`FoldResult` with the held-out rows' pointwise log-likelihood
  (from the model graph, :mod:`cbstats.models.evaluate`) and the fold's
  diagnostics;
* :func:`combine_folds` turns the fold results into an
  :class:`~cbstats.models.elpd.ELPDResult`: the held-out density of row i is
  ``log mean_s p(y_i | theta_s)`` over the draws of the fold that held it out.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from .elpd import ELPDResult

if TYPE_CHECKING:
    from .result import BayesResult

__all__ = ["FoldResult", "FoldTask", "ModelRecipe", "combine_folds", "fit_fold", "kfold",
           "heldout_density", "heldout_loglik", "kfold_tasks"]


@dataclass(frozen=True, eq=False)
class ModelRecipe:
    """Everything needed to rebuild the exact model of a fit (picklable).

    Attributes
    ----------
    formula, family
        As passed to :func:`cbstats.models.fit`.
    data
        The model's data frame (``result.design.data``: the used columns of
        the rows that were fitted).
    id_col
        Observation id column (or None).
    priors_input
        The prior overrides given to ``fit``.
    centered
        The ``centered`` option given to ``fit``.
    """

    formula: str
    family: str
    data: pd.DataFrame
    id_col: str | None
    priors_input: dict[str, str]
    centered: bool | None

    @classmethod
    def from_result(cls, result: BayesResult) -> ModelRecipe:
        """The recipe of a fitted (or loaded) result."""
        opts = result.fit_options
        return cls(result.formula, result.family, result.design.data, opts.get("id_col"),
                   dict(result.priors_input or {}), opts.get("centered"))

    @property
    def key(self) -> str:
        """Identity of the model (equal keys: the same compiled model can be reused)."""
        from .provenance import data_hash

        text = repr((self.formula, self.family, data_hash(self.data), self.id_col,
                     sorted(self.priors_input.items()), self.centered))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def build(self):
        """``(design, weighted ModelGraph, GraphFunctions)`` of this recipe."""
        from .builder import build_graph
        from .design import build_design
        from .evaluate import GraphFunctions
        from .formula import parse_formula
        from .priors import resolve_priors

        design = build_design(parse_formula(self.formula), self.data, self.family,
                              id_col=self.id_col, missing="raise", warn_stacklevel=None)
        graph = build_graph(design, resolve_priors(design, self.priors_input or None),
                            self.centered, obs_weights=np.ones(design.n_obs))
        return design, graph, GraphFunctions(graph)


@dataclass(frozen=True, eq=False)
class FoldTask:
    """One fold: refit the model with the rows ``heldout`` given weight 0.

    Attributes
    ----------
    fold
        Fold number ``0..K-1``.
    heldout
        Positions (``0..n_obs-1``) of the held-out rows.
    seed
        Sampler seed of this fold.
    recipe
        The model (:class:`ModelRecipe`).
    sampler
        Sampler settings (``sampler, draws, tune, chains, target_accept`` and
        any other :func:`cbstats.models.sampling.sample_model` option the full
        fit recorded).
    """

    fold: int
    heldout: np.ndarray
    seed: int
    recipe: ModelRecipe
    sampler: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identity of the compiled model this task samples (shared by all folds)."""
        return self.recipe.key


@dataclass(frozen=True, eq=False)
class FoldResult:
    """What one fold returns (small and picklable).

    Attributes
    ----------
    fold, heldout
        As in the task.
    loglik
        ``(draws, n_heldout)`` pointwise log-likelihood of the held-out rows at
        the fold's posterior draws; None if the fold failed.
    diagnostics
        The fold's check table (as :meth:`BayesResult.diagnostics`), or None.
    passed
        Sampling succeeded and every diagnostic check passed.
    error
        Why sampling failed (None if it did not).
    sampler
        The sampler that produced the draws.
    seconds
        Wall time of the fold.
    """

    fold: int
    heldout: np.ndarray
    loglik: np.ndarray | None
    diagnostics: pd.DataFrame | None
    passed: bool
    error: str | None
    sampler: str
    seconds: float


def _sampler_settings(result: BayesResult, draws: int | None) -> dict[str, Any]:
    """The full fit's sampler settings, ``draws`` overridable."""
    opts = result.fit_options
    settings = {k: opts[k] for k in _SAMPLER_KEYS if k in opts}
    settings.setdefault("sampler", result.sampler)
    if draws is not None:
        settings["draws"] = int(draws)
    if opts.get("ess") is not None:  # the fit's bulk-ESS target applies to every fold too
        settings.update({k: opts.get(k) for k in _ESS_KEYS})
    return settings


_ESS_KEYS = ("ess", "max_draws", "max_time")
_SAMPLER_KEYS = ("sampler", "draws", "tune", "chains", "target_accept")  # as fit() records them


def _ess_options(settings: dict[str, Any], design: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split the fit's ESS-target options from the plain sampler settings."""
    plain = {k: v for k, v in settings.items() if k not in _ESS_KEYS}
    if settings.get("ess") is None:
        return plain, {}
    from .api import min_bulk_ess_fn
    from .ess_target import EssTarget

    draws = plain.get("draws", 1000)
    cap = settings.get("max_draws")
    target = EssTarget.make(settings["ess"], draws, None if cap is None else max(cap, draws),
                            settings.get("max_time"))
    return plain, {"ess": target, "ess_fn": min_bulk_ess_fn(design)}


def fold_seed(seed: int, fold: int) -> int:
    """Seed of fold ``fold`` from the k-fold seed (independent streams per fold)."""
    return int(np.random.SeedSequence([int(seed), int(fold)]).generate_state(1)[0] % (2**31 - 1))


def kfold_tasks(result: BayesResult, *, folds: int = 10, seed: int | None = None,
                draws: int | None = None) -> list[FoldTask]:
    """The fold tasks of exact K-fold cross-validation of ``result`` (no sampling).

    Parameters
    ----------
    result
        A fitted (or loaded) result.
    folds
        Number of folds (at most the number of rows); rows are assigned to
        folds at random with ``seed``, in folds of equal size (+-1).
    seed
        Seed of the fold assignment and of the fold fits (default: the fit's seed).
    draws
        Draws per chain of every fold (default: the full fit's). Only the
        number of draws can differ from the full fit; tuning, chains,
        sampler and ``target_accept`` are always the full fit's.
    """
    n = result.design.n_obs
    folds = int(min(folds, n))
    if folds < 2:
        raise ValueError(f"k-fold needs at least 2 folds (and rows), got folds={folds}, rows={n}")
    seed = result.seed if seed is None else int(seed)
    fold_of = np.random.default_rng(seed).permutation(np.arange(n) % folds)
    recipe = ModelRecipe.from_result(result)
    settings = _sampler_settings(result, draws)
    return [FoldTask(k, np.flatnonzero(fold_of == k), fold_seed(seed, k), recipe, settings)
            for k in range(folds)]


_MODELS: dict[str, tuple] = {}  # recipe key -> (design, graph, functions), per process


def _weighted_model(recipe: ModelRecipe):
    key = recipe.key
    if key not in _MODELS:
        while len(_MODELS) >= 4:
            _MODELS.pop(next(iter(_MODELS)))
        _MODELS[key] = recipe.build()
    return _MODELS[key]


def _worker_cores() -> int | None:
    try:
        from ..refits import worker_cores
    except ImportError:  # the refit executor is optional here
        return None
    return worker_cores()


def heldout_loglik(fns: Any, design: Any, posterior: Any, heldout: np.ndarray) -> np.ndarray:
    """``(draws, len(heldout))`` log-likelihood of the rows ``heldout``, from the model graph.

    Parameters
    ----------
    fns : GraphFunctions
        Compiled functions of the model graph (:mod:`cbstats.models.evaluate`).
    design : Design
        The model's design (all rows).
    posterior : xarray.Dataset
        Posterior draws (``chain, draw, ...``).
    heldout : array of int
        Row positions.
    """
    from .evaluate import posterior_draws
    from .terms import design_arrays

    draws = posterior_draws(posterior, fns.parameter_names("loglik"))
    rows = {k: v[heldout] for k, v in design_arrays(design).items()}
    return fns.evaluate("loglik", draws, rows, y=np.asarray(design.y)[heldout])


def fit_fold(task: FoldTask) -> FoldResult:
    """Fit one fold and evaluate its held-out rows (a pure function of ``task``).

    The weighted model of ``task.recipe`` is built and compiled once per
    process; the fold sets its weights and samples it. Never raises for a
    failed fit: the failure is recorded in the result.
    """
    from . import sampling
    from .result import BayesResult

    t0 = time.perf_counter()
    used = task.sampler.get("sampler", "nutpie")
    try:
        design, graph, fns = _weighted_model(task.recipe)
        weights = np.ones(design.n_obs)
        weights[task.heldout] = 0.0
        settings, ess = _ess_options(task.sampler, design)
        idata, used = sampling.sample_model(
            graph.model, seed=task.seed, progressbar=False, log_likelihood=False,
            initvals=graph.family.initvals(design), cache_key=("kfold", task.key),
            data={"obs_weight": weights}, cores=_worker_cores(), **settings, **ess)
        fold_fit = BayesResult(idata=idata, design=design, priors={}, formula=task.recipe.formula,
                               family=task.recipe.family, seed=task.seed, sampler=used,
                               data_hash="", versions={})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            diagnostics = fold_fit.diagnostics(warn=False)
        loglik = heldout_loglik(fns, design, idata.posterior, task.heldout)
    except Exception as exc:  # noqa: BLE001 - a failed fold is reported, not raised
        return FoldResult(task.fold, task.heldout, None, None, False,
                          f"{type(exc).__name__}: {exc}", used, time.perf_counter() - t0)
    return FoldResult(task.fold, task.heldout, np.asarray(loglik, dtype="float64"), diagnostics,
                      bool(diagnostics["passed"].all()), None, used, time.perf_counter() - t0)


def heldout_density(loglik: np.ndarray) -> np.ndarray:
    """Log predictive density of each held-out row: ``log mean_s exp(loglik[s, i])``."""
    loglik = np.asarray(loglik, dtype="float64")
    return logsumexp(loglik, axis=0) - np.log(loglik.shape[0])


def combine_folds(result: BayesResult, outs: Sequence[FoldResult]) -> ELPDResult:
    """Combine fold results (any order) into the k-fold :class:`ELPDResult`.

    Every row must be held out by exactly one fold. A fold that failed leaves
    its rows' pointwise values (and the total) NaN; a fold that failed its
    diagnostics is kept. Both are marked in ``fold_table`` and warned about.
    """
    d = result.design
    n = d.n_obs
    pointwise = np.full(n, np.nan)
    times_held = np.zeros(n, dtype=int)
    rows = []
    for o in sorted(outs, key=lambda o: o.fold):
        times_held[o.heldout] += 1
        if o.loglik is not None:
            pointwise[o.heldout] = heldout_density(o.loglik)
        failing = [] if o.diagnostics is None else \
            o.diagnostics.loc[~o.diagnostics["passed"].astype(bool), "check"].tolist()
        rows.append({"fold": o.fold, "n_heldout": len(o.heldout),
                     "elpd": float(pointwise[o.heldout].sum()), "passed": bool(o.passed),
                     "failing_checks": ", ".join(failing), "error": o.error or "",
                     "sampler": o.sampler, "seconds": round(float(o.seconds), 2)})
    if not np.all(times_held == 1):
        bad = np.flatnonzero(times_held != 1)
        raise ValueError(f"k-fold: {len(bad)} row(s) are not held out exactly once "
                         f"(e.g. positions {bad[:10].tolist()})")
    table = pd.DataFrame(rows)
    failed = table[~table["passed"]]
    if len(failed):
        what = "; ".join(f"fold {r.fold}: " + (f"sampling failed ({r.error})" if r.error else
                                                f"diagnostics failed ({r.failing_checks})")
                         for r in failed.itertuples())
        warnings.warn(f"k-fold: {len(failed)} of {len(table)} fold fit(s) failed: {what}",
                      UserWarning, stacklevel=3)
    return ELPDResult(method="kfold", elpd=float(pointwise.sum()),
                      se=float(np.sqrt(n * np.var(pointwise))), p=float("nan"),
                      pointwise=pointwise, pareto_k=None, n_high_k=0, folds=len(table),
                      obs_ids=np.asarray(d.obs_ids), fold_table=table)


def kfold(result: BayesResult, *, folds: int = 10, seed: int | None = None,
          draws: int | None = None, executor: Any = None) -> ELPDResult:
    """Exact K-fold cross-validation of a fitted model (see the module docstring).

    Parameters
    ----------
    result
        A fitted result; its model, priors, ``centered`` choice and sampler
        settings are reused for every fold.
    folds
        Number of folds.
    seed
        Seed of the fold assignment and fits (default: the fit's seed).
    draws
        Draws per chain of each fold (default: the full fit's).
    executor
        Where the folds run: anything :func:`cbstats.refits.get_executor`
        accepts (``"serial"``, ``"local"``, a number of workers, a scheduler
        address, a Dask ``Client``, an executor) or any object with
        ``map(fn, items) -> results in order``; None runs the folds one after
        another in this process.

    Returns
    -------
    ELPDResult
        ``method="kfold"``, with ``fold_table`` and ``settings``.
    """
    tasks = kfold_tasks(result, folds=folds, seed=seed, draws=draws)
    if executor is None:
        outs = [fit_fold(t) for t in tasks]
    else:  # "local", a number of workers, an address, a Client or an Executor (cbstats.refits)
        from ..refits.config import executor_scope
        from ..refits.executor import Executor

        with executor_scope(executor) as ex:
            named = {"keys": [f"fold{t.fold:03d}" for t in tasks],
                     "label": f"k-fold ({len(tasks)} folds)"} if isinstance(ex, Executor) else {}
            outs = list(ex.map(fit_fold, tasks, **named))
    out = combine_folds(result, outs)
    out.settings = dict(tasks[0].sampler)
    return out
