"""Read a single wide table of cases (one row per case) from CSV or Excel.

Cells are read as text first, so that every problem can be reported with the
value exactly as typed; then each column gets a type:

- the seven condition columns: scores in {0, 0.33, 0.67, 1} (blank = missing);
- the id column and columns named in ``text``: text;
- columns named in ``numeric``: numbers (a cell that is not one is a problem);
- every other column is *inferred*: numeric when every non-blank cell is a
  finite number written without a leading zero ("007" stays text, so codes
  keep their digits), otherwise text. Whole numbers in a complete column
  become ``int64``, other numeric columns ``float64`` (blank = NaN).

What was inferred is kept on the returned :class:`CaseData`
(``column_types`` and ``type_note``), logged at INFO level on the
``cbstats.casedata`` logger, and printed by ``cbstats validate``/``describe``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .cells import check_cell
from .dataset import CaseData
from .errors import CaseDataError, Problem
from .rawcsv import RawTable, read_raw_csv
from .schema import CONDITION_SCORES, CONDITIONS, FieldSpec
from .views import condition_scores

logger = logging.getLogger("cbstats.casedata")

_LEADING_ZERO = re.compile(r"[+-]?0\d")
CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def _as_number(text: str) -> float | None:
    """The number written in ``text``, or None (blank, not a number, not finite, leading zero)."""
    text = text.strip()
    if not text or _LEADING_ZERO.match(text):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def infer_kind(cells: Sequence[str]) -> str:
    """``"integer"``, ``"number"`` or ``"string"`` for one column of text cells.

    Numeric when at least one cell is filled and every filled cell is a
    finite number (see the module notes); ``"integer"`` when, moreover,
    every value is whole and no cell is blank.
    """
    filled = [c for c in cells if c.strip()]
    if not filled:
        return "string"
    values = [_as_number(c) for c in filled]
    if any(v is None for v in values):
        return "string"
    whole = all(float(v).is_integer() for v in values)  # type: ignore[arg-type]
    return "integer" if whole and len(filled) == len(cells) else "number"


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _read_excel(path: Path, sheet: str | int | None) -> tuple[RawTable | None, list[Problem]]:
    """The cells of one worksheet as text, with spreadsheet row numbers."""
    from openpyxl import load_workbook

    display = path.name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several unrelated types
        return None, [Problem(display, None, None, None, f"a readable .xlsx workbook ({err})")]
    try:
        names = workbook.sheetnames
        if sheet is None:
            sheet = 0
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                return None, [Problem(display, None, None, str(sheet),
                                      f"a sheet position from 0 to {len(names) - 1} (sheets: "
                                      + ", ".join(map(repr, names)) + ")")]
            sheet = names[sheet]
        if sheet not in names:
            return None, [Problem(display, None, None, sheet,
                                  "a sheet that exists in the workbook: " + ", ".join(map(repr, names)))]
        rows = [(i, [_excel_cell(v) for v in values])
                for i, values in enumerate(workbook[sheet].iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    rows = [(i, r) for i, r in rows if any(c.strip() for c in r)]
    where = f"{display} [{sheet}]"
    if not rows:
        return None, [Problem(where, None, None, None, "a header row and data rows (the sheet is empty)")]
    (header_line, header), body = rows[0], rows[1:]
    while header and not header[-1].strip():  # trailing empty header cells of formatted sheets
        header = header[:-1]
    header = [h.strip() for h in header]
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem(where, header_line, None, "", "a name for every column of the header"))
        elif name in seen:
            problems.append(Problem(where, header_line, name, name, "each column name to appear once"))
        seen.add(name)
    if not body:
        problems.append(Problem(where, None, None, None, "at least one data row (the table is empty)"))
    width = len(header)
    for line, record in body:
        if any(c.strip() for c in record[width:]):
            problems.append(Problem(where, line, None, ",".join(record)[:80],
                                    f"values only under the {width} named columns of the header"))
    table = RawTable(where, header, [r[:width] + [""] * (width - len(r)) for _, r in body],
                     [line for line, _ in body])
    return table, problems


def _specs(header: list[str], rows: list[list[str]], *, id_column: str, numeric: Sequence[str],
           text: Sequence[str], required: Sequence[str]) -> tuple[dict[str, FieldSpec], dict[str, str]]:
    """The type of every column (given or inferred) and how it was chosen."""
    specs: dict[str, FieldSpec] = {}
    kinds: dict[str, str] = {}
    for i, name in enumerate(header):
        need = name in required or name == id_column
        if name in CONDITIONS:
            specs[name] = FieldSpec(name, "number", enum=CONDITION_SCORES, required=need)
            kinds[name] = "condition score"
        elif name == id_column or name in text:
            specs[name] = FieldSpec(name, "string", required=need)
            kinds[name] = "id" if name == id_column else "text (given)"
        elif name in numeric:
            specs[name] = FieldSpec(name, "number", required=need)
            kinds[name] = "numeric (given)"
        else:
            kind = infer_kind([r[i] if i < len(r) else "" for r in rows])
            specs[name] = FieldSpec(name, "number" if kind != "string" else "string", required=need)
            kinds[name] = "numeric (inferred)" if kind != "string" else "text (inferred)"
    return specs, kinds


def _type_note(file: str, kinds: dict[str, str]) -> str:
    numeric = [c for c, k in kinds.items() if k == "numeric (inferred)"]
    text = [c for c, k in kinds.items() if k == "text (inferred)"]
    parts = [f"{file}: read as numbers: {', '.join(numeric) or 'none'}; as text: {', '.join(text) or 'none'}"]
    parts.append("(inferred from the values; numeric=[...] or text=[...] of read_case_table change this)")
    return " ".join(parts)


def read_case_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    id_column: str = "case_id",
    numeric: Sequence[str] = (),
    text: Sequence[str] = (),
    required: Sequence[str] = (),
) -> CaseData:
    """Read a single wide table of cases (one row per case) from CSV or Excel.

    For users who keep their data as one spreadsheet. Columns named after the
    seven conditions must hold scores in {0, 0.33, 0.67, 1} (blank = missing);
    ``id_column`` must be unique; the type of every other column is inferred
    from its values unless given (see the module notes): a column of 0/1
    outcomes is read as numbers, a column with any word in it as text.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` file, or an ``.xlsx`` workbook.
    sheet : str or int, optional
        Worksheet name or 0-based position (Excel only; default the first).
    id_column : str
        Column with a unique id per case (always text).
    numeric : sequence of str
        Columns that must be numeric: a cell that is not a number is reported
        as a problem (instead of the column being read as text).
    text : sequence of str
        Columns to keep as text even when every value looks like a number
        (codes such as "1990" or "2").
    required : sequence of str
        Columns that must exist and have no blank cells.

    Returns
    -------
    CaseData
        Holding only the wide case table (``.cases_wide()``). Its
        ``column_types`` say how each column was read (``"numeric
        (inferred)"``, ``"text (given)"``, ...) and ``type_note`` says it in
        one sentence; the note is also logged (INFO, logger
        ``cbstats.casedata``).

    Raises
    ------
    CaseDataError
        Listing every problem (file, line, column, value, expectation).
    ValueError
        If a column is named in both ``numeric`` and ``text``.

    Examples
    --------
    >>> data = cbstats.read_case_table("cases.csv", text=["ccode"])  # doctest: +SKIP
    >>> data.column_types["institutionalized"]                       # doctest: +SKIP
    'numeric (inferred)'
    """
    both = sorted(set(numeric) & set(text))
    if both:
        raise ValueError(f"columns named in both numeric= and text=: {', '.join(both)}")
    file = Path(path)
    display = file.name
    if not file.is_file():
        raise CaseDataError([Problem(display, None, None, None, f"the file to exist at {file}")], str(file))
    suffix = file.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        raw, problems = _read_excel(file, sheet)
    elif suffix in CSV_SUFFIXES:
        raw, problems = read_raw_csv(file, display)
    else:
        raw, problems = None, [Problem(display, None, None, None,
                                       "a .csv table, an .xlsx/.xlsm workbook, or a case package folder "
                                       f"(this file ends in {suffix or 'no suffix'!r})")]
    if raw is None:
        raise CaseDataError(problems, str(file))
    display = raw.file
    header, rows, lines = raw.header, raw.rows, raw.lines
    index = {h: i for i, h in enumerate(header)}
    for column in dict.fromkeys([id_column, *required, *numeric, *text]):
        if column not in index:
            problems.append(Problem(display, 1, column, None, "this column in the header (it is missing)"))
    specs, kinds = _specs(header, rows, id_column=id_column, numeric=numeric, text=text, required=required)
    data: dict[str, list] = {h: [] for h in header}
    seen_ids: dict[str, int] = {}
    for r, (record, line) in enumerate(zip(rows, lines, strict=True)):
        for name, i in index.items():
            cell = record[i] if i < len(record) else ""
            value = None
            if (r, i) not in raw.reported:  # a too-long cell is reported once, by the reader
                value, problem = check_cell(cell, specs[name], display, line)
                if problem:
                    problems.append(problem)
            data[name].append(value)
        if id_column in index:
            cid = record[index[id_column]].strip() if index[id_column] < len(record) else ""
            if cid in seen_ids:
                problems.append(Problem(display, line, id_column, cid,
                                        f"a unique id (the same id is on line {seen_ids[cid]})"))
            elif cid:
                seen_ids[cid] = line
    if problems:
        raise CaseDataError(problems, str(file))
    frame = pd.DataFrame(data, columns=header)
    for name, spec in specs.items():
        if spec.type == "number":
            values = pd.to_numeric(frame[name]).astype("float64")
            whole = kinds[name] != "condition score" and values.notna().all() and (values % 1 == 0).all()
            frame[name] = values.astype("int64") if whole else values
    frame = condition_scores(frame)  # conditions: ordered categoricals on the codebook's scale
    note = _type_note(display, kinds)
    logger.info(note)
    return CaseData({"cases_wide": frame}, source=str(file), files={"cases_wide": file},
                    column_types=kinds, type_note=note, lines={"cases_wide": list(lines)})
