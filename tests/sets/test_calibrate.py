"""Calibration: direct method (Ragin 2008, ch. 5), direct assignment, ordinal outcome."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cbstats.sets import (
    CBM_TRANSFORMATION_MEMBERSHIPS,
    SetsInputError,
    assign_memberships,
    calibrate_direct,
    calibrate_ordinal,
)


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_direct_increasing_anchors_and_midpoints():
    # anchors 10 / 20 / 40: log odds -3 at 10, 0 at 20, +3 at 40, linear on each side
    x = pd.Series([10.0, 20.0, 40.0, 30.0, 15.0, 100.0, 0.0], index=list("abcdefg"))
    m = calibrate_direct(x, exclusion=10, crossover=20, inclusion=40)
    expected = [logistic(-3), 0.5, logistic(3), logistic(1.5), logistic(-1.5), logistic(12), logistic(-6)]
    np.testing.assert_allclose(m.to_numpy(), expected, rtol=1e-12)
    assert round(m["c"], 3) == 0.953 and round(m["a"], 3) == 0.047  # Ragin's 0.95 / 0.05
    assert list(m.index) == list("abcdefg")


def test_direct_decreasing_mirrors_increasing():
    x = pd.Series([0.0, 5.0, 10.0, 12.5, 20.0])
    dec = calibrate_direct(x, exclusion=20, crossover=10, inclusion=0)
    np.testing.assert_allclose(dec, [logistic(3), logistic(1.5), 0.5, logistic(-0.75), logistic(-3)])
    assert (np.diff(dec.to_numpy()) < 0).all()


def test_direct_log_odds_of_r_qca_default():
    m = calibrate_direct([40.0], exclusion=10, crossover=20, inclusion=40, log_odds=math.log(19))
    assert m.iloc[0] == pytest.approx(0.95)


def test_direct_keeps_missing_and_does_not_modify_input():
    x = pd.Series([1.0, np.nan, 3.0])
    before = x.copy()
    m = calibrate_direct(x, exclusion=1, crossover=2, inclusion=3)
    assert np.isnan(m.iloc[1])
    pd.testing.assert_series_equal(x, before)


def test_direct_bad_anchors_listed_together():
    with pytest.raises(SetsInputError) as err:
        calibrate_direct([1.0], exclusion=5, crossover=2, inclusion=3, log_odds=-1)
    text = str(err.value)
    assert "crossover strictly between" in text and "log_odds=-1" in text


def test_assignment_with_mapping_and_unmapped_value():
    x = pd.Series(["none", "some", "full", None], index=["k1", "k2", "k3", "k4"], name="forum")
    m = assign_memberships(x, {"none": 0, "some": 0.33, "full": 1})
    assert m.tolist()[:3] == [0.0, 0.33, 1.0] and np.isnan(m["k4"])
    with pytest.raises(SetsInputError, match=r"column 'forum'.*'lots'.*k9"):
        assign_memberships(pd.Series(["lots"], index=["k9"], name="forum"), {"none": 0})


def test_assignment_of_fuzzy_scores_checks_range():
    ok = assign_memberships(pd.Series([0, 0.33, 0.67, 1], name="fatigue"))
    assert ok.dtype == float and ok.tolist() == [0, 0.33, 0.67, 1]
    with pytest.raises(SetsInputError, match=r"column 'fatigue'.*1\.5.*'c2'"):
        assign_memberships(pd.Series([0.5, 1.5], index=["c1", "c2"], name="fatigue"))


def test_ordinal_cbm_default_and_user_thresholds():
    levels = pd.Series([0, 1, 2, 3, 3], name="transformation")
    m = calibrate_ordinal(levels, CBM_TRANSFORMATION_MEMBERSHIPS)
    assert m.tolist() == [0.0, 0.33, 0.67, 1.0, 1.0]
    strict = calibrate_ordinal(levels, {0: 0, 1: 0, 2: 0.67, 3: 1})
    assert strict.tolist() == [0.0, 0.0, 0.67, 1.0, 1.0]
    # evenly spaced default needs all levels, not only observed ones
    even = calibrate_ordinal(pd.Series([1, 3]), levels=[0, 1, 2, 3])
    assert even.tolist() == [0.33, 1.0]
    with pytest.raises(SetsInputError, match="levels"):
        calibrate_ordinal(pd.Series([1, 3], name="transformation"))
    cat = pd.Series(pd.Categorical(["lo", "hi", "mid"], categories=["lo", "mid", "hi"], ordered=True))
    assert calibrate_ordinal(cat).tolist() == [0.0, 1.0, 0.5]
