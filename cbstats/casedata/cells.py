"""Check text cells against a table's schema and convert them to typed columns."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from .errors import Problem
from .rawcsv import RawTable
from .schema import FieldSpec, TableSpec

LINE = "__line__"
"""Internal column holding each row's physical line in its file."""

INVALID = "__invalid__"
"""Internal column: per row, the names of the columns whose cell failed its
check (and is NA in the typed frame). Cross-table checks use it to tell an
invalid cell, already reported, from a blank one."""


def _fmt_enum(values: tuple) -> str:
    return "one of " + ", ".join(repr(v) if isinstance(v, str) else f"{v:g}" for v in values)


def _parse_integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        try:
            f = float(text)
        except ValueError:
            return None
        return int(f) if math.isfinite(f) and f.is_integer() else None


def _parse_number(text: str) -> float | None:
    try:
        f = float(text)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def check_cell(text: str, spec: FieldSpec, file: str, line: int) -> tuple[object, Problem | None]:
    """Convert one cell; return (value, problem or None). Blank cells give None."""
    text = text.strip()
    if text == "":
        if spec.required:
            return None, Problem(file, line, spec.name, "", "a value (this column is required)")
        return None, None
    value: object
    if spec.type == "integer":
        value = _parse_integer(text)
        if value is None:
            return None, Problem(file, line, spec.name, text, "a whole number")
    elif spec.type == "number":
        value = _parse_number(text)
        if value is None:
            return None, Problem(file, line, spec.name, text, "a number")
    else:
        value = text
    if spec.enum is not None:
        if spec.type in ("integer", "number"):
            ok = any(abs(float(value) - float(e)) < 1e-9 for e in spec.enum)  # type: ignore[arg-type]
        else:
            ok = value in spec.enum
        if not ok:
            return None, Problem(file, line, spec.name, text, _fmt_enum(spec.enum))
    if spec.minimum is not None and float(value) < spec.minimum:  # type: ignore[arg-type]
        return None, Problem(file, line, spec.name, text, f"a value >= {spec.minimum:g}")
    if spec.maximum is not None and float(value) > spec.maximum:  # type: ignore[arg-type]
        return None, Problem(file, line, spec.name, text, f"a value <= {spec.maximum:g}")
    if spec.pattern is not None and not re.fullmatch(spec.pattern, text):
        return None, Problem(file, line, spec.name, text, f"text matching the pattern {spec.pattern}")
    return value, None


def typed_frame(raw: RawTable, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """Check every cell of ``raw`` against ``spec`` and build a typed DataFrame.

    The frame has one column per schema field (missing columns are all-NA)
    plus the internal columns ``__line__`` and ``__invalid__`` (see
    :data:`INVALID`). Integer columns use pandas' nullable ``Int64``;
    numbers ``float64``; text ``object`` with None.
    """
    problems: list[Problem] = []
    for extra in [h for h in raw.header if h not in spec.column_names]:
        problems.append(
            Problem(raw.file, 1, extra, extra,
                    "only the columns declared in datapackage.json: " + ", ".join(spec.column_names))
        )
    for f in spec.fields:
        if f.name not in raw.header:
            problems.append(Problem(raw.file, 1, f.name, None, "this column in the header (it is missing)"))
    index = {h: i for i, h in enumerate(raw.header)}
    columns: dict[str, list] = {f.name: [] for f in spec.fields}
    invalid: list[tuple[str, ...]] = []
    for r, (record, line) in enumerate(zip(raw.rows, raw.lines, strict=True)):
        bad: list[str] = []
        for f in spec.fields:
            i = index.get(f.name)
            if i is None:
                columns[f.name].append(None)
                continue
            if (r, i) in raw.reported:  # already one problem (e.g. too long): not a second one
                columns[f.name].append(None)
                bad.append(f.name)
                continue
            text = record[i] if i < len(record) else ""
            value, problem = check_cell(text, f, raw.file, line)
            columns[f.name].append(value)
            if problem is not None:
                problems.append(problem)
                bad.append(f.name)
        invalid.append(tuple(bad))
    data: dict[str, pd.Series] = {}
    for f in spec.fields:
        values = columns[f.name]
        if f.type == "integer":
            data[f.name] = pd.Series(values, dtype="Int64")
        elif f.type == "number":
            data[f.name] = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
        else:
            data[f.name] = pd.Series(values, dtype="object")
    frame = pd.DataFrame(data)
    frame[LINE] = raw.lines
    frame[INVALID] = pd.Series(invalid, dtype="object")
    return frame, problems
