"""Checks before sampling: bad data and bad priors are found before any compilation.

:func:`check_inputs` is called by :func:`cbstats.fit` and
:func:`cbstats.sample_prior_predictive` right after the formula is parsed. It
collects every problem it finds and raises one :class:`ValueError` listing
them all, each naming the column or prior and the offending value:

* predictors that are infinite, or not numbers although they look like them
  (numbers stored as text, numbers and text mixed in one column);
* an outcome with the same value in every row (nothing to model);
* a grouping factor with a single level (a varying effect needs two);
* a prior that is not a prior (wrong type), a prior parameter that is not a
  number, or a scale (SD, degrees of freedom, rate, concentration) that is
  zero, negative or infinite; see :func:`prior_param_problems`, which
  :class:`~cbstats.models.priors.Prior` also runs when it is created.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .design import _FUNCS_OK, _identifiers, used_columns
from .formula import FormulaSpec
from .scales import mo_levels

__all__ = ["check_inputs", "data_problems", "prior_problems", "prior_param_problems"]

# parameters that may be any finite real number; every other prior parameter is a scale (> 0)
_LOCATION_PARAMS = {("normal", "mu"), ("student_t", "mu"), ("cauchy", "alpha")}


def _is_real(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def prior_param_problems(dist: str, params: Mapping[str, Any], where: str = "") -> list[str]:
    """Problems with the parameter values of one prior (empty list if none).

    Every parameter must be a real number (not text, not a bool, not None);
    location parameters (``mu``, Cauchy ``alpha``) must be finite and all
    others -- standard deviations, scales, degrees of freedom, rates, LKJ
    ``eta``, Dirichlet ``alpha`` -- finite and greater than zero.
    """
    prefix = f"prior {where}: " if where else f"{dist} prior: "
    out = []
    for name, value in params.items():
        if not _is_real(value):
            out.append(f"{prefix}parameter {name!r} of {dist}() is {value!r} "
                       f"({type(value).__name__}); expected a number")
        elif not math.isfinite(float(value)):
            out.append(f"{prefix}parameter {name!r} of {dist}() is {value!r}; expected a finite number")
        elif (dist, name) not in _LOCATION_PARAMS and float(value) <= 0:
            out.append(f"{prefix}parameter {name!r} of {dist}() is {value!r}; it is a scale and "
                       "must be greater than zero")
    return out


def prior_problems(priors: Mapping[str, Any] | None) -> list[str]:
    """Problems with user prior overrides (types and values; keys are checked later).

    Each value must be a string such as ``"normal(0, 1)"``, a dict
    ``{"dist": "normal", "mu": 0, "sigma": 1}`` or a
    :class:`~cbstats.models.priors.Prior`.
    """
    from .priors import Prior, parse_prior

    if priors is None:
        return []
    if not isinstance(priors, Mapping):
        return [f"priors must be a dict of prior overrides, got {type(priors).__name__}"]
    out: list[str] = []
    for key, value in priors.items():
        where = repr(key)
        if isinstance(value, Prior):
            continue  # validated when it was created
        if isinstance(value, Mapping):
            if "dist" not in value:
                out.append(f"prior {where}: dict {dict(value)!r} has no 'dist' entry")
                continue
            params = {k: v for k, v in value.items() if k != "dist"}
            problems = prior_param_problems(str(value["dist"]), params, where)
            if problems:
                out += problems
                continue
        elif isinstance(value, str):
            m = re.fullmatch(r"\s*([A-Za-z_]+)\s*\((.*)\)\s*", value)
            if m:
                bad = [a.strip() for a in m.group(2).split(",") if a.strip() and not _parses(a)]
                if bad:
                    out.append(f"prior {where} = {value!r}: argument(s) {bad} are not numbers")
                    continue
        else:
            out.append(f"prior {where} = {value!r} ({type(value).__name__}) is not a prior; expected "
                       "a string like 'normal(0, 1)', a dict {'dist': 'normal', 'mu': 0, "
                       "'sigma': 1} or a cbstats.models.priors.Prior")
            continue
        try:
            parse_prior(value)
        except (ValueError, TypeError) as err:
            msg = re.sub(r"^[a-z_]+ prior: ", "", str(err))  # Prior's own prefix -> the key
            out.append(msg if msg.startswith("prior ") else f"prior {where}: {msg}")
    return out


def _parses(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _row_names(frame: pd.DataFrame, mask: np.ndarray, id_col: str | None, n: int = 10) -> str:
    labels = frame[id_col] if id_col and id_col in frame else frame.index.to_series()
    rows = labels.to_numpy()[mask]
    shown = ", ".join(map(str, rows[:n])) + (" ..." if len(rows) > n else "")
    return f"{'case ids' if id_col and id_col in frame else 'rows'} [{shown}]"


def _in_c(spec: FormulaSpec, col: str) -> bool:
    """True if ``col`` is used only as ``C(col)`` (declared categorical) in the population part."""
    return re.search(rf"\bC\(\s*{re.escape(col)}\s*[,)]", spec.population) is not None


def _predictor_problems(spec: FormulaSpec, df: pd.DataFrame, id_col: str | None) -> list[str]:
    out: list[str] = []
    pop = [t for t in dict.fromkeys(_identifiers(spec.population)) if t not in _FUNCS_OK]
    slopes = [s for g in spec.groups for s in g.slopes]
    numeric_needed = set(slopes)
    for col in dict.fromkeys(pop + slopes):
        if col not in df:
            continue
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(s):
            continue
        if pd.api.types.is_numeric_dtype(s):
            v = s.to_numpy(dtype=float)
            inf = np.isinf(v)
            if inf.any():
                out.append(f"predictor {col!r}: infinite value(s) {sorted(set(v[inf].tolist()))} at "
                           f"{_row_names(df, inf, id_col)}; expected finite numbers")
            continue
        vals = s.dropna()
        numeric = vals.map(lambda x: _is_real(x) or (isinstance(x, str) and _parses(x)))
        if not len(vals) or not numeric.any():
            if col in numeric_needed:
                out.append(f"varying slope {col!r}: column holds text (e.g. {vals.iloc[0]!r}); "
                           "expected numbers")
            continue  # text: a categorical predictor
        if numeric.all():
            if _in_c(spec, col) and col not in numeric_needed:
                continue
            example = vals.iloc[0]
            out.append(f"predictor {col!r}: numbers stored as {type(example).__name__} (e.g. "
                       f"{example!r}, dtype {s.dtype}); convert them with "
                       f"pd.to_numeric(data[{col!r}]), or write C({col}) to treat them as categories")
        else:
            text = list(dict.fromkeys(map(repr, vals[~numeric])))[:5]
            mask = s.notna().to_numpy() & ~s.map(
                lambda x: _is_real(x) or (isinstance(x, str) and _parses(x))).to_numpy()
            out.append(f"predictor {col!r}: numbers mixed with text ({', '.join(text)}) at "
                       f"{_row_names(df, mask, id_col)}; fix those values, or convert the column "
                       "with pd.to_numeric(..., errors='coerce') and decide what to do with the gaps")
    for m in spec.mono:
        if m.var in df:
            try:
                mo_levels(df[m.var], m.var)
            except ValueError as err:
                out.append(str(err))
    return out


def _outcome_problems(spec: FormulaSpec, df: pd.DataFrame, family: str) -> list[str]:
    if spec.response not in df:
        return []
    y = df[spec.response].dropna()
    if not len(y):
        return []
    if spec.trials is not None and spec.trials in df:
        n = pd.to_numeric(df.loc[y.index, spec.trials], errors="coerce")
        k = pd.to_numeric(y, errors="coerce")
        if (k == 0).all():
            return [f"outcome {spec.response!r}: 0 successes in all {len(y)} rows; a constant "
                    "outcome cannot inform the model"]
        if (k == n).all():
            return [f"outcome {spec.response!r}: every trial a success in all {len(y)} rows; a "
                    "constant outcome cannot inform the model"]
        return []
    values = pd.unique(y.astype(object))
    if len(values) == 1:
        return [f"outcome {spec.response!r}: the same value {values[0]!r} in all {len(y)} rows; a "
                "constant outcome cannot inform the model (check the rows you selected)"]
    return []


def _group_problems(spec: FormulaSpec, df: pd.DataFrame) -> list[str]:
    out = []
    for g in spec.groups:
        cols = [c for c in g.factors if c in df]
        if len(cols) != len(g.factors) or not len(df):
            continue
        if g.mm:
            levels = pd.unique(pd.concat([df[c].astype(str) for c in cols], ignore_index=True))
        else:
            levels = pd.unique(df[cols].astype(str).agg(":".join, axis=1))
        if len(levels) == 1:
            out.append(f"grouping factor {g.name!r}: a single level {levels[0]!r} in all {len(df)} "
                       "rows; a varying effect needs at least 2 levels (drop the term, or check "
                       "the rows you selected)")
    return out


def data_problems(
    spec: FormulaSpec, data: pd.DataFrame, family: str, *, id_col: str | None = None,
    missing: str = "raise",
) -> list[str]:
    """Problems with the data for this formula (empty list if none).

    Rows with missing values are left out first when ``missing="drop"``
    (as the fit does); unknown columns are left to the design, which names them.
    """
    if not isinstance(data, pd.DataFrame):
        return []
    df = data
    if missing == "drop":
        cols = [c for c in used_columns(spec, data, id_col) if c in data]
        df = data.loc[~data[cols].isna().any(axis=1)] if cols else data
    return (_predictor_problems(spec, df, id_col) + _outcome_problems(spec, df, family)
            + _group_problems(spec, df))


def check_inputs(
    spec: FormulaSpec,
    data: pd.DataFrame,
    family: str,
    priors: Mapping[str, Any] | None,
    *,
    id_col: str | None = None,
    missing: str = "raise",
) -> None:
    """Raise one ``ValueError`` listing every data and prior problem, before any compilation.

    Parameters
    ----------
    spec
        The parsed formula.
    data
        The user's data (not modified).
    family
        Likelihood family name.
    priors
        The user's prior overrides (as given to :func:`cbstats.fit`).
    id_col, missing
        As in :func:`cbstats.fit`.

    Raises
    ------
    ValueError
        ``"N problem(s) found before sampling:"`` followed by one line per
        problem.
    """
    problems = data_problems(spec, data, family, id_col=id_col, missing=missing)
    problems += prior_problems(priors)
    if problems:
        raise ValueError(f"{len(problems)} problem(s) found before sampling:\n  - "
                         + "\n  - ".join(problems))
