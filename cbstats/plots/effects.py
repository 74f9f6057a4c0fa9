"""Forest plot of effects across models, Bayesian and frequentist baselines together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..tables.coef import tidy_estimates
from .common import MARKERS, finish, model_dict, palette
from .style import PAPER_WIDTH_IN, apply_style


def forest_data(
    results: Mapping[str, Any] | Sequence[Any] | Any,
    *,
    prob: float = 0.95,
    classes: Sequence[str] = ("b",),
    terms: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Tidy estimates drawn by :func:`plot_forest`.

    Parameters
    ----------
    results : dict, list or a single result
        Fitted results with ``summary(prob)`` (Bayesian and baselines).
    prob : float
        Interval mass (credible interval or Wald confidence interval).
    classes : sequence of str
        Parameter classes to show (default: population effects ``b``).
    terms : sequence of str, optional
        Only these terms (row keys such as ``"mo(forum)"``), in this order.
    labels : mapping, optional
        Label overrides.

    Returns
    -------
    DataFrame
        One row per model and term: ``model, method, row, term, label,
        param_class, estimate, lower, upper, prob`` (numbers as in the
        summaries) and ``y`` (the row position, top = 0).
    """
    est = tidy_estimates(model_dict(results), prob=prob, labels=labels, classes=tuple(classes))
    if terms is not None:
        missing = [t for t in terms if t not in set(est["row"])]
        if missing:
            raise ValueError(f"terms {missing} are in none of the models; available: "
                             f"{sorted(set(est['row']))}")
        est = est[est["row"].isin(terms)]
        order = list(terms)
    else:
        order = list(dict.fromkeys(est["row"]))
    if est.empty:
        raise ValueError(f"no parameters of class {list(classes)} in these results")
    est = est.assign(y=est["row"].map({r: i for i, r in enumerate(order)}))
    cols = ["model", "method", "row", "term", "label", "param_class", "estimate", "lower", "upper",
            "prob", "y"]
    return est[cols].sort_values(["y", "model"], kind="stable").reset_index(drop=True)


def plot_forest(
    results: Mapping[str, Any] | Sequence[Any] | Any,
    *,
    prob: float = 0.95,
    classes: Sequence[str] = ("b",),
    terms: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    xlabel: str = "coefficient (log-odds scale)",
    title: str | None = None,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """Forest plot: each term's estimate and interval, one colour per model.

    Bayesian models are drawn with circles (posterior mean, credible
    interval), frequentist baselines with squares (ML estimate, Wald
    confidence interval).

    Parameters
    ----------
    results, prob, classes, terms, labels
        See :func:`forest_data`.
    xlabel : str
        Label of the effect axis.
    title : str, optional
        Figure title. Default: "Effects across models" for several models, "Effects:
        <name>" for one named model, "Effects" for one unnamed model.
    figsize : tuple, optional
        Default: paper width, height growing with the number of terms.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = forest_data(results, prob=prob, classes=classes, terms=terms, labels=labels)
    models = list(dict.fromkeys(data["model"]))
    colours = dict(zip(models, palette(len(models)), strict=True))
    n_rows = int(data["y"].max()) + 1
    figsize = figsize or (PAPER_WIDTH_IN, max(2.5, 0.36 * n_rows * max(1, len(models) / 2) + 1.4))
    fig, ax = plt.subplots(figsize=figsize)
    width = 0.7
    offsets = (np.arange(len(models)) - (len(models) - 1) / 2) * (width / max(len(models), 1))
    pct = f"{100 * prob:g}%"
    for off, model in zip(offsets, models, strict=True):
        d = data[data["model"] == model]
        method = d["method"].iloc[0]
        kind = "posterior mean, " + pct + " CrI" if method == "bayes" else "ML estimate, " + pct + " CI"
        y = d["y"].to_numpy() + off
        ax.hlines(y, d["lower"], d["upper"], color=colours[model], lw=1.6)
        ax.plot(d["estimate"], y, MARKERS.get(method, "D"), color=colours[model], ms=5,
                label=f"{model}: {kind}")
    ax.axvline(0, color="0.3", lw=0.8, ls="--")
    row_labels = data.drop_duplicates("y").sort_values("y")["label"].tolist()
    ax.set_yticks(np.arange(n_rows))
    ax.set_yticklabels(row_labels)
    ax.set_ylim(n_rows - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    # one entry per line: long model names never push the legend past the plot
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=1, fontsize=7, frameon=False,
              borderaxespad=0.2)
    finish(fig, title=title or forest_title(models))
    return fig


def forest_title(models: Sequence[str]) -> str:
    """Default title of a forest plot: "Effects across models" only when there are several."""
    if len(models) > 1:
        return "Effects across models"
    name = models[0] if models else ""
    return "Effects" if not name or name == "(1)" else f"Effects: {name}"
