"""Bad input: every kind of problem is reported with file, line, column, value, expectation."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from cbstats import CaseDataError, read_case_package, read_case_table


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder: Path) -> list:
    with pytest.raises(CaseDataError) as info:
        read_case_package(folder)
    return info.value.problems


def only(problems, **match):
    found = [p for p in problems if all(getattr(p, k) == v for k, v in match.items())]
    assert found, f"no problem matching {match}; got:\n" + "\n".join(map(str, problems))
    return found


def test_clean_fixture_reads(mini_package):
    data = read_case_package(mini_package)
    assert len(data.table("cases")) == 3


def test_missing_file(mini_package):
    (mini_package / "measures.csv").unlink()
    only(problems_of(mini_package), file="measures.csv", line=None)


def test_missing_column(mini_package):
    edit(mini_package / "cases.csv", "track_two,", "")
    # the header loses a column: reported at line 1, and every data row has too many fields
    problems = problems_of(mini_package)
    only(problems, file="cases.csv", line=1, column="track_two")


def test_unknown_condition(mini_package):
    edit(mini_package / "conditions.csv", ",fatigue,0,", ",fatigued,0,")
    p = only(problems_of(mini_package), file="conditions.csv", column="condition", value="fatigued")[0]
    assert p.line == 2
    assert "fatigue" in p.expected and "leap_of_faith" in p.expected


def test_score_outside_allowed_set(mini_package):
    edit(mini_package / "conditions.csv", ",dissatisfaction,0.33,", ",dissatisfaction,0.5,")
    p = only(problems_of(mini_package), file="conditions.csv", column="score", value="0.5")[0]
    assert p.line == 3 and "0.33" in p.expected


def test_duplicate_key(mini_package):
    with open(mini_package / "sources.csv", "a", encoding="utf-8") as f:
        f.write("src_a,scholarly_work,Someone,Another title,2001,\n")
    p = only(problems_of(mini_package), file="sources.csv", column="source_id", value="src_a")[0]
    assert p.line == 4 and "line 2" in p.expected


def test_dangling_references(mini_package):
    edit(mini_package / "cases.csv", "test_pact_1990,750-770", "test_pact_1990,750-771")
    edit(mini_package / "participants.csv", "test_pact_1995,770", "test_pact_1995,999")
    edit(mini_package / "conditions.csv", "Synthetic rationale.,src_a,", "Synthetic rationale.,src_zz,")
    problems = problems_of(mini_package)
    only(problems, file="cases.csv", column="dyad_id", value="750-771")
    only(problems, file="participants.csv", column="ccode", value="999")
    only(problems, file="conditions.csv", column="source_ids", value="src_zz")


def test_impossible_dates(mini_package):
    edit(mini_package / "arrangements.csv", "1990,1991,2000", "1990,1989,1980")
    edit(mini_package / "cases.csv", ",2000,2000", ",2000,1985")
    problems = problems_of(mini_package)
    only(problems, file="arrangements.csv", column="year_in_force", value="1989")
    only(problems, file="arrangements.csv", column="year_ended", value="1980")
    only(problems, file="cases.csv", column="year_observed_end", value="1985")


def test_institutionalized_year_must_match_outcome(mini_package):
    edit(mini_package / "cases.csv", "3,high,Synthetic: institutionalized.,src_a,1975",
         "3,high,Synthetic: institutionalized.,src_a,")
    only(problems_of(mini_package), file="cases.csv", column="year_institutionalized", line=2)


def test_non_numeric_text_in_numeric_column(mini_package):
    edit(mini_package / "arrangements.csv", ",europe_east_west,1,1,", ",europe_east_west,one,1,")
    p = only(problems_of(mini_package), file="arrangements.csv", column="negotiation_years")[0]
    assert p.value == "one" and p.line == 2 and "number" in p.expected


def test_empty_table(mini_package):
    (mini_package / "measures.csv").write_text("arrangement_id,measure_id,type,description\n",
                                               encoding="utf-8")
    p = only(problems_of(mini_package), file="measures.csv")[0]
    assert "empty" in p.expected


def test_completely_empty_file(mini_package):
    (mini_package / "sources.csv").write_bytes(b"")
    problems = problems_of(mini_package)
    only(problems, file="sources.csv")


def test_utf8_bom_is_accepted(mini_package):
    path = mini_package / "states.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    data = read_case_package(mini_package)
    assert list(data.table("states").columns)[0] == "ccode"


def test_latin1_file_is_reported_with_line(mini_package):
    path = mini_package / "states.csv"
    text = path.read_text(encoding="utf-8").replace("Pakistan", "Pakistán")
    path.write_bytes(text.encode("latin-1"))
    p = only(problems_of(mini_package), file="states.csv")[0]
    assert p.line == 5 and "UTF-8" in p.expected and "Latin-1" in p.expected


def test_all_problems_reported_at_once_and_files_untouched(mini_package):
    edit(mini_package / "conditions.csv", ",fatigue,0,", ",fatigued,0,")
    edit(mini_package / "conditions.csv", ",dissatisfaction,0.33,", ",dissatisfaction,2,")
    edit(mini_package / "arrangements.csv", "1990,1991,2000", "1990,1989,2000")
    edit(mini_package / "dyads.csv", "750-770,750,770", "750-770,770,750")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in mini_package.iterdir()}
    problems = problems_of(mini_package)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in mini_package.iterdir()}
    assert before == after
    assert {p.file for p in problems} >= {"conditions.csv", "arrangements.csv", "dyads.csv"}
    assert len(problems) >= 4
    message = str(CaseDataError(problems, "pkg"))
    assert "conditions.csv:2" in message and "'fatigued'" in message


def test_dyad_of_a_state_with_itself(mini_package):
    edit(mini_package / "dyads.csv", "750-770,750,770", "750-770,750,750")
    only(problems_of(mini_package), file="dyads.csv", column="ccode_b", value="750")


def test_wide_csv_table(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,forum,outcome\na,0.33,1\nb,0.5,x\na,1,2\n", encoding="utf-8")
    with pytest.raises(CaseDataError) as info:
        read_case_table(path, numeric=["outcome"])
    problems = info.value.problems
    only(problems, column="forum", value="0.5", line=3)
    only(problems, column="outcome", value="x", line=3)
    only(problems, column="case_id", value="a", line=4)


def test_wide_excel_wrong_sheet_name(tmp_path):
    path = tmp_path / "cases.xlsx"
    pd.DataFrame({"case_id": ["a", "b"], "forum": [0.33, 1.0]}).to_excel(path, sheet_name="cases", index=False)
    with pytest.raises(CaseDataError) as info:
        read_case_table(path, sheet="Cases 2024")
    p = info.value.problems[0]
    assert p.value == "Cases 2024" and "'cases'" in p.expected
    data = read_case_table(path, sheet="cases")
    assert data.cases_wide()["forum"].tolist() == [0.33, 1.0]


def test_wide_table_missing_file(tmp_path):
    with pytest.raises(CaseDataError, match="the file to exist"):
        read_case_table(tmp_path / "nope.csv")
