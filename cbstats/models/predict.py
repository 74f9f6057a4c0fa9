"""Posterior predictions, computed from the model graph at the posterior draws.

The expected response comes from the family's ``mean`` in the sampled graph
(:mod:`cbstats.models.evaluate`); responses are drawn from it with the
family's ``random``. No likelihood or linear predictor is re-implemented
here; this module only prepares the rows (encoding new data with the fitted
levels) and draws the effects of group levels the fit has not seen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .evaluate import graph_functions, posterior_draws
from .families import get_family
from .terms import design_arrays, safe_name

if TYPE_CHECKING:
    from .design import Design
    from .result import BayesResult

__all__ = ["group_effect_draws", "predict"]


def group_effect_draws(design: Design, posterior: xr.Dataset, draws: dict[str, np.ndarray],
                       new_levels: dict[str, list], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Append effects of new group levels to the draws of every ``r_<g>``.

    A level the fit has not seen gets, in each draw, an effect from the
    population distribution: ``Normal(0, sd)``, or the LKJ covariance for
    correlated varying slopes. Returns ``draws`` with the ``r_<g>`` extended
    (levels in the order of :meth:`Design.new_arrays`).
    """
    out = dict(draws)
    for g in design.groups:
        nm = safe_name(g.name)
        n_new = len(new_levels.get(g.name, []))
        if not n_new or f"r_{nm}" not in out:
            continue
        r = out[f"r_{nm}"]
        S = r.shape[0]
        sd = posterior_draws(posterior, [f"sd_{nm}"])[f"sd_{nm}"]
        if g.k == 1:
            new = rng.normal(size=(S, n_new)) * sd[:, None]
        else:
            cor = posterior_draws(posterior, [f"cor_{nm}"])[f"cor_{nm}"]
            cov = cor * sd[:, :, None] * sd[:, None, :]
            chol = np.linalg.cholesky(cov + 1e-12 * np.eye(g.k))
            new = np.einsum("sij,snj->sni", chol, rng.normal(size=(S, n_new, g.k)))
        out[f"r_{nm}"] = np.concatenate([r, new], axis=1)
    return out


def predict(
    result: BayesResult,
    newdata: pd.DataFrame | None = None,
    *,
    kind: str = "mean",
    seed: int | None = None,
) -> xr.DataArray:
    """See :meth:`BayesResult.predict`."""
    if kind not in ("mean", "pps"):
        raise ValueError(f"kind must be 'mean' or 'pps', got {kind!r}")
    d = result.design
    family = get_family(d.family)
    if newdata is None:
        arrays, obs, trials = None, d.obs_ids, d.trials
    else:
        arrays = d.new_arrays(newdata)
        trials = arrays.get("trials")
        if d.id_col and d.id_col in newdata:
            obs = newdata[d.id_col].to_numpy()
        else:
            obs = newdata.index.to_numpy()
    if kind == "pps" and d.trials is not None and trials is None:
        raise ValueError(f"newdata needs the trials column {d.spec.trials!r} for kind='pps'")
    rng = np.random.default_rng(seed)
    fns = graph_functions(result)
    draws = posterior_draws(result.posterior, fns.parameter_names("mean"))
    if arrays is not None:
        draws = group_effect_draws(d, result.posterior, draws, arrays["new_levels"], rng)
    val = fns.evaluate("mean", draws, design_arrays(d, arrays))
    if kind == "pps":
        val = family.decode(d, family.random(val, trials, rng))
    C, D = result.posterior.sizes["chain"], result.posterior.sizes["draw"]
    dims = ["chain", "draw", "obs"]
    coords = {"chain": np.arange(C), "draw": np.arange(D), "obs": obs}
    if val.ndim == 3:
        dims.append("category")
        coords["category"] = family.categories(d)
    return xr.DataArray(val.reshape((C, D) + val.shape[1:]), dims=dims, coords=coords, name=kind)
