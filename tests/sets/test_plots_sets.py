"""Set-theoretic plots: figures are drawn, labels do not collide, bad input is refused."""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Annotation, Text  # noqa: E402

from cbstats import sets  # noqa: E402
from cbstats.plots import plot_path_robustness, plot_truth_table, plot_xy  # noqa: E402
from cbstats.plots.sets import truth_table_heat_data, xy_plot_data  # noqa: E402
from cbstats.sets.uncertainty import MisclassificationModel, coding_uncertainty  # noqa: E402

REF = Path(__file__).parent / "reference"


def _crowded(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """Grid memberships: many cases share a point, many are deviant."""
    rng = np.random.default_rng(seed)
    grid = np.array([0.0, 0.33, 0.67, 1.0])
    return pd.DataFrame({"A": grid[rng.integers(0, 4, n)], "B": grid[rng.integers(0, 4, n)],
                         "Y": grid[rng.integers(0, 4, n)]}, index=[f"case number {i}" for i in range(n)])


def _label_boxes(fig: plt.Figure) -> list:
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    out = []
    for child in ax.texts:
        if isinstance(child, Annotation):
            child.update_positions(renderer)
            out.append(Text.get_window_extent(child, renderer))
    return out


@pytest.mark.parametrize("relation", ["sufficiency", "necessity"])
def test_xy_plot_labels_only_deviant_cases_without_collisions(relation):
    data = _crowded()
    fig = plot_xy(data, "Y", "A*~B", relation=relation, max_labels=15)
    fig.canvas.draw()
    boxes = _label_boxes(fig)
    assert 0 < len(boxes) <= 15
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    shown = {t.get_text() for t in fig.axes[0].texts}
    info = xy_plot_data(data, "Y", "A*~B", relation=relation, max_labels=15)
    assert shown <= set(info.index[info["labelled"]])
    assert all(info.loc[list(shown), "type"].str.startswith("deviant"))
    plt.close(fig)


def test_xy_plot_title_gives_the_fit_and_custom_labels_are_used():
    data = pd.read_csv(REF / "lipset_crisp.csv", index_col=0).astype(float)
    fig = plot_xy(data, "SURV", "DEV*STB", label="all", case_labels={"AU": "Austria"})
    assert "inclS 1.000" in fig.axes[0].get_title()
    assert "Austria" in {t.get_text() for t in fig.axes[0].texts}
    plt.close(fig)
    with pytest.raises(sets.SetsInputError, match="label="):
        plot_xy(data, "SURV", "DEV", label="some")


def test_truth_table_heat_display_rows_and_limit():
    data = pd.read_csv(REF / "lipset_crisp.csv", index_col=0).astype(float)
    tt = sets.truth_table(data, "SURV", ["DEV", "URB", "LIT", "IND", "STB"], incl_cut=1.0)
    heat = truth_table_heat_data(tt)
    assert list(heat.index[:3]) == [32, 22, 24] or set(heat.index[:3]) == {22, 24, 32}
    assert len(truth_table_heat_data(tt, include_remainders=True)) == 32
    fig = plot_truth_table(tt, p_out=pd.Series({32: 0.9, 22: 0.5}))
    assert len(fig.axes) >= 2
    plt.close(fig)
    wide = pd.DataFrame(np.tile([[1.0] * 8 + [1.0]], (3, 1)), columns=[f"C{i}" for i in range(8)] + ["Y"])
    big = sets.truth_table(wide, "Y", [f"C{i}" for i in range(8)], incl_cut=0.8)
    with pytest.raises(sets.SetsInputError, match="at most 7 conditions"):
        plot_truth_table(big)


def test_path_robustness_plot():
    data = pd.read_csv(REF / "lipset_crisp.csv", index_col=0).astype(float)
    conf = pd.DataFrame("medium", index=data.index, columns=data.columns)
    res = coding_uncertainty(data, conf, "SURV", n_draws=30, seed=0, incl_cut=0.8,
                             model=MisclassificationModel(levels=(0.0, 1.0)))
    fig = plot_path_robustness(res)
    assert fig.axes[0].get_xlim() == (0.0, 1.0)
    plt.close(fig)
