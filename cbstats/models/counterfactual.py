"""Counterfactual predictions: how a predicted probability changes when one predictor is set."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _probability_draws(result: Any, data: pd.DataFrame, category: Any | None,
                       new_levels: str | None = None, seed: int | None = None) -> np.ndarray:
    """Draws (S x N) of P(y = 1) for binary families, or P(y = category) for cumulative."""
    pred = result.predict(data, kind="mean", new_levels=new_levels, seed=seed)
    if "category" in pred.dims:
        levels = list(pred["category"].values)
        level = levels[-1] if category is None else category
        if level not in levels:
            raise ValueError(f"category {level!r} is not an outcome level; levels: {levels}")
        pred = pred.sel(category=level)
    values = pred.values
    return values.reshape(-1, values.shape[-1])


def counterfactual_change(
    result: Any,
    data: pd.DataFrame,
    column: str,
    value: Any,
    *,
    category: Any | None = None,
    prob: float = 0.9,
    id_col: str | None = "case_id",
    new_levels: str | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Per row: predicted probability as observed and with ``column`` set to ``value``.

    Everything else (other predictors, group memberships) stays as observed;
    the change is computed draw by draw, so its interval reflects posterior
    uncertainty.

    Parameters
    ----------
    result : BayesResult
        A fitted model.
    data : DataFrame
        Rows to predict for (not modified).
    column : str
        The predictor to set, e.g. a condition such as ``"forum"``.
    value
        The value to set it to, e.g. ``0`` for "condition absent".
    category : optional
        For ordinal models, the outcome category whose probability is
        reported (default: the highest). Ignored for binary models.
    prob : float
        Mass of the equal-tailed intervals.
    id_col : str or None
        Column identifying rows in the output (the index if None or absent).
    new_levels : {None, "sample"}
        Group levels of ``data`` the model was not fitted on: an error by
        default; ``"sample"`` predicts them as new groups (see
        :meth:`BayesResult.predict`), with the same new-group effects in
        both predictions (same ``seed``).
    seed : int, optional
        Seed for new-group effects (default: the fit's seed).

    Returns
    -------
    DataFrame
        ``id, column, observed_value, set_value, p_observed, p_set, change_mean,
        change_lower, change_upper`` (one row per row of ``data``).
    """
    if column not in data:
        raise ValueError(f"column {column!r} is not in the data")
    changed = data.copy()
    changed[column] = value
    seed = getattr(result, "seed", None) if seed is None else seed
    p = _probability_draws(result, data, category, new_levels, seed)
    q = _probability_draws(result, changed, category, new_levels, seed)
    diff = q - p
    a = (1 - prob) / 2
    ids = data[id_col].to_numpy() if id_col and id_col in data else data.index.to_numpy()
    return pd.DataFrame({
        "id": ids,
        "column": column,
        "observed_value": data[column].to_numpy(),
        "set_value": value,
        "p_observed": p.mean(axis=0),
        "p_set": q.mean(axis=0),
        "change_mean": diff.mean(axis=0),
        "change_lower": np.quantile(diff, a, axis=0),
        "change_upper": np.quantile(diff, 1 - a, axis=0),
    })
