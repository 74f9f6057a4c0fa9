"""Ordered scales are explicit: cbstats.ordered(), mo() levels, condition scores from casedata."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cbstats
from cbstats.baselines.design import baseline_design
from cbstats.models.design import UnobservedLevelWarning, build_design
from cbstats.models.formula import parse_formula
from cbstats.models.scales import encode_levels, mo_levels
from cbstats.ordinal import default_tolerance, ordered

THIRDS = [0, 1 / 3, 2 / 3, 1]


def test_ordered_matches_rounded_values_and_keeps_every_level():
    x = pd.Series([0.33, 0.67, 1.0, 0.0, np.nan, 1 / 3], index=list("abcdef"), name="forum")
    before = x.copy()
    out = ordered(x, levels=THIRDS)
    pd.testing.assert_series_equal(x, before)  # input untouched
    assert out.dtype == pd.CategoricalDtype(THIRDS, ordered=True)
    assert out.cat.codes.tolist() == [1, 2, 3, 0, -1, 1]
    assert list(out.index) == list("abcdef") and out.name == "forum"
    # a level no row has stays on the scale
    assert list(ordered([0, 1, 1], levels=THIRDS).cat.categories) == THIRDS
    assert default_tolerance(THIRDS) == pytest.approx(0.01)


def test_ordered_names_every_value_off_the_scale():
    x = pd.Series([0.0, 0.5, 0.33, 0.9, 0.5], name="forum")
    with pytest.raises(ValueError, match=r"'forum': value\(s\) 0\.5, 0\.9 \(rows 1, 3, 4\) match no level"):
        ordered(x, levels=THIRDS)
    with pytest.raises(ValueError, match="0.35"):  # beyond the 0.01 tolerance
        ordered([0.35], levels=THIRDS)
    frame = pd.DataFrame({"a": [0.0, 0.2], "b": [1.0, "x"]})
    with pytest.raises(ValueError) as err:  # every column's problems at once
        ordered(frame, levels=THIRDS)
    assert "'a': value(s) 0.2" in str(err.value) and "'b': value(s) 'x'" in str(err.value)
    for bad in ([0], [0, 0], [1, 0]):
        with pytest.raises(ValueError):
            ordered([0], levels=bad)
    labels = ordered(["low", "high", None], levels=["low", "mid", "high"])
    assert labels.cat.codes.tolist() == [0, 2, -1]


def test_mo_levels_rules():
    empty_top = pd.Series(pd.Categorical([0.0, 0.33], categories=[0.0, 0.33, 0.67, 1.0], ordered=True))
    assert mo_levels(empty_top) == [0.0, 0.33, 0.67, 1.0]
    assert mo_levels(pd.Series([3, 1, 1])) == [1, 2, 3]  # integers: min..max, as brms
    assert mo_levels(pd.Series([0.0, 2.0])) == [0, 1, 2]
    assert mo_levels(pd.Series([True, False])) == [False, True]
    with pytest.raises(ValueError, match=r"mo\(x\): column 'x' has non-integer values \(0\.33\).*"
                                         r"cbstats\.ordered\(data\['x'\], levels=\[\.\.\.\]\)"):
        mo_levels(pd.Series([0.0, 0.33, 1.0], name="x"))
    with pytest.raises(ValueError, match="unordered categorical.*as_ordered"):
        mo_levels(pd.Series(pd.Categorical(["a", "b"]), name="c"))
    with pytest.raises(ValueError, match="holds text"):
        mo_levels(pd.Series(["a", "b"], name="t"))
    with pytest.raises(ValueError, match="infinite"):
        mo_levels(pd.Series([0.0, np.inf], name="i"))
    # new data: numbers find numeric categories within the tolerance
    assert encode_levels(pd.Series([1 / 3, 0.0, 1.0]), [0.0, 0.33, 0.67, 1.0], "f").tolist() == [1, 0, 3]
    with pytest.raises(ValueError, match=r"0\.5"):
        encode_levels(pd.Series([0.5]), [0.0, 0.33, 0.67, 1.0], "f")


def test_a_subset_does_not_change_the_number_of_steps():
    """{0, 1}-only or 0/0.33/1-only condition columns keep the codebook's three steps."""
    levels = [0.0, 0.33, 0.67, 1.0]
    df = pd.DataFrame({"y": [0, 1, 0, 1, 1, 0],
                       "f01": ordered([0, 1, 0, 1, 1, 0], levels),
                       "fsub": ordered([0, 0.33, 1, 0.33, 1, 0], levels)})
    with pytest.warns(UnobservedLevelWarning) as rec:
        d = build_design(parse_formula("y ~ mo(f01) + mo(fsub)"), df, "bernoulli")
    assert [m.D for m in d.mono] == [3, 3]
    assert {str(w.message).split(":")[0] for w in rec} == {"mo(f01)", "mo(fsub)"}
    # the baseline's linear effect uses the same level index (0..3), not a rank among observed values
    b = baseline_design("y ~ mo(f01) + mo(fsub)", df)
    assert b.X["mo(f01)"].tolist() == [0, 3, 0, 3, 3, 0]
    assert b.X["mo(fsub)"].tolist() == [0, 1, 3, 1, 3, 0]
    # the same columns as plain numbers are an error, not a silent 1- or 2-step scale
    with pytest.raises(ValueError, match="non-integer"):
        build_design(parse_formula("y ~ mo(fsub)"), df.assign(fsub=df.fsub.astype(float)), "bernoulli")


