"""Shared plot style: colour-blind-safe palettes, paper-size defaults, labels."""

from __future__ import annotations

OUTCOME_LABELS = {
    0: "0 none / abandoned",
    1: "1 operational tools only",
    2: "2 changed practice, not institutionalized",
    3: "3 institutionalized",
}

# Okabe-Ito colours (colour-blind safe), one per transformation level.
OUTCOME_COLORS = {0: "#D55E00", 1: "#E69F00", 2: "#56B4E9", 3: "#009E73"}

SEQUENTIAL_CMAP = "cividis"  # perceptually uniform and colour-blind safe

# The four condition scores 0, 0.33, 0.67, 1 as four discrete colours: ColorBrewer "Blues"
# (single hue, light = absent to dark = fully present; colour-blind safe and legible in grey).
CONDITION_SCORE_COLORS = ("#eff3ff", "#9ecae1", "#4292c6", "#08306b")

PAPER_WIDTH_IN = 6.5  # text width of a US-letter / A4 article page


def apply_style() -> None:
    """Set a legible, paper-sized seaborn theme (called by every plot function)."""
    import seaborn as sns

    sns.set_theme(context="paper", style="whitegrid", palette="colorblind", font_scale=1.0)
