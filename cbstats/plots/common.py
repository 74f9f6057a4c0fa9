"""Helpers shared by the result plots: intervals, palettes, response levels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .style import OUTCOME_COLORS, OUTCOME_LABELS

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
"""Okabe-Ito colours (colour-blind safe), in the order used for models and categories."""

MARKERS = {"bayes": "o", "mle": "s"}


def palette(n: int) -> list[str]:
    """``n`` colour-blind-safe colours (Okabe-Ito, then seaborn's colorblind palette)."""
    if n <= len(OKABE_ITO):
        return OKABE_ITO[:n]
    import seaborn as sns

    return sns.color_palette("colorblind", n).as_hex()


def interval(draws: np.ndarray, prob: float, axis: int | tuple[int, ...] = 0) -> tuple[np.ndarray, ...]:
    """Mean and equal-tailed ``prob`` interval of ``draws`` along ``axis``."""
    if not 0 < prob < 1:
        raise ValueError(f"prob must be in (0, 1), got {prob}")
    a = (1 - prob) / 2
    return (np.mean(draws, axis=axis), np.quantile(draws, a, axis=axis),
            np.quantile(draws, 1 - a, axis=axis))


def model_dict(results: Mapping[str, Any] | Sequence[Any] | Any) -> dict[str, Any]:
    """Results keyed by name (a single result or a list is numbered ``(1)``, ``(2)``, ...)."""
    if isinstance(results, Mapping):
        return {str(k): v for k, v in results.items()}
    if hasattr(results, "summary"):
        return {"(1)": results}
    return {f"({i})": r for i, r in enumerate(results, start=1)}


def category_colours(categories: Sequence[str]) -> dict[str, str]:
    """Colours of outcome categories: the transformation colours for 0-3, else Okabe-Ito."""
    cats = [str(c) for c in categories]
    if set(cats) <= {str(k) for k in OUTCOME_COLORS}:
        return {c: OUTCOME_COLORS[int(c)] for c in cats}
    return dict(zip(cats, palette(len(cats)), strict=True))


def category_label(category: str, response: str | None) -> str:
    """Legend label of an outcome category (transformation levels spelled out)."""
    c = str(category)
    if response in (None, "transformation") and c.isdigit() and int(c) in OUTCOME_LABELS:
        return OUTCOME_LABELS[int(c)]
    return c


def response_name(result: Any) -> str | None:
    """Name of the outcome column of a result, if known."""
    design = getattr(result, "design", None)
    spec = getattr(design, "spec", None)
    return getattr(spec, "response", None)


def finish(fig, *, title: str | None = None) -> None:
    """Common last touches: a title and a tight layout."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
