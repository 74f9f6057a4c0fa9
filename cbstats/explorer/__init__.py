"""The case explorer for students: one self-contained, offline HTML page.

Filter the cases, read each coding with its confidence, rationale and sources, see the
model's predicted probabilities for a case and move its condition scores to watch them
change (computed in the page from posterior draws), and browse the timeline of the
arrangements. Built by ``cbstats explore`` and by ``cbstats reproduce`` (``explorer.html``).
"""

from .data import draw_indices, explorer_data, model_draws
from .page import render_explorer, write_explorer

__all__ = ["draw_indices", "explorer_data", "model_draws", "render_explorer", "write_explorer"]
