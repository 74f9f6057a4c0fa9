"""Group-level (varying) effects: caterpillar plots for regions, dyads, arrangements."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..tables.labels import LEVEL_LABELS, group_label, variable_label
from .common import interval
from .style import PAPER_WIDTH_IN, apply_style

__all__ = ["group_effects_data", "plot_group_effects"]


def _safe(name: str) -> str:
    from ..models.terms import safe_name

    return safe_name(name)


def _group_names(result: Any) -> list[str]:
    design = getattr(result, "design", None)
    if design is not None and getattr(design, "groups", None) is not None:
        return [g.name for g in design.groups]
    post = result.idata.posterior if hasattr(result, "idata") else result.posterior
    return [str(v)[2:] for v in post.data_vars if str(v).startswith("r_")]


def _level_labels(group: str, level_labels: Any) -> dict[str, str]:
    """Codebook labels of the group's levels (regions), updated with the user's."""
    out = dict(LEVEL_LABELS.get(group.split(":")[-1], {}))
    if level_labels is None:
        return out
    if not isinstance(level_labels, Mapping | pd.Series):
        raise TypeError("level_labels must be a mapping level -> label, or group -> mapping")
    nested = {k: v for k, v in dict(level_labels).items() if isinstance(v, Mapping | pd.Series)}
    if nested:
        out.update({str(k): str(v) for k, v in dict(nested.get(group, {})).items()})
    else:
        out.update({str(k): str(v) for k, v in dict(level_labels).items()})
    return out


def group_effects_data(
    result: Any,
    *,
    groups: Sequence[str] | None = None,
    prob: float = 0.9,
    level_labels: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Posterior mean and interval of every group-level effect.

    Parameters
    ----------
    result : BayesResult
        A fit with varying effects (posterior variables ``r_<group>``).
    groups : sequence of str, optional
        Grouping factors to include (default: all), e.g. ``["region", "dyad_id"]``.
    prob : float
        Mass of the equal-tailed credible interval.
    level_labels : mapping, optional
        Names of levels: ``{level: label}`` or ``{group: {level: label}}``
        (e.g. dyad ids to dyad names). Regions are labelled from the codebook
        by default.

    Returns
    -------
    DataFrame
        One row per group, level and coefficient: ``group, group_label,
        coef, level, level_label, estimate, lower, upper, prob``
        (logit scale, deviations from the population value).
    """
    post = result.idata.posterior
    names = _group_names(result)
    if groups is not None:
        unknown = [g for g in groups if g not in names]
        if unknown:
            raise ValueError(f"no varying effects for {unknown}; this model has {names}")
        names = list(groups)
    if not names:
        raise ValueError("this model has no group-level (varying) effects")
    rows = []
    for g in names:
        r = post[f"r_{_safe(g)}"]
        level_dim = g if g in r.dims else r.dims[2]
        coef_dims = [d for d in r.dims if d not in ("chain", "draw", level_dim)]
        r = r.transpose("chain", "draw", level_dim, *coef_dims)
        arr = r.values.reshape((-1,) + r.shape[2:])
        if not coef_dims:
            arr = arr[..., None]
            coefs = ["Intercept"]
        else:
            coefs = [str(c) for c in r[coef_dims[0]].values]
        mean, lo, hi = interval(arr, prob)
        labels = _level_labels(g, level_labels)
        levels = [str(v) for v in r[level_dim].values]
        for j, c in enumerate(coefs):
            for i, lv in enumerate(levels):
                rows.append({"group": g, "group_label": group_label(g), "coef": c, "level": lv,
                             "level_label": labels.get(lv, lv), "estimate": float(mean[i, j]),
                             "lower": float(lo[i, j]), "upper": float(hi[i, j]), "prob": prob})
    return pd.DataFrame(rows)


def plot_group_effects(
    result: Any,
    *,
    groups: Sequence[str] | None = None,
    prob: float = 0.9,
    level_labels: Mapping[str, Any] | None = None,
    max_levels: int = 60,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Caterpillar plot: group-level effects sorted by posterior mean, one panel per factor.

    Parameters
    ----------
    result, groups, prob, level_labels
        See :func:`group_effects_data`.
    max_levels : int
        Panels with more levels show the ``max_levels`` effects largest in
        absolute value (the title says so).
    figsize : tuple, optional
        Default: paper width, height growing with the number of levels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = group_effects_data(result, groups=groups, prob=prob, level_labels=level_labels)
    panels = list(dict.fromkeys(zip(data["group"], data["coef"], strict=True)))
    shown = []
    for g, c in panels:
        d = data[(data["group"] == g) & (data["coef"] == c)]
        total = len(d)
        if total > max_levels:
            d = d.loc[d["estimate"].abs().nlargest(max_levels).index]
        shown.append((g, c, d.sort_values("estimate"), total))
    heights = [max(1.2, 0.14 * len(d) + 0.6) for _g, _c, d, _t in shown]
    figsize = figsize or (PAPER_WIDTH_IN * 0.8, sum(heights) + 0.6)
    # constrained layout keeps the figure title clear of the first panel's title
    fig, axes = plt.subplots(len(shown), 1, figsize=figsize, squeeze=False, layout="constrained",
                             gridspec_kw={"height_ratios": heights})
    for ax, (g, c, d, total) in zip(axes[:, 0], shown, strict=True):
        y = np.arange(len(d))
        crosses = (d["lower"] > 0) | (d["upper"] < 0)
        colours = np.where(crosses, "#D55E00", "#0072B2")
        ax.hlines(y, d["lower"], d["upper"], colors=colours, lw=1.2)
        ax.scatter(d["estimate"], y, color=colours, s=12, zorder=3)
        ax.axvline(0, color="0.3", lw=0.8, ls="--")
        ax.set_yticks(y)
        fs = 7 if len(d) <= 20 else 5.5 if len(d) <= 40 else 4.5
        ax.set_yticklabels([_fit_label(s, 44) for s in d["level_label"]], fontsize=fs)
        ax.set_ylim(-0.7, len(d) - 0.3)
        what = "intercepts" if c == "Intercept" else f"slopes of {variable_label(c)}"
        title = f"{group_label(g)}: varying {what}"
        if total > len(d):
            title += f" (the {len(d)} largest of {total})"
        ax.set_title(title, fontsize=8, loc="left")
        ax.set_xlabel(f"deviation from population value (logit scale), {100 * prob:g}% interval")
    fig.suptitle("Group-level effects")
    return fig


def _fit_label(text: str, width: int) -> str:
    """A level label no longer than ``width``, cut at a word boundary (never mid-word)."""
    return text if len(text) <= width else textwrap.shorten(text, width, placeholder=" …")
