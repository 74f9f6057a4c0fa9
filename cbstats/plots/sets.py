"""Plots for set-theoretic analysis: XY plots, truth-table heat display, path robustness.

Each plot has a companion ``*_data`` function returning the tidy data it draws. Case
labels in XY plots: only deviant cases are labelled by default (at most ``max_labels``,
the most deviant first), and labels are placed by a deterministic greedy routine that
moves each label vertically until its box overlaps no label already placed.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..sets.diagnostics import case_types
from ..sets.fit import necessity_fit, sufficiency_fit
from ..sets.validate import SetsInputError
from .style import PAPER_WIDTH_IN, SEQUENTIAL_CMAP, apply_style

TYPE_COLORS = {
    "typical": "#009E73",
    "deviant consistency (kind)": "#D55E00",
    "deviant consistency (degree)": "#E69F00",
    "deviant coverage": "#0072B2",
    "deviant coverage (trivial)": "#0072B2",
    "irrelevant": "#999999",
}
MAX_HEAT_CONDITIONS = 7


# ---- XY plot ----------------------------------------------------------------------------
def xy_plot_data(
    data: pd.DataFrame, outcome: str, expr: str, *, relation: str = "sufficiency",
    label: str = "deviant", max_labels: int = 12,
) -> pd.DataFrame:
    """Cases with their membership in ``expr`` (X) and the outcome (Y), type and label flag.

    ``label``: ``"deviant"`` (deviant cases: consistency before coverage, largest |X - Y|
    first), ``"all"`` or ``"none"``;
    at most ``max_labels`` cases get ``labelled = True``.
    """
    if label not in ("deviant", "all", "none"):
        raise SetsInputError([f"label={label!r}; expected 'deviant', 'all' or 'none'"])
    out = case_types(data, outcome, expr, relation=relation)
    out["gap"] = (out["X"] - out["Y"]).abs()
    candidates = out.index if label == "all" else out.index[out["type"].str.startswith("deviant")]
    if label == "none":
        candidates = out.index[:0]
    cand = out.loc[candidates].assign(_cons=lambda t: t["type"].str.startswith("deviant consistency"))
    chosen = cand.sort_values(["_cons", "gap"], ascending=False).index[:max_labels]
    out["labelled"] = out.index.isin(chosen)
    return out


def _place_labels(
    ax: plt.Axes, points: pd.DataFrame, texts: Mapping, *, fontsize: float = 6.0, max_steps: int = 12
) -> list:
    """Annotate points with non-overlapping labels (greedy, deterministic).

    Each label starts 4 points right of its point (left of it in the right third of the
    axes) and moves up or down in steps of 8 points until its text box overlaps no label
    already placed; a label finding no free slot within ``max_steps`` steps is dropped.
    Offsets are in points, so later layout changes keep the placement. Returns the
    annotations placed.
    """
    from matplotlib.text import Text

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed: list = []
    boxes: list = [ax.title.get_window_extent(renderer)]  # keep labels off the title
    for case, row in points.sort_values(["Y", "X"]).iterrows():
        left = row["X"] > 0.66
        ann = ax.annotate(str(texts.get(case, case)), (row["X"], row["Y"]), xytext=(0, 0),
                          textcoords="offset points", fontsize=fontsize,
                          ha="right" if left else "left", va="center",
                          arrowprops={"arrowstyle": "-", "color": "0.55", "lw": 0.4})
        box = None
        for step in range(max_steps + 1):
            offset = (step + 1) // 2 * (1 if step % 2 else -1) * 8.0  # 0, +8, -8, +16, ...
            ann.set_position((-5.0 if left else 5.0, offset))
            ann.update_positions(renderer)
            candidate = Text.get_window_extent(ann, renderer).expanded(1.04, 1.25)
            if not any(candidate.overlaps(b) for b in boxes):
                box = candidate
                break
        if box is None:  # no free slot near the point: leave this case unlabelled
            ann.remove()
            continue
        boxes.append(box)
        placed.append(ann)
    return placed


def plot_xy(
    data: pd.DataFrame,
    outcome: str,
    expr: str,
    *,
    relation: str = "sufficiency",
    label: str = "deviant",
    max_labels: int = 12,
    case_labels: Mapping | None = None,
    ax: plt.Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """XY plot of membership in ``expr`` (x axis) against the outcome (y axis).

    Sufficiency: cases on or above the diagonal are consistent; necessity: on or below.
    Points are coloured by case type (typical, deviant consistency in kind or degree,
    deviant coverage, irrelevant); the title gives inclS/PRI/covS or inclN/RoN/covN.

    Parameters
    ----------
    data : DataFrame
        Memberships (cases x sets).
    outcome : str
        Outcome column or ``"~column"``.
    expr : str
        Condition, negation or expression (``"A*~B + C"``).
    relation : {"sufficiency", "necessity"}
    label : {"deviant", "all", "none"}
        Which cases get a text label (see :func:`xy_plot_data`).
    max_labels : int
    case_labels : mapping, optional
        Case id -> text shown (default: the case id).
    ax : Axes, optional
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    points = xy_plot_data(data, outcome, expr, relation=relation, label=label, max_labels=max_labels)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or (PAPER_WIDTH_IN * 0.8, PAPER_WIDTH_IN * 0.9))
    else:
        fig = ax.figure
    ax.plot([0, 1], [0, 1], color="0.6", lw=0.8, zorder=0)
    ax.axhline(0.5, color="0.85", lw=0.6, zorder=0)
    ax.axvline(0.5, color="0.85", lw=0.6, zorder=0)
    rng = np.random.default_rng(0)  # small fixed jitter so stacked grid points stay visible
    jitter = rng.uniform(-0.012, 0.012, size=(len(points), 2))
    for kind, grp in points.groupby("type", sort=False):
        j = jitter[points.index.get_indexer(grp.index)]
        ax.scatter(grp["X"] + j[:, 0], grp["Y"] + j[:, 1], s=16, alpha=0.8, label=kind,
                   color=TYPE_COLORS.get(kind, "0.3"), edgecolor="white", linewidth=0.3)
    ax.set_xlim(-0.04, 1.04)
    ax.set_ylim(-0.04, 1.04)
    ax.set_aspect("equal")
    ax.set_xlabel(expr)
    ax.set_ylabel(outcome)
    fit = (sufficiency_fit if relation == "sufficiency" else necessity_fit)(points["X"], points["Y"])
    stats = ", ".join(f"{k} {v:.3f}" for k, v in fit.items())
    arrow = "→" if relation == "sufficiency" else "←"
    ax.set_title(f"{expr} {arrow} {outcome}\n{stats}", fontsize=8)
    ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
    fig.tight_layout()
    labelled = points[points["labelled"]]
    if len(labelled):
        fig.canvas.draw()
        _place_labels(ax, labelled, dict(case_labels or {}))
    return fig


