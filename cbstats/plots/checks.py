"""Model checks: posterior predictive checks (ordinal counts, binary calibration) and Pareto k.

The predictive checks use :meth:`BayesResult.predict` on the fitted rows
(``kind="pps"`` for predicted counts, ``kind="mean"`` for predicted
probabilities); Pareto k comes from :func:`arviz.loo` with ``pointwise=True``.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from .common import category_colours, category_label, finish, interval, response_name
from .style import PAPER_WIDTH_IN, apply_style

__all__ = [
    "calibration_data",
    "pareto_k_data",
    "plot_calibration",
    "plot_pareto_k",
    "plot_ppc",
    "plot_ppc_counts",
    "ppc_counts_data",
]


def _family(result: Any) -> str:
    fam = getattr(result, "family", None) or getattr(getattr(result, "design", None), "family", None)
    if fam is None:
        raise TypeError(f"{type(result).__name__} has no 'family'; pass a Bayesian result")
    return str(fam)


def _outcome(result: Any) -> str:
    """``"ordinal"`` or ``"binary"``: the kind of outcome of the result's family."""
    from ..models.families import get_family

    return get_family(_family(result)).outcome


def _flat(da: Any) -> np.ndarray:
    """(chain, draw, obs[, ...]) DataArray or array -> (samples, obs[, ...]) numpy array."""
    a = np.asarray(getattr(da, "values", da))
    return a.reshape((-1,) + a.shape[2:])


# --------------------------------------------------------------------------- ordinal counts
def ppc_counts_data(result: Any, *, prob: float = 0.9, seed: int | None = None) -> pd.DataFrame:
    """Observed vs posterior-predicted number of cases in each outcome category.

    Parameters
    ----------
    result : BayesResult
        A fitted ordinal (``cumulative``) or binary model.
    prob : float
        Mass of the predictive interval of each count.
    seed : int, optional
        Seed of the predictive draws (default: the fit's seed).

    Returns
    -------
    DataFrame
        One row per category: ``category, label, observed, predicted_mean,
        lower, upper, prob``.
    """
    design = result.design
    levels = [str(v) for v in (design.response_levels or [0, 1])]
    seed = getattr(result, "seed", None) if seed is None else seed
    pps = _flat(result.predict(None, kind="pps", seed=seed))  # (S, N), original labels
    pps_str = pps.astype(str) if design.response_levels is not None else pps.astype(int).astype(str)
    counts = np.stack([(pps_str == lv).sum(axis=1) for lv in levels], axis=1)  # (S, K)
    if design.response_levels is not None:
        observed = np.bincount(np.asarray(design.y, dtype=int), minlength=len(levels))
    else:
        y = np.asarray(design.y).astype(int).astype(str)
        observed = np.array([(y == lv).sum() for lv in levels])
    mean, lo, hi = interval(counts, prob)
    response = response_name(result)
    return pd.DataFrame({
        "category": levels,
        "label": [category_label(c, response) for c in levels],
        "observed": observed.astype(int),
        "predicted_mean": mean,
        "lower": lo,
        "upper": hi,
        "prob": prob,
    })


