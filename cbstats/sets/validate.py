"""Checks of set-membership input: one error that lists every problem at once."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd


class SetsInputError(ValueError):
    """Bad input to a set-theoretic function; lists every problem found.

    Parameters
    ----------
    problems : iterable of str
        One sentence per problem, naming the column, case and value and what was
        expected.
    """

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: list[str] = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in set-theoretic input:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class CrossoverWarning(UserWarning):
    """Memberships of exactly 0.5 cannot be assigned to a truth-table row."""


def _show(values: Sequence[object], limit: int = 10) -> str:
    shown = ", ".join(repr(v) for v in values[:limit])
    return shown + (f", ... ({len(values) - limit} more)" if len(values) > limit else "")


def membership_problems(data: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """Problems with the membership columns of ``data`` (missing, non-numeric, out of [0, 1])."""
    problems: list[str] = []
    for col in columns:
        if col not in data.columns:
            problems.append(
                f"column {col!r} is not in the data (columns: {_show(list(data.columns))})"
            )
            continue
        raw = data[col]
        values = pd.to_numeric(raw, errors="coerce")
        bad_type = values.isna() & raw.notna()
        if bad_type.any():
            cases = list(raw.index[bad_type])
            problems.append(
                f"column {col!r}: non-numeric value(s) {_show(list(raw[bad_type]))} "
                f"for case(s) {_show(cases)}; expected memberships in [0, 1]"
            )
        missing = raw.isna()
        if missing.any():
            problems.append(
                f"column {col!r}: missing membership for case(s) {_show(list(raw.index[missing]))}; "
                "expected memberships in [0, 1] (drop or impute these cases first)"
            )
        out = values.notna() & ((values < 0) | (values > 1))
        if out.any():
            pairs = [f"{c!r}={v!r}" for c, v in zip(raw.index[out], values[out], strict=True)]
            shown = ", ".join(pairs[:10]) + (f", ... ({len(pairs) - 10} more)" if len(pairs) > 10 else "")
            problems.append(
                f"column {col!r}: membership(s) outside [0, 1]: {shown}; "
                "calibrate raw scores first (calibrate_direct, assign_memberships)"
            )
    return problems


def check_memberships(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise :class:`SetsInputError` unless every named column holds memberships in [0, 1].

    Parameters
    ----------
    data : DataFrame
        Cases in rows (index = case id), sets in columns.
    columns : sequence of str
        Columns to check.
    """
    if not isinstance(data, pd.DataFrame):
        raise SetsInputError([f"data must be a pandas DataFrame, got {type(data).__name__}"])
    problems = membership_problems(data, columns)
    if data.index.has_duplicates:
        dup = list(data.index[data.index.duplicated()].unique())
        problems.append(f"case ids (the index) must be unique; duplicated: {_show(dup)}")
    if problems:
        raise SetsInputError(problems)


def cutoff_problem(name: str, value: object, low: float = 0.0, high: float = 1.0) -> str | None:
    """Problem text if ``value`` is not a number in [low, high], else None."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return f"cut-off {name}={value!r} is not a number; expected a number in [{low}, {high}]"
    if not np.isfinite(v) or v < low or v > high:
        return f"cut-off {name}={value!r} is out of range; expected a number in [{low}, {high}]"
    return None


def check_cutoffs(**cutoffs: object) -> None:
    """Raise :class:`SetsInputError` unless every cut-off is a number in [0, 1]."""
    problems = [p for name, v in cutoffs.items() if (p := cutoff_problem(name, v)) is not None]
    if problems:
        raise SetsInputError(problems)


def warn_crossover(data: pd.DataFrame, columns: Sequence[str], *, stacklevel: int = 3) -> None:
    """Warn (:class:`CrossoverWarning`) about memberships of exactly 0.5, naming cases and columns."""
    found = []
    for col in columns:
        hit = data[col].astype(float) == 0.5
        if hit.any():
            found.append(f"{col!r}: [{_show(list(data.index[hit]))}]")
    if found:
        warnings.warn(
            "memberships of exactly 0.5 (the crossover point) cannot be assigned to a "
            "truth-table row; these cases belong to no row: " + "; ".join(found)
            + ". Recalibrate (e.g. move the crossover anchor) to place them.",
            CrossoverWarning,
            stacklevel=stacklevel,
        )
