"""Reading your own data: read_case_table infers numeric columns, says so, and numeric=/text= override it."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from cbstats import CaseDataError, read_case_table
from cbstats.casedata.widetable import infer_kind

CSV = (
    "case_id,region,outcome,year,share,code,forum,mixed\n"
    "a,south_asia,1,1990,0.5,007,0.33,1\n"
    "b,europe,0,1991,,012,1,2\n"
    "c,europe,1,1999,1.5,100,0,n/a\n"
)


@pytest.fixture
def cases_csv(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_numeric_columns_are_inferred(cases_csv):
    data = read_case_table(cases_csv)
    wide = data.cases_wide()
    assert wide["outcome"].dtype == "int64" and wide["outcome"].tolist() == [1, 0, 1]
    assert wide["year"].dtype == "int64"
    assert wide["share"].dtype == "float64" and wide["share"].isna().tolist() == [False, True, False]
    # condition scores stay fractions, as ordered categoricals on the codebook's scale
    assert wide["forum"].dtype == pd.CategoricalDtype([0.0, 0.33, 0.67, 1.0], ordered=True)
    for text_column in ("case_id", "region", "code", "mixed"):  # leading zeros and words keep text
        assert not pd.api.types.is_numeric_dtype(wide[text_column]), text_column
    assert wide["code"].tolist() == ["007", "012", "100"]
    assert data.column_types == {
        "case_id": "id", "region": "text (inferred)", "outcome": "numeric (inferred)",
        "year": "numeric (inferred)", "share": "numeric (inferred)", "code": "text (inferred)",
        "forum": "condition score", "mixed": "text (inferred)"}


def test_inference_is_reported(cases_csv, caplog):
    with caplog.at_level(logging.INFO, logger="cbstats.casedata"):
        data = read_case_table(cases_csv)
    note = data.type_note
    assert note.startswith("cases.csv: read as numbers: outcome, year, share; as text: region, code, mixed")
    assert "numeric=" in note and "text=" in note
    assert note in caplog.text


def test_numeric_and_text_override_the_inference(cases_csv):
    data = read_case_table(cases_csv, text=["year"], numeric=["code"])
    wide = data.cases_wide()
    assert wide["year"].tolist() == ["1990", "1991", "1999"]
    assert wide["code"].tolist() == [7, 12, 100]
    assert data.column_types["year"] == "text (given)" and data.column_types["code"] == "numeric (given)"
    with pytest.raises(CaseDataError) as info:  # a column declared numeric must be numeric
        read_case_table(cases_csv, numeric=["mixed"])
    [problem] = info.value.problems
    assert (problem.line, problem.column, problem.value, problem.expected) == (4, "mixed", "n/a", "a number")
    with pytest.raises(ValueError, match="both numeric= and text=: year"):
        read_case_table(cases_csv, numeric=["year"], text=["year"])


def test_excel_numbers_are_numbers(tmp_path):
    path = tmp_path / "cases.xlsx"
    pd.DataFrame({"case_id": ["a", "b"], "institutionalized": [1, 0], "forum": [0.33, 1.0],
                  "label": ["x", "y"]}).to_excel(path, sheet_name="cases", index=False)
    wide = read_case_table(path).cases_wide()
    assert wide["institutionalized"].dtype == "int64" and wide["institutionalized"].tolist() == [1, 0]
    assert wide["forum"].tolist() == [0.33, 1.0] and wide["label"].tolist() == ["x", "y"]


@pytest.mark.parametrize(("cells", "kind"), [
    (["1", "0", "1"], "integer"),
    (["1", "", "0"], "number"),
    (["0.5", "2"], "number"),
    (["1e3", "-2"], "integer"),
    (["007", "12"], "string"),
    (["1", "x"], "string"),
    (["inf", "1"], "string"),
    (["", " "], "string"),
])
def test_infer_kind(cells, kind):
    assert infer_kind(cells) == kind
