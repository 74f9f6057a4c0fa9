"""Set-theoretic parameters of fit: consistency, coverage, PRI and relevance of necessity.

Formulas (X = membership in the condition or expression, Y = in the outcome, sums over
cases; Ragin 2006, 2008 ch. 3; Schneider & Wagemann 2012 ch. 5 and 9):

- sufficiency consistency ``inclS = sum(min(X, Y)) / sum(X)``
- proportional reduction in inconsistency
  ``PRI = (sum(min(X, Y)) - sum(min(X, Y, 1-Y))) / (sum(X) - sum(min(X, Y, 1-Y)))``
- sufficiency coverage ``covS = sum(min(X, Y)) / sum(Y)``
- unique coverage of term i in a model M: ``covU = (sum(min(M, Y)) - sum(min(M_-i, Y))) / sum(Y)``
  where ``M_-i`` is the disjunction of the other terms
- necessity consistency ``inclN = sum(min(X, Y)) / sum(Y)``
- necessity coverage ``covN = sum(min(X, Y)) / sum(X)``
- relevance of necessity ``RoN = sum(1 - X) / sum(1 - min(X, Y))``
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .validate import SetsInputError, check_memberships

Literal = tuple[str, bool]  # (condition name, negated)
Term = tuple[Literal, ...]

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


def parse_expression(expr: str) -> tuple[Term, ...]:
    """Parse a sum of products such as ``"A*~B + C"``.

    Parameters
    ----------
    expr : str
        Terms joined by ``+`` (OR); literals within a term joined by ``*`` (AND);
        ``~`` negates a literal. Names are identifier-like (letters, digits, ``_``, ``.``).

    Returns
    -------
    tuple of terms
        Each term is a tuple of ``(name, negated)`` literals.
    """
    if not isinstance(expr, str) or not expr.strip():
        raise SetsInputError([f"expression {expr!r} is empty; expected e.g. 'A*~B + C'"])
    terms: list[Term] = []
    problems: list[str] = []
    for raw_term in expr.split("+"):
        lits: list[Literal] = []
        for raw in raw_term.split("*"):
            lit = raw.strip()
            neg = False
            while lit.startswith("~"):
                neg = not neg
                lit = lit[1:].strip()
            if not _NAME.match(lit):
                problems.append(
                    f"expression {expr!r}: {raw.strip()!r} is not a condition name; expected "
                    "names joined by '*' (and), '+' (or), with '~' for negation"
                )
                continue
            lits.append((lit, neg))
        terms.append(tuple(lits))
    if problems:
        raise SetsInputError(problems)
    return tuple(terms)


def term_string(term: Term) -> str:
    """Write a term back as ``"A*~B"``."""
    return "*".join(("~" if neg else "") + name for name, neg in term)


def _term_membership(data: pd.DataFrame, term: Term) -> np.ndarray:
    m = np.ones(len(data))
    for name, neg in term:
        v = data[name].to_numpy(dtype=float)
        m = np.minimum(m, 1.0 - v if neg else v)
    return m


def membership(data: pd.DataFrame, expr: str) -> pd.Series:
    """Fuzzy membership of every case in an expression.

    AND is the minimum, OR the maximum, negation ``1 - x`` (Ragin 2008, ch. 2).

    Parameters
    ----------
    data : DataFrame
        Cases in rows (index = case id), set memberships in columns.
    expr : str
        A column name, ``"~name"``, or a sum of products such as ``"A*~B + C"``.

    Returns
    -------
    Series
        Membership of each case, indexed like ``data``, named ``expr``.
    """
    terms = parse_expression(expr)
    names = sorted({name for term in terms for name, _ in term})
    check_memberships(data, names)
    values = np.max(np.vstack([_term_membership(data, t) for t in terms]), axis=0)
    return pd.Series(values, index=data.index, name=expr)


def _arrays(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise SetsInputError([f"x and y must be 1-d of equal length, got {xa.shape} and {ya.shape}"])
    return xa, ya


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den > 0 else float("nan")


def sufficiency_fit(x: object, y: object) -> dict[str, float]:
    """Consistency (inclS), PRI and coverage (covS) of the claim X is sufficient for Y.

    Parameters
    ----------
    x, y : array-like
        Memberships of the same cases in the condition (expression) and the outcome.

    Returns
    -------
    dict
        ``{"inclS": ..., "PRI": ..., "covS": ...}``; NaN where a denominator is 0.
    """
    xa, ya = _arrays(x, y)
    sxy = np.minimum(xa, ya).sum()
    sxyn = np.minimum(np.minimum(xa, ya), 1.0 - ya).sum()
    return {
        "inclS": _ratio(sxy, xa.sum()),
        "PRI": _ratio(sxy - sxyn, xa.sum() - sxyn),
        "covS": _ratio(sxy, ya.sum()),
    }


def necessity_fit(x: object, y: object) -> dict[str, float]:
    """Consistency (inclN), relevance (RoN) and coverage (covN) of X is necessary for Y.

    Parameters
    ----------
    x, y : array-like
        Memberships of the same cases in the condition (expression) and the outcome.

    Returns
    -------
    dict
        ``{"inclN": ..., "RoN": ..., "covN": ...}``; NaN where a denominator is 0.
    """
    xa, ya = _arrays(x, y)
    sxy = np.minimum(xa, ya).sum()
    return {
        "inclN": _ratio(sxy, ya.sum()),
        "RoN": _ratio((1.0 - xa).sum(), (1.0 - np.minimum(xa, ya)).sum()),
        "covN": _ratio(sxy, xa.sum()),
    }


def parameters_of_fit(
    data: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    *,
    relation: str = "sufficiency",
) -> pd.DataFrame:
    """Parameters of fit of each term and of their disjunction (the model).

    Parameters
    ----------
    data : DataFrame
        Cases in rows (index = case id), set memberships in columns.
    outcome : str
        Outcome column, or ``"~name"`` for its negation.
    terms : sequence of str
        Terms (each a conjunction, or any expression).
    relation : {"sufficiency", "necessity"}
        Which parameters to compute.

    Returns
    -------
    DataFrame
        Index ``term``: each term, then ``"model"`` (the disjunction of all terms).
        Sufficiency: columns ``inclS, PRI, covS, covU`` (covU of ``"model"`` is NaN);
        necessity: ``inclN, RoN, covN``.
    """
    if relation not in ("sufficiency", "necessity"):
        raise SetsInputError([f"relation={relation!r}; expected 'sufficiency' or 'necessity'"])
    terms = list(terms)
    if not terms:
        raise SetsInputError(["terms is empty; expected at least one term"])
    y = membership(data, outcome).to_numpy()
    xs = np.vstack([membership(data, t).to_numpy() for t in terms])
    return fit_table(xs, y, terms, relation=relation)


def fit_table(
    xs: np.ndarray, y: np.ndarray, terms: Sequence[str], *, relation: str = "sufficiency"
) -> pd.DataFrame:
    """Parameters of fit from a (terms x cases) membership matrix; see :func:`parameters_of_fit`."""
    xs = np.atleast_2d(np.asarray(xs, dtype=float))
    y = np.asarray(y, dtype=float)
    model = xs.max(axis=0)
    if relation == "necessity":
        rows = [necessity_fit(xs[i], y) for i in range(len(xs))] + [necessity_fit(model, y)]
        return pd.DataFrame(rows, index=pd.Index([*terms, "model"], name="term"))
    allx = np.vstack([xs, model[None, :]])
    mxy = np.minimum(allx, y[None, :])
    sxy = mxy.sum(axis=1)
    sxyn = np.minimum(mxy, 1.0 - y[None, :]).sum(axis=1)
    sx = allx.sum(axis=1)
    sy = y.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        incl = np.where(sx > 0, sxy / sx, np.nan)
        pri = np.where(sx - sxyn > 0, (sxy - sxyn) / (sx - sxyn), np.nan)
        cov = sxy / sy if sy > 0 else np.full(len(sx), np.nan)
    # unique coverage: M_-i is the maximum over the other terms, i.e. the second largest
    # membership where term i is the (first) maximum and the model membership elsewhere
    if len(xs) == 1:
        rest_cover = np.zeros(1)
    else:
        top = xs.argmax(axis=0)
        part = np.partition(xs, len(xs) - 2, axis=0)
        second = part[len(xs) - 2]
        rest_cover = np.empty(len(xs))
        m_y = np.minimum(model, y)
        s_y = np.minimum(second, y)
        total = m_y.sum()
        for i in range(len(xs)):
            hit = top == i
            rest_cover[i] = total - m_y[hit].sum() + s_y[hit].sum()
    covu = np.append((sxy[-1] - rest_cover) / sy if sy > 0 else np.full(len(xs), np.nan), np.nan)
    return pd.DataFrame(
        {"inclS": incl, "PRI": pri, "covS": cov, "covU": covu},
        index=pd.Index([*terms, "model"], name="term"),
    )
