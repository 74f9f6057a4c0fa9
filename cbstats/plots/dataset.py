"""Plots of the case dataset itself: condition heatmap and arrangement timeline.

Each plot has a companion ``*_data`` function returning the tidy data drawn.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..casedata.schema import CONDITION_LABELS, CONDITIONS, REGION_LABELS, REGIONS
from .style import OUTCOME_COLORS, OUTCOME_LABELS, PAPER_WIDTH_IN, SEQUENTIAL_CMAP, apply_style


def condition_heatmap_data(wide: pd.DataFrame) -> pd.DataFrame:
    """Cases × conditions matrix ordered by outcome (highest first), then year.

    Returns a DataFrame indexed by ``case_label`` with one column per
    condition (the numeric score, also when the wide matrix holds it as an
    ordered categorical) plus ``transformation``.
    """
    cols = [c for c in CONDITIONS if c in wide]
    ordered = wide.sort_values(["transformation", "year_signed", "case_id"], ascending=[False, True, True])
    label = ordered["case_label"] if "case_label" in ordered else ordered["case_id"]
    data = ordered[cols + ["transformation"]].copy()
    data[cols] = data[cols].astype("float64")  # ordered categoricals on the score grid -> scores
    data.index = pd.Index(label, name="case_label")
    return data


def plot_condition_heatmap(wide: pd.DataFrame, *, max_label: int = 60, figsize=None) -> plt.Figure:
    """Heatmap of the seven condition scores for every case, ordered by outcome.

    Parameters
    ----------
    wide : DataFrame
        The wide case matrix (``CaseData.cases_wide()``).
    max_label : int
        Case labels longer than this are shortened.
    figsize : tuple, optional
        Default: paper width, height growing with the number of cases.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import seaborn as sns

    apply_style()
    data = condition_heatmap_data(wide)
    n = len(data)
    figsize = figsize or (PAPER_WIDTH_IN + 1.5, max(4.0, 0.16 * n + 1.5))
    fig, (ax, ax_out, ax_bar) = plt.subplots(
        1, 3, figsize=figsize, gridspec_kw={"width_ratios": [7, 0.6, 0.25], "wspace": 0.06}
    )
    cond = data[[c for c in CONDITIONS if c in data]]
    sns.heatmap(cond, ax=ax, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, linewidths=0.3, linecolor="white",
                cbar_ax=ax_bar, cbar_kws={"label": "condition score (0 absent – 1 fully present)"})
    missing = cond.isna().to_numpy()
    for i, j in zip(*np.nonzero(missing), strict=True):
        ax.text(j + 0.5, i + 0.5, "–", ha="center", va="center", fontsize=6, color="0.4")
    ax.set_xticklabels([CONDITION_LABELS[c] for c in cond.columns], rotation=40, ha="right")
    labels = [s if len(s) <= max_label else s[: max_label - 1] + "…" for s in data.index]
    ax.set_yticks(np.arange(n) + 0.5)
    ax.set_yticklabels(labels, fontsize=5.5)
    ax.set_ylabel("case (dyad: arrangement, year), ordered by outcome")
    ax.set_xlabel("supporting condition")
    colours = [OUTCOME_COLORS[int(t)] for t in data["transformation"]]
    ax_out.barh(np.arange(n) + 0.5, 1, height=1.0, color=colours)
    ax_out.set_ylim(ax.get_ylim())  # same (inverted) row order as the heatmap
    ax_out.set_yticks([])
    ax_out.set_xlim(0, 1)
    ax_out.set_xticks([0.5])
    ax_out.set_xticklabels(["outcome"], rotation=40, ha="right")
    ax_out.grid(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=OUTCOME_COLORS[k]) for k in OUTCOME_LABELS]
    fig.legend(handles, list(OUTCOME_LABELS.values()), loc="lower center", ncol=2, fontsize=7,
               title="transformation", bbox_to_anchor=(0.5, -0.02 - 1.0 / max(n, 10)))
    fig.suptitle("Supporting conditions by case", y=1.0)
    return fig


def timeline_data(wide: pd.DataFrame) -> pd.DataFrame:
    """One row per arrangement: region, years, and its best case outcome.

    ``end`` is the year the arrangement ended or, if it is still in effect,
    the last year its cases are observed. ``outcome`` is the highest
    transformation level among its cases.
    """
    g = wide.groupby("arrangement_id")
    data = pd.DataFrame({
        "arrangement_name": g["arrangement_name"].first(),
        "region": g["region"].agg(lambda s: s.mode().iloc[0]),
        "year_signed": g["year_signed"].first().astype(int),
        "end": g.apply(lambda d: int(d["year_ended"].dropna().iloc[0]) if d["year_ended"].notna().any()
                       else int(d["year_observed_end"].max()), include_groups=False),
        "outcome": g["transformation"].max().astype(int),
        "n_cases": g.size(),
    }).reset_index()
    order = {r: i for i, r in enumerate(REGIONS)}
    data["region_order"] = data["region"].map(order)
    return data.sort_values(["region_order", "year_signed", "arrangement_id"]).reset_index(drop=True)


def plot_timeline(wide: pd.DataFrame, *, figsize=None) -> plt.Figure:
    """Timeline of arrangements by region, each a bar from signature to end, coloured by outcome.

    Parameters
    ----------
    wide : DataFrame
        The wide case matrix.
    figsize : tuple, optional
        Default: paper width, height growing with the number of arrangements.

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = timeline_data(wide)
    n = len(data)
    figsize = figsize or (PAPER_WIDTH_IN, max(4.0, 0.13 * n + 1.5))
    fig, ax = plt.subplots(figsize=figsize)
    y = np.arange(n)[::-1]
    for yi, row in zip(y, data.itertuples(index=False), strict=True):
        ax.plot([row.year_signed, max(row.end, row.year_signed + 0.4)], [yi, yi],
                color=OUTCOME_COLORS[row.outcome], lw=3, solid_capstyle="butt")
        ax.plot(row.year_signed, yi, "o", color=OUTCOME_COLORS[row.outcome], ms=3.5)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r.arrangement_name[:45]} ({r.year_signed})" for r in data.itertuples()], fontsize=5)
    boundaries = data.groupby("region_order", sort=True).size().cumsum().to_numpy()
    for b in boundaries[:-1]:
        ax.axhline(n - b - 0.5, color="0.3", lw=0.6)
    start = 0
    for region, count in data.groupby("region_order", sort=True).size().items():
        mid = n - start - count / 2 - 0.5
        ax.text(1.01, (mid + 0.5) / n, REGION_LABELS[REGIONS[region]], transform=ax.transAxes,
                va="center", fontsize=7, fontweight="bold")
        start += count
    ax.set_xlabel("year (bar: signature to end, or to last observed year)")
    ax.set_ylim(-1, n)
    handles = [plt.Line2D([0], [0], color=OUTCOME_COLORS[k], lw=3) for k in OUTCOME_LABELS]
    ax.legend(handles, list(OUTCOME_LABELS.values()), title="best outcome among its cases",
              fontsize=6, title_fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.045),
              ncol=2, frameon=False)
    ax.set_title("Confidence-building arrangements by region, 1963–2024")
    return fig
