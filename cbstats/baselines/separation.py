"""Detect complete and quasi-complete separation before fitting a logit model.

Small case datasets often contain a predictor (or a combination) that predicts
the outcome perfectly; maximum likelihood estimates then diverge. We test for
it directly with the linear program of Konis (2007, "Linear programming
algorithms for detecting separated data in binary logistic regression
models", DPhil thesis, Oxford; the method of R's ``detectseparation``):
find a direction ``b`` with ``s_i x_i'b >= 0`` for every row (``s_i = ±1`` the
outcome sign) and at least one strict inequality. Such a ``b`` exists exactly
when the data are separated; its non-zero entries name the terms involved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog


@dataclass
class SeparationReport:
    """What separation was found, in plain words."""

    separated: bool
    complete: bool = False
    terms: list[str] = field(default_factory=list)
    directions: dict[str, float] = field(default_factory=dict)
    split: str | None = None
    perfect_rows: int = 0
    messages: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.messages) if self.messages else "no separation"


def check_binary_separation(X: pd.DataFrame, y: np.ndarray, *, split: str | None = None,
                            tol: float = 1e-7) -> SeparationReport:
    """Linear-programming test for separation of a binary outcome.

    Parameters
    ----------
    X : DataFrame
        Design matrix (with the intercept column if the model has one).
    y : array of 0/1
    split : str, optional
        Description of the outcome split (for ordinal outcomes).

    Returns
    -------
    SeparationReport
    """
    A = X.to_numpy(dtype=float)
    s = np.where(np.asarray(y) > 0, 1.0, -1.0)
    SA = s[:, None] * A
    # maximise sum_i s_i x_i'b subject to s_i x_i'b >= 0, -1 <= b <= 1
    res = linprog(-SA.sum(axis=0), A_ub=-SA, b_ub=np.zeros(len(s)), bounds=[(-1, 1)] * A.shape[1],
                  method="highs")
    if not res.success or -res.fun <= tol * max(1, len(s)):
        return SeparationReport(False, split=split)
    b = res.x
    margins = SA @ b
    scale = np.abs(b).max()
    involved = {c: float(v / scale) for c, v in zip(X.columns, b, strict=True)
                if abs(v) > 1e-6 * scale and c != "Intercept"}
    complete = bool(np.all(margins > 1e-9))
    perfect = int(np.sum(margins > 1e-9))
    what = f" for the split {split}" if split else ""
    kind = "Complete" if complete else "Quasi-complete"
    signs = ", ".join(f"{t} ({'+' if v > 0 else '−'})" for t, v in
                      sorted(involved.items(), key=lambda kv: -abs(kv[1])))
    if not signs:
        signs = "the intercept alone (the outcome does not vary)"
    message = (
        f"{kind} separation{what}: a combination of {signs} predicts the outcome perfectly for "
        f"{perfect} of {len(s)} observations, so maximum-likelihood estimates of these terms are "
        "infinite and their standard errors meaningless. Use the Bayesian model (cbstats.fit), "
        "whose weakly informative priors keep the estimates finite, or simplify the model."
    )
    alone = _single_terms(X, lambda cols: check_binary_separation(X[cols], y, split=split, tol=tol)
                          if len(cols) < X.shape[1] else None)
    if alone:
        message += " On its own, " + _alone_text(alone) + "."
    return SeparationReport(True, complete, list(involved), involved, split, perfect, [message])


def _single_terms(X: pd.DataFrame, check) -> list[str]:
    """Terms that separate the outcome on their own (with the intercept / cutpoints)."""
    found = []
    base = [c for c in X.columns if c == "Intercept"]
    for c in X.columns:
        if c == "Intercept":
            continue
        r = check(base + [c])
        if r is not None and r.separated and r.terms:
            found.append(c)
    return found


def _alone_text(terms: list[str]) -> str:
    if len(terms) == 1:
        return f"{terms[0]} already separates the outcome"
    return f"each of {', '.join(terms)} already separates the outcome"


def check_ordinal_separation(X: pd.DataFrame, y: np.ndarray, categories: list,
                             tol: float = 1e-7) -> SeparationReport:
    """Linear-programming test for separation in a cumulative (proportional-odds) model.

    The maximum-likelihood estimate fails to exist exactly when there is a
    direction ``(b, c)`` — coefficients and non-decreasing cutpoint shifts —
    with ``x_i'b <= c_k`` for every observation in category ``k`` (below the
    top) and ``x_i'b >= c_{k-1}`` (above the bottom), at least one strictly.
    We maximise the total slack; a positive optimum means separation. The
    cutpoints whose constraints are strict name the outcome categories that
    are separated, the non-zero entries of ``b`` the terms.

    Parameters
    ----------
    X : DataFrame
        Design matrix WITHOUT an intercept column (the cutpoints take its role).
    y : array
        Outcome values.
    categories : list
        The ordered outcome categories.
    """
    messages = []
    y = np.asarray(y)
    for k in categories:
        if not np.any(y == k):
            messages.append(f"Outcome category {k!r} has no observations; its cutpoint is not "
                            "identified by maximum likelihood.")
    K = len(categories)
    pos = {k: i for i, k in enumerate(categories)}
    idx = np.array([pos[v] for v in y])
    A = X.drop(columns=[c for c in X.columns if c == "Intercept"]).to_numpy(dtype=float)
    names = [c for c in X.columns if c != "Intercept"]
    p, m = A.shape[1], K - 1
    rows, strict_cut = [], []
    for i, k in enumerate(idx):
        if k < K - 1:  # x'b - c_k <= 0  -> slack c_k - x'b
            r = np.zeros(p + m)
            r[:p] = A[i]
            r[p + k] = -1
            rows.append(r)
            strict_cut.append(k)
        if k > 0:  # c_{k-1} - x'b <= 0  -> slack x'b - c_{k-1}
            r = np.zeros(p + m)
            r[:p] = -A[i]
            r[p + k - 1] = 1
            rows.append(r)
            strict_cut.append(k - 1)
    G = np.array(rows)
    order = []
    for j in range(m - 1):  # c_j - c_{j+1} <= 0
        r = np.zeros(p + m)
        r[p + j], r[p + j + 1] = 1, -1
        order.append(r)
    A_ub = np.vstack([G] + ([np.array(order)] if order else []))
    b_ub = np.zeros(len(A_ub))
    res = linprog(G.sum(axis=0), A_ub=A_ub, b_ub=b_ub, bounds=[(-1, 1)] * (p + m), method="highs")
    if res.success and -res.fun > tol * max(1, len(y)):
        z = res.x
        slack = -(G @ z)
        scale = np.abs(z[:p]).max() if p else 0.0
        involved = {n: float(v / scale) for n, v in zip(names, z[:p], strict=True)
                    if scale > 0 and abs(v) > 1e-6 * scale}
        cuts = sorted({strict_cut[r] for r in np.nonzero(slack > 1e-9)[0]})
        splits = [f"'{categories[c]}' and below vs '{categories[c + 1]}' and above" for c in cuts]
        signs = ", ".join(f"{t} ({'+' if v > 0 else '−'})" for t, v in
                          sorted(involved.items(), key=lambda kv: -abs(kv[1])))
        if signs:
            messages.append(
                f"Separation in the ordinal outcome: a combination of {signs} perfectly orders the "
                f"observations at the split(s) {'; '.join(splits)}, so maximum-likelihood estimates of "
                "these terms and cutpoints are infinite. Use the Bayesian model (cbstats.fit), whose "
                "weakly informative priors keep the estimates finite, or simplify the model."
            )
            alone = _single_terms(X, lambda cols: check_ordinal_separation(X[cols], y, categories, tol)
                                  if len(cols) < X.shape[1] else None)
            if alone:
                messages[-1] += " On its own, " + _alone_text(alone) + "."
        return SeparationReport(True, False, list(involved), involved, "; ".join(splits), 0, messages)
    return SeparationReport(bool(messages), False, [], {}, None, 0, messages)