@pytest.fixture(scope="module")
def cbm_wide():
    return cbstats.load_cbm().cases_wide()


def test_casedata_delivers_conditions_on_the_codebook_scale(cbm_wide):
    codebook = pd.CategoricalDtype([0.0, 0.33, 0.67, 1.0], ordered=True)  # CODEBOOK.md, section 5.1
    for c in cbstats.CONDITIONS:
        assert cbm_wide[c].dtype == codebook, c
    # no case scores dissatisfaction 0, yet the level stays, with its warning
    assert (cbm_wide["dissatisfaction"] == 0).sum() == 0
    complete = cbm_wide.dropna(subset=["dissatisfaction"])
    with pytest.warns(UnobservedLevelWarning, match=r"mo\(dissatisfaction\): level\(s\) \[0\.0\]"):
        d = build_design(parse_formula("transformation ~ mo(dissatisfaction)"), complete, "cumulative")
    assert d.mono[0].D == 3
    # a subset of cases with leap_of_faith only 0 or 1 keeps three steps
    sub = cbm_wide[cbm_wide["leap_of_faith"].isin([0.0, 1.0])]
    assert set(sub["leap_of_faith"].astype(float)) == {0.0, 1.0}
    with pytest.warns(UnobservedLevelWarning, match=r"mo\(leap_of_faith\)"):
        design = build_design(parse_formula("transformation ~ mo(leap_of_faith)"), sub, "cumulative")
        assert design.mono[0].D == 3


def test_read_case_table_delivers_ordered_conditions(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,forum,y\na,0.33,1\nb,1,0\nc,,1\n", encoding="utf-8")
    wide = cbstats.read_case_table(path, numeric=["y"]).cases_wide()
    assert wide["forum"].dtype == pd.CategoricalDtype([0.0, 0.33, 0.67, 1.0], ordered=True)
    assert wide["forum"].cat.codes.tolist() == [1, 3, -1]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        d = build_design(parse_formula("y ~ mo(forum)"), wide, "bernoulli", missing="drop",
                         id_col="case_id")
    assert d.mono[0].D == 3
    dropped = [w for w in rec if "dropped" in str(w.message)]
    assert len(dropped) == 1 and str(dropped[0].message).endswith("[forum (1)]: case ids c")
    assert {w.filename for w in rec} == {__file__}  # every warning points at this line