# ---- truth-table heat display -------------------------------------------------------------
def truth_table_heat_data(tt, *, include_remainders: bool = False) -> pd.DataFrame:
    """Truth-table rows (conditions 0/1, OUT, n, inclS, PRI), sorted by inclS descending.

    ``tt`` is a :class:`cbstats.sets.TruthTable`; remainders (n below the cut-off) are
    added with NaN statistics when ``include_remainders``.
    """
    conds = list(tt.conditions)
    if len(conds) > MAX_HEAT_CONDITIONS:
        raise SetsInputError([f"the truth-table heat display shows at most {MAX_HEAT_CONDITIONS} conditions; "
                              f"this table has {len(conds)}: {conds}"])
    table = tt.table[[*conds, "OUT", "n", "inclS", "PRI"]].copy()
    if include_remainders:
        rem = tt.remainders.reindex(columns=conds).copy()
        rem["OUT"] = np.nan
        rem["n"] = 0
        rem["inclS"] = np.nan
        rem["PRI"] = np.nan
        table = pd.concat([table, rem])
    return table.sort_values(["inclS", "n"], ascending=False, na_position="last")


def plot_truth_table(tt, *, include_remainders: bool = False, p_out: pd.Series | None = None,
                     figsize: tuple[float, float] | None = None) -> plt.Figure:
    """Heat display of a truth table for up to 7 conditions.

    Left panel: condition values of each row (dark = present). Right panel: inclS and PRI
    on a 0-1 colour scale, with n and OUT written in the cells; optional ``p_out`` (row ->
    probability that the row passes under coding uncertainty) is added as a third column.

    Parameters
    ----------
    tt : cbstats.sets.TruthTable
    include_remainders : bool
        Also show the logical remainders (grey statistics).
    p_out : Series, optional
        Index = row number.
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import seaborn as sns

    apply_style()
    data = truth_table_heat_data(tt, include_remainders=include_remainders)
    conds = list(tt.conditions)
    stats = data[["inclS", "PRI"]].copy()
    if p_out is not None:
        stats["P(pass)"] = pd.Series(p_out).reindex(data.index).to_numpy()
    n = len(data)
    figsize = figsize or (PAPER_WIDTH_IN, max(2.5, 0.2 * n + 1.4))
    fig, (ax_c, ax_s) = plt.subplots(1, 2, figsize=figsize, sharey=True,
                                     gridspec_kw={"width_ratios": [len(conds), stats.shape[1] + 0.6], "wspace": 0.05})
    sns.heatmap(data[conds].astype(float), ax=ax_c, cmap="Greys", vmin=-0.15, vmax=1.15, cbar=False,
                linewidths=0.4, linecolor="white")
    ax_c.set_xticklabels([c.replace("_", " ") for c in conds], rotation=40, ha="right", fontsize=7)
    ax_c.set_yticklabels([f"{r}" for r in data.index], rotation=0, fontsize=6)
    ax_c.set_ylabel("truth-table row")
    annot = stats.map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    sns.heatmap(stats.astype(float), ax=ax_s, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, annot=annot, fmt="",
                annot_kws={"fontsize": 6}, linewidths=0.4, linecolor="white", cbar=False)
    for i, (_, row) in enumerate(data.iterrows()):
        out = "" if pd.isna(row["OUT"]) else ("OUT 1" if row["OUT"] == 1 else "OUT 0")
        ax_s.text(stats.shape[1] + 0.08, i + 0.5, f"n={int(row['n'])} {out}", va="center", fontsize=6,
                  clip_on=False)
    ax_s.set_xticklabels(stats.columns, rotation=0, fontsize=7)
    ax_s.set_ylabel("")
    fig.suptitle(f"Truth table for {tt.outcome} (incl. cut {tt.incl_cut:g}, PRI cut {tt.pri_cut:g}, "
                 f"n cut {tt.n_cut}); dark = condition present", fontsize=8)
    height = fig.get_size_inches()[1]
    fig.subplots_adjust(top=1 - 0.45 / height, bottom=0.9 / height, left=0.1, right=0.86)
    return fig


# ---- robustness of paths under coding uncertainty ------------------------------------------
def path_robustness_data(result) -> pd.DataFrame:
    """Paths of the coded solution with P(in solution) and the interval of inclS and covS."""
    cols = ["p_consistent", "p_in_solution", "inclS_coded", "inclS_lo", "inclS_hi", "covS_coded", "covS_lo", "covS_hi"]
    return result.paths[cols].sort_values(["p_consistent", "p_in_solution"])


def plot_path_robustness(result, *, figsize: tuple[float, float] | None = None) -> plt.Figure:
    """Each sufficient path of the coded solution under coding uncertainty.

    Left: probability over drawn codings that the path stays consistent (inclS and PRI
    above the cut-offs) and that it is a prime implicant of a minimal model. Right: coded consistency (dot) and its interval over draws (line), with the cut-off.

    Parameters
    ----------
    result : cbstats.sets.uncertainty.UncertaintyResult
    figsize : tuple, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    apply_style()
    data = path_robustness_data(result)
    if data.empty:
        raise SetsInputError([f"the coded solution for {result.outcome!r} has no path to show"])
    n = len(data)
    figsize = figsize or (PAPER_WIDTH_IN, max(2.2, 0.28 * n + 1.2))
    fig, (ax_p, ax_i) = plt.subplots(1, 2, figsize=figsize, sharey=True, gridspec_kw={"width_ratios": [1, 1]})
    y = np.arange(n)
    ax_p.barh(y + 0.2, data["p_consistent"], height=0.4, color="#009E73", label="stays consistent")
    ax_p.barh(y - 0.2, data["p_in_solution"], height=0.4, color="#0072B2", label="in a minimal model")
    ax_p.set_xlim(0, 1)
    ax_p.set_yticks(y, [t.replace("*", " · ") for t in data.index], fontsize=6)
    ax_p.set_xlabel("probability over draws", fontsize=7)
    ax_p.legend(fontsize=6, loc="lower right")
    ax_i.hlines(y, data["inclS_lo"], data["inclS_hi"], color="0.4")
    ax_i.plot(data["inclS_coded"], y, "o", color="#D55E00", ms=3, label="coded")
    ax_i.axvline(result.settings["incl_cut"], color="0.6", ls="--", lw=0.8, label="incl. cut-off")
    ax_i.set_xlabel(f"inclS, {result.settings['interval']:.0%} interval", fontsize=7)
    ax_i.legend(fontsize=6, loc="lower left")
    fig.suptitle(f"Sufficient paths for {result.outcome}: robustness to coding doubts "
                 f"({result.n_draws} draws)", fontsize=8)
    fig.tight_layout()
    return fig
