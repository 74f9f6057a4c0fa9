"""Plots: plain functions, data or result in, matplotlib Figure out.

Every plot ``plot_x`` has a companion ``x_data`` returning the tidy data it draws.
"""

from .dataset import condition_heatmap_data, plot_condition_heatmap, plot_timeline, timeline_data

__all__ = ["condition_heatmap_data", "plot_condition_heatmap", "plot_timeline", "timeline_data"]
