"""Plots of the case dataset itself: condition heatmap and arrangement timeline.

Each plot has a companion ``*_data`` function returning the tidy data drawn.
"""

from __future__ import annotations

import re
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..casedata.schema import CONDITION_LABELS, CONDITION_SCORES, CONDITIONS, REGION_LABELS, REGIONS
from .style import (
    CONDITION_SCORE_COLORS,
    OUTCOME_COLORS,
    OUTCOME_LABELS,
    PAPER_WIDTH_IN,
    apply_style,
)


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
    from matplotlib.colors import BoundaryNorm, ListedColormap

    apply_style()
    data = condition_heatmap_data(wide)
    n = len(data)
    head_in = 1.65  # title, the two legends and the column labels, above the rows
    figsize = figsize or (PAPER_WIDTH_IN + 1.5, max(4.0, 0.16 * n + head_in + 0.3))
    height = figsize[1]
    fig, (ax, ax_out) = plt.subplots(
        1, 2, figsize=figsize, gridspec_kw={"width_ratios": [7, 0.6], "wspace": 0.04}
    )
    fig.subplots_adjust(top=1 - head_in / height, bottom=0.15 / height, left=0.36, right=0.98)
    cond = data[[c for c in CONDITIONS if c in data]]
    # four ordered levels: four discrete colours (light = absent, dark = fully present)
    colours = list(CONDITION_SCORE_COLORS)
    bounds = [-0.5] + [float(b) for b in np.convolve(CONDITION_SCORES, [0.5, 0.5], "valid")] + [1.5]
    sns.heatmap(cond, ax=ax, cmap=ListedColormap(colours), norm=BoundaryNorm(bounds, len(colours)),
                linewidths=0.4, linecolor="white", cbar=False)
    missing = cond.isna().to_numpy()
    for i, j in zip(*np.nonzero(missing), strict=True):
        ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor="white", edgecolor="0.55", hatch="////",
                                   lw=0.0))
    ax.set_xticklabels([textwrap.fill(CONDITION_LABELS[c], 13, break_long_words=False)
                        for c in cond.columns], rotation=0, fontsize=6)
    ax.xaxis.tick_top()
    labels = [_shorten(s, max_label) for s in data.index]
    ax.set_yticks(np.arange(n) + 0.5)
    ax.set_yticklabels(labels, fontsize=5.5)
    ax.set_ylabel("case (dyad: arrangement, year), ordered by outcome, then by year")
    ax.set_xlabel("")
    ax.tick_params(axis="both", length=0)
    out_colours = [OUTCOME_COLORS[int(t)] for t in data["transformation"]]
    ax_out.barh(np.arange(n) + 0.5, 1, height=1.0, color=out_colours)
    ax_out.set_ylim(ax.get_ylim())  # same (inverted) row order as the heatmap
    ax_out.set_yticks([])
    ax_out.set_xlim(0, 1)
    ax_out.set_xticks([0.5])
    ax_out.set_xticklabels(["outcome"], fontsize=6.5)
    ax_out.xaxis.tick_top()
    ax_out.tick_params(axis="x", length=0)
    ax_out.grid(False)
    score_handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="0.7", lw=0.4) for c in colours]
    score_labels = [f"{SCORE_WORDS.get(v, '')} ({v:g})".strip() for v in CONDITION_SCORES]
    if missing.any():
        score_handles.append(plt.Rectangle((0, 0), 1, 1, facecolor="white", edgecolor="0.55",
                                           hatch="////", lw=0.4))
        score_labels.append("missing score")
    out_handles = [plt.Rectangle((0, 0), 1, 1, color=OUTCOME_COLORS[k]) for k in OUTCOME_LABELS]
    legend_top = 1 - 0.32 / height
    fig.legend(score_handles, score_labels, loc="upper left", ncol=len(score_handles), fontsize=6.5,
               title="condition score (cells)", title_fontsize=7, bbox_to_anchor=(0.02, legend_top),
               frameon=False, handlelength=1.2, columnspacing=1.0, alignment="left")
    fig.legend(out_handles, list(OUTCOME_LABELS.values()), loc="upper left", ncol=len(out_handles),
               fontsize=6.5, title="transformation outcome (right-hand strip)", title_fontsize=7,
               bbox_to_anchor=(0.02, legend_top - 0.42 / height), frameon=False, handlelength=1.2,
               columnspacing=1.0, alignment="left")
    fig.suptitle("Supporting conditions by case", y=1 - 0.05 / height, va="top")
    return fig


SCORE_WORDS = {0.0: "absent", 0.33: "weakly present", 0.67: "mostly present", 1.0: "fully present"}
"""Words for the four condition scores (the codebook's scale), for the heatmap legend."""


def _shorten(text: str, width: int) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters (with an ellipsis).

    A trailing year in parentheses, as in case labels ``"dyad: arrangement (1975)"``, is kept.
    """
    if len(text) <= width:
        return text
    match = re.fullmatch(r"(.*\S)\s*(\(\d{4}\))", text)
    if match:
        head, year = match.groups()
        return f"{_words(head, width - len(year) - 1)} {year}"
    return _words(text, width)


def _words(text: str, width: int) -> str:
    short = textwrap.shorten(text, width, placeholder=" …")
    return short if short != "…" else text[: width - 1] + "…"  # one word longer than the width


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
    ax.set_yticklabels([f"{_shorten(r.arrangement_name, 48)} ({r.year_signed})" for r in data.itertuples()],
                       fontsize=5)
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
    ax.set_title(f"Confidence-building arrangements by region, {int(data['year_signed'].min())}–"
                 f"{int(data['end'].max())}")
    return fig
