"""Truth tables: configurations of conditions with their consistency, PRI, frequency and OUT.

A case belongs to the row (corner of the property space) in which its membership exceeds
0.5 (Ragin 2008, ch. 7). Row parameters use all cases (fuzzy membership in the row is the
minimum over conditions of X or 1 - X). Hand edits of OUT are stored as explicit
overrides and re-applied whenever the table is recomputed.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .fit import membership, parse_expression
from .validate import (
    SetsInputError,
    check_memberships,
    cutoff_problem,
    warn_crossover,
)

#: Tolerance for comparing consistencies with cut-offs (0.8 computed as 0.79999... passes).
TOLERANCE = 1e-10
#: Largest number of conditions for which all remainder rows are listed explicitly.
MAX_LISTED_CONDITIONS = 20


def row_bits(rows: Sequence[int] | np.ndarray, k: int) -> np.ndarray:
    """0/1 matrix (len(rows) x k) of truth-table row numbers (1-based, first condition = MSB)."""
    v = np.asarray(rows, dtype=np.int64) - 1
    shifts = np.arange(k - 1, -1, -1, dtype=np.int64)
    return ((v[:, None] >> shifts[None, :]) & 1).astype(np.int8)


def bits_to_row(bits: np.ndarray) -> np.ndarray:
    """Truth-table row numbers (1-based) of 0/1 configurations (one per matrix row)."""
    bits = np.asarray(bits, dtype=np.int64)
    k = bits.shape[1]
    weights = 1 << np.arange(k - 1, -1, -1, dtype=np.int64)
    return bits @ weights + 1


def row_key(key: object, conditions: Sequence[str]) -> int:
    """Normalise a row reference to its row number.

    Parameters
    ----------
    key : int, str or mapping
        A row number (1-based, R ``QCA`` numbering: the first condition is the most
        significant bit), a string of 0/1 digits in condition order (``"1010"``), or a
        mapping condition -> 0/1 naming every condition.
    conditions : sequence of str
        The truth table's conditions.
    """
    k = len(conditions)
    if isinstance(key, bool):
        raise SetsInputError([f"row {key!r}: expected a row number, a 0/1 string or a mapping"])
    if isinstance(key, int | np.integer):
        if not 1 <= int(key) <= 2**k:
            raise SetsInputError([f"row {key!r} is out of range; expected 1..{2**k}"])
        return int(key)
    if isinstance(key, str):
        if len(key) != k or set(key) - {"0", "1"}:
            raise SetsInputError(
                [f"row {key!r}: expected {k} digits 0/1 in the order {list(conditions)!r}"]
            )
        return int(key, 2) + 1
    if isinstance(key, Mapping):
        missing = [c for c in conditions if c not in key]
        extra = [c for c in key if c not in conditions]
        bad = {c: v for c, v in key.items() if c in conditions and v not in (0, 1)}
        if missing or extra or bad:
            raise SetsInputError(
                [f"row {dict(key)!r}: missing conditions {missing}, unknown {extra}, "
                 f"values not 0/1 {bad}; expected every condition mapped to 0 or 1"]
            )
        return int(bits_to_row(np.array([[int(key[c]) for c in conditions]]))[0])
    raise SetsInputError([f"row {key!r}: expected a row number, a 0/1 string or a mapping"])


def _outcome_names(outcome: str) -> list[str]:
    return sorted({name for term in parse_expression(outcome) for name, _ in term})


@dataclass(frozen=True, eq=False)
class TruthTable:
    """A truth table (observed rows) with the data and settings that produced it.

    Build it with :func:`truth_table`; change cut-offs with :meth:`recompute` and hand
    edits with :meth:`with_out` (both return a new table, overrides always re-applied).

    Attributes
    ----------
    table : DataFrame
        Observed rows with ``n >= n_cut``; index ``row``; columns: each condition (0/1),
        ``OUT``, ``n``, ``inclS``, ``PRI``, ``cases``, ``contradictory``,
        ``OUT_computed``, ``override``.
    conditions : tuple of str
    outcome : str
        Outcome column or ``"~name"``.
    incl_cut, pri_cut : float
    n_cut : int
    out_overrides : dict
        Row number -> OUT (0/1) as requested by the user.
    unapplied_overrides : tuple of int
        Overrides for rows that are not observed rows of this table (kept, not applied).
    data : DataFrame
        Memberships of the cases in the conditions and the outcome column(s).
    case_rows : Series
        Row number of each case (NaN for cases with a membership of exactly 0.5).
    """

    table: pd.DataFrame
    conditions: tuple[str, ...]
    outcome: str
    incl_cut: float
    n_cut: int
    pri_cut: float
    out_overrides: dict[int, int]
    unapplied_overrides: tuple[int, ...]
    data: pd.DataFrame = field(repr=False)
    case_rows: pd.Series = field(repr=False)

    # ---- rows ---------------------------------------------------------------------------
    @property
    def positive_rows(self) -> tuple[int, ...]:
        """Row numbers with OUT = 1."""
        return tuple(int(r) for r in self.table.index[self.table["OUT"] == 1])

    @property
    def negative_rows(self) -> tuple[int, ...]:
        """Observed row numbers with OUT = 0."""
        return tuple(int(r) for r in self.table.index[self.table["OUT"] == 0])

    @property
    def remainder_rows(self) -> np.ndarray:
        """Row numbers of logical remainders (no case, or fewer than ``n_cut`` cases)."""
        k = len(self.conditions)
        if k > MAX_LISTED_CONDITIONS:
            raise SetsInputError(
                [f"{k} conditions: too many remainder rows to list (limit {MAX_LISTED_CONDITIONS})"]
            )
        all_rows = np.arange(1, 2**k + 1, dtype=np.int64)
        return np.setdiff1d(all_rows, self.table.index.to_numpy(dtype=np.int64))

    @property
    def remainders(self) -> pd.DataFrame:
        """Logical remainders: index ``row``, one 0/1 column per condition, and ``n``."""
        rows = self.remainder_rows
        bits = row_bits(rows, len(self.conditions))
        out = pd.DataFrame(bits, index=pd.Index(rows, name="row"), columns=list(self.conditions))
        counts = self.case_rows.value_counts()
        out["n"] = [int(counts.get(r, 0)) for r in rows]
        return out

    # ---- edits --------------------------------------------------------------------------
    def with_out(self, overrides: Mapping[object, int]) -> TruthTable:
        """A new table with OUT set by hand for the given rows.

        Parameters
        ----------
        overrides : mapping
            Row (number, 0/1 string or condition mapping, see :func:`row_key`) -> 0 or 1.
            Added to (and replacing, row by row) any earlier overrides.
        """
        merged = dict(self.out_overrides)
        merged.update(_normalise_overrides(overrides, self.conditions))
        return self.recompute(out_overrides=merged)

    def without_overrides(self) -> TruthTable:
        """A new table with no hand edits."""
        return self.recompute(out_overrides={})

    def recompute(self, **changes: object) -> TruthTable:
        """Rebuild from the stored data with changed settings; overrides are re-applied.

        Parameters
        ----------
        **changes
            Any keyword of :func:`truth_table` (``incl_cut``, ``n_cut``, ``pri_cut``,
            ``out_overrides``, ``data``, ``outcome``, ``conditions``).
        """
        args: dict[str, object] = {
            "data": self.data,
            "outcome": self.outcome,
            "conditions": list(self.conditions),
            "incl_cut": self.incl_cut,
            "n_cut": self.n_cut,
            "pri_cut": self.pri_cut,
            "out_overrides": self.out_overrides,
        }
        unknown = set(changes) - set(args)
        if unknown:
            raise SetsInputError([f"recompute() got unknown setting(s) {sorted(unknown)}"])
        args.update(changes)
        return truth_table(**args)  # type: ignore[arg-type]

    def overrides_report(self) -> pd.DataFrame:
        """Every hand edit: row, OUT the cut-offs gave, OUT used, and whether it applied."""
        recs = []
        for row, value in sorted(self.out_overrides.items()):
            applied = row in self.table.index
            computed = self.table.at[row, "OUT_computed"] if applied else pd.NA
            recs.append({"row": row, "OUT_computed": computed, "OUT": value, "applied": applied})
        cols = ["row", "OUT_computed", "OUT", "applied"]
        return pd.DataFrame(recs, columns=cols).set_index("row")

    # ---- display ------------------------------------------------------------------------
    def _header(self) -> str:
        k = len(self.conditions)
        n_obs = len(self.table)
        lines = [
            f"Truth table: outcome {self.outcome!r}, {k} conditions, {n_obs} observed rows "
            f"(of {2**k}), incl_cut={self.incl_cut}, pri_cut={self.pri_cut}, n_cut={self.n_cut}",
        ]
        if self.out_overrides:
            lines.append(
                "OUT set by hand: "
                + ", ".join(f"row {r} -> {v}" for r, v in sorted(self.out_overrides.items()))
                + (f" (not observed, not applied: {list(self.unapplied_overrides)})"
                   if self.unapplied_overrides else "")
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        cols = [*self.conditions, "OUT", "n", "inclS", "PRI", "cases"]
        with pd.option_context("display.width", 120, "display.max_colwidth", 40):
            body = self.table[cols].round(3).to_string()
        return self._header() + "\n" + body

    def _repr_html_(self) -> str:
        cols = [*self.conditions, "OUT", "n", "inclS", "PRI", "cases", "contradictory"]
        head = self._header().replace("\n", "<br>")
        return f"<p>{head}</p>" + self.table[cols].round(3).to_html()


def _normalise_overrides(
    overrides: Mapping[object, int] | None, conditions: Sequence[str]
) -> dict[int, int]:
    if not overrides:
        return {}
    out: dict[int, int] = {}
    problems = []
    for key, value in overrides.items():
        row = row_key(key, conditions)
        if value not in (0, 1) or isinstance(value, bool):
            problems.append(f"override for row {key!r}: OUT={value!r}; expected 0 or 1")
            continue
        out[row] = int(value)
    if problems:
        raise SetsInputError(problems)
    return out


def truth_table(
    data: pd.DataFrame,
    outcome: str,
    conditions: Sequence[str] | None = None,
    *,
    incl_cut: float = 0.8,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    out_overrides: Mapping[Hashable, int] | None = None,
) -> TruthTable:
    """Build a truth table.

    Parameters
    ----------
    data : DataFrame
        Cases in rows (index = case id), memberships in [0, 1] in columns. Not modified.
    outcome : str
        Outcome column; ``"~name"`` for the negated outcome.
    conditions : sequence of str, optional
        Conditions in the order of the row numbering; default all other columns.
    incl_cut : float
        A row gets OUT = 1 when ``inclS >= incl_cut`` (and ``PRI >= pri_cut``).
    n_cut : int
        Rows with fewer cases are logical remainders.
    pri_cut : float
        PRI cut-off (0 = not used).
    out_overrides : mapping, optional
        Hand edits of OUT: row (number, 0/1 string or condition mapping) -> 0/1. Stored
        and re-applied on every recomputation; listed by ``overrides_report()``.

    Returns
    -------
    TruthTable

    Warns
    -----
    CrossoverWarning
        If a condition membership is exactly 0.5 (that case belongs to no row).
    """
    out_names = _outcome_names(outcome)
    if conditions is None:
        if not isinstance(data, pd.DataFrame):
            raise SetsInputError([f"data must be a pandas DataFrame, got {type(data).__name__}"])
        conditions = [c for c in data.columns if c not in out_names]
    conditions = list(conditions)
    problems = []
    for name, v in {"incl_cut": incl_cut, "pri_cut": pri_cut}.items():
        if (p := cutoff_problem(name, v)) is not None:
            problems.append(p)
    if isinstance(n_cut, bool) or not isinstance(n_cut, int | np.integer) or n_cut < 1:
        problems.append(f"cut-off n_cut={n_cut!r} is out of range; expected an integer >= 1")
    if not conditions:
        problems.append("no conditions; expected at least one condition column")
    dup = sorted({c for c in conditions if conditions.count(c) > 1})
    if dup:
        problems.append(f"conditions listed twice: {dup}")
    both = sorted(set(conditions) & set(out_names))
    if both:
        problems.append(f"column(s) {both} used both as condition and outcome")
    if problems:
        raise SetsInputError(problems)
    check_memberships(data, [*conditions, *out_names])
    overrides = _normalise_overrides(out_overrides, conditions)
    warn_crossover(data, conditions, stacklevel=3)

    sub = data[[*conditions, *[n for n in out_names if n not in conditions]]].astype(float)
    x = sub[conditions].to_numpy()
    y = membership(sub, outcome).to_numpy()
    k = len(conditions)
    assigned = ~(x == 0.5).any(axis=1)
    bits = (x > 0.5).astype(np.int64)
    case_row = np.where(assigned, bits_to_row(bits), 0)
    case_rows = pd.Series(
        np.where(assigned, case_row, np.nan), index=sub.index, name="row"
    )
    rows, counts = np.unique(case_row[assigned], return_counts=True)
    keep = counts >= n_cut
    rows, counts = rows[keep], counts[keep]

    pattern = row_bits(rows, k).astype(bool)
    memb = np.ones((len(rows), len(y)))
    for j in range(k):
        memb = np.minimum(memb, np.where(pattern[:, j : j + 1], x[None, :, j], 1.0 - x[None, :, j]))
    sxy = np.minimum(memb, y[None, :]).sum(axis=1)
    sxyn = np.minimum(np.minimum(memb, y[None, :]), 1.0 - y[None, :]).sum(axis=1)
    sx = memb.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        incl = np.where(sx > 0, sxy / sx, np.nan)
        pri = np.where(sx - sxyn > 0, (sxy - sxyn) / (sx - sxyn), np.nan)

    case_ids = sub.index.to_numpy()
    cases, contradictory = [], []
    for r in rows:
        inside = case_row == r
        cases.append(",".join(str(c) for c in case_ids[inside]))
        contradictory.append(bool((y[inside] > 0.5).any() and (y[inside] < 0.5).any()))

    computed = ((incl >= incl_cut - TOLERANCE) & (pri >= pri_cut - TOLERANCE)).astype(np.int64)
    table = pd.DataFrame(pattern.astype(np.int64), index=pd.Index(rows, name="row"), columns=conditions)
    out = computed.copy()
    applied = np.zeros(len(rows), dtype=bool)
    position = {int(r): i for i, r in enumerate(rows)}
    unapplied = []
    for row, value in overrides.items():
        if row in position:
            out[position[row]] = value
            applied[position[row]] = True
        else:
            unapplied.append(row)
    table["OUT"] = out
    table["n"] = counts.astype(np.int64)
    table["inclS"] = incl
    table["PRI"] = pri
    table["cases"] = cases
    table["contradictory"] = contradictory
    table["OUT_computed"] = computed
    table["override"] = applied
    if unapplied:
        warnings.warn(
            f"OUT overrides for row(s) {sorted(unapplied)} not applied: they are not observed "
            f"rows with n >= n_cut={n_cut} (kept, and applied again if they become observed)",
            UserWarning,
            stacklevel=2,
        )
    return TruthTable(
        table=table,
        conditions=tuple(conditions),
        outcome=outcome,
        incl_cut=float(incl_cut),
        n_cut=int(n_cut),
        pri_cut=float(pri_cut),
        out_overrides=overrides,
        unapplied_overrides=tuple(sorted(unapplied)),
        data=sub,
        case_rows=case_rows,
    )


__all__ = ["TruthTable", "truth_table", "row_key", "row_bits", "bits_to_row"]
