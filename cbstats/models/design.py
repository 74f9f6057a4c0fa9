"""Turn a :class:`~cbstats.models.formula.FormulaSpec` and a DataFrame into arrays.

The :class:`Design` remembers everything needed to build the same arrays for
new data (factor levels, ordinal levels of ``mo()`` predictors, the
population-term encoder from :mod:`formulae`, the column means used for
centring), so ``predict(newdata)`` is consistent with the fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import formulae
import numpy as np
import pandas as pd

from .._warn import warn_user
from .formula import FormulaSpec, GroupTerm, MonoTerm
from .scales import encode_levels, mo_levels

__all__ = [
    "Design",
    "GroupDesign",
    "MonoDesign",
    "ObservationLevelEffectWarning",
    "UnobservedLevelWarning",
    "WeakIdentificationWarning",
    "build_design",
    "used_columns",
]

class WeakIdentificationWarning(UserWarning):
    """Part of the model is informed by its prior (almost) only, given these data."""


class UnobservedLevelWarning(WeakIdentificationWarning):
    """An ordered level of a ``mo()`` predictor occurs in no row of the data."""


class ObservationLevelEffectWarning(WeakIdentificationWarning):
    """Every level of a varying-effects term has one row, and each row one outcome."""


_FUNCS_OK = {
    "C",
    "I",
    "np",
    "log",
    "exp",
    "sqrt",
    "center",
    "scale",
    "standardize",
    "True",
    "False",
}


@dataclass
class MonoDesign:
    """Ordinal coding of one ``mo(x)`` predictor: ``index`` in ``0..D``."""

    term: MonoTerm
    levels: list  # the data values of the D + 1 ordered levels
    index: np.ndarray

    @property
    def D(self) -> int:  # noqa: N802 - the number of steps, as in the paper
        return len(self.levels) - 1

    def encode(self, values: pd.Series) -> np.ndarray:
        return encode_levels(values, self.levels, self.term.var)

    def step_matrix(self, index: np.ndarray | None = None) -> np.ndarray:
        """``(N, D)`` indicators ``M[i, j] = 1`` if row ``i`` is above step ``j``.

        The monotonic transform of row ``i`` is ``D * M[i] @ zeta`` for the
        simplex ``zeta`` of step proportions (a cumulative sum written as a
        constant matrix product, which is cheap to differentiate). ``index``:
        level indices of other rows (default: the fitted rows).
        """
        index = self.index if index is None else np.asarray(index)
        return (np.arange(self.D)[None, :] < index[:, None]).astype("float64")


@dataclass
class GroupDesign:
    """Index arrays of one varying-effects term.

    ``index`` is ``(N,)`` (or ``(N, M)`` for multi-membership, with equal
    weights ``1/M``); ``Z`` is the ``(N, k)`` matrix of the varying
    coefficients (a column of ones for the intercept, then slope columns).
    """

    term: GroupTerm
    levels: list[str]
    index: np.ndarray
    Z: np.ndarray

    @property
    def name(self) -> str:
        return self.term.name

    @property
    def k(self) -> int:
        return self.Z.shape[1]


@dataclass
class Design:
    """All arrays the model builders need, plus what is needed for new data."""

    spec: FormulaSpec
    family: str
    data: pd.DataFrame  # the used columns, after dropping missing rows
    y: np.ndarray
    trials: np.ndarray | None
    response_levels: list | None
    X: np.ndarray
    terms: list[str]
    has_intercept: bool
    mono: list[MonoDesign]
    groups: list[GroupDesign]
    obs_ids: np.ndarray
    id_col: str | None = None
    n_dropped: int = 0
    weak_identification: list[str] = field(default_factory=list)  # messages of the warnings
    _encoder: Any = field(default=None, repr=False)

    @property
    def n_obs(self) -> int:
        return len(self.y)

    @property
    def X_mean(self) -> np.ndarray:  # noqa: N802
        """Column means used to centre the population predictors."""
        return self.X.mean(axis=0) if self.X.shape[1] else np.zeros(0)

    @property
    def coef_names(self) -> list[str]:
        """Names of all population coefficients (``b``): columns then ``mo()`` terms."""
        return self.terms + [m.term.name for m in self.mono]

    def new_arrays(self, newdata: pd.DataFrame) -> dict[str, Any]:
        """Arrays for ``newdata`` using the levels and encoders of this design.

        Group levels not seen in the fit get indices ``>= len(levels)`` and are
        listed in ``new_levels[name]``.
        """
        cols = [
            c for c in used_columns(self.spec, self.data, self.id_col) if c != self.spec.response
        ]
        if self.spec.trials is None or self.spec.trials not in newdata:
            cols = [c for c in cols if c != self.spec.trials]
        cols = [c for c in cols if c != self.id_col]
        _check_columns(newdata, cols)
        _check_missing(newdata, cols)
        out: dict[str, Any] = {}
        if self.X.shape[1]:
            X = np.asarray(self._encoder.evaluate_new_data(newdata)).astype(float)
            out["X"] = X[:, 1:] if self._has_formulae_intercept else X
        else:
            out["X"] = np.zeros((len(newdata), 0))
        out["mono"] = [m.encode(newdata[m.term.var]) for m in self.mono]
        out["groups"], out["Z"], out["new_levels"] = [], [], {}
        for g in self.groups:
            idx, new = _group_index(newdata, g.term, g.levels)
            out["groups"].append(idx)
            out["Z"].append(_z_matrix(newdata, g.term))
            out["new_levels"][g.name] = new
        if self.spec.trials is not None and self.spec.trials in newdata:
            out["trials"] = newdata[self.spec.trials].to_numpy(dtype=int)
        return out

    _has_formulae_intercept: bool = True


def _identifiers(expr: str) -> list[str]:
    expr = re.sub(r"(['\"]).*?\1", " ", expr)  # strip string literals
    out = []
    for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*(\s*\()?", expr):
        if m.group(1):  # a function call
            continue
        name = m.group(0)
        if expr[: m.start()].rstrip().endswith("."):  # attribute like np.log
            continue
        out.append(name)
    return out


def used_columns(spec: FormulaSpec, data: pd.DataFrame, id_col: str | None = None) -> list[str]:
    """All data columns the model uses (response, predictors, groups, trials, ids)."""
    pop = [t for t in _identifiers(spec.population) if t not in _FUNCS_OK]
    cols = spec.columns + pop + ([id_col] if id_col else [])
    return list(dict.fromkeys(cols))


def _check_columns(data: pd.DataFrame, cols: list[str]) -> None:
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(
            f"unknown column(s) {missing} in the formula; available columns: {list(data.columns)}"
        )


def _dropped_message(df: pd.DataFrame, keep: np.ndarray, id_col: str | None) -> str:
    """``dropped N of M rows ...`` naming the dropped case ids (or index labels) and columns."""
    gone = df.loc[~keep]
    ids = gone[id_col] if id_col is not None and id_col in gone else gone.index.to_series()
    shown = ", ".join(map(str, ids.to_numpy()[:20])) + (" ..." if len(ids) > 20 else "")
    per_col = gone.isna().sum()
    cols = ", ".join(f"{c} ({int(n)})" for c, n in per_col[per_col > 0].items())
    what = "case ids" if id_col is not None and id_col in gone else "rows"
    return (f"dropped {len(gone)} of {len(df)} rows with missing values in the model's columns "
            f"[{cols}]: {what} {shown}")


def _check_missing(data: pd.DataFrame, cols: list[str]) -> None:
    problems = []
    for c in cols:
        bad = data.index[data[c].isna().to_numpy()]
        if len(bad):
            shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
            problems.append(f"column {c!r} has {len(bad)} missing value(s) at rows [{shown}]")
    if problems:
        raise ValueError(
            "missing values in columns used by the model (pass missing='drop' to drop "
            "those rows):\n  " + "\n  ".join(problems)
        )


def _ordinal_levels(values: pd.Series) -> list:
    if isinstance(values.dtype, pd.CategoricalDtype):
        if not values.dtype.ordered:
            raise ValueError(f"column {values.name!r} is an unordered categorical; need ordered")
        return list(values.dtype.categories)
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        if pd.api.types.is_bool_dtype(values):
            return [False, True]
        raise ValueError(
            f"column {values.name!r} must be numeric or an ordered categorical to be ordinal"
        )
    v = values.to_numpy(dtype=float)
    if np.all(v == np.round(v)):
        return list(range(int(v.min()), int(v.max()) + 1))
    return sorted(np.unique(v).tolist())


def _unobserved_levels_message(m: MonoDesign) -> str | None:
    """Describe the ordered levels of ``mo(x)`` that occur in no row (None if all occur).

    The simplex share of a step next to an empty level is then informed by the
    data only jointly with its neighbours (inner level) or by its prior alone
    (lowest or highest level: the step's indicator is constant and vanishes in
    the centring); ``b``, the average effect of one step, averages over it.
    """
    counts = np.bincount(m.index, minlength=len(m.levels))
    empty = [m.levels[i] for i in np.flatnonzero(counts == 0)]
    if not empty:
        return None
    return (f"mo({m.term.var}): level(s) {empty} of the ordered levels {m.levels} occur in no "
            "row; the share of a step next to such a level is informed by its simplex prior "
            "only (jointly with its neighbour, for an inner level), and b, the average effect "
            "of one step, averages over it. Give the column as an ordered categorical without "
            "those levels if they are not meant to be part of the scale.")


def _observation_level_message(g: GroupDesign) -> str | None:
    """Describe a term each of whose levels has exactly one row (None otherwise).

    With one binary or ordinal outcome per row such a term is an
    observation-level effect: the likelihood identifies its SD only through the
    shape of the logistic-normal link as the predictors vary, i.e. weakly at
    best, so the SD mostly reflects its prior (compare lme4's
    ``check.nobs.vs.nlev``).
    """
    rows_per_level = np.bincount(np.ravel(g.index), minlength=len(g.levels))
    if len(g.levels) < 2 or not np.all(rows_per_level == 1):
        return None
    return (f"(... | {g.name}): each of its {len(g.levels)} levels has exactly one row, so this "
            "is an observation-level effect; with one binary or ordinal outcome per row the "
            "likelihood identifies its SD only through the shape of the link (weakly at best), "
            "and the SD mostly reflects its prior. Drop the term unless that is intended.")


def _encode_ordinal(values: pd.Series, levels: list, name: str) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(values):
        lut = {lv: i for i, lv in enumerate(levels)}
        idx = [lut.get(v, -1) for v in values]
        bad = [v for v, i in zip(values, idx, strict=True) if i < 0]
        if bad:
            raise ValueError(
                f"column {name!r}: values {sorted(set(map(str, bad)))} not in {levels}"
            )
        return np.asarray(idx, dtype=int)
    v = values.to_numpy(dtype=float)
    lv = np.asarray(levels, dtype=float)
    d = np.abs(v[:, None] - lv[None, :])
    idx = d.argmin(axis=1)
    bad = d[np.arange(len(v)), idx] > 1e-9
    if bad.any():
        raise ValueError(
            f"column {name!r}: values {sorted(set(v[bad].tolist()))} are not among the "
            f"ordinal levels {levels}"
        )
    return idx.astype(int)


def _group_labels(data: pd.DataFrame, factors: tuple[str, ...]) -> np.ndarray:
    parts = [data[f].astype(str).to_numpy() for f in factors]
    out = parts[0].astype(object)
    for p in parts[1:]:
        out = out + ":" + p
    return out


def _sorted_levels(data: pd.DataFrame, term: GroupTerm) -> list[str]:
    if term.mm:
        vals = pd.concat([data[c] for c in term.factors], ignore_index=True)
        uniq = pd.unique(vals)
        return [str(v) for v in sorted(uniq, key=_sort_key)]
    frame = data[list(term.factors)].drop_duplicates()
    rows = sorted(frame.itertuples(index=False, name=None), key=lambda t: tuple(map(_sort_key, t)))
    return [":".join(map(str, r)) for r in rows]


def _sort_key(v: Any) -> tuple:
    try:
        return (0, float(v), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(v))


def _group_index(data: pd.DataFrame, term: GroupTerm, levels: list[str]) -> tuple[np.ndarray, list]:
    lut = {lv: i for i, lv in enumerate(levels)}
    new: list[str] = []
    if term.mm:
        labels = np.column_stack([data[c].astype(str).to_numpy() for c in term.factors])
    else:
        labels = _group_labels(data, term.factors)[:, None]
    idx = np.empty(labels.shape, dtype=int)
    for pos, lab in np.ndenumerate(labels):
        if lab not in lut:
            lut[lab] = len(lut)
            new.append(lab)
        idx[pos] = lut[lab]
    return (idx if term.mm else idx[:, 0]), new


def _z_matrix(data: pd.DataFrame, term: GroupTerm) -> np.ndarray:
    cols = [np.ones(len(data))] if term.intercept else []
    for s in term.slopes:
        if not pd.api.types.is_numeric_dtype(data[s]):
            raise ValueError(f"varying slope column {s!r} must be numeric")
        cols.append(data[s].to_numpy(dtype=float))
    return np.column_stack(cols)


def _response(spec: FormulaSpec, family: str, data: pd.DataFrame):
    """Encode the response with the family's rules: ``(y, trials, levels)``."""
    from .families import get_family

    r = get_family(family).encode_response(spec, data)
    return r.y, r.trials, r.levels


