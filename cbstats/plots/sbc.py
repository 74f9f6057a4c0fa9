"""Simulation-based calibration plots: ECDF difference of the ranks with simultaneous bands."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .common import OKABE_ITO

__all__ = ["plot_sbc_ecdf", "sbc_ecdf_data"]


def sbc_ecdf_data(result: Any, *, prob: float = 0.95,
                  parameters: list[str] | None = None) -> pd.DataFrame:
    """The tidy data :func:`plot_sbc_ecdf` draws.

    Parameters
    ----------
    result
        A :class:`cbstats.refits.sbc.SBCResult`.
    prob
        Mass of the simultaneous band.
    parameters
        Subset of ``result.ranks`` columns (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter, z, ecdf_diff, lower_diff, upper_diff, outside``
        (ECDF of fractional ranks minus the uniform CDF, and the band).
    """
    from ..refits.ranks import ecdf_band, rank_ecdf

    ranks = result.ranks if parameters is None else result.ranks[list(parameters)]
    L = result.n_rank_draws
    frames = []
    for name in ranks.columns:
        r = ranks[name].to_numpy()
        z, ecdf = rank_ecdf(r, L)
        _, lower, upper = ecdf_band(r.size, L, prob=prob)
        frames.append(pd.DataFrame({"parameter": name, "z": z, "ecdf_diff": ecdf - z,
                                    "lower_diff": lower - z, "upper_diff": upper - z,
                                    "outside": (ecdf < lower) | (ecdf > upper)}))
    return pd.concat(frames, ignore_index=True)


def plot_sbc_ecdf(
    result: Any,
    *,
    prob: float = 0.95,
    parameters: list[str] | None = None,
    ncols: int = 4,
    panel_size: tuple[float, float] = (2.6, 2.0),
    title: str | None = None,
):
    """ECDF-difference plot of SBC ranks, one panel per parameter.

    Each panel shows the ECDF of the fractional ranks minus the uniform CDF
    and the simultaneous ``prob`` band (Säilynoja, Bürkner & Vehtari 2022); a
    calibrated parameter stays inside the band. Panels that leave it are drawn
    in a warning colour.

    Parameters
    ----------
    result
        A :class:`cbstats.refits.sbc.SBCResult`.
    prob
        Mass of the band.
    parameters
        Parameters to draw (default: all).
    ncols, panel_size
        Layout: panels per row and the size of one panel in inches.
    title
        Figure title (default: number of simulations and L).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    data = sbc_ecdf_data(result, prob=prob, parameters=parameters)
    names = list(dict.fromkeys(data["parameter"]))
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                             sharex=True, squeeze=False)
    for ax, name in zip(axes.ravel(), names, strict=False):
        d = data[data["parameter"] == name]
        bad = bool(d["outside"].any())
        ax.fill_between(d["z"], d["lower_diff"], d["upper_diff"], step="post", color="0.85",
                        label=f"{prob:.0%} simultaneous band")
        ax.step(d["z"], d["ecdf_diff"], where="post", color=OKABE_ITO[3] if bad else OKABE_ITO[0],
                lw=1.2, label="ECDF − uniform")
        ax.axhline(0, color="0.4", lw=0.6)
        ax.set_title(name + ("  (outside band)" if bad else ""), fontsize=8,
                     color=OKABE_ITO[3] if bad else "black")
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(names):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("fractional rank", fontsize=8)
    for ax in axes[:, 0]:
        ax.set_ylabel("ECDF difference", fontsize=8)
    axes[0, 0].legend(fontsize=6, loc="lower left")
    n = int(result.ranks.shape[0])
    fig.suptitle(title or f"Simulation-based calibration: {n} simulations, ranks among "
                 f"L = {result.n_rank_draws} draws", fontsize=9)
    fig.tight_layout()
    return fig


