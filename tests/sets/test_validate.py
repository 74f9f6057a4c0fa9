"""Input checks: every problem at once, naming column, case and value."""

from __future__ import annotations

import pandas as pd
import pytest

from cbstats.sets import SetsInputError, check_cutoffs, check_memberships, necessity


def test_memberships_all_problems_at_once():
    d = pd.DataFrame(
        {"A": [0.2, -0.1, None], "B": [1.0, 1.3, 0.5]}, index=["x", "y", "x"]
    )
    with pytest.raises(SetsInputError) as err:
        check_memberships(d, ["A", "B", "C"])
    problems = err.value.problems
    text = str(err.value)
    assert len(problems) == 5
    assert "column 'A': missing membership for case(s) 'x'" in text
    assert "column 'A': membership(s) outside [0, 1]: 'y'=-0.1" in text
    assert "column 'B': membership(s) outside [0, 1]: 'y'=1.3" in text
    assert "column 'C' is not in the data" in text
    assert "duplicated: 'x'" in text


def test_cutoffs():
    check_cutoffs(incl_cut=0.8, pri_cut=0)
    with pytest.raises(SetsInputError) as err:
        check_cutoffs(incl_cut=1.01, ron_cut="high", cov_cut=float("nan"))
    assert len(err.value.problems) == 3
    assert "incl_cut=1.01 is out of range" in str(err.value)
    assert "ron_cut='high' is not a number" in str(err.value)


def test_data_not_modified_and_type_checked():
    d = pd.DataFrame({"A": [0.2, 0.9], "Y": [0.4, 1.0]})
    before = d.copy()
    necessity(d, "Y")
    pd.testing.assert_frame_equal(d, before)
    with pytest.raises(SetsInputError, match="must be a pandas DataFrame"):
        check_memberships([[0.1]], ["A"])
