"""Bayesian fits inside a reproduction run: settings, seeds, caching, provenance."""

from __future__ import annotations

import time
import warnings
import zlib
from typing import Any

import pandas as pd

from .context import RunContext

SETTINGS = {
    # the two main models: more draws, so that every parameter reaches bulk/tail ESS >= 400
    "main": {"draws": 3000, "tune": 1500, "chains": 4, "target_accept": 0.95},
    # comparison and robustness refits
    "secondary": {"draws": 3000, "tune": 1500, "chains": 4, "target_accept": 0.95},
    # k-fold: every fold uses its full fit's model, priors, tuning, chains and target_accept;
    # only the number of draws is smaller (it changes the Monte Carlo error only)
    "kfold": {"draws": 1000},
}
QUICK = {"draws": 100, "tune": 100, "chains": 2}
KFOLD = {"full": 5, "quick": 2}


def fit_settings(ctx: RunContext, purpose: str = "main") -> dict[str, float]:
    """Sampler settings for this run and purpose (few draws with ``--quick``).

    The group-level standard deviations of the CBM models mix slowly (most
    arrangements have one case), hence ``target_accept=0.95`` and 3,000 draws
    per chain for the main models and the comparison and robustness refits.
    """
    if ctx.quick:
        return {k: v for k, v in QUICK.items() if k in SETTINGS[purpose]}
    return dict(SETTINGS[purpose])


def fit_seed(ctx: RunContext, name: str) -> int:
    """A seed per fit, derived from the run seed and the fit's name (stable across runs)."""
    return (ctx.seed + zlib.crc32(name.encode("utf-8"))) % (2**31 - 1)


def get_fit(ctx: RunContext, name: str, formula: str, family: str, data: pd.DataFrame,
            *, save: bool = True, purpose: str = "main", **options: Any):
    """Fit (or reuse) a Bayesian model, record its diagnostics and write its outputs.

    Writes ``tables/<name>_summary.csv``, ``tables/<name>_diagnostics.csv`` and
    ``posteriors/<name>.nc`` (with ``save``), and appends the diagnostics
    status to the manifest's ``fits``.
    """
    from ..models import WeakIdentificationWarning, fit

    if name in ctx.bayes:
        return ctx.bayes[name]
    settings = fit_settings(ctx, purpose)
    seed = fit_seed(ctx, name)
    print(f"    fitting {name} ({family}, {settings['chains']} chains x {settings['draws']} draws, "
          f"seed {seed}) ...", flush=True)
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # recorded below, as notes that name the fit
        warnings.simplefilter("ignore", WeakIdentificationWarning)
        result = fit(formula, data, family, seed=seed, id_col="case_id", check=False,
                     **settings, **options)
    return _record_fit(ctx, name, formula, family, result, time.perf_counter() - t0, save, settings)


def get_fits(ctx: RunContext, fits: list[tuple[str, str, str, pd.DataFrame]], *, label: str,
             save: bool = False, purpose: str = "secondary"):
    """Fit several models as one group of refits on ``ctx.executor`` (see :mod:`cbstats.refits`).

    ``fits`` lists ``(name, formula, family, data)``; models already fitted in
    this run are reused. Every fit is recorded as by :func:`get_fit`; a line
    reports the finished group. If a fit raises, the others still run, then
    :class:`cbstats.refits.RefitError` names every failure.
    """
    from ..refits import SerialExecutor
    from ..refits.fits import FitTask, restore, run_fit

    settings = fit_settings(ctx, purpose)
    todo = [f for i, f in enumerate(fits)
            if f[0] not in ctx.bayes and f[0] not in [g[0] for g in fits[:i]]]
    tasks = [FitTask(name, formula, family, data,
                     {"seed": fit_seed(ctx, name), "id_col": "case_id", "check": False, **settings})
             for name, formula, family, data in todo]
    if tasks:
        executor = ctx.executor or SerialExecutor()
        print(f"    {label}: {len(tasks)} fits ({settings['chains']} chains x "
              f"{settings['draws']} draws) on {executor.name} ...", flush=True)
        run = executor.run(run_fit, tasks, keys=[t.name for t in tasks], label=label)
        if executor.report is None:  # else the executor reports the finished group itself
            print(f"    {run.summary()}", flush=True)
        run.raise_for_failures()
        for task, outcome in zip(tasks, run.outcomes, strict=True):
            _record_fit(ctx, task.name, task.formula, task.family, restore(outcome.value),
                        outcome.seconds, save, settings)
    return [ctx.bayes[f[0]] for f in fits]


def _record_fit(ctx: RunContext, name: str, formula: str, family: str, result, seconds: float,
                save: bool, settings: dict[str, Any]):
    """Record a finished fit: notes, diagnostics line, manifest entry, outputs, cache."""
    seed = result.seed
    for message in result.design.weak_identification:
        ctx.add_fit_note(message, f"{name} ({result.design.n_obs} cases)")
    diagnostics = result.diagnostics(warn=False)
    passed = bool(diagnostics["passed"].all())
    failing = diagnostics.loc[~diagnostics["passed"], "check"].tolist()
    print(f"    {name}: {seconds:.1f} s, diagnostics {'passed' if passed else 'FAILED: ' + ', '.join(failing)}",
          flush=True)
    ctx.fits.append({
        "name": name, "formula": formula, "family": family, "seed": seed, "n_obs": int(result.design.n_obs),
        "seconds": round(seconds, 1), "passed": passed, "failing_checks": failing,
        "max_r_hat": float(diagnostics.set_index("check").loc["r_hat", "value"]),
        "min_ess_bulk": float(diagnostics.set_index("check").loc["ess_bulk", "value"]),
        "divergences": int(diagnostics.set_index("check").loc["divergences", "value"]),
        **settings,
    })
    if save:
        what = f"{name} ({family}: {formula})"
        summary = result.summary()
        summary.insert(0, "model", name)
        ctx.write_table(f"{name}_summary", summary, model=name, title=f"Posterior summary of {name}",
                        caption=f"Posterior mean, SD and 95% equal-tailed credible interval of every "
                                f"population effect, cutpoint or intercept, group-level SD and monotonic step proportion of {what}, with bulk/tail "
                                "ESS and R-hat.")
        ctx.write_table(f"{name}_diagnostics", diagnostics, model=name, topic="diagnostics",
                        title=f"Sampler diagnostics of {name}",
                        caption=f"Each convergence check of {name} against its threshold (R-hat <= 1.01, "
                                "bulk and tail ESS >= 400, no divergences, E-BFMI >= 0.3), with the "
                                "parameters that fail it.")
        path = ctx.out / "posteriors" / f"{name}.nc"
        path.parent.mkdir(parents=True, exist_ok=True)
        result.save(str(path))
        ctx.record_file(path, kind="posterior", model=name, title=f"Posterior draws of {name}",
                        caption="ArviZ InferenceData (netCDF): posterior, log-likelihood, design; "
                                "reload with cbstats.load_result.")
    ctx.bayes[name] = result
    return result
