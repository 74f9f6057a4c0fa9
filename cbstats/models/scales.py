"""Levels of ``mo()`` predictors: ordered scales are explicit.

A monotonic effect ``mo(x)`` has one step between each pair of adjacent
levels of ``x``, so its number of steps must come from the *scale*, not from
whichever values happen to occur in the rows at hand. The rules (as in brms):

* an **ordered categorical** gives its categories, observed or not (an empty
  category stays on the scale and the fit warns about it);
* **integers** (or integer-valued numbers, or booleans) give every integer from
  the minimum to the maximum observed value;
* anything else -- in particular non-integer numbers such as fuzzy-set
  scores 0/0.33/0.67/1 -- is an error that says how to convert the column:
  ``cbstats.ordered(x, levels=[0, 1/3, 2/3, 1])`` (:func:`cbstats.ordinal.ordered`).

Dataset knowledge (the CBM score grid) lives in :mod:`cbstats.casedata`, which
delivers condition scores as ordered categoricals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..ordinal import _fmt_values, match_levels

__all__ = ["mo_levels", "encode_levels"]


def mo_levels(values: pd.Series, name: str | None = None) -> list:
    """The ordered levels of a ``mo()`` predictor (see the module docstring for the rules).

    Parameters
    ----------
    values
        The column (missing values are ignored).
    name
        Column name for messages (default ``values.name``).

    Raises
    ------
    ValueError
        For an unordered categorical, text, infinite or non-integer numbers,
        with the conversion to use.
    """
    name = str(values.name) if name is None else name
    if isinstance(values.dtype, pd.CategoricalDtype):
        if not values.dtype.ordered:
            raise ValueError(
                f"mo({name}): column {name!r} is an unordered categorical; make it ordered, e.g. "
                f"data[{name!r}] = data[{name!r}].cat.as_ordered() (categories in their order: "
                f"{list(values.dtype.categories)}) or cbstats.ordered(data[{name!r}], levels=[...])")
        return list(values.dtype.categories)
    if pd.api.types.is_bool_dtype(values):
        return [False, True]
    v = values.dropna()
    if not pd.api.types.is_numeric_dtype(v):
        raise ValueError(
            f"mo({name}): column {name!r} holds text ({_fmt_values(pd.unique(v)[:5])}); give it as "
            f"an ordered categorical, e.g. cbstats.ordered(data[{name!r}], levels=[lowest, ..., "
            "highest])")
    arr = v.to_numpy(dtype=float)
    if not np.all(np.isfinite(arr)):
        bad = v.index[~np.isfinite(arr)]
        raise ValueError(f"mo({name}): column {name!r} has infinite values at rows "
                         f"{list(bad[:10])}; expected integers or an ordered categorical")
    if not len(arr):
        raise ValueError(f"mo({name}): column {name!r} has no values")
    if not np.all(arr == np.round(arr)):
        frac = sorted(set(arr[arr != np.round(arr)].tolist()))
        observed = sorted(set(arr.tolist()))
        raise ValueError(
            f"mo({name}): column {name!r} has non-integer values ({_fmt_values(frac)}), so its "
            "ordered levels are ambiguous: the number of steps would depend on which values occur "
            "in these rows. Declare the scale with every level, observed or not: "
            f"data[{name!r}] = cbstats.ordered(data[{name!r}], levels=[...]), e.g. "
            "levels=[0, 1/3, 2/3, 1] for scores on a four-point grid; the values in these rows "
            f"are {_fmt_levels(observed)}.")
    return list(range(int(arr.min()), int(arr.max()) + 1))


def _fmt_levels(observed: list[float]) -> str:
    if len(observed) > 12:
        return "[...]"
    return "[" + ", ".join(f"{v:g}" for v in observed) + "]"


def encode_levels(values: pd.Series, levels: Sequence, name: str) -> np.ndarray:
    """Positions ``0..D`` of ``values`` among the ordered ``levels``.

    Categorical and plain values are matched by value; numbers against numeric
    levels within :func:`default_tolerance`, so a counterfactual ``0.33`` or
    ``1/3`` both find the level ``0.33``.

    Raises
    ------
    ValueError
        Naming every value that matches no level, and its rows.
    """
    idx, problem = match_levels(values, levels, None, name)
    if problem:
        raise ValueError(problem)
    if (idx < 0).any():
        rows = list(values.index[idx < 0][:10])
        raise ValueError(f"column {name!r} has missing values at rows {rows}")
    return idx
