"""Public readers: a case package folder, a single wide table, the bundled dataset.

Readers open files read-only, check everything they can, and raise one
:class:`~cbstats.casedata.errors.CaseDataError` listing every problem found.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .bundled import bundled_cbm_path
from .cells import LINE, check_cell, typed_frame
from .dataset import CaseData
from .errors import CaseDataError, Problem
from .rawcsv import read_raw_csv
from .schema import CONDITION_SCORES, CONDITIONS, FieldSpec, load_descriptor, parse_descriptor
from .validation import validate_tables
from .views import condition_scores


def _spec_for(folder: Path) -> tuple[dict, list[Problem]]:
    descriptor_path = folder / "datapackage.json"
    if descriptor_path.is_file():
        try:
            return load_descriptor(descriptor_path), []
        except (ValueError, KeyError) as err:
            return {}, [Problem("datapackage.json", None, None, None, f"valid JSON ({err})")]
    # No descriptor: the folder is assumed to follow the CBM layout.
    return load_descriptor(bundled_cbm_path() / "datapackage.json"), []


def read_case_package(path: str | Path) -> CaseData:
    """Read and validate a case package (a folder of CSV tables).

    Parameters
    ----------
    path : str or Path
        Folder holding the CSV tables and, ideally, a ``datapackage.json``
        describing them. Without a descriptor the folder must follow the
        bundled CBM layout (same file and column names).

    Returns
    -------
    CaseData
        The typed tables and their tidy views.

    Raises
    ------
    CaseDataError
        Listing every problem found (file, line, column, value, expectation).
    FileNotFoundError
        If ``path`` is not a folder.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"No case package folder at {folder}")
    descriptor, problems = _spec_for(folder)
    if problems:
        raise CaseDataError(problems, str(folder))
    spec = parse_descriptor(descriptor)
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for name, table_spec in spec.tables.items():
        file = folder / table_spec.path
        files[name] = file
        raw, raw_problems = read_raw_csv(file, table_spec.path)
        problems.extend(raw_problems)
        if raw is None:
            continue
        frame, cell_problems = typed_frame(raw, table_spec)
        problems.extend(cell_problems)
        tables[name] = frame
    problems.extend(validate_tables(tables, spec))
    if problems:
        raise CaseDataError(problems, str(folder))
    clean = {name: frame.drop(columns=LINE) for name, frame in tables.items()}
    return CaseData(clean, source=str(folder), spec=spec, files=files, descriptor=descriptor)


def load_cbm() -> CaseData:
    """Load the bundled CBM transformation dataset (validated).

    Returns
    -------
    CaseData
        Version in ``.version``; tidy views via ``.cases_wide()`` etc.

    Examples
    --------
    >>> import cbstats
    >>> cbm = cbstats.load_cbm()
    >>> wide = cbm.cases_wide()
    """
    return read_case_package(bundled_cbm_path())


def _excel_frame(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame | None, list[Problem]]:
    from openpyxl import load_workbook

    display = path.name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises several unrelated types
        return None, [Problem(display, None, None, None, f"a readable .xlsx workbook ({err})")]
    names = workbook.sheetnames
    workbook.close()
    if sheet is None:
        sheet = names[0]
    if isinstance(sheet, str) and sheet not in names:
        return None, [Problem(display, None, None, sheet,
                              "a sheet that exists in the workbook: " + ", ".join(map(repr, names)))]
    frame = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False)
    return frame, []


def read_case_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    id_column: str = "case_id",
    numeric: Sequence[str] = (),
    required: Sequence[str] = (),
) -> CaseData:
    """Read a single wide table of cases (one row per case) from CSV or Excel.

    For users who keep their data as one spreadsheet. Columns named after the
    seven conditions must hold scores in {0, 0.33, 0.67, 1} (blank = missing)
    and are delivered as ordered categoricals with these four levels;
    columns listed in ``numeric`` must be numbers; ``id_column`` must be unique.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` file, or an ``.xlsx`` workbook.
    sheet : str or int, optional
        Worksheet name or 0-based position (Excel only; default the first).
    id_column : str
        Column with a unique id per case.
    numeric : sequence of str
        Further columns that must be numeric (e.g. the outcome).
    required : sequence of str
        Columns that must exist and have no blank cells.

    Returns
    -------
    CaseData
        Holding only the wide case table (``.cases_wide()``).

    Raises
    ------
    CaseDataError
        Listing every problem (file, line, column, value, expectation).
    """
    file = Path(path)
    display = file.name
    if not file.is_file():
        raise CaseDataError([Problem(display, None, None, None, f"the file to exist at {file}")], str(file))
    problems: list[Problem] = []
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        frame, problems = _excel_frame(file, sheet)
        if frame is None:
            raise CaseDataError(problems, str(file))
        header = [str(c).strip() for c in frame.columns]
        rows = frame.astype(str).values.tolist()
        lines = list(range(2, len(rows) + 2))
    else:
        raw, problems = read_raw_csv(file, display)
        if raw is None:
            raise CaseDataError(problems, str(file))
        header, rows, lines = raw.header, raw.rows, raw.lines
    index = {h: i for i, h in enumerate(header)}
    for column in [id_column, *required, *numeric]:
        if column not in index:
            problems.append(Problem(display, 1, column, None, "this column in the header (it is missing)"))
    specs: dict[str, FieldSpec] = {}
    for name in header:
        if name in CONDITIONS:
            specs[name] = FieldSpec(name, "number", enum=CONDITION_SCORES, required=name in required)
        elif name in numeric:
            specs[name] = FieldSpec(name, "number", required=name in required)
        elif name == id_column or name in required:
            specs[name] = FieldSpec(name, "string", required=True)
    data: dict[str, list] = {h: [] for h in header}
    seen_ids: dict[str, int] = {}
    for record, line in zip(rows, lines, strict=True):
        for name, i in index.items():
            text = record[i] if i < len(record) else ""
            if name in specs:
                value, problem = check_cell(text, specs[name], display, line)
                if problem:
                    problems.append(problem)
            else:
                value = text.strip() or None
            data[name].append(value)
        if id_column in index:
            cid = record[index[id_column]].strip()
            if cid in seen_ids:
                problems.append(Problem(display, line, id_column, cid,
                                        f"a unique id (the same id is on line {seen_ids[cid]})"))
            elif cid:
                seen_ids[cid] = line
    if problems:
        raise CaseDataError(problems, str(file))
    frame = pd.DataFrame(data)
    for name, spec in specs.items():
        if spec.type == "number":
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
    frame = condition_scores(frame)  # conditions: ordered categoricals on the codebook's scale
    return CaseData({"cases_wide": frame}, source=str(file), files={"cases_wide": file})
