"""Cell-level differences between two versions of a case package.

A release of the bundled dataset ships a machine-readable diff against the
previous release (``data/cbm/CHANGES_<version>.csv``): one row per changed
cell, added or removed row and added or removed column, each with a reason.
The diff is computed from the files, as text, so a reviewer can recompute it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .schema import load_descriptor, parse_descriptor

DIFF_COLUMNS = ["table", "key", "column", "old", "new", "change"]


def _read(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, tuple[str, ...]]]:
    spec = parse_descriptor(load_descriptor(folder / "datapackage.json"))
    tables = {name: pd.read_csv(folder / t.path, dtype=str, keep_default_na=False)
              for name, t in spec.tables.items()}
    return tables, {name: t.primary_key for name, t in spec.tables.items()}


def _keyed(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    index = frame[list(key)].astype(str).agg("|".join, axis=1)
    return frame.set_index(index.rename("key"))


def diff_packages(old: str | Path, new: str | Path) -> pd.DataFrame:
    """Every difference between two case-package folders, cell by cell.

    Parameters
    ----------
    old, new : str or Path
        Folders holding a ``datapackage.json`` and its CSV tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, key, column, old, new, change``; ``key`` joins the
        row's primary-key values with ``|``; ``change`` is ``changed``,
        ``row added``, ``row removed``, ``column added`` or ``column removed``
        (``key`` is ``*`` for a whole column, ``column`` is ``*`` for a whole row).
    """
    old_tables, _ = _read(Path(old))
    new_tables, keys = _read(Path(new))
    rows: list[dict[str, str]] = []
    for name, new_frame in new_tables.items():
        key = keys[name]
        a = _keyed(old_tables.get(name, pd.DataFrame(columns=new_frame.columns)), key)
        b = _keyed(new_frame, key)
        rows += [{"table": name, "key": "*", "column": c, "old": "", "new": "", "change": "column added"}
                 for c in b.columns if c not in a.columns]
        rows += [{"table": name, "key": "*", "column": c, "old": "", "new": "", "change": "column removed"}
                 for c in a.columns if c not in b.columns]
        rows += [{"table": name, "key": k, "column": "*", "old": "", "new": "", "change": "row added"}
                 for k in b.index if k not in a.index]
        rows += [{"table": name, "key": k, "column": "*", "old": "", "new": "", "change": "row removed"}
                 for k in a.index if k not in b.index]
        common_rows = [k for k in b.index if k in a.index]
        common_cols = [c for c in b.columns if c in a.columns]
        left, right = a.loc[common_rows, common_cols], b.loc[common_rows, common_cols]
        changed = left.ne(right)
        for k, c in zip(*changed.to_numpy().nonzero(), strict=True):
            rows.append({"table": name, "key": common_rows[k], "column": common_cols[c],
                         "old": left.iat[k, c], "new": right.iat[k, c], "change": "changed"})
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def attach_reasons(diff: pd.DataFrame, reasons: pd.DataFrame,
                   row_reasons: Mapping[tuple[str, str], str] | None = None) -> pd.DataFrame:
    """The diff with a ``reason`` per row.

    Parameters
    ----------
    diff : DataFrame
        From :func:`diff_packages`.
    reasons : DataFrame
        Columns ``table, key, column, reason`` (as written by the coders; for
        whole columns ``key`` is ``*``).
    row_reasons : mapping, optional
        ``(table, key) -> reason`` for added or removed rows.

    Returns
    -------
    DataFrame
        ``diff`` plus ``reason`` (empty where none was given).
    """
    lookup = {(t, k, c): r for t, k, c, r in
              reasons[["table", "key", "column", "reason"]].astype(str).itertuples(index=False)}
    row_reasons = dict(row_reasons or {})
    out = diff.copy()
    out["reason"] = [lookup.get((t, k, c), row_reasons.get((t, k), "") if c == "*" else "")
                     for t, k, c in zip(out["table"], out["key"], out["column"], strict=True)]
    return out
