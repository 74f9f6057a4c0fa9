"""Posterior predictions in numpy from the posterior draws (used by BayesResult)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .families import get_family
from .terms import safe_name

if TYPE_CHECKING:
    from .result import BayesResult

__all__ = ["linear_predictor_draws", "predict"]


def _draws(post: xr.Dataset, name: str) -> np.ndarray:
    a = post[name].values
    return a.reshape((-1,) + a.shape[2:])


def linear_predictor_draws(
    result: BayesResult, newdata: pd.DataFrame | None, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Draws of the uncentred linear predictor ``eta`` (S x N), the family
    parameter (cutpoints S x (K-1) or intercept S) and trials (or None)."""
    d = result.design
    post = result.posterior
    if newdata is None:
        arrs = {
            "X": d.X,
            "mono": [m.index for m in d.mono],
            "groups": [g.index for g in d.groups],
            "Z": [g.Z for g in d.groups],
            "new_levels": {g.name: [] for g in d.groups},
            "trials": d.trials,
        }
    else:
        arrs = d.new_arrays(newdata)
    n = arrs["X"].shape[0]
    S = post.sizes["chain"] * post.sizes["draw"]
    eta = np.zeros((S, n))
    p = d.X.shape[1]
    if d.coef_names:
        b = _draws(post, "b")
        eta += b[:, :p] @ arrs["X"].T
        for i, (m, idx) in enumerate(zip(d.mono, arrs["mono"], strict=True)):
            zeta = _draws(post, f"simplex_{safe_name(m.term.var)}")
            scale = m.D * np.concatenate([np.zeros((S, 1)), np.cumsum(zeta, axis=1)], axis=1)
            eta += b[:, p + i, None] * scale[:, idx]
    for g, idx, Z in zip(d.groups, arrs["groups"], arrs["Z"], strict=True):
        nm = safe_name(g.name)
        r = _draws(post, f"r_{nm}")  # (S, L) or (S, L, k)
        n_new = len(arrs["new_levels"][g.name])
        if n_new:
            sd = _draws(post, f"sd_{nm}")
            if g.k == 1:
                new = rng.normal(size=(S, n_new)) * sd[:, None]
            else:
                cor = _draws(post, f"cor_{nm}")
                cov = cor * sd[:, :, None] * sd[:, None, :]
                chol = np.linalg.cholesky(cov + 1e-12 * np.eye(g.k))
                new = np.einsum("sij,snj->sni", chol, rng.normal(size=(S, n_new, g.k)))
            r = np.concatenate([r, new], axis=1)
        if g.term.mm:
            eta += r[:, idx].mean(axis=2)
        elif g.k == 1:
            eta += r[:, idx] * Z[:, 0]
        else:
            eta += np.einsum("snk,nk->sn", r[:, idx, :], Z)
    fam = get_family(d.family)
    if fam.par in post:
        par = _draws(post, fam.par)
    else:
        par = np.zeros(S)
    return eta, par, arrs.get("trials")


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
    if d.family == "binomial" and newdata is not None and kind == "pps":
        if d.spec.trials not in newdata:
            raise ValueError(f"newdata needs the trials column {d.spec.trials!r} for kind='pps'")
    rng = np.random.default_rng(seed)
    eta, par, trials = linear_predictor_draws(result, newdata, rng)
    fam = get_family(d.family)
    C, D = result.posterior.sizes["chain"], result.posterior.sizes["draw"]
    if newdata is None:
        obs = d.obs_ids
    elif d.id_col and d.id_col in newdata:
        obs = newdata[d.id_col].to_numpy()
    else:
        obs = newdata.index.to_numpy()
    if kind == "mean":
        val = fam.mean(eta, par, trials)
    else:
        val = fam.simulate(eta, par, trials, rng)
        if d.family == "cumulative":
            val = np.asarray(d.response_levels)[val]
    dims = ["chain", "draw", "obs"]
    coords = {"chain": np.arange(C), "draw": np.arange(D), "obs": obs}
    if val.ndim == 3:
        dims.append("category")
        coords["category"] = [str(v) for v in d.response_levels]
    return xr.DataArray(val.reshape((C, D) + val.shape[1:]), dims=dims, coords=coords, name=kind)
