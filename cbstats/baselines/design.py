"""Population design of a formula for the frequentist baselines.

The baselines estimate the population part of the same lme4/brms-style
formulas the Bayesian models use. Terms statsmodels cannot estimate are never
dropped silently: every change is recorded as a note that appears in the
result and its tables.

- ``mo(x)`` is mapped to the index of ``x``'s level (0, 1, ..., D; levels as in
  :func:`cbstats.models.scales.mo_levels`, so an ordered categorical keeps its
  empty levels): a linear effect per step, comparable to the average step of
  the monotonic effect.
- ``(1 | g)`` is dropped (``groups="drop"``, default) or mapped to fixed
  effects of ``g`` (``groups="fixed"``); varying slopes and multi-membership
  terms are dropped either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..models.design import used_columns
from ..models.formula import FormulaSpec, parse_formula
from ..models.scales import encode_levels, mo_levels


@dataclass
class BaselineDesign:
    """Response, design matrix (named columns) and the notes on mapped terms."""

    spec: FormulaSpec
    y: np.ndarray
    X: pd.DataFrame
    trials: np.ndarray | None
    notes: list[str]
    rows: pd.Index


def _mo_column(var: str) -> str:
    return f"mo_{var}__rank"


def baseline_design(formula: str, data: pd.DataFrame, *, groups: str = "drop") -> BaselineDesign:
    """Build the response and population design matrix of ``formula`` on ``data``.

    Parameters
    ----------
    formula : str
        Model formula (same syntax as :func:`cbstats.fit`).
    data : DataFrame
        One row per observation. Not modified.
    groups : {"drop", "fixed"}
        What to do with varying intercepts ``(1 | g)``.

    Returns
    -------
    BaselineDesign

    Raises
    ------
    ValueError
        For unknown columns, missing values, or an invalid ``groups`` option.
    """
    import formulae

    if groups not in ("drop", "fixed"):
        raise ValueError(f"groups must be 'drop' or 'fixed', got {groups!r}")
    spec = parse_formula(formula)
    frame = data.copy()
    notes: list[str] = []
    rhs = [spec.population] if spec.population.strip() not in ("", "1") else ["1"]
    for mono in spec.mono:
        if mono.var not in frame:
            raise ValueError(f"column {mono.var!r} (in {mono.name}) is not in the data")
        levels = mo_levels(frame[mono.var].dropna(), mono.var)
        col = _mo_column(mono.var)
        codes = np.full(len(frame), np.nan)
        ok = frame[mono.var].notna().to_numpy()
        codes[ok] = encode_levels(frame.loc[ok, mono.var], levels, mono.var)
        frame[col] = codes
        rhs.append(col)
        notes.append(f"{mono.name} estimated as a linear effect of its rank 0..{len(levels) - 1} "
                     "(one coefficient per step), not as a monotonic effect")
    for g in spec.groups:
        coefs = " + ".join("1" if c == "Intercept" else c for c in g.coef_names)
        label = f"({coefs} | {'mm(' + ', '.join(g.factors) + ')' if g.mm else g.name})"
        if groups == "fixed" and not g.mm:
            for f in g.factors:
                if f not in frame:
                    raise ValueError(f"column {f!r} (in {label}) is not in the data")
            rhs.append("C(" + ":".join(g.factors) + ")" if len(g.factors) == 1 else
                       "C(" + "):C(".join(g.factors) + ")")
            notes.append(f"{label} mapped to fixed effects of {g.name}")
            if g.slopes:
                notes.append(f"varying slopes of {', '.join(g.slopes)} in {label} dropped")
        else:
            notes.append(f"{label} dropped: the baseline estimates population terms only")
    lhs = spec.response
    rhs_formula = " + ".join(r for r in rhs if r)
    wanted = set(used_columns(spec, data)) - {f for g in spec.groups for f in g.factors if groups == "drop"}
    unknown = sorted(c for c in wanted if c not in frame.columns)
    if unknown:
        raise ValueError(f"unknown column(s) {unknown} in the formula; available: {list(data.columns)}")
    used = [c for c in frame.columns if c in wanted]
    missing_rows = frame[used].isna().any(axis=1) if used else pd.Series(False, index=frame.index)
    if missing_rows.any():
        bad = frame.index[missing_rows].tolist()
        cols = [c for c in used if frame[c].isna().any()]
        raise ValueError(f"missing values in {', '.join(cols)} at rows {bad[:10]}"
                         f"{' ...' if len(bad) > 10 else ''}; drop or impute them first")
    dm = formulae.design_matrices(f"{lhs} ~ {rhs_formula}", frame, na_action="error")
    X = dm.common.as_dataframe()
    renames = {_mo_column(m.var): m.name for m in spec.mono}
    X = X.rename(columns=renames)
    X.index = frame.index
    y = frame[spec.response].to_numpy()
    trials = frame[spec.trials].to_numpy(dtype=float) if spec.trials else None
    return BaselineDesign(spec=spec, y=y, X=X, trials=trials, notes=notes, rows=frame.index)
