"""Truth table on a fuzzy example computed by hand; OUT overrides; bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cbstats.sets import CrossoverWarning, SetsInputError, row_key, truth_table


@pytest.fixture
def data():
    return pd.DataFrame(
        {
            "A": [0.8, 0.7, 0.6, 0.1],
            "B": [0.9, 0.2, 0.3, 0.6],
            "Y": [0.9, 0.3, 0.8, 0.2],
        },
        index=["c1", "c2", "c3", "c4"],
    )


def test_rows_by_hand(data):
    # Row 3 = A*~B (binary 10): memberships min(A, 1-B) = .1, .7, .6, .1 (sum 1.5)
    #   min(X, Y) = .1, .3, .6, .1 (sum 1.1) -> inclS = 1.1/1.5
    #   min(X, Y, 1-Y) = .1, .3, .2, .1 (sum .7) -> PRI = (1.1-.7)/(1.5-.7) = .5
    #   cases c2 (Y=.3) and c3 (Y=.8): contradictory
    # Row 4 = A*B: min = .8, .2, .3, .1; all <= Y -> inclS = 1
    # Row 2 = ~A*B: min(1-A, B) = .2, .2, .3, .6 (sum 1.3); min with Y .2, .2, .3, .2 -> .9/1.3
    before = data.copy()
    tt = truth_table(data, "Y", incl_cut=0.8)
    pd.testing.assert_frame_equal(data, before)
    t = tt.table
    assert list(t.index) == [2, 3, 4]
    assert t.loc[3, "inclS"] == pytest.approx(1.1 / 1.5)
    assert t.loc[3, "PRI"] == pytest.approx(0.5)
    assert t.loc[3, "n"] == 2 and t.loc[3, "cases"] == "c2,c3" and t.loc[3, "contradictory"]
    assert t.loc[4, "inclS"] == pytest.approx(1.0) and not t.loc[4, "contradictory"]
    assert t.loc[2, "inclS"] == pytest.approx(0.9 / 1.3)
    assert t["OUT"].to_dict() == {2: 0, 3: 0, 4: 1}
    assert list(tt.remainder_rows) == [1]
    assert tt.remainders.loc[1, ["A", "B"]].tolist() == [0, 0]
    assert tt.case_rows.to_dict() == {"c1": 4, "c2": 3, "c3": 3, "c4": 2}
    assert "Truth table: outcome 'Y'" in repr(tt) and "<table" in tt._repr_html_()


def test_cutoffs(data):
    assert truth_table(data, "Y", incl_cut=0.7).table["OUT"].to_dict() == {2: 0, 3: 1, 4: 1}
    assert truth_table(data, "Y", incl_cut=0.7, pri_cut=0.6).table["OUT"].to_dict()[3] == 0
    tt = truth_table(data, "Y", n_cut=2)
    assert list(tt.table.index) == [3]
    assert list(tt.remainder_rows) == [1, 2, 4]


def test_negated_outcome(data):
    tt = truth_table(data, "~Y", incl_cut=0.5)
    # row 2 for ~Y: X = .2, .2, .3, .6 (sum 1.3); 1-Y = .1, .7, .2, .8;
    # min(X, 1-Y) = .1, .2, .2, .6 -> 1.1 / 1.3
    assert tt.table.loc[2, "inclS"] == pytest.approx(1.1 / 1.3)


def test_overrides_survive_recomputation(data):
    tt = truth_table(data, "Y", incl_cut=0.8).with_out({"10": 1})
    assert tt.out_overrides == {3: 1}
    assert tt.table.loc[3, "OUT"] == 1 and tt.table.loc[3, "OUT_computed"] == 0
    assert tt.table.loc[3, "override"]
    again = tt.recompute(incl_cut=0.9)
    assert again.table.loc[3, "OUT"] == 1 and again.out_overrides == {3: 1}
    # an override for a row that becomes a remainder is kept, reported, re-applied later
    with pytest.warns(UserWarning, match=r"row\(s\) \[4\] not applied"):
        sparse = tt.with_out({4: 0}).recompute(n_cut=2)
    assert sparse.unapplied_overrides == (4,)
    back = sparse.recompute(n_cut=1)
    assert back.table.loc[4, "OUT"] == 0 and back.table.loc[3, "OUT"] == 1
    report = back.overrides_report()
    assert report.loc[4, "OUT_computed"] == 1 and report.loc[4, "OUT"] == 0
    assert "OUT set by hand" in repr(back)
    assert back.without_overrides().table["OUT"].to_dict() == {2: 0, 3: 0, 4: 1}


def test_row_keys():
    conds = ["A", "B", "C"]
    assert row_key(6, conds) == 6
    assert row_key("101", conds) == 6
    assert row_key({"A": 1, "B": 0, "C": 1}, conds) == 6
    with pytest.raises(SetsInputError, match="expected 3 digits"):
        row_key("10", conds)
    with pytest.raises(SetsInputError, match="out of range"):
        row_key(9, conds)


def test_crossover_warning_names_cases_and_columns(data):
    d = data.copy()
    d.loc["c4", "B"] = 0.5
    with pytest.warns(CrossoverWarning, match=r"'B': \['c4'\]"):
        tt = truth_table(d, "Y")
    assert np.isnan(tt.case_rows["c4"])
    assert 2 not in tt.table.index
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        truth_table(data, "Y")  # no warning without 0.5 memberships


def test_bad_input_lists_all_problems(data):
    d = data.astype(object)
    d.loc["c2", "B"] = 1.2
    d.loc["c3", "A"] = "high"
    with pytest.raises(SetsInputError) as err:
        truth_table(d, "Y")
    text = str(err.value)
    assert "column 'B': membership(s) outside [0, 1]: 'c2'=1.2" in text
    assert "column 'A': non-numeric value(s) 'high'" in text and "'c3'" in text
    with pytest.raises(SetsInputError) as err:
        truth_table(data, "Y", incl_cut=1.5, pri_cut=-0.1, n_cut=0)
    text = str(err.value)
    assert "incl_cut=1.5" in text and "pri_cut=-0.1" in text and "n_cut=0" in text
    with pytest.raises(SetsInputError, match="column 'Z' is not in the data"):
        truth_table(data, "Z")
    with pytest.raises(SetsInputError, match="OUT=2"):
        truth_table(data, "Y", out_overrides={3: 2})
