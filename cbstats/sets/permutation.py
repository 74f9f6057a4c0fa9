"""Permutation test of set-theoretic claims against chance (false-positive check).

With few cases and skewed memberships, a high consistency can arise by chance. Permuting
the outcome memberships across cases keeps both marginal distributions (of the
condition or term, and of the outcome) and breaks any relation between them; the p-value
is the share of permutations whose consistency is at least the observed one. This is the
logic of Braumoeller's permutation test for fsQCA (R package ``QCAfalsePositive``,
``fsQCApermTest``); like it, several claims tested on the same data can be adjusted for
multiple testing (Holm by default, via ``statsmodels``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .fit import membership
from .validate import SetsInputError, check_memberships

STATISTICS = {"sufficiency": "inclS", "necessity": "inclN"}


def _consistency(x: np.ndarray, y: np.ndarray, relation: str) -> np.ndarray:
    """Consistency of x (T, N) for outcomes y (..., N) -> (..., T)."""
    both = np.minimum(x[None], y[..., None, :]).sum(axis=-1)  # (..., T)
    den = x.sum(axis=-1)[None] if relation == "sufficiency" else y.sum(axis=-1)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, both / np.where(den > 0, den, 1), np.nan)


@dataclass(frozen=True, eq=False)
class PermutationResult:
    """Observed consistencies, their permutation p-values and the null distributions.

    Attributes
    ----------
    table : DataFrame
        Index term; ``observed`` (inclS or inclN), ``null_mean``, ``null_q95``, ``p_value``
        (one-sided: P(null >= observed)), ``p_adjusted``.
    null : ndarray, shape (n_permutations, n_terms)
    """

    relation: str
    outcome: str
    n_permutations: int
    seed: int | None
    adjust: str | None
    table: pd.DataFrame
    null: np.ndarray = field(repr=False)


def permutation_test(
    data: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    *,
    relation: str = "sufficiency",
    n_permutations: int = 2000,
    seed: int | None = None,
    adjust: str | None = "holm",
) -> PermutationResult:
    """Does a necessity or sufficiency claim beat chance given the marginals?

    Parameters
    ----------
    data : DataFrame
        Memberships, cases x columns. Not modified.
    outcome : str
        Outcome column or ``"~column"``.
    terms : sequence of str
        Conditions or expressions (``"A*~B"``, ``"A + B"``) whose relation to the outcome
        is tested; all are tested on the same permutations.
    relation : {"sufficiency", "necessity"}
    n_permutations : int
    seed : int, optional
    adjust : str or None
        Multiple-testing adjustment across ``terms`` (a ``statsmodels`` ``multipletests``
        method such as ``"holm"``, ``"bonferroni"``, ``"fdr_bh"``), or None.

    Returns
    -------
    PermutationResult

    Notes
    -----
    p = (1 + #{permutations with consistency >= observed}) / (1 + n_permutations), so it
    is never 0 and is valid for a finite number of permutations.
    """
    if relation not in STATISTICS:
        raise SetsInputError([f"relation={relation!r}; expected one of {list(STATISTICS)}"])
    if not isinstance(n_permutations, int | np.integer) or n_permutations < 1:
        raise SetsInputError([f"n_permutations={n_permutations!r}: expected a positive integer"])
    if isinstance(terms, str):
        terms = [terms]
    if not terms:
        raise SetsInputError(["terms is empty: name at least one condition or expression to test"])
    out_col = outcome.lstrip("~").strip()
    if not isinstance(data, pd.DataFrame) or out_col not in data.columns:
        cols = list(data.columns) if isinstance(data, pd.DataFrame) else []
        raise SetsInputError([f"outcome column {out_col!r} is not in the data (columns: {cols})"])
    check_memberships(data, [out_col])
    x = np.stack([membership(data, t).to_numpy(dtype=float) for t in terms])  # (T, N)
    y = membership(data, outcome).to_numpy(dtype=float)
    observed = _consistency(x, y[None], relation)[0]
    rng = np.random.default_rng(seed)
    perms = rng.permuted(np.tile(np.arange(len(y)), (n_permutations, 1)), axis=1)
    null = _consistency(x, y[perms], relation)  # (P, T)
    p = (1 + (null >= observed[None] - 1e-12).sum(axis=0)) / (1 + n_permutations)
    if adjust and len(terms) > 1:
        from statsmodels.stats.multitest import multipletests

        p_adj = multipletests(p, method=adjust)[1]
    else:
        p_adj = p.copy()
    table = pd.DataFrame(
        {STATISTICS[relation]: observed, "null_mean": null.mean(axis=0),
         "null_q95": np.quantile(null, 0.95, axis=0), "p_value": p, "p_adjusted": p_adj},
        index=pd.Index(list(terms), name="term"),
    )
    return PermutationResult(relation=relation, outcome=outcome, n_permutations=int(n_permutations),
                             seed=seed, adjust=adjust if len(terms) > 1 else None, table=table, null=null)
