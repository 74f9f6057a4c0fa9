"""Diagnostics: skewed memberships, simultaneous subset relations, typical and deviant cases.

References: Schneider & Wagemann 2012, ch. 9 (skewed set membership, simultaneous subset
relations) and ch. 11 (case types: typical, deviant cases consistency in kind and in
degree, deviant cases coverage, individually irrelevant cases); Dusa 2019, ch. 6.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .fit import membership, sufficiency_fit
from .truthtable import TOLERANCE
from .validate import SetsInputError, check_memberships, cutoff_problem


def skewness(
    data: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    low: float = 0.2,
    high: float = 0.8,
) -> pd.DataFrame:
    """Share of cases with membership above 0.5 in each set, flagged when skewed.

    Parameters
    ----------
    data : DataFrame
        Cases in rows, memberships in columns.
    columns : sequence of str, optional
        Sets to check (default: all columns).
    low, high : float
        A set is ``skewed`` when its share above 0.5 is below ``low`` or above ``high``
        (default 20% / 80%, a common rule of thumb; choose your own).

    Returns
    -------
    DataFrame
        Index = set; columns ``n, n_above_half, share_above_half, skewed``.
    """
    columns = list(data.columns) if columns is None else list(columns)
    problems = [p for n, v in {"low": low, "high": high}.items() if (p := cutoff_problem(n, v))]
    if problems:
        raise SetsInputError(problems)
    check_memberships(data, columns)
    recs = {}
    for c in columns:
        v = data[c].to_numpy(dtype=float)
        above = int((v > 0.5).sum())
        share = above / len(v) if len(v) else float("nan")
        recs[c] = {"n": len(v), "n_above_half": above, "share_above_half": share,
                   "skewed": bool(share < low or share > high)}
    out = pd.DataFrame.from_dict(recs, orient="index")
    out.index.name = "set"
    return out


def simultaneous_subset(
    data: pd.DataFrame, outcome: str, expr: str, *, incl_cut: float = 0.8
) -> pd.DataFrame:
    """Check whether ``expr`` is a consistent subset of both the outcome and its negation.

    With skewed or mid-range memberships a condition can pass the consistency cut-off for
    Y and for ~Y at once; PRI tells which relation is stronger.

    Returns
    -------
    DataFrame
        Index ``outcome`` (``Y``, ``~Y``); columns ``inclS, PRI, covS`` and ``passes``;
        attribute ``attrs["simultaneous"]`` is True when both pass.
    """
    if (p := cutoff_problem("incl_cut", incl_cut)) is not None:
        raise SetsInputError([p])
    x = membership(data, expr).to_numpy()
    name = outcome[1:].strip() if outcome.startswith("~") else outcome
    neg = name if outcome.startswith("~") else f"~{name}"
    recs = {}
    for o in (outcome, neg):
        f = sufficiency_fit(x, membership(data, o).to_numpy())
        recs[o] = {**f, "passes": bool(f["inclS"] >= incl_cut - TOLERANCE)}
    out = pd.DataFrame.from_dict(recs, orient="index")
    out.index.name = "outcome"
    out.attrs["simultaneous"] = bool(out["passes"].all())
    return out


_SUFF = {
    (True, True, True): "typical",
    (True, True, False): "deviant consistency (degree)",
    (True, False, False): "deviant consistency (kind)",
    (False, True, False): "deviant coverage",
    (False, True, True): "deviant coverage",
    (False, False, True): "irrelevant",
    (False, False, False): "irrelevant",
    (True, False, True): "deviant consistency (kind)",  # impossible: X>0.5>=Y with X<=Y
}


def case_types(
    data: pd.DataFrame, outcome: str, expr: str, *, relation: str = "sufficiency"
) -> pd.DataFrame:
    """Classify cases as typical or deviant for a sufficiency or necessity claim.

    Sufficiency (X -> Y; Schneider & Wagemann 2012, ch. 11): typical ``X > 0.5, Y > 0.5,
    X <= Y``; deviant consistency in degree ``X > 0.5, Y > 0.5, X > Y``; deviant consistency
    in kind ``X > 0.5, Y <= 0.5``; deviant coverage ``X <= 0.5, Y > 0.5``; irrelevant
    ``X <= 0.5, Y <= 0.5``. Necessity (X <- Y) swaps the roles of X and Y: deviant
    consistency ``Y > 0.5, X <= 0.5`` (kind) or ``Y > X`` (degree); deviant coverage (trivial
    cases) ``X > 0.5, Y <= 0.5``.

    Returns
    -------
    DataFrame
        Index = case id; columns ``X, Y, type``.
    """
    if relation not in ("sufficiency", "necessity"):
        raise SetsInputError([f"relation={relation!r}; expected 'sufficiency' or 'necessity'"])
    x = membership(data, expr)
    y = membership(data, outcome)
    a, b = (x, y) if relation == "sufficiency" else (y, x)
    key = zip(a > 0.5, b > 0.5, a <= b + TOLERANCE, strict=True)
    types = [_SUFF[(bool(p), bool(q), bool(r))] for p, q, r in key]
    if relation == "necessity":
        types = [t.replace("deviant coverage", "deviant coverage (trivial)") for t in types]
    return pd.DataFrame({"X": x.to_numpy(), "Y": y.to_numpy(), "type": types}, index=data.index)


def deviant_cases(
    data: pd.DataFrame,
    outcome: str,
    expr: str,
    *,
    relation: str = "sufficiency",
    which: str = "consistency",
) -> pd.DataFrame:
    """Cases deviant for consistency or for coverage (a subset of :func:`case_types`)."""
    if which not in ("consistency", "coverage"):
        raise SetsInputError([f"which={which!r}; expected 'consistency' or 'coverage'"])
    check_memberships(data, [])
    types = case_types(data, outcome, expr, relation=relation)
    return types[types["type"].str.startswith(f"deviant {which}")]


__all__ = ["skewness", "simultaneous_subset", "case_types", "deviant_cases"]
