"""Descriptive tables of a case dataset: coverage by region, decade and outcome."""

from __future__ import annotations

import pandas as pd

from .errors import Problem
from .schema import CONDITION_LABELS, CONDITION_SCORES, CONDITIONS, REGION_LABELS

DESCRIBE_COLUMNS: dict[str, str] = {
    "region": "the region of each case",
    "dyad_id": "the dyad of each case",
    "arrangement_id": "the arrangement of each case",
    "transformation": "the outcome level, a whole number 0-3",
}
"""Columns a wide table needs for :func:`describe_tables` (besides ``decade``
or ``year_signed``; ``institutionalized`` is derived when absent)."""


def cases_by_region(wide: pd.DataFrame) -> pd.DataFrame:
    """Cases, distinct dyads and arrangements per region (with a total row)."""
    g = wide.groupby("region", sort=True)
    table = pd.DataFrame({
        "cases": g.size(),
        "dyads": g["dyad_id"].nunique(),
        "arrangements": g["arrangement_id"].nunique(),
        "institutionalized": g["institutionalized"].sum(),
    })
    table.loc["total"] = [len(wide), wide["dyad_id"].nunique(), wide["arrangement_id"].nunique(),
                          int(wide["institutionalized"].sum())]
    table.index = [REGION_LABELS.get(i, i) for i in table.index]
    table.index.name = "region"
    return table.reset_index()


def cases_by_decade(wide: pd.DataFrame) -> pd.DataFrame:
    """Cases per decade of signature (rows) and region (columns)."""
    t = pd.crosstab(wide["decade"], wide["region"], margins=True, margins_name="total")
    t = t.rename(columns=REGION_LABELS)
    t.index = [f"{d}s" if d != "total" else d for d in t.index]
    t.index.name = "decade"
    t.columns.name = None
    return t.reset_index()


def outcome_distribution(wide: pd.DataFrame) -> pd.DataFrame:
    """Cases per transformation level (0-3) by region, with totals."""
    t = pd.crosstab(wide["region"], wide["transformation"], margins=True, margins_name="total")
    t = t.reindex(columns=[0, 1, 2, 3, "total"], fill_value=0)
    t.columns = ["0 none", "1 operational", "2 changed practice", "3 institutionalized", "total"]
    t.index = [REGION_LABELS.get(i, i) for i in t.index]
    t.index.name = "region"
    return t.reset_index()


def condition_coverage(conditions: pd.DataFrame) -> pd.DataFrame:
    """Per condition: coded and missing counts, mean score, score distribution, low confidence."""
    rows = []
    for name in CONDITIONS:
        c = conditions[conditions["condition"] == name]
        scores = c["score"]
        row = {
            "condition": name,
            "label": CONDITION_LABELS[name],
            "coded": int(scores.notna().sum()),
            "missing": int(scores.isna().sum()),
            "mean_score": round(float(scores.mean()), 3) if scores.notna().any() else float("nan"),
        }
        for s in CONDITION_SCORES:
            row[f"score_{s:g}"] = int((scores.round(2) == round(s, 2)).sum())
        row["low_confidence"] = int((c["confidence"] == "low").sum())
        rows.append(row)
    return pd.DataFrame(rows)


def wide_for_describe(wide: pd.DataFrame, file: str, lines: list[int] | None = None
                      ) -> tuple[pd.DataFrame, list[Problem]]:
    """Check a wide table read from one file and complete it for :func:`describe_tables`.

    Adds ``decade`` (from ``year_signed``) and ``institutionalized``
    (transformation == 3) when absent.

    Returns
    -------
    (DataFrame, list of Problem)
        The completed copy, and every problem found (missing columns, text or
        out-of-range values in the numeric ones, with their lines).
    """
    lines = list(lines) if lines is not None else [i + 2 for i in range(len(wide))]
    problems = [Problem(file, 1, c, None, f"this column in the header: describe needs {why}")
                for c, why in DESCRIBE_COLUMNS.items() if c not in wide]
    if "decade" not in wide and "year_signed" not in wide:
        problems.append(Problem(file, 1, "year_signed", None,
                                "this column (or 'decade') in the header: describe counts cases by decade"))
    checks = {
        "transformation": (lambda v: v in (0, 1, 2, 3), "a whole number 0-3"),
        "institutionalized": (lambda v: v in (0, 1), "0 or 1"),
        "year_signed": (lambda v: float(v).is_integer(), "a year"),
        "decade": (lambda v: float(v).is_integer(), "a year such as 1990"),
    }
    counted = [c for c in DESCRIBE_COLUMNS if c in wide]
    counted += ["decade"] if "decade" in wide else ["year_signed"] if "year_signed" in wide else []
    for column in counted:
        for i in [i for i, v in enumerate(wide[column]) if pd.isna(v) or str(v).strip() == ""]:
            problems.append(Problem(file, lines[i], column, "", "a value: describe counts every case by this column"))
    numbers: dict[str, pd.Series] = {}
    for column, (ok, expected) in checks.items():
        if column not in wide:
            continue
        numbers[column] = pd.to_numeric(wide[column], errors="coerce")  # text cells read as numbers
        for i, (raw, value) in enumerate(zip(wide[column], numbers[column], strict=True)):
            if pd.notna(raw) and (pd.isna(value) or not ok(value)):
                problems.append(Problem(file, lines[i], column, str(raw), expected))
    if problems:
        return wide, problems
    out = wide.copy()
    for column, values in numbers.items():
        out[column] = values
    if "decade" not in out:
        out["decade"] = (out["year_signed"] // 10 * 10).astype("Int64")
    if "institutionalized" not in out:
        out["institutionalized"] = (out["transformation"] == 3).astype("int64")
    return out, []


def describe_tables(wide: pd.DataFrame, conditions: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """All descriptive tables, keyed by a file-friendly name."""
    tables = {
        "cases_by_region": cases_by_region(wide),
        "cases_by_decade": cases_by_decade(wide),
        "outcome_distribution": outcome_distribution(wide),
    }
    if conditions is not None:
        tables["condition_coverage"] = condition_coverage(conditions)
    return tables
