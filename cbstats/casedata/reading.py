"""Public readers: a case package folder, a single wide table, the bundled dataset.

Readers open files read-only, check everything they can, and raise one
:class:`~cbstats.casedata.errors.CaseDataError` listing every problem found.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .bundled import bundled_cbm_path
from .cells import INVALID, LINE, typed_frame
from .dataset import CaseData
from .descriptor import read_descriptor
from .errors import CaseDataError, Problem
from .rawcsv import read_raw_csv
from .schema import (
    PackageSpec,
    bundled_descriptor_path,
    load_descriptor,
    parse_descriptor,
)
from .validation import check_primary_keys, validate_tables
from .widetable import read_case_table

__all__ = ["cbm_versions", "load_cbm", "read_case_package", "read_case_table", "read_package_table", "package_of"]


def _reference_spec() -> PackageSpec:
    """The bundled CBM schema: the layout every case package follows."""
    return parse_descriptor(load_descriptor(bundled_descriptor_path()))


def _spec_for(folder: Path) -> tuple[dict, list[Problem]]:
    descriptor_path = folder / "datapackage.json"
    if descriptor_path.is_file():
        descriptor, problems = read_descriptor(descriptor_path, _reference_spec())
        return descriptor or {}, problems
    # No descriptor: the folder is assumed to follow the CBM layout.
    return load_descriptor(bundled_descriptor_path()), []


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
    incomplete: set[str] = set()
    for name, table_spec in spec.tables.items():
        file = folder / table_spec.path
        files[name] = file
        raw, raw_problems = read_raw_csv(file, table_spec.path)
        problems.extend(raw_problems)
        if raw is None:
            continue
        if not raw.complete:
            incomplete.add(name)
        frame, cell_problems = typed_frame(raw, table_spec)
        problems.extend(cell_problems)
        tables[name] = frame
    problems.extend(validate_tables(tables, spec, frozenset(incomplete)))
    if problems:
        raise CaseDataError(problems, str(folder))
    clean = {name: frame.drop(columns=[LINE, INVALID]) for name, frame in tables.items()}
    return CaseData(clean, source=str(folder), spec=spec, files=files, descriptor=descriptor)


def cbm_versions() -> list[str]:
    """Versions of the bundled CBM dataset that :func:`load_cbm` can load, oldest first."""
    import json

    root = bundled_cbm_path()
    current = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    older = sorted((p.name for p in (root / "versions").glob("*") if (p / "datapackage.json").is_file()),
                   key=lambda v: tuple(int(x) for x in v.split(".")))
    return [*older, current]


def load_cbm(version: str | None = None) -> CaseData:
    """Load the bundled CBM transformation dataset (validated).

    Parameters
    ----------
    version : str, optional
        A released version, e.g. ``"1.0.0"``, to reproduce earlier results
        (:func:`cbm_versions` lists them); default the current version.

    Returns
    -------
    CaseData
        Version in ``.version``; tidy views via ``.cases_wide()`` etc.

    Raises
    ------
    ValueError
        For a version that is not bundled (the message lists those that are).

    Examples
    --------
    >>> import cbstats
    >>> cbm = cbstats.load_cbm()
    >>> wide = cbm.cases_wide()
    >>> first_release = cbstats.load_cbm(version="1.0.0")
    """
    root = bundled_cbm_path()
    versions = cbm_versions()
    if version is None or version == versions[-1]:
        return read_case_package(root)
    if version not in versions:
        raise ValueError(f"No bundled CBM version {version!r}; available: {', '.join(versions)}")
    return read_case_package(root / "versions" / version)


def package_of(path: str | Path) -> tuple[Path, str] | None:
    """The case package a CSV file belongs to, if any.

    Returns
    -------
    (Path, str) or None
        The package folder and the resource name, when the folder of ``path``
        has a ``datapackage.json`` that lists a resource with this file's
        path; None otherwise (also when the descriptor cannot be read: the
        file is then treated as a table of its own).
    """
    file = Path(path)
    descriptor_path = file.parent / "datapackage.json"
    if not descriptor_path.is_file():
        return None
    try:
        descriptor = load_descriptor(descriptor_path)
    except (ValueError, OSError):
        return None
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for res in resources if isinstance(resources, list) else []:
        if isinstance(res, dict) and isinstance(res.get("path"), str) and isinstance(res.get("name"), str):
            if (file.parent / res["path"]).resolve() == file.resolve():
                return file.parent, res["name"]
    return None


def read_package_table(path: str | Path) -> pd.DataFrame:
    """Read one table of a case package, checked against the package's own schema.

    Checks every cell (types, allowed values, ranges, patterns, required) and
    the table's primary key, as :func:`read_case_package` does; references to
    other tables are checked only when the whole folder is read.

    Parameters
    ----------
    path : str or Path
        A CSV file listed as a resource in the ``datapackage.json`` of its
        folder (see :func:`package_of`).

    Returns
    -------
    DataFrame
        The typed table.

    Raises
    ------
    CaseDataError
        Listing every problem (of the descriptor, or of the table).
    ValueError
        If ``path`` is not a table of a case package.
    """
    found = package_of(path)
    if found is None:
        raise ValueError(f"{path} is not listed in a datapackage.json next to it")
    folder, name = found
    descriptor, problems = _spec_for(folder)
    if problems:
        raise CaseDataError(problems, str(folder / "datapackage.json"))
    spec = parse_descriptor(descriptor)
    table_spec = spec.tables[name]
    raw, problems = read_raw_csv(Path(path), table_spec.path)
    if raw is not None:
        frame, cell_problems = typed_frame(raw, table_spec)
        problems.extend(cell_problems)
        problems.extend(check_primary_keys({name: frame}, spec))
    if problems:
        raise CaseDataError(problems, str(path))
    return frame.drop(columns=[LINE, INVALID])
