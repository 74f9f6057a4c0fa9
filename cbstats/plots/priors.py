"""Prior against posterior density for chosen parameters.

Priors are read from ``result.priors`` (strings such as ``"normal(0, 2.5)"``,
keyed ``b[term]``, ``sd[group]``, ``simplex[mo(x)]``, ``intercept``,
``cutpoints``) and drawn as exact densities. Posterior densities are kernel
density estimates of the posterior draws (ArviZ, with boundary correction for
standard deviations and simplex proportions).

Two parameter classes are sampled on a centred scale: ``intercept`` and
``cutpoints`` priors apply to the intercept/cutpoints of the *centred*
predictors, so they are compared with the posterior of ``intercept_centered``
/ ``cutpoints_centered``. Cutpoint priors are shown before the ordering
constraint.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from ..tables.labels import term_label, variable_label
from .common import finish
from .style import PAPER_WIDTH_IN, apply_style

__all__ = ["plot_prior_posterior", "prior_posterior_data", "prior_density"]


class _HalfT:
    """Half Student-t (scipy has none): the t distribution folded at zero."""

    def __init__(self, nu: float, sigma: float) -> None:
        self._t = stats.t(nu, 0.0, sigma)

    def pdf(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.where(x >= 0, 2 * self._t.pdf(x), 0.0)

    def ppf(self, q: Any) -> np.ndarray:
        return self._t.ppf(0.5 + np.asarray(q, dtype=float) / 2)


def prior_density(prior: Any, *, simplex_size: int | None = None) -> Any:
    """A frozen :mod:`scipy.stats` distribution for a prior string or :class:`Prior`.

    Half distributions are folded at zero; a ``dirichlet(a)`` prior over
    ``simplex_size`` steps gives the Beta(a, (size - 1) a) marginal of one step.
    """
    from ..models.priors import parse_prior

    p = parse_prior(prior)
    k = p.params
    match p.dist:
        case "normal":
            return stats.norm(k["mu"], k["sigma"])
        case "student_t":
            return stats.t(k["nu"], k["mu"], k["sigma"])
        case "cauchy":
            return stats.cauchy(k["alpha"], k["beta"])
        case "halfnormal":
            return stats.halfnorm(scale=k["sigma"])
        case "halfstudent_t":
            return _HalfT(k["nu"], k["sigma"])
        case "halfcauchy":
            return stats.halfcauchy(scale=k["beta"])
        case "exponential":
            return stats.expon(scale=1 / k["lam"])
        case "dirichlet":
            if not simplex_size or simplex_size < 2:
                raise ValueError("a Dirichlet prior needs the simplex size for its marginal")
            return stats.beta(k["alpha"], (simplex_size - 1) * k["alpha"])
    raise ValueError(f"no density for prior {p}")


def _posterior_draws(result: Any, key: str) -> dict[str, np.ndarray]:
    """Posterior draws for a prior key: {parameter name: flat draws}."""
    from ..models.terms import safe_name

    post = result.idata.posterior

    def flat(da) -> np.ndarray:
        return np.asarray(da.values).reshape(-1)

    if key.startswith("b[") and key.endswith("]"):
        return {key: flat(post["b"].sel(term=key[2:-1]))}
    if key.startswith("sd[") and key.endswith("]"):
        da = post[f"sd_{safe_name(key[3:-1])}"]
        extra = [d for d in da.dims if d not in ("chain", "draw")]
        if not extra:
            return {key: flat(da)}
        return {f"{key}[{c}]": flat(da.sel({extra[0]: c})) for c in da[extra[0]].values}
    if key.startswith("simplex[mo(") and key.endswith(")]"):
        var = key[len("simplex[mo("):-2]
        da = post[f"simplex_{safe_name(var)}"]
        dim = [d for d in da.dims if d not in ("chain", "draw")][0]
        return {f"{key}[{s}]": flat(da.sel({dim: s})) for s in da[dim].values}  # one per step
    if key == "intercept":
        return {key: flat(post["intercept_centered"])}
    if key == "cutpoints":
        da = post["cutpoints_centered"]
        dim = [d for d in da.dims if d not in ("chain", "draw")][0]
        return {f"cutpoint[{c}]": flat(da.sel({dim: c})) for c in da[dim].values}
    raise KeyError(f"cannot match prior key {key!r} to posterior variables")


def _label(name: str, key: str) -> str:
    if key == "intercept":
        return "Intercept (centred predictors)"
    if key == "cutpoints":
        return f"Cutpoint {name[len('cutpoint['):-1]} (centred)"
    if name.startswith("simplex[mo(") and name.count("[") >= 2:
        inner = name[len("simplex[mo("):]
        var, step = inner[: inner.index(")")], inner[inner.index("]") + 2:-1]
        return f"{variable_label(var)}: step to {step}"
    if name.startswith("sd[") and name.count("[") >= 2:
        g, coef = name[3:name.index("]")], name[name.index("]") + 2:-1]
        return term_label(f"sd({g})[{coef}]")
    if name.startswith("sd["):
        return term_label(f"sd({name[3:-1]})")
    return term_label(name)


def prior_posterior_data(
    result: Any,
    *,
    params: Sequence[str] | None = None,
    grid_size: int = 200,
) -> pd.DataFrame:
    """Prior and posterior densities on a common grid for each chosen parameter.

    Parameters
    ----------
    result : BayesResult
        A fit whose ``priors`` maps prior keys to prior strings.
    params : sequence of str, optional
        Prior keys (``"b[mo(forum)]"``, ``"sd[region]"``, ``"simplex[mo(forum)]"``,
        ``"intercept"``, ``"cutpoints"``). Default: every ``b`` and ``sd`` key.
    grid_size : int
        Points of the density grid.

    Returns
    -------
    DataFrame
        ``parameter, label, prior, distribution ("prior"/"posterior"), x,
        density``.
    """
    import arviz as az

    priors: Mapping[str, Any] = getattr(result, "priors", None) or {}
    if not priors:
        raise ValueError("this result has no 'priors' to compare with")
    keys = list(params) if params is not None else [k for k in priors if k.startswith(("b[", "sd["))]
    unknown = [k for k in keys if k not in priors]
    if unknown:
        raise ValueError(f"no prior for {unknown}; prior keys are {list(priors)}")
    frames = []
    for key in keys:
        draws = _posterior_draws(result, key)
        for name, x in draws.items():
            dist = prior_density(priors[key], simplex_size=len(draws))
            bounded = key.startswith(("sd[", "simplex["))
            lo_q, hi_q = dist.ppf([0.005, 0.995])
            lo = min(float(np.min(x)), float(lo_q))
            hi = max(float(np.max(x)), float(hi_q))
            # keep the posterior visible when the prior is much wider
            span = float(np.ptp(x)) or 1.0
            lo = max(lo, float(np.min(x)) - 6 * span)
            hi = min(hi, float(np.max(x)) + 6 * span)
            if bounded:
                lo = max(lo, 0.0)
            if key.startswith("simplex["):
                hi = min(hi, 1.0)
            grid = np.linspace(lo, hi, grid_size)
            kde_x, kde_y = az.kde(x, bound_correction=bounded, custom_lims=(lo, hi) if bounded else None)
            post_density = np.interp(grid, kde_x, kde_y, left=0.0, right=0.0)
            label = _label(name, key)
            for distribution, dens in (("prior", dist.pdf(grid)), ("posterior", post_density)):
                frames.append(pd.DataFrame({"parameter": name, "label": label,
                                            "prior": str(priors[key]),
                                            "distribution": distribution, "x": grid,
                                            "density": dens}))
    return pd.concat(frames, ignore_index=True)


def plot_prior_posterior(
    result: Any,
    *,
    params: Sequence[str] | None = None,
    grid_size: int = 200,
    ncols: int = 3,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Prior (dashed) and posterior (filled) density of each chosen parameter, one panel each.

    Parameters
    ----------
    result, params, grid_size
        See :func:`prior_posterior_data`.
    ncols : int
        Panels per row.
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = prior_posterior_data(result, params=params, grid_size=grid_size)
    names = list(dict.fromkeys(data["parameter"]))
    ncols = max(1, min(ncols, len(names)))
    nrows = int(np.ceil(len(names) / ncols))
    figsize = figsize or (PAPER_WIDTH_IN, 2.2 * nrows + 1.2)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        d = data[data["parameter"] == name]
        pr, po = d[d["distribution"] == "prior"], d[d["distribution"] == "posterior"]
        ax.fill_between(po["x"], po["density"], color="#0072B2", alpha=0.35, lw=0)
        ax.plot(po["x"], po["density"], color="#0072B2", lw=1.4, label="posterior")
        ax.plot(pr["x"], pr["density"], color="#D55E00", lw=1.4, ls="--", label="prior")
        label = d["label"].iloc[0]
        # the parameter, then its prior (one legend for the figure says which line is which)
        ax.set_title(f"{textwrap.fill(label, 34, break_long_words=False)}\nprior {d['prior'].iloc[0]}",
                     fontsize=7)
        ax.set_xlabel("value (logit scale)" if not name.startswith("simplex[") else "share of the effect",
                      fontsize=7)
        ax.set_ylabel("density", fontsize=7)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=6.5)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    height = figsize[1]
    finish(fig)
    fig.suptitle("Prior and posterior", y=1.0 - 0.05 / height, va="top")
    fig.legend(handles, ["posterior (kernel density of the draws)", "prior (stated under each title)"],
               loc="upper center", bbox_to_anchor=(0.5, 1.0 - 0.36 / height), ncol=2, fontsize=7,
               frameon=False)
    fig.subplots_adjust(top=1.0 - 1.15 / height)
    return fig
