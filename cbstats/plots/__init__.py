"""Plots: plain functions, data or result in, matplotlib Figure out.

Every plot ``plot_x`` has a companion ``x_data`` returning the tidy data it draws.
"""

from .checks import (
    calibration_data,
    pareto_k_data,
    plot_calibration,
    plot_pareto_k,
    plot_ppc,
    plot_ppc_counts,
    ppc_counts_data,
)
from .dataset import condition_heatmap_data, plot_condition_heatmap, plot_timeline, timeline_data
from .effects import forest_data, plot_forest
from .groups import group_effects_data, plot_group_effects
from .predictions import condition_effect_data, plot_condition_effect
from .priors import plot_prior_posterior, prior_posterior_data
from .sets import plot_path_robustness, plot_truth_table, plot_xy  # noqa: F401

__all__ = [
    "calibration_data",
    "condition_effect_data",
    "condition_heatmap_data",
    "forest_data",
    "group_effects_data",
    "pareto_k_data",
    "plot_calibration",
    "plot_condition_effect",
    "plot_condition_heatmap",
    "plot_forest",
    "plot_group_effects",
    "plot_pareto_k",
    "plot_ppc",
    "plot_ppc_counts",
    "plot_prior_posterior",
    "plot_timeline",
    "ppc_counts_data",
    "prior_posterior_data",
    "timeline_data",
]
