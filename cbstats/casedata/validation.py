"""Checks across the tables of a case package: keys, references and logic.

Cell-level checks (types, allowed values, ranges, patterns) happen while
reading (:mod:`cbstats.casedata.cells`); this module checks what needs more
than one cell: unique keys, references between tables, cited sources, the
order of dates, the case/dyad identifiers and the completeness of codings.
Every check collects problems; nothing stops at the first one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .cells import INVALID, LINE
from .errors import Problem
from .schema import CONDITIONS, PackageSpec

SOURCE_COLUMNS = {
    "arrangements": ["source_ids"],
    "cases": ["transformation_source_ids"],
    "conditions": ["source_ids"],
}


def _rows(frame: pd.DataFrame, columns: list[str]) -> Iterator[tuple[int, tuple]]:
    lines = frame[LINE].tolist()
    values = zip(*(frame[c].tolist() for c in columns), strict=True)
    yield from zip(lines, values, strict=True)


def _is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and v != v) or v is pd.NA


def _invalid_lines(frame: pd.DataFrame, column: str) -> set[int]:
    """Lines whose ``column`` cell failed its cell check: NA here, but not blank in the file.

    Checks that require a value skip them: the cell was reported once already.
    """
    if INVALID not in frame:
        return set()
    return {line for line, bad in zip(frame[LINE], frame[INVALID], strict=True) if column in bad}


def check_primary_keys(tables: dict[str, pd.DataFrame], spec: PackageSpec,
             incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Every primary key is unique within its table."""
    problems = []
    for name, frame in tables.items():
        key = list(spec.tables[name].primary_key)
        if not key:
            continue
        file = spec.tables[name].path
        first_seen: dict[tuple, int] = {}
        for line, values in _rows(frame, key):
            if any(_is_missing(v) for v in values):
                continue
            if values in first_seen:
                problems.append(
                    Problem(file, line, "+".join(key), "|".join(map(str, values)),
                            f"a unique key (the same key is on line {first_seen[values]})")
                )
            else:
                first_seen[values] = line
    return problems


