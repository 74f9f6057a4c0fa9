"""Predicted probability of each outcome level as one condition moves over its levels.

For each level ``v`` of the condition, every case's condition is set to ``v``
while all other predictors (and group memberships) keep their observed values;
the predicted probabilities (:meth:`BayesResult.predict`, ``kind="mean"``)
are averaged over the cases, draw by draw. The result is the average
predicted probability in the observed population of cases had the condition
been at ``v`` (an average predictive comparison), with a posterior interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..tables.labels import variable_label
from .common import category_colours, category_label, finish, interval, response_name
from .style import PAPER_WIDTH_IN, apply_style

__all__ = ["condition_effect_data", "plot_condition_effect"]


def _levels(result: Any, data: pd.DataFrame, condition: str) -> list:
    for m in getattr(result.design, "mono", []):
        if m.term.var == condition:
            return list(m.levels)
    values = pd.unique(data[condition].dropna())
    if len(values) <= 10:
        return sorted(values.tolist())
    return np.linspace(float(np.min(values)), float(np.max(values)), 11).tolist()


def condition_effect_data(
    result: Any,
    condition: str | Sequence[str],
    *,
    data: pd.DataFrame | None = None,
    levels: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    prob: float = 0.9,
    seed: int | None = None,
    labels: Mapping[str, str] | None = None,
    new_levels: str | None = None,
) -> pd.DataFrame:
    """Average predicted probability of each outcome level at each level of a condition.

    Parameters
    ----------
    result : BayesResult
        A fitted model with ``predict(newdata, kind="mean")``.
    condition : str or sequence of str
        Column(s) to vary, one at a time (e.g. ``"forum"``).
    data : DataFrame, optional
        Cases whose other values are held fixed (default: the fitted rows,
        ``result.design.data``).
    levels : sequence or mapping, optional
        Values to set (default: the ordered levels of a ``mo()`` term, the
        observed values if there are at most 10, else 11 points from min
        to max); a mapping gives levels per condition.
    prob : float
        Mass of the posterior interval.
    seed : int, optional
        Seed for effects of group levels not seen in the fit.
    labels : mapping, optional
        Label overrides for conditions.
    new_levels : {None, "sample"}
        Group levels of ``data`` the model was not fitted on: an error by
        default, predicted as new groups with ``"sample"`` (see
        :meth:`BayesResult.predict`).

    Returns
    -------
    DataFrame
        ``condition, condition_label, level, category, category_label,
        estimate, lower, upper, prob``. For binary models the category is
        ``"1"`` (probability of the outcome).
    """
    conditions = [condition] if isinstance(condition, str) else list(condition)
    base = result.design.data if data is None else data
    missing = [c for c in conditions if c not in base]
    if missing:
        raise ValueError(f"condition(s) {missing} are not columns of the data; "
                         f"available: {list(base.columns)}")
    response = response_name(result)
    rows = []
    for cond in conditions:
        if isinstance(levels, Mapping):
            lv = list(levels.get(cond, _levels(result, base, cond)))
        elif levels is not None:
            lv = list(levels)
        else:
            lv = _levels(result, base, cond)
        for v in lv:
            newdata = base.copy()
            newdata[cond] = v
            pred = result.predict(newdata, kind="mean", seed=seed, new_levels=new_levels)
            arr = np.asarray(pred.values)  # (chain, draw, obs[, category])
            avg = arr.reshape((-1,) + arr.shape[2:]).mean(axis=1)  # (S[, K])
            if avg.ndim == 1:
                cats, avg = ["1"], avg[:, None]
            else:
                cats = [str(c) for c in pred["category"].values]
            mean, lo, hi = interval(avg, prob)
            for j, c in enumerate(cats):
                rows.append({"condition": cond, "condition_label": variable_label(cond, labels),
                             "level": float(v) if isinstance(v, (int, float, np.number)) else v,
                             "category": c,
                             "category_label": category_label(c, response),
                             "estimate": float(mean[j]), "lower": float(lo[j]),
                             "upper": float(hi[j]), "prob": prob})
    return pd.DataFrame(rows)


def plot_condition_effect(
    result: Any,
    condition: str | Sequence[str],
    *,
    data: pd.DataFrame | None = None,
    levels: Sequence[float] | Mapping[str, Sequence[float]] | None = None,
    prob: float = 0.9,
    seed: int | None = None,
    labels: Mapping[str, str] | None = None,
    new_levels: str | None = None,
    ncols: int = 2,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Predicted probability of each transformation level as a condition moves from 0 to 1.

    One panel per condition; one line per outcome level with a shaded
    posterior interval; other predictors held at their observed values.

    Parameters
    ----------
    result, condition, data, levels, prob, seed, labels, new_levels
        See :func:`condition_effect_data`.
    ncols : int
        Panels per row when several conditions are given.
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    d = condition_effect_data(result, condition, data=data, levels=levels, prob=prob, seed=seed,
                              labels=labels, new_levels=new_levels)
    conds = list(dict.fromkeys(d["condition"]))
    ncols = max(1, min(ncols, len(conds)))
    nrows = int(np.ceil(len(conds) / ncols))
    width = PAPER_WIDTH_IN if ncols > 1 else PAPER_WIDTH_IN * 0.7
    figsize = figsize or (width, 2.5 * nrows + 0.6)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, sharey=True, squeeze=False)
    cats = list(dict.fromkeys(d["category"]))
    colours = category_colours(cats)
    for ax, cond in zip(axes.flat, conds, strict=False):
        sub = d[d["condition"] == cond]
        for c in cats:
            s = sub[sub["category"] == c].sort_values("level")
            ax.fill_between(s["level"], s["lower"], s["upper"], color=colours[c], alpha=0.2, lw=0)
            ax.plot(s["level"], s["estimate"], "-o", color=colours[c], ms=3, lw=1.5,
                    label=s["category_label"].iloc[0])
        ax.set_xlabel(f"{sub['condition_label'].iloc[0]} (score)")
        ax.set_ylim(0, 1)
        ax.set_xticks(sorted(sub["level"].unique()))
    for ax in axes[:, 0]:
        ax.set_ylabel("predicted probability")
    spare = list(axes.flat)[len(conds):]
    for ax in spare:
        ax.set_visible(False)
    handles, names = axes.flat[0].get_legend_handles_labels()
    response = response_name(result) or "outcome"
    title = f"{response} level ({100 * prob:g}% interval shaded)"
    finish(fig, title="Predicted outcome by condition (others at observed values)")
    if spare:  # the legend fills the first empty panel instead of a band below the figure
        spare[0].set_visible(True)
        spare[0].axis("off")
        spare[0].legend(handles, names, loc="center", fontsize=7, title=title, title_fontsize=7,
                        frameon=False)
    else:
        fig.legend(handles, names, loc="lower center", ncol=min(len(cats), 4), fontsize=7, title=title,
                   title_fontsize=7, bbox_to_anchor=(0.5, 0.0))
        fig.subplots_adjust(bottom=0.12 + 0.1 / nrows + 0.05 * (len(cats) > 4))
    return fig
