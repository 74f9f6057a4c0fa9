"""Validate the CBM-T additions against the bundled tables and the sampling frame.

Copies the tables of ``data/cbm`` (and ``datapackage.json``) to a temporary
folder, appends the rows of ``data/cbm/additions/<table>.csv`` to each table,
reads the result with :func:`cbstats.read_case_package` (all schema and
cross-table checks), and then runs the extra checks the release asks for:

- the additions have exactly the columns of the bundled tables, in order;
- no addition re-uses a key of an existing row (existing rows stay final);
- no rationale is reused across cases (unless it says "same");
- every arrangement in the merged data is in ``frame.csv`` with its id,
  the frame's columns and values are valid, and coverage is >= 0.9;
- the merged data have >= 170 cases and >= 140 arrangements.

Prints every problem and the new counts; exits with status 1 on any problem.

Run: ``/work/main/.venv/bin/python data/cbm/additions/check_additions.py``
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, "/work/wt/data")

import pandas as pd  # noqa: E402

import cbstats  # noqa: E402
from cbstats.casedata.errors import CaseDataError  # noqa: E402

HERE = Path(__file__).resolve().parent
CBM = HERE.parent
TABLES = ["states", "dyads", "arrangements", "participants", "measures", "cases", "conditions", "sources"]
KEYS = {
    "states": ["ccode"], "dyads": ["dyad_id"], "arrangements": ["arrangement_id"],
    "participants": ["arrangement_id", "ccode"], "measures": ["arrangement_id", "measure_id"],
    "cases": ["case_id"], "conditions": ["case_id", "condition"], "sources": ["source_id"],
}
FRAME_COLUMNS = ["frame_id", "name", "year", "kind", "parties", "region", "in_dataset", "reason_if_excluded"]
REGIONS = {"europe_east_west", "eurasia", "south_asia", "east_asia_pacific", "latin_america", "middle_east", "africa"}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def merge_into(tmp: Path, problems: list[str]) -> dict[str, int]:
    """Copy the bundled tables to ``tmp`` and append the additions; return rows added per table."""
    shutil.copy(CBM / "datapackage.json", tmp / "datapackage.json")
    added = {}
    for name in TABLES:
        base_text = (CBM / f"{name}.csv").read_text(encoding="utf-8")
        base = _read(CBM / f"{name}.csv")
        add_path = HERE / f"{name}.csv"
        if not add_path.exists():
            (tmp / f"{name}.csv").write_text(base_text, encoding="utf-8")
            added[name] = 0
            continue
        add = _read(add_path)
        if list(add.columns) != list(base.columns):
            problems.append(f"additions/{name}.csv: columns {list(add.columns)} != {list(base.columns)}")
        key = KEYS[name]
        old_keys = set(map(tuple, base[key].values.tolist()))
        for i, k in enumerate(map(tuple, add[key].values.tolist()), start=2):
            if k in old_keys:
                problems.append(f"additions/{name}.csv line {i}: key {k} already exists in {name}.csv")
        body = add_path.read_text(encoding="utf-8").split("\n", 1)[1]
        if not base_text.endswith("\n"):
            base_text += "\n"
        (tmp / f"{name}.csv").write_text(base_text + body, encoding="utf-8")
        added[name] = len(add)
    return added


def check_rationales(tmp: Path, problems: list[str]) -> None:
    cond = _read(tmp / "conditions.csv")
    cases = _read(tmp / "cases.csv")
    texts = pd.concat([cond["rationale"], cases["transformation_rationale"]])
    repeated = texts[texts.duplicated(keep=False) & ~texts.str.contains("same", case=False)]
    for text in sorted(set(repeated)):
        problems.append(f"rationale reused across cases without saying 'same': {text[:90]!r}")


def check_frame(tmp: Path, problems: list[str]) -> tuple[float, pd.DataFrame]:
    frame = _read(CBM / "frame.csv")
    if list(frame.columns) != FRAME_COLUMNS:
        problems.append(f"frame.csv: columns {list(frame.columns)} != {FRAME_COLUMNS}")
        return 0.0, frame
    arrangements = _read(tmp / "arrangements.csv")
    status = dict(zip(arrangements["arrangement_id"], arrangements["status"], strict=True))
    if frame["frame_id"].duplicated().any():
        problems.append(f"frame.csv: duplicated frame_id {sorted(frame.loc[frame['frame_id'].duplicated(), 'frame_id'])}")
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        if row.kind not in {"concluded", "negotiation_failed"}:
            problems.append(f"frame.csv line {i}: kind {row.kind!r}")
        if row.region not in REGIONS:
            problems.append(f"frame.csv line {i}: region {row.region!r}")
        if not row.year.isdigit() or not 1963 <= int(row.year) <= 2025:
            problems.append(f"frame.csv line {i}: year {row.year!r} outside 1963-2025")
        if row.in_dataset:
            if row.in_dataset not in status:
                problems.append(f"frame.csv line {i}: in_dataset {row.in_dataset!r} is not an arrangement_id")
            elif status[row.in_dataset] != row.kind:
                problems.append(f"frame.csv line {i}: kind {row.kind!r} but status {status[row.in_dataset]!r}")
            if row.reason_if_excluded:
                problems.append(f"frame.csv line {i}: reason_if_excluded filled for an included instrument")
        elif not row.reason_if_excluded.strip():
            problems.append(f"frame.csv line {i}: not in the dataset but no reason_if_excluded")
    used = frame.loc[frame["in_dataset"] != "", "in_dataset"]
    for aid in sorted(set(status) - set(used)):
        problems.append(f"arrangement {aid} is missing from frame.csv")
    for aid in sorted(set(used[used.duplicated()])):
        problems.append(f"frame.csv: arrangement {aid} appears on more than one row")
    coverage = (frame["in_dataset"] != "").mean()
    if coverage < 0.9:
        problems.append(f"frame coverage {coverage:.3f} < 0.90")
    return coverage, frame


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        added = merge_into(tmp, problems)
        try:
            data = cbstats.read_case_package(tmp)
        except CaseDataError as err:
            problems.append(f"read_case_package failed:\n{err}")
            data = None
        check_rationales(tmp, problems)
        coverage, frame = check_frame(tmp, problems)
        if data is not None:
            arrangements = data.table("arrangements")
            cases = data.table("cases")
            print("rows added:", added)
            print(f"arrangements: {len(arrangements)}  cases: {len(cases)}  dyads: {len(data.table('dyads'))}")
            print("arrangements by status:", arrangements["status"].value_counts().to_dict())
            if len(cases) < 170:
                problems.append(f"only {len(cases)} cases (need >= 170)")
            if len(arrangements) < 140:
                problems.append(f"only {len(arrangements)} arrangements (need >= 140)")
        in_data = frame["in_dataset"] != ""
        print(f"frame: {len(frame)} instruments, {in_data.sum()} in the dataset, coverage {coverage:.3f}")
        print(frame.assign(in_data=in_data).groupby(["region"])["in_data"].agg(["size", "sum", "mean"]).round(3))
        print(frame.assign(in_data=in_data).groupby(["kind"])["in_data"].agg(["size", "sum", "mean"]).round(3))
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(" -", p)
        return 1
    print("\nOK: no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