def build_design(
    spec: FormulaSpec,
    data: pd.DataFrame,
    family: str,
    *,
    id_col: str | None = None,
    missing: str = "raise",
    warn_stacklevel: int | None = 2,
) -> Design:
    """Build the arrays for ``spec`` from ``data`` (never modifies ``data``).

    Parameters
    ----------
    spec
        Parsed formula.
    data
        A tidy DataFrame, one row per observation.
    family
        ``"cumulative"``, ``"bernoulli"`` or ``"binomial"``.
    id_col
        Column with unique observation ids (the ``obs`` coordinate); the
        DataFrame index is used when None.
    missing
        ``"raise"`` (default): missing values in a used column are an error
        naming the column and rows. ``"drop"``: drop those rows with a warning.
    warn_stacklevel
        Where the :class:`WeakIdentificationWarning` s (an ``mo()`` level no
        row has, an observation-level varying term) point: 2 (default) is the
        caller of ``build_design``; None records them in
        ``Design.weak_identification`` without warning (e.g. when a saved
        result is loaded).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    if missing not in ("raise", "drop"):
        raise ValueError(f"missing must be 'raise' or 'drop', got {missing!r}")
    cols = used_columns(spec, data, id_col)
    _check_columns(data, cols)
    df = data.loc[:, cols].copy()
    n_dropped = 0
    if missing == "drop":
        keep = ~df.isna().any(axis=1).to_numpy()
        n_dropped = int((~keep).sum())
        if n_dropped:
            warn_user(_dropped_message(df, keep, id_col), UserWarning)
            df = df.loc[keep]
    _check_missing(df, cols)
    if len(df) == 0:
        raise ValueError("no rows left to fit")

    from .families import Response, get_family

    y, trials, response_levels = _response(spec, family, df)
    one_outcome_per_row = get_family(family).one_outcome_per_row(
        Response(y, trials, response_levels))
    dm = formulae.design_matrices(spec.population, df, na_action="error")
    common = dm.common
    names: list[str] = []
    X = np.asarray(common).astype(float)
    for term_name, sl in common.slices.items():
        width = sl.stop - sl.start
        term = common.terms[term_name]
        levels = getattr(term, "labels", None)
        if width == 1:
            names.append(term_name)
        elif levels is not None and len(levels) == width:
            names.extend(levels)
        else:
            names.extend(f"{term_name}[{i}]" for i in range(width))
    has_intercept = "Intercept" in common.slices
    if has_intercept:
        X = np.delete(X, common.slices["Intercept"].start, axis=1)
        names.remove("Intercept")

    mono: list[MonoDesign] = []
    weak: list[tuple[type[WeakIdentificationWarning], str | None]] = []
    for m in spec.mono:
        levels = mo_levels(df[m.var], m.var)
        if len(levels) < 2:
            raise ValueError(f"mo({m.var}) needs at least 2 ordered levels, got {levels}")
        mono.append(MonoDesign(m, levels, encode_levels(df[m.var], levels, m.var)))
        weak.append((UnobservedLevelWarning, _unobserved_levels_message(mono[-1])))
    groups = []
    for g in spec.groups:
        levels = _sorted_levels(df, g)
        idx, _ = _group_index(df, g, levels)
        groups.append(GroupDesign(g, levels, idx, _z_matrix(df, g)))
        if one_outcome_per_row:
            weak.append((ObservationLevelEffectWarning, _observation_level_message(groups[-1])))
    weak = [(category, message) for category, message in weak if message]
    for category, message in weak if warn_stacklevel else ():
        warn_user(message, category)  # at the user's line, however deep the call

    if id_col is not None:
        ids = df[id_col].to_numpy()
        if pd.Series(ids).duplicated().any():
            raise ValueError(f"id column {id_col!r} has duplicated values")
    else:
        ids = df.index.to_numpy()
        if df.index.duplicated().any():
            ids = np.arange(len(df))
    design = Design(
        spec=spec,
        family=family,
        data=df,
        y=y,
        trials=trials,
        response_levels=response_levels,
        X=X,
        terms=names,
        has_intercept=has_intercept,
        mono=mono,
        groups=groups,
        obs_ids=ids,
        id_col=id_col,
        n_dropped=n_dropped,
        weak_identification=[message for _, message in weak],
        _encoder=common,
    )
    design._has_formulae_intercept = has_intercept
    return design
