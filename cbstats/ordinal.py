"""Ordered scales: :func:`ordered` turns values into an ordered categorical with given levels.

Generic and light (numpy and pandas only), so that :mod:`cbstats.casedata` can
deliver its scores as ordered categoricals and :mod:`cbstats.models` can read
the levels of a ``mo()`` predictor from them. Exported as ``cbstats.ordered``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ordered", "default_tolerance", "match_levels"]


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _numeric_levels(levels: Sequence) -> np.ndarray | None:
    """The levels as floats when all are numbers, else None."""
    if len(levels) and all(_is_number(v) for v in levels):
        return np.asarray(levels, dtype=float)
    return None


def default_tolerance(levels: Sequence[float]) -> float:
    """Largest distance between a value and the level it is matched to.

    ``min(0.01, smallest gap between levels / 10)``: values rounded to two
    decimals (0.33 for 1/3, 0.67 for 2/3) match, values between two levels
    (0.5 on a 0/1/3/2/3/1 grid) do not.
    """
    lv = np.sort(np.asarray(levels, dtype=float))
    gaps = np.diff(lv)
    return float(min(0.01, gaps.min() / 10)) if len(gaps) else 0.01


def _fmt_values(values: Sequence, n: int = 8) -> str:
    vals = list(values)
    shown = ", ".join(f"{v:g}" if _is_number(v) else repr(v) for v in vals[:n])
    return shown + (f", ... ({len(vals)} in all)" if len(vals) > n else "")


def match_levels(values: pd.Series, levels: Sequence, tol: float | None, name: str) -> tuple[np.ndarray, str | None]:
    """Positions of ``values`` among ``levels`` (-1 for missing) and a problem message or None.

    Numbers are matched to numeric levels within ``tol`` (default
    :func:`default_tolerance`), anything else exactly.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    present = values.notna().to_numpy()
    idx = np.full(len(values), -1, dtype=int)
    lv_num = _numeric_levels(levels)
    raw = values.to_numpy(dtype=object)
    if lv_num is not None:
        tol = default_tolerance(lv_num) if tol is None else float(tol)
        bad_rows: list[int] = []
        for i in np.flatnonzero(present):
            v = raw[i]
            if not _is_number(v) and not isinstance(v, (bool, np.bool_)):
                bad_rows.append(i)
                continue
            d = np.abs(float(v) - lv_num)
            j = int(d.argmin())
            if np.isfinite(d[j]) and d[j] <= tol:
                idx[i] = j
            else:
                bad_rows.append(i)
        what = f"within {tol:g} of a level"
    else:
        lut = {lv: j for j, lv in enumerate(levels)}
        bad_rows = []
        for i in np.flatnonzero(present):
            j = lut.get(raw[i], -1)
            if j < 0:
                bad_rows.append(i)
            idx[i] = j
        what = "equal to a level"
    if not bad_rows:
        return idx, None
    bad_vals = list(dict.fromkeys(raw[i] for i in bad_rows))
    rows = ", ".join(map(str, values.index[bad_rows][:10])) + (" ..." if len(bad_rows) > 10 else "")
    return idx, (f"column {name!r}: value(s) {_fmt_values(bad_vals)} (rows {rows}) match no level "
                 f"of {_fmt_values(levels)}; expected each value {what}")


def ordered(
    x: pd.Series | pd.DataFrame | Sequence,
    levels: Sequence,
    *,
    tol: float | None = None,
) -> pd.Series | pd.DataFrame:
    """Declare an ordered scale: values -> an ordered categorical with the given levels.

    The one-line conversion that ``mo()`` asks for when a column holds
    non-integer scores, e.g. fuzzy-set memberships::

        data["forum"] = cbstats.ordered(data["forum"], levels=[0, 1/3, 2/3, 1])

    Every level is kept as a category, also one that no row has, so the number
    of steps of ``mo(forum)`` is that of the scale and not of the sample.

    Parameters
    ----------
    x
        A Series, a DataFrame (every column is converted) or a list of values.
        Missing values stay missing. Not modified.
    levels
        The ordered levels, lowest first. Numbers or labels.
    tol
        For numeric levels: the largest distance between a value and the level
        it is matched to (default :func:`default_tolerance`, enough for values
        rounded to two decimals, e.g. 0.33 and 0.67 for 1/3 and 2/3). Labels
        are matched exactly.

    Returns
    -------
    Series or DataFrame
        Ordered categorical(s) whose categories are ``levels``, with the index
        (and name) of ``x``.

    Raises
    ------
    ValueError
        If ``levels`` has fewer than two or repeated values, or if a value
        matches no level; the message names every such value, its rows and its
        column.
    """
    levels = list(levels)
    if len(levels) < 2:
        raise ValueError(f"an ordered scale needs at least 2 levels, got {levels}")
    if len(set(levels)) != len(levels):
        raise ValueError(f"levels must be distinct, got {levels}")
    lv_num = _numeric_levels(levels)
    if lv_num is not None and np.any(np.diff(lv_num) <= 0):
        raise ValueError(f"numeric levels must be given in increasing order, got {levels}")
    if isinstance(x, pd.DataFrame):
        out, problems = {}, []
        for col in x.columns:
            idx, problem = match_levels(x[col], levels, tol, str(col))
            problems += [problem] if problem else []
            out[col] = _categorical(idx, levels, x.index, col)
        if problems:
            raise ValueError("values off the ordered scale:\n  " + "\n  ".join(problems))
        return pd.DataFrame(out, index=x.index)
    series = x if isinstance(x, pd.Series) else pd.Series(list(x))
    idx, problem = match_levels(series, levels, tol, str(series.name) if series.name is not None else "x")
    if problem:
        raise ValueError(problem)
    return _categorical(idx, levels, series.index, series.name)


def _categorical(idx: np.ndarray, levels: list, index: pd.Index, name: Any) -> pd.Series:
    dtype = pd.CategoricalDtype(levels, ordered=True)
    return pd.Series(pd.Categorical.from_codes(idx, dtype=dtype), index=index, name=name)
