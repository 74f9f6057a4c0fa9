"""Bayesian fits inside a reproduction run: settings, seeds, caching, provenance."""

from __future__ import annotations

import time
import zlib
from typing import Any

import pandas as pd

from .context import RunContext

FULL = {"draws": 1000, "tune": 1000, "chains": 4}
QUICK = {"draws": 100, "tune": 100, "chains": 2}
KFOLD = {"full": 5, "quick": 2}


def fit_settings(ctx: RunContext) -> dict[str, int]:
    """Draws, tuning steps and chains for this run (few with ``--quick``)."""
    return dict(QUICK if ctx.quick else FULL)


def fit_seed(ctx: RunContext, name: str) -> int:
    """A seed per fit, derived from the run seed and the fit's name (stable across runs)."""
    return (ctx.seed + zlib.crc32(name.encode("utf-8"))) % (2**31 - 1)


def get_fit(ctx: RunContext, name: str, formula: str, family: str, data: pd.DataFrame,
            *, save: bool = True, **options: Any):
    """Fit (or reuse) a Bayesian model, record its diagnostics and write its outputs.

    Writes ``tables/<name>_summary.csv``, ``tables/<name>_diagnostics.csv`` and
    ``posteriors/<name>.nc`` (with ``save``), and appends the diagnostics
    status to the manifest's ``fits``.
    """
    from ..models import fit

    if name in ctx.bayes:
        return ctx.bayes[name]
    settings = fit_settings(ctx)
    seed = fit_seed(ctx, name)
    print(f"    fitting {name} ({family}, {settings['chains']} chains x {settings['draws']} draws, "
          f"seed {seed}) ...", flush=True)
    t0 = time.perf_counter()
    result = fit(formula, data, family, seed=seed, id_col="case_id", check=False,
                 **settings, **options)
    seconds = time.perf_counter() - t0
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
        summary = result.summary()
        summary.insert(0, "model", name)
        ctx.write_table(f"{name}_summary", summary)
        ctx.write_table(f"{name}_diagnostics", diagnostics)
        path = ctx.out / "posteriors" / f"{name}.nc"
        path.parent.mkdir(parents=True, exist_ok=True)
        result.save(str(path))
        ctx.record_file(path)
    ctx.bayes[name] = result
    return result
