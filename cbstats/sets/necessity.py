"""Analysis of necessary conditions and the superset / subset searches.

Parameters (Schneider & Wagemann 2012, ch. 9; Dusa 2019, ch. 5): necessity consistency
``inclN``, relevance of necessity ``RoN`` (Schneider & Wagemann 2012, ch. 9) and necessity
coverage ``covN``; see :mod:`cbstats.sets.fit` for the formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from .fit import necessity_fit, parse_expression, sufficiency_fit
from .truthtable import TOLERANCE
from .validate import SetsInputError, check_memberships, cutoff_problem

_KINDS = ("literal", "conjunction", "disjunction")


def _setup(
    data: pd.DataFrame, outcome: str, conditions: Sequence[str] | None
) -> tuple[list[str], np.ndarray]:
    out_names = sorted({n for t in parse_expression(outcome) for n, _ in t})
    if conditions is None:
        if not isinstance(data, pd.DataFrame):
            raise SetsInputError([f"data must be a pandas DataFrame, got {type(data).__name__}"])
        conditions = [c for c in data.columns if c not in out_names]
    conditions = list(conditions)
    if not conditions:
        raise SetsInputError(["no conditions; expected at least one condition column"])
    check_memberships(data, [*conditions, *out_names])
    from .fit import membership

    return conditions, membership(data, outcome).to_numpy()


def _literals(
    data: pd.DataFrame, conditions: Sequence[str], negations: bool
) -> list[tuple[str, str, np.ndarray]]:
    lits = []
    for c in conditions:
        v = data[c].to_numpy(dtype=float)
        lits.append((c, c, v))
        if negations:
            lits.append((f"~{c}", c, 1.0 - v))
    return lits


def necessity(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    negations: bool = True,
) -> pd.DataFrame:
    """Necessity parameters of each single condition (and its negation).

    Parameters
    ----------
    data : DataFrame
        Cases in rows (index = case id), memberships in columns.
    outcome : str
        Outcome column or ``"~name"``.
    conditions : sequence of str, optional
        Default: every other column.
    negations : bool
        Also report ``~condition``.

    Returns
    -------
    DataFrame
        Index ``term``; columns ``inclN, RoN, covN``.
    """
    conditions, y = _setup(data, outcome, conditions)
    rows = {name: necessity_fit(v, y) for name, _, v in _literals(data, conditions, negations)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "term"
    return out[["inclN", "RoN", "covN"]]


def _check_search(max_size: object, cuts: dict[str, object]) -> None:
    problems = [p for n, v in cuts.items() if (p := cutoff_problem(n, v)) is not None]
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
        problems.append(f"max_size={max_size!r}; expected an integer >= 1")
    if problems:
        raise SetsInputError(problems)


def _combos(lits: list[tuple[str, str, np.ndarray]], size: int):
    for combo in combinations(range(len(lits)), size):
        conds = [lits[i][1] for i in combo]
        if len(set(conds)) == size:
            yield combo


def superset_search(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    max_size: int = 2,
    incl_cut: float = 0.9,
    ron_cut: float = 0.6,
    cov_cut: float = 0.0,
    negations: bool = True,
    conjunctions: bool = True,
    disjunctions: bool = True,
) -> pd.DataFrame:
    """Search for necessary supersets of the outcome: literals, conjunctions and disjunctions.

    A term passes when ``inclN >= incl_cut``, ``RoN >= ron_cut`` and ``covN >= cov_cut``.
    Disjunctions are kept only when no shorter disjunction made of some of their literals
    passes (``A + B`` adds nothing when ``A`` is necessary). Passing conjunctions are all
    kept (a necessary ``A*B`` is a stronger claim than ``A``).

    Parameters
    ----------
    data, outcome, conditions, negations
        As in :func:`necessity`.
    max_size : int
        Largest number of literals in a term.
    incl_cut, ron_cut, cov_cut : float
        Cut-offs in [0, 1].
    conjunctions, disjunctions : bool
        Which combinations to search (single literals are always searched).

    Returns
    -------
    DataFrame
        Index ``term``; columns ``inclN, RoN, covN, size, kind`` (kind: literal,
        conjunction, disjunction); sorted by kind, size and decreasing inclN.
    """
    _check_search(max_size, {"incl_cut": incl_cut, "ron_cut": ron_cut, "cov_cut": cov_cut})
    conditions, y = _setup(data, outcome, conditions)
    lits = _literals(data, conditions, negations)

    def passes(f: dict[str, float]) -> bool:
        return (
            f["inclN"] >= incl_cut - TOLERANCE
            and f["RoN"] >= ron_cut - TOLERANCE
            and f["covN"] >= cov_cut - TOLERANCE
        )

    recs = []
    passing_disj: list[frozenset[int]] = []
    for size in range(1, max_size + 1):
        for combo in _combos(lits, size):
            members = [lits[i][2] for i in combo]
            kinds = ["literal"] if size == 1 else []
            if size > 1 and conjunctions:
                kinds.append("conjunction")
            if size > 1 and disjunctions:
                kinds.append("disjunction")
            for kind in kinds:
                if kind == "disjunction":
                    s = frozenset(combo)
                    if any(p < s for p in passing_disj):
                        continue
                    x = np.max(members, axis=0)
                    name = " + ".join(lits[i][0] for i in combo)
                else:
                    x = np.min(members, axis=0)
                    name = "*".join(lits[i][0] for i in combo)
                f = necessity_fit(x, y)
                if passes(f):
                    if kind in ("literal", "disjunction"):
                        passing_disj.append(frozenset(combo))
                    recs.append({"term": name, **f, "size": size, "kind": kind})
    return _finish(recs, ["inclN", "RoN", "covN"], "inclN")


def subset_search(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    max_size: int = 2,
    incl_cut: float = 0.8,
    pri_cut: float = 0.0,
    cov_cut: float = 0.0,
    negations: bool = True,
) -> pd.DataFrame:
    """Search for sufficient subsets of the outcome: literals and conjunctions.

    A term passes when ``inclS >= incl_cut``, ``PRI >= pri_cut`` and ``covS >= cov_cut``;
    a conjunction is kept only when none of its sub-conjunctions passes (minimal terms).

    Returns
    -------
    DataFrame
        Index ``term``; columns ``inclS, PRI, covS, size, kind``.
    """
    _check_search(max_size, {"incl_cut": incl_cut, "pri_cut": pri_cut, "cov_cut": cov_cut})
    conditions, y = _setup(data, outcome, conditions)
    lits = _literals(data, conditions, negations)
    recs = []
    passing: list[frozenset[int]] = []
    for size in range(1, max_size + 1):
        for combo in _combos(lits, size):
            s = frozenset(combo)
            if any(p < s for p in passing):
                continue
            x = np.min([lits[i][2] for i in combo], axis=0)
            f = sufficiency_fit(x, y)
            if (
                f["inclS"] >= incl_cut - TOLERANCE
                and f["PRI"] >= pri_cut - TOLERANCE
                and f["covS"] >= cov_cut - TOLERANCE
            ):
                passing.append(s)
                kind = "literal" if size == 1 else "conjunction"
                recs.append({"term": "*".join(lits[i][0] for i in combo), **f, "size": size, "kind": kind})
    return _finish(recs, ["inclS", "PRI", "covS"], "inclS")


def _finish(recs: list[dict], cols: list[str], sort_col: str) -> pd.DataFrame:
    out = pd.DataFrame(recs, columns=["term", *cols, "size", "kind"])
    if len(out):
        out["_k"] = out["kind"].map({k: i for i, k in enumerate(_KINDS)})
        out = out.sort_values(["_k", "size", sort_col], ascending=[True, True, False], kind="stable")
        out = out.drop(columns="_k")
    return out.set_index("term")