def plot_ppc_counts(result: Any, *, prob: float = 0.9, seed: int | None = None,
                    figsize: tuple[float, float] | None = None) -> plt.Figure:
    """Bars of observed category counts with the posterior predictive mean and interval.

    Parameters
    ----------
    result : BayesResult
    prob : float
        Mass of the predictive interval.
    seed : int, optional
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = ppc_counts_data(result, prob=prob, seed=seed)
    colours = category_colours(data["category"])
    fig, ax = plt.subplots(figsize=figsize or (PAPER_WIDTH_IN * 0.75, 3.2))
    x = np.arange(len(data))
    ax.bar(x, data["observed"], color=[colours[c] for c in data["category"]], alpha=0.85,
           label="observed", width=0.65)
    ax.errorbar(x, data["predicted_mean"],
                yerr=[data["predicted_mean"] - data["lower"], data["upper"] - data["predicted_mean"]],
                fmt="o", color="black", ms=4, capsize=4, lw=1.2,
                label=f"predicted: mean and {100 * prob:g}% interval")
    ax.set_xticks(x)
    ax.set_xticklabels([textwrap.fill(t, 18, break_long_words=False) for t in data["label"]],
                       fontsize=7)
    ax.set_xlabel(f"outcome category ({response_name(result) or 'response'})")
    ax.set_ylabel("number of cases")
    ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=2, frameon=False,
              borderaxespad=0.2)
    finish(fig, title="Posterior predictive check: category counts")
    return fig


# --------------------------------------------------------------------------- binary calibration
def calibration_data(result: Any, *, bins: int = 5, prob: float = 0.9) -> pd.DataFrame:
    """Observed frequency vs predicted probability, cases binned by predicted probability.

    Cases are sorted by their posterior mean probability and cut into
    ``bins`` groups of (nearly) equal size.

    Parameters
    ----------
    result : BayesResult
        A fitted ``bernoulli`` or ``binomial`` model.
    bins : int
        Number of bins.
    prob : float
        Mass of the intervals: Jeffreys interval of the observed frequency
        and posterior interval of the bin's mean predicted probability.

    Returns
    -------
    DataFrame
        One row per bin: ``bin, n, predicted, predicted_lower,
        predicted_upper, observed, observed_lower, observed_upper, prob``.
    """
    fam = _family(result)
    if _outcome(result) != "binary":
        raise ValueError(f"calibration needs a binary outcome; this model is {fam!r} "
                         "(use ppc_counts_data for ordinal outcomes)")
    design = result.design
    p = _flat(result.predict(None, kind="mean"))  # (S, N)
    y = np.asarray(design.y, dtype=float)
    trials = np.ones_like(y) if design.trials is None else np.asarray(design.trials, dtype=float)
    p_mean = p.mean(axis=0)
    order = np.argsort(p_mean, kind="stable")
    groups = np.array_split(order, min(bins, len(order)))
    a = (1 - prob) / 2
    rows = []
    for i, idx in enumerate(groups):
        w = trials[idx]
        succ, n = y[idx].sum(), w.sum()
        draws = (p[:, idx] * w).sum(axis=1) / n
        rows.append({
            "bin": i + 1,
            "n": int(len(idx)),
            "predicted": float(draws.mean()),
            "predicted_lower": float(np.quantile(draws, a)),
            "predicted_upper": float(np.quantile(draws, 1 - a)),
            "observed": float(succ / n),
            # Jeffreys interval, with the usual boundary convention (Brown, Cai & DasGupta 2001)
            "observed_lower": 0.0 if succ == 0 else float(stats.beta.ppf(a, succ + 0.5, n - succ + 0.5)),
            "observed_upper": 1.0 if succ == n else float(stats.beta.ppf(1 - a, succ + 0.5, n - succ + 0.5)),
            "prob": prob,
        })
    return pd.DataFrame(rows)


def plot_calibration(result: Any, *, bins: int = 5, prob: float = 0.9,
                     figsize: tuple[float, float] | None = None) -> plt.Figure:
    """Calibration plot of a binary model: observed frequency against predicted probability.

    Parameters
    ----------
    result : BayesResult
    bins, prob
        See :func:`calibration_data`.
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = calibration_data(result, bins=bins, prob=prob)
    fig, ax = plt.subplots(figsize=figsize or (PAPER_WIDTH_IN * 0.6, PAPER_WIDTH_IN * 0.6))
    ax.plot([0, 1], [0, 1], color="0.5", ls="--", lw=0.8, label="perfect calibration")
    ax.errorbar(data["predicted"], data["observed"],
                xerr=np.clip([data["predicted"] - data["predicted_lower"],
                              data["predicted_upper"] - data["predicted"]], 0, None),
                yerr=np.clip([data["observed"] - data["observed_lower"],
                              data["observed_upper"] - data["observed"]], 0, None),
                fmt="o", color="#0072B2", ms=5, capsize=3, lw=1.2,
                label=f"bins of {data['n'].min()}-{data['n'].max()} cases ({100 * prob:g}% intervals)"
                if data["n"].nunique() > 1 else
                f"bins of {data['n'].iloc[0]} cases ({100 * prob:g}% intervals)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    response = response_name(result) or "outcome"
    ax.set_xlabel(f"predicted probability of {response} (posterior mean)")
    ax.set_ylabel(f"observed frequency of {response}")
    ax.legend(fontsize=7, loc="upper left")
    finish(fig, title="Posterior predictive check: calibration")
    return fig


def plot_ppc(result: Any, **kwargs: Any) -> plt.Figure:
    """Posterior predictive check suited to the family: counts (ordinal) or calibration (binary).

    Keyword options are passed to :func:`plot_ppc_counts` or :func:`plot_calibration`.
    """
    if _outcome(result) == "ordinal":
        return plot_ppc_counts(result, **kwargs)
    return plot_calibration(result, **kwargs)


# --------------------------------------------------------------------------- Pareto k
def _case_labels(obs: np.ndarray, case_labels: Any) -> list[str]:
    if case_labels is None:
        return [str(o) for o in obs]
    if isinstance(case_labels, pd.DataFrame):
        id_col = "case_id" if "case_id" in case_labels else case_labels.columns[0]
        lab_col = "case_label" if "case_label" in case_labels else case_labels.columns[-1]
        mapping = dict(zip(case_labels[id_col].astype(str), case_labels[lab_col].astype(str),
                           strict=True))
    elif isinstance(case_labels, Mapping | pd.Series):
        mapping = {str(k): str(v) for k, v in dict(case_labels).items()}
    else:
        labels = [str(v) for v in case_labels]
        if len(labels) != len(obs):
            raise ValueError(f"case_labels has {len(labels)} entries for {len(obs)} observations")
        return labels
    return [mapping.get(str(o), str(o)) for o in obs]


def pareto_k_data(result: Any, *, case_labels: Any = None, threshold: float = 0.7) -> pd.DataFrame:
    """Pareto k of every case from PSIS-LOO (:func:`arviz.loo` with ``pointwise=True``).

    Parameters
    ----------
    result : BayesResult or InferenceData
        A fit with a ``log_likelihood`` group.
    case_labels : DataFrame, mapping, Series or sequence, optional
        Case names: a frame with ``case_id`` and ``case_label`` columns (e.g.
        ``CaseData.cases_wide()``), a mapping from the ``obs`` coordinate to
        a name, or one name per observation. Default: the ``obs`` coordinate.
    threshold : float
        Pareto k above which a case is flagged as influential (0.7).

    Returns
    -------
    DataFrame
        One row per case: ``position, obs, case_label, pareto_k,
        influential``.
    """
    import arviz as az

    idata = getattr(result, "idata", result)
    var_name = getattr(result, "response", None)
    if var_name is not None and var_name not in idata.log_likelihood:
        var_name = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loo = az.loo(idata, pointwise=True, var_name=var_name)
    k = loo.pareto_k
    obs = k[k.dims[0]].values if k.dims else np.arange(k.size)
    kv = np.asarray(k.values, dtype=float).ravel()
    return pd.DataFrame({
        "position": np.arange(len(kv)),
        "obs": [str(o) for o in obs],
        "case_label": _case_labels(obs, case_labels),
        "pareto_k": kv,
        "influential": kv > threshold,
    })


def plot_pareto_k(result: Any, *, case_labels: Any = None, threshold: float = 0.7,
                  max_labels: int = 10, figsize: tuple[float, float] | None = None) -> plt.Figure:
    """Pareto k per case, influential cases labelled by name.

    Parameters
    ----------
    result : BayesResult or InferenceData
    case_labels, threshold
        See :func:`pareto_k_data`.
    max_labels : int
        Name at most this many flagged cases (those with the highest k); only cases with
        k above ``threshold`` are named. Labels are kept apart and inside the axes with
        adjustText.
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = pareto_k_data(result, case_labels=case_labels, threshold=threshold)
    fig, ax = plt.subplots(figsize=figsize or (PAPER_WIDTH_IN, 3.9))
    ok = ~data["influential"]
    ax.scatter(data.loc[ok, "position"], data.loc[ok, "pareto_k"], s=12, color="#0072B2",
               label=f"k ≤ {threshold:g}")
    ax.scatter(data.loc[~ok, "position"], data.loc[~ok, "pareto_k"], s=22, color="#D55E00",
               marker="D", label=f"k > {threshold:g} (influential)")
    for level, style in ((0.5, ":"), (threshold, "--"), (1.0, "-")):
        ax.axhline(level, color="0.4", lw=0.8, ls=style)
    top = data[data["influential"]].nlargest(max_labels, "pareto_k")
    _label_points(ax, top, data)
    ax.set_xlabel("case (position in the data)")
    ax.set_xlim(-0.03 * len(data) - 1, 1.03 * len(data))
    n_bad = int(data["influential"].sum())
    if n_bad:
        ax.plot([], [], " ", label=_named(len(top), n_bad))
    legend = ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=3, frameon=False,
                       borderaxespad=0.2)
    finish(fig, title=f"Influential cases: {n_bad} of {len(data)} with Pareto k > {threshold:g}")
    if len(top):
        named = _place_labels(fig, ax, data)
        legend.get_texts()[-1].set_text(_named(named, n_bad))
    return fig


def _named(named: int, flagged: int) -> str:
    return f"named: all {flagged}" if named == flagged else f"named: the {named} highest of {flagged}"


def _place_labels(fig, ax, data: pd.DataFrame) -> int:
    """Move the case labels apart with adjustText, then drop any that still collide or leave the axes.

    Labels are kept in order of decreasing Pareto k, so a name is dropped only in favour of a
    more influential case. Returns the number of names kept.
    """
    from adjustText import adjust_text

    fig.canvas.draw()  # final layout first, so that label sizes are measured where they end up
    texts, patches = adjust_text(
        list(ax.texts), x=data["position"].to_numpy(float), y=data["pareto_k"].to_numpy(float), ax=ax,
        ensure_inside_axes=True, expand=(1.15, 1.5), force_text=(0.3, 0.6),
        arrowprops={"arrowstyle": "-", "color": "0.45", "lw": 0.5})
    arrows = {id(getattr(p, "patchA", None) or getattr(getattr(p, "arrow_patch", None), "patchA", None)): p
              for p in patches}
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    kept: list = []
    for text in texts:  # in the order they were created: highest k first
        box = text.get_window_extent(renderer)
        inside = (frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1 and frame.y0 - 1 <= box.y0
                  and box.y1 <= frame.y1 + 1)
        if inside and not any(box.overlaps(other) for other in kept):
            kept.append(box)
            continue
        text.remove()
        if id(text) in arrows:
            arrows[id(text)].remove()
    return len(kept)


def _label_points(ax, top: pd.DataFrame, data: pd.DataFrame) -> None:
    """Name the flagged cases (cut at a word boundary), leaving room above the highest point.

    The labels start at their points; :func:`adjustText.adjust_text` then moves them
    apart and off the points, inside the axes (see :func:`plot_pareto_k`).
    """
    kmax = float(data["pareto_k"].max())
    ax.set_ylim(min(-0.1, float(data["pareto_k"].min()) - 0.05),
                max(1.1, kmax + 0.1 + 0.06 * len(top)))
    for r in top.itertuples():
        name = textwrap.shorten(r.case_label, 42, placeholder=" …")
        ax.text(r.position, r.pareto_k, name, fontsize=5.5, ha="center", va="bottom", color="0.15")