def check_foreign_keys(tables: dict[str, pd.DataFrame], spec: PackageSpec,
             incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Every reference to another table points at an existing row."""
    problems = []
    for name, frame in tables.items():
        for fk in spec.tables[name].foreign_keys:
            target = tables.get(fk.resource)
            if target is None or fk.resource in incomplete:
                continue  # rows of the target may be missing: a dangling reference proves nothing
            known = set(zip(*(target[c].tolist() for c in fk.reference_fields), strict=True))
            target_file = spec.tables[fk.resource].path
            for line, values in _rows(frame, list(fk.fields)):
                if any(_is_missing(v) for v in values):
                    continue
                if values not in known:
                    problems.append(
                        Problem(spec.tables[name].path, line, "+".join(fk.fields),
                                "|".join(map(str, values)),
                                f"a {'+'.join(fk.reference_fields)} that exists in {target_file}")
                    )
    return problems


def check_source_references(tables: dict[str, pd.DataFrame], spec: PackageSpec,
             incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Every source id cited by a coding is listed in the sources table."""
    if "sources" not in tables or "sources" in incomplete:
        return []
    known = set(tables["sources"]["source_id"].dropna())
    problems = []
    for name, columns in SOURCE_COLUMNS.items():
        if name not in tables:
            continue
        for column in columns:
            if column not in tables[name]:
                continue
            for line, (cell,) in _rows(tables[name], [column]):
                if _is_missing(cell):
                    continue
                for sid in str(cell).split(";"):
                    if sid not in known:
                        problems.append(
                            Problem(spec.tables[name].path, line, column, sid,
                                    f"a source_id listed in {spec.tables['sources'].path}")
                        )
    return problems


def check_dyads(tables: dict[str, pd.DataFrame], spec: PackageSpec,
             incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Dyad ids are canonical: '<smaller>-<larger>' of two different states."""
    if "dyads" not in tables:
        return []
    file = spec.tables["dyads"].path
    problems = []
    for line, (dyad_id, a, b) in _rows(tables["dyads"], ["dyad_id", "ccode_a", "ccode_b"]):
        if _is_missing(a) or _is_missing(b):
            continue
        if a == b:
            problems.append(Problem(file, line, "ccode_b", str(b), "a state different from ccode_a (a dyad is two states)"))
        elif a > b:
            problems.append(Problem(file, line, "ccode_a", str(a), f"the smaller code of the pair (ccode_b is {b})"))
        elif not _is_missing(dyad_id) and dyad_id != f"{a}-{b}":
            problems.append(Problem(file, line, "dyad_id", str(dyad_id), f"'{a}-{b}' built from ccode_a and ccode_b"))
    return problems


def check_arrangement_dates(tables: dict[str, pd.DataFrame], spec: PackageSpec,
             incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Signed <= in force <= ended."""
    if "arrangements" not in tables:
        return []
    file = spec.tables["arrangements"].path
    problems = []
    cols = ["year_signed", "year_in_force", "year_ended"]
    for line, (signed, in_force, ended) in _rows(tables["arrangements"], cols):
        if not _is_missing(signed) and not _is_missing(in_force) and in_force < signed:
            problems.append(Problem(file, line, "year_in_force", str(in_force), f"a year >= year_signed ({signed})"))
        if not _is_missing(ended):
            start = in_force if not _is_missing(in_force) else signed
            if not _is_missing(start) and ended < start:
                problems.append(Problem(file, line, "year_ended", str(ended),
                                        f"a year >= year_in_force/year_signed ({start})"))
    return problems


def check_cases(tables: dict[str, pd.DataFrame], spec: PackageSpec,
             incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Case ids, outcome years, and membership of the dyad's states in the arrangement."""
    if "cases" not in tables:
        return []
    file = spec.tables["cases"].path
    cases = tables["cases"]
    signed = {}
    if "arrangements" in tables:
        a = tables["arrangements"]
        signed = dict(zip(a["arrangement_id"], a["year_signed"], strict=True))
    dyad_states = {}
    if "dyads" in tables:
        d = tables["dyads"]
        dyad_states = {r: (x, y) for r, x, y in zip(d["dyad_id"], d["ccode_a"], d["ccode_b"], strict=True)}
    members: dict[str, set] = {}
    if "participants" in tables and "participants" not in incomplete:
        for arr, cc in zip(tables["participants"]["arrangement_id"], tables["participants"]["ccode"], strict=True):
            members.setdefault(arr, set()).add(cc)
    problems = []
    invalid_year = _invalid_lines(cases, "year_institutionalized")
    cols = ["case_id", "arrangement_id", "dyad_id", "transformation", "year_institutionalized",
            "year_reversed", "year_observed_end"]
    for line, (cid, arr, dyad, outcome, y_inst, y_rev, y_end) in _rows(cases, cols):
        if not _is_missing(cid) and not _is_missing(arr) and not _is_missing(dyad) and cid != f"{arr}__{dyad}":
            problems.append(Problem(file, line, "case_id", cid, f"'{arr}__{dyad}' (arrangement_id__dyad_id)"))
        start = signed.get(arr)
        for column, year in (("year_institutionalized", y_inst), ("year_reversed", y_rev),
                             ("year_observed_end", y_end)):
            if not _is_missing(year) and start is not None and not _is_missing(start) and year < start:
                problems.append(Problem(file, line, column, str(year),
                                        f"a year not before the arrangement was signed ({start})"))
        if not _is_missing(y_inst) and not _is_missing(y_end) and y_inst > y_end:
            problems.append(Problem(file, line, "year_institutionalized", str(y_inst),
                                    f"a year <= year_observed_end ({y_end})"))
        if not _is_missing(outcome):
            if outcome == 3 and _is_missing(y_inst) and line not in invalid_year:
                problems.append(Problem(file, line, "year_institutionalized", "",
                                        "a year, because transformation is 3 (institutionalized)"))
            if outcome != 3 and not _is_missing(y_inst):
                problems.append(Problem(file, line, "year_institutionalized", str(y_inst),
                                        f"a blank cell, because transformation is {outcome} (not 3)"))
        if dyad in dyad_states and arr in members:
            for state in dyad_states[dyad]:
                if state not in members[arr]:
                    problems.append(Problem(file, line, "dyad_id", dyad,
                                            f"both states of the dyad among the participants of {arr} "
                                            f"(state {state} is not listed in participants)"))
    return problems


def check_conditions(tables: dict[str, pd.DataFrame], spec: PackageSpec,
             incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Missing scores carry a reason; every case has all seven conditions."""
    if "conditions" not in tables:
        return []
    file = spec.tables["conditions"].path
    cond = tables["conditions"]
    problems = []
    invalid = _invalid_lines(cond, "score")
    for line, (score, reason) in _rows(cond, ["score", "missing_reason"]):
        if line in invalid:
            continue
        if _is_missing(score) and (_is_missing(reason) or not str(reason).strip()):
            problems.append(Problem(file, line, "score", "",
                                    "a score in {0, 0.33, 0.67, 1}, or a missing_reason saying why it is blank"))
    if "cases" in tables and "conditions" not in incomplete:
        have: dict[str, set] = {}
        for cid, name in zip(cond["case_id"], cond["condition"], strict=True):
            have.setdefault(cid, set()).add(name)
        cases_file = spec.tables["cases"].path
        for line, (cid,) in _rows(tables["cases"], ["case_id"]):
            if _is_missing(cid):
                continue
            missing = [c for c in CONDITIONS if c not in have.get(cid, set())]
            if missing:
                problems.append(Problem(cases_file, line, "case_id", cid,
                                        f"all seven conditions coded in {file}; missing: {', '.join(missing)}"))
    return problems


def check_failed_negotiations(tables: dict[str, pd.DataFrame], spec: PackageSpec,
                              incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """A negotiation that produced no arrangement has no entry into force, body, measures or change."""
    arr = tables.get("arrangements")
    if arr is None or "status" not in arr or "arrangements" in incomplete:
        return []
    file = spec.tables["arrangements"].path
    problems = []
    failed = set()
    for line, (aid, status, in_force, body) in _rows(
            arr, ["arrangement_id", "status", "year_in_force", "standing_body"]):
        if status != "negotiation_failed":
            continue
        failed.add(aid)
        if not _is_missing(in_force):
            problems.append(Problem(file, line, "year_in_force", str(in_force),
                                    "blank for a negotiation that produced no arrangement"))
        if not _is_missing(body) and body != 0:
            problems.append(Problem(file, line, "standing_body", str(body),
                                    "0 for a negotiation that produced no arrangement"))
    if "measures" in tables and "measures" not in incomplete and failed:
        m_file = spec.tables["measures"].path
        for line, (aid,) in _rows(tables["measures"], ["arrangement_id"]):
            if aid in failed:
                problems.append(Problem(m_file, line, "arrangement_id", aid,
                                        "no measures for a negotiation that produced no arrangement"))
    if "cases" in tables and "cases" not in incomplete and failed:
        c_file = spec.tables["cases"].path
        for line, (aid, outcome) in _rows(tables["cases"], ["arrangement_id", "transformation"]):
            if aid in failed and not _is_missing(outcome) and outcome != 0:
                problems.append(Problem(c_file, line, "transformation", str(outcome),
                                        "0 for a negotiation that produced no arrangement"))
    return problems


CHECKS = (
    check_primary_keys,
    check_foreign_keys,
    check_source_references,
    check_dyads,
    check_arrangement_dates,
    check_cases,
    check_conditions,
    check_failed_negotiations,
)


def validate_tables(tables: dict[str, pd.DataFrame], spec: PackageSpec,
                    incomplete: frozenset[str] = frozenset()) -> list[Problem]:
    """Run every cross-table check and return all problems found.

    Parameters
    ----------
    tables, spec
        The typed tables and the package schema.
    incomplete
        Names of tables some of whose rows could not be read (a quote left
        open, a row with the wrong number of fields, a CSV error; reported
        already). They are not used as the reference of another table's
        check, so that one broken row does not show up as a false problem in
        every row that refers to it.
    """
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(tables, spec, incomplete=incomplete))
    return problems
