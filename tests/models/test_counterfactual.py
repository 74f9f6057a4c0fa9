"""Counterfactual changes are draw-by-draw differences of predictions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbstats.models import fit
from cbstats.models.counterfactual import counterfactual_change


@pytest.fixture(scope="module")
def fitted(cbm_like):
    kw = {"draws": 100, "tune": 100, "chains": 2, "progressbar": False, "check": False, "seed": 3}
    return fit("institutionalized ~ mo(forum) + n_interaction", cbm_like, "bernoulli", **kw)


def test_change_is_difference_of_predictions(fitted, cbm_like):
    before = cbm_like["forum"].copy()
    out = counterfactual_change(fitted, cbm_like, "forum", 0.0)
    assert len(out) == len(cbm_like) and out["id"].tolist() == cbm_like["case_id"].tolist()
    p = fitted.predict(cbm_like).values.reshape(-1, len(cbm_like)).mean(axis=0)
    zero = cbm_like.assign(forum=0.0)
    q = fitted.predict(zero).values.reshape(-1, len(cbm_like)).mean(axis=0)
    np.testing.assert_allclose(out["p_observed"], p)
    np.testing.assert_allclose(out["p_set"], q)
    np.testing.assert_allclose(out["change_mean"], q - p, atol=1e-12)
    assert (out["change_lower"] <= out["change_mean"]).all() and (out["change_mean"] <= out["change_upper"]).all()
    pd.testing.assert_series_equal(cbm_like["forum"], before)  # the caller's data is not modified
    assert not (cbm_like["forum"] == 0).all()


def test_setting_the_observed_value_changes_nothing(fitted, cbm_like):
    row = cbm_like.iloc[[0]]
    out = counterfactual_change(fitted, row, "forum", row["forum"].iloc[0])
    assert out["change_mean"].iloc[0] == 0 and out["change_upper"].iloc[0] == 0


def test_unknown_column(fitted, cbm_like):
    with pytest.raises(ValueError, match="not in the data"):
        counterfactual_change(fitted, cbm_like, "nope", 0)
