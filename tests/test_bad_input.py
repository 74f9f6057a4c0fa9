"""A corpus of corrupted inputs: each gives a report (file, line, column, value, expectation), not a traceback.

Every case goes through the command line (``cbstats.cli.main``): exit 1 for
problems in the data, 2 for usage errors; input files are byte-identical
afterwards.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cbstats.cli import main


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def cli(args: list[str], capsys, folder: Path) -> tuple[int, str]:
    """Run the CLI on files in ``folder``; check the files are unchanged; return (exit code, output)."""
    before = digest(folder)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out = capsys.readouterr()
    assert digest(folder) == before, "input files were changed"
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("  - ")]


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def write_descriptor(folder: Path, value: object) -> None:
    (folder / "datapackage.json").write_text(json.dumps(value, indent=2), encoding="utf-8")


def resource_line(folder: Path, name: str) -> int:
    lines = (folder / "datapackage.json").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.strip() == f'"name": "{name}",')


# --------------------------------------------------------------- datapackage.json


def test_descriptor_with_other_key_names(mini_package, capsys):
    d = descriptor(mini_package)
    for res in d["resources"]:
        res["schema"]["columns"] = res["schema"].pop("fields")
    write_descriptor(mini_package, d)
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    lines = problem_lines(out)
    assert len(lines) == len(d["resources"])
    line = resource_line(mini_package, "cases")
    assert f"datapackage.json:{line}, key 'cases.schema.fields'" in out
    assert "expected a \"fields\" list" in out and "'columns'" in out


def test_descriptor_with_other_field_names(mini_package, capsys):
    for name in ("datapackage.json", "dyads.csv"):
        path = mini_package / name
        path.write_text(path.read_text(encoding="utf-8").replace("ccode_a", "state_a"), encoding="utf-8")
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)
    assert f"datapackage.json:{resource_line(mini_package, 'dyads')}" in line
    assert "value 'state_a'" in line and "missing: ccode_a" in line and "CBM layout" in line


def test_descriptor_with_a_field_of_another_type(mini_package, capsys):
    d = descriptor(mini_package)
    cases = next(r for r in d["resources"] if r["name"] == "cases")
    next(f for f in cases["schema"]["fields"] if f["name"] == "transformation")["type"] = "string"
    write_descriptor(mini_package, d)
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)
    assert "key 'cases.schema.fields.transformation.type', value 'string'" in line
    assert "type 'integer'" in line


def test_descriptor_without_resources(mini_package, capsys):
    d = descriptor(mini_package)
    del d["resources"]
    write_descriptor(mini_package, d)
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)
    assert "datapackage.json, key 'resources'" in line and "the key is missing" in line


def test_resource_without_schema_is_one_problem(mini_package, capsys):
    d = descriptor(mini_package)
    del next(r for r in d["resources"] if r["name"] == "arrangements")["schema"]
    write_descriptor(mini_package, d)
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)  # not also one per foreign key pointing at 'arrangements'
    assert f"datapackage.json:{resource_line(mini_package, 'arrangements')}" in line
    assert "key 'arrangements.schema'" in line and "arrangements.csv" in line


def test_descriptor_with_an_array_at_the_top(mini_package, capsys):
    write_descriptor(mini_package, [{"name": "cases"}])
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)
    assert "datapackage.json:1, value '[{\"name\": \"cases\"}]'" in line and "JSON object" in line


def test_descriptor_that_is_not_json(mini_package, capsys):
    (mini_package / "datapackage.json").write_text('{\n  "name": "x",\n  "resources": [,]\n}\n', encoding="utf-8")
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)
    assert "datapackage.json:3, value '\"resources\": [,]'" in line and "valid JSON" in line


# ------------------------------------------------------------------ tables


def test_bad_score_is_one_problem(mini_package, capsys):
    path = mini_package / "conditions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",dissatisfaction,0.33,", ",dissatisfaction,0.5,"),
                    encoding="utf-8")
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    assert problem_lines(out) == [
        "  - conditions.csv:3, column 'score', value '0.5': expected one of 0, 0.33, 0.67, 1"]


def test_bad_year_is_one_problem(mini_package, capsys):
    path = mini_package / "cases.csv"  # the institutionalized case: its year is required
    path.write_text(path.read_text(encoding="utf-8").replace(",src_a,1975,", ",src_a,19x5,"), encoding="utf-8")
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)
    assert "cases.csv:2, column 'year_institutionalized', value '19x5': expected a whole number" in line


@pytest.mark.parametrize(("index", "column"), [(4, "rationale"), (2, "score")])
def test_huge_cell_is_one_problem(mini_package, capsys, index, column):
    path = mini_package / "conditions.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[2].split(",")
    cells[index] = "1" * 200_000  # a cell of line 3
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    [line] = problem_lines(out)  # the other rows of the table are still read and checked
    assert f"conditions.csv:3, column '{column}'" in line and "200,000 characters" in line
    assert "at most 10,000" in line and len(line) < 400


def test_unclosed_quote_swallowing_the_file_is_reported_at_its_line(mini_package, capsys):
    path = mini_package / "conditions.csv"
    text = path.read_text(encoding="utf-8")
    filler = "".join(f"x{i},fatigue,0,low,Filler row {i:06d} with some text.,src_a,\n" for i in range(400))
    path.write_text(text.replace("Synthetic rationale.", '"Synthetic rationale.', 1) + filler, encoding="utf-8")
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    first = problem_lines(out)[0]
    assert first.startswith("  - conditions.csv:2, column 'rationale'") and "quote" in first


def test_one_table_of_a_package_is_checked_against_its_schema(mini_package, capsys):
    path = mini_package / "conditions.csv"
    code, out = cli(["validate", str(path)], capsys, mini_package)
    assert code == 0 and "table 'conditions'" in out  # many rows per case_id are fine here
    path.write_text(path.read_text(encoding="utf-8").replace(",fatigue,0,", ",fatigue,2,", 1), encoding="utf-8")
    code, out = cli(["validate", str(path)], capsys, mini_package)
    assert code == 1
    assert problem_lines(out) == [
        "  - conditions.csv:2, column 'score', value '2': expected one of 0, 0.33, 0.67, 1"]


def test_describe_a_package_table_says_what_is_missing(mini_package, capsys):
    code, out = cli(["describe", str(mini_package / "cases.csv")], capsys, mini_package)
    assert code == 1
    assert "cases.csv:1, column 'region': expected this column" in out
    assert f"cbstats describe {mini_package}" in out


def test_describe_a_one_row_per_case_csv_counts_numbers(tmp_path, capsys):
    from cbstats import load_cbm

    cbm = load_cbm()
    wide = cbm.cases_wide().drop(columns=["decade", "institutionalized"])  # derived again by describe
    wide.to_csv(tmp_path / "my_cases.csv", index=False)
    code, out = cli(["describe", str(tmp_path / "my_cases.csv")], capsys, tmp_path)
    assert code == 0
    assert "transformation" in out.split("read as numbers:")[1].split("; as text")[0]
    expected = cbm.describe()
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        for name in ("cases_by_region", "cases_by_decade", "outcome_distribution"):
            assert expected[name].to_string(index=False) in out, name


def test_describe_a_csv_with_text_in_the_outcome(tmp_path, capsys):
    from cbstats import load_cbm

    wide = load_cbm().cases_wide().head(5)
    wide["transformation"] = wide["transformation"].astype(str)
    wide.loc[wide.index[3], "transformation"] = "high"
    wide.to_csv(tmp_path / "my_cases.csv", index=False)
    code, out = cli(["describe", str(tmp_path / "my_cases.csv")], capsys, tmp_path)
    assert code == 1
    assert problem_lines(out) == [
        "  - my_cases.csv:5, column 'transformation', value 'high': expected a whole number 0-3"]


# ------------------------------------------------------- other broken files


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the file is empty"),
    (b"case_id,forum,outcome\n", "the table is empty"),
    (b"case_id,forum,forum\na,0,1\n", "each column name to appear once"),
    (b"case_id,,outcome\na,0,1\n", "a name for every column"),
    (b"case_id,forum\nb\xe9,0\n", "UTF-8"),
])
def test_broken_wide_csv(tmp_path, capsys, content, expected):
    (tmp_path / "cases.csv").write_bytes(content)
    code, out = cli(["validate", str(tmp_path / "cases.csv")], capsys, tmp_path)
    assert code == 1 and expected in out and "cases.csv" in out


def test_wide_csv_with_bom(tmp_path, capsys):
    (tmp_path / "cases.csv").write_bytes(b"\xef\xbb\xbfcase_id,forum,outcome\na,0.33,1\nb,1,0\n")
    code, out = cli(["validate", str(tmp_path / "cases.csv")], capsys, tmp_path)
    assert code == 0 and "2 cases" in out


def test_excel_missing_sheet_and_bad_sheet_position(tmp_path, capsys):
    path = tmp_path / "cases.xlsx"
    pd.DataFrame({"case_id": ["a", "b"], "forum": [0.33, 1.0]}).to_excel(path, sheet_name="cases", index=False)
    code, out = cli(["validate", str(path), "--sheet", "Cases 2024"], capsys, tmp_path)
    assert code == 1 and "value 'Cases 2024'" in out and "'cases'" in out
    from cbstats import CaseDataError, read_case_table

    with pytest.raises(CaseDataError, match="a sheet position from 0 to 0"):
        read_case_table(path, sheet=3)


def test_excel_duplicate_columns_and_empty_sheet(tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "cases"
    for row in (["case_id", "forum", "forum"], ["a", 0.33, 1], ["b", 1, 0]):
        ws.append(row)
    wb.create_sheet("empty")
    path = tmp_path / "cases.xlsx"
    wb.save(path)
    code, out = cli(["validate", str(path)], capsys, tmp_path)
    assert code == 1 and "cases.xlsx [cases]:1, column 'forum'" in out and "once" in out
    code, out = cli(["validate", str(path), "--sheet", "empty"], capsys, tmp_path)
    assert code == 1 and "the sheet is empty" in out


def test_not_an_excel_file(tmp_path, capsys):
    (tmp_path / "cases.xlsx").write_text("case_id,forum\n", encoding="utf-8")
    code, out = cli(["validate", str(tmp_path / "cases.xlsx")], capsys, tmp_path)
    assert code == 1 and "a readable .xlsx workbook" in out


# ---------------------------------------------------------------- reproduce --out


def test_reproduce_out_is_an_existing_file(tmp_path, capsys):
    target = tmp_path / "results.txt"
    target.write_text("keep me", encoding="utf-8")
    code, out = cli(["reproduce", "--only", "descriptives", "--out", str(target)], capsys, tmp_path)
    assert code == 2 and f"--out {target} is an existing file" in out
    assert "[1/1]" not in out
    code, out = cli(["reproduce", "--out", str(target / "sub")], capsys, tmp_path)
    assert code == 2 and "is a file, so the folder cannot be created" in out


def test_reproduce_out_not_writable(tmp_path, capsys, monkeypatch):
    import os
    import tempfile

    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:  # a real read-only folder (root may write anyway)
        folder.chmod(0o555)
    else:  # simulate what the OS answers to a user without write permission
        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        code, out = cli(["reproduce", "--only", "descriptives", "--out", str(folder)], capsys, tmp_path)
    finally:
        folder.chmod(0o755)
    assert code == 2 and f"--out {folder} is not a folder cbstats can write to (Permission denied)" in out
    assert "[1/1]" not in out and list(folder.iterdir()) == []


# ------------------------------------------------------------------ load_result


def test_load_result_on_files_that_are_not_results(tmp_path):
    import arviz as az
    import numpy as np
    import xarray as xr

    from cbstats import load_result
    from cbstats.models.io import ResultFileError

    text = tmp_path / "notes.nc"
    text.write_text("not netCDF at all", encoding="utf-8")
    with pytest.raises(ResultFileError, match=r"notes\.nc .*cannot be read as netCDF.*BayesResult\.save"):
        load_result(text)
    plain = tmp_path / "plain.nc"
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_netcdf(plain, engine="h5netcdf")
    with pytest.raises(ResultFileError, match=r"plain\.nc is a netCDF file without groups posterior"):
        load_result(plain)
    other = tmp_path / "other.nc"
    idata = az.from_dict(posterior={"b": np.zeros((2, 5))}, constant_data={"x": np.arange(3.0)})
    idata.to_netcdf(str(other), engine="h5netcdf")
    with pytest.raises(ResultFileError, match=r"other\.nc .*attribute 'cbstats_metadata'"):
        load_result(other)
    truncated = tmp_path / "truncated.nc"
    truncated.write_bytes(other.read_bytes()[: other.stat().st_size // 2])
    with pytest.raises(ResultFileError, match=r"truncated\.nc \(\d[\d,]* bytes\) cannot be read"):
        load_result(truncated)
    with pytest.raises(FileNotFoundError, match=r"missing\.nc: no such file"):
        load_result(tmp_path / "missing.nc")


def test_cli_bad_input_prints_no_traceback(mini_package):
    write_descriptor(mini_package, [])
    done = subprocess.run([sys.executable, "-m", "cbstats.cli", "validate", str(mini_package)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and done.stderr == ""
    assert "datapackage.json:1" in done.stdout


def test_descriptor_constraints_of_the_wrong_type(mini_package, capsys):
    d = descriptor(mini_package)
    states = next(r for r in d["resources"] if r["name"] == "states")
    states["schema"]["fields"][0]["constraints"] = {"minimum": "one", "required": "yes"}
    states["schema"]["fields"][1]["constraints"] = {"pattern": "[A-Z"}
    write_descriptor(mini_package, d)
    code, out = cli(["validate", str(mini_package)], capsys, mini_package)
    assert code == 1
    assert len(problem_lines(out)) == 3
    line = resource_line(mini_package, "states")
    assert f"datapackage.json:{line}, key 'states.schema.fields[0].constraints.minimum', value 'one'" in out
    assert "key 'states.schema.fields[1].constraints.pattern', value '[A-Z': expected a regular expression" in out


def test_a_file_that_is_not_a_table(mini_package, capsys):
    code, out = cli(["validate", str(mini_package / "datapackage.json")], capsys, mini_package)
    assert code == 1
    assert problem_lines(out) == ["  - datapackage.json: expected a .csv table, an .xlsx/.xlsm workbook, or a "
                                  "case package folder (this file ends in '.json')"]
